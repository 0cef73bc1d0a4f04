WITH "t8" AS (
  SELECT
    "t3"."source_system",
    "t3"."source_id",
    "t3"."event_id",
    "t3"."contact_id",
    "t3"."account_id",
    "t3"."stage",
    "t3"."ts",
    "t3"."actor",
    "t3"."team",
    "t3"."reason",
    "t6"."__j0_account_id",
    "t6"."__j0_owner_id",
    "t6"."__j0__id",
    "t6"."__j0__ss",
    "t7"."__j1_segment",
    "t7"."__j1__id",
    "t7"."__j1__ss"
  FROM "lifecycle_events" AS "t3"
  LEFT OUTER JOIN (
    SELECT
      "t1"."account_id" AS "__j0_account_id",
      "t1"."owner_id" AS "__j0_owner_id",
      "t1"."contact_id" AS "__j0__id",
      "t1"."source_system" AS "__j0__ss"
    FROM "contacts" AS "t1"
  ) AS "t6"
    ON "t3"."contact_id" = "t6"."__j0__id" AND "t3"."source_system" = "t6"."__j0__ss"
  LEFT OUTER JOIN (
    SELECT
      "t2"."segment" AS "__j1_segment",
      "t2"."account_id" AS "__j1__id",
      "t2"."source_system" AS "__j1__ss"
    FROM "accounts" AS "t2"
  ) AS "t7"
    ON "t6"."__j0_account_id" = "t7"."__j1__id" AND "t6"."__j0__ss" = "t7"."__j1__ss"
)
SELECT
  "t17"."period",
  "t17"."segment",
  "t17"."rep",
  COALESCE("t17"."__m_sals", 0) / NULLIF(COALESCE("t17"."__m_mql_decisions", 0), 0) AS "value"
FROM (
  SELECT
    "t16"."period",
    "t16"."segment",
    "t16"."rep",
    MAX("t16"."__value") FILTER(WHERE
      "t16"."__input" = 'mql_decisions') AS "__m_mql_decisions",
    MAX("t16"."__value") FILTER(WHERE
      "t16"."__input" = 'sals') AS "__m_sals"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t12"."period",
        "t12"."segment",
        "t12"."rep",
        'mql_decisions' AS "__input",
        CAST("t12"."value" AS DOUBLE) AS "__value"
      FROM (
        SELECT
          CAST(DATE_TRUNC('WEEK', "t10"."ts") AS DATE) AS "period",
          "t10"."__j1_segment" AS "segment",
          "t10"."__j0_owner_id" AS "rep",
          COUNT(DISTINCT "t10"."source_system" || ':' || "t10"."contact_id") AS "value"
        FROM (
          SELECT
            *
          FROM "t8" AS "t9"
          WHERE
            "t9"."stage" IN ('sal', 'rejected')
            AND "t9"."ts" IS NOT NULL
            AND "t9"."ts" >= MAKE_TIMESTAMP(2025, 1, 1, 0, 0, 0.0)
            AND "t9"."ts" < MAKE_TIMESTAMP(2025, 4, 1, 0, 0, 0.0)
        ) AS "t10"
        GROUP BY
          1,
          2,
          3
      ) AS "t12"
    ) AS "t14"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t13"."period",
        "t13"."segment",
        "t13"."rep",
        'sals' AS "__input",
        CAST("t13"."value" AS DOUBLE) AS "__value"
      FROM (
        SELECT
          CAST(DATE_TRUNC('WEEK', "t11"."ts") AS DATE) AS "period",
          "t11"."__j1_segment" AS "segment",
          "t11"."__j0_owner_id" AS "rep",
          COUNT(DISTINCT "t11"."source_system" || ':' || "t11"."contact_id") AS "value"
        FROM (
          SELECT
            *
          FROM "t8" AS "t9"
          WHERE
            "t9"."stage" = 'sal'
            AND "t9"."ts" IS NOT NULL
            AND "t9"."ts" >= MAKE_TIMESTAMP(2025, 1, 1, 0, 0, 0.0)
            AND "t9"."ts" < MAKE_TIMESTAMP(2025, 4, 1, 0, 0, 0.0)
        ) AS "t11"
        GROUP BY
          1,
          2,
          3
      ) AS "t13"
    ) AS "t15"
  ) AS "t16"
  GROUP BY
    1,
    2,
    3
) AS "t17"
ORDER BY
  "t17"."period" ASC,
  "t17"."segment" ASC,
  "t17"."rep" ASC

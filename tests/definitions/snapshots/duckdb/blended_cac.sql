SELECT
  "t9"."period",
  (
    COALESCE("t9"."__m_paid_spend", 0) + 0.0
  ) / NULLIF(COALESCE("t9"."__m_new_customers", 0), 0) AS "value"
FROM (
  SELECT
    "t8"."period",
    MAX("t8"."__value") FILTER(WHERE
      "t8"."__input" = 'new_customers') AS "__m_new_customers",
    MAX("t8"."__value") FILTER(WHERE
      "t8"."__input" = 'paid_spend') AS "__m_paid_spend"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."period",
        'new_customers' AS "__input",
        CAST("t4"."value" AS DOUBLE) AS "__value"
      FROM (
        SELECT
          CAST(DATE_TRUNC('MONTH', "t2"."closed_at") AS DATE) AS "period",
          COUNT(DISTINCT "t2"."source_system" || ':' || "t2"."account_id") AS "value"
        FROM (
          SELECT
            *
          FROM "opportunities" AS "t0"
          WHERE
            "t0"."won" = TRUE AND "t0"."closed_at" IS NOT NULL
        ) AS "t2"
        GROUP BY
          1
      ) AS "t4"
    ) AS "t7"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."period",
        'paid_spend' AS "__input",
        "t5"."value" AS "__value"
      FROM (
        SELECT
          CAST(DATE_TRUNC('MONTH', CAST("t3"."date" AS TIMESTAMP)) AS DATE) AS "period",
          COALESCE(SUM("t3"."amount"), 0) AS "value"
        FROM (
          SELECT
            *
          FROM "spend" AS "t1"
          WHERE
            "t1"."date" IS NOT NULL
        ) AS "t3"
        GROUP BY
          1
      ) AS "t5"
    ) AS "t6"
  ) AS "t8"
  GROUP BY
    1
) AS "t9"
ORDER BY
  "t9"."period" ASC

SELECT
  "t8"."period",
  (
    COALESCE("t8"."__m_paid_spend", 0) + 0.0
  ) / NULLIF(COALESCE("t8"."__m_new_customers", 0), 0) AS "value"
FROM (
  SELECT
    "t7"."period",
    MAX("t7"."__value") FILTER(WHERE
      "t7"."__input" = 'new_customers') AS "__m_new_customers",
    MAX("t7"."__value") FILTER(WHERE
      "t7"."__input" = 'paid_spend') AS "__m_paid_spend"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t5"."period",
        'new_customers' AS "__input",
        CAST("t5"."value" AS DOUBLE) AS "__value"
      FROM (
        SELECT
          CAST(DATE_TRUNC('MONTH', "t2"."closed_at") AS DATE) AS "period",
          COUNT(DISTINCT "t2"."source_system" || ':' || "t2"."account_id") AS "value"
        FROM (
          SELECT
            *
          FROM "opportunities" AS "t1"
          WHERE
            "t1"."won" = TRUE
        ) AS "t2"
        GROUP BY
          1
      ) AS "t5"
    ) AS "t6"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t3"."period",
        'paid_spend' AS "__input",
        "t3"."value" AS "__value"
      FROM (
        SELECT
          CAST(DATE_TRUNC('MONTH', CAST("t0"."date" AS TIMESTAMP)) AS DATE) AS "period",
          COALESCE(SUM("t0"."amount"), 0) AS "value"
        FROM "spend" AS "t0"
        GROUP BY
          1
      ) AS "t3"
    ) AS "t4"
  ) AS "t7"
  GROUP BY
    1
) AS "t8"
ORDER BY
  "t8"."period" ASC

WITH "t10" AS (
  SELECT
    "t8"."period",
    'new_customers' AS "__input",
    CAST("t8"."value" AS DOUBLE) AS "__value"
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', "t3"."closed_at") AS DATE) AS "period",
      COUNT(DISTINCT "t3"."source_system" || ':' || "t3"."account_id") AS "value"
    FROM (
      SELECT
        *
      FROM "opportunities" AS "t0"
      WHERE
        "t0"."won" = TRUE
    ) AS "t3"
    GROUP BY
      1
  ) AS "t8"
)
SELECT
  "t17"."period",
  "t17"."__m_blended_cac" / NULLIF(
    (
      COALESCE("t17"."__m_new_customer_revenue", 0) / NULLIF(COALESCE("t17"."__m_new_customers", 0), 0)
    ) * 0.8,
    0
  ) AS "value"
FROM (
  SELECT
    "t16"."period",
    MAX("t16"."__value") FILTER(WHERE
      "t16"."__input" = 'blended_cac') AS "__m_blended_cac",
    MAX("t16"."__value") FILTER(WHERE
      "t16"."__input" = 'new_customer_revenue') AS "__m_new_customer_revenue",
    MAX("t16"."__value") FILTER(WHERE
      "t16"."__input" = 'new_customers') AS "__m_new_customers"
  FROM (
    SELECT
      *
    FROM "t10" AS "t11"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t13"."period",
          'blended_cac' AS "__input",
          (
            COALESCE("t13"."__m_paid_spend", 0) + 0.0
          ) / NULLIF(COALESCE("t13"."__m_new_customers", 0), 0) AS "__value"
        FROM (
          SELECT
            "t12"."period",
            MAX("t12"."__value") FILTER(WHERE
              "t12"."__input" = 'new_customers') AS "__m_new_customers",
            MAX("t12"."__value") FILTER(WHERE
              "t12"."__input" = 'paid_spend') AS "__m_paid_spend"
          FROM (
            SELECT
              *
            FROM "t10" AS "t11"
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
                  CAST(DATE_TRUNC('MONTH', CAST("t2"."date" AS TIMESTAMP)) AS DATE) AS "period",
                  COALESCE(SUM("t2"."amount"), 0) AS "value"
                FROM "spend" AS "t2"
                GROUP BY
                  1
              ) AS "t5"
            ) AS "t7"
          ) AS "t12"
          GROUP BY
            1
        ) AS "t13"
      ) AS "t14"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t6"."period",
          'new_customer_revenue' AS "__input",
          "t6"."value" AS "__value"
        FROM (
          SELECT
            CAST(DATE_TRUNC('MONTH', "t4"."ts") AS DATE) AS "period",
            COALESCE(SUM("t4"."amount"), 0) AS "value"
          FROM (
            SELECT
              *
            FROM "revenue" AS "t1"
            WHERE
              "t1"."kind" = 'new'
          ) AS "t4"
          GROUP BY
            1
        ) AS "t6"
      ) AS "t9"
    ) AS "t15"
  ) AS "t16"
  GROUP BY
    1
) AS "t17"
ORDER BY
  "t17"."period" ASC

WITH "t11" AS (
  SELECT
    "t7"."period",
    'new_customers' AS "__input",
    CAST("t7"."value" AS DOUBLE) AS "__value"
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', "t3"."closed_at") AS DATE) AS "period",
      COUNT(DISTINCT "t3"."source_system" || ':' || "t3"."account_id") AS "value"
    FROM (
      SELECT
        *
      FROM "opportunities" AS "t0"
      WHERE
        "t0"."won" = TRUE AND "t0"."closed_at" IS NOT NULL
    ) AS "t3"
    GROUP BY
      1
  ) AS "t7"
)
SELECT
  "t18"."period",
  "t18"."__m_blended_cac" / NULLIF(
    (
      COALESCE("t18"."__m_new_customer_revenue", 0) / NULLIF(COALESCE("t18"."__m_new_customers", 0), 0)
    ) * 0.8,
    0
  ) AS "value"
FROM (
  SELECT
    "t17"."period",
    MAX("t17"."__value") FILTER(WHERE
      "t17"."__input" = 'blended_cac') AS "__m_blended_cac",
    MAX("t17"."__value") FILTER(WHERE
      "t17"."__input" = 'new_customer_revenue') AS "__m_new_customer_revenue",
    MAX("t17"."__value") FILTER(WHERE
      "t17"."__input" = 'new_customers') AS "__m_new_customers"
  FROM (
    SELECT
      *
    FROM "t11" AS "t12"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t14"."period",
          'blended_cac' AS "__input",
          (
            COALESCE("t14"."__m_paid_spend", 0) + 0.0
          ) / NULLIF(COALESCE("t14"."__m_new_customers", 0), 0) AS "__value"
        FROM (
          SELECT
            "t13"."period",
            MAX("t13"."__value") FILTER(WHERE
              "t13"."__input" = 'new_customers') AS "__m_new_customers",
            MAX("t13"."__value") FILTER(WHERE
              "t13"."__input" = 'paid_spend') AS "__m_paid_spend"
          FROM (
            SELECT
              *
            FROM "t11" AS "t12"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                "t8"."period",
                'paid_spend' AS "__input",
                "t8"."value" AS "__value"
              FROM (
                SELECT
                  CAST(DATE_TRUNC('MONTH', CAST("t5"."date" AS TIMESTAMP)) AS DATE) AS "period",
                  COALESCE(SUM("t5"."amount"), 0) AS "value"
                FROM (
                  SELECT
                    *
                  FROM "spend" AS "t2"
                  WHERE
                    "t2"."date" IS NOT NULL
                ) AS "t5"
                GROUP BY
                  1
              ) AS "t8"
            ) AS "t10"
          ) AS "t13"
          GROUP BY
            1
        ) AS "t14"
      ) AS "t15"
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
              "t1"."kind" = 'new' AND "t1"."ts" IS NOT NULL
          ) AS "t4"
          GROUP BY
            1
        ) AS "t6"
      ) AS "t9"
    ) AS "t16"
  ) AS "t17"
  GROUP BY
    1
) AS "t18"
ORDER BY
  "t18"."period" ASC

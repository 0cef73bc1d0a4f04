WITH "t3" AS (
  SELECT
    *
  FROM "opportunities" AS "t0"
  WHERE
    "t0"."won" = TRUE AND "t0"."closed_at" IS NOT NULL
)
SELECT
  "t21"."period",
  CAST((
    COALESCE("t21"."__m_opportunities_created", 0) * "t21"."__m_win_rate" * "t21"."__m_average_deal_size"
  ) AS DOUBLE PRECISION) / NULLIF("t21"."__m_sales_cycle_days", 0) AS "value"
FROM (
  SELECT
    "t20"."period",
    MAX("t20"."__value") FILTER(WHERE
      "t20"."__input" = 'average_deal_size') AS "__m_average_deal_size",
    MAX("t20"."__value") FILTER(WHERE
      "t20"."__input" = 'opportunities_created') AS "__m_opportunities_created",
    MAX("t20"."__value") FILTER(WHERE
      "t20"."__input" = 'sales_cycle_days') AS "__m_sales_cycle_days",
    MAX("t20"."__value") FILTER(WHERE
      "t20"."__input" = 'win_rate') AS "__m_win_rate"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t7"."period",
          'average_deal_size' AS "__input",
          "t7"."value" AS "__value"
        FROM (
          SELECT
            CAST(DATE_TRUNC('MONTH', "t4"."closed_at") AS DATE) AS "period",
            AVG("t4"."amount") AS "value"
          FROM "t3" AS "t4"
          GROUP BY
            1
        ) AS "t7"
      ) AS "t11"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t5"."period",
          'opportunities_created' AS "__input",
          CAST("t5"."value" AS DOUBLE PRECISION) AS "__value"
        FROM (
          SELECT
            CAST(DATE_TRUNC('MONTH', "t1"."created_at") AS DATE) AS "period",
            COUNT(*) AS "value"
          FROM (
            SELECT
              *
            FROM "opportunities" AS "t0"
            WHERE
              "t0"."created_at" IS NOT NULL
          ) AS "t1"
          GROUP BY
            1
        ) AS "t5"
      ) AS "t9"
    ) AS "t12"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t14"."period",
          'sales_cycle_days' AS "__input",
          "t14"."value" AS "__value"
        FROM (
          SELECT
            CAST(DATE_TRUNC('MONTH', "t4"."closed_at") AS DATE) AS "period",
            AVG(
              CAST(EXTRACT('epoch' FROM "t4"."closed_at") - EXTRACT('epoch' FROM "t4"."created_at") AS DOUBLE PRECISION) / 86400
            ) AS "value"
          FROM "t3" AS "t4"
          GROUP BY
            1
        ) AS "t14"
      ) AS "t16"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t17"."period",
          'win_rate' AS "__input",
          CAST(COALESCE("t17"."__m_won_opportunities", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t17"."__m_closed_opportunities", 0), 0) AS "__value"
        FROM (
          SELECT
            "t15"."period",
            MAX("t15"."__value") FILTER(WHERE
              "t15"."__input" = 'closed_opportunities') AS "__m_closed_opportunities",
            MAX("t15"."__value") FILTER(WHERE
              "t15"."__input" = 'won_opportunities') AS "__m_won_opportunities"
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t6"."period",
                'closed_opportunities' AS "__input",
                CAST("t6"."value" AS DOUBLE PRECISION) AS "__value"
              FROM (
                SELECT
                  CAST(DATE_TRUNC('MONTH', "t2"."closed_at") AS DATE) AS "period",
                  COUNT(*) AS "value"
                FROM (
                  SELECT
                    *
                  FROM "opportunities" AS "t0"
                  WHERE
                    "t0"."is_closed" = TRUE AND "t0"."closed_at" IS NOT NULL
                ) AS "t2"
                GROUP BY
                  1
              ) AS "t6"
            ) AS "t10"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                "t8"."period",
                'won_opportunities' AS "__input",
                CAST("t8"."value" AS DOUBLE PRECISION) AS "__value"
              FROM (
                SELECT
                  CAST(DATE_TRUNC('MONTH', "t4"."closed_at") AS DATE) AS "period",
                  COUNT(*) AS "value"
                FROM "t3" AS "t4"
                GROUP BY
                  1
              ) AS "t8"
            ) AS "t13"
          ) AS "t15"
          GROUP BY
            1
        ) AS "t17"
      ) AS "t18"
    ) AS "t19"
  ) AS "t20"
  GROUP BY
    1
) AS "t21"
ORDER BY
  "t21"."period" ASC

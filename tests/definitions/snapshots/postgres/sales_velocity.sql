WITH "t2" AS (
  SELECT
    *
  FROM "opportunities" AS "t0"
  WHERE
    "t0"."won" = TRUE
)
SELECT
  "t20"."period",
  CAST((
    COALESCE("t20"."__m_opportunities_created", 0) * "t20"."__m_win_rate" * "t20"."__m_average_deal_size"
  ) AS DOUBLE PRECISION) / NULLIF("t20"."__m_sales_cycle_days", 0) AS "value"
FROM (
  SELECT
    "t19"."period",
    MAX("t19"."__value") FILTER(WHERE
      "t19"."__input" = 'average_deal_size') AS "__m_average_deal_size",
    MAX("t19"."__value") FILTER(WHERE
      "t19"."__input" = 'opportunities_created') AS "__m_opportunities_created",
    MAX("t19"."__value") FILTER(WHERE
      "t19"."__input" = 'sales_cycle_days') AS "__m_sales_cycle_days",
    MAX("t19"."__value") FILTER(WHERE
      "t19"."__input" = 'win_rate') AS "__m_win_rate"
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
          FROM "t2" AS "t4"
          GROUP BY
            1
        ) AS "t7"
      ) AS "t10"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t3"."period",
          'opportunities_created' AS "__input",
          CAST("t3"."value" AS DOUBLE PRECISION) AS "__value"
        FROM (
          SELECT
            CAST(DATE_TRUNC('MONTH', "t0"."created_at") AS DATE) AS "period",
            COUNT(*) AS "value"
          FROM "opportunities" AS "t0"
          GROUP BY
            1
        ) AS "t3"
      ) AS "t5"
    ) AS "t11"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t13"."period",
          'sales_cycle_days' AS "__input",
          "t13"."value" AS "__value"
        FROM (
          SELECT
            CAST(DATE_TRUNC('MONTH', "t4"."closed_at") AS DATE) AS "period",
            AVG(
              CAST(EXTRACT('epoch' FROM "t4"."closed_at") - EXTRACT('epoch' FROM "t4"."created_at") AS DOUBLE PRECISION) / 86400
            ) AS "value"
          FROM "t2" AS "t4"
          GROUP BY
            1
        ) AS "t13"
      ) AS "t15"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t16"."period",
          'win_rate' AS "__input",
          CAST(COALESCE("t16"."__m_won_opportunities", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t16"."__m_closed_opportunities", 0), 0) AS "__value"
        FROM (
          SELECT
            "t14"."period",
            MAX("t14"."__value") FILTER(WHERE
              "t14"."__input" = 'closed_opportunities') AS "__m_closed_opportunities",
            MAX("t14"."__value") FILTER(WHERE
              "t14"."__input" = 'won_opportunities') AS "__m_won_opportunities"
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
                  CAST(DATE_TRUNC('MONTH', "t1"."closed_at") AS DATE) AS "period",
                  COUNT(*) AS "value"
                FROM (
                  SELECT
                    *
                  FROM "opportunities" AS "t0"
                  WHERE
                    "t0"."is_closed" = TRUE
                ) AS "t1"
                GROUP BY
                  1
              ) AS "t6"
            ) AS "t9"
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
                FROM "t2" AS "t4"
                GROUP BY
                  1
              ) AS "t8"
            ) AS "t12"
          ) AS "t14"
          GROUP BY
            1
        ) AS "t16"
      ) AS "t17"
    ) AS "t18"
  ) AS "t19"
  GROUP BY
    1
) AS "t20"
ORDER BY
  "t20"."period" ASC

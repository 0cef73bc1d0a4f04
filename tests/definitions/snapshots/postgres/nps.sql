SELECT
  "t12"."period",
  CAST((
    100.0 * (
      COALESCE("t12"."__m_nps_promoters", 0) - COALESCE("t12"."__m_nps_detractors", 0)
    )
  ) AS DOUBLE PRECISION) / NULLIF(COALESCE("t12"."__m_nps_responses", 0), 0) AS "value"
FROM (
  SELECT
    "t11"."period",
    MAX("t11"."__value") FILTER(WHERE
      "t11"."__input" = 'nps_detractors') AS "__m_nps_detractors",
    MAX("t11"."__value") FILTER(WHERE
      "t11"."__input" = 'nps_promoters') AS "__m_nps_promoters",
    MAX("t11"."__value") FILTER(WHERE
      "t11"."__input" = 'nps_responses') AS "__m_nps_responses"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."period",
        'nps_responses' AS "__input",
        CAST("t4"."value" AS DOUBLE PRECISION) AS "__value"
      FROM (
        SELECT
          CAST(DATE_TRUNC('MONTH', "t1"."ts") AS DATE) AS "period",
          COUNT(*) AS "value"
        FROM (
          SELECT
            *
          FROM "feedback" AS "t0"
          WHERE
            "t0"."channel" = 'nps' AND "t0"."rating" IS NOT NULL AND "t0"."ts" IS NOT NULL
        ) AS "t1"
        GROUP BY
          1
      ) AS "t4"
    ) AS "t7"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t5"."period",
          'nps_detractors' AS "__input",
          CAST("t5"."value" AS DOUBLE PRECISION) AS "__value"
        FROM (
          SELECT
            CAST(DATE_TRUNC('MONTH', "t2"."ts") AS DATE) AS "period",
            COUNT(*) AS "value"
          FROM (
            SELECT
              *
            FROM "feedback" AS "t0"
            WHERE
              "t0"."channel" = 'nps' AND "t0"."rating" <= 6 AND "t0"."ts" IS NOT NULL
          ) AS "t2"
          GROUP BY
            1
        ) AS "t5"
      ) AS "t8"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t6"."period",
          'nps_promoters' AS "__input",
          CAST("t6"."value" AS DOUBLE PRECISION) AS "__value"
        FROM (
          SELECT
            CAST(DATE_TRUNC('MONTH', "t3"."ts") AS DATE) AS "period",
            COUNT(*) AS "value"
          FROM (
            SELECT
              *
            FROM "feedback" AS "t0"
            WHERE
              "t0"."channel" = 'nps' AND "t0"."rating" >= 9 AND "t0"."ts" IS NOT NULL
          ) AS "t3"
          GROUP BY
            1
        ) AS "t6"
      ) AS "t9"
    ) AS "t10"
  ) AS "t11"
  GROUP BY
    1
) AS "t12"
ORDER BY
  "t12"."period" ASC

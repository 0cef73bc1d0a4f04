SELECT
  *
FROM (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t1"."created_at") AS DATE) AS "period",
    COALESCE(SUM("t1"."amount"), 0) AS "value"
  FROM (
    SELECT
      *
    FROM "opportunities" AS "t0"
    WHERE
      "t0"."lead_source" IN (
        'paid_search',
        'paid_social',
        'organic_search',
        'organic_social',
        'email',
        'display',
        'events',
        'webinar',
        'content'
      )
      AND "t0"."created_at" IS NOT NULL
  ) AS "t1"
  GROUP BY
    1
) AS "t2"
ORDER BY
  "t2"."period" ASC

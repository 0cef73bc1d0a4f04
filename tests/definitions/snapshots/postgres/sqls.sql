SELECT
  *
FROM (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t1"."ts") AS DATE) AS "period",
    COUNT(DISTINCT "t1"."source_system" || ':' || "t1"."contact_id") AS "value"
  FROM (
    SELECT
      *
    FROM "lifecycle_events" AS "t0"
    WHERE
      "t0"."stage" = 'sql' AND "t0"."ts" IS NOT NULL
  ) AS "t1"
  GROUP BY
    1
) AS "t2"
ORDER BY
  "t2"."period" ASC

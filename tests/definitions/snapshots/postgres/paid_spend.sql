SELECT
  *
FROM (
  SELECT
    CAST(DATE_TRUNC('MONTH', CAST("t0"."date" AS TIMESTAMP)) AS DATE) AS "period",
    COALESCE(SUM("t0"."amount"), 0) AS "value"
  FROM "spend" AS "t0"
  GROUP BY
    1
) AS "t1"
ORDER BY
  "t1"."period" ASC

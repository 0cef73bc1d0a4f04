SELECT
  *
FROM (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t1"."ts") AS DATE) AS "period",
    COUNT(*) AS "value"
  FROM (
    SELECT
      *
    FROM "feedback" AS "t0"
    WHERE
      "t0"."channel" = 'nps' AND "t0"."rating" <= 6 AND "t0"."ts" IS NOT NULL
  ) AS "t1"
  GROUP BY
    1
) AS "t2"
ORDER BY
  "t2"."period" ASC

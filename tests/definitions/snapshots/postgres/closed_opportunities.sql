SELECT
  *
FROM (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t1"."closed_at") AS DATE) AS "period",
    COUNT(*) AS "value"
  FROM (
    SELECT
      *
    FROM "opportunities" AS "t0"
    WHERE
      "t0"."is_closed" = TRUE AND "t0"."closed_at" IS NOT NULL
  ) AS "t1"
  GROUP BY
    1
) AS "t2"
ORDER BY
  "t2"."period" ASC

SELECT
  *
FROM (
  SELECT
    CAST(DATE_TRUNC('month', `t0`.`created_at`) AS DATE) AS `period`,
    COALESCE(SUM(`t0`.`amount`), 0) AS `value`
  FROM `opportunities` AS `t0`
  GROUP BY
    1
) AS `t1`
ORDER BY
  `t1`.`period` ASC NULLS LAST

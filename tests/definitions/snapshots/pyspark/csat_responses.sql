SELECT
  *
FROM (
  SELECT
    CAST(DATE_TRUNC('month', `t1`.`opened_at`) AS DATE) AS `period`,
    COUNT(*) AS `value`
  FROM (
    SELECT
      *
    FROM `tickets` AS `t0`
    WHERE
      `t0`.`csat` IS NOT NULL AND `t0`.`opened_at` IS NOT NULL
  ) AS `t1`
  GROUP BY
    1
) AS `t2`
ORDER BY
  `t2`.`period` ASC NULLS LAST

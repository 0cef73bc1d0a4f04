SELECT
  *
FROM (
  SELECT
    CAST(DATE_TRUNC('month', `t1`.`ts`) AS DATE) AS `period`,
    COALESCE(SUM(`t1`.`amount`), 0) AS `value`
  FROM (
    SELECT
      *
    FROM `revenue` AS `t0`
    WHERE
      `t0`.`kind` = 'new' AND `t0`.`ts` IS NOT NULL
  ) AS `t1`
  GROUP BY
    1
) AS `t2`
ORDER BY
  `t2`.`period` ASC NULLS LAST

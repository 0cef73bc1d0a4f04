SELECT
  *
FROM (
  SELECT
    CAST(DATE_TRUNC('month', CAST(`t1`.`date` AS TIMESTAMP)) AS DATE) AS `period`,
    COALESCE(SUM(`t1`.`amount`), 0) AS `value`
  FROM (
    SELECT
      *
    FROM `spend` AS `t0`
    WHERE
      `t0`.`date` IS NOT NULL
  ) AS `t1`
  GROUP BY
    1
) AS `t2`
ORDER BY
  `t2`.`period` ASC NULLS LAST

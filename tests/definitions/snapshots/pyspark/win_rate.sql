SELECT
  `t8`.`period`,
  COALESCE(`t8`.`__m_won_opportunities`, 0) / NULLIF(COALESCE(`t8`.`__m_closed_opportunities`, 0), 0) AS `value`
FROM (
  SELECT
    `t7`.`period`,
    MAX(IF(`t7`.`__input` = 'closed_opportunities', `t7`.`__value`, NULL)) AS `__m_closed_opportunities`,
    MAX(IF(`t7`.`__input` = 'won_opportunities', `t7`.`__value`, NULL)) AS `__m_won_opportunities`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t3`.`period`,
        'closed_opportunities' AS `__input`,
        CAST(`t3`.`value` AS DOUBLE) AS `__value`
      FROM (
        SELECT
          CAST(DATE_TRUNC('month', `t1`.`closed_at`) AS DATE) AS `period`,
          COUNT(*) AS `value`
        FROM (
          SELECT
            *
          FROM `opportunities` AS `t0`
          WHERE
            `t0`.`is_closed` = TRUE AND `t0`.`closed_at` IS NOT NULL
        ) AS `t1`
        GROUP BY
          1
      ) AS `t3`
    ) AS `t5`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        `t4`.`period`,
        'won_opportunities' AS `__input`,
        CAST(`t4`.`value` AS DOUBLE) AS `__value`
      FROM (
        SELECT
          CAST(DATE_TRUNC('month', `t2`.`closed_at`) AS DATE) AS `period`,
          COUNT(*) AS `value`
        FROM (
          SELECT
            *
          FROM `opportunities` AS `t0`
          WHERE
            `t0`.`won` = TRUE AND `t0`.`closed_at` IS NOT NULL
        ) AS `t2`
        GROUP BY
          1
      ) AS `t4`
    ) AS `t6`
  ) AS `t7`
  GROUP BY
    1
) AS `t8`
ORDER BY
  `t8`.`period` ASC NULLS LAST

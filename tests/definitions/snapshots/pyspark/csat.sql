SELECT
  `t8`.`period`,
  COALESCE(`t8`.`__m_csat_satisfied`, 0) / NULLIF(COALESCE(`t8`.`__m_csat_responses`, 0), 0) AS `value`
FROM (
  SELECT
    `t7`.`period`,
    MAX(IF(`t7`.`__input` = 'csat_responses', `t7`.`__value`, NULL)) AS `__m_csat_responses`,
    MAX(IF(`t7`.`__input` = 'csat_satisfied', `t7`.`__value`, NULL)) AS `__m_csat_satisfied`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t3`.`period`,
        'csat_responses' AS `__input`,
        CAST(`t3`.`value` AS DOUBLE) AS `__value`
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
      ) AS `t3`
    ) AS `t5`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        `t4`.`period`,
        'csat_satisfied' AS `__input`,
        CAST(`t4`.`value` AS DOUBLE) AS `__value`
      FROM (
        SELECT
          CAST(DATE_TRUNC('month', `t2`.`opened_at`) AS DATE) AS `period`,
          COUNT(*) AS `value`
        FROM (
          SELECT
            *
          FROM `tickets` AS `t0`
          WHERE
            `t0`.`csat` IN ('good', '4', '5') AND `t0`.`opened_at` IS NOT NULL
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

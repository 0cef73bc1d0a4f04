SELECT
  `t8`.`period`,
  COALESCE(`t8`.`__m_sals`, 0) / NULLIF(COALESCE(`t8`.`__m_mql_decisions`, 0), 0) AS `value`
FROM (
  SELECT
    `t7`.`period`,
    MAX(IF(`t7`.`__input` = 'mql_decisions', `t7`.`__value`, NULL)) AS `__m_mql_decisions`,
    MAX(IF(`t7`.`__input` = 'sals', `t7`.`__value`, NULL)) AS `__m_sals`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t3`.`period`,
        'mql_decisions' AS `__input`,
        CAST(`t3`.`value` AS DOUBLE) AS `__value`
      FROM (
        SELECT
          CAST(DATE_TRUNC('month', `t1`.`ts`) AS DATE) AS `period`,
          COUNT(DISTINCT CONCAT(CONCAT(`t1`.`source_system`, ':'), `t1`.`contact_id`)) AS `value`
        FROM (
          SELECT
            *
          FROM `lifecycle_events` AS `t0`
          WHERE
            `t0`.`stage` IN ('sal', 'rejected') AND `t0`.`ts` IS NOT NULL
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
        'sals' AS `__input`,
        CAST(`t4`.`value` AS DOUBLE) AS `__value`
      FROM (
        SELECT
          CAST(DATE_TRUNC('month', `t2`.`ts`) AS DATE) AS `period`,
          COUNT(DISTINCT CONCAT(CONCAT(`t2`.`source_system`, ':'), `t2`.`contact_id`)) AS `value`
        FROM (
          SELECT
            *
          FROM `lifecycle_events` AS `t0`
          WHERE
            `t0`.`stage` = 'sal' AND `t0`.`ts` IS NOT NULL
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

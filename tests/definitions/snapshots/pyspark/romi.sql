SELECT
  `t9`.`period`,
  (
    (
      COALESCE(`t9`.`__m_marketing_sourced_revenue`, 0) * 0.8
    ) - COALESCE(`t9`.`__m_paid_spend`, 0)
  ) / NULLIF(COALESCE(`t9`.`__m_paid_spend`, 0), 0) AS `value`
FROM (
  SELECT
    `t8`.`period`,
    MAX(IF(`t8`.`__input` = 'marketing_sourced_revenue', `t8`.`__value`, NULL)) AS `__m_marketing_sourced_revenue`,
    MAX(IF(`t8`.`__input` = 'paid_spend', `t8`.`__value`, NULL)) AS `__m_paid_spend`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t4`.`period`,
        'marketing_sourced_revenue' AS `__input`,
        `t4`.`value` AS `__value`
      FROM (
        SELECT
          CAST(DATE_TRUNC('month', `t2`.`closed_at`) AS DATE) AS `period`,
          COALESCE(SUM(`t2`.`amount`), 0) AS `value`
        FROM (
          SELECT
            *
          FROM `opportunities` AS `t0`
          WHERE
            `t0`.`won` = TRUE
            AND `t0`.`lead_source` IN (
              'paid_search',
              'paid_social',
              'organic_search',
              'organic_social',
              'email',
              'display',
              'events',
              'webinar',
              'content'
            )
            AND `t0`.`closed_at` IS NOT NULL
        ) AS `t2`
        GROUP BY
          1
      ) AS `t4`
    ) AS `t6`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        `t5`.`period`,
        'paid_spend' AS `__input`,
        `t5`.`value` AS `__value`
      FROM (
        SELECT
          CAST(DATE_TRUNC('month', CAST(`t3`.`date` AS TIMESTAMP)) AS DATE) AS `period`,
          COALESCE(SUM(`t3`.`amount`), 0) AS `value`
        FROM (
          SELECT
            *
          FROM `spend` AS `t1`
          WHERE
            `t1`.`date` IS NOT NULL
        ) AS `t3`
        GROUP BY
          1
      ) AS `t5`
    ) AS `t7`
  ) AS `t8`
  GROUP BY
    1
) AS `t9`
ORDER BY
  `t9`.`period` ASC NULLS LAST

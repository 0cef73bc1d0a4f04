SELECT
  *
FROM (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t8"."__start") AS DATE) AS "period",
    QUANTILE_CONT("t8"."__duration", 0.5) AS "value"
  FROM (
    SELECT
      "t7"."__ss",
      "t7"."__sid",
      "t7"."__start",
      "t7"."__first",
      CAST(EPOCH(CAST("t7"."__first" AS TIMESTAMP)) - EPOCH(CAST("t7"."__start" AS TIMESTAMP)) AS DOUBLE) / 3600 AS "__duration"
    FROM (
      SELECT
        "t6"."__ss",
        "t6"."__sid",
        "t6"."__start",
        MIN("t6"."__end") AS "__first"
      FROM (
        SELECT
          "t4"."__sid",
          "t4"."__ss",
          "t4"."__entity",
          "t4"."__start",
          "t5"."__e_entity",
          "t5"."__e_ss",
          "t5"."__end"
        FROM (
          SELECT
            "t0"."source_id" AS "__sid",
            "t0"."source_system" AS "__ss",
            "t0"."contact_id" AS "__entity",
            "t0"."ts" AS "__start"
          FROM "lifecycle_events" AS "t0"
          WHERE
            "t0"."stage" = 'mql' AND "t0"."ts" IS NOT NULL
        ) AS "t4"
        INNER JOIN (
          SELECT
            "t1"."contact_id" AS "__e_entity",
            "t1"."source_system" AS "__e_ss",
            "t1"."ts" AS "__end"
          FROM "activities" AS "t1"
          WHERE
            "t1"."ts" IS NOT NULL
        ) AS "t5"
          ON "t4"."__entity" = "t5"."__e_entity"
          AND "t4"."__ss" = "t5"."__e_ss"
          AND "t5"."__end" >= "t4"."__start"
      ) AS "t6"
      GROUP BY
        1,
        2,
        3
    ) AS "t7"
  ) AS "t8"
  GROUP BY
    1
) AS "t9"
ORDER BY
  "t9"."period" ASC

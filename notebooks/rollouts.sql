-- Rollout shards of the rollout job / GRPO loop: one row per rollout, partitioned by run_id and step.
-- spark-sql -f notebooks/rollouts.sql   (change the path: a loop run's <run>/rollouts, or s3a://...)
CREATE OR REPLACE TEMPORARY VIEW rollouts USING parquet OPTIONS (path 'outputs/rollouts');

-- The reward curve: render success rate and reward per run and step.
SELECT run_id, step, count(*) AS rollouts, count(DISTINCT group_uid) AS groups,
       round(avg(CASE WHEN status = 'rendered' THEN 1.0 ELSE 0.0 END), 4) AS render_success,
       round(avg(reward), 4) AS reward_mean, round(stddev_pop(reward), 4) AS reward_std,
       round(avg(reward_text), 4) AS r_text, round(avg(reward_visual), 4) AS r_visual
FROM rollouts GROUP BY run_id, step ORDER BY run_id, step;

-- How rollouts fail: status and exception, with an example line of stderr.
SELECT status, coalesce(exception, '-') AS exception, count(*) AS n, first(stderr_tail) AS example_stderr
FROM rollouts GROUP BY status, coalesce(exception, '-') ORDER BY n DESC;

-- Groups: reward spread, and the ones that carry no learning signal.
SELECT step, count(*) AS groups, sum(CASE WHEN zero_variance THEN 1 ELSE 0 END) AS zero_variance_groups,
       round(avg(spread), 4) AS mean_spread
FROM (SELECT step, group_uid, max(reward) - min(reward) AS spread, max(CAST(zero_variance AS INT)) = 1 AS zero_variance
      FROM rollouts GROUP BY step, group_uid)
GROUP BY step ORDER BY step;

-- Where the time goes, per step: sampling, rendering, scoring (seconds, summed over rollouts).
SELECT step, round(sum(sample_seconds), 1) AS sampling_s, round(sum(render_seconds), 1) AS rendering_s,
       round(sum(reward_seconds), 1) AS scoring_s
FROM rollouts GROUP BY step ORDER BY step;

-- The best rollout of each prompt at its latest step, with its code.
SELECT prompt_id, step, reward, status, extracted_code
FROM (SELECT *, row_number() OVER (PARTITION BY prompt_id ORDER BY step DESC, reward DESC) AS rank FROM rollouts)
WHERE rank = 1 ORDER BY reward DESC;

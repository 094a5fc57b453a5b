-- Tables of the evaluation job (manim-grpo eval), by name. Change 'outputs/eval' to the job's
-- eval.dir (it prints it; s3a://... works the same):  spark-sql -f notebooks/eval.sql
-- eval_samples: one row per (eval_id, policy, stage, strategy, prompt), every round in `rounds`.
CREATE OR REPLACE TEMPORARY VIEW eval_samples USING parquet OPTIONS (path 'outputs/eval/samples');
-- eval_aggregates: one row per (eval_id, policy, stage, strategy), with bootstrap intervals.
CREATE OR REPLACE TEMPORARY VIEW eval_aggregates USING parquet OPTIONS (path 'outputs/eval/aggregates');
-- study_results: the study's published figures, for side-by-side queries.
CREATE OR REPLACE TEMPORARY VIEW study_results USING parquet OPTIONS (path 'outputs/eval/study_results');
-- eval_rounds: one row per round (RITL-DOC's draft is round 0).
CREATE OR REPLACE TEMPORARY VIEW eval_rounds AS
SELECT s.eval_id, s.policy, s.stage, s.strategy, s.prompt_id, s.success AS sample_success, r.*
FROM eval_samples s LATERAL VIEW explode(rounds) x AS r;

-- RSR and VS by policy x strategy, with their intervals.
SELECT eval_id, policy, stage, strategy, n, round(rsr, 3) AS rsr, round(rsr_lo, 3) AS rsr_lo, round(rsr_hi, 3) AS rsr_hi,
       round(vs_study, 3) AS vs_study, round(vs_default, 3) AS vs_default, round(code_bleu, 3) AS code_bleu,
       round(mean_rounds, 2) AS mean_rounds
FROM eval_aggregates ORDER BY eval_id, policy, stage, strategy;

-- What RITL and RITL-DOC cost against direct, per sample.
SELECT eval_id, policy, strategy, round(renders_per_sample, 2) AS renders, round(tokens_per_sample, 0) AS tokens,
       round(wall_seconds_per_sample, 2) AS wall_s, round(renders_vs_direct, 2) AS renders_x,
       round(tokens_vs_direct, 2) AS tokens_x, round(wall_vs_direct, 2) AS wall_x
FROM eval_aggregates WHERE strategy <> 'direct' ORDER BY eval_id, policy, strategy;

-- Failure taxonomy: how final programs fail, by strategy.
SELECT strategy, final_status, coalesce(error_class, '-') AS error_class, count(*) AS n
FROM eval_samples WHERE NOT success GROUP BY strategy, final_status, coalesce(error_class, '-')
ORDER BY strategy, n DESC;

-- Round by round: how many samples have rendered after each round.
SELECT policy, strategy, round, count(*) AS rounds_run, sum(CASE WHEN status = 'rendered' THEN 1 ELSE 0 END) AS rendered
FROM eval_rounds WHERE round >= 1 GROUP BY policy, strategy, round ORDER BY policy, strategy, round;

-- Side by side with the study's published numbers.
SELECT 'this project' AS source, policy AS model, stage AS training, strategy, round(rsr, 3) AS rsr,
       round(vs_study, 3) AS vs
FROM eval_aggregates
UNION ALL
SELECT source, model, training, strategy, rsr, vs FROM study_results;

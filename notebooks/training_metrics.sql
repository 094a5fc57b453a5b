-- Training curves of a manim-grpo-trainer run (SFT or GRPO), from its metrics.jsonl.
-- spark-sql -f notebooks/training_metrics.sql   (change the path to your run directory; s3a:// works)
CREATE OR REPLACE TEMPORARY VIEW metrics USING json OPTIONS (path 'outputs/trainer/sft/metrics.jsonl');

-- Loss and throughput every 20 steps.
SELECT step, round(loss, 4) AS loss, round(learning_rate, 6) AS lr, round(grad_norm, 3) AS grad_norm,
       round(tokens_per_s) AS tokens_per_s
FROM metrics WHERE step % 20 = 0 ORDER BY step;

-- Smoothed loss: mean over a window of 10 steps.
SELECT step, round(avg(loss) OVER (ORDER BY step ROWS BETWEEN 9 PRECEDING AND CURRENT ROW), 4) AS loss_smoothed
FROM metrics ORDER BY step;

-- For a GRPO run (kind = 'grpo', or 'grpo-hf' for a Hugging Face model, which also records logprob_drift):
-- reward, KL and clipping per step.
-- SELECT step, mean_reward, kl, clip_fraction, mean_ratio FROM metrics WHERE kind = 'grpo' ORDER BY step;

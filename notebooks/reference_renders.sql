-- Spark SQL over the reference_renders table written by `manim-grpo render-samples`.
-- Run with spark-sql (spark-sql -f notebooks/reference_renders.sql) or paste into a notebook.
-- Point the path at your output.dir (a local folder or s3a://bucket/prefix).
CREATE OR REPLACE TEMPORARY VIEW refs USING parquet OPTIONS (path 'outputs/reference_renders');

-- Render success by difficulty, latest run.
SELECT type,
       count(*)                                            AS samples,
       sum(CASE WHEN status = 'rendered' THEN 1 ELSE 0 END) AS rendered,
       round(avg(CASE WHEN status = 'rendered' THEN 1.0 ELSE 0.0 END), 3) AS render_success
FROM refs
WHERE run_id = (SELECT max(run_id) FROM refs)
GROUP BY type
ORDER BY type;

-- Why renders failed, with the last stderr line the model would be shown.
SELECT run_id, sample_id, status, exception_type, error_line, message,
       element_at(stderr_tail, -1) AS last_stderr_line
FROM refs
WHERE status <> 'rendered'
ORDER BY run_id, sample_id;

-- Slowest scenes (fresh renders only, cache hits cost nothing).
SELECT sample_id, scene, type, round(render_s, 2) AS render_s, duration_s, frame_count
FROM refs
WHERE NOT cached AND status = 'rendered'
ORDER BY render_s DESC
LIMIT 10;

-- Runs side by side: how much the content-addressed cache saved.
SELECT run_id, count(*) AS samples, sum(CASE WHEN cached THEN 1 ELSE 0 END) AS from_cache,
       round(sum(render_s), 1) AS render_s_total, min(manim_version) AS manim_version
FROM refs
GROUP BY run_id
ORDER BY run_id;

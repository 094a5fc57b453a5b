package dev.manimgrpo.jobs.eval;

import dev.manimgrpo.jobs.eval.report.RewardStep;
import dev.manimgrpo.jobs.eval.report.TrainingPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * What the report shows of a GRPO loop run: the rewards of each step's rollouts (from the shards
 * under {@code <run>/rollouts}) and the trainer's curves (every {@code <run>/train/step-N/metrics.jsonl},
 * numbered one after the other across the loop's steps).
 */
final class TrainingRunReader {

  /** The numeric metrics of a trainer's metrics.jsonl that make a curve. */
  static final List<String> METRICS = List.of("loss", "kl", "clip_fraction", "mean_reward", "grad_norm");

  private TrainingRunReader() {}

  record Run(List<RewardStep> rewards, List<TrainingPoint> curves) {}

  static Run read(SparkSession spark, String runDir) {
    if (runDir.isEmpty()) {
      return new Run(List.of(), List.of());
    }
    String rollouts = runDir + "/rollouts";
    if (!EvalJob.exists(spark, rollouts, true)) {
      throw new IllegalArgumentException("eval.training-run " + runDir + " has no rollout shards under " + rollouts
          + ": point it at a grpo-loop run folder (it holds rollouts/ and train/)");
    }
    Map<Integer, List<Double>> byStep = new TreeMap<>();
    for (Row r : spark.read().parquet(rollouts).select("step", "reward").collectAsList()) {
      byStep.computeIfAbsent(r.getInt(0), k -> new ArrayList<>()).add(r.getDouble(1));
    }
    List<RewardStep> rewards = new ArrayList<>();
    byStep.forEach((step, values) -> rewards.add(new RewardStep(step, values)));

    List<TrainingPoint> curves = new ArrayList<>();
    String metrics = runDir + "/train/step-*/metrics.jsonl";
    Dataset<Row> m;
    try {
      m = spark.read().json(metrics).withColumn("file", functions.input_file_name());
    } catch (Exception e) { // Scala's AnalysisException (path not found) is checked only in name
      if (e instanceof org.apache.spark.sql.AnalysisException) {
        return new Run(rewards, curves); // no trainer step finished yet
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    List<String> present = METRICS.stream().filter(c -> List.of(m.columns()).contains(c)).toList();
    if (present.isEmpty() || !List.of(m.columns()).contains("step")) {
      return new Run(rewards, curves);
    }
    int index = 0;
    for (Row r : m.orderBy("file", "step").collectAsList()) {
      index++;
      for (String c : present) {
        Object v = r.getAs(c);
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
          curves.add(new TrainingPoint(index, c, n.doubleValue()));
        }
      }
    }
    return new Run(rewards, curves);
  }
}

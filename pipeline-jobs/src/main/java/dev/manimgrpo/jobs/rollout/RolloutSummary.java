package dev.manimgrpo.jobs.rollout;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.manimgrpo.core.dataset.Rejection;
import dev.manimgrpo.core.rollout.RolloutShardSchema;
import dev.manimgrpo.jobs.report.TextTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A step's summary, computed with Spark SQL from the shard itself (so a resumed run reports the
 * whole step, not only its last part): prompts, rollouts, render success rate, reward mean and
 * spread, statuses, zero-variance and dropped groups, time per stage, and this invocation's
 * throughput, and the input rows quarantined (count, per reason, the table's path). Written as JSON
 * next to the shards and printed as a table.
 */
public record RolloutSummary(String runId, int step, String policyId, long prompts, long rollouts, long rendered,
    double renderSuccessRate, double rewardMean, double rewardStd, double rewardTextMean, Double rewardVisualMean,
    Map<String, Long> statuses, long zeroVarianceGroups, long droppedGroups, long groupsWithSpread,
    double sampleSeconds, double renderSeconds, double rewardSeconds, long rolloutsThisRun, double wallSeconds,
    double rolloutsPerSecond, int resumedGroups, int removedFiles, String shard, long quarantined,
    Map<String, Long> quarantinedByReason, String quarantine) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  static RolloutSummary of(Dataset<Row> step, String runId, int stepNo, long rolloutsThisRun, double wallSeconds,
      int resumedGroups, int removedFiles, String shard, List<Rejection> quarantined, String quarantine) {
    Row a = step.agg(count("*"), countDistinct(col(RolloutShardSchema.PROMPT_ID)),
        sum(when(col(RolloutShardSchema.STATUS).equalTo("rendered"), 1).otherwise(0)),
        avg(col(RolloutShardSchema.REWARD)), stddev_pop(col(RolloutShardSchema.REWARD)),
        avg(col(RolloutShardSchema.REWARD_TEXT)), avg(col(RolloutShardSchema.REWARD_VISUAL)),
        sum(col(RolloutShardSchema.SAMPLE_SECONDS)), sum(col(RolloutShardSchema.RENDER_SECONDS)),
        sum(col(RolloutShardSchema.REWARD_SECONDS))).first();
    long rollouts = a.getLong(0);
    Map<String, Long> statuses = new TreeMap<>();
    for (Row r : step.groupBy(RolloutShardSchema.STATUS).count().collectAsList()) {
      statuses.put(r.getString(0), r.getLong(1));
    }
    Row groups = step.groupBy(RolloutShardSchema.GROUP_UID)
        .agg(org.apache.spark.sql.functions.max(col(RolloutShardSchema.ZERO_VARIANCE).cast("int")).as("zv"),
            org.apache.spark.sql.functions.max(col(RolloutShardSchema.DROPPED_BY_FILTER).cast("int")).as("dropped"))
        .agg(sum("zv"), sum("dropped"), count("*")).first();
    long zv = groups.isNullAt(0) ? 0 : groups.getLong(0);
    long dropped = groups.isNullAt(1) ? 0 : groups.getLong(1);
    long nGroups = groups.getLong(2);
    Row pid = step.select(RolloutShardSchema.POLICY_ID).limit(1).collectAsList().stream().findFirst().orElse(null);
    long rendered = a.isNullAt(2) ? 0 : a.getLong(2);
    return new RolloutSummary(runId, stepNo, pid == null ? null : pid.getString(0), a.getLong(1), rollouts, rendered,
        rollouts == 0 ? 0 : (double) rendered / rollouts, d(a, 3), d(a, 4), d(a, 5), a.isNullAt(6) ? null : a.getDouble(6),
        statuses, zv, dropped, nGroups - zv, d(a, 7), d(a, 8), d(a, 9), rolloutsThisRun, wallSeconds,
        wallSeconds > 0 ? rolloutsThisRun / wallSeconds : 0, resumedGroups, removedFiles, shard, quarantined.size(),
        byReason(quarantined), quarantine);
  }

  /** Quarantined rows per reason code. */
  static Map<String, Long> byReason(List<Rejection> rows) {
    Map<String, Long> m = new TreeMap<>();
    rows.forEach(r -> m.merge(r.reason().wireName(), 1L, Long::sum));
    return m;
  }

  private static double d(Row r, int i) {
    return r.isNullAt(i) ? 0.0 : r.getDouble(i);
  }

  public String toJson() {
    try {
      Map<String, Object> m = JSON.convertValue(this, LinkedHashMap.class);
      return JSON.writeValueAsString(m);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The console table. */
  public String render() {
    TextTable t = new TextTable("rollout step", "value").right(1);
    t.add("run / step", runId + " / " + step);
    t.add("policy", policyId);
    t.add("prompts (groups)", prompts);
    t.add("rollouts", rollouts);
    t.add("render success rate", String.format(Locale.ROOT, "%.1f%% (%d of %d)", 100 * renderSuccessRate, rendered, rollouts));
    t.add("reward mean +- std", String.format(Locale.ROOT, "%.4f +- %.4f", rewardMean, rewardStd));
    t.add("R_text mean / R_visual mean", String.format(Locale.ROOT, "%.4f / %s", rewardTextMean,
        rewardVisualMean == null ? "-" : String.format(Locale.ROOT, "%.4f", rewardVisualMean)));
    statuses.forEach((s, n) -> t.add("  status " + s, n));
    t.add("groups with reward spread", groupsWithSpread);
    t.add("zero-variance groups", zeroVarianceGroups);
    t.add("groups dropped by dynamic sampling", droppedGroups);
    t.add("time sampling / rendering / scoring (s)", String.format(Locale.ROOT, "%.1f / %.1f / %.1f", sampleSeconds,
        renderSeconds, rewardSeconds));
    t.add("this run: rollouts, wall time", String.format(Locale.ROOT, "%d in %.1f s (%.2f rollouts/s)", rolloutsThisRun,
        wallSeconds, rolloutsPerSecond));
    if (resumedGroups > 0 || removedFiles > 0) {
      t.add("resumed: complete groups kept, files removed (broken, or failed requests)", resumedGroups + ", " + removedFiles);
    }
    t.add("shard", shard);
    t.add("input rows quarantined", quarantined);
    quarantinedByReason.forEach((r, n) -> t.add("  reason " + r, n));
    if (quarantine != null) {
      t.add("quarantine", quarantine);
    }
    return t.render();
  }
}

package dev.manimgrpo.jobs.rollout;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.render.ReferenceRenderCache;
import dev.manimgrpo.core.render.RenderProfile;
import dev.manimgrpo.core.rollout.RolloutShardSchema;
import dev.manimgrpo.jobs.spark.ExecutorRenderPool;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a group is expected to cost, for starting a round's groups longest first
 * ({@link dev.manimgrpo.core.rollout.LongestFirst}). Two sources, the better first:
 * <ul>
 *   <li>the previous step of the same run: the prompt's group there, its render and scoring
 *       seconds summed (what the driver can read on any cluster, from the shards);
 *   <li>else the reference's cached render time, where this JVM holds the reference cache (local
 *       mode, from a second run in one JVM on).
 * </ul>
 * Neither: the step's order. A cost is only an order; it never changes what a group samples.
 */
final class GroupCosts {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCosts.class);

  /** An estimate per prompt, and where it came from (for the log). */
  record Estimate(Function<RolloutPrompt, OptionalDouble> cost, String source) {
    static final Estimate NONE = new Estimate(p -> OptionalDouble.empty(), "none");

    /**
     * This estimate looked up once per prompt of {@code round} (a lookup may read a cache file), for
     * the start order and the cut into tasks to share.
     */
    Estimate lookedUpOnce(java.util.List<RolloutPrompt> round) {
      if (this == NONE) {
        return this;
      }
      java.util.Map<String, OptionalDouble> known = new java.util.HashMap<>();
      round.forEach(p -> known.put(p.promptId(), cost.apply(p)));
      return new Estimate(p -> known.computeIfAbsent(p.promptId(), id -> cost.apply(p)), source);
    }
  }

  private GroupCosts() {}

  static Estimate of(SparkSession spark, PipelineConfig config, String dir, String runId, int step) {
    Map<String, Double> previous = previousStep(spark, dir, runId, step);
    if (!previous.isEmpty()) {
      return new Estimate(p -> previous.containsKey(p.promptId()) ? OptionalDouble.of(previous.get(p.promptId()))
          : OptionalDouble.empty(), "step " + (step - 1) + "'s groups");
    }
    Optional<ReferenceRenderCache> cache = ExecutorRenderPool.existingReferenceCache(config);
    if (cache.isPresent()) {
      ReferenceRenderCache c = cache.get();
      return new Estimate(p -> c.cachedRenderSeconds(p.referenceCode(), RenderProfile.FRAMES), "reference renders");
    }
    return Estimate.NONE;
  }

  /**
   * Render plus scoring seconds per prompt in step {@code step - 1} of the run; empty for step 0, a
   * missing or unreadable folder (the estimate is an optimisation: never a reason to fail a step).
   */
  static Map<String, Double> previousStep(SparkSession spark, String dir, String runId, int step) {
    if (step <= 0) {
      return Map.of();
    }
    String previous = ShardState.partition(dir, runId, step - 1);
    try {
      Path p = new Path(URI.create(RolloutJob.uri(previous)));
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        return Map.of();
      }
      Map<String, Double> out = new HashMap<>();
      for (Row r : ShardState.read(spark, dir, previous).groupBy(RolloutShardSchema.PROMPT_ID)
          .agg(sum(coalesce(col(RolloutShardSchema.RENDER_SECONDS), lit(0.0)))
              .plus(sum(coalesce(col(RolloutShardSchema.REWARD_SECONDS), lit(0.0)))))
          .collectAsList()) {
        if (!r.isNullAt(0) && !r.isNullAt(1)) {
          out.put(r.getString(0), r.getDouble(1));
        }
      }
      return out;
    } catch (Exception e) { // Spark's checked exceptions are undeclared
      LOG.info("no group costs from {} ({}); groups start in the step's order", previous, e.toString());
      return Map.of();
    }
  }
}

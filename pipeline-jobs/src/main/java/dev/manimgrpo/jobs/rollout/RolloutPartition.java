package dev.manimgrpo.jobs.rollout;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.render.RenderProfile;
import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.core.rollout.RolloutRecord;
import dev.manimgrpo.core.spark.RolloutShardSparkSchema;
import dev.manimgrpo.jobs.QuarantineTable;
import dev.manimgrpo.jobs.spark.ExecutorPolicy;
import dev.manimgrpo.jobs.spark.ExecutorRenderPool;
import dev.manimgrpo.core.render.ReferenceRenderCache;
import dev.manimgrpo.jobs.spark.ExecutorScoring;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * The rollout job's task: for each prompt of the partition (a few groups, {@code TaskChunks}), its whole group ({@link GroupRollout})
 * with the executor's policy client, warm render pool, reference cache and reward models, all of
 * them started once per executor and shared by its tasks.
 */
final class RolloutPartition implements FlatMapFunction<Iterator<ArrayList<RolloutPrompt>>, Row> {

  private static final long serialVersionUID = 1L;
  private static ExecutorService renderThreads;

  private final PipelineConfig config;
  private final String runId;
  private final int step;
  private final RolloutAccumulators acc;

  RolloutPartition(PipelineConfig config, String runId, int step, RolloutAccumulators acc) {
    this.config = config;
    this.runId = runId;
    this.step = step;
    this.acc = acc;
  }

  @Override
  public Iterator<Row> call(Iterator<ArrayList<RolloutPrompt>> tasks) {
    GroupRollout.Context ctx = new GroupRollout.Context(ExecutorPolicy.get(config), ExecutorRenderPool.get(config),
        ExecutorRenderPool.referenceCache(config), ExecutorScoring.scorer(config),
        ExecutorScoring.preparedReferences(config), renderThreads(), config, runId, step);
    List<Row> out = new ArrayList<>();
    List<RolloutPrompt> prompts = new ArrayList<>();
    tasks.forEachRemaining(prompts::addAll);
    // Groups started ahead (rollout.groups-ahead): sampled, their renders queued, while the oldest
    // one waits for its last renders and is scored, so the render slots do not wait for this task.
    ArrayDeque<GroupRollout.Started> started = new ArrayDeque<>();
    int ahead = config.rollout().groupsAhead();
    try {
      runGroups(ctx, prompts, started, ahead, out);
    } catch (RuntimeException | Error e) {
      // A failed (or killed) task: the groups started ahead give their queued renders back to the pool.
      started.forEach(GroupRollout.Started::abandon);
      throw e;
    }
    return out.iterator();
  }

  private void runGroups(GroupRollout.Context ctx, List<RolloutPrompt> prompts, ArrayDeque<GroupRollout.Started> started,
      int ahead, List<Row> out) {
    for (RolloutPrompt p : prompts) {
      // The reference first (cached by content): without its render the group cannot be scored, so
      // its prompt goes to the quarantine instead of G completions being sampled and rendered for nothing.
      ReferenceRenderCache.Lookup lookup = ctx.references().lookup(p.promptId(), p.referenceCode(), RenderProfile.FRAMES);
      RenderResult reference = lookup.result();
      if (!reference.succeeded()) {
        acc.referenceFailures().add(QuarantineTable.ReferenceFailure.of(p.promptId(), reference));
        acc.prompts().add(1);
        continue;
      }
      started.addLast(GroupRollout.start(ctx, p, lookup));
      if (started.size() > ahead) {
        finish(ctx, started.removeFirst(), out);
      }
    }
    while (!started.isEmpty()) {
      finish(ctx, started.removeFirst(), out);
    }
  }

  private void finish(GroupRollout.Context ctx, GroupRollout.Started group, List<Row> out) {
    for (RolloutRecord r : GroupRollout.finish(ctx, group)) {
      out.add(RolloutShardSparkSchema.toFullRow(r, group.prompt().index()));
      acc.count(r);
    }
    acc.prompts().add(1);
  }

  /** Threads that wait on renders; the pool's workers bound how many run at once. */
  private static synchronized ExecutorService renderThreads() {
    if (renderThreads == null) {
      renderThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rollout-render");
        t.setDaemon(true);
        return t;
      });
    }
    return renderThreads;
  }

  /**
   * Counters visible in the Spark UI (and read by the console progress line), and the prompts whose
   * reference did not render. Updated in the write's own tasks, which Spark merges once per task.
   */
  record RolloutAccumulators(LongAccumulator prompts, LongAccumulator rollouts, LongAccumulator rendered,
      LongAccumulator samplingErrors, CollectionAccumulator<QuarantineTable.ReferenceFailure> referenceFailures)
      implements java.io.Serializable {

    static RolloutAccumulators register(org.apache.spark.SparkContext sc) {
      return new RolloutAccumulators(sc.longAccumulator("rollout: prompts done"),
          sc.longAccumulator("rollout: rollouts done"), sc.longAccumulator("rollout: rollouts rendered"),
          sc.longAccumulator("rollout: sampling errors"),
          sc.collectionAccumulator("rollout: references that did not render"));
    }

    void count(RolloutRecord r) {
      rollouts.add(1);
      if ("rendered".equals(r.row().status())) {
        rendered.add(1);
      } else if (dev.manimgrpo.core.rollout.RolloutShardSchema.SAMPLING_ERROR.equals(r.row().status())) {
        samplingErrors.add(1);
      }
    }
  }
}

package dev.manimgrpo.core.rollout;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A capacity model of the rollout job: rollouts per hour as a function of the cluster's shape, the
 * work one rollout costs on an executor, the policy server's throughput and the object store's
 * write rate. Each resource gives a ceiling; the smallest binds, and the job's fixed cost per write
 * (a Spark job, its tasks' start, one Parquet commit, the tail of its last groups) and per step (prompt load, resume scan, summary) is paid on top
 * at the speed the binding resource allows.
 *
 * <p>Renders are CPU-bound Python processes: a render slot beyond the executor's cores adds no
 * throughput, it only shares a core. In-process sampling (the dl4j backend) runs on the same cores,
 * so its cost adds to the executor's work; a policy server is a separate ceiling.
 */
public final class ThroughputModel {

  private ThroughputModel() {}

  /** The cluster: executors, the cores each has, and the warm render workers each runs. */
  public record Cluster(int executors, int coresPerExecutor, int renderSlotsPerExecutor) {
    public Cluster {
      if (executors < 1 || coresPerExecutor < 1 || renderSlotsPerExecutor < 1) {
        throw new IllegalArgumentException("executors, cores and render slots must each be at least 1");
      }
    }

    /** Render processes that can run at once on a core each. */
    public int effectiveRenderSlots() {
      return executors * Math.min(coresPerExecutor, renderSlotsPerExecutor);
    }
  }

  /**
   * What one rollout costs, in core-seconds on an executor, measured uncontended.
   *
   * @param renderSeconds one render's wall time on a free core
   * @param rendersPerRollout unique programs rendered per rollout (identical programs of a group render once)
   * @param rewardSeconds scoring per rollout (code reward, visual similarity, fusion)
   * @param inProcessSampleSeconds sampling per rollout when the policy runs in the executor (0 with a server)
   * @param completionTokens mean completion length in tokens
   * @param bytesPerRollout the shard's compressed bytes per row
   */
  public record Work(double renderSeconds, double rendersPerRollout, double rewardSeconds,
      double inProcessSampleSeconds, double completionTokens, double bytesPerRollout) {

    /** Executor core-seconds per rollout. */
    public double executorSeconds() {
      return renderSeconds * rendersPerRollout + rewardSeconds + inProcessSampleSeconds;
    }
  }

  /**
   * Services outside the executors (0 = not in play: an in-process policy, or a store that is not the limit).
   *
   * @param policyTokensPerSecond the policy server's aggregate generation throughput
   * @param storeBytesPerSecond the object store's aggregate write rate for this job
   */
  public record Services(double policyTokensPerSecond, double storeBytesPerSecond) {
    public static Services none() {
      return new Services(0, 0);
    }
  }

  /**
   * The job's fixed costs: per write ("wave": a Spark job, its tasks' start, one Parquet commit, the
   * slots waiting on its last groups) and per step.
   *
   * @param groupsPerWave groups in one write (rollout.wave-groups; 0 = the job's default, the whole step)
   * @param groupSize G, completions per prompt
   */
  public record Overheads(int groupsPerWave, int groupSize, double secondsPerWave, double secondsPerStep) {}

  /** A prediction: the rate, which resource binds, every ceiling (rollouts/hour), and a step's wall time. */
  public record Prediction(double rolloutsPerHour, String bound, Map<String, Double> ceilingsPerHour,
      double stepWallSeconds, long rolloutsPerStep) {}

  /** The ceiling of each resource, in rollouts per hour. */
  public static Map<String, Double> ceilings(Cluster cluster, Work work, Services services) {
    Map<String, Double> c = new LinkedHashMap<>();
    double cores = (double) cluster.executors() * cluster.coresPerExecutor();
    // The executors' cores run renders, scoring and in-process sampling; only slots with a core render at once.
    double coreBound = cores / Math.max(1e-9, work.executorSeconds());
    double slotBound = cluster.effectiveRenderSlots() / Math.max(1e-9, work.renderSeconds() * work.rendersPerRollout());
    c.put("executor cores", 3600 * Math.min(coreBound, slotBound));
    if (services.policyTokensPerSecond() > 0) {
      c.put("policy server", 3600 * services.policyTokensPerSecond() / Math.max(1e-9, work.completionTokens()));
    }
    if (services.storeBytesPerSecond() > 0) {
      c.put("object store writes", 3600 * services.storeBytesPerSecond() / Math.max(1e-9, work.bytesPerRollout()));
    }
    return c;
  }

  /** Rollouts per hour for a step of {@code prompts} prompts, fixed costs included. */
  public static Prediction predict(Cluster cluster, Work work, Services services, Overheads overheads, long prompts) {
    Map<String, Double> ceilings = ceilings(cluster, work, services);
    Map.Entry<String, Double> bound = ceilings.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow();
    long rollouts = prompts * overheads.groupSize();
    long wave = overheads.groupsPerWave() > 0 ? overheads.groupsPerWave() : Math.max(1, prompts);
    long waves = (prompts + wave - 1) / wave;
    double wall = rollouts / (bound.getValue() / 3600) + waves * overheads.secondsPerWave() + overheads.secondsPerStep();
    return new Prediction(3600 * rollouts / wall, bound.getKey(), ceilings, wall, rollouts);
  }
}

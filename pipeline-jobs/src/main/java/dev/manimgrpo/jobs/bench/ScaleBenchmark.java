package dev.manimgrpo.jobs.bench;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.SparkConfig;
import dev.manimgrpo.core.rollout.RolloutIds;
import dev.manimgrpo.core.rollout.RolloutShardSchema;
import dev.manimgrpo.core.rollout.ThroughputModel;
import dev.manimgrpo.jobs.report.TextTable;
import dev.manimgrpo.jobs.rollout.RolloutJob;
import dev.manimgrpo.jobs.spark.SparkSessions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Checks {@link ThroughputModel} against this machine: the rollout job with replayed completions
 * (rendering, scoring and writing; no sampling) on local Spark at 1, 2, 4... render slots, one
 * executor whose task slots equal its render slots. The first measurement calibrates the model's
 * inputs (render and reward core-seconds per rollout, fixed cost per write); the others are
 * predicted from it and printed beside what was measured. Then the model plans the cluster the user
 * describes with the work measured here.
 */
public final class ScaleBenchmark {

  private final PipelineConfig config;
  private final PrintStream out;

  public ScaleBenchmark(PipelineConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /** One replayed run at a number of render slots. */
  public record Measurement(int renderSlots, long rollouts, long renders, long waves, double wallSeconds,
      double renderSeconds, double rewardSeconds, long shardBytes) {

    double rolloutsPerHour() {
      return 3600 * rollouts / wallSeconds;
    }
  }

  /** A cluster to plan, with the services outside it. */
  public record Plan(ThroughputModel.Cluster cluster, ThroughputModel.Services services, long promptsPerStep) {}

  /** The work measured by the warm-up (sampling) and the first replayed run (everything else). */
  public record Calibration(ThroughputModel.Work work, ThroughputModel.Overheads overheads, int cores) {}

  public record Outcome(List<Measurement> measurements, Calibration calibration,
      List<ThroughputModel.Prediction> predictions, ThroughputModel.Prediction plan) {}

  public Outcome run(List<Integer> slots, Plan plan, Path dir, Path reportDir) throws IOException {
    int cores = Runtime.getRuntime().availableProcessors();
    String base = RolloutIds.newRunId("scale");
    out.printf(Locale.ROOT, "bench-scale: warm-up on local[%d] with the %s policy (sampling, reference renders)%n", cores,
        config.policy().backend().configName());
    PipelineConfig warmConfig = at(cores, dir, base + "-warmup");
    RolloutJob.Outcome warm = SparkSessions.run(warmConfig, "bench-scale-warmup",
        spark -> RolloutJob.run(spark, warmConfig, false));
    double[] sampling = samplingCost(warmConfig, warm.partition());

    List<Measurement> measured = new ArrayList<>();
    for (int n : slots) {
      out.printf(Locale.ROOT, "bench-scale: %d render slot(s): the warm-up's completions replayed on local[%d]%n", n, n);
      PipelineConfig c = at(n, dir, base + "-slots" + n);
      PipelineConfig replay = c.withPolicy(c.policy().replaying(warm.partition()));
      measured.add(SparkSessions.run(replay, "bench-scale-" + n, spark -> measure(spark, n,
          RolloutJob.run(spark, replay, false))));
    }

    Measurement first = measured.get(0);
    Calibration cal = calibrate(first, sampling, cores);
    List<ThroughputModel.Prediction> predictions = new ArrayList<>();
    for (Measurement m : measured) {
      predictions.add(ThroughputModel.predict(new ThroughputModel.Cluster(1, cores, m.renderSlots()),
          replayWork(cal.work()), ThroughputModel.Services.none(), overheadsAt(cal, m), m.rollouts() / groupSize()));
    }
    ThroughputModel.Prediction planned = ThroughputModel.predict(plan.cluster(),
        plan.services().policyTokensPerSecond() > 0 ? replayWork(cal.work()) : cal.work(), plan.services(),
        new ThroughputModel.Overheads(0, groupSize(), cal.overheads().secondsPerWave(), 0), plan.promptsPerStep());
    Outcome o = new Outcome(measured, cal, predictions, planned);
    report(o, plan, reportDir);
    return o;
  }

  /** Fixed cost per write from the first run: its wall time less the work its slots did. */
  static Calibration calibrate(Measurement first, double[] sampling, int cores) {
    double renderPer = first.renders() == 0 ? 0 : first.renderSeconds() / first.renders();
    double rendersPerRollout = (double) first.renders() / first.rollouts();
    double rewardPer = first.rewardSeconds() / first.rollouts();
    ThroughputModel.Work work = new ThroughputModel.Work(renderPer, rendersPerRollout, rewardPer, sampling[0],
        sampling[1], (double) first.shardBytes() / first.rollouts());
    // The model's own rate without fixed costs: what is left of the wall time is the waves' fixed cost.
    double rate = ThroughputModel.predict(new ThroughputModel.Cluster(1, cores, first.renderSlots()), replayWork(work),
        ThroughputModel.Services.none(), new ThroughputModel.Overheads(0, 1, 0, 0), first.rollouts()).rolloutsPerHour();
    double busy = 3600 * first.rollouts() / rate;
    double perWave = Math.max(0, first.wallSeconds() - busy) / Math.max(1, first.waves());
    return new Calibration(work, new ThroughputModel.Overheads(0, 0, perWave, 0), cores);
  }

  private ThroughputModel.Overheads overheadsAt(Calibration cal, Measurement m) {
    return new ThroughputModel.Overheads(wavesGroups(m.rollouts() / groupSize()), groupSize(),
        cal.overheads().secondsPerWave(), 0);
  }

  private int wavesGroups(long groups) {
    return config.rollout().groupsPerWrite((int) groups);
  }

  /** The same work without in-process sampling (replayed completions, or a policy server's). */
  private static ThroughputModel.Work replayWork(ThroughputModel.Work w) {
    return new ThroughputModel.Work(w.renderSeconds(), w.rendersPerRollout(), w.rewardSeconds(), 0,
        w.completionTokens(), w.bytesPerRollout());
  }

  private int groupSize() {
    return config.policy().sampling().groupSize();
  }

  private PipelineConfig at(int slots, Path dir, String runId) {
    SparkConfig s = config.spark();
    return config.withRender(config.render().withWorkers(slots))
        .withSpark(new SparkConfig("local[" + slots + "]", s.appName(), s.sqlCodegen(), s.conf()))
        .withRollout(config.rollout().withRun(runId, 0).withDir(dir.resolve("rollouts").toString()));
  }

  /** In-process sampling core-seconds per rollout and mean completion tokens, from the warm-up's shard. */
  private static double[] samplingCost(PipelineConfig c, String partition) {
    return SparkSessions.run(c, "bench-scale-read", spark -> {
      Row r = spark.read().parquet(partition).agg(avg(col(RolloutShardSchema.SAMPLE_SECONDS)),
          avg(size(col(RolloutShardSchema.COMPLETION_TOKEN_IDS)))).first();
      return new double[] {r.isNullAt(0) ? 0 : r.getDouble(0), r.isNullAt(1) ? 0 : r.getDouble(1)};
    });
  }

  private Measurement measure(SparkSession spark, int slots, RolloutJob.Outcome o) {
    Row r = spark.read().parquet(o.partition()).agg(count("*"),
        sum(when(col(RolloutShardSchema.RENDER_SECONDS).gt(0), 1).otherwise(0)),
        sum(col(RolloutShardSchema.RENDER_SECONDS)), sum(col(RolloutShardSchema.REWARD_SECONDS))).first();
    long rollouts = r.getLong(0);
    long groups = rollouts / groupSize();
    long waves = (groups + wavesGroups(groups) - 1) / wavesGroups(groups);
    return new Measurement(slots, rollouts, r.isNullAt(1) ? 0 : r.getLong(1), waves, o.summary().wallSeconds(),
        r.isNullAt(2) ? 0 : r.getDouble(2), r.isNullAt(3) ? 0 : r.getDouble(3), parquetBytes(o.partition()));
  }

  private static long parquetBytes(String partition) {
    Path p = Path.of(java.net.URI.create(RolloutJob.uri(partition)).getPath());
    try (Stream<Path> files = Files.list(p)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void report(Outcome o, Plan plan, Path reportDir) throws IOException {
    Calibration cal = o.calibration();
    ThroughputModel.Work w = cal.work();
    out.printf(Locale.ROOT, "%nmeasured work per rollout (first run, %d slot%s): render %.3f s x %.2f unique programs,"
        + " reward %.3f s, in-process sampling %.3f s (%.0f tokens), %.0f shard bytes; fixed cost %.2f s per write%n",
        o.measurements().get(0).renderSlots(), o.measurements().get(0).renderSlots() == 1 ? "" : "s", w.renderSeconds(),
        w.rendersPerRollout(), w.rewardSeconds(), w.inProcessSampleSeconds(), w.completionTokens(), w.bytesPerRollout(),
        cal.overheads().secondsPerWave());
    TextTable t = new TextTable("render slots (" + cal.cores() + " cores, replayed completions)", "rollouts",
        "wall", "measured rollouts/h", "model rollouts/h", "measured / model", "bound").right(1, 2, 3, 4, 5);
    for (int i = 0; i < o.measurements().size(); i++) {
      Measurement m = o.measurements().get(i);
      ThroughputModel.Prediction p = o.predictions().get(i);
      t.add(m.renderSlots(), m.rollouts(), String.format(Locale.ROOT, "%.1f s", m.wallSeconds()),
          String.format(Locale.ROOT, "%.0f", m.rolloutsPerHour()), String.format(Locale.ROOT, "%.0f", p.rolloutsPerHour()),
          String.format(Locale.ROOT, "%.2f", m.rolloutsPerHour() / p.rolloutsPerHour()),
          i == 0 ? "calibration" : p.bound());
    }
    out.print(t.render());
    ThroughputModel.Prediction p = o.plan();
    out.printf(Locale.ROOT, "%nplan: %d executors x %d cores x %d render slots, %s, %s, %d prompts x G=%d a step%n",
        plan.cluster().executors(), plan.cluster().coresPerExecutor(), plan.cluster().renderSlotsPerExecutor(),
        plan.services().policyTokensPerSecond() > 0
            ? String.format(Locale.ROOT, "policy server %.0f tokens/s", plan.services().policyTokensPerSecond())
            : "in-process policy (sampling on the executors' cores)",
        plan.services().storeBytesPerSecond() > 0
            ? String.format(Locale.ROOT, "object store %.0f MB/s", plan.services().storeBytesPerSecond() / 1e6)
            : "object store not limiting",
        plan.promptsPerStep(), groupSize());
    p.ceilingsPerHour().forEach((k, v) -> out.printf(Locale.ROOT, "  ceiling %-20s %,14.0f rollouts/h%n", k, v));
    out.printf(Locale.ROOT, "  => %,.0f rollouts/h, bound by %s; a step takes %.0f s%n", p.rolloutsPerHour(), p.bound(),
        p.stepWallSeconds());
    Files.createDirectories(reportDir);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("cores", cal.cores());
    json.put("group_size", groupSize());
    json.put("measurements", o.measurements());
    json.put("calibration", cal);
    json.put("predictions", o.predictions());
    json.put("plan", Map.of("cluster", plan.cluster(), "services", plan.services(), "prompts_per_step",
        plan.promptsPerStep(), "prediction", p));
    Files.writeString(reportDir.resolve("scale-bench.json"),
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
    out.println("report: " + reportDir.resolve("scale-bench.json"));
  }
}

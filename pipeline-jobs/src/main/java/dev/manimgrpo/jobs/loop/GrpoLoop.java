package dev.manimgrpo.jobs.loop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.RolloutConfig;
import dev.manimgrpo.core.rollout.RolloutIds;
import dev.manimgrpo.jobs.report.TextTable;
import dev.manimgrpo.jobs.rollout.RolloutJob;
import dev.manimgrpo.jobs.rollout.RolloutSummary;
import dev.manimgrpo.jobs.spark.SparkSessions;
import dev.manimgrpo.policy.checkpoint.CheckpointStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The study's GRPO loop for N steps: rollouts with the current policy (the rollout job, on Spark),
 * a trainer run on the new shards (its own process), the trainer's checkpoint as the next policy.
 * Everything of a run lives in one folder an analyst can point Spark SQL at:
 *
 * <pre>
 * RUN/rollouts/run_id=RUN/step=S/   the shards of step S (and _rollout_summary.json)
 * RUN/train/step-00000S/            the trainer run of step S: checkpoints, metrics.jsonl, metrics.svg
 * RUN/loop.json                     the reward curve: one entry per step
 * </pre>
 *
 * <p>Resumable at any step: a rerun walks the steps again; the rollout job keeps the complete
 * groups of a step, the trainer resumes from its newest checkpoint, and a finished step costs
 * seconds. Step S samples with the newest checkpoint of {@code train/step-(S-1)} (the starting
 * policy for S = 0; a step with no trainable group saves its policy unchanged there). The KL
 * penalty is always taken against the starting policy. The trainer's optimizer state starts
 * afresh each step (its run folder is per step).
 */
public final class GrpoLoop {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Written into a step's trainer folder when its shard had nothing to train on. */
  static final String NOTHING_TO_TRAIN = "_nothing-to-train";

  private GrpoLoop() {}

  /** One step's line of the reward curve. */
  public record StepResult(int step, String policy, RolloutSummary rollouts, String trainer, String nextPolicy) {}

  /** The run: its folder and every step. */
  public record Outcome(String runId, String runDir, List<StepResult> steps) {}

  public static Outcome run(PipelineConfig config, PrintStream console, boolean progress) {
    return SparkSessions.run(config, "grpo-loop", spark -> run(spark, config, console, progress));
  }

  public static Outcome run(SparkSession spark, PipelineConfig config, PrintStream console, boolean progress) {
    RolloutConfig rc = config.rollout();
    String runId = rc.runId().isEmpty() ? RolloutIds.newRunId("grpo") : rc.runId();
    String runDir = rc.loop().dir().isEmpty() ? config.output().dir() + "/grpo-runs/" + runId : rc.loop().dir();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String start = config.policy().checkpoint();
    String reference = start;
    console.printf(Locale.ROOT, "grpo-loop %s: %d steps, %s prompts x G=%d per step, starting policy %s; run folder %s%n",
        runId, rc.loop().steps(), rc.promptsPerStep() == 0 ? "all" : Integer.toString(rc.promptsPerStep()),
        config.policy().sampling().groupSize(), reference, runDir);
    List<StepResult> results = new ArrayList<>();
    String policy = start;
    for (int step = 0; step < rc.loop().steps(); step++) {
      String trainDir = runDir + "/train/" + CheckpointStore.dirName(step);
      PipelineConfig stepConfig = config.withPolicy(config.policy().withCheckpoint(policy))
          .withRollout(rc.withRun(runId, step).withDir(runDir + "/rollouts"));
      console.printf(Locale.ROOT, "%n== step %d: rollouts with %s%n", step, policy);
      RolloutJob.Outcome r = RolloutJob.run(spark, stepConfig, progress);
      console.print(r.summary().render());
      console.printf(Locale.ROOT, "== step %d: trainer on %s -> %s%n", step, r.partition(), trainDir);
      String trained = train(stepConfig, r.partition(), trainDir, reference, hadoop, console);
      // The trainer's folder holds a checkpoint either way (the unchanged policy when nothing could be trained).
      String next = trainDir;
      results.add(new StepResult(step, policy, r.summary(), trained, next));
      writeCurve(runDir, runId, results, hadoop);
      console.print(curve(results));
      policy = next;
    }
    return new Outcome(runId, runDir, results);
  }

  /** Runs (or resumes, or skips) the trainer for one step; returns "trained" or "nothing-to-train". */
  private static String train(PipelineConfig stepConfig, String partition, String trainDir, String reference,
      Configuration hadoop, PrintStream console) {
    try {
      Path marker = new Path(URI.create(uri(trainDir) + "/" + NOTHING_TO_TRAIN));
      FileSystem fs = marker.getFileSystem(hadoop);
      if (fs.exists(marker)) {
        return "nothing-to-train";
      }
      java.nio.file.Path conf = Files.createTempFile("manim-grpo-loop-", ".yaml");
      try {
        Files.writeString(conf, ConfigLoader.toYaml(stepConfig));
        List<String> cmd = new ArrayList<>(TrainerProcess.launcher(stepConfig.rollout().loop().trainerCommand()));
        cmd.addAll(List.of("grpo", "--config", conf.toString(), "--shard", uri(partition), "--run-dir", uri(trainDir),
            "--reference", reference, "--no-progress"));
        int code = TrainerProcess.run(cmd, console);
        if (code == 5) {
          try (OutputStream o = fs.create(marker, true)) {
            o.write("no trainable group in this step's shard; the next step samples with the same policy\n"
                .getBytes(StandardCharsets.UTF_8));
          }
          return "nothing-to-train";
        }
        if (code != 0) {
          throw new IllegalStateException("the trainer failed on " + partition + " (exit " + code + "; its output is above);"
              + " fix the cause and rerun the loop with the same --run-id: finished steps are kept");
        }
        return "trained";
      } finally {
        Files.deleteIfExists(conf);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while training", e);
    }
  }

  /** The reward curve as a table: one line per step. */
  public static String curve(List<StepResult> steps) {
    TextTable t = new TextTable("step", "policy", "prompts", "quarantined", "rollouts", "render success", "reward mean",
        "reward std", "groups with spread", "trainer").right(0, 2, 3, 4, 5, 6, 7, 8);
    for (StepResult s : steps) {
      RolloutSummary r = s.rollouts();
      t.add(s.step(), shortName(s.policy()), r.prompts(), r.quarantined(), r.rollouts(),
          String.format(Locale.ROOT, "%.1f%%", 100 * r.renderSuccessRate()),
          String.format(Locale.ROOT, "%.4f", r.rewardMean()), String.format(Locale.ROOT, "%.4f", r.rewardStd()),
          r.groupsWithSpread(), s.trainer());
    }
    return t.render();
  }

  private static String shortName(String policy) {
    int i = policy.indexOf("/train/");
    return i >= 0 ? policy.substring(i + 1) : policy;
  }

  private static void writeCurve(String runDir, String runId, List<StepResult> steps, Configuration hadoop) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("run_id", runId);
    doc.put("steps", steps);
    try {
      Path p = new Path(URI.create(uri(runDir) + "/loop.json"));
      try (OutputStream o = p.getFileSystem(hadoop).create(p, true)) {
        o.write(JSON.writeValueAsBytes(doc));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + runDir + "/loop.json: " + e.getMessage(), e);
    }
  }

  private static String uri(String location) {
    return RolloutJob.uri(location);
  }
}

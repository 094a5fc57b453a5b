package dev.manimgrpo.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.jobs.TestSpark;
import dev.manimgrpo.jobs.rollout.RolloutTestConfigs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench-rollout} end to end on two prompts of the bundled sample, with the starter policy
 * and real renders: both arms, and the renders-alone arm on the programs of the replayed run only.
 */
@Tag("manim")
class RolloutBenchmarkTest {

  static final int G = 2;

  @TempDir Path dir;

  @Test
  void bothArmsAreMeasuredAndTheRendersAloneAreTheReplayedRunsOwnPrograms() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    List<RolloutBenchmark.Result> results = new RolloutBenchmark(config(2), new PrintStream(printed, true,
        StandardCharsets.UTF_8)).run(dir.resolve("first"), dir.resolve("report"));

    assertThat(results).hasSize(2);
    RolloutBenchmark.Result replayed = results.get(0);
    RolloutBenchmark.Result sampled = results.get(1);
    assertThat(replayed.rollouts()).isEqualTo(2 * G);
    assertThat(sampled.rollouts()).isEqualTo(2 * G);
    assertThat(replayed.sampleSeconds()).as("replayed completions are not sampled")
        .isLessThan(sampled.sampleSeconds());
    assertThat(replayed.renderSlots()).isEqualTo(2);
    assertThat(replayed.overhead()).isEqualTo(replayed.wallSeconds() / (replayed.renderSeconds() / 2) - 1);
    assertThat(replayed.rendersAloneSeconds()).as("renders alone after the replayed run").isPositive();
    assertThat(sampled.rendersAloneSeconds()).as("not measured for the sampling arm").isNaN();
    // The pool's occupancy over the job's wall time: 0, 1 or 2 slots busy, and the busy slot-seconds
    // hold at least every render the shard counts (a render's time is measured inside its slot's).
    List<Double> busy = replayed.secondsAtBusySlots();
    assertThat(busy).hasSize(3).allSatisfy(x -> assertThat(x).isNotNegative());
    assertThat(busy.get(1) + 2 * busy.get(2)).isGreaterThanOrEqualTo(replayed.renderSeconds() - 1e-3);
    assertThat(busy.get(0) + busy.get(1) + busy.get(2)).isCloseTo(replayed.wallSeconds(),
        org.assertj.core.data.Offset.offset(1e-6));
    assertThat(RolloutBenchmark.busyLevels(List.of(0.25, 0.5, 5.0))).isEqualTo("5.00 / 0.50 / 0.25 s");
    // Seconds read outside the wall time (the summary query after it) had no render: they leave "none".
    assertThat(RolloutBenchmark.withinWallTime(new dev.manimgrpo.core.render.SlotOccupancy.Reading(
        new double[] {1.5, 0.5, 5.0}), 6.0)).containsExactly(0.5, 0.5, 5.0);
    assertThat(dir.resolve("report/rollout-bench.json")).isNotEmptyFile();
    String out = printed.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("pipeline overhead (target < 10%)", "job wall time over the renders alone",
        "render slots busy: all / ... / none");
    assertThat(out).contains("the runs' shards are in " + dir.resolve("first"), "--completions " + warmupPartition(out));

    // One prompt of the two-prompt warm-up replayed: the renders alone are that prompt's programs,
    // not every program of the stored step.
    Path warmup;
    try (Stream<Path> runs = Files.list(dir.resolve("first/rollouts"))) {
      warmup = runs.filter(p -> p.getFileName().toString().endsWith("-warmup")).findFirst().orElseThrow()
          .resolve("step=0");
    }
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    List<RolloutBenchmark.Result> one = new RolloutBenchmark(config(1), new PrintStream(again, true,
        StandardCharsets.UTF_8)).run(dir.resolve("second"), dir.resolve("report2"), 1, warmup.toString(), 1);

    assertThat(one).as("replaying stored completions leaves arm (b) out").hasSize(1);
    assertThat(one.get(0).rollouts()).isEqualTo(G);
    Matcher m = Pattern.compile("the same (\\d+) programs rendered alone").matcher(again.toString(StandardCharsets.UTF_8));
    assertThat(m.find()).isTrue();
    Path replayPartition;
    try (Stream<Path> runs = Files.list(dir.resolve("second/rollouts"))) {
      replayPartition = runs.filter(p -> p.getFileName().toString().endsWith("-replay")).findFirst().orElseThrow()
          .resolve("step=0");
    }
    SparkSession spark = TestSpark.start(Map.of());
    try {
      long programs = RolloutBenchmark.renderedPrograms(spark, replayPartition.toString()).size();
      long stored = RolloutBenchmark.renderedPrograms(spark, warmup.toString()).size();
      assertThat(Long.parseLong(m.group(1))).isEqualTo(programs).isLessThanOrEqualTo(G);
      assertThat(stored).as("the stored step has the other prompt's programs too").isGreaterThan(programs);
    } finally {
      spark.stop();
    }
  }

  /** The warm-up partition the benchmark printed for --completions. */
  private static String warmupPartition(String printed) {
    Matcher m = Pattern.compile("--completions (\\S+)").matcher(printed);
    assertThat(m.find()).isTrue();
    assertThat(Path.of(m.group(1))).isDirectory();
    return m.group(1);
  }

  private PipelineConfig config(int prompts) {
    return RolloutTestConfigs.config(dir, "unused", prompts, G, Map.of("dataset.split", "all",
        "spark.master", "local[2]", "spark.conf.spark.driver.host", "127.0.0.1",
        "spark.conf.spark.driver.bindAddress", "127.0.0.1"));
  }
}

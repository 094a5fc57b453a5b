package dev.manimgrpo.jobs.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.preflight.CheckResult;
import dev.manimgrpo.core.preflight.PreflightException;
import dev.manimgrpo.core.preflight.PreflightReport;
import dev.manimgrpo.jobs.TestSpark;
import dev.manimgrpo.jobs.cli.ManimGrpoCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preflight on local Spark, where the executor is the driver's JVM (executor id {@code driver}). */
class ExecutorPreflightLocalTest {

  @TempDir Path dir;

  @AfterEach
  void forget() {
    ExecutorPreflight.clear();
  }

  @Test
  void aBrokenRuntimeFailsTheJobBeforeItStartsNamingTheNodeAndTheRemedy() {
    AtomicBoolean ran = new AtomicBoolean();

    Throwable t = catchThrowable(() -> SparkSessions.run(config(Map.of("runtime.root", dir.resolve("empty").toString())),
        "preflight-test", spark -> {
          ran.set(true);
          return spark.range(1).count();
        }));

    assertThat(ran).as("the job ran").isFalse();
    assertThat(t).isInstanceOf(PreflightException.class);
    assertThat(t.getMessage()).doesNotContain("\n")
        .contains("127.0.0.1 (executor driver)") // local Spark: the driver's host (spark.driver.host)
        .contains("no provisioned Manim runtime at " + dir.resolve("empty"))
        .contains("cluster-conf/provision/manim-runtime.sh");
    assertThat(SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined())
        .as("the session is stopped").isFalse();
  }

  @Test
  void renderSamplesWithABrokenRuntimePrintsOneLine() {
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    var cl = ManimGrpoCommand.commandLine();
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(out, true));

    int exit = cl.execute("render-samples", "--no-progress", "--run-id", "pf",
        "--conf", "runtime.root=" + dir.resolve("empty"),
        "--conf", "output.dir=" + dir.resolve("out"),
        "--conf", "cache.dir=" + dir.resolve("cache"),
        "--conf", "spark.master=local[2]",
        "--conf", "spark.conf.spark.driver.host=127.0.0.1",
        "--conf", "spark.conf.spark.driver.bindAddress=127.0.0.1");

    // an expected failure: one line (the command's name, the message), the exit code of bad input
    assertThat(exit).isEqualTo(ManimGrpoCommand.EXIT_INVALID_INPUT);
    String first = err.toString().lines().findFirst().orElse("");
    assertThat(first).startsWith("manim-grpo").contains(": preflight failed on 1 node").contains("(executor driver)")
        .contains("manim-runtime.sh");
    assertThat(err.toString()).doesNotContain("\tat ");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void turnedOffNoCheckRuns() {
    PreflightReport seen = SparkSessions.run(config(Map.of("runtime.root", dir.resolve("empty").toString(),
        "preflight.enabled", "false")), "preflight-test", spark -> ExecutorPreflight.report());

    assertThat(seen).isNull();
  }

  @Test
  void theDataSetToolsNeedNoRuntime() {
    SparkSession spark = SparkSessions.start(config(Map.of("runtime.root", dir.resolve("empty").toString())),
        "dataset-validate");
    try {
      assertThat(spark.range(3).count()).isEqualTo(3);
      assertThat(ExecutorPreflight.report()).isNull();
    } finally {
      spark.stop();
    }
  }

  @Test
  @Tag("manim")
  void aGoodConfigurationPassesAndTheLocalExecutorRecordsItsReport() {
    PreflightReport seen = SparkSessions.run(config(Map.of()), "preflight-test", spark -> {
      spark.range(2).count();
      return ExecutorPreflight.report();
    });

    assertThat(seen).as("local[*] runs the executor plugin").isNotNull();
    assertThat(seen.executorId()).isEqualTo("driver");
    assertThat(seen.ok()).as(seen.toString()).isTrue();
    assertThat(seen.results()).extracting(CheckResult::check)
        .contains("runtime", "manim version", "bubblewrap", "sandbox namespaces", "policy natives (nd4j)");
  }

  @Test
  void aTaskOnANodeThatFailedItsPreflightFailsAtOnceWithItsMessage() {
    PipelineConfig config = config(Map.of());
    PreflightReport bad = new PreflightReport("node-x", "driver", List.of(
        CheckResult.failed("bubblewrap", "bwrap is not on the PATH", "apt-get install bubblewrap")));
    String expected = PreflightReport.failureMessage(List.of(bad));
    SparkSession spark = TestSpark.start(Map.of());
    try {
      ExecutorPreflight.record(bad);
      JavaRDD<Integer> one = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1), 1);

      Throwable t = catchThrowable(() -> one.map(i -> ExecutorRenderPool.get(config) == null ? 0 : i).count());

      assertThat(SparkSessions.preflightFailureIn(t)).isEqualTo(expected);
      assertThatThrownBy(() -> ExecutorPolicy.get(config)).isInstanceOf(PreflightException.class)
          .hasMessage(expected);
    } finally {
      spark.stop();
    }
  }

  private static PipelineConfig config(Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>(Map.of("spark.master", "local[2]",
        "spark.conf.spark.driver.host", "127.0.0.1", "spark.conf.spark.driver.bindAddress", "127.0.0.1"));
    all.putAll(overrides);
    return ConfigLoader.load(null, all);
  }
}

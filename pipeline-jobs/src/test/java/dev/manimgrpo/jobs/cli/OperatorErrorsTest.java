package dev.manimgrpo.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.jobs.cli.ManimGrpoCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator reads when an input is wrong: one line naming the key or path and what it
 * accepts, exit code 2, no stack trace unless --verbose; and --dry-run, which checks all of that
 * and starts nothing.
 */
class OperatorErrorsTest {

  @TempDir Path dir;

  static Run run(String... args) {
    return ManimGrpoCommandTest.run(args);
  }

  private static void assertOneCleanLine(Run r, String... named) {
    assertThat(r.exit()).as(r.err()).isEqualTo(ManimGrpoCommand.EXIT_INVALID_INPUT);
    assertThat(r.err()).contains(named).doesNotContain("\tat ").doesNotContain("Exception")
        .doesNotContain("Cannot deserialize");
    assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
  }

  @Test
  void aValueOfTheWrongKindNamesTheKeyAndWhatItAccepts() {
    for (String command : List.of("rollout", "eval", "render-samples", "grpo-loop", "config")) {
      Run r = run(command, "--conf", "render.workers=abc");
      assertOneCleanLine(r, "manim-grpo " + command + ": render.workers: 'abc' is not a whole number (accepted: a whole number");
    }
    assertOneCleanLine(run("rollout", "--conf", "render.workers=-1"), "render.workers must be > 0, got -1");
    assertOneCleanLine(run("rollout", "--conf", "policy.backend=foo"), "policy.backend must be dl4j, openai, llama-cpp or replay, got 'foo'");
    assertOneCleanLine(run("rollout", "--conf", "render.wrkers=2"), "unknown config key 'render.wrkers'", "render.workers");
    assertOneCleanLine(run("grpo-loop", "--steps", "-1"), "rollout.loop.steps must be >= 1, got -1");
    assertOneCleanLine(run("rollout", "--conf", "rollout.max-groups-per-task=0"),
        "rollout.max-groups-per-task must be >= 1 (1 = a Spark task per group), got 0");
    assertOneCleanLine(run("rollout", "--conf", "rollout.groups-ahead=-1"),
        "rollout.groups-ahead must be >= 0 (0 = one group at a time), got -1");
    assertOneCleanLine(run("rollout", "--conf", "rollout.prepared-references-mb=-5"),
        "rollout.prepared-references-mb must be >= 0 (0 = keep none), got -5");
    assertOneCleanLine(run("bench-rollout", "--repeats", "0"), "--repeats must be at least 1, got 0");
  }

  @Test
  void aBadValueInTheConfigFileNamesTheFileAndLine() throws Exception {
    Path yaml = dir.resolve("run.yaml");
    Files.writeString(yaml, "render:\n  workers: abc\n");
    assertOneCleanLine(run("rollout", "--config", yaml.toString()), yaml + ":2: render.workers: 'abc' is not a whole number");
    assertOneCleanLine(run("rollout", "--config", dir.resolve("none.yaml").toString()), "none.yaml does not exist");
  }

  @Test
  void aMissingInputIsNamedBeforeSparkStarts() {
    String missing = dir.resolve("no-such.parquet").toString();
    for (String command : List.of("rollout", "render-samples", "eval", "grpo-loop")) {
      assertOneCleanLine(run(command, "--conf", "dataset.path=" + missing),
          "dataset.path: " + missing + " does not exist", "accepted: a ManimBench-format Parquet file or folder");
    }
    assertOneCleanLine(run("dataset", "validate", missing), "PATH: " + missing + " does not exist");
    assertOneCleanLine(run("dataset", "validate", "--conf", "dataset.path=" + missing),
        "dataset.path: " + missing + " does not exist");
    assertOneCleanLine(run("rollout", "--checkpoint", dir.resolve("ckpt").toString()),
        "policy.checkpoint: " + dir.resolve("ckpt") + " does not exist", "bundled-hf (or empty) for the bundled starter");
    assertOneCleanLine(run("eval", "--conf", "policy.checkpoint=" + dir.resolve("ckpt")), "policy.checkpoint");
    assertOneCleanLine(run("score", dir.resolve("a.py").toString(), dir.resolve("b.py").toString()),
        "CANDIDATE: " + dir.resolve("a.py") + " does not exist");
    assertOneCleanLine(run("rollout", "--conf", "dataset.path=s3a:/bucketless"), "dataset.path: 's3a:/bucketless' names no bucket");
    assertOneCleanLine(run("bench-rollout", "--completions", dir.resolve("step=0").toString()),
        "--completions: " + dir.resolve("step=0") + " does not exist");
    assertThat(SparkSession.getActiveSession().isDefined()).as("no SparkSession started").isFalse();
  }

  @Test
  void badArgumentsAreOneLineWithAPointerToHelp() {
    Run r = run("rollout", "--step", "x");
    assertOneCleanLine(r, "manim-grpo rollout: Invalid value for option '--step': 'x' is not an int",
        "see manim-grpo rollout --help");
    assertThat(r.err()).doesNotContain("Usage:");
  }

  @Test
  void verbosePrintsTheStackTrace() {
    Run r = run("rollout", "--conf", "render.workers=abc", "--verbose");
    assertThat(r.exit()).isEqualTo(ManimGrpoCommand.EXIT_INVALID_INPUT);
    assertThat(r.err()).contains("render.workers: 'abc'").contains("\tat ");
  }

  @Test
  void dryRunChecksEverythingAndStartsNothing() throws Exception {
    Path out = dir.resolve("rollouts");
    Run r = run("rollout", "--run-id", "r1", "--step", "3", "--conf", "rollout.dir=" + out, "--dry-run");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().strip()).startsWith("dry run: manim-grpo rollout is valid: run-id=r1, step=3")
        .contains("dataset=bundled sample set", "policy=dl4j bundled-hf (the bundled starter)", "output=" + out + "/run_id=r1/step=3");
    assertThat(out).doesNotExist();
    // --dry-run anywhere among the options, as the Airflow DAG appends it.
    for (List<String> args : List.of(List.of("render-samples", "--dry-run", "--run-id", "x"),
        List.of("eval", "--split", "test", "--dry-run"), List.of("grpo-loop", "--steps", "2", "--dry-run"),
        List.of("dataset", "validate", "--dry-run"), List.of("bench-rollout", "--dry-run"), List.of("bench-scale", "--slots", "1,2", "--dry-run"))) {
      Run ok = run(args.toArray(String[]::new));
      assertThat(ok.exit()).as(args + ": " + ok.err()).isZero();
      assertThat(ok.out()).as(args.toString()).startsWith("dry run: manim-grpo " + args.get(0));
    }
    assertThat(SparkSession.getActiveSession().isDefined()).as("no SparkSession started").isFalse();
    assertThat(SparkSession.getDefaultSession().isDefined()).as("no SparkSession started").isFalse();
  }

  @Test
  void anInvalidDryRunFailsLikeTheRealRun() {
    String missing = dir.resolve("none.parquet").toString();
    Run real = run("rollout", "--conf", "dataset.path=" + missing);
    Run dry = run("rollout", "--conf", "dataset.path=" + missing, "--dry-run");
    assertThat(dry.exit()).isEqualTo(real.exit()).isEqualTo(ManimGrpoCommand.EXIT_INVALID_INPUT);
    assertThat(dry.err()).isEqualTo(real.err());
    assertThat(dry.out()).doesNotContain("dry run:");
    assertOneCleanLine(run("eval", "--dry-run", "--conf", "render.workers=abc"), "render.workers: 'abc'");
  }
}

package dev.manimgrpo.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged cluster jar, submitted to a real Spark standalone cluster (Master + Worker
 * processes on loopback, started by cluster-conf/standalone/local-cluster.sh), renders on
 * the executors and writes its table.
 */
@Tag("manim")
@Tag("cluster")
class StandaloneClusterIT {

  @TempDir Path dir;

  @Test
  void renderSamplesRunsOnAStandaloneCluster() throws Exception {
    Path script = LoopbackCluster.script();
    Map<String, String> env = LoopbackCluster.env(dir.resolve("state"));
    try {
      assertThat(run(env, script.toString(), "start")).as("cluster start").isZero();
      int exit = run(env, script.toString(), "submit", "render-samples", "--no-progress", "--run-id", "it",
          "--conf", "dataset.split=test",
          "--conf", "output.dir=" + dir.resolve("out"),
          "--conf", "cache.dir=" + dir.resolve("cache"));
      assertThat(exit).as("submit exit code; see " + dir.resolve("log.txt")).isZero();
      // The main job through spark-submit: executors sample from the DL4J policy, render and score.
      int rollout = run(env, script.toString(), "submit", "rollout", "--no-progress", "--run-id", "it",
          "--prompts", "2", "--conf", "policy.sampling.group-size=2", "--conf", "policy.sampling.max-tokens=120",
          "--conf", "rollout.dir=" + dir.resolve("rollouts"),
          "--conf", "cache.dir=" + dir.resolve("cache"));
      assertThat(rollout).as("rollout submit exit code; see " + dir.resolve("log.txt")).isZero();
      // Expected failures under spark-submit: one line naming the key or path, no stack trace (seconds each).
      int badValue = run(dir.resolve("bad-value.txt"), env, script.toString(), "submit", "rollout",
          "--conf", "render.workers=abc");
      assertThat(badValue).isNotZero();
      int missingPath = run(dir.resolve("missing-path.txt"), env, script.toString(), "submit", "render-samples",
          "--conf", "dataset.path=" + dir.resolve("no-such.parquet"));
      assertThat(missingPath).isNotZero();
    } finally {
      run(env, script.toString(), "stop");
    }
    String badValueLog = Files.readString(dir.resolve("bad-value.txt"));
    assertThat(badValueLog).contains("render.workers: 'abc' is not a whole number").doesNotContain("\tat ");
    String missingLog = Files.readString(dir.resolve("missing-path.txt"));
    assertThat(missingLog).contains("dataset.path: " + dir.resolve("no-such.parquet") + " does not exist")
        .doesNotContain("\tat ");
    String log = Files.readString(dir.resolve("log.txt"));
    assertThat(log).contains("0 of 11 served from the reference cache");
    // the executors rendered (their stderr has the pool's start), not the driver
    try (Stream<Path> s = Files.walk(dir.resolve("state").resolve("work"))) {
      List<Path> stderr = s.filter(p -> p.getFileName().toString().equals("stderr")).toList();
      boolean executorRendered = false;
      for (Path p : stderr) {
        executorRendered |= Files.readString(p).contains("render pool ready");
      }
      assertThat(executorRendered).isTrue();
    }
    long rows = 0;
    try (Stream<Path> s = Files.list(dir.resolve("out").resolve("reference_renders").resolve("run_id=it"))) {
      for (Path f : s.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
            new org.apache.hadoop.fs.Path(f.toUri()), new Configuration()))) {
          rows += r.getRecordCount();
        }
      }
    }
    assertThat(rows).isEqualTo(11);

    long rollouts = 0;
    try (Stream<Path> s = Files.list(dir.resolve("rollouts").resolve("run_id=it").resolve("step=0"))) {
      for (Path f : s.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
            new org.apache.hadoop.fs.Path(f.toUri()), new Configuration()))) {
          rollouts += r.getRecordCount();
        }
      }
    }
    assertThat(rollouts).isEqualTo(4);
    boolean executorSampled = false;
    try (Stream<Path> s = Files.walk(dir.resolve("state").resolve("work"))) {
      for (Path p : s.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
        executorSampled |= Files.readString(p).contains("policy client ready: hf:bundled-hf:");
      }
    }
    assertThat(executorSampled).as("an executor loaded the policy").isTrue();
  }

  private int run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
    return run(dir.resolve("log.txt"), env, cmd);
  }

  private int run(Path log, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("bash"));
    argv.addAll(List.of(cmd));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}

package dev.manimgrpo.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor preflight on a real standalone cluster (cluster-conf/standalone/local-cluster.sh on
 * loopback): executors that see no Manim runtime (their environment points MANIM_GRPO_RUNTIME at
 * nothing, the driver's does not) make the submit fail before its first stage, with one line that
 * names the node and what to install, and no stack trace anywhere in its log.
 */
@Tag("manim")
@Tag("cluster")
class ExecutorPreflightIT {

  @TempDir Path dir;

  @Test
  void aSubmitToExecutorsWithoutARuntimeFailsNamingTheNodeAndTheRemedy() throws Exception {
    Path script = LoopbackCluster.script();
    Map<String, String> env = LoopbackCluster.env(dir.resolve("state"));
    int exit;
    try {
      assertThat(run(env, "start-log.txt", script.toString(), "start")).as("cluster start").isZero();
      exit = run(env, "log.txt", script.toString(), "submit", "render-samples", "--no-progress", "--run-id", "pf",
          "--conf", "dataset.split=test",
          "--conf", "output.dir=" + dir.resolve("out"),
          "--conf", "cache.dir=" + dir.resolve("cache"),
          "--conf", "spark.conf.spark.executorEnv.MANIM_GRPO_RUNTIME=/nonexistent/manim-runtime");
    } finally {
      run(env, "stop-log.txt", script.toString(), "stop");
    }
    String log = Files.readString(dir.resolve("log.txt"));
    assertThat(exit).as("submit exit code; see " + dir.resolve("log.txt")).isEqualTo(2);
    String line = log.lines().filter(l -> l.startsWith("manim-grpo") && l.contains(": preflight failed on 1 node"))
        .findFirst().orElse("");
    assertThat(line).as(log)
        .contains("127.0.0.1 (executor 0)")
        .contains("no provisioned Manim runtime at /nonexistent/manim-runtime")
        .contains("cluster-conf/provision/manim-runtime.sh");
    assertThat(log).doesNotContain("\tat ");
    assertThat(dir.resolve("out")).as("no stage ran").doesNotExist();
  }

  private int run(Map<String, String> env, String logName, String... cmd) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("bash"));
    argv.addAll(List.of(cmd));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(logName).toFile()));
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}

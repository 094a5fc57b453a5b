package dev.manimgrpo.jobs.loop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the trainer's command line as its own process, as a cluster runs it (a separate step an
 * Airflow DAG calls after the rollout job): the trainer keeps its JVM, heap and BLAS threads to
 * itself, and the loop driver keeps its warm Spark session and render pools.
 */
final class TrainerProcess {

  private TrainerProcess() {}

  /** The launcher: the configured command, else this installation's bin/manim-grpo-trainer, else the PATH's. */
  static List<String> launcher(String configured) {
    if (!configured.isBlank()) {
      return List.of(configured.split("\\s+"));
    }
    String home = System.getProperty("manimgrpo.home", "");
    if (!home.isBlank() && Files.isExecutable(Path.of(home, "bin", "manim-grpo-trainer"))) {
      return List.of(Path.of(home, "bin", "manim-grpo-trainer").toString());
    }
    return List.of("manim-grpo-trainer");
  }

  /** Runs it, echoing its output with a prefix; returns the exit code. */
  static int run(List<String> command, PrintStream console) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException("cannot start the trainer (" + command.get(0) + "): " + e.getMessage()
          + "; build it (mvn -q package -DskipTests) or set rollout.loop.trainer-command", e);
    }
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        console.println("  [trainer] " + line);
      }
    }
    return p.waitFor();
  }
}

package dev.manimgrpo.jobs.notebooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Executes one of the repository's notebooks ({@code notebooks/*.ipynb}) headless, as CI does:
 * {@code python3 -m nbconvert --to notebook --execute} with Debian's Python (where nbconvert,
 * ipykernel, JPype, pandas and matplotlib are; {@code scripts/setup.sh} installs them), into a
 * folder of the caller's. The notebook gets its SparkSession from {@code manim_grpo_notebook.py}
 * in a JVM of its own, started with this JVM's class path ({@code MANIM_GRPO_CLASSPATH}), so a
 * test needs no packaged jars.
 *
 * <p>A cell that raises fails the run with that cell's number, source and error (the notebook is
 * executed with {@code --allow-errors} so that the executed notebook is there to read the error
 * from; only the first error is reported). Tests using this carry the JUnit tag {@code jupyter}.
 *
 * <pre>{@code
 * ExecutedNotebook nb = NotebookRunner.forRun(runDir).execute("training.ipynb", tempDir);
 * assertThat(nb.pngCount()).isEqualTo(4);
 * assertThat(nb.printedTable("rollouts-per-step")).extracting(r -> r.get("rollouts")).containsOnly("9");
 * }</pre>
 */
public final class NotebookRunner {

  /** The Python that runs nbconvert and the kernel: Debian's, not a pyenv or venv one earlier on PATH. */
  public static final String PYTHON_PROPERTY = "manimgrpo.notebook.python";

  public static final String PYTHON_DEFAULT = "/usr/bin/python3";

  /** A cell's limit; the whole run's is this plus a minute for the kernel and nbconvert. */
  public static final Duration CELL_TIMEOUT_DEFAULT = Duration.ofMinutes(5);

  private final Path notebooks;
  private final Map<String, String> env = new LinkedHashMap<>();
  private Duration cellTimeout = CELL_TIMEOUT_DEFAULT;

  private NotebookRunner(Path notebooks) {
    this.notebooks = notebooks;
  }

  /**
   * A runner for this checkout's {@code notebooks/} (found from the {@code manimgrpo.home} system
   * property the pom sets, else the parent of the working directory), whose notebooks read the
   * GRPO loop run in {@code runDir} ({@code MANIM_GRPO_RUN_DIR}).
   */
  public static NotebookRunner forRun(Path runDir) {
    Path home = Path.of(System.getProperty("manimgrpo.home", ".."));
    return new NotebookRunner(home.resolve("notebooks").toAbsolutePath().normalize())
        .env("MANIM_GRPO_RUN_DIR", runDir.toAbsolutePath().toString());
  }

  /** Sets one more environment variable for the kernel (e.g. an evaluation notebook's input). */
  public NotebookRunner env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public NotebookRunner cellTimeout(Duration timeout) {
    this.cellTimeout = timeout;
    return this;
  }

  /**
   * Executes {@code notebooks/<name>} and returns it with its outputs, written to {@code outDir}.
   *
   * @throws AssertionError when a cell raises, or nbconvert fails or runs out of time
   */
  public ExecutedNotebook execute(String name, Path outDir) throws IOException, InterruptedException {
    Path source = notebooks.resolve(name);
    if (!Files.isRegularFile(source)) {
      throw new IllegalArgumentException("No notebook " + name + " in " + notebooks);
    }
    Files.createDirectories(outDir);
    Path executed = outDir.resolve(name).toAbsolutePath();
    Path log = outDir.resolve(name + ".log");
    List<String> command = List.of(System.getProperty(PYTHON_PROPERTY, PYTHON_DEFAULT), "-m", "nbconvert",
        "--to", "notebook", "--execute", "--allow-errors",
        "--ExecutePreprocessor.timeout=" + cellTimeout.toSeconds(),
        "--output", executed.toString(), source.toString());
    ProcessBuilder pb = new ProcessBuilder(command).directory(notebooks.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> e = pb.environment();
    e.put("MANIM_GRPO_CLASSPATH", System.getProperty("java.class.path"));
    e.put("JAVA_HOME", System.getProperty("java.home"));
    // Like TestSpark: two cores, so that the notebook's JVM leaves the machine to the test's.
    e.put("MANIM_GRPO_SPARK_MASTER", "local[2]");
    // ipykernel's debugger otherwise warns about frozen modules on every kernel start.
    e.put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
    // No __pycache__ of the shim in the checkout's notebooks/.
    e.put("PYTHONDONTWRITEBYTECODE", "1");
    e.putAll(env);
    Process p = pb.start();
    Duration limit = cellTimeout.plusMinutes(1);
    if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(name + " did not finish in " + limit + ":\n" + tail(log));
    }
    if (p.exitValue() != 0 || !Files.isRegularFile(executed)) {
      throw new AssertionError("nbconvert failed on " + name + " (exit " + p.exitValue() + "):\n" + tail(log));
    }
    ExecutedNotebook nb = new ExecutedNotebook(new ObjectMapper().readTree(executed.toFile()));
    nb.firstError().ifPresent(error -> {
      throw new AssertionError(name + ": " + error);
    });
    return nb;
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no output)";
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", new ArrayList<>(lines.subList(Math.max(0, lines.size() - 40), lines.size())));
  }
}

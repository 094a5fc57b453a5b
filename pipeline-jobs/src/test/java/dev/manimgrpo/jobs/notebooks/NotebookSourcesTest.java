package dev.manimgrpo.jobs.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The notebooks as committed (no kernel needed): outputs cleared, the {@code python3} kernel, and
 * only the part of PySpark's API that {@code notebooks/manim_grpo_notebook.py} implements without
 * PySpark, so that the cells run unchanged on a cluster and here.
 */
class NotebookSourcesTest {

  /** {@code spark.<name>} the shim implements. */
  static final Set<String> SESSION_API = Set.of("sql", "read");

  /** {@code spark.read.<name>} the shim implements. */
  static final Set<String> READER_API = Set.of("parquet", "json");

  private static final Pattern SESSION_CALL = Pattern.compile("\\bspark\\.(\\w+)");
  private static final Pattern READER_CALL = Pattern.compile("\\bspark\\.read\\.(\\w+)");
  private static final Pattern PYSPARK_IMPORT = Pattern.compile("^\\s*(from|import)\\s+pyspark", Pattern.MULTILINE);

  static Stream<Path> notebooks() throws IOException {
    Path dir = Path.of(System.getProperty("manimgrpo.home", ".."), "notebooks");
    List<Path> all;
    try (Stream<Path> s = Files.list(dir)) {
      all = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertThat(all).as("notebooks in " + dir).isNotEmpty();
    return all.stream();
  }

  /** A notebook nothing executes could rot unseen: each needs a test that runs it against real output. */
  @ParameterizedTest
  @MethodSource("notebooks")
  void isExecutedBySomeTest(Path notebook) throws IOException {
    String call = ".execute(\"" + notebook.getFileName() + "\"";
    Path tests = Path.of(System.getProperty("manimgrpo.home", ".."), "pipeline-jobs", "src", "test", "java");
    boolean executed;
    try (Stream<Path> s = Files.walk(tests)) {
      executed = s.filter(p -> p.toString().endsWith(".java")).anyMatch(p -> {
        try {
          return Files.readString(p).contains(call);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
    assertThat(executed).as("no test calls NotebookRunner...%s...); add one that runs it on a real run's output",
        call).isTrue();
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void isCommittedWithoutOutputsForThePython3Kernel(Path notebook) throws IOException {
    JsonNode nb = new ObjectMapper().readTree(notebook.toFile());
    assertThat(nb.path("nbformat").asInt()).isEqualTo(4);
    assertThat(nb.path("metadata").path("kernelspec").path("name").asText()).isEqualTo("python3");
    for (JsonNode cell : nb.path("cells")) {
      if ("code".equals(cell.path("cell_type").asText())) {
        assertThat(cell.path("outputs")).as("outputs of a cell in %s (clear them before committing)", notebook)
            .isEmpty();
        assertThat(cell.path("execution_count").isNull()).as("execution count in %s", notebook).isTrue();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void callsOnlyTheSparkApiTheShimImplements(Path notebook) throws IOException {
    Set<String> session = new TreeSet<>();
    Set<String> reader = new TreeSet<>();
    for (JsonNode cell : new ObjectMapper().readTree(notebook.toFile()).path("cells")) {
      if (!"code".equals(cell.path("cell_type").asText())) {
        continue;
      }
      StringBuilder source = new StringBuilder();
      cell.path("source").forEach(l -> source.append(l.asText()));
      if (!cell.path("source").isArray()) {
        source.append(cell.path("source").asText());
      }
      assertThat(PYSPARK_IMPORT.matcher(source).find())
          .as("%s imports pyspark; use manim_grpo_notebook.spark_session()", notebook).isFalse();
      for (Matcher m = SESSION_CALL.matcher(source); m.find();) {
        session.add(m.group(1));
      }
      for (Matcher m = READER_CALL.matcher(source); m.find();) {
        reader.add(m.group(1));
      }
    }
    assertThat(session).as("spark.* in %s", notebook).isSubsetOf(SESSION_API);
    assertThat(reader).as("spark.read.* in %s", notebook).isSubsetOf(READER_API);
  }
}

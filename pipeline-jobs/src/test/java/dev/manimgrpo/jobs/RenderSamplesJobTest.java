package dev.manimgrpo.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job on local Spark with real renders; its Parquet read back without Spark. */
@Tag("manim")
class RenderSamplesJobTest extends LocalSparkTest {

  @TempDir static Path dir;

  @Test
  void rendersEverySampleOnceWritesOneRowEachAndReusesTheCache() throws IOException {
    PipelineConfig config = ConfigLoader.load(null, Map.of(
        "dataset.split", "test",
        "output.dir", dir.resolve("out").toString(),
        "cache.dir", dir.resolve("cache").toString(),
        "render.workers", "2"));
    List<ManimBenchSample> test = BundledSampleSet.load().stream().filter(s -> s.split() == ManimBenchSample.Split.test).toList();

    RenderSamplesJob.Outcome first = RenderSamplesJob.run(spark, config, "run-a", false);
    assertThat(first.rows()).hasSize(test.size());
    for (Row r : first.rows()) {
      assertThat(r.<String>getAs("status")).as(r.<String>getAs("sample_id") + " " + r.getAs("message")).isEqualTo("rendered");
      assertThat(r.<Boolean>getAs("cached")).isFalse();
      assertThat(r.<String>getAs("manim_version")).isNotBlank();
      assertThat(r.<Integer>getAs("frame_count")).isPositive();
    }

    RenderSamplesJob.Outcome second = RenderSamplesJob.run(spark, config, "run-b", false);
    assertThat(second.rows()).hasSize(test.size()).allMatch(r -> r.<Boolean>getAs("cached"));

    // read back with parquet-hadoop alone, not Spark
    Path table = Path.of(first.outputPath());
    Map<String, List<Group>> byRun = Map.of("run-a", readAll(table.resolve("run_id=run-a")),
        "run-b", readAll(table.resolve("run_id=run-b")));
    Set<String> expectedIds = new HashSet<>(test.stream().map(ManimBenchSample::sampleId).toList());
    for (var e : byRun.entrySet()) {
      assertThat(e.getValue()).as(e.getKey()).hasSize(test.size());
      Set<String> ids = new HashSet<>();
      for (Group g : e.getValue()) {
        ids.add(g.getString("sample_id", 0));
        assertThat(g.getString("status", 0)).isEqualTo("rendered");
        assertThat(g.getDouble("sample_fps", 0)).isEqualTo(5.0);
      }
      assertThat(ids).isEqualTo(expectedIds);
    }

    // the analysts' notebook queries run against this output
    String sql = Files.readString(Path.of("..", "notebooks", "reference_renders.sql"))
        .replace("'outputs/reference_renders'", "'" + first.outputPath() + "'");
    List<String> statements = new ArrayList<>();
    for (String stmt : sql.replaceAll("(?m)^--.*$", "").split(";")) {
      if (!stmt.isBlank()) {
        statements.add(stmt.strip());
      }
    }
    assertThat(statements).hasSize(5);
    spark.sql(statements.get(0));
    List<Row> byType = spark.sql(statements.get(1)).collectAsList();
    assertThat(byType).isNotEmpty().allMatch(r -> r.<Double>getAs("render_success") != null);
    assertThat(spark.sql(statements.get(2)).collectAsList()).isEmpty(); // every sample rendered
    assertThat(spark.sql(statements.get(3)).collectAsList()).isNotEmpty();
    assertThat(spark.sql(statements.get(4)).collectAsList()).hasSize(2);

    // a rerun of a run replaces its rows: nothing lost, nothing doubled
    RenderSamplesJob.Outcome again = RenderSamplesJob.run(spark, config, "run-a", false);
    assertThat(again.rows()).hasSize(test.size());
    assertThat(readAll(table.resolve("run_id=run-a"))).hasSize(test.size());
    assertThat(readAll(table.resolve("run_id=run-b"))).hasSize(test.size());
  }

  private static List<Group> readAll(Path partition) throws IOException {
    List<Group> rows = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(partition)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
    }
    for (Path f : files) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
          new org.apache.hadoop.fs.Path(f.toUri())).withConf(new Configuration()).build()) {
        Group g;
        while ((g = reader.read()) != null) {
          rows.add(g);
        }
      }
    }
    return rows;
  }
}

package dev.manimgrpo.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.spark.ManimBenchLoader;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.core.dataset.ManimBenchSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped Parquet file, the loader's options and its errors, on local paths. */
class ManimBenchParquetTest extends LocalSparkTest {

  static final Path SHIPPED = Path.of("..", "data", "manimbench-sample.parquet");

  @TempDir Path dir;

  @Test
  void theShippedParquetIsTheBundledSetInManimBenchSchema() {
    List<ManimBenchSample> read = ManimBenchLoader.read(spark, SHIPPED.toString(), ManimBenchSchema.REVIEWED_DESCRIPTION);
    assertThat(read).as("data/manimbench-sample.parquet is stale: run `bin/manim-grpo dataset export`")
        .containsExactlyInAnyOrderElementsOf(BundledSampleSet.load());
    assertThat(spark.read().parquet(SHIPPED.toString()).columns()).containsExactlyElementsOf(ManimBenchSchema.COLUMNS);
  }

  @Test
  void configChoosesPathSplitAndPromptColumn() {
    PipelineConfig c = ConfigLoader.load(null, Map.of("dataset.path", SHIPPED.toString(), "dataset.split", "test",
        "dataset.prompt-column", "Generated Description"));
    List<ManimBenchSample> test = ManimBenchLoader.load(spark, c.dataset());
    assertThat(test).isNotEmpty().allMatch(s -> s.split() == ManimBenchSample.Split.test);
    assertThat(test.get(0).prompt(c.dataset().promptColumn())).isEqualTo(test.get(0).generatedDescription());
  }

  @Test
  void aFileWithoutManimBenchColumnsIsRefusedWithTheirNames() {
    String path = dir.resolve("other").toString();
    spark.range(3).toDF("id").write().parquet(path);
    assertThatThrownBy(() -> ManimBenchLoader.read(spark, path, ManimBenchSchema.REVIEWED_DESCRIPTION))
        .hasMessageContaining("missing column(s)").hasMessageContaining("Reviewed Description").hasMessageContaining("[id]");
  }

  @Test
  void aMissingPathSaysWhatWasExpected() {
    assertThatThrownBy(() -> ManimBenchLoader.read(spark, dir.resolve("nope").toString(), ManimBenchSchema.REVIEWED_DESCRIPTION))
        .hasMessageContaining("cannot read ManimBench Parquet at");
  }
}

package dev.manimgrpo.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.config.DatasetConfig;
import dev.manimgrpo.core.dataset.ManimBenchSample.Split;
import dev.manimgrpo.core.dataset.ManimBenchValidator.ManimBenchFormatException;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftDatasetTest {

  static final String REVIEWED = "Reviewed Description";
  static final String GENERATED = "Generated Description";

  @TempDir Path dir;

  /** {@code data/manimbench-sample.parquet} at the repository root, found from wherever the tests run. */
  static Path shippedParquet() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("data").resolve("manimbench-sample.parquet");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("data/manimbench-sample.parquet not found above " + Path.of("").toAbsolutePath());
  }

  @Test
  void theBundledSetSplitsIntoThirtyThreeTrainAndElevenTest() {
    SftDataset train = SftDataset.bundled(REVIEWED, "train");
    SftDataset test = SftDataset.bundled(REVIEWED, "test");
    assertThat(train.size()).isEqualTo(33);
    assertThat(test.size()).isEqualTo(11);
    assertThat(SftDataset.bundled(REVIEWED, "all").size()).isEqualTo(44);
    assertThat(train.examples()).allMatch(e -> e.split() == Split.train)
        .allMatch(e -> e.id().startsWith("mb-") && e.code().contains("from manim import *") && !e.prompt().isBlank());
    assertThat(test.examples()).allMatch(e -> e.split() == Split.test);
    assertThat(train.source()).isEqualTo(SftDataset.BUNDLED);
    assertThat(train.split()).isEqualTo("train");
    var ids = new HashSet<String>();
    train.examples().forEach(e -> ids.add(e.id()));
    test.examples().forEach(e -> assertThat(ids).doesNotContain(e.id()));
  }

  @Test
  void thePromptColumnChoosesTheDescription() {
    SftExample reviewed = SftDataset.bundled(REVIEWED, "test").examples().get(0);
    SftExample generated = SftDataset.bundled(GENERATED, "test").examples().get(0);
    assertThat(reviewed.id()).isEqualTo(generated.id());
    assertThat(reviewed.prompt()).isNotEqualTo(generated.prompt());
  }

  @Test
  void theShippedParquetGivesTheBundledPairs() throws Exception {
    Path parquet = shippedParquet();
    for (String split : List.of("train", "test", "all")) {
      SftDataset fromFile = SftDataset.fromParquet(parquet.toUri(), new Configuration(), REVIEWED, split);
      assertThat(fromFile.examples()).as(split)
          .containsExactlyInAnyOrderElementsOf(SftDataset.bundled(REVIEWED, split).examples());
      assertThat(fromFile.source()).isEqualTo(parquet.toUri().toString());
    }
    SftDataset viaConfig = SftDataset.load(new DatasetConfig(parquet.toString(), GENERATED, "test"), new Configuration());
    assertThat(viaConfig.size()).isEqualTo(11);
    assertThat(viaConfig.examples()).containsExactlyInAnyOrderElementsOf(SftDataset.bundled(GENERATED, "test").examples());
  }

  @Test
  void aSparkFolderWithPartitionsIsReadAsOneDataset() throws Exception {
    Path folder = dir.resolve("mb");
    SparkSession spark = LocalSpark.start();
    try {
      spark.read().parquet(shippedParquet().toString()).write().partitionBy("Split").parquet(folder.toString());
    } finally {
      spark.stop();
    }
    assertThat(folder.resolve("Split=train")).isDirectory();
    SftDataset train = SftDataset.fromParquet(folder.toUri(), new Configuration(), REVIEWED, "train");
    assertThat(train.examples()).containsExactlyInAnyOrderElementsOf(SftDataset.bundled(REVIEWED, "train").examples());
  }

  @Test
  void wrongColumnsAndPathsAreRefusedWithManimBenchsMessages() throws Exception {
    Path other = dir.resolve("other");
    SparkSession spark = LocalSpark.start();
    try {
      spark.range(3).toDF("id").write().parquet(other.toString());
    } finally {
      spark.stop();
    }
    assertThatThrownBy(() -> SftDataset.fromParquet(other.toUri(), new Configuration(), REVIEWED, "all"))
        .isInstanceOf(ManimBenchFormatException.class)
        .hasMessageContaining("missing column(s)").hasMessageContaining("Reviewed Description").hasMessageContaining("[id]");
    assertThatThrownBy(() -> SftDataset.fromParquet(dir.resolve("nope").toUri(), new Configuration(), REVIEWED, "all"))
        .isInstanceOf(FileNotFoundException.class).hasMessageContaining("no Parquet file or folder at");
    assertThatThrownBy(() -> SftDataset.bundled(REVIEWED, "validation"))
        .hasMessageContaining("dataset.split must be train, test or all");
  }
}

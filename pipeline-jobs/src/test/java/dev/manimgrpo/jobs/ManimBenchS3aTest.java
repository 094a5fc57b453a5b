package dev.manimgrpo.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.spark.ManimBenchLoader;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.core.dataset.ManimBenchSchema;
import dev.manimgrpo.core.dataset.ManimBenchValidator.ManimBenchFormatException;
import dev.manimgrpo.core.s3.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ManimBench data read through s3a:// from a real S3-compatible server. */
@Tag("s3")
class ManimBenchS3aTest {

  @TempDir Path dir;

  @Test
  void loadsAndValidatesManimBenchFromS3a() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start(dir, "manimbench")) {
      SparkSession spark = TestSpark.start(s3.sparkConf());
      try {
        List<ManimBenchSample> bundled = BundledSampleSet.load();
        ManimBenchLoader.toDataFrame(spark, bundled).write().parquet("s3a://manimbench/v1/good");
        // the objects really are in the server's store
        try (var files = Files.walk(s3.bucketDir("manimbench"))) {
          assertThat(files.anyMatch(p -> p.toString().endsWith(".parquet"))).isTrue();
        }
        List<ManimBenchSample> read = ManimBenchLoader.read(spark, "s3a://manimbench/v1/good", ManimBenchSchema.REVIEWED_DESCRIPTION);
        assertThat(read).containsExactlyInAnyOrderElementsOf(bundled);

        Dataset<Row> bad = ManimBenchLoader.toDataFrame(spark, bundled.subList(0, 3)).coalesce(1)
            .withColumn(ManimBenchSchema.TYPE, functions.when(functions.col(ManimBenchSchema.CODE).equalTo(bundled.get(1).code()),
                functions.lit("Expert")).otherwise(functions.col(ManimBenchSchema.TYPE)));
        bad.write().parquet("s3a://manimbench/v1/bad");
        assertThatThrownBy(() -> ManimBenchLoader.read(spark, "s3a://manimbench/v1/bad", ManimBenchSchema.REVIEWED_DESCRIPTION))
            .isInstanceOf(ManimBenchFormatException.class)
            .hasMessageContaining("s3a://manimbench/v1/bad has 1 bad row(s) of 3")
            .hasMessageContaining("row 1, column 'Type' is 'Expert'");
      } finally {
        spark.stop();
      }
    }
  }
}

package dev.manimgrpo.jobs.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.s3.S3ProxyServer;
import dev.manimgrpo.core.spark.ManimBenchLoader;
import dev.manimgrpo.jobs.TestSpark;
import dev.manimgrpo.jobs.spark.ExecutorPolicy;
import dev.manimgrpo.jobs.spark.ExecutorRenderPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout job reading ManimBench from s3a:// and writing its shards to s3a:// on a real
 * S3-compatible server, through the S3A magic committer; a rerun resumes from what is there.
 */
@Tag("s3")
@Tag("manim")
class RolloutS3aTest {

  @TempDir Path dir;

  @Test
  void readsAndWritesThroughS3aWithTheMagicCommitter() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start(dir, "bench")) {
      SparkSession spark = TestSpark.start(s3.sparkConf());
      try {
        ManimBenchLoader.toDataFrame(spark, BundledSampleSet.load()).write().parquet("s3a://bench/manimbench");
        PipelineConfig config = RolloutTestConfigs.config(dir, "s3", 2, 2, Map.of("dataset.path",
            "s3a://bench/manimbench", "rollout.dir", "s3a://bench/rollouts"));
        RolloutJob.Outcome o = RolloutJob.run(spark, config, false);
        assertThat(o.partition()).isEqualTo("s3a://bench/rollouts/run_id=s3/step=0");
        assertThat(spark.read().parquet("s3a://bench/rollouts").count()).isEqualTo(4);
        // Spark's reader skips '_' files: read the object from the server's store.
        String success = Files.readString(s3.bucketDir("bench").resolve("rollouts/run_id=s3/step=0/_SUCCESS"));
        assertThat(success).as("the S3A committer's JSON manifest, not the file committer's empty marker")
            .contains("\"committer\"").contains("magic");
        try (Stream<Path> files = Files.walk(s3.bucketDir("bench"))) {
          assertThat(files.anyMatch(p -> p.toString().contains("step=0") && p.toString().endsWith(".parquet"))).isTrue();
        }
        assertThat(Files.readString(s3.bucketDir("bench").resolve("rollouts/run_id=s3/step=0/" + RolloutJob.SUMMARY_FILE)))
            .contains("\"rollouts\" : 4");

        RolloutJob.Outcome again = RolloutJob.run(spark, config, false);
        assertThat(again.summary().resumedGroups()).isEqualTo(2);
        assertThat(spark.read().parquet("s3a://bench/rollouts").count()).isEqualTo(4);
      } finally {
        ExecutorRenderPool.shutdown();
        ExecutorPolicy.clear();
        spark.stop();
      }
    }
  }
}

package dev.manimgrpo.jobs.spark;

import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Output to {@code s3a://} through an S3A committer, not the rename-based file committer: S3 has no
 * rename (a "rename" copies every byte and is not atomic), so Spark's default commit is slow there
 * and a crash can leave half-renamed output. The magic committer writes each task's files as
 * pending multipart uploads and completes them all at job commit. Applied only where the settings
 * are not given already (spark-defaults.conf or --conf win).
 */
public final class ObjectStoreCommitters {

  private static final Logger LOG = LoggerFactory.getLogger(ObjectStoreCommitters.class);
  static final String PROTOCOL = "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol";
  static final String PARQUET = "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter";

  private ObjectStoreCommitters() {}

  /** Uses the magic committer for writes when {@code output} is an s3a:// location. */
  public static void forOutput(SparkSession spark, String output) {
    if (!output.startsWith("s3a://")) {
      return;
    }
    try {
      Class.forName(PROTOCOL);
    } catch (ClassNotFoundException e) {
      LOG.warn("writing to {} with Spark's rename-based committer: {} is not on the class path (add"
          + " spark-hadoop-cloud_2.13 to the application's jars for the S3A committers)", output, PROTOCOL);
      return;
    }
    var conf = spark.conf();
    if (!conf.contains("spark.sql.sources.commitProtocolClass")
        || conf.get("spark.sql.sources.commitProtocolClass").contains("SQLHadoopMapReduceCommitProtocol")) {
      conf.set("spark.sql.sources.commitProtocolClass", PROTOCOL);
      conf.set("spark.sql.parquet.output.committer.class", PARQUET);
    }
    var hadoop = spark.sparkContext().hadoopConfiguration();
    if (hadoop.get("fs.s3a.committer.name") == null || "file".equals(hadoop.get("fs.s3a.committer.name"))) {
      hadoop.set("fs.s3a.committer.name", "magic");
      hadoop.set("fs.s3a.committer.magic.enabled", "true");
      hadoop.set("mapreduce.outputcommitter.factory.scheme.s3a",
          "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory");
    }
    LOG.info("writing to {} with the S3A '{}' committer", output, hadoop.get("fs.s3a.committer.name"));
  }
}

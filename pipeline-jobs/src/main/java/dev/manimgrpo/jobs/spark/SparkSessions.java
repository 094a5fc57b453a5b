package dev.manimgrpo.jobs.spark;

import dev.manimgrpo.core.config.PipelineConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession of a job: spark-submit's settings win over the configuration's. */
public final class SparkSessions {

  private SparkSessions() {}

  /**
   * Starts the job's session, runs {@code job} on it and stops it. On local Spark the executor is
   * this JVM: its warm render pools and policy client are released too, so the next job in the same
   * process starts them afresh.
   */
  public static <T> T run(PipelineConfig config, String jobName, java.util.function.Function<SparkSession, T> job) {
    SparkSession spark = start(config, jobName);
    try {
      return job.apply(spark);
    } finally {
      if (spark.conf().get("spark.master", "").startsWith("local")) {
        ExecutorRenderPool.shutdown();
        ExecutorPolicy.clear();
      }
      spark.stop();
    }
  }

  public static SparkSession start(PipelineConfig config, String jobName) {
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) {
      conf.setMaster(config.spark().master());
      // Started with java directly on one machine: keep the UI and event noise out of the way.
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.sql.shuffle.partitions", "8");
    }
    conf.setIfMissing("spark.app.name", config.spark().appName() + "-" + jobName);
    config.spark().conf().forEach(conf::setIfMissing);
    return SparkSession.builder().config(conf).getOrCreate();
  }
}

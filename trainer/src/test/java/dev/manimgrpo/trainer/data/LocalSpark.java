package dev.manimgrpo.trainer.data;

import org.apache.spark.sql.SparkSession;

/** A one-thread local SparkSession: tests write shards the way the rollout job will. */
public final class LocalSpark {

  private LocalSpark() {}

  public static SparkSession start() {
    return SparkSession.builder().master("local[1]").appName("trainer-data-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }
}

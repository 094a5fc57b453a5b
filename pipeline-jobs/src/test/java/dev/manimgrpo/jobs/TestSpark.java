package dev.manimgrpo.jobs;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** A local SparkSession for tests. */
public final class TestSpark {

  private TestSpark() {}

  public static SparkSession start(Map<String, String> extra) {
    SparkSession.Builder b = SparkSession.builder().master("local[2]").appName("manim-grpo-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1");
    extra.forEach(b::config);
    return b.getOrCreate();
  }
}

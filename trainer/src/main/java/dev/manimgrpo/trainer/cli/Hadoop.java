package dev.manimgrpo.trainer.cli;

import dev.manimgrpo.core.config.PipelineConfig;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The Hadoop configuration the trainer reads and writes with (checkpoints, shards, metrics):
 * {@code spark.conf}'s {@code spark.hadoop.*} keys, so that one configuration file serves the
 * Spark jobs and the trainer (e.g. the s3a endpoint). Credentials come from the environment, as
 * for Spark, never from the file.
 */
final class Hadoop {

  private Hadoop() {}

  static Configuration of(PipelineConfig config) {
    Configuration c = new Configuration();
    for (Map.Entry<String, String> e : config.spark().conf().entrySet()) {
      if (e.getKey().startsWith("spark.hadoop.")) {
        c.set(e.getKey().substring("spark.hadoop.".length()), e.getValue());
      }
    }
    return c;
  }
}

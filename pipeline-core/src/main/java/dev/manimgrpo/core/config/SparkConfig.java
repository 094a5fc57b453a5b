package dev.manimgrpo.core.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * Spark settings used when a job is started without spark-submit; see {@code spark.*} in
 * reference.yaml.
 *
 * @param conf extra Spark settings applied unless already set (spark-submit wins)
 */
public record SparkConfig(String master, String appName, Map<String, String> conf) implements java.io.Serializable {

  public SparkConfig {
    conf = conf == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(conf));
  }
}

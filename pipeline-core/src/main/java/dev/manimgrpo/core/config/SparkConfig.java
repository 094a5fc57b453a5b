package dev.manimgrpo.core.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * Spark settings used when a job is started without spark-submit; see {@code spark.*} in
 * reference.yaml.
 *
 * @param sqlCodegen whether Spark SQL generates and compiles Java code for its queries; off, the jobs'
 *     sessions run them interpreted (unless {@code conf} or spark-submit say otherwise)
 * @param conf extra Spark settings applied unless already set (spark-submit wins)
 */
public record SparkConfig(String master, String appName, boolean sqlCodegen, Map<String, String> conf)
    implements java.io.Serializable {

  public SparkConfig {
    conf = conf == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(conf));
  }

  /**
   * The Spark SQL settings {@code sql-codegen: false} stands for: no whole-stage code generation and
   * interpreted projections, predicates and orderings instead of generated ones.
   */
  public Map<String, String> codegenSettings() {
    return sqlCodegen ? Map.of() : Map.of("spark.sql.codegen.wholeStage", "false",
        "spark.sql.codegen.factoryMode", "NO_CODEGEN");
  }
}

package dev.manimgrpo.jobs.spark;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.preflight.PreflightException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession of a job: spark-submit's settings win over the configuration's. With
 * {@code preflight.enabled}, every executor checks itself at start ({@link PreflightPlugin}) and
 * the session is handed out only once the registered executors passed (jobs that render or sample:
 * not the data set tools).
 */
public final class SparkSessions {

  /**
   * Jobs whose tasks only read and write Parquet (no render, no policy): they need nothing the
   * preflight checks, and must run where no Manim runtime is (a laptop validating a data set).
   */
  static final Set<String> JOBS_WITHOUT_EXECUTOR_WORK = Set.of("dataset-validate", "dataset-export");

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
    } catch (RuntimeException e) {
      // A task on a node that failed its preflight: the one line it threw, not Spark's task report.
      String preflight = preflightFailureIn(e);
      throw preflight == null ? e : new PreflightException(preflight);
    } finally {
      if (spark.conf().get("spark.master", "").startsWith("local")) {
        ExecutorRenderPool.shutdown();
        ExecutorPolicy.clear();
        ExecutorScoring.clear();
        ExecutorPreflight.clear();
      }
      spark.stop();
    }
  }

  public static SparkSession start(PipelineConfig config, String jobName) {
    SparkConf conf = sessionConf(config, jobName);
    boolean preflight = config.preflight().enabled() && !JOBS_WITHOUT_EXECUTOR_WORK.contains(jobName);
    // A local executor of an earlier session in this JVM checked another configuration.
    ExecutorPreflight.clear();
    if (preflight) {
      PreflightPlugin.prepare(config);
      conf.set("spark.plugins", withPlugin(conf.get("spark.plugins", ""), PreflightPlugin.class.getName()));
    }
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    if (preflight && PreflightPlugin.activeIn(spark.sparkContext())) {
      try {
        PreflightGate.check(spark.sparkContext(), config.preflight());
      } catch (PreflightException e) {
        spark.stop();
        throw e;
      }
    }
    return spark;
  }

  /**
   * The job's Spark settings: spark-submit's (or system properties), then {@code spark.conf}, then
   * the project's defaults, each applied only where the ones before left a key unset.
   */
  static SparkConf sessionConf(PipelineConfig config, String jobName) {
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) {
      conf.setMaster(config.spark().master());
      // Started with java directly on one machine: keep the UI and event noise out of the way.
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.sql.shuffle.partitions", "8");
    }
    conf.setIfMissing("spark.app.name", config.spark().appName() + "-" + jobName);
    config.spark().conf().forEach(conf::setIfMissing);
    // After spark.conf, so that a spark.sql.codegen.* key set there wins over spark.sql-codegen.
    config.spark().codegenSettings().forEach(conf::setIfMissing);
    String master = conf.get("spark.master");
    if (master.equals("local") || master.startsWith("local[")) {
      // This JVM is the executor, so the class is on its classpath: file:// writes set permissions
      // without a chmod process per file (NioLocalFileSystem). Clusters (local-cluster's executor
      // JVMs included), and a spark.hadoop.fs.file.impl set before, keep theirs.
      conf.setIfMissing("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName());
    }
    return conf;
  }

  /** {@code plugins} (Spark's comma-separated list) with {@code plugin} appended once. */
  static String withPlugin(String plugins, String plugin) {
    Set<String> all = new LinkedHashSet<>();
    Arrays.stream(plugins.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(all::add);
    all.add(plugin);
    return String.join(",", all);
  }

  /** The message of a {@link PreflightException} that some task threw, found in what the job threw; else null. */
  static String preflightFailureIn(Throwable t) {
    String marker = PreflightException.class.getName() + ": ";
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof PreflightException) {
        return c.getMessage();
      }
      String m = c.getMessage();
      int at = m == null ? -1 : m.indexOf(marker);
      if (at >= 0) {
        String rest = m.substring(at + marker.length());
        int end = rest.indexOf('\n');
        return end < 0 ? rest.strip() : rest.substring(0, end).strip();
      }
    }
    return null;
  }
}

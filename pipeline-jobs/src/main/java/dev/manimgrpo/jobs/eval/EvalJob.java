package dev.manimgrpo.jobs.eval;

import dev.manimgrpo.core.agent.Strategy;
import dev.manimgrpo.core.config.EvalConfig;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.core.dataset.Rejection;
import dev.manimgrpo.core.eval.BootstrapInterval;
import dev.manimgrpo.core.eval.EvalAggregate;
import dev.manimgrpo.core.eval.EvalAggregates;
import dev.manimgrpo.core.eval.EvalSample;
import dev.manimgrpo.core.eval.StudyResults;
import dev.manimgrpo.jobs.eval.report.EvalReport;
import dev.manimgrpo.jobs.eval.report.ReportInput;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.manimgrpo.core.rollout.RolloutIds;
import dev.manimgrpo.core.spark.EvalSparkSchema;
import dev.manimgrpo.core.spark.ManimBenchLoader;
import dev.manimgrpo.jobs.QuarantineTable;
import dev.manimgrpo.jobs.report.ProgressListener;
import dev.manimgrpo.jobs.rollout.RolloutPrompt;
import dev.manimgrpo.jobs.spark.SparkSessions;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluation job: every configured policy x strategy over the data set selection, with the
 * renderer in the loop, on Spark. One task per sample; each policy's samples are one Spark job in
 * waves, so an executor holds one policy at a time. Samples are appended to
 * {@code <eval.dir>/samples/eval_id=E} as they finish; a rerun of the id evaluates only what is
 * missing. Then the per-sample table is read back whole, and the aggregate table (bootstrap
 * intervals), the study's reference table and the report are written from it.
 */
public final class EvalJob {

  private static final Logger LOG = LoggerFactory.getLogger(EvalJob.class);

  private EvalJob() {}

  /** Where the tables went, and the samples they were computed from. */
  /**
   * @param evalId the evaluation run
   * @param dir the tables' folder ({@code samples/}, {@code aggregates/}, {@code study_results/}, {@code report/})
   * @param samples every sample of the run, earlier runs' included
   * @param aggregates one row per (policy, stage, strategy)
   * @param evaluatedThisRun samples evaluated by this run (0 for a rerun of a finished one)
   * @param report the report's HTML file, or null when eval.report is off
   * @param wallSeconds this run's time
   * @param quarantined the input rows not evaluated (bad rows, references that did not render), once each
   * @param quarantine the quarantine partition, or null when nothing was quarantined
   */
  public record Outcome(String evalId, String dir, List<EvalSample> samples, List<EvalAggregate> aggregates,
      int evaluatedThisRun, String report, double wallSeconds, List<Rejection> quarantined, String quarantine) {

    /** The console tables, then the quarantined input rows and where they are. */
    public String render(double confidence) {
      return EvalSummary.render(evalId, aggregates, confidence) + EvalSummary.quarantine(quarantined, quarantine);
    }
  }

  /** Starts Spark, runs the evaluation, stops Spark. */
  public static Outcome run(PipelineConfig config, boolean showProgress) {
    return SparkSessions.run(config, "eval", spark -> run(spark, config, showProgress));
  }

  public static Outcome run(SparkSession spark, PipelineConfig userConfig, boolean showProgress) {
    long t0 = System.nanoTime();
    // Both visual definitions are reported: vs_study on, frames at its width.
    PipelineConfig config = userConfig.withStudyScores();
    EvalConfig ec = config.eval();
    String evalId = ec.evalId().isEmpty() ? RolloutIds.newRunId("eval") : ec.evalId();
    config = config.withEval(ec.withEvalId(evalId));
    String dir = ec.resolvedDir(config.output());
    String samplesDir = dir + "/samples";
    String partition = samplesDir + "/eval_id=" + evalId;

    // Bad rows are set aside with their reason (the quarantine), the rest are evaluated.
    ManimBenchLoader.Selection selection = ManimBenchLoader.loadCheckedSome(spark, config.dataset());
    List<ManimBenchSample> data = selection.samples();
    String quarantine = QuarantineTable.partition(samplesDir, "eval_id=" + evalId);
    // Prompts whose reference failed in an earlier run of this evaluation stay quarantined, not retried.
    Set<String> selected = new HashSet<>();
    data.forEach(d -> selected.add(d.sampleId()));
    List<Rejection> carried = QuarantineTable.referenceFailures(spark, quarantine).stream()
        .filter(r -> selected.contains(r.promptId())).toList();
    Set<String> carriedIds = new HashSet<>();
    carried.forEach(r -> carriedIds.add(r.promptId()));
    List<RolloutPrompt> prompts = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      if (!carriedIds.contains(data.get(i).sampleId())) {
        prompts.add(RolloutPrompt.of(data.get(i), config.dataset().promptColumn(), i));
      }
    }
    Set<String> done = finished(spark, samplesDir, evalId);
    List<EvalConfig.Resolved> policies = ec.resolve(config.policy());
    List<Strategy> strategies = ec.strategyList();
    int total = policies.size() * strategies.size() * prompts.size();
    LOG.info("eval {}: {} policies x {} strategies x {} prompts = {} samples ({} already done), tables under {}",
        evalId, policies.size(), strategies.size(), prompts.size(), total, done.size(), dir);

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    LongAccumulator rendered = spark.sparkContext().longAccumulator("eval: samples rendered");
    CollectionAccumulator<QuarantineTable.ReferenceFailure> referenceFailures =
        spark.sparkContext().collectionAccumulator("eval: references that did not render");
    int slots = Math.max(1, spark.sparkContext().defaultParallelism());
    int wave = Math.max(8, 4 * slots);
    int evaluated = 0;
    int todoAll = total - (int) Math.min(total, done.size());
    try (ProgressListener progress = ProgressListener.attach(spark, "eval samples", todoAll, showProgress)) {
      for (EvalConfig.Resolved p : policies) {
        PipelineConfig pc = config.withPolicy(p.policy());
        List<EvalTask> todo = new ArrayList<>();
        for (Strategy s : strategies) {
          for (RolloutPrompt prompt : prompts) {
            EvalTask t = new EvalTask(p.name(), p.stage(), s, prompt);
            if (!done.contains(t.key())) {
              todo.add(t);
            }
          }
        }
        for (int from = 0; from < todo.size(); from += wave) {
          List<EvalTask> w = todo.subList(from, Math.min(todo.size(), from + wave));
          spark.sparkContext().setJobDescription("eval " + evalId + " " + p.name() + ": samples " + (from + 1) + "-"
              + (from + w.size()) + " of " + todo.size());
          JavaRDD<Row> rows = jsc.parallelize(new ArrayList<>(w), w.size())
              .mapPartitions(new EvalPartition(pc, evalId, rendered, referenceFailures));
          spark.createDataFrame(rows, EvalSparkSchema.samples()).write().mode(SaveMode.Append).parquet(partition);
          evaluated += w.size();
        }
      }
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
    List<Rejection> quarantined = new ArrayList<>(selection.rejected());
    quarantined.addAll(carried);
    Map<String, String> referenceCode = new java.util.HashMap<>();
    prompts.forEach(p -> referenceCode.put(p.promptId(), p.referenceCode()));
    for (QuarantineTable.ReferenceFailure f : referenceFailures.value()) {
      // One row per prompt, however many policies and strategies met the failed reference.
      quarantined.add(f.rejection(selection.source(), selection.origins(), referenceCode.get(f.promptId())));
    }
    quarantined = QuarantineTable.distinct(quarantined);
    String quarantineTable = QuarantineTable.replace(spark, quarantine, "eval", quarantined);
    if (!quarantined.isEmpty()) {
      LOG.warn("eval {}: {} input row(s) quarantined in {}; first: {}", evalId, quarantined.size(), quarantine,
          quarantined.get(0).message());
    }
    if (!exists(spark, partition)) {
      throw new IllegalArgumentException("eval " + evalId + ": no sample could be evaluated; all " + quarantined.size()
          + " input row(s) of the selection are quarantined in " + quarantine + " (first: "
          + (quarantined.isEmpty() ? "-" : quarantined.get(0).message()) + ")");
    }
    List<EvalSample> samples = read(spark, samplesDir, evalId).collectAsList().stream()
        .map(EvalSparkSchema::fromRow).toList();
    List<EvalAggregate> aggregates = EvalAggregates.compute(samples, ec.bootstrapSamples(),
        BootstrapInterval.SEED_DEFAULT, ec.confidence());
    writeTables(spark, dir, evalId, aggregates);
    String report = null;
    if (ec.report()) {
      report = writeReport(spark, config, dir, evalId, samples, aggregates);
      LOG.info("eval {}: report {}", evalId, report);
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    return new Outcome(evalId, dir, samples, aggregates, evaluated, report, wall, quarantined, quarantineTable);
  }

  /** The aggregate table (replaced for the run) and the study's figures (replaced whole). */
  private static void writeTables(SparkSession spark, String dir, String evalId, List<EvalAggregate> aggregates) {
    List<Row> rows = aggregates.stream().map(EvalSparkSchema::toRow).toList();
    spark.createDataFrame(rows, EvalSparkSchema.aggregates()).coalesce(1).write().mode(SaveMode.Overwrite)
        .parquet(dir + "/aggregates/eval_id=" + evalId);
    List<Row> study = StudyResults.bundled().stream().map(EvalSparkSchema::toRow).toList();
    spark.createDataFrame(study, EvalSparkSchema.studyResults()).coalesce(1).write().mode(SaveMode.Overwrite)
        .parquet(dir + "/study_results");
  }

  /**
   * The HTML report under {@code <dir>/report/eval_id=E/}: written to a local folder first (the report
   * is plain files) and copied when the tables live in an object store.
   */
  private static String writeReport(SparkSession spark, PipelineConfig config, String dir, String evalId,
      List<EvalSample> samples, List<EvalAggregate> aggregates) {
    EvalConfig ec = config.eval();
    TrainingRunReader.Run run = TrainingRunReader.read(spark, ec.trainingRun());
    Map<String, String> shown = new LinkedHashMap<>();
    shown.put("data set", (config.dataset().path().isEmpty() ? "bundled sample set" : config.dataset().path())
        + " (split " + config.dataset().split() + ")");
    shown.put("strategies", String.join(", ", ec.strategies()));
    shown.put("max rounds (K)", Integer.toString(ec.maxRounds()));
    shown.put("sampling", config.policy().sampling().toString());
    shown.put("intervals", Math.round(ec.confidence() * 100) + "% percentile bootstrap, " + ec.bootstrapSamples()
        + " resamples");
    shown.put("visual scores", "vs_study at " + config.reward().visual().studyWidth() + " px (SSIM part"
        + (config.reward().clipModel().isEmpty() ? "; no CLIP model configured" : " x CLIP part") + "), default at "
        + config.reward().visual().workWidth() + " px");
    shown.put("prompt template", dev.manimgrpo.core.agent.AgentPrompts.VERSION);
    if (!ec.trainingRun().isEmpty()) {
      shown.put("training run", ec.trainingRun());
    }
    ReportInput input = new ReportInput("manim-grpo evaluation " + evalId, evalId, Instant.now(), shown, samples,
        aggregates, StudyResults.bundled(), run.rewards(), run.curves());
    String target = dir + "/report/eval_id=" + evalId;
    try {
      Path remote = new Path(URI.create(dev.manimgrpo.jobs.rollout.RolloutJob.uri(target)));
      FileSystem fs = remote.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs instanceof org.apache.hadoop.fs.LocalFileSystem || "file".equals(remote.toUri().getScheme())) {
        java.nio.file.Path local = java.nio.file.Path.of(remote.toUri());
        return EvalReport.write(local, input, ec.reportWorst()).toString();
      }
      java.nio.file.Path local = java.nio.file.Files.createTempDirectory("eval-report-");
      EvalReport.write(local, input, ec.reportWorst());
      fs.delete(remote, true);
      fs.copyFromLocalFile(true, true, new Path(local.toUri()), remote);
      return target + "/" + EvalReport.REPORT_FILE;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write the report to " + target + ": " + e.getMessage(), e);
    }
  }

  /** The samples of one evaluation, with their {@code eval_id} column. */
  public static Dataset<Row> read(SparkSession spark, String samplesDir, String evalId) {
    return spark.read().option("basePath", samplesDir).parquet(samplesDir + "/eval_id=" + evalId);
  }

  /** Keys of the samples an earlier run of this evaluation finished. */
  private static Set<String> finished(SparkSession spark, String samplesDir, String evalId) {
    Set<String> keys = new HashSet<>();
    if (!exists(spark, samplesDir + "/eval_id=" + evalId)) {
      return keys;
    }
    for (Row r : read(spark, samplesDir, evalId).select("policy", "strategy", "prompt_id").collectAsList()) {
      keys.add(EvalTask.key(r.getString(0), r.getString(1), r.getString(2)));
    }
    return keys;
  }

  static boolean exists(SparkSession spark, String location) {
    return exists(spark, location, false);
  }

  /** Whether a folder holds Parquet files (directly, or anywhere below it when {@code deep}). */
  static boolean exists(SparkSession spark, String location, boolean deep) {
    try {
      Path p = new Path(URI.create(dev.manimgrpo.jobs.rollout.RolloutJob.uri(location)));
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        return false;
      }
      org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files = fs.listFiles(p, deep);
      while (files.hasNext()) {
        if (files.next().getPath().getName().endsWith(".parquet")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot look at " + location + ": " + e.getMessage(), e);
    }
  }
}

package dev.manimgrpo.jobs;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.spark.ManimBenchLoader;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.core.dataset.Rejection;
import dev.manimgrpo.core.render.ReferenceRenderCache;
import dev.manimgrpo.core.render.RenderProfile;
import dev.manimgrpo.jobs.report.ProgressListener;
import dev.manimgrpo.jobs.spark.ExecutorRenderPool;
import dev.manimgrpo.jobs.spark.SparkSessions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders the reference scenes of a ManimBench-format data set across the executors, once
 * per content address (later runs reuse the cache), and writes one row per sample to the
 * {@code reference_renders} Parquet table, partitioned by run. Until the rollout job exists
 * this is the project's main job.
 */
public final class RenderSamplesJob {

  private static final Logger LOG = LoggerFactory.getLogger(RenderSamplesJob.class);
  public static final String TABLE = "reference_renders";

  private RenderSamplesJob() {}

  /**
   * What a run produced.
   *
   * @param rows one per sample run, whatever its render's status
   * @param quarantined input rows not rendered (bad rows), once each
   * @param quarantine their table's partition, or null when there are none
   */
  public record Outcome(String runId, String outputPath, List<Row> rows, List<Rejection> quarantined,
      String quarantine) {}

  public static Outcome run(PipelineConfig config, String runId, boolean showProgress) {
    return SparkSessions.run(config, "render-samples", spark -> run(spark, config, runId, showProgress));
  }

  public static Outcome run(SparkSession spark, PipelineConfig config, String runId, boolean showProgress) {
    // Bad rows go to the quarantine with their reason; a reference that does not render is a row with its status.
    ManimBenchLoader.Selection selection = ManimBenchLoader.loadChecked(spark, config.dataset());
    List<ManimBenchSample> samples = selection.samples();
    String out = config.output().dir() + "/" + TABLE;
    String quarantine = QuarantineTable.replace(spark, QuarantineTable.partition(out, "run_id=" + runId),
        "render-samples", selection.rejected());
    if (quarantine != null) {
      LOG.warn("{} input row(s) quarantined in {}; first: {}", selection.rejected().size(), quarantine,
          selection.rejected().get(0).message());
    }
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples to render (dataset.split=" + config.dataset().split() + ")"
          + (quarantine == null ? "" : "; " + selection.rejected().size() + " row(s) quarantined in " + quarantine));
    }
    LOG.info("rendering {} reference scenes ({})", samples.size(),
        config.dataset().bundled() ? "bundled sample set" : config.dataset().path());
    List<Row> input = new ArrayList<>();
    for (ManimBenchSample s : samples) {
      input.add(RowFactory.create(s.sampleId(), s.type().name(), s.split().name(), s.code()));
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // One sample per partition: even load across executors and a progress step per scene.
    JavaRDD<Row> rendered = jsc.parallelize(input, input.size()).mapPartitions(new RenderPartition(config, runId));
    Dataset<Row> table = spark.createDataFrame(rendered, ReferenceRenderRows.SCHEMA);
    try (ProgressListener progress = ProgressListener.attach(spark, "render", input.size(), showProgress)) {
      table.write().mode(SaveMode.Overwrite).option("partitionOverwriteMode", "dynamic")
          .partitionBy("run_id").parquet(out);
    }
    List<Row> rows = spark.read().parquet(out).where(org.apache.spark.sql.functions.col("run_id").equalTo(runId))
        .orderBy("type", "sample_id").collectAsList();
    if (rows.size() != samples.size()) {
      throw new IllegalStateException("wrote " + rows.size() + " rows for " + samples.size() + " samples in " + out);
    }
    return new Outcome(runId, out, rows, QuarantineTable.distinct(selection.rejected()), quarantine);
  }

  /** Renders the samples of one partition with the executor's warm pool and reference cache. */
  static final class RenderPartition implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    private final PipelineConfig config;
    private final String runId;

    RenderPartition(PipelineConfig config, String runId) {
      this.config = config;
      this.runId = runId;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> samples) {
      ReferenceRenderCache cache = ExecutorRenderPool.referenceCache(config);
      List<Row> out = new ArrayList<>();
      while (samples.hasNext()) {
        Row s = samples.next();
        ReferenceRenderCache.Lookup l = cache.lookup(s.getString(0), s.getString(3), RenderProfile.FRAMES);
        out.add(ReferenceRenderRows.toRow(runId, s, l.result(), l.key(), l.cached(), config.render().sampleFps()));
      }
      return out.iterator();
    }
  }
}

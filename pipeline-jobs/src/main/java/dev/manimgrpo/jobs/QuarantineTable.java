package dev.manimgrpo.jobs;

import dev.manimgrpo.core.dataset.ManimBenchRowChecker;
import dev.manimgrpo.core.dataset.RejectReason;
import dev.manimgrpo.core.dataset.Rejection;
import dev.manimgrpo.core.render.RenderResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The quarantine table: one row per input row a job did not run, with the reason. It lies inside
 * the job's main table folder under {@code _quarantine/}, partitioned like the main table
 * ({@code <rollout.dir>/_quarantine/run_id=R/step=S/}, {@code <eval.dir>/samples/_quarantine/eval_id=E/},
 * {@code <output.dir>/reference_renders/_quarantine/run_id=R/}); the leading underscore keeps it out
 * of Spark reads of the main table. A run replaces its own partition whole, so a rerun of the same
 * (run, step) never duplicates a row.
 */
public final class QuarantineTable {

  /** The folder inside the job's main table. */
  public static final String FOLDER = "_quarantine";

  /** Columns stored in the files; the partition columns come from the folder names. */
  public static final StructType SCHEMA = new StructType()
      .add("job", DataTypes.StringType, false)
      .add("source", DataTypes.StringType, false)
      .add("row_number", DataTypes.LongType, true)
      .add("prompt_id", DataTypes.StringType, true)
      .add("field", DataTypes.StringType, false)
      .add("reason", DataTypes.StringType, false)
      .add("message", DataTypes.StringType, false)
      .add("excerpt", DataTypes.StringType, true)
      .add("quarantined_at", DataTypes.TimestampType, false);

  private QuarantineTable() {}

  /** A reference render that failed inside a task, as it travels back to the driver. */
  public record ReferenceFailure(String promptId, String status, String exceptionType, Integer errorLine,
      String message, List<String> stderrTail) implements java.io.Serializable {

    public static ReferenceFailure of(String promptId, RenderResult r) {
      return new ReferenceFailure(promptId, r.status().wireName(), r.exceptionType(), r.errorLine(), r.message(),
          List.copyOf(r.stderrTail()));
    }

    /** The quarantine row, naming the sample's file and row when known. */
    public Rejection rejection(String dataSet, Map<String, ManimBenchRowChecker.Origin> origins, String code) {
      ManimBenchRowChecker.Origin o = origins.get(promptId);
      return Rejection.referenceFailed(o == null ? dataSet : o.source(), o == null ? -1 : o.rowNumber(), promptId,
          code, status, exceptionType, errorLine, message, stderrTail);
    }
  }

  /** The partition folder of a job's quarantine: {@code <table>/_quarantine/<partition folders>}. */
  public static String partition(String table, String partitionFolders) {
    return table + "/" + FOLDER + "/" + partitionFolders;
  }

  /** The rejections once each: the first per (source, row, prompt id) is kept. */
  public static List<Rejection> distinct(List<Rejection> rows) {
    Map<String, Rejection> m = new LinkedHashMap<>();
    for (Rejection r : rows) {
      m.putIfAbsent(r.source() + "\u0000" + r.rowNumber() + "\u0000" + r.promptId(), r);
    }
    return new ArrayList<>(m.values());
  }

  /**
   * Replaces the partition's rows with {@code rows}; with none, removes the partition.
   *
   * @return the partition's location, or null when nothing was quarantined
   */
  public static String replace(SparkSession spark, String partition, String job, List<Rejection> rows) {
    List<Rejection> once = distinct(rows);
    if (once.isEmpty()) {
      delete(spark, partition);
      return null;
    }
    Timestamp now = new Timestamp(System.currentTimeMillis());
    List<Row> out = once.stream().map(r -> RowFactory.create(job, r.source(), r.rowNumber() < 0 ? null : r.rowNumber(),
        r.promptId(), r.field(), r.reason().wireName(), r.message(), r.excerpt(), now)).toList();
    spark.createDataFrame(out, SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite).parquet(partition);
    return partition;
  }

  /** The partition's reference failures from an earlier run of the same (run, step), to carry over. */
  public static List<Rejection> referenceFailures(SparkSession spark, String partition) {
    if (!exists(spark, partition)) {
      return List.of();
    }
    List<Rejection> out = new ArrayList<>();
    for (Row r : spark.read().schema(SCHEMA).parquet(partition)
        .where(org.apache.spark.sql.functions.col("reason").equalTo(RejectReason.REFERENCE_FAILED.wireName()))
        .collectAsList()) {
      out.add(new Rejection(r.getAs("source"), r.isNullAt(r.fieldIndex("row_number")) ? -1 : r.<Long>getAs("row_number"),
          r.getAs("prompt_id"), r.getAs("field"), RejectReason.REFERENCE_FAILED, r.getAs("message"), r.getAs("excerpt"),
          null, null));
    }
    return out;
  }

  private static boolean exists(SparkSession spark, String location) {
    try {
      Path p = new Path(URI.create(dev.manimgrpo.jobs.rollout.RolloutJob.uri(location)));
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look at " + location + ": " + e.getMessage(), e);
    }
  }

  private static void delete(SparkSession spark, String location) {
    try {
      Path p = new Path(URI.create(dev.manimgrpo.jobs.rollout.RolloutJob.uri(location)));
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(p)) {
        fs.delete(p, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the old quarantine " + location + ": " + e.getMessage(), e);
    }
  }
}

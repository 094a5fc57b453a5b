package dev.manimgrpo.core.spark;

import dev.manimgrpo.core.dataset.*;
import dev.manimgrpo.core.config.DatasetConfig;
import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * Reads ManimBench-format Parquet (the real ManimBench v1 file, or the bundled sample set)
 * from a local path or {@code s3a://}, validates it and filters the split.
 */
public final class ManimBenchLoader {

  /** Spark schema of a ManimBench file, for writing the sample set. */
  public static final StructType SCHEMA = new StructType()
      .add(ManimBenchSchema.GENERATED_DESCRIPTION, DataTypes.StringType)
      .add(ManimBenchSchema.REVIEWED_DESCRIPTION, DataTypes.StringType)
      .add(ManimBenchSchema.CODE, DataTypes.StringType)
      .add(ManimBenchSchema.TYPE, DataTypes.StringType)
      .add(ManimBenchSchema.SPLIT, DataTypes.StringType);

  private ManimBenchLoader() {}

  /**
   * The samples the configuration names (the bundled set, or a Parquet file read with Spark), with the
   * rejected rows of the file. A job runs the samples and quarantines the rejections; a file without a
   * required column stays an error, as nothing could run.
   *
   * @param samples the selection: split and type filters, then the limit, in sample-id order
   * @param rejected the file's rejected rows whose split and type are selected or unreadable
   * @param origins each accepted sample's file and row, by sample id
   * @param source the data set, as named in messages
   */
  public record Selection(List<ManimBenchSample> samples, List<Rejection> rejected,
      Map<String, ManimBenchRowChecker.Origin> origins, String source) {}

  /** As {@link #select(List, DatasetConfig)} over a checked file, keeping its rejections. */
  public static Selection loadChecked(SparkSession spark, DatasetConfig config) {
    if (config.bundled()) {
      List<ManimBenchSample> all = BundledSampleSet.load();
      return new Selection(select(all, config), List.of(), Map.of(), "bundled sample set");
    }
    ManimBenchRowChecker.Checked checked = check(spark, config.path(), config.promptColumn(), config.maxPromptChars());
    List<Rejection> rejected = checked.rejected().stream()
        .filter(r -> selectsOrUnknown(config, r))
        .toList();
    return new Selection(select(checked.accepted(), config), rejected, checked.origins(), config.path());
  }

  /** As {@link #loadChecked}, refusing a selection with nothing to run, with a message that names the keys to widen. */
  public static Selection loadCheckedSome(SparkSession spark, DatasetConfig config) {
    Selection s = loadChecked(spark, config);
    if (s.samples().isEmpty()) {
      throw new IllegalArgumentException("no prompts: the data set selection is empty (dataset.path="
          + (config.bundled() ? "(bundled)" : config.path()) + ", dataset.split=" + config.split() + ", dataset.type="
          + config.type() + ", dataset.limit=" + config.limit() + ")" + (s.rejected().isEmpty() ? "; widen it"
              : "; " + s.rejected().size() + " row(s) were rejected, first: " + s.rejected().get(0).message()));
    }
    return s;
  }

  /** Whether a rejected row belongs to the selection: its split and type are selected, or cannot be read. */
  private static boolean selectsOrUnknown(DatasetConfig config, Rejection r) {
    String split = r.split() == null ? "" : r.split().strip();
    boolean splitKnown = split.equalsIgnoreCase("train") || split.equalsIgnoreCase("test");
    String type = r.type() == null ? "" : r.type().strip();
    boolean typeKnown = type.equalsIgnoreCase("Basic") || type.equalsIgnoreCase("Intermediate")
        || type.equalsIgnoreCase("Advanced");
    return (!splitKnown || "all".equals(config.split()) || split.equalsIgnoreCase(config.split()))
        && (!typeKnown || config.selectsType(type));
  }

  /** The samples the configuration names: the bundled set, or a Parquet file read with Spark; any bad row is an error. */
  public static List<ManimBenchSample> load(SparkSession spark, DatasetConfig config) {
    List<ManimBenchSample> all = config.bundled() ? BundledSampleSet.load()
        : read(spark, config.path(), config.promptColumn(), config.maxPromptChars());
    return select(all, config);
  }

  /** As {@link #load}, refusing an empty selection with a message that names the keys to widen. */
  public static List<ManimBenchSample> loadSome(SparkSession spark, DatasetConfig config) {
    List<ManimBenchSample> samples = load(spark, config);
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no prompts: the data set selection is empty (dataset.path="
          + (config.bundled() ? "(bundled)" : config.path()) + ", dataset.split=" + config.split() + ", dataset.type="
          + config.type() + ", dataset.limit=" + config.limit() + "); widen it");
    }
    return samples;
  }

  /** The split and type filters, then the limit, in sample-id order (the same list every run). */
  public static List<ManimBenchSample> select(List<ManimBenchSample> all, DatasetConfig config) {
    java.util.stream.Stream<ManimBenchSample> s = all.stream()
        .filter(x -> "all".equals(config.split()) || x.split().name().equals(config.split()))
        .filter(x -> config.selectsType(x.type().name()))
        .sorted(java.util.Comparator.comparing(ManimBenchSample::sampleId));
    if (config.limit() > 0) {
      s = s.limit(config.limit());
    }
    return s.toList();
  }

  /** Reads and validates a ManimBench Parquet file or folder; any bad row is an error (no prompt length limit). */
  public static List<ManimBenchSample> read(SparkSession spark, String path, String promptColumn) {
    return read(spark, path, promptColumn, Integer.MAX_VALUE);
  }

  /** Reads and validates a ManimBench Parquet file or folder; any bad row is an error. */
  public static List<ManimBenchSample> read(SparkSession spark, String path, String promptColumn, int maxPromptChars) {
    List<RawRow> rows = rawRows(spark, path);
    return ManimBenchValidator.requireAll(path, rows.size(), ManimBenchRowChecker.check(rows, promptColumn, maxPromptChars));
  }

  /** Reads a ManimBench Parquet file or folder and sorts its rows into samples and rejections. */
  public static ManimBenchRowChecker.Checked check(SparkSession spark, String path, String promptColumn,
      int maxPromptChars) {
    return ManimBenchRowChecker.check(rawRows(spark, path), promptColumn, maxPromptChars);
  }

  /**
   * Every row of the file(s) with its file and 0-based row number, each ManimBench column as its stored
   * bytes: Spark's strings would turn bytes that are not UTF-8 into U+FFFD without a word. The data set
   * is small; it is collected.
   */
  static List<RawRow> rawRows(SparkSession spark, String path) {
    Dataset<Row> df;
    try {
      df = spark.read().parquet(path);
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot read ManimBench Parquet at " + path + ": " + e.getMessage()
          + " (a local path, or s3a://bucket/key with the s3a settings in cluster-conf/)", e);
    }
    List<String> present = Arrays.asList(df.columns());
    ManimBenchValidator.checkColumns(path, present);
    List<Column> cols = new ArrayList<>();
    cols.add(col("_metadata.file_path"));
    cols.add(col("_metadata.row_index"));
    for (String c : ManimBenchSchema.COLUMNS) {
      DataType t = df.schema().apply(c).dataType();
      Column v = df.col(c);
      // Strings and binaries keep their bytes through the cast; anything else is written as text first.
      cols.add(t instanceof StringType || t instanceof BinaryType ? v.cast(DataTypes.BinaryType)
          : v.cast(DataTypes.StringType).cast(DataTypes.BinaryType));
    }
    List<RawRow> rows = new ArrayList<>();
    for (Row r : df.select(cols.toArray(Column[]::new)).collectAsList()) {
      Map<String, byte[]> m = new HashMap<>();
      for (int i = 0; i < ManimBenchSchema.COLUMNS.size(); i++) {
        m.put(ManimBenchSchema.COLUMNS.get(i), r.isNullAt(i + 2) ? null : (byte[]) r.get(i + 2));
      }
      rows.add(new RawRow(r.getString(0), r.getLong(1), m));
    }
    return rows;
  }

  /** The samples as a DataFrame with ManimBench's columns. */
  public static Dataset<Row> toDataFrame(SparkSession spark, List<ManimBenchSample> samples) {
    List<Row> rows = samples.stream()
        .map(s -> RowFactory.create(s.generatedDescription(), s.reviewedDescription(), s.code(), s.type().name(), s.split().name()))
        .toList();
    return spark.createDataFrame(rows, SCHEMA);
  }
}

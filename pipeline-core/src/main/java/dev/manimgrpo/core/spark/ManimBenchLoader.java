package dev.manimgrpo.core.spark;

import dev.manimgrpo.core.dataset.*;
import dev.manimgrpo.core.config.DatasetConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
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

  /** The samples the configuration names: the bundled set, or a Parquet file read with Spark. */
  public static List<ManimBenchSample> load(SparkSession spark, DatasetConfig config) {
    List<ManimBenchSample> all = config.bundled() ? BundledSampleSet.load() : read(spark, config.path(), config.promptColumn());
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

  /** Reads and validates a ManimBench Parquet file or folder. The data set is small; it is collected. */
  public static List<ManimBenchSample> read(SparkSession spark, String path, String promptColumn) {
    Dataset<Row> df;
    try {
      df = spark.read().parquet(path);
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot read ManimBench Parquet at " + path + ": " + e.getMessage()
          + " (a local path, or s3a://bucket/key with the s3a settings in cluster-conf/)", e);
    }
    List<String> present = Arrays.asList(df.columns());
    ManimBenchValidator.checkColumns(path, present);
    List<Map<String, String>> rows = new ArrayList<>();
    for (Row r : df.select(ManimBenchSchema.COLUMNS.stream().map(df::col).toArray(org.apache.spark.sql.Column[]::new)).collectAsList()) {
      Map<String, String> m = new HashMap<>();
      for (int i = 0; i < ManimBenchSchema.COLUMNS.size(); i++) {
        Object v = r.get(i);
        m.put(ManimBenchSchema.COLUMNS.get(i), v == null ? null : v.toString());
      }
      rows.add(m);
    }
    return ManimBenchValidator.validate(path, rows, promptColumn);
  }

  /** The samples as a DataFrame with ManimBench's columns. */
  public static Dataset<Row> toDataFrame(SparkSession spark, List<ManimBenchSample> samples) {
    List<Row> rows = samples.stream()
        .map(s -> RowFactory.create(s.generatedDescription(), s.reviewedDescription(), s.code(), s.type().name(), s.split().name()))
        .toList();
    return spark.createDataFrame(rows, SCHEMA);
  }
}

package dev.manimgrpo.trainer.data;

import static dev.manimgrpo.core.rollout.RolloutShardSchema.*;

import dev.manimgrpo.core.rollout.RolloutColumn;
import dev.manimgrpo.core.rollout.RolloutRow;
import dev.manimgrpo.core.rollout.RolloutRow.InvalidRolloutRowException;
import dev.manimgrpo.core.rollout.RolloutShardSchema;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a rollout shard with parquet-hadoop, without Spark: a Spark-written folder (part files,
 * {@code _SUCCESS}, partition folders such as {@code run_id=...}) or a single file, on a local
 * path or any Hadoop URI ({@code file://}, {@code s3a://}). Each file's schema is checked against
 * {@link RolloutShardSchema} before its rows are read; each row is validated by {@link RolloutRow}.
 */
public final class RolloutShardReader {

  private static final Logger log = LoggerFactory.getLogger(RolloutShardReader.class);
  private static final int MAX_LISTED = 25;
  /** The marker Spark's committer writes when the whole job succeeded. */
  public static final String SUCCESS_MARKER = "_SUCCESS";

  private final Configuration conf;

  /** A reader with Hadoop's default configuration (local files; s3a from core-site.xml if on the class path). */
  public RolloutShardReader() {
    this(new Configuration());
  }

  /** A reader using {@code conf} for the file systems (e.g. s3a endpoint and credentials). */
  public RolloutShardReader(Configuration conf) {
    this.conf = conf;
  }

  /**
   * A row the reader could not turn into a {@link RolloutRow}.
   *
   * @param row 0-based index within its file, in file order
   * @param field the column at fault
   */
  public record BadRow(String file, long row, String field, String problem) {
    @Override
    public String toString() {
      return file + " row " + row + ": " + problem;
    }
  }

  /** Everything read from a shard: the good rows in file order, and the rows that were not. */
  public record Contents(URI shard, List<String> files, List<RolloutRow> rows, List<BadRow> badRows) {}

  /**
   * Reads every row and collects bad rows instead of failing on them, so a caller may choose to
   * train on the rest. A file whose schema does not match still fails the whole read.
   *
   * @throws RolloutShardFormatException when a file's schema does not match, or there are no data files
   */
  public Contents read(URI shard) throws IOException {
    List<ParquetFiles.DataFile> files = ParquetFiles.list(shard, conf);
    if (files.isEmpty()) {
      throw new RolloutShardFormatException("rollout shard " + shard + " holds no data files; did the rollout job finish?"
          + " (Spark writes part-*.parquet files and _SUCCESS there)");
    }
    if (!isComplete(shard, conf)) {
      log.warn("rollout shard {} has no {} marker: the writing job may not have finished", shard, SUCCESS_MARKER);
    }
    List<RolloutRow> rows = new ArrayList<>();
    List<BadRow> bad = new ArrayList<>();
    for (ParquetFiles.DataFile f : files) {
      readFile(f, rows, bad);
    }
    return new Contents(shard, files.stream().map(f -> f.path().toString()).toList(), List.copyOf(rows), List.copyOf(bad));
  }

  /**
   * Reads every row; any bad row fails the read with all of them listed (file, row, column).
   *
   * @throws RolloutShardFormatException on a schema mismatch or bad rows
   */
  public List<RolloutRow> readAll(URI shard) throws IOException {
    Contents c = read(shard);
    if (!c.badRows().isEmpty()) {
      StringBuilder sb = new StringBuilder("rollout shard " + shard + " has " + c.badRows().size() + " bad row(s) of "
          + (c.rows().size() + c.badRows().size()) + ":");
      c.badRows().stream().limit(MAX_LISTED).forEach(b -> sb.append("\n  ").append(b));
      if (c.badRows().size() > MAX_LISTED) {
        sb.append("\n  ... and ").append(c.badRows().size() - MAX_LISTED).append(" more");
      }
      sb.append("\nFix the writer (RolloutRow validates rows before they are written) or use read() to skip bad rows.");
      throw new RolloutShardFormatException(sb.toString());
    }
    return c.rows();
  }

  /** True when the shard is a single file or a folder with Spark's {@code _SUCCESS} marker. */
  public static boolean isComplete(URI shard, Configuration conf) throws IOException {
    Path root = new Path(shard);
    FileSystem fs = root.getFileSystem(conf);
    return fs.getFileStatus(root).isFile() || fs.exists(new Path(root, SUCCESS_MARKER));
  }

  private void readFile(ParquetFiles.DataFile f, List<RolloutRow> rows, List<BadRow> bad) throws IOException {
    String file = f.path().toString();
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(f.path(), conf))) {
      MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
      RolloutShardParquetSchema.check(file, fileSchema, f.partitionValues());
      // read only the shard's columns: writers may add their own
      List<Type> wanted = java.util.stream.Stream.concat(RolloutShardSchema.COLUMNS.stream().map(RolloutColumn::name),
              java.util.stream.Stream.of(TRAINER_REPRODUCIBLE, POLICY_ID))
          .filter(fileSchema::containsField).map(fileSchema::getType).toList();
      MessageType requested = new MessageType(fileSchema.getName(), wanted);
      reader.setRequestedSchema(requested);
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(requested, fileSchema);
      long index = 0;
      PageReadStore pages;
      while ((pages = reader.readNextRowGroup()) != null) {
        RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(requested));
        for (long i = 0; i < pages.getRowCount(); i++, index++) {
          Values v = new Values(records.read(), f.partitionValues());
          if (Boolean.FALSE.equals(v.optionalBool(TRAINER_REPRODUCIBLE))) {
            throw new RolloutShardFormatException("rollout shard file " + file + " row " + index + " was sampled by "
                + v.optionalString(POLICY_ID) + ", whose token ids and log-probs this trainer cannot reproduce ("
                + TRAINER_REPRODUCIBLE + " = false): GRPO on it would compute its ratios and KL with the wrong"
                + " tokens. Train on shards sampled by this project's policy (policy.backend: dl4j), or give this"
                + " shard to a trainer that shares that model's tokenizer (it carries verl's columns).");
          }
          try {
            rows.add(v.toRow());
          } catch (InvalidRolloutRowException e) {
            bad.add(new BadRow(file, index, e.field(), e.getMessage()));
          }
        }
      }
    } catch (RolloutShardFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IOException("cannot read rollout shard file " + file + ": " + e.getMessage()
          + " (is it a complete Parquet file? a crashed writer can leave partial part files)", e);
    }
  }

  /** One record's values by column, from the file or from its partition folders. */
  private static final class Values {
    private final Group g;
    private final Map<String, String> partitions;

    Values(Group g, Map<String, String> partitions) {
      this.g = g;
      this.partitions = partitions;
    }

    RolloutRow toRow() {
      return new RolloutRow(string(RUN_ID), int32(STEP), string(PROMPT_ID), string(GROUP_UID), int32(ROLLOUT_INDEX),
          ints(PROMPT_TOKEN_IDS), ints(COMPLETION_TOKEN_IDS), floats(OLD_LOGPROBS), string(COMPLETION_TEXT),
          string(STATUS), string(ERROR_REASON), dbl(REWARD_TEXT), dbl(REWARD_VISUAL), dbl(REWARD_LAYOUT),
          required(REWARD, dbl(REWARD)), required(ADVANTAGE, dbl(ADVANTAGE)),
          required(ZERO_VARIANCE, bool(ZERO_VARIANCE)), string(POLICY_CHECKPOINT));
    }

    /** A column the trainer does not need: null when the file lacks it. */
    Boolean optionalBool(String name) {
      return inFile(name) ? bool(name) : null;
    }

    String optionalString(String name) {
      return inFile(name) ? string(name) : null;
    }

    private boolean inFile(String name) {
      return g.getType().containsField(name);
    }

    /** True when the value is null (absent in the file, or Spark's null partition). */
    private boolean isNull(String name) {
      return inFile(name) ? g.getFieldRepetitionCount(name) == 0 : partitions.get(name) == null;
    }

    private String string(String name) {
      if (isNull(name)) {
        return null;
      }
      return inFile(name) ? g.getString(name, 0) : partitions.get(name);
    }

    private int int32(String name) {
      if (isNull(name)) {
        throw new InvalidRolloutRowException(name, "is null; the column is not nullable");
      }
      if (inFile(name)) {
        return g.getInteger(name, 0);
      }
      String p = partitions.get(name);
      try {
        return Integer.parseInt(p);
      } catch (NumberFormatException e) {
        throw new InvalidRolloutRowException(name, "comes from partition folder " + name + "=" + p + ", which is not an int");
      }
    }

    private Double dbl(String name) {
      return isNull(name) ? null : g.getDouble(name, 0);
    }

    private Boolean bool(String name) {
      if (isNull(name)) {
        return null;
      }
      if (inFile(name)) {
        return g.getBoolean(name, 0);
      }
      String p = partitions.get(name);
      if (!"true".equalsIgnoreCase(p) && !"false".equalsIgnoreCase(p)) {
        throw new InvalidRolloutRowException(name, "comes from partition folder " + name + "=" + p + ", which is not a boolean");
      }
      return Boolean.parseBoolean(p);
    }

    private int[] ints(String name) {
      if (isNull(name)) {
        return null;
      }
      GroupType type = g.getType().getType(name).asGroupType();
      Group list = g.getGroup(name, 0);
      int n = list.getFieldRepetitionCount(0);
      int[] out = new int[n];
      boolean twoLevel = RolloutShardParquetSchema.isTwoLevel(type);
      for (int k = 0; k < n; k++) {
        if (twoLevel) {
          out[k] = list.getInteger(0, k);
        } else {
          Group e = list.getGroup(0, k);
          if (e.getFieldRepetitionCount(0) == 0) {
            throw new InvalidRolloutRowException(name, "[" + k + "] is null; arrays must not hold nulls");
          }
          out[k] = e.getInteger(0, 0);
        }
      }
      return out;
    }

    private float[] floats(String name) {
      if (isNull(name)) {
        return null;
      }
      GroupType type = g.getType().getType(name).asGroupType();
      Group list = g.getGroup(name, 0);
      int n = list.getFieldRepetitionCount(0);
      float[] out = new float[n];
      boolean twoLevel = RolloutShardParquetSchema.isTwoLevel(type);
      for (int k = 0; k < n; k++) {
        if (twoLevel) {
          out[k] = list.getFloat(0, k);
        } else {
          Group e = list.getGroup(0, k);
          if (e.getFieldRepetitionCount(0) == 0) {
            throw new InvalidRolloutRowException(name, "[" + k + "] is null; arrays must not hold nulls");
          }
          out[k] = e.getFloat(0, 0);
        }
      }
      return out;
    }

    private static <T> T required(String name, T value) {
      if (value == null) {
        throw new InvalidRolloutRowException(name, "is null; the column is not nullable");
      }
      return value;
    }
  }
}

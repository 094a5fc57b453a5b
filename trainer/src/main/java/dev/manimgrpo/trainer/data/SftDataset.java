package dev.manimgrpo.trainer.data;

import dev.manimgrpo.core.config.DatasetConfig;
import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.core.dataset.ManimBenchSchema;
import dev.manimgrpo.core.dataset.ManimBenchValidator;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * The SFT pairs of one split: from the bundled sample set, or from a ManimBench-format Parquet
 * file or folder read with parquet-hadoop (local, {@code file://} or {@code s3a://}; no Spark).
 * Column names and row rules are ManimBench's own ({@link ManimBenchSchema}, {@link ManimBenchValidator}).
 *
 * @param source where the examples came from: the path, or {@code bundled}
 * @param split the split filter: train, test or all
 * @param examples the pairs, in file order
 */
public record SftDataset(String source, String split, List<SftExample> examples) {

  /** {@link #source()} of the bundled sample set. */
  public static final String BUNDLED = "bundled";

  public SftDataset {
    examples = List.copyOf(examples);
  }

  public int size() {
    return examples.size();
  }

  /** The dataset a configuration names: the bundled set when {@code dataset.path} is empty, else that Parquet. */
  public static SftDataset load(DatasetConfig config, Configuration hadoop) throws IOException {
    List<ManimBenchSample> all = config.bundled() ? BundledSampleSet.load() : readParquet(URI.create(config.path()),
        hadoop, config.promptColumn());
    List<SftExample> out = all.stream()
        .filter(s -> "all".equals(config.split()) || s.split().name().equals(config.split()))
        .map(s -> SftExample.of(s, config.promptColumn())).toList();
    return new SftDataset(config.bundled() ? BUNDLED : config.path(), config.split(), out);
  }

  /** The bundled sample set's pairs of one split ({@code train}, {@code test} or {@code all}). */
  public static SftDataset bundled(String promptColumn, String split) {
    try {
      return load(new DatasetConfig("", promptColumn, split), new Configuration(false));
    } catch (IOException e) {
      throw new IllegalStateException("the bundled set is read from the class path, not a file system", e);
    }
  }

  /** The pairs of one split of a ManimBench Parquet file or folder. */
  public static SftDataset fromParquet(URI path, Configuration hadoop, String promptColumn, String split) throws IOException {
    return load(new DatasetConfig(path.toString(), promptColumn, split), hadoop);
  }

  /** Reads and validates every row of a ManimBench Parquet file or folder. */
  static List<ManimBenchSample> readParquet(URI path, Configuration hadoop, String promptColumn) throws IOException {
    List<Map<String, String>> rows = new ArrayList<>();
    for (ParquetFiles.DataFile f : ParquetFiles.list(path, hadoop)) {
      readFile(f, hadoop, rows);
    }
    return ManimBenchValidator.validate(path.toString(), rows, promptColumn);
  }

  private static void readFile(ParquetFiles.DataFile f, Configuration hadoop, List<Map<String, String>> rows) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(f.path(), hadoop))) {
      MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
      Set<String> present = new LinkedHashSet<>(f.partitionValues().keySet());
      fileSchema.getFields().forEach(t -> present.add(t.getName()));
      ManimBenchValidator.checkColumns(f.path().toString(), List.copyOf(present));
      List<Type> wanted = ManimBenchSchema.COLUMNS.stream().filter(fileSchema::containsField).map(fileSchema::getType).toList();
      for (Type t : wanted) {
        if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
          throw new ManimBenchValidator.ManimBenchFormatException(f.path() + ": column '" + t.getName()
              + "' is '" + t.toString().strip() + "'; ManimBench columns are single strings");
        }
      }
      MessageType requested = new MessageType(fileSchema.getName(), wanted);
      reader.setRequestedSchema(requested);
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(requested, fileSchema);
      PageReadStore pages;
      while ((pages = reader.readNextRowGroup()) != null) {
        RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(requested));
        for (long i = 0; i < pages.getRowCount(); i++) {
          Group g = records.read();
          Map<String, String> m = new HashMap<>(f.partitionValues());
          for (Type t : wanted) {
            m.put(t.getName(), g.getFieldRepetitionCount(t.getName()) == 0 ? null : text(g, t));
          }
          rows.add(m);
        }
      }
    }
  }

  // Like the Spark loader's toString(): strings as UTF-8, anything else by its printed value.
  private static String text(Group g, Type t) {
    return t.asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.BINARY
        ? g.getString(t.getName(), 0) : g.getValueToString(g.getType().getFieldIndex(t.getName()), 0);
  }
}

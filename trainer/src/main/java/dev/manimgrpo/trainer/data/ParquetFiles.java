package dev.manimgrpo.trainer.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Finds the data files of a Parquet "table" the way Spark lays one out: a single file, or a
 * folder of part files with {@code _SUCCESS}, {@code .crc} files and partition folders such as
 * {@code run_id=run-7/}. Works on any Hadoop file system (local, {@code file://}, {@code s3a://}).
 */
final class ParquetFiles {

  /** Spark's spelling of a null partition value. */
  static final String NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

  /**
   * One data file and the partition values its folders give it.
   *
   * @param partitionValues column to value from {@code column=value} folders (value null for Spark's null)
   */
  record DataFile(Path path, Map<String, String> partitionValues) {}

  private ParquetFiles() {}

  /**
   * The data files under {@code location}, sorted by path so reads are repeatable.
   *
   * @throws FileNotFoundException naming the location when nothing is there
   */
  static List<DataFile> list(URI location, Configuration conf) throws IOException {
    Path root = new Path(location);
    FileSystem fs = root.getFileSystem(conf);
    FileStatus status;
    try {
      status = fs.getFileStatus(root);
    } catch (FileNotFoundException e) {
      throw new FileNotFoundException("no Parquet file or folder at " + location
          + " (a local path, file://... or s3a://bucket/key with the s3a settings in cluster-conf/)");
    }
    List<DataFile> out = new ArrayList<>();
    // A partition folder given directly (rollouts/run_id=r/step=3) keeps the values its own path names.
    Map<String, String> above = new LinkedHashMap<>();
    for (Path p = status.isFile() ? status.getPath().getParent() : status.getPath(); p != null; p = p.getParent()) {
      String name = p.getName();
      int eq = name.indexOf('=');
      if (eq > 0 && !above.containsKey(unescape(name.substring(0, eq)))) {
        String value = unescape(name.substring(eq + 1));
        above.put(unescape(name.substring(0, eq)), NULL_PARTITION.equals(value) ? null : value);
      }
    }
    if (status.isFile()) {
      out.add(new DataFile(status.getPath(), Collections.unmodifiableMap(above)));
    } else {
      walk(fs, status.getPath(), above, out);
    }
    out.sort(Comparator.comparing(f -> f.path().toString()));
    return out;
  }

  private static void walk(FileSystem fs, Path dir, Map<String, String> partitions, List<DataFile> out) throws IOException {
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      // Spark and Hadoop's own files: _SUCCESS, _temporary/, .part-0.crc, ...
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      if (s.isDirectory()) {
        Map<String, String> inner = new LinkedHashMap<>(partitions);
        int eq = name.indexOf('=');
        if (eq > 0) {
          String value = unescape(name.substring(eq + 1));
          inner.put(unescape(name.substring(0, eq)), NULL_PARTITION.equals(value) ? null : value);
        }
        walk(fs, s.getPath(), inner, out);
      } else {
        out.add(new DataFile(s.getPath(), Collections.unmodifiableMap(new LinkedHashMap<>(partitions))));
      }
    }
  }

  /** Undoes Spark's escaping of partition folder names ({@code %3A} for {@code :}, ...). */
  static String unescape(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }
}

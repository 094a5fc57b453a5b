package dev.manimgrpo.policy.hf.export;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;

/**
 * A folder that an export writes files into, by file name. Each file is written under a temporary
 * name and renamed into place once complete, so a reader never opens half a file; the exporter
 * writes {@code config.json} last, so a folder with one is complete.
 */
public interface ExportFolder {

  /** Writes a file's content. */
  @FunctionalInterface
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** The folder's path or URI, for messages. */
  String location();

  /** Writes (or replaces) one file: to a temporary name first, then renamed. */
  void write(String fileName, Content content) throws IOException;

  /** Removes a file if it is there. */
  void deleteIfExists(String fileName) throws IOException;

  default void writeString(String fileName, String text) throws IOException {
    write(fileName, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  static ExportFolder local(Path directory) {
    return new LocalExportFolder(directory);
  }

  /** A folder on a Hadoop file system ({@code file:}, {@code hdfs:}, {@code s3a:}). */
  static ExportFolder hadoop(URI directory, Configuration conf) throws IOException {
    return new HadoopExportFolder(directory, conf);
  }

  /** A local path or a URI with a scheme (e.g. {@code s3a://bucket/models/x}). */
  static ExportFolder of(String location, Configuration conf) throws IOException {
    URI uri = location.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*") ? URI.create(location) : null;
    if (uri == null || "file".equals(uri.getScheme())) {
      return local(uri == null ? Path.of(location) : Path.of(uri));
    }
    return hadoop(uri, conf);
  }
}

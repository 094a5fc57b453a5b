package dev.manimgrpo.policy.hf.export;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An export folder on a Hadoop file system. Each file goes to a hidden temporary name and is
 * renamed into place: atomic on HDFS and local, a copy on s3a (whose uploads are themselves
 * all-or-nothing, so a reader still never sees half a file).
 */
final class HadoopExportFolder implements ExportFolder {

  private final Path directory;
  private final FileSystem fs;

  HadoopExportFolder(URI directory, Configuration conf) throws IOException {
    this.directory = new Path(directory);
    this.fs = this.directory.getFileSystem(conf);
  }

  @Override
  public String location() {
    return directory.toString();
  }

  @Override
  public void deleteIfExists(String fileName) throws IOException {
    Path p = new Path(directory, fileName);
    if (fs.exists(p)) {
      fs.delete(p, false);
    }
  }

  @Override
  public void write(String fileName, Content content) throws IOException {
    fs.mkdirs(directory);
    Path target = new Path(directory, fileName);
    Path tmp = new Path(directory, "." + fileName + ".partial");
    boolean done = false;
    try {
      try (OutputStream out = new BufferedOutputStream(fs.create(tmp, true), 1 << 16)) {
        content.writeTo(out);
      }
      if (fs.exists(target)) {
        fs.delete(target, false);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("could not rename " + tmp + " to " + target);
      }
      done = true;
    } finally {
      if (!done) {
        fs.delete(tmp, false);
      }
    }
  }
}

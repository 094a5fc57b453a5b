package dev.manimgrpo.policy.hf;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A model folder on a Hadoop file system: {@code file://}, {@code hdfs://} or {@code s3a://} (with
 * the s3a endpoint and credentials in {@code conf}, as for {@code CheckpointStore}).
 */
public final class HadoopModelFolder implements ModelFolder {

  private final Path directory;
  private final FileSystem fs;

  public HadoopModelFolder(URI directory, Configuration conf) throws IOException {
    this.directory = new Path(directory);
    this.fs = this.directory.getFileSystem(conf);
  }

  @Override
  public String location() {
    return directory.toString();
  }

  @Override
  public ModelFolder at(String location) throws IOException {
    URI uri = URI.create(location);
    Path other = uri.getScheme() == null ? new Path(directory, location) : new Path(uri);
    return new HadoopModelFolder(other.toUri(), fs.getConf());
  }

  @Override
  public boolean exists(String fileName) throws IOException {
    Path p = new Path(directory, fileName);
    return fs.exists(p) && fs.getFileStatus(p).isFile();
  }

  @Override
  public RandomAccessInput open(String fileName) throws IOException {
    Path p = new Path(directory, fileName);
    if (!exists(fileName)) {
      throw new FileNotFoundException("no file " + fileName + " in model folder " + directory);
    }
    return HadoopFileInput.open(fs, p);
  }
}

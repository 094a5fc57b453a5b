package dev.manimgrpo.policy.hf;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A file on any Hadoop file system ({@code file://}, {@code hdfs://}, {@code s3a://}) read with
 * {@code FSDataInputStream}'s positioned reads. Hadoop is a provided dependency of this module, so
 * the class is only usable where Hadoop is on the class path (the Spark jobs, the trainer).
 */
public final class HadoopFileInput implements RandomAccessInput {

  private final Path path;
  private final long size;
  private final FSDataInputStream in;

  private HadoopFileInput(Path path, long size, FSDataInputStream in) {
    this.path = path;
    this.size = size;
    this.in = in;
  }

  public static HadoopFileInput open(FileSystem fs, Path path) throws IOException {
    long size = fs.getFileStatus(path).getLen();
    return new HadoopFileInput(path, size, fs.open(path));
  }

  @Override
  public String location() {
    return path.toString();
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    in.readFully(position, buffer, offset, length);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

package dev.manimgrpo.policy.hf;

import java.io.Closeable;
import java.io.IOException;

/**
 * One file read at arbitrary offsets, without loading it whole: what {@link SafetensorsFile} needs
 * from storage. {@link LocalFileInput} reads a local file through a {@link
 * java.nio.channels.FileChannel}; {@link HadoopFileInput} reads through a Hadoop {@code
 * FSDataInputStream}'s positioned reads, so {@code s3a://} checkpoints work the same way.
 */
public interface RandomAccessInput extends Closeable {

  /** Where the bytes come from, for error messages (a path or URI). */
  String location();

  /** The file's length in bytes. */
  long size() throws IOException;

  /**
   * Reads exactly {@code length} bytes starting at {@code position} into {@code buffer[offset..]}.
   *
   * @throws java.io.EOFException if the file ends first
   */
  void readFully(long position, byte[] buffer, int offset, int length) throws IOException;
}

package dev.manimgrpo.policy.hf;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A local file read with positioned {@link FileChannel} reads (thread-safe, no shared cursor). */
public final class LocalFileInput implements RandomAccessInput {

  private final Path path;
  private final FileChannel channel;

  private LocalFileInput(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  public static LocalFileInput open(Path path) throws IOException {
    return new LocalFileInput(path, FileChannel.open(path, StandardOpenOption.READ));
  }

  @Override
  public String location() {
    return path.toString();
  }

  @Override
  public long size() throws IOException {
    return channel.size();
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    ByteBuffer dst = ByteBuffer.wrap(buffer, offset, length);
    long at = position;
    while (dst.hasRemaining()) {
      int n = channel.read(dst, at);
      if (n < 0) {
        throw new EOFException(path + " ends at byte " + at + ", reading " + length
            + " bytes from " + position);
      }
      at += n;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}

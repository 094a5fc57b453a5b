package dev.manimgrpo.policy.hf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A folder of a Hugging Face model's files ({@code config.json}, {@code *.safetensors}, ...), by
 * file name. {@link #local} is a local directory; {@link HadoopModelFolder} is a folder on a Hadoop
 * file system (local, HDFS, s3a).
 */
public interface ModelFolder {

  /** The folder's path or URI, for error messages. */
  String location();

  boolean exists(String fileName) throws IOException;

  /** Opens a file of the folder for positioned reads. */
  RandomAccessInput open(String fileName) throws IOException;

  /** A small file's whole content as UTF-8 text (JSON files). */
  default String readString(String fileName) throws IOException {
    try (RandomAccessInput in = open(fileName)) {
      long size = in.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IOException(in.location() + " is too large to read as text (" + size + " bytes)");
      }
      byte[] bytes = new byte[(int) size];
      in.readFully(0, bytes, 0, bytes.length);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /**
   * Another folder on the same kind of file system, e.g. the base model a LoRA adapter names:
   * an absolute path or, for a Hadoop folder, a URI.
   */
  ModelFolder at(String location) throws IOException;

  static ModelFolder local(Path directory) {
    return new LocalModelFolder(directory);
  }
}

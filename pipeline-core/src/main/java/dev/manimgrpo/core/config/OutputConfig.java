package dev.manimgrpo.core.config;

/** Where jobs write; see {@code output.*} in reference.yaml. */
public record OutputConfig(String dir) implements java.io.Serializable {
  public OutputConfig {
    if (dir == null || dir.isBlank()) {
      throw new IllegalArgumentException("output.dir must be a local path or an s3a:// URI");
    }
  }
}

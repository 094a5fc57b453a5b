package dev.manimgrpo.core.config;

/** Which ManimBench data a job reads; see {@code dataset.*} in reference.yaml. */
public record DatasetConfig(String path, String promptColumn, String split) implements java.io.Serializable {

  public DatasetConfig {
    path = path == null ? "" : path;
    if (!"Reviewed Description".equals(promptColumn) && !"Generated Description".equals(promptColumn)) {
      throw new IllegalArgumentException(
          "dataset.prompt-column must be 'Reviewed Description' or 'Generated Description', got '" + promptColumn + "'");
    }
    if (!"train".equals(split) && !"test".equals(split) && !"all".equals(split)) {
      throw new IllegalArgumentException("dataset.split must be train, test or all, got '" + split + "'");
    }
  }

  /** True when no path is set and the bundled sample set is used. */
  public boolean bundled() {
    return path.isBlank();
  }
}

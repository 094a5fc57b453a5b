package dev.manimgrpo.core.config;

import java.util.Locale;

/**
 * Which ManimBench data a job reads; see {@code dataset.*} in reference.yaml.
 *
 * @param path ManimBench-format Parquet (local or s3a://); empty = the bundled sample set
 * @param promptColumn the column used as the prompt
 * @param split train, test or all
 * @param type Basic, Intermediate, Advanced or all
 * @param limit most samples taken after the split and type filters, in sample-id order (0 = all)
 * @param maxPromptChars the longest prompt a job runs; longer rows go to the job's quarantine
 */
public record DatasetConfig(String path, String promptColumn, String split, String type, int limit,
    int maxPromptChars) implements java.io.Serializable {

  /** The default of {@code dataset.max-prompt-chars} (reference.yaml), for code that builds a config by hand. */
  public static final int DEFAULT_MAX_PROMPT_CHARS = 20000;

  public DatasetConfig {
    path = path == null ? "" : path;
    if (!"Reviewed Description".equals(promptColumn) && !"Generated Description".equals(promptColumn)) {
      throw new IllegalArgumentException(
          "dataset.prompt-column must be 'Reviewed Description' or 'Generated Description', got '" + promptColumn + "'");
    }
    if (!"train".equals(split) && !"test".equals(split) && !"all".equals(split)) {
      throw new IllegalArgumentException("dataset.split must be train, test or all, got '" + split + "'");
    }
    type = type == null || type.isBlank() ? "all" : type.strip();
    if (!type.equals("all") && !type.equals("Basic") && !type.equals("Intermediate") && !type.equals("Advanced")) {
      throw new IllegalArgumentException("dataset.type must be Basic, Intermediate, Advanced or all, got '" + type + "'");
    }
    if (limit < 0) {
      throw new IllegalArgumentException("dataset.limit must be >= 0 (0 = every sample), got " + limit);
    }
    if (maxPromptChars < 1) {
      throw new IllegalArgumentException("dataset.max-prompt-chars must be >= 1, got " + maxPromptChars);
    }
  }

  /** Every type, no limit, the default prompt length limit. */
  public DatasetConfig(String path, String promptColumn, String split) {
    this(path, promptColumn, split, "all", 0, DEFAULT_MAX_PROMPT_CHARS);
  }

  /** True when no path is set and the bundled sample set is used. */
  public boolean bundled() {
    return path.isBlank();
  }

  /** Whether a sample of this difficulty (Basic, Intermediate, Advanced) is selected. */
  public boolean selectsType(String sampleType) {
    return type.equals("all") || type.toLowerCase(Locale.ROOT).equals(sampleType.toLowerCase(Locale.ROOT));
  }

  public DatasetConfig withSplit(String newSplit) {
    return new DatasetConfig(path, promptColumn, newSplit, type, limit, maxPromptChars);
  }
}

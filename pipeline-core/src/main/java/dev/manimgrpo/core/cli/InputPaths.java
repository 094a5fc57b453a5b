package dev.manimgrpo.core.cli;

import dev.manimgrpo.core.config.DatasetConfig;
import dev.manimgrpo.core.config.PolicyConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Checks a command's inputs before Spark, Hadoop or a model is asked for them, so that a typo in a
 * path is one line naming the key ("dataset.path: /data/x.parquet does not exist ...") rather than
 * a library's stack trace minutes later. Local paths (and {@code file:}) must exist; remote ones
 * ({@code s3a://bucket/key}, {@code hdfs://...}) are only checked for syntax here.
 */
public final class InputPaths {

  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

  private InputPaths() {}

  /**
   * Requires {@code location} to exist (local) or to be a well-formed URI (remote); blank is left to
   * the caller (often "the bundled one").
   *
   * @param key the configuration key or option that set it, named in the message
   * @param accepted what the key takes, e.g. "a ManimBench Parquet file or folder"
   */
  public static void require(String key, String location, String accepted) {
    if (location == null || location.isBlank()) {
      return;
    }
    if (SCHEME.matcher(location).matches() && !isWindowsDrive(location)) {
      URI uri;
      try {
        uri = new URI(location);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(key + ": '" + location + "' is not a valid location (" + e.getReason()
            + "); accepted: " + accepted);
      }
      if ("file".equalsIgnoreCase(uri.getScheme())) {
        requireLocal(key, Path.of(uri.getPath() != null ? uri.getPath() : uri.getSchemeSpecificPart()), location,
            accepted);
      } else if (uri.getAuthority() == null || uri.getAuthority().isBlank()) {
        throw new IllegalArgumentException(key + ": '" + location + "' names no bucket or host (write "
            + uri.getScheme() + "://bucket/key); accepted: " + accepted);
      }
      return;
    }
    requireLocal(key, Path.of(location), location, accepted);
  }

  private static void requireLocal(String key, Path path, String shown, String accepted) {
    if (!Files.exists(path)) {
      Path parent = path.toAbsolutePath().getParent();
      String hint = parent != null && !Files.isDirectory(parent) ? " (nor does its folder " + parent + ")" : "";
      throw new IllegalArgumentException(key + ": " + shown + " does not exist" + hint + "; accepted: " + accepted);
    }
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException(key + ": " + shown + " is not readable by this user; accepted: " + accepted);
    }
  }

  private static boolean isWindowsDrive(String s) {
    return s.length() > 2 && Character.isLetter(s.charAt(0)) && s.charAt(1) == ':' && (s.charAt(2) == '\\'
        || s.charAt(2) == '/');
  }

  /** A Hugging Face model location: as {@link #require}, or the name of the bundled Hugging Face starter. */
  public static void model(String key, String location, String accepted) {
    if (!PolicyConfig.BUNDLED_HF.equals(location)) {
      require(key, location, accepted);
    }
  }

  /** A policy location: as {@link #require}, or the name of a bundled starter (bundled-hf, bundled-own). */
  public static void policyLocation(String key, String location, String accepted) {
    if (!PolicyConfig.BUNDLED_OWN.equals(location)) {
      model(key, location, accepted);
    }
  }

  /** What a policy location may be, as errors say it. */
  public static final String POLICY_LOCATIONS = "a Hugging Face model or adapter folder, or a checkpoint or run folder"
      + " written by manim-grpo-trainer, local or s3a://; " + PolicyConfig.BUNDLED_HF + " (or empty) for the bundled"
      + " starter, " + PolicyConfig.BUNDLED_OWN + " for the project's own from-scratch starter";

  /** {@code dataset.path}, when set. */
  public static void dataset(DatasetConfig d) {
    require("dataset.path", d.path(), "a ManimBench-format Parquet file or folder, local or s3a://bucket/key; "
        + "empty for the bundled sample set");
  }

  /** The policy's checkpoint (dl4j backend) or replayed shard (replay backend), under the key {@code prefix}. */
  public static void policy(String prefix, PolicyConfig p) {
    if (p.backend() == PolicyConfig.Backend.DL4J || p.backend() == PolicyConfig.Backend.LLAMA_CPP) {
      policyLocation(prefix + ".checkpoint", p.checkpoint(), POLICY_LOCATIONS);
    } else if (p.backend() == PolicyConfig.Backend.REPLAY) {
      require(prefix + ".replay-shard", p.replayShard(), "a rollout shard's (run, step) folder, e.g. "
          + "outputs/rollouts/run_id=r1/step=0");
    }
  }
}

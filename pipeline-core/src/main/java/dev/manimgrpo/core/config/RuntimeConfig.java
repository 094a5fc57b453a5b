package dev.manimgrpo.core.config;

import java.nio.file.Path;
import java.util.List;

/** Where the Manim runtime comes from. See {@code runtime.*} in reference.yaml. */
public record RuntimeConfig(RuntimeMode mode, String root, List<String> hostReadOnlyPaths, String bwrap)
    implements java.io.Serializable {

  /** How the sandbox gets manim. */
  public enum RuntimeMode {
    /** A provisioned Debian root mounted read-only as the sandbox's {@code /}. */
    SANDBOX_ROOT,
    /** manim installed on the host; the host's system folders are mounted read-only. */
    HOST;

    /** The name used in configuration files: {@code sandbox-root}, {@code host}. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Parses a configuration name; the error lists the valid ones. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static RuntimeMode fromConfig(String name) {
      for (RuntimeMode m : values()) {
        if (m.configName().equals(name)) {
          return m;
        }
      }
      throw new IllegalArgumentException("runtime.mode must be sandbox-root or host, got '" + name + "'");
    }
  }

  public RuntimeConfig {
    if (mode == null) {
      throw new IllegalArgumentException("runtime.mode must be sandbox-root or host");
    }
    hostReadOnlyPaths = List.copyOf(hostReadOnlyPaths == null ? List.of() : hostReadOnlyPaths);
    root = root == null ? "" : root;
    bwrap = bwrap == null || bwrap.isBlank() ? "bwrap" : bwrap;
  }

  /** The provisioned root: the configured one, else $MANIM_GRPO_RUNTIME, else the cache default. */
  public Path resolvedRoot() {
    if (!root.isBlank()) {
      return Path.of(root);
    }
    String env = System.getenv("MANIM_GRPO_RUNTIME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return CacheConfig.userCacheDir().resolve("runtime").resolve("manim-sid");
  }
}

package dev.manimgrpo.core.config;

import java.nio.file.Path;

/** Where caches live; see {@code cache.*} in reference.yaml. */
public record CacheConfig(String dir) implements java.io.Serializable {

  public CacheConfig {
    dir = dir == null ? "" : dir;
  }

  /** The configured folder, else {@code ${XDG_CACHE_HOME:-~/.cache}/manim-grpo}. */
  public Path resolvedDir() {
    return dir.isBlank() ? userCacheDir() : Path.of(dir);
  }

  /** {@code ${XDG_CACHE_HOME:-~/.cache}/manim-grpo}, the same folder the provisioning script uses. */
  public static Path userCacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank()
        ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("manim-grpo");
  }
}

package dev.manimgrpo.core.config;

/**
 * The checks every node runs before a job uses it; see {@code preflight.*} in reference.yaml.
 *
 * @param enabled run the checks (executor start, before a job's first stage)
 * @param waitSeconds how long the driver waits for the registered executors' reports
 * @param manimVersion the manim version every node must have; empty: any (reported)
 */
public record PreflightConfig(boolean enabled, int waitSeconds, String manimVersion) implements java.io.Serializable {

  public PreflightConfig {
    if (waitSeconds < 0) {
      throw new IllegalArgumentException("preflight.wait-seconds must be >= 0, got " + waitSeconds);
    }
    manimVersion = manimVersion == null ? "" : manimVersion.strip();
  }

  /** Whether {@code found} is the expected version: equal, or a release of it ({@code 0.21} takes 0.21.0). */
  public boolean acceptsManim(String found) {
    return manimVersion.isEmpty() || found.equals(manimVersion) || found.startsWith(manimVersion + ".");
  }
}

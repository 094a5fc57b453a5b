package dev.manimgrpo.core.render;

import dev.manimgrpo.core.config.RuntimeConfig;
import dev.manimgrpo.core.config.RuntimeConfig.RuntimeMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A located Manim installation: a provisioned root or the host's own manim, and its version,
 * which is part of every render cache key and every output row.
 */
public record ManimRuntime(RuntimeMode mode, Path root, String manimVersion, List<String> hostReadOnlyPaths, String bwrap) {

  /** File the provisioning script writes when a root is complete. */
  public static final String MARKER = ".manim-grpo-runtime";
  /** Provisioning script, relative to the repository root. */
  public static final String PROVISION_SCRIPT = "cluster-conf/provision/manim-runtime.sh";

  /** Finds the runtime the configuration names, or fails saying how to provision it. */
  public static ManimRuntime locate(RuntimeConfig config) {
    if (config.mode() == RuntimeMode.SANDBOX_ROOT) {
      Path root = config.resolvedRoot();
      if (!Files.isRegularFile(root.resolve(MARKER))) {
        throw new Unavailable("no provisioned Manim runtime at " + root,
            "run `bash " + PROVISION_SCRIPT + "` on this node (about 5 minutes, once), point runtime.root or"
                + " $MANIM_GRPO_RUNTIME at one, or use runtime.mode=host where manim is installed natively");
      }
      String version = read(root.resolve("opt/manim-grpo/manim-version"));
      return new ManimRuntime(config.mode(), root, version, config.hostReadOnlyPaths(), config.bwrap());
    }
    String version = hostManimVersion();
    return new ManimRuntime(config.mode(), Path.of("/"), version, config.hostReadOnlyPaths(), config.bwrap());
  }

  /**
   * The configured runtime is missing or broken on this node: what is wrong, and what to install or
   * set (the message joins them), so a preflight can show the two apart.
   */
  public static final class Unavailable extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final String problem;
    private final String remedy;

    Unavailable(String problem, String remedy) {
      this(problem, remedy, null);
    }

    Unavailable(String problem, String remedy, Throwable cause) {
      super(problem + ": " + remedy, cause);
      this.problem = problem;
      this.remedy = remedy;
    }

    /** What is wrong on this node. */
    public String problem() {
      return problem;
    }

    /** What to install or set. */
    public String remedy() {
      return remedy;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new Unavailable("cannot read the runtime's manim version from " + file,
          "re-provision with `bash " + PROVISION_SCRIPT + "`", e);
    }
  }

  private static String hostManimVersion() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import manim; print(manim.__version__)")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new Unavailable("runtime.mode=host but `python3 -c 'import manim'` failed: " + out,
            "install Manim Community Edition on this host (e.g. apt-get install python3-manim) or use"
                + " runtime.mode=sandbox-root");
      }
      String[] lines = out.split("\n");
      return lines[lines.length - 1].strip();
    } catch (IOException e) {
      throw new Unavailable("runtime.mode=host but python3 cannot be started: " + e.getMessage(),
          "install python3 and Manim Community Edition on this host or use runtime.mode=sandbox-root", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while probing the host's manim", e);
    }
  }
}

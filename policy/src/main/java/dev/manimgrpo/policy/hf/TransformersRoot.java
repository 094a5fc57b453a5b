package dev.manimgrpo.policy.hf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Debian sid root with Hugging Face transformers and PyTorch (on OpenBLAS) that {@code
 * cluster-conf/provision/hf-oracle.sh} builds: the independent implementation the tests hold the
 * Java model to, and the other side of {@code bench-training}. A command runs in it with bwrap:
 * the root read-only, a private /tmp, no network, no inherited environment, given host folders
 * bound in.
 */
public final class TransformersRoot {

  /** Written by the provisioning script once the root is complete (its versions and build time). */
  public static final String MARKER = ".manim-grpo-hf-oracle";
  public static final String PROVISION_SCRIPT = "cluster-conf/provision/hf-oracle.sh";

  private TransformersRoot() {}

  /** $MANIM_GRPO_HF_ORACLE, else {@code manim-grpo/runtime/hf-oracle-sid} under the user's cache folder. */
  public static Path location() {
    String env = System.getenv("MANIM_GRPO_HF_ORACLE");
    if (env != null && !env.isBlank() && !env.equals("skip")) {
      return Path.of(env);
    }
    return dev.manimgrpo.core.config.CacheConfig.userCacheDir().resolve("runtime/hf-oracle-sid");
  }

  public static boolean provisioned(Path root) {
    return Files.isRegularFile(root.resolve(MARKER));
  }

  /**
   * {@code python3 /opt/hf-oracle/<name> /out /in} in the root (a mount point the provisioning makes):
   * {@code scriptDir} read-only at /opt/hf-oracle,
   * {@code in} read-only at /in, {@code out} writable at /out (the working folder),
   * with {@code threads} for OpenMP and OpenBLAS.
   */
  public static List<String> python(Path root, Path scriptDir, String script, Path in, Path out, int threads) {
    String t = Integer.toString(threads);
    return new ArrayList<>(List.of("bwrap", "--ro-bind", root.toString(), "/", "--proc", "/proc",
        "--dev", "/dev", "--tmpfs", "/tmp", "--unshare-net",
        "--ro-bind", scriptDir.toAbsolutePath().toString(), "/opt/hf-oracle", "--ro-bind", in.toAbsolutePath().toString(),
        "/in", "--bind", out.toAbsolutePath().toString(), "/out", "--chdir", "/out", "--die-with-parent", "--clearenv",
        "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp", "--setenv", "LC_ALL", "C.UTF-8",
        "--setenv", "OMP_NUM_THREADS", t, "--setenv", "OPENBLAS_NUM_THREADS", t,
        "python3", "/opt/hf-oracle/" + script, "/out", "/in"));
  }
}

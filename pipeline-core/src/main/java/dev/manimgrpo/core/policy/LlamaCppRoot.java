package dev.manimgrpo.core.policy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The llama.cpp root that {@code cluster-conf/provision/llama-server.sh} builds (Debian sid with
 * {@code llama.cpp-tools} and {@code python3-gguf}), and how a command runs inside it: bwrap with the
 * root read-only, a private /tmp, one host folder at {@code /models}, no inherited environment.
 */
public final class LlamaCppRoot {

  /** Written by the provisioning script once the root is complete. */
  public static final String MARKER = ".manim-grpo-llama";
  public static final String PROVISION_SCRIPT = "cluster-conf/provision/llama-server.sh";

  private LlamaCppRoot() {}

  /** $MANIM_GRPO_LLAMA_ROOT, else {@code manim-grpo/runtime/llama-sid} under the user's cache folder. */
  public static Path location() {
    String env = System.getenv("MANIM_GRPO_LLAMA_ROOT");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return dev.manimgrpo.core.config.CacheConfig.userCacheDir().resolve("runtime/llama-sid");
  }

  public static boolean provisioned(Path root) {
    return Files.isRegularFile(root.resolve(MARKER));
  }

  /**
   * {@code command} run inside {@code root} with {@code dir} at {@code /models} (read-only or not)
   * as its working folder, in the host's network namespace (a server listens on loopback).
   */
  public static List<String> command(Path root, Path dir, boolean readOnlyModels, List<String> command) {
    List<String> cmd = new ArrayList<>(List.of("bwrap", "--ro-bind", root.toString(), "/", "--proc", "/proc",
        "--dev", "/dev", "--tmpfs", "/tmp", readOnlyModels ? "--ro-bind" : "--bind", dir.toString(), "/models",
        "--chdir", "/models", "--die-with-parent", "--clearenv", "--setenv", "PATH", "/usr/bin:/bin",
        "--setenv", "HOME", "/tmp", "--setenv", "LC_ALL", "C.UTF-8"));
    cmd.addAll(command);
    return cmd;
  }
}

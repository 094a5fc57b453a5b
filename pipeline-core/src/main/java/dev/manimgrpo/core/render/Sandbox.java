package dev.manimgrpo.core.render;

import dev.manimgrpo.core.config.RuntimeConfig.RuntimeMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds bubblewrap command lines that run untrusted code. The sandbox sees the runtime
 * read-only, its own scratch folder as the only writable place (bound as {@code /scratch},
 * with {@code /tmp} inside it), fresh /proc and /dev, no network (a network namespace of its
 * own, so not even the host's loopback), no IPC or PID sharing with the host, and an empty
 * environment: nothing of the JVM's environment, credentials included, passes in.
 *
 * <p>When the JVM runs as root, the sandbox drops to an unprivileged uid (no capabilities,
 * no-new-privs) so that process and file-size limits apply; otherwise it runs in a user
 * namespace of the calling user.
 */
public final class Sandbox {

  /** Where the scratch folder appears inside the sandbox. */
  public static final String SCRATCH = "/scratch";
  /** Where the worker script folder appears inside the sandbox. */
  public static final String WORKER_DIR = "/opt/manim-grpo";

  private static final boolean JVM_IS_ROOT = "0".equals(uidOfJvm());

  private final ManimRuntime runtime;

  public Sandbox(ManimRuntime runtime) {
    this.runtime = runtime;
  }

  /** True when this JVM runs as root, so sandboxes switch to an unprivileged uid. */
  public static boolean jvmIsRoot() {
    return JVM_IS_ROOT;
  }

  /**
   * Creates (or empties nothing of) a scratch folder usable by the sandbox user {@code uid}:
   * owned by it when the JVM is root, private to the caller otherwise.
   */
  public static Path prepareScratch(Path dir, int uid) {
    try {
      Files.createDirectories(dir.resolve("tmp"));
      if (JVM_IS_ROOT) {
        for (Path p : List.of(dir, dir.resolve("tmp"))) {
          Files.setAttribute(p, "unix:uid", uid);
          Files.setAttribute(p, "unix:gid", uid);
        }
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare sandbox scratch folder " + dir, e);
    }
  }

  /**
   * The command that runs {@code argv} in a sandbox.
   *
   * @param scratch host folder bound as {@code /scratch}, writable
   * @param workerDir host folder bound read-only as {@code /opt/manim-grpo}, or null
   * @param uid the uid to run as when the JVM is root
   * @param argv the program and its arguments, as seen inside the sandbox
   */
  public List<String> command(Path scratch, Path workerDir, int uid, List<String> argv) {
    List<String> cmd = new ArrayList<>();
    cmd.add(runtime.bwrap());
    if (runtime.mode() == RuntimeMode.SANDBOX_ROOT) {
      add(cmd, "--ro-bind", runtime.root().toString(), "/");
    } else {
      for (String p : runtime.hostReadOnlyPaths()) {
        if (Files.exists(Path.of(p))) {
          add(cmd, "--ro-bind", p, p);
        }
      }
    }
    if (workerDir != null) {
      add(cmd, "--ro-bind", workerDir.toString(), WORKER_DIR);
    }
    add(cmd, "--bind", scratch.toString(), SCRATCH);
    add(cmd, "--bind", scratch.resolve("tmp").toString(), "/tmp");
    add(cmd, "--proc", "/proc");
    add(cmd, "--dev", "/dev");
    add(cmd, "--chdir", SCRATCH);
    if (JVM_IS_ROOT) {
      // No user namespace: the uid switch below must be a real one for RLIMIT_NPROC to count.
      cmd.addAll(List.of("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"));
    } else {
      cmd.add("--unshare-all");
    }
    cmd.addAll(List.of("--die-with-parent", "--new-session", "--clearenv"));
    add(cmd, "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin");
    add(cmd, "--setenv", "HOME", SCRATCH + "/tmp");
    add(cmd, "--setenv", "TMPDIR", "/tmp");
    add(cmd, "--setenv", "LC_ALL", "C.UTF-8");
    add(cmd, "--setenv", "MPLCONFIGDIR", SCRATCH + "/tmp");
    add(cmd, "--setenv", "PYTHONDONTWRITEBYTECODE", "1");
    if (JVM_IS_ROOT) {
      cmd.addAll(List.of("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
          "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"));
    }
    cmd.addAll(argv);
    return cmd;
  }

  private static void add(List<String> cmd, String... parts) {
    cmd.addAll(List.of(parts));
  }

  private static String uidOfJvm() {
    try {
      return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return "unknown";
    }
  }
}

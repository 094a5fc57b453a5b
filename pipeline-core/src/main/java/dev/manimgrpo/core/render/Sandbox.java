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
 * read-only, fresh /proc and /dev, no network (a network namespace of its own, so not even
 * the host's loopback), no IPC, PID or UTS sharing with the host, and an empty environment:
 * nothing of the JVM's environment, credentials included, passes in.
 *
 * <p>Render workers ({@link #workerCommand}) get a size-limited tmpfs as {@code /scratch} and
 * another as {@code /tmp}: the only writable places, private to the sandbox, gone with it, and
 * never seen by the host, so the host side has no render-chosen file to open. A seccomp filter
 * ({@link SeccompFilter}) refuses the system calls a render never needs (ptrace, mount,
 * namespaces, bpf, keyrings, perf events, io_uring, ...), and where bubblewrap uses a user
 * namespace, no nested one can be made ({@code --disable-userns}).
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
  /** The fd bubblewrap reads the seccomp program from (opened by the launching shell). */
  private static final String SECCOMP_FD = "3";
  /**
   * Starts bwrap through a shell that first joins the worker's cgroup (when one is given) so
   * the whole tree starts inside it, and opens the seccomp program on fd 3 (Java cannot pass
   * extra fds to a child). {@code exec} keeps the pid, so bwrap's --die-with-parent still
   * follows the launching thread.
   */
  private static final String LAUNCHER =
      "if [ -n \"$2\" ]; then echo $$ > \"$2\" || exit 97; fi; f=$1; shift 2; "
          + "if [ -n \"$f\" ]; then exec \"$@\" 3<\"$f\"; else exec \"$@\"; fi";

  private static final boolean JVM_IS_ROOT = "0".equals(uidOfJvm());

  private final ManimRuntime runtime;

  public Sandbox(ManimRuntime runtime) {
    this.runtime = runtime;
  }

  /** Null when bubblewrap can be run as configured, else what is wrong and what to do. */
  public String bwrapProblem() {
    String bwrap = runtime.bwrap();
    if (bwrap.contains("/")) {
      return Files.isExecutable(Path.of(bwrap)) ? null
          : "bubblewrap not found at " + bwrap + " (runtime.bwrap): apt-get install bubblewrap, or set runtime.bwrap to its path";
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, bwrap))) {
        return null;
      }
    }
    return "bubblewrap (" + bwrap + ") is not on the PATH: apt-get install bubblewrap, or set runtime.bwrap to its path";
  }

  /** True when this JVM runs as root, so sandboxes switch to an unprivileged uid. */
  public static boolean jvmIsRoot() {
    return JVM_IS_ROOT;
  }

  /**
   * Creates a host scratch folder usable by the sandbox user {@code uid}: owned by it when the
   * JVM is root, private to the caller otherwise. Only the cold CLI baseline binds one.
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
   * The command of a render worker: private tmpfs {@code /scratch} and {@code /tmp} of
   * {@code scratchMb} each, the worker script read-only, the full isolation.
   *
   * @param seccomp the filter program file, or null when none is available here
   * @param cgroupProcs the worker cgroup's {@code cgroup.procs}, or null without cgroup v2
   */
  public List<String> workerCommand(Path workerDir, int uid, int scratchMb, Path seccomp, Path cgroupProcs,
      List<String> argv) {
    List<String> cmd = new ArrayList<>();
    cmd.add(runtime.bwrap());
    rootBinds(cmd);
    add(cmd, "--ro-bind", workerDir.toString(), WORKER_DIR);
    String bytes = Long.toString(scratchMb * 1024L * 1024L);
    // 1777: the tmpfs belongs to root; the sandbox uid must be able to write in it.
    add(cmd, "--perms", "1777", "--size", bytes, "--tmpfs", SCRATCH);
    add(cmd, "--perms", "1777", "--size", bytes, "--tmpfs", "/tmp");
    add(cmd, "--proc", "/proc", "--dev", "/dev", "--chdir", "/");
    isolation(cmd, seccomp);
    // The worker's own home and user folders point at nothing: a render cannot plant a file
    // that the worker, or a restarted worker, would read (manim.cfg, TeX or Python user paths).
    env(cmd, "/nonexistent");
    add(cmd, "--setenv", "MPLCONFIGDIR", "/nonexistent");
    dropPrivileges(cmd, uid);
    cmd.addAll(argv);
    return launch(cmd, seccomp, cgroupProcs);
  }

  /**
   * A worker with the sandbox off, for the benchmark's side-by-side cost measurement only: the
   * runtime as its root (it cannot run otherwise) and a throwaway host folder as /scratch and
   * /tmp, but no network, IPC or UTS namespace, uid switch, seccomp, size limit or watchdog. It
   * keeps a PID namespace: the worker's process handling (killing strays) needs one, and refuses
   * to start without it. Never for untrusted code.
   */
  public List<String> unsandboxedWorkerCommand(Path workerDir, Path throwaway, List<String> argv) {
    List<String> cmd = new ArrayList<>();
    cmd.add(runtime.bwrap());
    rootBinds(cmd);
    add(cmd, "--ro-bind", workerDir.toString(), WORKER_DIR);
    add(cmd, "--bind", throwaway.resolve("scratch").toString(), SCRATCH);
    add(cmd, "--bind", throwaway.resolve("tmp").toString(), "/tmp");
    // A PID namespace even here: the worker kills every process it sees after a render.
    add(cmd, "--proc", "/proc", "--dev-bind", "/dev", "/dev", "--chdir", "/", "--unshare-pid", "--die-with-parent");
    env(cmd, "/nonexistent");
    add(cmd, "--setenv", "MPLCONFIGDIR", "/nonexistent");
    cmd.addAll(argv);
    return cmd;
  }

  /**
   * A one-shot command over a host scratch folder bound as {@code /scratch} (with {@code /tmp}
   * inside it): the cold CLI baseline, which runs one process per render as peers do.
   *
   * @param seccomp the filter program file, or null
   */
  public List<String> command(Path scratch, int uid, Path seccomp, List<String> argv) {
    List<String> cmd = new ArrayList<>();
    cmd.add(runtime.bwrap());
    rootBinds(cmd);
    add(cmd, "--bind", scratch.toString(), SCRATCH);
    add(cmd, "--bind", scratch.resolve("tmp").toString(), "/tmp");
    add(cmd, "--proc", "/proc", "--dev", "/dev", "--chdir", SCRATCH);
    isolation(cmd, seccomp);
    env(cmd, SCRATCH + "/tmp");
    add(cmd, "--setenv", "MPLCONFIGDIR", SCRATCH + "/tmp");
    dropPrivileges(cmd, uid);
    cmd.addAll(argv);
    return launch(cmd, seccomp, null);
  }

  private void rootBinds(List<String> cmd) {
    if (runtime.mode() == RuntimeMode.SANDBOX_ROOT) {
      add(cmd, "--ro-bind", runtime.root().toString(), "/");
    } else {
      for (String p : runtime.hostReadOnlyPaths()) {
        if (Files.exists(Path.of(p))) {
          add(cmd, "--ro-bind", p, p);
        }
      }
    }
  }

  private static void isolation(List<String> cmd, Path seccomp) {
    if (JVM_IS_ROOT) {
      // No user namespace: the uid switch below must be a real one for RLIMIT_NPROC to count.
      // Nested user namespaces are then refused by the seccomp filter (unshare, clone flags).
      cmd.addAll(List.of("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"));
    } else {
      cmd.addAll(List.of("--unshare-all", "--unshare-user", "--disable-userns"));
    }
    cmd.addAll(List.of("--die-with-parent", "--new-session"));
    if (seccomp != null) {
      add(cmd, "--seccomp", SECCOMP_FD);
    }
  }

  private static void env(List<String> cmd, String home) {
    cmd.add("--clearenv");
    add(cmd, "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin");
    add(cmd, "--setenv", "HOME", home);
    add(cmd, "--setenv", "TMPDIR", "/tmp");
    add(cmd, "--setenv", "LC_ALL", "C.UTF-8");
    add(cmd, "--setenv", "PYTHONDONTWRITEBYTECODE", "1");
  }

  private static void dropPrivileges(List<String> cmd, int uid) {
    if (JVM_IS_ROOT) {
      cmd.addAll(List.of("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
          "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"));
    }
  }

  private static List<String> launch(List<String> bwrap, Path seccomp, Path cgroupProcs) {
    if (seccomp == null && cgroupProcs == null) {
      return bwrap;
    }
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", LAUNCHER, "sh",
        seccomp == null ? "" : seccomp.toString(), cgroupProcs == null ? "" : cgroupProcs.toString()));
    cmd.addAll(bwrap);
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

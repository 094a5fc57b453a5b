package dev.manimgrpo.core.preflight;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.RuntimeConfig;
import dev.manimgrpo.core.config.RuntimeConfig.RuntimeMode;
import dev.manimgrpo.core.render.CgroupV2Limits;
import dev.manimgrpo.core.render.ManimRuntime;
import dev.manimgrpo.core.render.Sandbox;
import dev.manimgrpo.core.render.SeccompFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The render sandbox as the pools start it: bubblewrap where {@code runtime.bwrap} says, a real
 * worker sandbox ({@link Sandbox#workerCommand}) running {@code true} (namespaces, the runtime's
 * mounts), and what limits renders get: the seccomp filter and cgroup v2 delegation are
 * warnings, since the pools run without them (rlimits and the worker's watchdog instead).
 */
public final class SandboxCheck implements PreflightCheck {

  static final String BUBBLEWRAP = "bubblewrap";
  static final String NAMESPACES = "sandbox namespaces";
  static final String SECCOMP = "seccomp filter";
  static final String CGROUPS = "cgroup v2";
  private static final long PROBE_SECONDS = 20;

  @Override
  public List<CheckResult> run(PipelineConfig config) {
    List<CheckResult> out = new ArrayList<>();
    ManimRuntime runtime = runtimeForProbe(config.runtime());
    String bwrapProblem = new Sandbox(runtime).bwrapProblem();
    if (bwrapProblem != null) {
      out.add(CheckResult.failed(BUBBLEWRAP, bwrapProblem.substring(0, bwrapProblem.indexOf(':')),
          "apt-get install bubblewrap, or set runtime.bwrap to its path"));
      out.add(CheckResult.failed(NAMESPACES, "not probed: no bubblewrap", "see " + BUBBLEWRAP));
    } else {
      out.add(CheckResult.ok(BUBBLEWRAP, config.runtime().bwrap()));
      out.add(probe(runtime, config));
    }
    out.add(SeccompFilter.forThisMachine().isPresent() ? CheckResult.ok(SECCOMP, "available")
        : CheckResult.warning(SECCOMP, "not available: " + SeccompFilter.unavailableReason()
            + "; renders run without it", "run executors on x86_64 or aarch64 Linux"));
    CgroupV2Limits.Availability cgroups = CgroupV2Limits.detect();
    out.add(cgroups.available() ? CheckResult.ok(CGROUPS, "delegated at " + cgroups.ownCgroup())
        : CheckResult.warning(CGROUPS, CgroupV2Limits.fallbackDescription(cgroups.reason()),
            "delegate a cgroup v2 subtree to the executor's user (systemd Delegate=yes, or run the executor"
                + " in a cgroup it owns) for per-render memory, process and CPU limits"));
    return out;
  }

  /**
   * The configured runtime's mounts: a provisioned root, or (host mode, or a root that is missing,
   * which the runtime check reports) the host's system folders, so the probe still tells whether
   * namespaces work here. Host mode skips the manim import: the runtime check does it once.
   */
  private static ManimRuntime runtimeForProbe(RuntimeConfig rc) {
    ManimRuntime host = new ManimRuntime(RuntimeMode.HOST, Path.of("/"), "unknown", rc.hostReadOnlyPaths(), rc.bwrap());
    if (rc.mode() == RuntimeMode.HOST) {
      return host;
    }
    try {
      return ManimRuntime.locate(rc);
    } catch (ManimRuntime.Unavailable e) {
      return host;
    }
  }

  /** Runs {@code true} in a worker's sandbox, as the pool would start one (no seccomp, no cgroup). */
  static CheckResult probe(ManimRuntime runtime, PipelineConfig config) {
    Path workerDir = null;
    try {
      workerDir = Files.createTempDirectory("manim-grpo-preflight-");
      List<String> cmd = new Sandbox(runtime).workerCommand(workerDir, config.render().sandboxUidBase(), 16, null,
          null, List.of("true"));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      if (!p.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return CheckResult.failed(NAMESPACES, "`bwrap ... true` did not finish in " + PROBE_SECONDS + " s",
            "check bubblewrap on this node (`manim-grpo sandbox-check` runs the full suite)");
      }
      String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.exitValue() == 0) {
        return CheckResult.ok(NAMESPACES, (Sandbox.jvmIsRoot() ? "pid, net, ipc, uts" : "user, pid, net, ipc, uts")
            + " namespaces; `bwrap ... true` ran in the " + runtime.mode().configName() + " sandbox"
            + (runtime.mode() != config.runtime().mode() ? " (no runtime root: probed over the host's folders)" : ""));
      }
      return CheckResult.failed(NAMESPACES, "`bwrap ... true` exited " + p.exitValue() + ": " + lastLine(said),
          remedyFor(said, runtime));
    } catch (IOException e) {
      return CheckResult.failed(NAMESPACES, "cannot start bubblewrap: " + e.getMessage(),
          "apt-get install bubblewrap, or set runtime.bwrap to its path");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CheckResult.failed(NAMESPACES, "interrupted", "");
    } finally {
      if (workerDir != null) {
        try {
          Files.deleteIfExists(workerDir); // bwrap only mounted it: it stays empty
        } catch (IOException e) {
          // a left empty temp folder is harmless
        }
      }
    }
  }

  /** What bubblewrap's complaint asks for: namespaces the kernel refuses, or a runtime it cannot mount. */
  static String remedyFor(String bwrapSaid, ManimRuntime runtime) {
    String s = bwrapSaid.toLowerCase(Locale.ROOT);
    if (s.contains("namespace") || s.contains("uid map") || s.contains("operation not permitted")
        || s.contains("permission denied")) {
      return Sandbox.jvmIsRoot()
          ? "allow mount, pid and network namespaces for the executor (in a container: run it with"
              + " CAP_SYS_ADMIN or --privileged, or as a non-root user with user namespaces)"
          : "enable unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1 (Debian),"
              + " sysctl user.max_user_namespaces=15000, or on Ubuntu 24.04 sysctl"
              + " kernel.apparmor_restrict_unprivileged_userns=0; in a container, allow user namespaces"
              + " (e.g. --security-opt seccomp=unconfined --security-opt apparmor=unconfined)";
    }
    if (runtime.mode() == RuntimeMode.SANDBOX_ROOT) {
      return "re-provision the runtime at " + runtime.root() + " with `bash " + ManimRuntime.PROVISION_SCRIPT + "`";
    }
    return "check runtime.host-read-only-paths: the sandbox must find /usr/bin/true in them";
  }

  private static String lastLine(String s) {
    String[] lines = s.split("\n");
    String last = lines[lines.length - 1].strip();
    return last.isEmpty() ? "(no output)" : last;
  }
}

package dev.manimgrpo.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.RuntimeConfig.RuntimeMode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shape of the sandbox command lines (what each isolation promise rests on). */
class SandboxCommandTest {

  private final Sandbox sandbox = new Sandbox(new ManimRuntime(RuntimeMode.SANDBOX_ROOT, Path.of("/rt"), "0.21.0",
      List.of(), "bwrap"));

  @Test
  void workersGetPrivateSizeLimitedTmpfsAndNoHostScratch() {
    List<String> cmd = sandbox.workerCommand(Path.of("/host/worker-abc"), 60000, 64, null, null, List.of("python3"));
    assertThat(cmd.get(0)).isEqualTo("bwrap");
    assertThat(String.join(" ", cmd))
        .contains("--ro-bind /rt /")
        .contains("--ro-bind /host/worker-abc /opt/manim-grpo")
        .contains("--perms 1777 --size 67108864 --tmpfs /scratch")
        .contains("--perms 1777 --size 67108864 --tmpfs /tmp")
        .contains("--unshare-net").contains("--unshare-pid").contains("--die-with-parent").contains("--clearenv")
        .contains("--setenv HOME /nonexistent")
        .doesNotContain("--bind /")
        .doesNotContain("--seccomp");
    assertThat(Collections.frequency(cmd, "--bind")).isZero();
  }

  @Test
  void theSeccompProgramAndCgroupGoThroughTheLaunchingShell() {
    List<String> cmd = sandbox.workerCommand(Path.of("/w"), 60000, 64, Path.of("/host/seccomp-1.bpf"),
        Path.of("/sys/fs/cgroup/x/cgroup.procs"), List.of("python3"));
    assertThat(cmd.subList(0, 2)).containsExactly("/bin/sh", "-c");
    assertThat(cmd.get(2)).contains("exec \"$@\" 3<\"$f\"").contains("echo $$ > \"$2\"");
    assertThat(cmd.subList(3, 7)).containsExactly("sh", "/host/seccomp-1.bpf", "/sys/fs/cgroup/x/cgroup.procs", "bwrap");
    int i = cmd.indexOf("--seccomp");
    assertThat(cmd.get(i + 1)).isEqualTo("3");
  }

  @Test
  void theUnsandboxedBenchmarkArmIsPlainlyNotIsolated() {
    List<String> cmd = sandbox.unsandboxedWorkerCommand(Path.of("/w"), Path.of("/tmp/bench"), List.of("python3"));
    assertThat(cmd).doesNotContain("--unshare-net", "--seccomp", "/usr/bin/setpriv").contains("--unshare-pid");
    assertThat(String.join(" ", cmd)).contains("--bind /tmp/bench/scratch /scratch");
  }
}

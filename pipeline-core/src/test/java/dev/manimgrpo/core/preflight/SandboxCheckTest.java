package dev.manimgrpo.core.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.preflight.CheckResult.Status;
import dev.manimgrpo.core.render.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxCheckTest {

  @TempDir Path dir;

  @Test
  void aMissingBubblewrapFailsWithWhatToInstall() {
    List<CheckResult> results = new SandboxCheck().run(config(Map.of("runtime.bwrap", dir.resolve("no-bwrap").toString())));

    CheckResult bwrap = find(results, SandboxCheck.BUBBLEWRAP);
    assertThat(bwrap.status()).isEqualTo(Status.FAILED);
    assertThat(bwrap.detail()).contains(dir.resolve("no-bwrap").toString());
    assertThat(bwrap.remedy()).contains("apt-get install bubblewrap");
    assertThat(find(results, SandboxCheck.NAMESPACES).status()).isEqualTo(Status.FAILED);
  }

  @Test
  void bubblewrapRefusingNamespacesFailsWithTheSettingToChange() throws IOException {
    // A kernel without user namespaces cannot be had safely in a test: a bwrap that answers as
    // Debian's does there.
    Path fake = dir.resolve("bwrap");
    Files.writeString(fake, "#!/bin/sh\necho 'bwrap: No permissions to create new namespace, likely because the kernel"
        + " does not allow non-privileged user namespaces.' >&2\nexit 1\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));

    CheckResult ns = find(new SandboxCheck().run(config(Map.of("runtime.bwrap", fake.toString()))),
        SandboxCheck.NAMESPACES);

    assertThat(ns.status()).isEqualTo(Status.FAILED);
    assertThat(ns.detail()).contains("exited 1").contains("No permissions to create new namespace");
    assertThat(ns.remedy()).contains(Sandbox.jvmIsRoot() ? "CAP_SYS_ADMIN" : "sysctl kernel.unprivileged_userns_clone=1");
  }

  @Test
  void cgroupsAndSeccompAreNeverFailures() {
    List<CheckResult> results = new SandboxCheck().run(config(Map.of("runtime.bwrap", dir.resolve("none").toString())));

    assertThat(find(results, SandboxCheck.CGROUPS).status()).isNotEqualTo(Status.FAILED);
    assertThat(find(results, SandboxCheck.SECCOMP).status()).isNotEqualTo(Status.FAILED);
  }

  @Test
  @Tag("manim")
  void theRealSandboxRunsTrueInTheProvisionedRuntime() {
    List<CheckResult> results = new SandboxCheck().run(PipelineConfig.defaults());

    assertThat(find(results, SandboxCheck.BUBBLEWRAP).status()).isEqualTo(Status.OK);
    CheckResult ns = find(results, SandboxCheck.NAMESPACES);
    assertThat(ns.status()).as(ns.toString()).isEqualTo(Status.OK);
    assertThat(ns.detail()).contains("sandbox-root sandbox");
  }

  @Test
  @Tag("manim")
  void theRealSandboxRunsTrueOverTheHostsFolders() {
    CheckResult ns = find(new SandboxCheck().run(config(Map.of("runtime.mode", "host"))), SandboxCheck.NAMESPACES);

    assertThat(ns.status()).as(ns.toString()).isEqualTo(Status.OK);
    assertThat(ns.detail()).contains("host sandbox");
  }

  private static CheckResult find(List<CheckResult> results, String check) {
    return results.stream().filter(r -> r.check().equals(check)).findFirst().orElseThrow();
  }

  private static PipelineConfig config(Map<String, String> overrides) {
    return ConfigLoader.load(null, overrides);
  }
}

package dev.manimgrpo.core.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.preflight.CheckResult.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeCheckTest {

  @TempDir Path dir;

  @Test
  void anEmptyRuntimeRootFailsWithHowToProvisionIt() {
    List<CheckResult> results = new RuntimeCheck().run(config(dir, ""));

    assertThat(results).hasSize(1);
    CheckResult runtime = results.get(0);
    assertThat(runtime.check()).isEqualTo(RuntimeCheck.RUNTIME);
    assertThat(runtime.status()).isEqualTo(Status.FAILED);
    assertThat(runtime.detail()).contains("no provisioned Manim runtime at " + dir);
    assertThat(runtime.remedy()).contains("cluster-conf/provision/manim-runtime.sh").contains("MANIM_GRPO_RUNTIME");
  }

  @Test
  void aProvisionedRootWithTheExpectedVersionPasses() throws IOException {
    Path root = fakeRoot("0.21.0");

    List<CheckResult> results = new RuntimeCheck().run(config(root, "0.21"));

    assertThat(results).extracting(CheckResult::status).containsExactly(Status.OK, Status.OK);
    assertThat(results.get(1).detail()).contains("0.21.0");
  }

  @Test
  void anotherManimVersionThanConfiguredFailsNamingBoth() throws IOException {
    Path root = fakeRoot("0.19.0");

    CheckResult version = new RuntimeCheck().run(config(root, "0.21.0")).get(1);

    assertThat(version.status()).isEqualTo(Status.FAILED);
    assertThat(version.detail()).isEqualTo("expected manim 0.21.0 (preflight.manim-version), found 0.19.0");
    assertThat(version.remedy()).contains("install manim 0.21.0").contains("manim-runtime.sh");
  }

  @Test
  void aRootWithoutPythonIsNotUsable() throws IOException {
    Path root = fakeRoot("0.21.0");
    Files.delete(root.resolve("usr/bin/python3"));

    CheckResult runtime = new RuntimeCheck().run(config(root, "")).get(0);

    assertThat(runtime.status()).isEqualTo(Status.FAILED);
    assertThat(runtime.detail()).contains("no usr/bin/python3");
  }

  @Test
  void aVersionPrefixTakesItsReleasesOnly() {
    PipelineConfig c = config(dir, "0.21");
    assertThat(c.preflight().acceptsManim("0.21.0")).isTrue();
    assertThat(c.preflight().acceptsManim("0.21")).isTrue();
    assertThat(c.preflight().acceptsManim("0.210.0")).isFalse();
    assertThat(config(dir, "").preflight().acceptsManim("anything")).isTrue();
  }

  /** A root as the provisioning script leaves it, as far as the check looks. */
  private Path fakeRoot(String version) throws IOException {
    Path root = dir.resolve("root");
    Files.createDirectories(root.resolve("opt/manim-grpo"));
    Files.createDirectories(root.resolve("usr/bin"));
    Files.writeString(root.resolve(".manim-grpo-runtime"), "manim=" + version + "\n");
    Files.writeString(root.resolve("opt/manim-grpo/manim-version"), version + "\n");
    Path python = Files.createFile(root.resolve("usr/bin/python3"));
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
    return root;
  }

  static PipelineConfig config(Path root, String manimVersion) {
    return ConfigLoader.load(null, Map.of("runtime.root", root.toString(), "preflight.manim-version", manimVersion));
  }
}

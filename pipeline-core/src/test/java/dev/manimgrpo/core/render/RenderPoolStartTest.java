package dev.manimgrpo.core.render;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.PipelineConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up failures say what to do. */
class RenderPoolStartTest {

  @TempDir Path dir;

  @Test
  void aMissingRuntimeNamesTheProvisioningScript() {
    PipelineConfig c = ConfigLoader.load(null, Map.of("runtime.root", dir.resolve("none").toString()));
    assertThatThrownBy(() -> ManimRuntime.locate(c.runtime()))
        .hasMessageContaining("no provisioned Manim runtime at " + dir.resolve("none"))
        .hasMessageContaining("cluster-conf/provision/manim-runtime.sh")
        .hasMessageContaining("runtime.mode=host");
  }

  @Test
  void aMissingBubblewrapSaysToInstallIt() {
    ManimRuntime fake = new ManimRuntime(dev.manimgrpo.core.config.RuntimeConfig.RuntimeMode.SANDBOX_ROOT,
        dir, "0.0", java.util.List.of(), dir.resolve("no-such-bwrap").toString());
    assertThatThrownBy(() -> new RenderWorkerPool(fake, PipelineConfig.defaults().render().withWorkers(1), dir.resolve("s")))
        .hasMessageContaining("render pool did not start").hasMessageContaining("bubblewrap");
  }
}

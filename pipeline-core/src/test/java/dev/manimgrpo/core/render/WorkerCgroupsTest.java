package dev.manimgrpo.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.RenderConfig;
import org.junit.jupiter.api.Test;

/** What a worker's cgroup would get, and what a pool reports where there is none. */
class WorkerCgroupsTest {

  @Test
  void aWorkerCgroupGetsTheRenderLimitsOverTheWorkersBaseline() {
    RenderConfig render = PipelineConfig.defaults().render();
    var files = WorkerCgroups.settingsFor(render).files();
    assertThat(files.get("memory.max"))
        .isEqualTo(String.valueOf((render.memoryMb() + WorkerCgroups.WORKER_BASELINE_MB) * 1024L * 1024L));
    assertThat(files.get("pids.max")).isEqualTo(String.valueOf(render.maxProcesses() + WorkerCgroups.WORKER_PROCESSES));
    assertThat(files.get("cpu.max")).isEqualTo("100000 100000");
    assertThat(files.get("memory.swap.max")).isEqualTo("0");
  }

  @Test
  void withoutCgroupV2TheFallbackIsNamedWithItsReason() {
    WorkerCgroups none = WorkerCgroups.none("sandbox off");
    assertThat(none.forWorker("w")).isNull();
    assertThat(none.describe()).isEqualTo("sandbox off");
    WorkerCgroups here = WorkerCgroups.detect(PipelineConfig.defaults().render());
    CgroupV2Limits.Availability a = CgroupV2Limits.detect();
    if (!a.available()) {
      assertThat(here.describe()).contains("no cgroup v2").contains(a.reason());
      assertThat(here.forWorker("manim-grpo-test")).isNull();
    }
  }
}

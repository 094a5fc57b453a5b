package dev.manimgrpo.core.render;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.RenderConfig;
import java.nio.file.Path;

/** Test access to the provisioned runtime; tests using it carry the tag {@code manim}. */
public final class ManimRuntimeFixture {

  private ManimRuntimeFixture() {}

  /** The configuration defaults, which name the provisioned runtime. */
  public static PipelineConfig config() {
    return PipelineConfig.defaults();
  }

  /** The runtime, or a failure that says how to provision it (tests never skip silently). */
  public static ManimRuntime runtime() {
    return ManimRuntime.locate(config().runtime());
  }

  /** A pool for candidate code with the given render settings. */
  public static RenderWorkerPool pool(RenderConfig render, Path scratch) {
    return new RenderWorkerPool(runtime(), render, scratch);
  }

  /** A pool for reference scenes (the only kind the reference cache accepts). */
  public static RenderWorkerPool referencePool(RenderConfig render, Path scratch) {
    return new RenderWorkerPool(runtime(), render, scratch, RenderPoolRole.REFERENCE);
  }
}

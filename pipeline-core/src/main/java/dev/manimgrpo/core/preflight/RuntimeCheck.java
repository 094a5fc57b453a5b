package dev.manimgrpo.core.preflight;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.PreflightConfig;
import dev.manimgrpo.core.config.RuntimeConfig.RuntimeMode;
import dev.manimgrpo.core.render.ManimRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Manim runtime as the render pools find it ({@link ManimRuntime#locate}): present for the
 * configured mode, with python3 in a provisioned root, and the manim version that
 * {@code preflight.manim-version} asks for.
 */
public final class RuntimeCheck implements PreflightCheck {

  static final String RUNTIME = "runtime";
  static final String MANIM_VERSION = "manim version";

  @Override
  public List<CheckResult> run(PipelineConfig config) {
    ManimRuntime runtime;
    try {
      runtime = ManimRuntime.locate(config.runtime());
    } catch (ManimRuntime.Unavailable e) {
      // no version to compare: the one failure says what to do
      return List.of(CheckResult.failed(RUNTIME, e.problem(), e.remedy()));
    }
    return List.of(usable(runtime), version(runtime.manimVersion(), config.preflight()));
  }

  private static CheckResult usable(ManimRuntime runtime) {
    String mode = runtime.mode().configName();
    if (runtime.mode() == RuntimeMode.SANDBOX_ROOT) {
      Path python = runtime.root().resolve("usr/bin/python3");
      if (!Files.isExecutable(python) && !Files.isSymbolicLink(python)) {
        return CheckResult.failed(RUNTIME, "the runtime at " + runtime.root() + " has no usr/bin/python3",
            "re-provision it with `bash " + ManimRuntime.PROVISION_SCRIPT + "`");
      }
      return CheckResult.ok(RUNTIME, mode + " at " + runtime.root());
    }
    return CheckResult.ok(RUNTIME, mode + ": python3 imports manim");
  }

  static CheckResult version(String found, PreflightConfig preflight) {
    if (preflight.acceptsManim(found)) {
      return CheckResult.ok(MANIM_VERSION, found + (preflight.manimVersion().isEmpty() ? " (any accepted)"
          : " (expected " + preflight.manimVersion() + ")"));
    }
    return CheckResult.failed(MANIM_VERSION, "expected manim " + preflight.manimVersion()
        + " (preflight.manim-version), found " + found,
        "install manim " + preflight.manimVersion() + " here (re-provision the runtime with `bash "
            + ManimRuntime.PROVISION_SCRIPT + "`, or the host's manim), or set preflight.manim-version");
  }
}

package dev.manimgrpo.core.preflight;

import dev.manimgrpo.core.config.PipelineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Runs the preflight checks on this node: the runtime and sandbox checks of pipeline-core, then
 * every {@link PreflightCheck} on the class path's {@link ServiceLoader} (the policy's) that applies
 * to the configuration. Cheap: no render; the slowest parts are a host manim import
 * ({@code runtime.mode=host}) and loading ND4J's natives (dl4j policy).
 */
public final class Preflight {

  private Preflight() {}

  /** The checks for this class path: the built-in ones first. */
  public static List<PreflightCheck> checks() {
    List<PreflightCheck> all = new ArrayList<>(List.of(new RuntimeCheck(), new SandboxCheck()));
    ServiceLoader.load(PreflightCheck.class, Preflight.class.getClassLoader()).forEach(all::add);
    return all;
  }

  /** Runs {@link #checks()} for {@code config} and reports as node {@code host} ({@code executorId}). */
  public static PreflightReport run(PipelineConfig config, String host, String executorId) {
    return run(checks(), config, host, executorId);
  }

  /** Runs the given checks; one that throws counts as failed, with what it threw. */
  public static PreflightReport run(List<PreflightCheck> checks, PipelineConfig config, String host,
      String executorId) {
    List<CheckResult> results = new ArrayList<>();
    for (PreflightCheck c : checks) {
      if (!c.appliesTo(config)) {
        continue;
      }
      try {
        results.addAll(c.run(config));
      } catch (RuntimeException | LinkageError e) {
        results.add(CheckResult.failed(c.getClass().getSimpleName(), e.toString(),
            "report this: a preflight check should not throw"));
      }
    }
    return new PreflightReport(host, executorId, results);
  }
}

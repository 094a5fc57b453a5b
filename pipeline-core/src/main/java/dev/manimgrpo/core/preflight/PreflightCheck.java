package dev.manimgrpo.core.preflight;

import dev.manimgrpo.core.config.PipelineConfig;
import java.util.List;

/**
 * One family of preflight checks: cheap probes of what a job needs on a node (no render, no model
 * load beyond what proves the native libraries work). Modules that pipeline-core cannot see (the
 * policy's ND4J) add theirs through {@link java.util.ServiceLoader} under this interface's name.
 */
public interface PreflightCheck {

  /** Whether the configuration needs what this check probes (e.g. only the dl4j policy needs ND4J). */
  default boolean appliesTo(PipelineConfig config) {
    return true;
  }

  /** The results, one per thing checked; never throws for what it probes (a failure is a result). */
  List<CheckResult> run(PipelineConfig config);
}

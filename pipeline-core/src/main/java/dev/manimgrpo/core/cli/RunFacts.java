package dev.manimgrpo.core.cli;

import dev.manimgrpo.core.config.DatasetConfig;
import dev.manimgrpo.core.config.PolicyConfig;

/** How a {@code --dry-run} line names a run's data set and policy. */
public final class RunFacts {

  private RunFacts() {}

  /** How a run's facts name a data set selection. */
  public static String describe(DatasetConfig d) {
    return (d.bundled() ? "bundled sample set" : d.path()) + " (split " + d.split() + ", type " + d.type()
        + (d.limit() > 0 ? ", first " + d.limit() : "") + ")";
  }

  /** How a run's facts name a policy. */
  public static String describe(PolicyConfig p) {
    return switch (p.backend()) {
      case DL4J -> "dl4j " + p.checkpoint() + (PolicyConfig.BUNDLED_HF.equals(p.checkpoint()) ? " (the bundled starter)"
          : PolicyConfig.BUNDLED_OWN.equals(p.checkpoint()) ? " (the project's own starter)" : "");
      case OPENAI -> "openai " + p.openai().model() + " at " + p.openai().baseUrl();
      case LLAMA_CPP -> "llama-cpp at " + p.openai().baseUrl() + " serving " + p.checkpoint();
      case REPLAY -> "replay of " + p.replayShard();
    };
  }
}

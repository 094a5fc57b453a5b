package dev.manimgrpo.core.eval;

/**
 * A published result to set an evaluation beside: what the study reported for one model, training
 * stage and strategy.
 *
 * @param model the model as the study names it
 * @param training its training stage in this project's names: base, sft, sft_grpo
 * @param strategy direct, ritl or ritl_doc
 * @param rounds the round budget K (null when not reported)
 * @param rsr render success rate, in [0, 1]
 * @param vs visual similarity, the study's definition, in [0, 1] (null when not reported)
 * @param source where the figure was published
 */
public record StudyResult(String model, String training, String strategy, Integer rounds, double rsr, Double vs,
    String source) {

  public StudyResult {
    require(model, "model");
    require(training, "training");
    require(strategy, "strategy");
    require(source, "source");
    if (rounds != null && rounds < 1) {
      throw new IllegalArgumentException("study result " + model + ": rounds must be at least 1, got " + rounds);
    }
    if (!(rsr >= 0 && rsr <= 1)) {
      throw new IllegalArgumentException("study result " + model + ": rsr must lie in [0, 1], got " + rsr);
    }
    if (vs != null && !(vs >= 0 && vs <= 1)) {
      throw new IllegalArgumentException("study result " + model + ": vs must lie in [0, 1], got " + vs);
    }
  }

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("study result: " + field + " is blank");
    }
  }
}

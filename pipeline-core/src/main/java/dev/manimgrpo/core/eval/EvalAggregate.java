package dev.manimgrpo.core.eval;

import dev.manimgrpo.core.eval.BootstrapInterval.Interval;

/**
 * The evaluation's summary of one (policy, stage, strategy): quality with bootstrap intervals, what it
 * cost, and what render feedback recovered. One row of the report's tables.
 *
 * <p>Visual similarity counts a failed render as 0, as the study does, so the VS means are over all n
 * samples; CodeBLEU is over the samples that had a program. Costs are per sample; the ratios divide
 * them by the same policy and stage answering directly, so RITL's price reads as "×2.1 the renders".
 *
 * @param policy the policy
 * @param stage its training stage
 * @param strategy direct, ritl or ritl_doc
 * @param n samples
 * @param rsr render success rate: the share of samples whose final program rendered
 * @param vsStudy mean visual similarity, the study's definition (failures 0)
 * @param vsDefault mean visual similarity, the project's default definition (failures 0)
 * @param withProgram samples with a program to score (CodeBLEU not null)
 * @param codeBleu mean CodeBLEU over those
 * @param meanRounds mean rounds used
 * @param rendersPerSample mean renders per sample
 * @param tokensPerSample mean prompt + completion tokens per sample; null unless every sample reports both
 * @param wallSecondsPerSample mean wall seconds per sample
 * @param rendersVsDirect rendersPerSample over direct's; null without a direct row (or one that rendered nothing)
 * @param tokensVsDirect tokensPerSample over direct's; null without a direct row or token counts on either side
 * @param wallVsDirect wallSecondsPerSample over direct's; null without a direct row (or one of zero time)
 * @param firstRoundSuccessRate the share of samples whose first round rendered
 * @param recoveredByFeedback samples whose first round failed and a later round rendered
 */
public record EvalAggregate(String policy, String stage, String strategy, int n, Interval rsr, Interval vsStudy,
    Interval vsDefault, int withProgram, Interval codeBleu, double meanRounds, double rendersPerSample,
    Double tokensPerSample, double wallSecondsPerSample, Double rendersVsDirect, Double tokensVsDirect,
    Double wallVsDirect, double firstRoundSuccessRate, int recoveredByFeedback) {

  public EvalGroup group() {
    return new EvalGroup(policy, stage, strategy);
  }
}

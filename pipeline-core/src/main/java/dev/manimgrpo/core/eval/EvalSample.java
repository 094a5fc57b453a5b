package dev.manimgrpo.core.eval;

import dev.manimgrpo.core.agent.AgentRound;
import java.util.List;

/**
 * One evaluated sample: one policy, one strategy, one prompt, every round it took. A row of the
 * {@code eval_samples} table. Visual scores are 0 for a sample whose final render failed, as the
 * study counts them.
 *
 * @param evalId the evaluation run
 * @param policy the policy's name in the evaluation matrix
 * @param stage its training stage: base, sft or sft_grpo
 * @param strategy direct, ritl or ritl_doc
 * @param promptId the sample id
 * @param split train or test
 * @param difficulty Basic, Intermediate or Advanced
 * @param taskPrompt the task description
 * @param templateVersion the agent prompt template version the rounds used
 * @param roundsUsed how many rounds ran (1..K)
 * @param finalStatus the last round's status
 * @param success whether the last round rendered
 * @param errorClass the last round's exception type, when it failed with one
 * @param errorLine the last round's error line, when known
 * @param finalCode the last round's program
 * @param vsStudy the study's visual similarity of the final render (0 when it failed)
 * @param vsDefault the project's default visual similarity (0 when it failed)
 * @param codeBleu CodeBLEU of the final program against the reference (null without a program)
 * @param codeBertBleu sqrt(CodeBLEU x CodeBERT cosine), null without a configured code embedder
 * @param syntaxError whether the final program does not parse
 * @param astEditDistance normalised AST edit distance to the reference (null without a program)
 * @param promptTokens prompt tokens over all rounds (-1 when the policy does not report them)
 * @param completionTokens completion tokens over all rounds (-1 when the policy does not report them)
 * @param renders how many renders the sample cost
 * @param samplingSeconds generation time over all rounds
 * @param renderSeconds render time over all rounds
 * @param wallSeconds the whole sample, scoring included
 * @param policyId what the policy client loaded
 * @param manimVersion the manim that rendered it
 * @param rounds every round, in order
 */
public record EvalSample(String evalId, String policy, String stage, String strategy, String promptId, String split,
    String difficulty, String taskPrompt, String templateVersion, int roundsUsed, String finalStatus, boolean success,
    String errorClass, Integer errorLine, String finalCode, double vsStudy, double vsDefault, Double codeBleu,
    Double codeBertBleu, Boolean syntaxError, Double astEditDistance, long promptTokens, long completionTokens,
    int renders, double samplingSeconds, double renderSeconds, double wallSeconds, String policyId,
    String manimVersion, List<AgentRound> rounds) {

  public EvalSample {
    rounds = rounds == null ? List.of() : List.copyOf(rounds);
  }
}

package dev.manimgrpo.core.rollout;

import java.util.List;

/**
 * What an analyst needs about one rollout beyond what the trainer reads ({@link RolloutRow}): the
 * prompt, the code that was rendered, how the render failed, every reward part, the time each
 * stage took and where the rollout came from. Nulls mean "not computed" (a failed render has no
 * visual parts, a sampling failure no code), never "zero". See {@link RolloutShardSchema#DETAIL_COLUMNS}.
 */
public record RolloutDetails(
    String promptText,
    String referenceCode,
    String split,
    String difficulty,
    String extractedCode,
    String codeExtraction,
    String finishReason,
    String exceptionType,
    Integer errorLine,
    List<String> stderrTail,
    Integer renderSharedWith,
    Double codeBleu,
    Double codeBertCosine,
    Boolean syntaxError,
    Double astEditDistance,
    Double visualContent,
    Double visualColour,
    Double visualStudy,
    Double clipPart,
    String visualMethod,
    Integer candidateFrames,
    Integer referenceFrames,
    double sampleSeconds,
    double renderSeconds,
    double rewardSeconds,
    String policyId,
    String manimVersion,
    long seed,
    boolean trainerReproducible,
    boolean droppedByFilter) implements java.io.Serializable {

  public RolloutDetails {
    stderrTail = stderrTail == null ? List.of() : List.copyOf(stderrTail);
  }

  /** The same details, marked as a group dynamic sampling dropped. */
  public RolloutDetails droppedByFilter(boolean dropped) {
    return new RolloutDetails(promptText, referenceCode, split, difficulty, extractedCode, codeExtraction, finishReason,
        exceptionType, errorLine, stderrTail, renderSharedWith, codeBleu, codeBertCosine, syntaxError, astEditDistance,
        visualContent, visualColour, visualStudy, clipPart, visualMethod, candidateFrames, referenceFrames, sampleSeconds,
        renderSeconds, rewardSeconds, policyId, manimVersion, seed, trainerReproducible, dropped);
  }
}

package dev.manimgrpo.core.agent;

import java.util.List;

/**
 * One round of an agent loop, as the evaluation tables record it: what was asked, what came back,
 * what the renderer made of it.
 *
 * @param round 1-based round number
 * @param prompt the task text the policy was given this round (tagged blocks for feedback rounds)
 * @param completion the policy's answer, raw
 * @param code the program extracted from it ("" when none)
 * @param status render status wire name, or {@code sampling_error} when the policy gave no answer
 * @param exceptionType the Python exception's class, when one was raised
 * @param errorLine the line of the generated code it was raised at, when known
 * @param message one-line reason of a failure ("" on success)
 * @param stderrTail the last stderr lines of the render (what the next round is shown)
 * @param promptTokens prompt tokens, when the policy reports them (else -1)
 * @param completionTokens completion tokens, when the policy reports them (else -1)
 * @param samplingSeconds time spent generating
 * @param renderSeconds time spent rendering (0 when nothing was rendered)
 * @param docNames names the code used whose documentation was found (RITL-DOC)
 * @param docMissing names the code used that have no documentation in the installed manim (RITL-DOC)
 * @param docSuggestions real names the API search proposed for missing ones, as {@code missing->real}
 * @param docRelated API entries the search found for the task description itself (RITL-DOC)
 */
public record AgentRound(int round, String prompt, String completion, String code, String status,
    String exceptionType, Integer errorLine, String message, List<String> stderrTail, int promptTokens,
    int completionTokens, double samplingSeconds, double renderSeconds, List<String> docNames,
    List<String> docMissing, List<String> docSuggestions, List<String> docRelated) {

  public AgentRound {
    stderrTail = stderrTail == null ? List.of() : List.copyOf(stderrTail);
    docNames = docNames == null ? List.of() : List.copyOf(docNames);
    docMissing = docMissing == null ? List.of() : List.copyOf(docMissing);
    docSuggestions = docSuggestions == null ? List.of() : List.copyOf(docSuggestions);
    docRelated = docRelated == null ? List.of() : List.copyOf(docRelated);
    message = message == null ? "" : message;
    code = code == null ? "" : code;
    completion = completion == null ? "" : completion;
  }

  /** Whether this round's program rendered. */
  public boolean rendered() {
    return "rendered".equals(status);
  }
}

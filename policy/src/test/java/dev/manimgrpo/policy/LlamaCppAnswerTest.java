package dev.manimgrpo.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.policy.Generation;
import org.junit.jupiter.api.Test;

/** How a llama-server /completion answer becomes a generation: ids always, log-probs where the server gave them. */
class LlamaCppAnswerTest {

  private static final int[] PROMPT = {1, 2};

  @Test
  void everyTokenWithItsLogprobKeepsThem() {
    Generation g = LlamaCppPolicyClient.parse(0, 9, PROMPT, """
        {"content": "ab", "tokens": [5, 6], "stop_type": "eos",
         "completion_probabilities": [{"id": 5, "logprob": -0.5}, {"id": 6, "logprob": -1.25}]}""", 0.1);
    assertThat(g.tokenIds()).containsExactly(5, 6);
    assertThat(g.logprobs()).containsExactly(-0.5f, -1.25f);
    assertThat(g.finishReason()).isEqualTo("eos");
    assertThat(g.promptTokenIds()).containsExactly(PROMPT);
  }

  @Test
  void aTokenFoldedIntoTheNextOnesEntryHasNoLogprobOfItsOwn() {
    // Token 6 ends inside a UTF-8 character: llama-server reports no entry for it, token 7's is its own.
    Generation g = LlamaCppPolicyClient.parse(1, 9, PROMPT, """
        {"content": "é", "tokens": [5, 6, 7], "stop_type": "limit",
         "completion_probabilities": [{"id": 5, "logprob": -0.5}, {"id": 7, "logprob": -2.0}]}""", 0.1);
    assertThat(g.tokenIds()).containsExactly(5, 6, 7);
    assertThat(g.logprobs()).as("NaN: the trainer recomputes that one").containsExactly(-0.5f, Float.NaN, -2.0f);
    assertThat(g.finishReason()).isEqualTo("length");
  }

  @Test
  void theTokensOfTheStopStringHaveNoLogprobsAndNoEntriesAtAllGiveNull() {
    // llama-server stops at the stop string and reports no entries for the tokens that spell it.
    Generation g = LlamaCppPolicyClient.parse(2, 9, PROMPT, """
        {"content": "x", "tokens": [5, 6, 8, 9], "stop_type": "word",
         "completion_probabilities": [{"id": 5, "logprob": -0.5}, {"id": 6, "logprob": -0.25}]}""", 0.1);
    assertThat(g.logprobs()).containsExactly(-0.5f, -0.25f, Float.NaN, Float.NaN);
    assertThat(g.finishReason()).isEqualTo("stop");
    Generation none = LlamaCppPolicyClient.parse(3, 9, PROMPT, """
        {"content": "x", "tokens": [5], "stop_type": "word", "completion_probabilities": []}""", 0.1);
    assertThat(none.logprobs()).isNull();
  }

  @Test
  void anAnswerThatIsNotACompletionIsRetried() {
    assertThat(LlamaCppPolicyClient.parse(0, 1, PROMPT, "<html>busy</html>", 0)).isNull();
    assertThat(LlamaCppPolicyClient.parse(0, 1, PROMPT, "{\"content\": \"x\"}", 0)).isNull();
  }
}

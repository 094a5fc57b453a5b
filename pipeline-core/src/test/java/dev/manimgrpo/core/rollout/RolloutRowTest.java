package dev.manimgrpo.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.rollout.RolloutRow.InvalidRolloutRowException;
import org.junit.jupiter.api.Test;

class RolloutRowTest {

  static RolloutRow row(int[] completion, float[] logprobs, String status, double advantage, boolean zeroVariance) {
    return new RolloutRow("run-1", 3, "mb-000000000001", "g-1", 0, new int[] {1, 2, 3}, completion, logprobs,
        "from manim import *", status, null, 0.5, null, 1.0, 0.7, advantage, zeroVariance, null);
  }

  @Test
  void aValidRowKeepsItsValuesAndComparesByContent() {
    RolloutRow a = row(new int[] {4, 5}, new float[] {-0.1f, -2f}, "rendered", 0.3, false);
    RolloutRow b = row(new int[] {4, 5}, new float[] {-0.1f, -2f}, "rendered", 0.3, false);
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.completionLength()).isEqualTo(2);
    assertThat(a.hasOldLogprobs()).isTrue();
    assertThat(row(new int[] {4, 5}, null, "sampling_error", 0, true).hasOldLogprobs()).isFalse();
    assertThat(a).isNotEqualTo(row(new int[] {4, 6}, new float[] {-0.1f, -2f}, "rendered", 0.3, false));
  }

  @Test
  void logprobsMustMatchTheCompletionLength() {
    assertThatThrownBy(() -> row(new int[] {4, 5, 6}, new float[] {-0.1f}, "rendered", 0, false))
        .isInstanceOfSatisfying(InvalidRolloutRowException.class, e -> assertThat(e.field()).isEqualTo("old_logprobs"))
        .hasMessageContaining("has 1 values but completion_token_ids has 3");
  }

  @Test
  void logprobsMustBeLogProbabilities() {
    assertThatThrownBy(() -> row(new int[] {4}, new float[] {0.9f}, "rendered", 0, false))
        .hasMessageContaining("old_logprobs").hasMessageContaining("were probabilities written instead");
    assertThatThrownBy(() -> row(new int[] {4}, new float[] {Float.NEGATIVE_INFINITY}, "rendered", 0, false))
        .hasMessageContaining("old_logprobs");
    // NaN marks a token the sampler gave no log-prob for; the trainer recomputes it.
    assertThat(row(new int[] {4, 5}, new float[] {-0.5f, Float.NaN}, "rendered", 0, false).oldLogprobs()[1]).isNaN();
  }

  @Test
  void unknownStatusNamesTheAllowedOnes() {
    assertThatThrownBy(() -> row(new int[] {4}, null, "exploded", 0, false))
        .isInstanceOfSatisfying(InvalidRolloutRowException.class, e -> assertThat(e.field()).isEqualTo("status"))
        .hasMessageContaining("'exploded'").hasMessageContaining("sampling_error").hasMessageContaining("syntax_error");
  }

  @Test
  void zeroVarianceGroupsHaveZeroAdvantage() {
    assertThatThrownBy(() -> row(new int[] {4}, null, "rendered", 0.5, true))
        .isInstanceOfSatisfying(InvalidRolloutRowException.class, e -> assertThat(e.field()).isEqualTo("advantage"));
  }

  @Test
  void requiredFieldsAndNumbersAreChecked() {
    assertThatThrownBy(() -> new RolloutRow(" ", 0, "p", "g", 0, new int[0], new int[0], null, "", "rendered", null,
        null, null, null, 0, 0, false, null)).hasMessageContaining("column 'run_id' is blank");
    assertThatThrownBy(() -> new RolloutRow("r", -1, "p", "g", 0, new int[0], new int[0], null, "", "rendered", null,
        null, null, null, 0, 0, false, null)).hasMessageContaining("column 'step'");
    assertThatThrownBy(() -> new RolloutRow("r", 0, "p", "g", 0, null, new int[0], null, "", "rendered", null,
        null, null, null, 0, 0, false, null)).hasMessageContaining("column 'prompt_token_ids' is null");
    assertThatThrownBy(() -> new RolloutRow("r", 0, "p", "g", 0, new int[] {-3}, new int[0], null, "", "rendered", null,
        null, null, null, 0, 0, false, null)).hasMessageContaining("prompt_token_ids' [0] is -3");
    assertThatThrownBy(() -> new RolloutRow("r", 0, "p", "g", 0, new int[0], new int[0], null, "", "rendered", null,
        Double.NaN, null, null, 0, 0, false, null)).hasMessageContaining("column 'reward_text' is NaN");
    assertThatThrownBy(() -> new RolloutRow("r", 0, "p", "g", 0, new int[0], new int[0], null, "", "rendered", null,
        null, null, null, Double.POSITIVE_INFINITY, 0, false, null)).hasMessageContaining("column 'reward' is Infinity");
  }
}

package dev.manimgrpo.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.rollout.RolloutRow;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Old log-probs: the sampler's where the shard has them, the policy's own where it has none. */
class StepRecordsTest {

  private static GrpoTrainer.Rollout rollout(float[] logprobs) {
    int[] prompt = {1, 2, 3};
    int[] completion = {4, 5, 6};
    RolloutRow row = new RolloutRow("run", 0, "p", "g", 0, prompt, completion, logprobs, "x", "rendered", null, 0.5,
        null, 1.0, 0.7, 0.1, false, null);
    return new GrpoTrainer.Rollout(row, new int[] {1, 2, 3, 4, 5, 6}, prompt.length);
  }

  private static double[][] recomputed(TokenBatch tb) {
    double[][] out = new double[tb.inputs().length][tb.inputs()[0].length];
    for (double[] row : out) {
      java.util.Arrays.fill(row, -9.0);
    }
    return out;
  }

  @Test
  void tokensTheSamplerGaveNoLogprobForTakeTheRecomputedOnesAndOnlyThose() {
    List<GrpoTrainer.Rollout> batch = List.of(rollout(new float[] {-0.5f, -0.25f, Float.NaN}),
        rollout(new float[] {-1f, -2f, -3f}));
    TokenBatch tb = TokenBatch.of(List.of(batch.get(0).sequence(), batch.get(1).sequence()), new int[] {3, 3}, 0);
    AtomicInteger calls = new AtomicInteger();
    double[][] old = StepRecords.oldLogprobs(batch, tb, true, () -> {
      calls.incrementAndGet();
      return recomputed(tb);
    });
    // completion token j is the target at position prompt - 1 + j
    assertThat(old[0][2]).isEqualTo(-0.5);
    assertThat(old[0][3]).isEqualTo(-0.25);
    assertThat(old[0][4]).as("the stop string's token: recomputed").isEqualTo(-9.0);
    assertThat(old[1][2]).isEqualTo(-1.0);
    assertThat(old[1][4]).isEqualTo(-3.0);
    assertThat(calls.get()).as("recomputed once for the batch").isEqualTo(1);

    AtomicInteger none = new AtomicInteger();
    StepRecords.oldLogprobs(List.of(batch.get(1)), TokenBatch.of(List.of(batch.get(1).sequence()), new int[] {3}, 0),
        true, () -> {
          none.incrementAndGet();
          return null;
        });
    assertThat(none.get()).as("complete log-probs need no recomputation").isZero();
  }
}

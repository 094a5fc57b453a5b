package dev.manimgrpo.policy.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.policy.model.ForwardResult;
import dev.manimgrpo.policy.model.ModelConfig;
import dev.manimgrpo.policy.model.ModelParameters;
import dev.manimgrpo.policy.model.NativeThreads;
import dev.manimgrpo.policy.model.Nd4jTransformerLm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Cached decoding must give the logits of re-running each sequence on its own. */
class KvCacheTest {

  @BeforeAll
  static void oneOpThread() {
    // libnd4j's OpenMP threads only add barrier overhead on these tiny arrays (see NativeThreads).
    NativeThreads.limitOpThreads(1);
  }

  static final ModelConfig CONFIG = new ModelConfig(13, 2, 2, 8, 12, 4, 0.0);
  private final Nd4jTransformerLm lm = new Nd4jTransformerLm();

  static ModelParameters params(DataType type) {
    ModelParameters p = ModelParameters.initialise(CONFIG, 21, type);
    p.asMap().forEach((name, a) -> {
      if (a.rank() == 2) {
        a.muli(12.0); // sharper attention than GPT-2 init, so masking mistakes show
      }
    });
    return p;
  }

  @Test
  void cachedLogitsEqualUncachedInFloat() {
    check(params(DataType.FLOAT), 1e-4);
  }

  @Test
  void cachedLogitsEqualUncachedInDouble() {
    check(params(DataType.DOUBLE), 1e-10);
  }

  private void check(ModelParameters p, double tolerance) {
    int[][] prompts = {{3, 1, 4}, {1, 5, 9, 2, 6}, {5}};
    KvCache cache = KvCache.allocate(CONFIG, 3, 10, p.dataType());
    INDArray cached = lm.prefill(p, cache, prompts);
    assertThat(cache.length()).isEqualTo(5);
    assertThat(cache.padding()).containsExactly(2, 0, 4);
    int[][] sequences = {prompts[0].clone(), prompts[1].clone(), prompts[2].clone()};
    int[][] steps = {{7, 8, 0}, {2, 12, 11}, {4, 4, 4}, {6, 1, 3}};
    for (int s = 0; ; s++) {
      for (int b = 0; b < 3; b++) {
        INDArray alone = lm.lastLogits(p, new int[][] {sequences[b]});
        INDArray row = cached.get(NDArrayIndex.point(b), NDArrayIndex.all());
        double err = row.sub(alone.reshape(row.shape())).amaxNumber().doubleValue();
        assertThat(err).as("row %d after step %d", b, s).isLessThan(tolerance);
      }
      if (s == steps.length) {
        break;
      }
      cached = lm.step(p, cache, steps[s]);
      for (int b = 0; b < 3; b++) {
        sequences[b] = append(sequences[b], steps[s][b]);
      }
    }
  }

  @Test
  void prefillAgreesWithTheTrainingForward() {
    ModelParameters p = params(DataType.DOUBLE);
    int[] prompt = {2, 7, 1, 8};
    KvCache cache = KvCache.allocate(CONFIG, 1, 4, DataType.DOUBLE);
    INDArray logits = lm.prefill(p, cache, new int[][] {prompt});
    double lse = Math.log(org.nd4j.linalg.ops.transforms.Transforms.exp(logits, true)
        .sumNumber().doubleValue());
    for (int target = 0; target < CONFIG.vocabSize(); target++) {
      ForwardResult fr = lm.forward(p, new int[][] {prompt}, new int[][] {{-1, -1, -1, target}},
          false, 0);
      assertThat(fr.logProbs().getDouble(0, 3))
          .isCloseTo(logits.getDouble(0, target) - lse, org.assertj.core.api.Assertions.within(1e-10));
    }
  }

  @Test
  void repeatedAndSelectedRowsKeepTheirState() {
    ModelParameters p = params(DataType.DOUBLE);
    int[][] prompts = {{3, 1}, {4, 1, 5}};
    KvCache cache = KvCache.allocate(CONFIG, 2, 8, DataType.DOUBLE);
    lm.prefill(p, cache, prompts);
    KvCache grouped = cache.repeatRows(3);
    assertThat(grouped.padding()).containsExactly(1, 1, 1, 0, 0, 0);
    KvCache kept = grouped.selectRows(new int[] {4, 0});
    INDArray logits = lm.step(p, kept, new int[] {9, 2});
    INDArray a = lm.lastLogits(p, new int[][] {{4, 1, 5, 9}});
    INDArray b = lm.lastLogits(p, new int[][] {{3, 1, 2}});
    assertThat(logits.getRow(0).sub(a.getRow(0)).amaxNumber().doubleValue()).isLessThan(1e-10);
    assertThat(logits.getRow(1).sub(b.getRow(0)).amaxNumber().doubleValue()).isLessThan(1e-10);
  }

  static int[] append(int[] a, int t) {
    int[] b = java.util.Arrays.copyOf(a, a.length + 1);
    b[a.length] = t;
    return b;
  }
}

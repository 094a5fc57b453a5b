package dev.manimgrpo.trainer.samediff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.trainer.samediff.SameDiffTransformer.Config;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

class SameDiffTransformerTest {

  private static final Config TINY = new Config(16, 1, 2, 8, 8);

  @Test
  void lossDropsOnATinySequence() {
    SameDiffTransformer m = new SameDiffTransformer(TINY, 7);
    int[][] tokens = {{0, 1, 2, 3, 4, 5, 6, 7}, {7, 6, 5, 4, 3, 2, 1, 0}};
    Map<String, INDArray> ph = m.placeholders(tokens);
    double initial = m.loss(ph);
    assertThat(initial).isBetween(Math.log(8) - 1.0, Math.log(8) + 1.0);

    m.setTrainingConfig(new Adam(2e-2));
    for (int i = 0; i < 40; i++) {
      m.fitStep(ph);
    }
    double trained = m.loss(ph);
    assertThat(trained).isLessThan(0.3 * initial);
  }

  @Test
  void sgdStepViaCalculateGradientsLowersTheLoss() {
    SameDiffTransformer m = new SameDiffTransformer(TINY, 3);
    Map<String, INDArray> ph = m.placeholders(new int[][] {{1, 3, 5, 7, 1, 3, 5, 7}});
    double before = m.loss(ph);
    for (int i = 0; i < 5; i++) {
      m.sgdStep(ph, 0.1);
    }
    assertThat(m.loss(ph)).isLessThan(before);
  }

  @Test
  void noCausalLeak() {
    SameDiffTransformer m = new SameDiffTransformer(TINY, 11);
    int[] base = {3, 1, 4, 1, 5, 2, 6, 0};
    INDArray ref = m.logits(m.placeholders(new int[][] {base})).dup();
    int t = TINY.context();
    for (int changed = 1; changed < t; changed++) {
      int[] alt = base.clone();
      alt[changed] = (alt[changed] + 3) % TINY.vocab();
      INDArray out = m.logits(m.placeholders(new int[][] {alt}));
      for (int pos = 0; pos < t; pos++) {
        double diff = out.getRow(pos).sub(ref.getRow(pos)).amaxNumber().doubleValue();
        if (pos < changed) {
          assertThat(diff).as("position %d must not see token %d", pos, changed).isLessThan(1e-5);
        } else if (pos == changed) {
          assertThat(diff).as("position %d must see its own token", pos).isGreaterThan(1e-4);
        }
      }
    }
  }
}

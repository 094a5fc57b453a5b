package dev.manimgrpo.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CorrelationTest {

  @Test
  void pearsonOfALineIsOneAndOfItsMirrorMinusOne() {
    double[] x = {1, 2, 3, 4};
    assertThat(Correlation.pearson(x, new double[] {3, 5, 7, 9})).isCloseTo(1, within(1e-12));
    assertThat(Correlation.pearson(x, new double[] {9, 7, 5, 3})).isCloseTo(-1, within(1e-12));
  }

  @Test
  void pearsonMatchesAHandComputation() {
    // x̄ = ȳ = 2, dx = (-1, 0, 1), dy = (-1, 1, 0): Σdxdy = 1, Σdx² = Σdy² = 2, r = 1 / 2
    assertThat(Correlation.pearson(new double[] {1, 2, 3}, new double[] {1, 3, 2})).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void spearmanSeesAnyMonotoneRelationAndAveragesTies() {
    assertThat(Correlation.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 8, 27, 64}))
        .isCloseTo(1, within(1e-12));
    assertThat(Correlation.ranks(new double[] {0, 0.5, 0, 0.9})).containsExactly(1.5, 3, 1.5, 4);
  }

  @Test
  void undefinedCorrelationsAreNaN() {
    assertThat(Correlation.pearson(new double[] {1}, new double[] {2})).isNaN();
    assertThat(Correlation.pearson(new double[] {1, 2}, new double[] {0, 0})).isNaN();
    assertThatThrownBy(() -> Correlation.spearman(new double[] {1}, new double[] {1, 2}))
        .hasMessageContaining("x has 1 values, y 2");
  }
}

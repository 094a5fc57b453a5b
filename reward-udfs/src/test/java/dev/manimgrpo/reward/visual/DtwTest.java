package dev.manimgrpo.reward.visual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** DTW on inputs small enough to check by hand. */
class DtwTest {

  @Test
  void repeatedElementIsAbsorbedAtNoCost() {
    Dtw.Alignment a = Dtw.alignAbsolute(new double[] {1, 2, 3}, new double[] {1, 2, 2, 3});
    assertThat(a.cost()).isZero();
    assertThat(a.pathLength()).isEqualTo(4);
  }

  @Test
  void everyElementMustBeMatched() {
    // [0, 0] against [1]: both zeros pair with the single 1.
    Dtw.Alignment a = Dtw.alignAbsolute(new double[] {0, 0}, new double[] {1});
    assertThat(a.cost()).isEqualTo(2.0);
    assertThat(a.pathLength()).isEqualTo(2);
  }

  @Test
  void costMatrixByHand() {
    // D(0,0)=1, D(0,1)=1+3=4, D(1,0)=1+2=3, D(1,1)=1+min(1,4,3)=2
    Dtw.Alignment a = Dtw.align(new double[][] {{1, 3}, {2, 1}});
    assertThat(a.cost()).isEqualTo(2.0);
    assertThat(a.pathLength()).isEqualTo(2);
  }

  @Test
  void pathFollowsTheCheapestWarp() {
    // a = [0, 5], b = [0, 0, 5]: the 0 of a stays on both zeros of b, then 5 meets 5.
    Dtw.Path p = Dtw.alignWithPath(2, 3, (i, j) -> Math.abs(new double[] {0, 5}[i] - new double[] {0, 0, 5}[j]));
    assertThat(p.alignment().cost()).isZero();
    assertThat(p.steps()).containsExactly(new int[] {0, 0}, new int[] {0, 1}, new int[] {1, 2});
  }

  @Test
  void diagonalWhenTheMatrixSaysSo() {
    double[][] c = {{0, 5, 5}, {5, 0, 5}, {5, 5, 0}};
    Dtw.Path p = Dtw.alignWithPath(3, 3, (i, j) -> c[i][j]);
    assertThat(p.alignment().cost()).isZero();
    assertThat(p.alignment().pathLength()).isEqualTo(3);
    assertThat(p.steps()).containsExactly(new int[] {0, 0}, new int[] {1, 1}, new int[] {2, 2});
  }

  @Test
  void amongEquallyCheapPathsTheShortestIsTaken() {
    Dtw.Alignment a = Dtw.alignAbsolute(new double[] {0, 0, 0}, new double[] {0, 0});
    assertThat(a.cost()).isZero();
    assertThat(a.pathLength()).isEqualTo(3);
  }

  @Test
  void pathVariantAgreesWithTheLinearMemoryOne() {
    Random rnd = new Random(7);
    for (int t = 0; t < 50; t++) {
      int n = 1 + rnd.nextInt(9);
      int m = 1 + rnd.nextInt(9);
      double[][] c = new double[n][m];
      for (double[] row : c) {
        for (int j = 0; j < m; j++) {
          row[j] = rnd.nextInt(4);
        }
      }
      Dtw.Alignment fast = Dtw.align(c);
      Dtw.Path slow = Dtw.alignWithPath(n, m, (i, j) -> c[i][j]);
      assertThat(slow.alignment()).isEqualTo(fast);
      double along = 0;
      for (int[] s : slow.steps()) {
        along += c[s[0]][s[1]];
      }
      assertThat(along).isCloseTo(fast.cost(), within(1e-12));
      assertThat(slow.steps()).hasSize(fast.pathLength());
      assertThat(fast.pathLength()).isBetween(Math.max(n, m), n + m - 1);
    }
  }

  @Test
  void rejectsEmptySequencesAndBadCosts() {
    assertThatThrownBy(() -> Dtw.alignAbsolute(new double[0], new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> Dtw.align(1, 1, (i, j) -> -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 0)");
    assertThatThrownBy(() -> Dtw.align(1, 1, (i, j) -> Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package dev.manimgrpo.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.manimgrpo.core.eval.BootstrapInterval.Interval;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BootstrapIntervalTest {

  private static final BootstrapInterval MANY = new BootstrapInterval(20_000, 0.95, 7);

  @Test
  void twoValuesCoverTheWholeRange() {
    // resample means 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4: the 2.5 % and 97.5 % quantiles are 0 and 1
    Interval i = MANY.of(new double[] {0, 1});
    assertThat(i).isEqualTo(new Interval(0.5, 0, 1));
  }

  @Test
  void oneSuccessInFourMatchesTheExactBootstrapDistribution() {
    double[] x = {0, 0, 0, 1};
    double[] exact = exactResampleMeans(x);
    Arrays.sort(exact);
    double lo = BootstrapInterval.quantile(exact, 0.025);
    double hi = BootstrapInterval.quantile(exact, 0.975);
    // P(mean = k/4) = C(4,k) (1/4)^k (3/4)^(4-k): CDF 0.316, 0.738, 0.949, 0.996, 1
    assertThat(lo).isEqualTo(0.0);
    assertThat(hi).isEqualTo(0.75);
    assertThat(MANY.of(x)).isEqualTo(new Interval(0.25, lo, hi));
  }

  @Test
  void aConstantHasAnIntervalOfItself() {
    assertThat(BootstrapInterval.defaults().of(new double[] {0.3, 0.3, 0.3, 0.3, 0.3}))
        .isEqualTo(new Interval(0.3, 0.3, 0.3));
  }

  @Test
  void noValuesGiveNaNAndOneValueCollapses() {
    Interval none = BootstrapInterval.defaults().of(new double[0]);
    assertThat(none.isEmpty()).isTrue();
    assertThat(none.lo()).isNaN();
    assertThat(none.hi()).isNaN();
    assertThat(none.format(2)).isEqualTo("n/a");
    assertThat(BootstrapInterval.defaults().of(new double[] {0.7})).isEqualTo(new Interval(0.7, 0.7, 0.7));
  }

  @Test
  void theSameSeedGivesTheSameIntervalAndTheIntervalHoldsTheMean() {
    double[] x = new SplittableRandom(1).doubles(200).toArray();
    Interval a = new BootstrapInterval(2000, 0.95, 42).of(x);
    Interval b = new BootstrapInterval(2000, 0.95, 42).of(x);
    Interval c = new BootstrapInterval(2000, 0.95, 43).of(x);
    assertThat(a).isEqualTo(b);
    assertThat(c).isNotEqualTo(a);
    assertThat(a.contains(a.mean())).isTrue();
    assertThat(a.lo()).isLessThan(a.hi());
    // the normal approximation of a uniform mean: sd = sqrt(1/12 / 200) ~ 0.0204, half-width ~ 0.04
    assertThat(a.hi() - a.lo()).isCloseTo(2 * 1.96 * Math.sqrt(1.0 / 12 / 200), within(0.01));
  }

  @Test
  void quantileIsTheInverseEmpiricalDistribution() {
    double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertThat(BootstrapInterval.quantile(sorted, 0.025)).isEqualTo(1);
    assertThat(BootstrapInterval.quantile(sorted, 0.5)).isEqualTo(5);
    assertThat(BootstrapInterval.quantile(sorted, 0.51)).isEqualTo(6);
    assertThat(BootstrapInterval.quantile(sorted, 0.975)).isEqualTo(10);
    double[] ranks = new double[2000];
    Arrays.setAll(ranks, i -> i + 1);
    assertThat(BootstrapInterval.quantile(ranks, 0.025)).isEqualTo(50);
    assertThat(BootstrapInterval.quantile(ranks, 0.975)).isEqualTo(1950);
  }

  @Test
  void formatsMeanAndEnds() {
    assertThat(new Interval(0.4166, 0.3, 0.55).format(2)).isEqualTo("0.42 [0.30, 0.55]");
  }

  @Test
  void rejectsMeaninglessSettings() {
    assertThatThrownBy(() -> new BootstrapInterval(0, 0.95, 1)).hasMessageContaining("at least 1, got 0");
    assertThatThrownBy(() -> new BootstrapInterval(10, 1.0, 1)).hasMessageContaining("got 1.0");
  }

  /** The mean of every one of the n^n equally likely resamples. */
  private static double[] exactResampleMeans(double[] x) {
    int n = x.length;
    int total = (int) Math.pow(n, n);
    double[] means = new double[total];
    for (int code = 0; code < total; code++) {
      double sum = 0;
      for (int i = 0, c = code; i < n; i++, c /= n) {
        sum += x[c % n];
      }
      means[code] = sum / n;
    }
    return means;
  }
}

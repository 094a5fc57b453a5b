package dev.manimgrpo.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.manimgrpo.core.rollout.ThroughputModel;
import org.junit.jupiter.api.Test;

class ScaleBenchmarkTest {

  @Test
  void theCalibratingRunIsPredictedExactlyAndItsSpareTimeIsTheWavesFixedCost() {
    // 64 rollouts, 40 unique renders of 0.5 s, 0.05 s of scoring each, 2 waves, 30 s of wall time on 1 slot.
    ScaleBenchmark.Measurement m = new ScaleBenchmark.Measurement(1, 64, 40, 2, 30.0, 20.0, 3.2, 320_000);
    ScaleBenchmark.Calibration cal = ScaleBenchmark.calibrate(m, new double[] {1.5, 300}, 2);
    ThroughputModel.Work w = cal.work();
    assertThat(w.renderSeconds()).isCloseTo(0.5, within(1e-12));
    assertThat(w.rendersPerRollout()).isCloseTo(40 / 64.0, within(1e-12));
    assertThat(w.rewardSeconds()).isCloseTo(0.05, within(1e-12));
    assertThat(w.inProcessSampleSeconds()).isEqualTo(1.5);
    assertThat(w.bytesPerRollout()).isCloseTo(5000, within(1e-9));
    // one render slot renders 20 s in all: the remaining 10 s are the two waves' fixed cost
    assertThat(cal.overheads().secondsPerWave()).isCloseTo(5.0, within(1e-9));
    ThroughputModel.Work replayed = new ThroughputModel.Work(w.renderSeconds(), w.rendersPerRollout(), w.rewardSeconds(), 0,
        w.completionTokens(), w.bytesPerRollout());
    var p = ThroughputModel.predict(new ThroughputModel.Cluster(1, 2, 1), replayed, ThroughputModel.Services.none(),
        new ThroughputModel.Overheads(8, 8, cal.overheads().secondsPerWave(), 0), 8);
    assertThat(p.stepWallSeconds()).isCloseTo(25.0, within(1e-9)); // 8 prompts: one wave of 64 rollouts
  }
}

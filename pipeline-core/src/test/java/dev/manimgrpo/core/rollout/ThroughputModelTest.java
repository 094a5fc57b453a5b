package dev.manimgrpo.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.manimgrpo.core.rollout.ThroughputModel.Cluster;
import dev.manimgrpo.core.rollout.ThroughputModel.Overheads;
import dev.manimgrpo.core.rollout.ThroughputModel.Services;
import dev.manimgrpo.core.rollout.ThroughputModel.Work;
import org.junit.jupiter.api.Test;

class ThroughputModelTest {

  // 0.5 s a render, half the programs of a group identical, 0.1 s of scoring: 0.35 core-seconds a rollout.
  private static final Work SERVED = new Work(0.5, 0.5, 0.1, 0, 400, 5000);
  private static final Overheads FREE = new Overheads(8, 8, 0, 0);

  @Test
  void renderSlotsBeyondTheCoresAddNothing() {
    double two = ThroughputModel.predict(new Cluster(1, 2, 2), SERVED, Services.none(), FREE, 64).rolloutsPerHour();
    double four = ThroughputModel.predict(new Cluster(1, 2, 4), SERVED, Services.none(), FREE, 64).rolloutsPerHour();
    double one = ThroughputModel.predict(new Cluster(1, 2, 1), SERVED, Services.none(), FREE, 64).rolloutsPerHour();
    assertThat(four).isEqualTo(two);
    // one slot renders 0.25 s a rollout at a time, the cores' limit is 0.35 / 2: the slot binds
    assertThat(one).isCloseTo(3600 / 0.25, within(1e-6));
    assertThat(two).isCloseTo(3600 * 2 / 0.35, within(1e-6));
  }

  @Test
  void executorsScaleLinearlyUntilThePolicyServerBinds() {
    Services server = new Services(20_000, 0);
    var small = ThroughputModel.predict(new Cluster(2, 8, 8), SERVED, server, FREE, 1024);
    var large = ThroughputModel.predict(new Cluster(200, 8, 8), SERVED, server, FREE, 1024);
    assertThat(small.bound()).isEqualTo("executor cores");
    assertThat(small.rolloutsPerHour()).isCloseTo(3600 * 16 / 0.35, within(1e-6));
    assertThat(large.bound()).isEqualTo("policy server");
    assertThat(large.rolloutsPerHour()).isCloseTo(3600 * 20_000 / 400.0, within(1e-6));
  }

  @Test
  void inProcessSamplingSharesTheExecutorsCores() {
    Work sampling = new Work(0.5, 0.5, 0.1, 0.65, 400, 5000);
    double rate = ThroughputModel.predict(new Cluster(1, 2, 2), sampling, Services.none(), FREE, 64).rolloutsPerHour();
    assertThat(rate).isCloseTo(3600 * 2 / 1.0, within(1e-6));
  }

  @Test
  void aSlowObjectStoreBinds() {
    var p = ThroughputModel.predict(new Cluster(100, 8, 8), SERVED, new Services(0, 1_000_000), FREE, 1024);
    assertThat(p.bound()).isEqualTo("object store writes");
    assertThat(p.rolloutsPerHour()).isCloseTo(3600 * 200.0, within(1e-6));
  }

  @Test
  void fixedCostsPerWaveAndStepLengthenTheStep() {
    Cluster c = new Cluster(1, 2, 2);
    var free = ThroughputModel.predict(c, SERVED, Services.none(), FREE, 64);
    var costly = ThroughputModel.predict(c, SERVED, Services.none(), new Overheads(8, 8, 2.0, 5.0), 64);
    // 64 prompts in waves of 8: 8 waves x 2 s + 5 s
    assertThat(costly.stepWallSeconds() - free.stepWallSeconds()).isCloseTo(21.0, within(1e-9));
    assertThat(costly.rolloutsPerStep()).isEqualTo(512);
    assertThat(costly.rolloutsPerHour()).isLessThan(free.rolloutsPerHour());
  }

  @Test
  void byDefaultAStepIsOneWrite() {
    // rollout.wave-groups = 0: the whole step in one write, whatever the cluster, so one fixed cost
    var p = ThroughputModel.predict(new Cluster(16, 8, 8), SERVED, Services.none(), new Overheads(0, 8, 3.0, 0), 1024);
    var free = ThroughputModel.predict(new Cluster(16, 8, 8), SERVED, Services.none(), new Overheads(0, 8, 0, 0), 1024);
    assertThat(p.stepWallSeconds() - free.stepWallSeconds()).isCloseTo(3.0, within(1e-9));
    // waves of 256 groups: 4 writes
    var waves = ThroughputModel.predict(new Cluster(16, 8, 8), SERVED, Services.none(), new Overheads(256, 8, 3.0, 0), 1024);
    assertThat(waves.stepWallSeconds() - free.stepWallSeconds()).isCloseTo(12.0, within(1e-9));
  }

  @Test
  void aClusterNeedsAtLeastOneOfEach() {
    assertThatThrownBy(() -> new Cluster(0, 8, 8)).isInstanceOf(IllegalArgumentException.class);
  }
}

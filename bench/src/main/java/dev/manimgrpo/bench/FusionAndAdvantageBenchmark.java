package dev.manimgrpo.bench;

import dev.manimgrpo.core.config.RewardConfig.Advantage;
import dev.manimgrpo.core.config.RewardConfig.Fusion;
import dev.manimgrpo.reward.advantage.AdvantageEstimators;
import dev.manimgrpo.reward.fused.RewardFusion;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Fusing one rollout's reward and one group's GRPO advantages: the cheap end of the reward stage. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class FusionAndAdvantageBenchmark {

  private final RewardFusion fusion = new RewardFusion(0.2, 0.8, Fusion.ARITHMETIC);
  private double[] group;
  private double text;
  private double visual;

  @Setup
  public void setUp() {
    SplittableRandom rnd = new SplittableRandom(7);
    group = new double[8];
    for (int i = 0; i < group.length; i++) {
      group[i] = rnd.nextDouble();
    }
    text = rnd.nextDouble();
    visual = rnd.nextDouble();
  }

  @Benchmark
  public double fuse() {
    return fusion.fuse(text, visual, true).reward();
  }

  @Benchmark
  public double[] grpoGroupOf8() {
    return AdvantageEstimators.compute(Advantage.GRPO, group, 1e-6);
  }
}

package dev.manimgrpo.policy.model;

import dev.manimgrpo.policy.sampling.Sampler;
import dev.manimgrpo.policy.sampling.SamplingParams;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times a training step and sampling against a plain matmul loop. Not part of the unit suite (the
 * class name does not end in Test); run it with
 * {@code mvn -pl trainer -am test -Dtest=TrainingStepBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 * Sizes can be overridden with -Dbench.width etc., libnd4j's op threads with -Dbench.opThreads.
 */
@Tag("benchmark")
class TrainingStepBenchmark {

  @org.junit.jupiter.api.BeforeAll
  static void threads() {
    Integer opThreads = Integer.getInteger("bench.opThreads");
    if (opThreads != null) {
      NativeThreads.limitOpThreads(opThreads);
    }
    System.out.println("libnd4j op threads: " + Nd4j.getEnvironment().maxThreads());
  }

  @Test
  void trainingStep() {
    int width = Integer.getInteger("bench.width", 256);
    int layers = Integer.getInteger("bench.layers", 4);
    int heads = Integer.getInteger("bench.heads", 4);
    int vocab = Integer.getInteger("bench.vocab", 2048);
    int batch = Integer.getInteger("bench.batch", 8);
    int time = Integer.getInteger("bench.time", 256);
    int steps = Integer.getInteger("bench.steps", 5);
    ModelConfig c = new ModelConfig(vocab, layers, heads, width, Math.max(512, time), 0.0);
    ModelParameters p = ModelParameters.initialise(c, 1);
    AdamW opt = AdamW.withDefaults(p);
    Nd4jTransformerLm lm = new Nd4jTransformerLm();
    Random r = new Random(1);
    int[][] tokens = new int[batch][time];
    int[][] targets = new int[batch][time];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < time; t++) {
        tokens[b][t] = r.nextInt(vocab);
        targets[b][t] = r.nextInt(vocab);
      }
    }
    double matmul = matmulGflops();
    double flops = (double) Nd4jTransformerLm.trainingFlopsPerToken(c, time) * batch * time;
    System.out.printf("model: %d params, %.1f GFLOP per step (counted)%n", p.count(), flops / 1e9);
    System.out.printf("plain 256x256 @ 256x1024 gemm loop: %.1f GFLOP/s%n", matmul);
    double best = Double.MAX_VALUE;
    for (int s = 0; s < steps + 2; s++) {
      long t0 = System.nanoTime();
      ForwardResult fr = lm.forward(p, tokens, targets, true, s);
      long t1 = System.nanoTime();
      Gradients g = lm.backward(fr, fr.targetMask().mul(-1.0 / (batch * time)));
      long t2 = System.nanoTime();
      AdamW.clipGlobalNorm(g, 1.0);
      opt.step(p, g, 1e-4);
      long t3 = System.nanoTime();
      double total = (t3 - t0) / 1e9;
      System.out.printf("step %d: forward %.0f ms, backward %.0f ms, clip+AdamW %.0f ms, total %.0f ms"
              + " = %.1f GFLOP/s%n", s, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6,
          total * 1e3, flops / total / 1e9);
      if (s >= 2) {
        best = Math.min(best, total);
      }
    }
    System.out.printf("best step %.0f ms: %.1f GFLOP/s = %.0f%% of the plain matmul loop%n",
        best * 1e3, flops / best / 1e9, 100 * flops / best / 1e9 / matmul);
  }

  @Test
  void sampling() {
    ModelConfig c = new ModelConfig(2048, 4, 4, 256, 512, 0.0);
    ModelParameters p = ModelParameters.initialise(c, 1);
    Sampler s = new Sampler(new Nd4jTransformerLm(), -1);
    int[][] prompts = new int[2][48];
    Random r = new Random(2);
    for (int[] row : prompts) {
      for (int i = 0; i < row.length; i++) {
        row[i] = r.nextInt(2048);
      }
    }
    SamplingParams sp = SamplingParams.of(1.0, 0.95, 0.0, 64, 3);
    s.sample(p, prompts, 4, sp.withSeed(1)); // warm-up
    long t0 = System.nanoTime();
    s.sample(p, prompts, 4, sp);
    long t1 = System.nanoTime();
    s.sampleWithoutCache(p, prompts, 4, sp);
    long t2 = System.nanoTime();
    int tokens = 2 * 4 * 64;
    System.out.printf("sampling 2 prompts x 4, 48+64 tokens: cached %.0f ms (%.0f tok/s),"
            + " uncached %.0f ms, ratio %.1fx%n", (t1 - t0) / 1e6, tokens / ((t1 - t0) / 1e9),
        (t2 - t1) / 1e6, (double) (t2 - t1) / (t1 - t0));
  }

  private static double matmulGflops() {
    INDArray a = Nd4j.rand(DataType.FLOAT, 256, 256);
    INDArray b = Nd4j.rand(DataType.FLOAT, 256, 1024);
    for (int i = 0; i < 20; i++) {
      Nd4j.gemm(a, b, false, false);
    }
    int n = 200;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Nd4j.gemm(a, b, false, false);
    }
    double s = (System.nanoTime() - t0) / 1e9;
    return 2.0 * 256 * 256 * 1024 * n / s / 1e9;
  }
}

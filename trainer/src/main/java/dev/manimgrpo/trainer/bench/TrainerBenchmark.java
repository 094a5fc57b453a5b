package dev.manimgrpo.trainer.bench;

import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.policy.model.AdamW;
import dev.manimgrpo.policy.model.Gradients;
import dev.manimgrpo.policy.model.LanguageModel;
import dev.manimgrpo.policy.model.ModelConfig;
import dev.manimgrpo.policy.model.ModelParameters;
import dev.manimgrpo.policy.model.TrainingPass;
import dev.manimgrpo.trainer.loss.GrpoLoss;
import dev.manimgrpo.trainer.loss.TokenLoss;
import dev.manimgrpo.trainer.train.TokenBatch;
import dev.manimgrpo.policy.sampling.Sampler;
import dev.manimgrpo.policy.sampling.SamplingParams;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training and sampling throughput of the policy, side by side with what the same machine can do
 * in the same run:
 * <ol>
 *   <li>the FLOP-bound limit: a plain ND4J matrix-product loop over exactly the products one
 *       training step performs (each forward product and the two of its backward pass, at the
 *       model's shapes);</li>
 *   <li>for each engine ({@code trainer.engine}: SameDiff graph, ND4J array operations), a full
 *       training step (forward with dropout, backward, clipping, AdamW): tokens/s and its share of
 *       the limit (target: at least 25%);</li>
 *   <li>for each engine, sampling tokens/s with and without the KV cache, for a group of
 *       completions.</li>
 * </ol>
 * FLOPs are counted as 2 per multiply-add of the products (the model's, not an estimate).
 */
public final class TrainerBenchmark {

  /** Shapes, repetitions and the engines to time. */
  public record Settings(ModelConfig model, int batch, int time, int steps, int group, int promptTokens,
      int newTokens, List<TrainerConfig.Engine> engines) {}

  /** One engine's figures. */
  public record EngineFigures(TrainerConfig.Engine engine, double stepSeconds, double stepGflops,
      double trainTokensPerSecond, double cachedTokensPerSecond, double uncachedTokensPerSecond) {}

  /** The measured figures. */
  public record Figures(double limitGflops, List<EngineFigures> engines) {}

  private final PrintStream out;

  public TrainerBenchmark(PrintStream out) {
    this.out = out;
  }

  /** One product {@code [m, k] x [k, n]}. */
  record Product(long m, long k, long n) {
    double flops() {
      return 2.0 * m * k * n;
    }
  }

  /** The matrix products of one forward pass, per the model's layout. */
  static List<Product> forwardProducts(ModelConfig c, int batch, int time) {
    long bt = (long) batch * time;
    long d = c.width();
    long f = c.mlpWidth();
    long hd = c.headDim();
    List<Product> p = new ArrayList<>();
    for (int l = 0; l < c.layers(); l++) {
      p.add(new Product(bt, d, 3 * d)); // q, k, v
      for (int h = 0; h < (long) batch * c.heads(); h++) {
        p.add(new Product(time, hd, time)); // q k^T
        p.add(new Product(time, time, hd)); // probs v
      }
      p.add(new Product(bt, d, d)); // attention output
      p.add(new Product(bt, d, f)); // MLP up
      p.add(new Product(bt, f, d)); // MLP down
    }
    p.add(new Product(bt, d, c.vocabSize())); // tied LM head
    return p;
  }

  public Figures run(Settings s) {
    ModelConfig c = s.model();
    out.printf(Locale.ROOT, "trainer benchmark: model %s, batch %d x %d tokens; ND4J backend %s, %d cores%n", c,
        s.batch(), s.time(), Nd4j.getBackend().getClass().getSimpleName(), Runtime.getRuntime().availableProcessors());
    List<Product> fwd = forwardProducts(c, s.batch(), s.time());
    double stepFlops = 0;
    for (Product p : fwd) {
      stepFlops += 3 * p.flops(); // forward, and backward's two products per forward product
    }
    double limit = matmulLimit(fwd, s.steps());
    out.printf(Locale.ROOT, "  FLOP-bound limit: the step's %d matrix products alone: %.2f GFLOP in %.0f ms = %.1f GFLOP/s%n",
        fwd.size() * 3, stepFlops / 1e9, 1e3 * stepFlops / (limit * 1e9), limit);

    Random r = new Random(7);
    int[][] tokens = new int[s.batch()][s.time()];
    int[][] targets = new int[s.batch()][s.time()];
    for (int b = 0; b < s.batch(); b++) {
      for (int t = 0; t < s.time(); t++) {
        tokens[b][t] = r.nextInt(c.vocabSize());
        targets[b][t] = r.nextInt(c.vocabSize());
      }
    }
    int[][] prompt = new int[1][s.promptTokens()];
    for (int i = 0; i < prompt[0].length; i++) {
      prompt[0][i] = r.nextInt(c.vocabSize());
    }
    List<EngineFigures> figures = new ArrayList<>();
    for (TrainerConfig.Engine engine : s.engines()) {
      LanguageModel lm = LanguageModel.of(engine);
      double step = trainingStep(lm, c, tokens, targets, s.steps(), true);
      double stepGflops = stepFlops / step / 1e9;
      double trainTps = (double) s.batch() * s.time() / step;
      out.printf(Locale.ROOT, "  %-8s SFT step (forward with dropout, backward, clip, AdamW): %.0f ms = %.1f GFLOP/s = %.0f%%"
          + " of the limit (target 25%%); %.0f training tokens/s%n", engine.configName(), step * 1e3, stepGflops,
          100 * stepGflops / limit, trainTps);
      double grpo = trainingStep(lm, c, tokens, targets, s.steps(), false);
      out.printf(Locale.ROOT, "  %-8s GRPO iteration (forward, loss in Java, backward, clip, AdamW): %.0f ms = %.0f%% of"
          + " the limit; %.0f training tokens/s%n", engine.configName(), grpo * 1e3,
          100 * stepFlops / grpo / 1e9 / limit, (double) s.batch() * s.time() / grpo);

      ModelParameters sp = ModelParameters.initialise(c.withDropout(0), 2);
      Sampler sampler = new Sampler(lm, -1);
      SamplingParams params = SamplingParams.of(1.0, 1.0, 0.0, s.newTokens(), 3);
      sampler.sample(sp, prompt, s.group(), params.withSeed(1)); // warm-up
      long t0 = System.nanoTime();
      sampler.sample(sp, prompt, s.group(), params);
      double cached = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      sampler.sampleWithoutCache(sp, prompt, s.group(), params);
      double uncached = (System.nanoTime() - t0) / 1e9;
      int generated = s.group() * s.newTokens();
      out.printf(Locale.ROOT, "  %-8s sampling %d completions x %d new tokens after a %d-token prompt: KV cache %.0f"
          + " tokens/s, without %.0f tokens/s: %.1fx%n", engine.configName(), s.group(), s.newTokens(),
          s.promptTokens(), generated / cached, generated / uncached, uncached / cached);
      figures.add(new EngineFigures(engine, step, stepGflops, trainTps, generated / cached, generated / uncached));
    }
    if (figures.size() == 2) {
      out.printf(Locale.ROOT, "  %s step / %s step = %.2f%n", figures.get(0).engine().configName(),
          figures.get(1).engine().configName(), figures.get(0).stepSeconds() / figures.get(1).stepSeconds());
    }
    return new Figures(limit, figures);
  }

  /**
   * Best time of {@code steps} training steps (after one warm-up step): an SFT step (dropout on,
   * d loss / d logp known up front, so {@link LanguageModel#forwardBackward}) or a GRPO iteration
   * (dropout off, a forward pass whose log-probs the loss needs, then the backward pass).
   */
  private static double trainingStep(LanguageModel lm, ModelConfig c, int[][] tokens, int[][] targets, int steps,
      boolean sft) {
    ModelParameters p = ModelParameters.initialise(sft ? c : c.withDropout(0), 1);
    AdamW adam = AdamW.withDefaults(p);
    // SFT: every target counts, -1/n each. GRPO: the Dr.GRPO loss with advantages of both signs.
    INDArray weights = Nd4j.valueArrayOf(new long[] {tokens.length, tokens[0].length},
        -1.0 / (tokens.length * tokens[0].length), DataType.FLOAT);
    boolean[][] mask = new boolean[tokens.length][tokens[0].length];
    double[] advantages = new double[tokens.length];
    double[] ones = new double[tokens.length];
    for (int b = 0; b < tokens.length; b++) {
      java.util.Arrays.fill(mask[b], true);
      advantages[b] = b % 2 == 0 ? 1.0 : -1.0;
      ones[b] = 1.0;
    }
    double best = Double.MAX_VALUE;
    for (int i = 0; i < steps + 1; i++) {
      long t0 = System.nanoTime();
      Gradients g;
      if (sft) {
        g = lm.forwardBackward(p, tokens, targets, true, i, weights).gradients();
      } else {
        TrainingPass pass = lm.forward(p, tokens, targets, false, 0);
        double[][] logp = TokenBatch.toDouble(pass.logProbsArray());
        TokenLoss loss = GrpoLoss.of(logp, logp, logp, mask, advantages, ones, 0.2, 0.005, tokens[0].length)
            .asTokenLoss();
        g = lm.backward(pass, TokenBatch.toArray(loss.dLogp(), p.dataType()));
      }
      AdamW.clipGlobalNorm(g, 1.0);
      adam.step(p, g, 1e-4);
      double sec = (System.nanoTime() - t0) / 1e9;
      if (i > 0) { // the first step warms up (and builds SameDiff's graphs)
        best = Math.min(best, sec);
      }
      System.gc(); // ND4J frees off-heap arrays only when their Java objects are collected
    }
    return best;
  }

  /** GFLOP/s of a loop over the step's products (forward shape, then both backward shapes). */
  static double matmulLimit(List<Product> fwd, int repeats) {
    List<INDArray[]> operands = new ArrayList<>();
    for (Product p : fwd) {
      operands.add(new INDArray[] {Nd4j.rand(DataType.FLOAT, p.m(), p.k()), Nd4j.rand(DataType.FLOAT, p.k(), p.n()),
          Nd4j.rand(DataType.FLOAT, p.m(), p.n())});
    }
    double best = Double.MAX_VALUE;
    double flops = 0;
    for (Product p : fwd) {
      flops += 3 * p.flops();
    }
    for (int i = 0; i < repeats + 1; i++) {
      long t0 = System.nanoTime();
      for (INDArray[] o : operands) {
        Nd4j.gemm(o[0], o[1], false, false); // forward   Y = X W
        Nd4j.gemm(o[0], o[2], true, false); //  backward dW = X^T dY
        Nd4j.gemm(o[2], o[1], false, true); //  backward dX = dY W^T
      }
      double sec = (System.nanoTime() - t0) / 1e9;
      if (i > 0) {
        best = Math.min(best, sec);
      }
    }
    return flops / best / 1e9;
  }
}

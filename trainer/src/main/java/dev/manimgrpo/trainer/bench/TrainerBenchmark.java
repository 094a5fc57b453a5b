package dev.manimgrpo.trainer.bench;

import dev.manimgrpo.trainer.model.AdamW;
import dev.manimgrpo.trainer.model.ForwardResult;
import dev.manimgrpo.trainer.model.Gradients;
import dev.manimgrpo.trainer.model.ModelConfig;
import dev.manimgrpo.trainer.model.ModelParameters;
import dev.manimgrpo.trainer.model.TransformerLm;
import dev.manimgrpo.trainer.samediff.SameDiffTransformer;
import dev.manimgrpo.trainer.sampling.Sampler;
import dev.manimgrpo.trainer.sampling.SamplingParams;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 *   <li>a training step of the ND4J model (forward, backward, clipping, AdamW): tokens/s and its
 *       share of the limit (target: at least 25%);</li>
 *   <li>optionally the same model in SameDiff (one-hot embedding, see trainer/SAMEDIFF.md);</li>
 *   <li>sampling tokens/s with and without the KV cache, for a group of completions.</li>
 * </ol>
 * FLOPs are counted as 2 per multiply-add of the products (the model's, not an estimate).
 */
public final class TrainerBenchmark {

  /** Shapes and repetitions. */
  public record Settings(ModelConfig model, int batch, int time, int steps, int group, int promptTokens,
      int newTokens, boolean sameDiff) {}

  /** The measured figures. */
  public record Figures(double limitGflops, double stepSeconds, double stepGflops, double trainTokensPerSecond,
      double sameDiffStepSeconds, double cachedTokensPerSecond, double uncachedTokensPerSecond) {
    public double shareOfLimit() {
      return stepGflops / limitGflops;
    }
  }

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

    ModelParameters p = ModelParameters.initialise(c, 1);
    AdamW adam = AdamW.withDefaults(p);
    TransformerLm lm = new TransformerLm();
    Random r = new Random(7);
    int[][] tokens = new int[s.batch()][s.time()];
    int[][] targets = new int[s.batch()][s.time()];
    for (int b = 0; b < s.batch(); b++) {
      for (int t = 0; t < s.time(); t++) {
        tokens[b][t] = r.nextInt(c.vocabSize());
        targets[b][t] = r.nextInt(c.vocabSize());
      }
    }
    double best = Double.MAX_VALUE;
    for (int i = 0; i < s.steps() + 1; i++) {
      long t0 = System.nanoTime();
      ForwardResult fr = lm.forward(p, tokens, targets, true, i);
      Gradients g = lm.backward(fr, fr.targetMask().mul(-1.0 / (s.batch() * s.time())));
      AdamW.clipGlobalNorm(g, 1.0);
      adam.step(p, g, 1e-4);
      double sec = (System.nanoTime() - t0) / 1e9;
      if (i > 0) { // the first step warms up
        best = Math.min(best, sec);
      }
    }
    double stepGflops = stepFlops / best / 1e9;
    double trainTps = (double) s.batch() * s.time() / best;
    out.printf(Locale.ROOT, "  ND4J model training step: %.0f ms = %.1f GFLOP/s = %.0f%% of the limit (target 25%%);"
        + " %.0f training tokens/s%n", best * 1e3, stepGflops, 100 * stepGflops / limit, trainTps);

    double sd = Double.NaN;
    if (s.sameDiff()) {
      sd = sameDiffStep(c, s);
      out.printf(Locale.ROOT, "  SameDiff model, same shape (one-hot embedding, plain SGD, no dropout): %.0f ms per step"
          + " = %.0f%% of the limit; SameDiff step / ND4J step = %.2f%n", sd * 1e3, 100 * stepFlops / sd / 1e9 / limit,
          sd / best);
    }

    ModelParameters sp = ModelParameters.initialise(c.withDropout(0), 2);
    Sampler sampler = new Sampler(lm, -1);
    int[][] prompt = new int[1][s.promptTokens()];
    for (int i = 0; i < prompt[0].length; i++) {
      prompt[0][i] = r.nextInt(c.vocabSize());
    }
    SamplingParams params = SamplingParams.of(1.0, 1.0, 0.0, s.newTokens(), 3);
    sampler.sample(sp, prompt, s.group(), params.withSeed(1)); // warm-up
    long t0 = System.nanoTime();
    sampler.sample(sp, prompt, s.group(), params);
    double cached = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    sampler.sampleWithoutCache(sp, prompt, s.group(), params);
    double uncached = (System.nanoTime() - t0) / 1e9;
    int generated = s.group() * s.newTokens();
    out.printf(Locale.ROOT, "  sampling %d completions x %d new tokens after a %d-token prompt: KV cache %.0f tokens/s,"
        + " without %.0f tokens/s: %.1fx%n", s.group(), s.newTokens(), s.promptTokens(), generated / cached,
        generated / uncached, uncached / cached);
    return new Figures(limit, best, stepGflops, trainTps, sd, generated / cached, generated / uncached);
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

  private static double sameDiffStep(ModelConfig c, Settings s) {
    SameDiffTransformer m = new SameDiffTransformer(new SameDiffTransformer.Config(c.width(), c.layers(), c.heads(),
        s.time(), c.vocabSize()), SameDiffTransformer.Embedding.ONE_HOT, 1);
    Random r = new Random(3);
    int[][] tokens = new int[s.batch()][s.time()];
    for (int[] row : tokens) {
      for (int i = 0; i < row.length; i++) {
        row[i] = r.nextInt(c.vocabSize());
      }
    }
    Map<String, INDArray> ph = m.placeholders(tokens);
    // SameDiff prints a line per differentiated op to stdout while it builds the gradient graph.
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      m.gradientOpCount();
    } finally {
      System.setOut(stdout);
    }
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      m.sgdStep(ph, 1e-3);
      double sec = (System.nanoTime() - t0) / 1e9;
      if (i > 0) {
        best = Math.min(best, sec);
      }
    }
    return best;
  }
}

package dev.manimgrpo.trainer.samediff;

import dev.manimgrpo.trainer.samediff.SameDiffTransformer.Config;
import dev.manimgrpo.trainer.samediff.SameDiffTransformer.Embedding;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Times SameDiff training steps of {@link SameDiffTransformer} in several variants and prints a
 * table (see {@code trainer/SAMEDIFF.md}). Usage: {@code SameDiffStepProbe [group...]} with groups
 * {@code matmul, gather, api, sizes, scaling, chain, flops} (default: all but flops). Each row
 * reports wall ms/step (median and min over the timed steps, after warm-up steps) and the main
 * thread's CPU ms/step, which is what the Java-side interpreter costs and is robust to other load
 * on the machine.
 */
public final class SameDiffStepProbe {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private record Timing(double medianMs, double minMs, double mainCpuMs, double procCpuMs) {}

  private static final List<String> rows = new ArrayList<>();

  public static void main(String[] args) {
    Locale.setDefault(Locale.ROOT);
    Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
    List<String> groups =
        args.length == 0
            ? List.of("matmul", "gather", "api", "sizes", "scaling", "chain")
            : Arrays.asList(args);
    System.out.printf(
        "cores=%d OMP_NUM_THREADS=%s nd4jThreads=%d maxMaster=%d%n",
        Runtime.getRuntime().availableProcessors(),
        System.getenv("OMP_NUM_THREADS"),
        Nd4j.getEnvironment().maxThreads(),
        Nd4j.getEnvironment().maxMasterThreads());
    header();
    for (String g : groups) {
      switch (g) {
        case "matmul" -> matmul();
        case "gather" -> gather();
        case "api" -> api();
        case "sizes" -> sizes();
        case "scaling" -> scaling();
        case "chain" -> chain();
        case "flops" -> flops();
        case "ops" -> opBreakdown();
        default -> throw new IllegalArgumentException("unknown group " + g);
      }
    }
    System.out.println();
    System.out.println("=== table ===");
    header();
    rows.forEach(System.out::println);
  }

  private static void header() {
    System.out.printf(
        "%-58s %7s %7s %9s %9s %9s %9s %8s%n",
        "variant", "fwdOps", "gradOps", "med ms", "min ms", "mainCPU", "procCPU", "GFLOP/s");
  }

  private static void row(String name, int fwdOps, int gradOps, Timing t, double flopsPerStep) {
    String r =
        String.format(
            "%-58s %7d %7d %9.1f %9.1f %9.1f %9.1f %8s",
            name,
            fwdOps,
            gradOps,
            t.medianMs,
            t.minMs,
            t.mainCpuMs,
            t.procCpuMs,
            flopsPerStep > 0 ? String.format("%.2f", flopsPerStep / (t.medianMs * 1e6)) : "");
    System.out.println(r);
    rows.add(r);
  }

  private static Timing time(int warmup, int steps, Runnable step) {
    for (int i = 0; i < warmup; i++) {
      step.run();
    }
    double[] wall = new double[steps];
    double cpu = 0;
    long p0 = OS.getProcessCpuTime();
    for (int i = 0; i < steps; i++) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      step.run();
      wall[i] = (System.nanoTime() - t0) / 1e6;
      cpu += (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
    }
    double[] sorted = wall.clone();
    Arrays.sort(sorted);
    double proc = (OS.getProcessCpuTime() - p0) / 1e6 / steps;
    return new Timing(sorted[steps / 2], sorted[0], cpu / steps, proc);
  }

  private static int[][] tokens(int b, int t, int v, long seed) {
    Random r = new Random(seed);
    int[][] out = new int[b][t];
    for (int[] row : out) {
      for (int j = 0; j < t; j++) {
        row[j] = r.nextInt(v);
      }
    }
    return out;
  }

  /** Training FLOPs per step, ~6 * params * tokens (ignores attention's T^2 term). */
  private static double flops(Config c, int batch) {
    return 6.0 * c.paramCount() * batch * c.context();
  }

  // ---------------------------------------------------------------------------------------------

  private static void matmul() {
    INDArray a = Nd4j.rand(DataType.FLOAT, 256, 256);
    INDArray b = Nd4j.rand(DataType.FLOAT, 256, 1024);
    INDArray c = Nd4j.create(DataType.FLOAT, 256, 1024);
    Timing t = time(5, 30, () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0));
    row("plain Nd4j.gemm 256x256 @ 256x1024", 0, 0, t, 2.0 * 256 * 256 * 1024);
  }

  /** The embedding lookup: gather (gradient = interpreted while-loop) vs one-hot matmul. */
  private static void gather() {
    Config c = new Config(64, 1, 4, 32, 64);
    for (Embedding e : Embedding.values()) {
      for (int b : new int[] {8, 16}) {
        sgdRow("(a) calcGrad+SGD D64 L1 B" + b + " emb=" + e, c, e, b, 1, 3);
      }
    }
  }

  private static void sgdRow(String name, Config c, Embedding e, int batch, int warm, int steps) {
    SameDiffTransformer m = new SameDiffTransformer(c, e, 1);
    Map<String, INDArray> ph = m.placeholders(tokens(batch, c.context(), c.vocab(), 2));
    int fwd = m.forwardOpCount();
    Timing t = time(warm, steps, () -> m.sgdStep(ph, 0.01));
    row(name, fwd, m.gradientOpCount(), t, flops(c, batch));
  }

  /** API variants on the D=64, L=1, B=8, T=32 model (one-hot embedding). */
  private static void api() {
    Config c = new Config(64, 1, 4, 32, 64);
    int b = 8;
    Map<String, INDArray> ph;
    double f = flops(c, b);

    sgdRow("(a) calcGrad+SGD D64 L1 B8", c, Embedding.ONE_HOT, b, 5, 20);

    SameDiffTransformer fit = new SameDiffTransformer(c, 1);
    ph = fitPh(fit, b);
    fit.setTrainingConfig(new Adam(1e-3));
    Map<String, INDArray> phFit = ph;
    row("(b) fit(MultiDataSet)+Adam", fit.forwardOpCount(), fit.gradientOpCount(),
        time(5, 20, () -> fit.fitStep(phFit)), f);

    SameDiffTransformer fitNl = new SameDiffTransformer(c, 1);
    Map<String, INDArray> phNl = fitPh(fitNl, b);
    fitNl.setTrainingConfig(new Adam(1e-3));
    fitNl.sameDiff().setListeners();
    row("(c) fit+Adam, setListeners() empty", fitNl.forwardOpCount(), fitNl.gradientOpCount(),
        time(5, 20, () -> fitNl.fitStep(phNl)), f);

    Map<String, INDArray> phR = fitPh(fit, b);
    row("(d) rebuild graph + calcGrad every step", fit.forwardOpCount(), fit.gradientOpCount(),
        time(1, 5, () -> new SameDiffTransformer(c, 1).sgdStep(phR, 0.01)), f);

    SameDiffTransformer out = new SameDiffTransformer(c, 1);
    Map<String, INDArray> phO = fitPh(out, b);
    row("(g) forward only: output(ph, loss)", out.forwardOpCount(), 0,
        time(5, 20, () -> out.loss(phO)), f / 3);

    SameDiffTransformer noCache = new SameDiffTransformer(c, 1);
    noCache.sameDiff().setEnableCache(false);
    Map<String, INDArray> phC = fitPh(noCache, b);
    row("(g) calcGrad+SGD, setEnableCache(false)", noCache.forwardOpCount(),
        noCache.gradientOpCount(), time(5, 20, () -> noCache.sgdStep(phC, 0.01)), f);

    SameDiffTransformer prof = new SameDiffTransformer(c, 1);
    Map<String, INDArray> phP = fitPh(prof, b);
    Nd4j.getExecutioner().enableDebugMode(false);
    Nd4j.getExecutioner().enableVerboseMode(false);
    Nd4j.getEnvironment().setDebug(false);
    Nd4j.getEnvironment().setVerbose(false);
    row("(g) calcGrad+SGD, debug/verbose/profiling off", prof.forwardOpCount(),
        prof.gradientOpCount(), time(5, 20, () -> prof.sgdStep(phP, 0.01)), f);

    SameDiffTransformer ws = new SameDiffTransformer(c, 1);
    Map<String, INDArray> phW = fitPh(ws, b);
    Nd4j.getEnvironment().setMaxMasterThreads(1);
    row("(f) calcGrad+SGD, setMaxMasterThreads(1)", ws.forwardOpCount(),
        ws.gradientOpCount(), time(5, 20, () -> ws.sgdStep(phW, 0.01)), f);
    Nd4j.getEnvironment().setMaxMasterThreads(Runtime.getRuntime().availableProcessors());
  }

  private static Map<String, INDArray> fitPh(SameDiffTransformer m, int b) {
    Config c = m.config();
    return m.placeholders(tokens(b, c.context(), c.vocab(), 2));
  }

  /** (e) Batch, depth and width. */
  private static void sizes() {
    for (int d : new int[] {64, 256}) {
      for (int l : new int[] {1, 4}) {
        for (int b : new int[] {8, 16}) {
          Config c = new Config(d, l, 4, 32, 64);
          sgdRow(String.format("(e) calcGrad+SGD D%d L%d B%d T32", d, l, b),
              c, Embedding.ONE_HOT, b, 3, 10);
        }
      }
    }
  }

  /** Step time vs op count: layers 1..8 at fixed tiny size, so maths is negligible. */
  private static void scaling() {
    for (int l : new int[] {1, 2, 4, 8, 16}) {
      Config c = new Config(32, l, 2, 16, 32);
      sgdRow(String.format("scaling: D32 T16 B2 L%d", l), c, Embedding.ONE_HOT, 2, 3, 10);
    }
  }

  /** Pure interpreter overhead: a chain of n tanh ops on an 8x8 array, loss = sum. */
  private static void chain() {
    for (int n : new int[] {50, 100, 200, 400, 800, 1600}) {
      SameDiff sd = SameDiff.create();
      SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, 8, 8));
      SDVariable in = sd.placeHolder("in", DataType.FLOAT, 8, 8);
      SDVariable x = in.mul(w);
      for (int i = 0; i < n; i++) {
        x = sd.math().tanh(x);
      }
      x.sum().rename("loss");
      sd.setLossVariables("loss");
      Map<String, INDArray> ph = Map.of("in", Nd4j.rand(DataType.FLOAT, 8, 8));
      Supplier<Integer> gradOps =
          () -> {
            if (sd.getFunction("grad") == null) {
              sd.createGradFunction();
            }
            return sd.getFunction("grad").getOps().size();
          };
      Timing fwd = time(3, 10, () -> sd.output(ph, "loss"));
      row("chain of " + n + " tanh (8x8): output()", sd.getOps().size(), 0, fwd, 0);
      Timing t = time(3, 10, () -> sd.calculateGradients(ph, "w"));
      row("chain of " + n + " tanh (8x8): calculateGradients", sd.getOps().size(), gradOps.get(),
          t, 0);
    }
  }

  /** Per-op-type time (listener between pre/post op execution) for the target config. */
  private static void opBreakdown() {
    Config c = new Config(256, 4, 4, 256, 64);
    SameDiffTransformer m = new SameDiffTransformer(c, 1);
    Map<String, INDArray> ph = m.placeholders(tokens(8, c.context(), c.vocab(), 2));
    m.sgdStep(ph, 0.01);
    Map<String, long[]> acc = new java.util.TreeMap<>();
    long[] start = new long[1];
    org.nd4j.autodiff.listeners.BaseListener l =
        new org.nd4j.autodiff.listeners.BaseListener() {
          @Override
          public boolean isActive(org.nd4j.autodiff.listeners.Operation op) {
            return true;
          }

          @Override
          public void preOpExecution(SameDiff sd, org.nd4j.autodiff.listeners.At at,
              org.nd4j.autodiff.samediff.internal.SameDiffOp op,
              org.nd4j.linalg.api.ops.OpContext ctx) {
            start[0] = System.nanoTime();
          }

          @Override
          public void opExecution(SameDiff sd, org.nd4j.autodiff.listeners.At at,
              org.nd4j.linalg.dataset.api.MultiDataSet batch,
              org.nd4j.autodiff.samediff.internal.SameDiffOp op,
              org.nd4j.linalg.api.ops.OpContext ctx, INDArray[] outputs) {
            long[] a = acc.computeIfAbsent(op.getOp().opName(), k -> new long[2]);
            a[0] += System.nanoTime() - start[0];
            a[1]++;
          }
        };
    m.sameDiff().setListeners(l);
    m.sameDiff().getFunction("grad").setListeners(l);
    int steps = 2;
    long t0 = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      m.sgdStep(ph, 0.01);
    }
    double total = (System.nanoTime() - t0) / 1e6 / steps;
    double sum = 0;
    System.out.printf("op breakdown, target config, %.1f ms/step%n", total);
    List<Map.Entry<String, long[]>> es = new ArrayList<>(acc.entrySet());
    es.sort((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]));
    for (Map.Entry<String, long[]> e : es) {
      double ms = e.getValue()[0] / 1e6 / steps;
      sum += ms;
      System.out.printf("  %-24s %6d calls/step %9.1f ms/step%n", e.getKey(),
          e.getValue()[1] / steps, ms);
    }
    System.out.printf("  %-24s %9.1f ms/step inside ops, %.1f outside%n", "sum", sum, total - sum);
  }

  /** The target: L4 D256 B8 T256 (one-hot embedding, vocab 64). */
  private static void flops() {
    Config c = new Config(256, 4, 4, 256, 64);
    sgdRow("target: calcGrad+SGD D256 L4 B8 T256", c, Embedding.ONE_HOT, 8, 2, 5);
  }
}

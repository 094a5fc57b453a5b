package dev.manimgrpo.policy.model;

import dev.manimgrpo.policy.sampling.KvCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The policy as SameDiff graphs: the same pre-LayerNorm GPT as {@link Nd4jTransformerLm} (causal
 * multi-head attention, GELU-tanh MLP, final LayerNorm, LM head tied to the token embedding), with
 * gradients from SameDiff's automatic differentiation.
 *
 * <p>Three graphs per (shape, data type), built once and reused for every batch (batch and
 * sequence length are placeholder dimensions): the full forward without dropout (evaluation,
 * reference log-probs, prefill), the same with dropout (SFT), and a one-token decode step that
 * reads and extends a {@link KvCache}. The parameters are not copied into the graphs: before each
 * run the graph's variables are pointed at the arrays of the {@link ModelParameters} passed in, so
 * the optimizer's in-place updates, a frozen reference policy and a loaded checkpoint all run
 * through the same graphs.
 *
 * <p>Two choices keep SameDiff fast here (measured in {@code trainer/SAMEDIFF.md}): token and
 * position embeddings are {@code oneHot(ids) x table} rather than {@code gather}, whose gradient in
 * 1.0.0-M2.1 is an interpreted while-loop over every index; and the loss handed to SameDiff is
 * {@code sum(logp * w)} with {@code w = d loss / d logp} a placeholder, so the project's losses
 * stay plain Java (shared with the ND4J engine) and SameDiff differentiates only the network.
 * Dropout masks are drawn in Java ({@link Dropout}, seeded per step, in the ND4J engine's order)
 * and fed as placeholders, so a step is reproducible from its seed and both engines drop the same
 * units. LayerNorm (epsilon 1e-5) and GELU (tanh form) are written out from elementary ops exactly
 * as the ND4J engine computes them, so that both engines compute one function and share
 * checkpoints.
 */
public final class SameDiffTransformerLm implements LanguageModel {

  private static final String TOKENS = "tokens";
  private static final String POSITIONS = "positions";
  private static final String TARGETS = "targets";
  private static final String VALID = "valid";
  private static final String MASK = "attention_mask";
  private static final String HEADS_SHAPE = "heads_shape";
  private static final String LOSS_WEIGHTS = "dloss_dlogp";
  private static final String LOGITS = "logits";
  private static final String LOGP = "logp";
  private static final String LOSS = "loss";

  private enum Kind {
    FORWARD,
    FORWARD_DROPOUT,
    DECODE
  }

  private record GraphKey(ModelConfig config, DataType type, Kind kind) {}

  private final Map<GraphKey, Graph> graphs = new HashMap<>();
  private final Map<String, INDArray> causalMasks = new HashMap<>();

  // ---------------------------------------------------------------- training

  @Override
  public TrainingPass forward(ModelParameters p, int[][] tokens, int[][] targets,
      boolean training, long dropoutSeed) {
    Pass pass = prepare(p, tokens, targets, training, dropoutSeed);
    pass.graph.bind(p);
    INDArray logp = pass.graph.sd.output(pass.placeholders, LOGP).get(LOGP);
    pass.graph.release();
    return pass.withLogProbs(logp);
  }

  @Override
  public Gradients backward(TrainingPass pass, INDArray dLogProb) {
    if (!(pass instanceof Pass sp) || sp.owner() != this) {
      throw new IllegalArgumentException(
          "SameDiffTransformerLm.backward needs a pass from its own forward");
    }
    return gradients(sp, dLogProb, false).gradients();
  }

  /** One run of the gradient graph: forward and backward together, not a forward twice. */
  @Override
  public PassGradients forwardBackward(ModelParameters p, int[][] tokens, int[][] targets,
      boolean training, long dropoutSeed, INDArray dLogProb) {
    return gradients(prepare(p, tokens, targets, training, dropoutSeed), dLogProb, true);
  }

  private PassGradients gradients(Pass pass, INDArray dLogProb, boolean withLogProbs) {
    if (dLogProb.rank() != 2 || dLogProb.size(0) != pass.batch || dLogProb.size(1) != pass.time) {
      throw new IllegalArgumentException("dLogProb must be [" + pass.batch + ", " + pass.time
          + "], got " + java.util.Arrays.toString(dLogProb.shape()));
    }
    ModelParameters p = pass.params;
    Map<String, INDArray> ph = new HashMap<>(pass.placeholders);
    ph.put(LOSS_WEIGHTS, dLogProb.castTo(p.dataType())
        .reshape('c', new long[] {(long) pass.batch * pass.time}));
    Graph g = pass.graph;
    g.bind(p);
    Map<String, INDArray> raw;
    TrainingPass done = pass;
    if (withLogProbs) {
      OutAndGrad og = g.sd.calculateGradientsAndOutputs(ph, List.of(LOGP), g.variableNames());
      raw = og.getGradients();
      done = pass.withLogProbs(og.getOutputs().get(LOGP));
    } else {
      raw = g.sd.calculateGradients(ph, g.variableNames());
    }
    g.release();
    Gradients grads = Gradients.zerosLike(p);
    for (Map.Entry<String, String> e : g.variables.entrySet()) {
      INDArray gradient = raw.get(e.getValue());
      if (gradient == null) { // every parameter feeds the log-probs, so this is a graph bug
        throw new IllegalStateException("SameDiff computed no gradient for " + e.getKey());
      }
      grads.get(e.getKey()).assign(gradient);
    }
    return new PassGradients(done, grads);
  }

  /** Checks and lays out a batch, and draws its dropout masks: a pass without log-probs yet. */
  private Pass prepare(ModelParameters p, int[][] tokens, int[][] targets, boolean training,
      long dropoutSeed) {
    ModelConfig c = p.config();
    DataType type = p.dataType();
    ModelInputs.Training in = ModelInputs.Training.of(c, tokens, targets);
    int batch = in.batch();
    int time = in.time();
    int n = batch * time;
    boolean dropout = training && c.dropout() > 0.0;
    Graph g = graph(c, type, dropout ? Kind.FORWARD_DROPOUT : Kind.FORWARD);

    Map<String, INDArray> ph = new HashMap<>();
    ph.put(TOKENS, Nd4j.createFromArray(in.tokens()));
    ph.put(POSITIONS, Nd4j.createFromArray(in.positions()));
    ph.put(TARGETS, Nd4j.createFromArray(in.targets()));
    INDArray valid = Nd4j.create(in.valid(), new long[] {n}, 'c').castTo(type);
    ph.put(VALID, valid);
    ph.put(MASK, causalMask(time, type));
    ph.put(HEADS_SHAPE, headsShape(c, batch, time));
    if (dropout) {
      Dropout d = Dropout.of(c.dropout(), dropoutSeed);
      for (int l = 0; l < c.layers(); l++) {
        ph.put(probsMask(l), d.mask(type, batch, c.heads(), time, time));
        ph.put(attnOutMask(l), d.mask(type, n, c.width()));
        ph.put(mlpOutMask(l), d.mask(type, n, c.width()));
      }
    }
    return new Pass(g, p, ph, null, valid.reshape('c', (long) batch, time), batch, time);
  }

  /** A forward pass of this engine: the placeholders it ran with, for the backward pass. */
  private final class Pass implements TrainingPass {
    final Graph graph;
    final ModelParameters params;
    final Map<String, INDArray> placeholders;
    final INDArray logProbs;
    final INDArray targetMask;
    final int batch;
    final int time;

    Pass(Graph graph, ModelParameters params, Map<String, INDArray> placeholders,
        INDArray logProbs, INDArray targetMask, int batch, int time) {
      this.graph = graph;
      this.params = params;
      this.placeholders = placeholders;
      this.logProbs = logProbs;
      this.targetMask = targetMask;
      this.batch = batch;
      this.time = time;
    }

    SameDiffTransformerLm owner() {
      return SameDiffTransformerLm.this;
    }

    /** This pass with the graph's flat log-probs, copied out of SameDiff's arrays. */
    Pass withLogProbs(INDArray flat) {
      return new Pass(graph, params, placeholders,
          flat.dup().reshape('c', (long) batch, time), targetMask, batch, time);
    }

    @Override
    public INDArray logProbs() {
      return logProbs;
    }

    @Override
    public INDArray targetMask() {
      return targetMask;
    }

    @Override
    public int batch() {
      return batch;
    }

    @Override
    public int time() {
      return time;
    }
  }

  // ---------------------------------------------------------------- inference

  @Override
  public INDArray prefill(ModelParameters p, KvCache cache, int[][] prompts) {
    ModelInputs.checkPrefill(cache, prompts);
    return runPadded(p, prompts, cache);
  }

  @Override
  public INDArray lastLogits(ModelParameters p, int[][] sequences) {
    return runPadded(p, sequences, null);
  }

  @Override
  public INDArray step(ModelParameters p, KvCache cache, int[] nextTokens) {
    ModelConfig c = p.config();
    DataType type = p.dataType();
    int[] pos = ModelInputs.stepPositions(c, cache, nextTokens);
    if (cache.length() == 0) {
      throw new IllegalStateException("step needs a prefilled KvCache (call prefill first)");
    }
    int batch = nextTokens.length;
    int keys = cache.length() + 1;
    Graph g = graph(c, type, Kind.DECODE);
    Map<String, INDArray> ph = new HashMap<>();
    ph.put(TOKENS, Nd4j.createFromArray(nextTokens));
    ph.put(POSITIONS, Nd4j.createFromArray(pos));
    ph.put(MASK, Nd4j.create(ModelInputs.stepMask(cache.padding(), keys),
        new long[] {batch, 1, 1, keys}, 'c').castTo(type));
    ph.put(HEADS_SHAPE, headsShape(c, batch, 1));
    for (int l = 0; l < c.layers(); l++) {
      ph.put(pastKeys(l), cache.keys(l, cache.length()).dup('c'));
      ph.put(pastValues(l), cache.values(l, cache.length()).dup('c'));
    }
    g.bind(p);
    Map<String, INDArray> out = g.sd.output(ph, outputsWithCache(c));
    g.release();
    for (int l = 0; l < c.layers(); l++) {
      cache.write(l, out.get(keys(l)), out.get(values(l)));
    }
    cache.advance(1);
    return out.get(LOGITS).dup('c');
  }

  private INDArray runPadded(ModelParameters p, int[][] rows, KvCache cache) {
    ModelConfig c = p.config();
    DataType type = p.dataType();
    ModelInputs.Padded in = ModelInputs.Padded.of(c, rows);
    int batch = in.batch();
    int time = in.time();
    if (cache != null) {
      ModelInputs.checkCacheRoom(cache, time);
    }
    Graph g = graph(c, type, Kind.FORWARD);
    Map<String, INDArray> ph = new HashMap<>();
    ph.put(TOKENS, Nd4j.createFromArray(in.tokens()));
    ph.put(POSITIONS, Nd4j.createFromArray(in.positions()));
    ph.put(MASK, in.padded()
        ? Nd4j.create(ModelInputs.paddedCausalMask(in.padding(), time),
            new long[] {batch, 1, time, time}, 'c').castTo(type)
        : causalMask(time, type));
    ph.put(HEADS_SHAPE, headsShape(c, batch, time));
    g.bind(p);
    Map<String, INDArray> out = g.sd.output(ph, cache == null ? List.of(LOGITS)
        : outputsWithCache(c));
    g.release();
    if (cache != null) {
      cache.startRows(in.padding());
      for (int l = 0; l < c.layers(); l++) {
        cache.write(l, out.get(keys(l)), out.get(values(l)));
      }
      cache.advance(time);
    }
    return out.get(LOGITS).reshape('c', (long) batch, time, c.vocabSize())
        .get(NDArrayIndex.all(), NDArrayIndex.point(time - 1), NDArrayIndex.all()).dup('c');
  }

  private static List<String> outputsWithCache(ModelConfig c) {
    List<String> names = new ArrayList<>(List.of(LOGITS));
    for (int l = 0; l < c.layers(); l++) {
      names.add(keys(l));
      names.add(values(l));
    }
    return names;
  }

  // ---------------------------------------------------------------- graphs

  private Graph graph(ModelConfig c, DataType type, Kind kind) {
    return graphs.computeIfAbsent(new GraphKey(c, type, kind), k -> Graph.build(c, type, kind));
  }

  /** One SameDiff graph and the mapping from parameter names to its variable names. */
  private static final class Graph {
    final SameDiff sd;
    /** Parameter name -> SameDiff variable name, in parameter order. */
    final LinkedHashMap<String, String> variables;

    private Graph(SameDiff sd, LinkedHashMap<String, String> variables) {
      this.sd = sd;
      this.variables = variables;
    }

    List<String> variableNames() {
      return new ArrayList<>(variables.values());
    }

    /** Points every variable at {@code p}'s array (no copy). */
    void bind(ModelParameters p) {
      for (Map.Entry<String, String> e : variables.entrySet()) {
        sd.getVariable(e.getValue()).setArray(p.get(e.getKey()));
      }
    }

    /**
     * Drops the sessions of the graph and its gradient function after a run: a SameDiff session
     * keeps every array of its last execution reachable (activations of a whole forward and
     * backward pass), which otherwise stays alive until the next run of that graph.
     */
    void release() {
      sd.getSessions().clear();
      SameDiff grad = sd.getFunction("grad");
      if (grad != null) {
        grad.getSessions().clear();
      }
    }

    static Graph build(ModelConfig c, DataType type, Kind kind) {
      SameDiff sd = SameDiff.create();
      LinkedHashMap<String, String> names = new LinkedHashMap<>();
      Map<String, SDVariable> w = new HashMap<>();
      for (Map.Entry<String, long[]> e : ModelParameters.layout(c).entrySet()) {
        String sdName = e.getKey().replace('.', '_');
        names.put(e.getKey(), sdName);
        w.put(e.getKey(), sd.var(sdName, Nd4j.zeros(type, e.getValue())));
      }
      new Builder(sd, c, type, kind, w).build();
      if (kind != Kind.DECODE) {
        // Built now, once: SameDiff M2.1 prints a line per differentiated op to stdout meanwhile.
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
          sd.createGradFunction();
        } finally {
          System.setOut(stdout);
        }
      }
      return new Graph(sd, names);
    }
  }

  /** Writes the network into a SameDiff instance. */
  private static final class Builder {
    private final SameDiff sd;
    private final ModelConfig c;
    private final DataType type;
    private final Kind kind;
    private final Map<String, SDVariable> w;
    private SDVariable headsShape;
    private SDVariable mask;

    Builder(SameDiff sd, ModelConfig c, DataType type, Kind kind, Map<String, SDVariable> w) {
      this.sd = sd;
      this.c = c;
      this.type = type;
      this.kind = kind;
      this.w = w;
    }

    void build() {
      SDVariable tokens = sd.placeHolder(TOKENS, DataType.INT32, -1);
      SDVariable positions = sd.placeHolder(POSITIONS, DataType.INT32, -1);
      headsShape = sd.placeHolder(HEADS_SHAPE, DataType.INT64, 4);
      mask = sd.placeHolder(MASK, type, -1, -1, -1, -1);

      // Embeddings as one-hot matmuls: gather's gradient is a per-index loop in SameDiff M2.1.
      SDVariable x = oneHot(tokens, c.vocabSize()).mmul(w.get(ModelParameters.TOKEN_EMBEDDING))
          .add(oneHot(positions, c.contextLength())
              .mmul(w.get(ModelParameters.POSITION_EMBEDDING)));
      for (int l = 0; l < c.layers(); l++) {
        x = block(x, l);
      }
      SDVariable h = layerNorm(x, w.get(ModelParameters.FINAL_LN_GAIN),
          w.get(ModelParameters.FINAL_LN_BIAS));
      SDVariable logits = sd.mmul(LOGITS, h, w.get(ModelParameters.TOKEN_EMBEDDING), false, true,
          false);
      if (kind == Kind.DECODE) {
        return;
      }
      SDVariable targets = sd.placeHolder(TARGETS, DataType.INT32, -1);
      SDVariable valid = sd.placeHolder(VALID, type, -1);
      SDVariable logSoftmax = sd.nn().logSoftmax(logits);
      SDVariable logp = logSoftmax.mul(oneHot(targets, c.vocabSize())).sum(1).mul(LOGP, valid);
      SDVariable weights = sd.placeHolder(LOSS_WEIGHTS, type, -1);
      logp.mul(weights).sum(LOSS);
      sd.setLossVariables(LOSS);
    }

    private SDVariable block(SDVariable x, int l) {
      double scale = 1.0 / Math.sqrt(c.headDim());
      SDVariable ln1 = layerNorm(x, p(l, "ln1.gain"), p(l, "ln1.bias"));
      SDVariable q = toHeads(linear(ln1, l, "attn.q")).mul(scale);
      SDVariable k = sd.identity(keys(l), toHeads(linear(ln1, l, "attn.k")));
      SDVariable v = sd.identity(values(l), toHeads(linear(ln1, l, "attn.v")));
      if (kind == Kind.DECODE) {
        k = sd.concat(2, sd.placeHolder(pastKeys(l), type, -1, c.heads(), -1, c.headDim()), k);
        v = sd.concat(2, sd.placeHolder(pastValues(l), type, -1, c.heads(), -1, c.headDim()), v);
      }
      SDVariable scores = sd.mmul(q, k, false, true, false).add(mask); // [B, H, tq, tk]
      SDVariable probs = sd.nn().softmax(scores, 3);
      if (kind == Kind.FORWARD_DROPOUT) {
        probs = probs.mul(sd.placeHolder(probsMask(l), type, -1, -1, -1, -1));
      }
      SDVariable attended = sd.reshape(sd.permute(sd.mmul(probs, v), 0, 2, 1, 3), -1, c.width());
      SDVariable attnOut = linear(attended, l, "attn.out");
      if (kind == Kind.FORWARD_DROPOUT) {
        attnOut = attnOut.mul(sd.placeHolder(attnOutMask(l), type, -1, c.width()));
      }
      x = x.add(attnOut);

      SDVariable ln2 = layerNorm(x, p(l, "ln2.gain"), p(l, "ln2.bias"));
      SDVariable mlpOut = linear(gelu(linear(ln2, l, "mlp.fc")), l, "mlp.proj");
      if (kind == Kind.FORWARD_DROPOUT) {
        mlpOut = mlpOut.mul(sd.placeHolder(mlpOutMask(l), type, -1, c.width()));
      }
      return x.add(mlpOut);
    }

    private SDVariable p(int layer, String suffix) {
      return w.get(ModelParameters.block(layer, suffix));
    }

    private SDVariable linear(SDVariable x, int layer, String prefix) {
      return x.mmul(p(layer, prefix + ".weight")).add(p(layer, prefix + ".bias"));
    }

    /** {@code [B*T, D]} to {@code [B, H, T, hd]}. */
    private SDVariable toHeads(SDVariable x) {
      return sd.permute(sd.reshape(x, headsShape), 0, 2, 1, 3);
    }

    private SDVariable oneHot(SDVariable ids, int depth) {
      return sd.oneHot(ids, depth, -1, 1.0, 0.0, type);
    }

    /** LayerNorm over the last dimension, as {@code Ops.layerNorm} computes it. */
    private SDVariable layerNorm(SDVariable x, SDVariable gain, SDVariable bias) {
      SDVariable centred = x.sub(x.mean(true, 1));
      SDVariable variance = centred.mul(centred).mean(true, 1);
      return centred.mul(sd.math().rsqrt(variance.add(Ops.LN_EPS))).mul(gain).add(bias);
    }

    /** GELU, tanh approximation, as {@code Ops.gelu} computes it. */
    private SDVariable gelu(SDVariable x) {
      SDVariable u = x.mul(x).mul(Ops.GELU_A).add(1.0).mul(x).mul(Ops.GELU_C);
      return sd.math().tanh(u).add(1.0).mul(x).mul(0.5);
    }
  }

  // ---------------------------------------------------------------- names and inputs

  private static String keys(int l) {
    return "k_" + l;
  }

  private static String values(int l) {
    return "v_" + l;
  }

  private static String pastKeys(int l) {
    return "past_k_" + l;
  }

  private static String pastValues(int l) {
    return "past_v_" + l;
  }

  private static String probsMask(int l) {
    return "dropout_probs_" + l;
  }

  private static String attnOutMask(int l) {
    return "dropout_attn_" + l;
  }

  private static String mlpOutMask(int l) {
    return "dropout_mlp_" + l;
  }

  private static INDArray headsShape(ModelConfig c, int batch, int time) {
    return Nd4j.createFromArray(new long[] {batch, time, c.heads(), c.headDim()});
  }

  /** {@code [1, 1, t, t]}, cached per length and type (placeholders are only read). */
  private INDArray causalMask(int time, DataType type) {
    return causalMasks.computeIfAbsent(time + "/" + type, key ->
        Nd4j.create(ModelInputs.causalMask(time), new long[] {1, 1, time, time}, 'c')
            .castTo(type));
  }
}

package dev.manimgrpo.trainer.samediff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * A pre-LayerNorm decoder-only transformer built as a SameDiff graph, for measuring SameDiff's
 * training-step cost (see {@code trainer/SAMEDIFF.md}). Causal attention is written by hand as
 * {@code softmax(q k^T / sqrt(d) + mask) v} with a constant upper-triangle {@code -1e9} mask,
 * because {@code multiHeadDotProductAttention} fails with a reshape error in 1.0.0-M2.1 and
 * {@code dotProductAttention} only takes a {@code [B,T]} padding mask.
 *
 * <p>Placeholders: {@code tokens} INT32 {@code [B,T]}, {@code targets} FLOAT one-hot
 * {@code [B*T,V]}, {@code mask} FLOAT {@code [B*T]}. Outputs: {@code logits} {@code [B*T,V]},
 * {@code loss} (masked mean negative log-likelihood, set as the loss variable).
 */
public final class SameDiffTransformer {

  /** Model shape. */
  public record Config(int width, int layers, int heads, int context, int vocab) {
    public Config {
      if (width % heads != 0) {
        throw new IllegalArgumentException("width " + width + " not divisible by heads " + heads);
      }
    }

    public int headDim() {
      return width / heads;
    }

    /** Trainable parameter count (embeddings, attention, MLP, LayerNorms, output projection). */
    public long paramCount() {
      long d = width;
      long perLayer = 4 * d * d + 4 * d /* attn w+b */ + 8 * d * d + 5 * d /* mlp */ + 4 * d /* ln */;
      return (long) vocab * d + (long) context * d + layers * perLayer + 2 * d + d * vocab + vocab;
    }
  }

  /**
   * How token ids become vectors. {@link #GATHER} is {@code sd.gather(tok_emb, ids, 0)}; in M2.1
   * its gradient ({@code Gather.doDiff} -> {@code SDVariable.put}) is a SameDiff while-loop with
   * one interpreted iteration per index (B*T of them), which dominates the step time.
   * {@link #ONE_HOT} is {@code oneHot(ids, V) mmul tok_emb}, whose gradient is one matmul.
   */
  public enum Embedding {
    GATHER,
    ONE_HOT
  }

  public static final String TOKENS = "tokens";
  public static final String TARGETS = "targets";
  public static final String MASK = "mask";
  public static final String LOGITS = "logits";
  public static final String LOSS = "loss";

  private final Config config;
  private final Embedding embedding;
  private final SameDiff sd;
  private final List<String> paramNames = new ArrayList<>();

  public SameDiffTransformer(Config config, long seed) {
    this(config, Embedding.ONE_HOT, seed);
  }

  public SameDiffTransformer(Config config, Embedding embedding, long seed) {
    this.config = config;
    this.embedding = embedding;
    this.sd = SameDiff.create();
    Nd4j.getRandom().setSeed(seed);
    build();
  }

  public Config config() {
    return config;
  }

  public SameDiff sameDiff() {
    return sd;
  }

  public List<String> paramNames() {
    return Collections.unmodifiableList(paramNames);
  }

  private SDVariable param(String name, INDArray init) {
    SDVariable v = sd.var(name, init);
    paramNames.add(name);
    return v;
  }

  private SDVariable weight(String name, long in, long out) {
    return param(name, Nd4j.randn(DataType.FLOAT, in, out).muli(1.0 / Math.sqrt(in)));
  }

  private SDVariable zeros(String name, long n) {
    return param(name, Nd4j.zeros(DataType.FLOAT, n));
  }

  private SDVariable ones(String name, long n) {
    return param(name, Nd4j.ones(DataType.FLOAT, n));
  }

  private void build() {
    int d = config.width();
    int t = config.context();
    int h = config.heads();
    int dh = config.headDim();
    int v = config.vocab();

    SDVariable tokens = sd.placeHolder(TOKENS, DataType.INT32, -1, t);
    SDVariable targets = sd.placeHolder(TARGETS, DataType.FLOAT, -1, v);
    SDVariable mask = sd.placeHolder(MASK, DataType.FLOAT, -1);

    SDVariable tokEmb = param("tok_emb", Nd4j.randn(DataType.FLOAT, v, d).muli(0.02));
    SDVariable posEmb = param("pos_emb", Nd4j.randn(DataType.FLOAT, t, d).muli(0.02));

    // Causal mask: -1e9 strictly above the diagonal, 0 elsewhere; broadcast over [B,H,T,T].
    INDArray causal = Nd4j.zeros(DataType.FLOAT, t, t);
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        causal.putScalar(i, j, -1e9);
      }
    }
    SDVariable causalMask = sd.constant("causal_mask", causal);

    SDVariable flatTokens = sd.reshape(tokens, -1);
    SDVariable x =
        embedding == Embedding.GATHER
            ? sd.gather(tokEmb, flatTokens, 0) // [B*T, D]
            : sd.oneHot(flatTokens, v, -1, 1.0, 0.0, DataType.FLOAT).mmul(tokEmb);
    x = sd.reshape(sd.reshape(x, -1, t, d).add(posEmb), -1, d);

    double scale = 1.0 / Math.sqrt(dh);
    for (int l = 0; l < config.layers(); l++) {
      String p = "l" + l + "_";
      SDVariable ln1 = sd.nn().layerNorm(x, ones(p + "ln1_g", d), zeros(p + "ln1_b", d), false, 1);
      SDVariable q = heads(ln1.mmul(weight(p + "wq", d, d)).add(zeros(p + "bq", d)), t, h, dh);
      SDVariable k = heads(ln1.mmul(weight(p + "wk", d, d)).add(zeros(p + "bk", d)), t, h, dh);
      SDVariable val = heads(ln1.mmul(weight(p + "wv", d, d)).add(zeros(p + "bv", d)), t, h, dh);
      SDVariable scores = sd.mmul(q, k, false, true, false).mul(scale).add(causalMask); // [B,H,T,T]
      SDVariable probs = sd.nn().softmax(scores, 3);
      SDVariable att = sd.mmul(probs, val); // [B,H,T,dh]
      att = sd.reshape(sd.permute(att, 0, 2, 1, 3), -1, d);
      x = x.add(att.mmul(weight(p + "wo", d, d)).add(zeros(p + "bo", d)));

      SDVariable ln2 = sd.nn().layerNorm(x, ones(p + "ln2_g", d), zeros(p + "ln2_b", d), false, 1);
      SDVariable ff = sd.nn().gelu(ln2.mmul(weight(p + "w1", d, 4 * d)).add(zeros(p + "b1", 4 * d)));
      x = x.add(ff.mmul(weight(p + "w2", 4 * d, d)).add(zeros(p + "b2", d)));
    }
    SDVariable lnf = sd.nn().layerNorm(x, ones("lnf_g", d), zeros("lnf_b", d), false, 1);
    SDVariable logits = lnf.mmul(weight("w_out", d, v)).add(LOGITS, zeros("b_out", v));
    SDVariable logp = sd.nn().logSoftmax(logits); // logSoftmax(x, 1) throws in M2.1
    SDVariable nll = logp.mul(targets).sum(1).neg(); // [B*T]
    nll.mul(mask).sum().div(LOSS, mask.sum().add(1e-8));
    sd.setLossVariables(LOSS);
  }

  /** [B*T, D] -> [B, H, T, dh]. */
  private SDVariable heads(SDVariable x, int t, int h, int dh) {
    return sd.permute(sd.reshape(x, -1, t, h, dh), 0, 2, 1, 3);
  }

  /** Number of ops in the forward graph. */
  public int forwardOpCount() {
    return sd.getOps().size();
  }

  /** Number of ops in the gradient function (forward + backward), creating it if needed. */
  public int gradientOpCount() {
    if (sd.getFunction("grad") == null) {
      sd.createGradFunction();
    }
    return sd.getFunction("grad").getOps().size();
  }

  /** Placeholders for a batch: next-token targets from {@code tokens[b][t+1]}, last position masked. */
  public Map<String, INDArray> placeholders(int[][] tokens) {
    int b = tokens.length;
    int t = config.context();
    int v = config.vocab();
    INDArray in = Nd4j.create(DataType.INT32, b, t);
    INDArray tgt = Nd4j.zeros(DataType.FLOAT, (long) b * t, v);
    INDArray m = Nd4j.zeros(DataType.FLOAT, (long) b * t);
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        in.putScalar(i, j, tokens[i][j]);
        if (j + 1 < t) {
          tgt.putScalar((long) i * t + j, tokens[i][j + 1], 1.0);
          m.putScalar((long) i * t + j, 1.0);
        }
      }
    }
    Map<String, INDArray> ph = new HashMap<>();
    ph.put(TOKENS, in);
    ph.put(TARGETS, tgt);
    ph.put(MASK, m);
    return ph;
  }

  /** Variant (a): gradients via calculateGradients, then a plain SGD update in place. */
  public void sgdStep(Map<String, INDArray> placeholders, double lr) {
    Map<String, INDArray> grads = sd.calculateGradients(placeholders, paramNames);
    for (String n : paramNames) {
      sd.getVariable(n).getArr().subi(grads.get(n).mul(lr));
    }
  }

  /** Forward pass only: loss for a batch. */
  public double loss(Map<String, INDArray> placeholders) {
    return sd.output(placeholders, LOSS).get(LOSS).getDouble(0);
  }

  /** Logits [B*T, V] for a batch. */
  public INDArray logits(Map<String, INDArray> placeholders) {
    return sd.output(placeholders, LOGITS).get(LOGITS);
  }

  /** Sets an Adam-style training config mapping MultiDataSet features/labels to placeholders. */
  public void setTrainingConfig(IUpdater updater) {
    sd.setTrainingConfig(
        TrainingConfig.builder()
            .updater(updater)
            .dataSetFeatureMapping(TOKENS)
            .dataSetLabelMapping(TARGETS, MASK)
            .build());
  }

  /** Variant (b): one {@code fit} step on a MultiDataSet built from the placeholders. */
  public void fitStep(Map<String, INDArray> placeholders) {
    org.nd4j.linalg.dataset.MultiDataSet mds =
        new org.nd4j.linalg.dataset.MultiDataSet(
            new INDArray[] {placeholders.get(TOKENS)},
            new INDArray[] {placeholders.get(TARGETS), placeholders.get(MASK)});
    sd.fit(mds);
  }
}

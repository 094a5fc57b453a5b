package dev.manimgrpo.policy.hf.train;

import dev.manimgrpo.policy.hf.HfAttention;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfOps;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.Rope;
import dev.manimgrpo.policy.hf.export.HfTensors;
import dev.manimgrpo.policy.hf.export.LoraAdapter;
import dev.manimgrpo.policy.hf.export.LoraAdapter.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A Hugging Face Llama / Qwen2 / Qwen3 model in training: the log-probability of each target token
 * of a batch ({@link #forward}) and the gradients of a loss given d loss / d log-prob per token
 * ({@link #backward}), in float32, the backward written out as ND4J array operations.
 *
 * <p>What trains is one of:
 *
 * <ul>
 *   <li>a LoRA adapter ({@link #lora}): each adapted linear layer computes {@code x W^T + b + s
 *       B A dropout(x)} with {@code s = alpha / r}, as PEFT's {@code lora.Linear}; the base weights
 *       are frozen, shared (never copied) and get no gradient, and {@link #referenceForward} is the
 *       base without the adapter, so GRPO's frozen reference costs no second model;
 *   <li>every weight ({@link #full}), for small models.
 * </ul>
 *
 * <p>Batches are right-padded (targets -1 on padding): causality alone keeps padding from every
 * real token, so no key mask is needed. With gradient checkpointing a forward pass keeps only each
 * decoder layer's input and the backward pass recomputes the layer (dropout masks are seeded per
 * layer and module, so the recomputation is exact): activation memory is then one layer's worth
 * plus a {@code [tokens, hidden]} array per layer. Not thread-safe.
 */
public final class HfTrainingModel {

  private final HfModelConfig config;
  private final HfWeights base;
  private final LoraAdapter adapter;
  private final boolean full;
  private final boolean checkpointing;
  private final Rope rope;
  private final float scale;
  private final Map<String, LoraAdapter.Module> modules = new HashMap<>();
  private final LinkedHashMap<String, INDArray> parameters;
  /** Target rows per head chunk with gradient checkpointing. */
  static final int HEAD_CHUNK = 1024;
  private int headChunk = HEAD_CHUNK;

  private HfTrainingModel(HfWeights base, LoraAdapter adapter, boolean full, boolean checkpointing) {
    this.config = base.config();
    this.base = base;
    this.adapter = adapter;
    this.full = full;
    this.checkpointing = checkpointing;
    this.rope = new Rope(config);
    this.scale = (float) Math.pow(config.headDim(), -0.5);
    this.parameters = new LinkedHashMap<>();
    if (adapter != null) {
      adapter.checkAgainst(config);
      for (LoraAdapter.Module m : adapter.modules()) {
        modules.put(m.target().weightName(m.layer()), m);
        parameters.put(LoraAdapter.peftKey(m, true), m.a());
        parameters.put(LoraAdapter.peftKey(m, false), m.b());
      }
    } else {
      parameters.putAll(HfTensors.of(base));
    }
  }

  /** Trains {@code adapter} over the frozen {@code base}. */
  public static HfTrainingModel lora(HfWeights base, LoraAdapter adapter, boolean gradientCheckpointing) {
    return new HfTrainingModel(base, adapter, false, gradientCheckpointing);
  }

  /** Trains every weight of {@code base}, in place. */
  public static HfTrainingModel full(HfWeights base, boolean gradientCheckpointing) {
    return new HfTrainingModel(base, null, true, gradientCheckpointing);
  }

  public HfModelConfig config() {
    return config;
  }

  /** Another head chunk size (tests exercise several chunks on small batches). */
  HfTrainingModel withHeadChunk(int rows) {
    headChunk = rows;
    return this;
  }

  /**
   * What trains, by name, the live arrays an optimizer updates in place: PEFT's keys ({@code
   * base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}) for an adapter,
   * transformers' names for full training.
   */
  public Map<String, INDArray> parameters() {
    return Collections.unmodifiableMap(parameters);
  }

  /** The number of trained values. */
  public long trainedValues() {
    return parameters.values().stream().mapToLong(INDArray::length).sum();
  }

  /**
   * Per-token log-probabilities of {@code targets} given {@code tokens}, keeping what {@link
   * #backward} needs.
   *
   * @param tokens      {@code [B][T]} ids, rows of equal length (right-pad)
   * @param targets     {@code [B][T]} target ids, -1 where no loss is taken
   * @param training    whether LoRA dropout applies
   * @param dropoutSeed seeds the dropout masks
   */
  public Pass forward(int[][] tokens, int[][] targets, boolean training, long dropoutSeed) {
    return run(tokens, targets, training && adapter != null && adapter.dropout() > 0, dropoutSeed, true);
  }

  /**
   * Log-probabilities of the base model alone (no adapter, no dropout): GRPO's frozen reference.
   * With full training the base is what trains, so the trainer keeps its own reference instead.
   */
  public Pass referenceForward(int[][] tokens, int[][] targets) {
    if (adapter == null) {
      throw new IllegalStateException("full training changes the base weights; the reference needs a"
          + " frozen copy of them");
    }
    return run(tokens, targets, false, 0, false);
  }

  private Pass run(int[][] tokens, int[][] targets, boolean dropout, long seed, boolean withAdapter) {
    int batch = tokens.length;
    int time = shape(tokens, targets);
    int n = batch * time;
    int vocab = config.vocabSize();
    int[] flatTokens = new int[n];
    int[] flatTarget = new int[n];
    float[] valid = new float[n];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < time; t++) {
        int i = b * time + t;
        flatTokens[i] = tokens[b][t];
        int target = targets[b][t];
        flatTarget[i] = target;
        valid[i] = target < 0 ? 0f : 1f;
      }
    }
    Pass pass = new Pass(batch, time, flatTokens, Nd4j.create(valid, new long[] {n, 1}, 'c'),
        dropout, seed, withAdapter);
    INDArray causal = HfAttention.mask(1, config.numAttentionHeads(), time, 0, null);
    INDArray x = Nd4j.pullRows(base.embedding(), 1, flatTokens, 'c');
    for (int l = 0; l < config.numHiddenLayers(); l++) {
      LayerActs a = layer(l, x, batch, time, causal, pass);
      pass.inputs.add(x);
      pass.layers.add(checkpointing ? null : a);
      x = a.out;
    }
    pass.lastX = x;
    pass.finalInverse = HfOps.rmsInverse(x, config.rmsNormEps());
    pass.finalOut = x.mulColumnVector(pass.finalInverse).muliRowVector(base.finalNorm());
    // The head runs only on positions with a target (an SFT prompt has none): [m, vocab].
    int m = 0;
    for (float v : valid) {
      m += v > 0 ? 1 : 0;
    }
    pass.targetRows = new int[m];
    pass.targets = new int[m];
    for (int i = 0, j = 0; i < n; i++) {
      if (valid[i] > 0) {
        pass.targetRows[j] = i;
        pass.targets[j] = flatTarget[i];
        j++;
      }
    }
    float[] logProbs = new float[n];
    if (m > 0) {
      pass.headIn = m == n ? pass.finalOut : Nd4j.pullRows(pass.finalOut, 1, pass.targetRows, 'c');
      if (!checkpointing) {
        pass.probs = headChunk(pass, 0, m, logProbs);
      } else {
        // [targets, vocab] probabilities would dominate memory (152k ids a position for Qwen):
        // chunks of rows now, recomputed chunk by chunk in backward.
        for (int from = 0; from < m; from += headChunk) {
          headChunk(pass, from, Math.min(m, from + headChunk), logProbs);
        }
      }
    }
    pass.logProbs = Nd4j.create(logProbs, new long[] {batch, time}, 'c');
    return pass;
  }

  /**
   * Gradients of a loss, given {@code dLogProb [B, T]} = d loss / d log p(target) per token
   * (ignored where the target is -1), by the names of {@link #parameters()}.
   */
  public Map<String, INDArray> backward(Pass pass, INDArray dLogProb) {
    if (!pass.withAdapter) {
      throw new IllegalArgumentException("a reference pass has no gradients; use forward");
    }
    int n = pass.batch * pass.time;
    if (dLogProb.rank() != 2 || dLogProb.size(0) != pass.batch || dLogProb.size(1) != pass.time) {
      throw new IllegalArgumentException("dLogProb must be [" + pass.batch + ", " + pass.time + "], got "
          + Arrays.toString(dLogProb.shape()));
    }
    LinkedHashMap<String, INDArray> grads = new LinkedHashMap<>();
    parameters.forEach((k, v) -> grads.put(k, Nd4j.zeros(DataType.FLOAT, v.shape())));

    // d log p(target) / d logits = onehot(target) - softmax(logits), each row weighted; the
    // forward pass's probabilities become dLogits in place, so a pass has one backward.
    if (pass.consumed) {
      throw new IllegalStateException("this pass's backward already ran; run forward again");
    }
    pass.consumed = true;
    float[] dl = dLogProb.castTo(DataType.FLOAT).reshape('c', new long[] {n}).toFloatVector();
    int m = pass.targetRows.length;
    INDArray dFinal;
    if (m == 0) {
      dFinal = Nd4j.zeros(DataType.FLOAT, n, config.hiddenSize());
    } else {
      float[] weights = new float[m];
      for (int j = 0; j < m; j++) {
        weights[j] = dl[pass.targetRows[j]];
      }
      INDArray dHeadIn = pass.probs != null ? null : Nd4j.create(DataType.FLOAT, m, config.hiddenSize());
      for (int from = 0; from < m; from += pass.probs != null ? m : headChunk) {
        int to = pass.probs != null ? m : Math.min(m, from + headChunk);
        INDArray probs = pass.probs != null ? pass.probs : headChunk(pass, from, to, null);
        INDArray w = Nd4j.create(java.util.Arrays.copyOfRange(weights, from, to), new long[] {to - from, 1}, 'c');
        INDArray dLogits = probs.muliColumnVector(w.neg());
        int[] index = new int[to - from];
        for (int k = 0; k < index.length; k++) {
          index[k] = k * config.vocabSize() + pass.targets[from + k];
        }
        HfOps.scatterAddRows(dLogits.reshape('c', new long[] {dLogits.length()}), index,
            w.reshape('c', new long[] {to - from}));
        INDArray in = rows(pass.headIn, from, to);
        if (full) {
          String head = config.tieWordEmbeddings() ? HfWeights.EMBED : HfWeights.LM_HEAD;
          Nd4j.gemm(dLogits, in, grads.get(head), true, false, 1.0, 1.0);
        }
        INDArray chunk = Nd4j.gemm(dLogits, base.lmHead(), false, false);
        if (dHeadIn == null) {
          dHeadIn = chunk;
        } else {
          dHeadIn.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).assign(chunk);
        }
      }
      pass.probs = null;
      if (m == n) {
        dFinal = dHeadIn;
      } else {
        dFinal = Nd4j.zeros(DataType.FLOAT, n, config.hiddenSize());
        HfOps.scatterAddRows(dFinal, pass.targetRows, dHeadIn);
      }
    }
    INDArray dx = HfOps.rmsNormBackward(pass.lastX, pass.finalInverse, base.finalNorm(), dFinal,
        full ? grads.get(HfWeights.FINAL_NORM) : null);
    INDArray causal = HfAttention.mask(1, config.numAttentionHeads(), pass.time, 0, null);
    for (int l = config.numHiddenLayers() - 1; l >= 0; l--) {
      LayerActs a = pass.layers.get(l);
      if (a == null) {
        a = layer(l, pass.inputs.get(l), pass.batch, pass.time, causal, pass);
      }
      // Below layer 0 only the embedding could train: without full training nothing needs its input gradient.
      dx = layerBackward(l, a, dx, pass.batch, pass.time, grads, full || l > 0);
    }
    if (full) {
      HfOps.scatterAddRows(grads.get(HfWeights.EMBED), pass.flatTokens, dx);
    }
    return grads;
  }

  /**
   * The head over target rows {@code [from, to)}: their softmax probabilities {@code [to - from,
   * vocab]}, each row's log p(target) written into {@code logProbs} (at its position) when not null.
   * One native softmax pass; the log-sum-exp comes from it: the largest probability is exp(0) / S,
   * so lse = max + log S = max - log(largest probability), with no second exponential.
   */
  private INDArray headChunk(Pass pass, int from, int to, float[] logProbs) {
    int vocab = config.vocabSize();
    INDArray logits = Nd4j.gemm(rows(pass.headIn, from, to), base.lmHead(), false, true);
    // The target logits and the row maxima are read first, so the softmax can overwrite the logits:
    // one [chunk, vocab] buffer a call instead of two (each a fresh allocation the size of the head).
    INDArray picked = null;
    INDArray max = null;
    if (logProbs != null) {
      int[] index = new int[to - from];
      for (int k = 0; k < index.length; k++) {
        index[k] = k * vocab + pass.targets[from + k];
      }
      picked = Nd4j.pullRows(logits.reshape('c', (long) index.length * vocab, 1), 1, index, 'c');
      max = logits.max(true, 1);
    }
    INDArray probs = logits;
    Nd4j.exec(new SoftMax(logits, probs, 1));
    if (logProbs != null) {
      INDArray lse = max.subi(Transforms.log(probs.max(true, 1), false));
      float[] values = picked.subi(lse).toFloatVector();
      for (int k = 0; k < values.length; k++) {
        logProbs[pass.targetRows[from + k]] = values[k];
      }
    }
    return probs;
  }

  private static INDArray rows(INDArray a, int from, int to) {
    return from == 0 && to == a.size(0) ? a : a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup('c');
  }

  /** L2 norm over a set of gradients together. */
  public static double globalNorm(Map<String, INDArray> grads) {
    double sum = 0;
    for (INDArray g : grads.values()) {
      double norm = g.norm2Number().doubleValue();
      sum += norm * norm;
    }
    return Math.sqrt(sum);
  }

  // ------------------------------------------------------------------ one decoder layer

  /** What one linear layer's backward needs; {@code lora} null when it is not adapted (or off). */
  private static final class LinearActs {
    INDArray input;
    LoraAdapter.Module lora;
    INDArray loraInput; // input times the dropout mask
    INDArray mask; // scaled keep-mask, or null
    INDArray z; // loraInput A^T, [rows, r]
  }

  private static final class LayerActs {
    INDArray x;
    INDArray inverse1;
    INDArray qPre;
    INDArray qInverse;
    INDArray kPre;
    INDArray kInverse;
    INDArray qRot; // [B, H, T, hd]
    INDArray kRot; // [B, KV, T, hd]
    INDArray v; // [B, KV, T, hd]
    INDArray probs; // [B, KV, G*T, T]
    INDArray x2;
    INDArray inverse2;
    INDArray gate;
    INDArray up;
    INDArray out;
    final Map<Target, LinearActs> linears = new EnumMap<>(Target.class);
  }

  private LayerActs layer(int l, INDArray x, int batch, int time, INDArray causal, Pass pass) {
    HfWeights.Layer w = base.layer(l);
    double eps = config.rmsNormEps();
    int heads = config.numAttentionHeads();
    int kvHeads = config.numKeyValueHeads();
    int groups = config.kvGroups();
    int hd = config.headDim();
    long n = (long) batch * time;
    LayerActs a = new LayerActs();
    a.x = x;
    a.inverse1 = HfOps.rmsInverse(x, eps);
    INDArray h1 = x.mulColumnVector(a.inverse1).muliRowVector(w.inputNorm());
    INDArray q = linear(l, Target.Q_PROJ, w.q(), w.qBias(), h1, pass, a);
    INDArray k = linear(l, Target.K_PROJ, w.k(), w.kBias(), h1, pass, a);
    INDArray v = linear(l, Target.V_PROJ, w.v(), w.vBias(), h1, pass, a);
    if (config.qkNorm()) {
      a.qPre = q.reshape('c', n * heads, hd);
      a.qInverse = HfOps.rmsInverse(a.qPre, eps);
      q = a.qPre.mulColumnVector(a.qInverse).muliRowVector(w.qNorm()).reshape('c', n, (long) heads * hd);
      a.kPre = k.reshape('c', n * kvHeads, hd);
      a.kInverse = HfOps.rmsInverse(a.kPre, eps);
      k = a.kPre.mulColumnVector(a.kInverse).muliRowVector(w.kNorm()).reshape('c', n, (long) kvHeads * hd);
    }
    a.qRot = rope.apply(HfOps.toHeads(q, batch, time, heads), 0);
    a.kRot = rope.apply(HfOps.toHeads(k, batch, time, kvHeads), 0);
    a.v = HfOps.toHeads(v, batch, time, kvHeads);
    INDArray grouped = a.qRot.reshape('c', batch, kvHeads, (long) groups * time, hd);
    INDArray scores = Nd4j.matmul(grouped, a.kRot, false, true, false).muli(scale);
    INDArray flat = scores.reshape('c', (long) batch * heads, (long) time * time);
    if (causal != null) {
      flat.addiRowVector(causal);
    }
    INDArray rows = flat.reshape('c', (long) batch * heads * time, time);
    Nd4j.exec(new SoftMax(rows, rows, 1));
    a.probs = rows.reshape('c', batch, kvHeads, (long) groups * time, time);
    INDArray attended = Nd4j.matmul(a.probs, a.v, false, false, false);
    INDArray merged = HfOps.fromHeads(attended.reshape('c', batch, heads, time, hd));
    a.x2 = x.add(linear(l, Target.O_PROJ, w.o(), w.oBias(), merged, pass, a));
    a.inverse2 = HfOps.rmsInverse(a.x2, eps);
    INDArray h2 = a.x2.mulColumnVector(a.inverse2).muliRowVector(w.postAttentionNorm());
    a.gate = linear(l, Target.GATE_PROJ, w.gate(), w.gateBias(), h2, pass, a);
    a.up = linear(l, Target.UP_PROJ, w.up(), w.upBias(), h2, pass, a);
    INDArray act = HfOps.siluTimes(a.gate, a.up);
    a.out = a.x2.add(linear(l, Target.DOWN_PROJ, w.down(), w.downBias(), act, pass, a));
    return a;
  }

  /** {@code x W^T + b}, plus {@code s B A dropout(x)} where the layer is adapted. */
  private INDArray linear(int l, Target t, INDArray w, INDArray b, INDArray x, Pass pass, LayerActs acts) {
    LinearActs a = new LinearActs();
    a.input = x;
    acts.linears.put(t, a);
    INDArray y = HfOps.linear(x, w, b);
    LoraAdapter.Module m = pass.withAdapter ? modules.get(t.weightName(l)) : null;
    if (m == null) {
      return y;
    }
    a.lora = m;
    a.loraInput = x;
    if (pass.dropout) {
      a.mask = dropoutMask(pass.seed, l, t, x.shape());
      a.loraInput = x.mul(a.mask);
    }
    a.z = Nd4j.gemm(a.loraInput, m.a(), false, true);
    // y += s z B^T in one call (gemm's alpha and beta), with no [rows, out] temporary.
    Nd4j.gemm(a.z, m.b(), y, false, true, adapter.scale(), 1.0);
    return y;
  }

  /** Inverted dropout's scaled keep-mask, seeded by (seed, layer, module): the same on recomputation. */
  private INDArray dropoutMask(long seed, int layer, Target t, long[] shape) {
    long stream = seed ^ ((layer * 16L + t.ordinal() + 1) * 0x9E3779B97F4A7C15L);
    var random = Nd4j.getRandomFactory().getNewRandomInstance(stream);
    double rate = adapter.dropout();
    return Nd4j.rand(random, shape).gte(rate).castTo(DataType.FLOAT).muli(1.0 / (1.0 - rate));
  }

  /** The layer's gradients; returns d input, or null when {@code needInput} is false (not computed). */
  private INDArray layerBackward(int l, LayerActs a, INDArray dOut, int batch, int time,
      Map<String, INDArray> grads, boolean needInput) {
    HfWeights.Layer w = base.layer(l);
    int heads = config.numAttentionHeads();
    int kvHeads = config.numKeyValueHeads();
    int groups = config.kvGroups();
    int hd = config.headDim();
    long n = (long) batch * time;

    // MLP: out = x2 + down(silu(gate(h2)) * up(h2)), h2 = RMSNorm_post(x2)
    INDArray dAct = linearBackward(l, Target.DOWN_PROJ, w.down(), a, dOut, grads, true);
    INDArray[] dGateUp = HfOps.siluTimesBackward(a.gate, a.up, dAct);
    INDArray dh2 = linearBackward(l, Target.GATE_PROJ, w.gate(), a, dGateUp[0], grads, true)
        .addi(linearBackward(l, Target.UP_PROJ, w.up(), a, dGateUp[1], grads, true));
    INDArray dx2 = dOut.add(HfOps.rmsNormBackward(a.x2, a.inverse2, w.postAttentionNorm(), dh2,
        fullGrad(grads, l, "post_attention_layernorm.weight")));

    // Attention: x2 = x + o(softmax(q k^T s + causal) v), q, k = RoPE(...), h1 = RMSNorm_in(x)
    INDArray dMerged = linearBackward(l, Target.O_PROJ, w.o(), a, dx2, grads, true);
    INDArray dAttended = HfOps.toHeads(dMerged, batch, time, heads)
        .reshape('c', batch, kvHeads, (long) groups * time, hd);
    INDArray dProbs = Nd4j.matmul(dAttended, a.v, false, true, false);
    INDArray dV = Nd4j.matmul(a.probs, dAttended, true, false, false);
    long rowsCount = (long) batch * heads * time;
    INDArray p = a.probs.reshape('c', rowsCount, time);
    INDArray dp = dProbs.reshape('c', rowsCount, time);
    INDArray dot = dp.mul(p).sum(true, 1);
    INDArray dScores = dp.subColumnVector(dot).muli(p).muli(scale)
        .reshape('c', batch, kvHeads, (long) groups * time, time);
    INDArray grouped = a.qRot.reshape('c', batch, kvHeads, (long) groups * time, hd);
    INDArray dq = Nd4j.matmul(dScores, a.kRot, false, false, false);
    INDArray dk = Nd4j.matmul(dScores, grouped, true, false, false);
    dq = HfOps.fromHeads(rope.applyBackward(dq.reshape('c', batch, heads, time, hd), 0));
    dk = HfOps.fromHeads(rope.applyBackward(dk, 0));
    INDArray dv = HfOps.fromHeads(dV);
    if (config.qkNorm()) {
      dq = HfOps.rmsNormBackward(a.qPre, a.qInverse, w.qNorm(), dq.reshape('c', n * heads, hd),
          fullGrad(grads, l, "self_attn.q_norm.weight")).reshape('c', n, (long) heads * hd);
      dk = HfOps.rmsNormBackward(a.kPre, a.kInverse, w.kNorm(), dk.reshape('c', n * kvHeads, hd),
          fullGrad(grads, l, "self_attn.k_norm.weight")).reshape('c', n, (long) kvHeads * hd);
    }
    if (!needInput) {
      linearBackward(l, Target.Q_PROJ, w.q(), a, dq, grads, false);
      linearBackward(l, Target.K_PROJ, w.k(), a, dk, grads, false);
      linearBackward(l, Target.V_PROJ, w.v(), a, dv, grads, false);
      return null;
    }
    INDArray dh1 = linearBackward(l, Target.Q_PROJ, w.q(), a, dq, grads, true)
        .addi(linearBackward(l, Target.K_PROJ, w.k(), a, dk, grads, true))
        .addi(linearBackward(l, Target.V_PROJ, w.v(), a, dv, grads, true));
    return dx2.addi(HfOps.rmsNormBackward(a.x, a.inverse1, w.inputNorm(), dh1,
        fullGrad(grads, l, "input_layernorm.weight")));
  }

  private INDArray fullGrad(Map<String, INDArray> grads, int layer, String suffix) {
    return full ? grads.get(HfWeights.layer(layer, suffix)) : null;
  }

  /** Accumulates the layer's gradients and returns d input (null, not computed, unless {@code needDx}). */
  private INDArray linearBackward(int l, Target t, INDArray w, LayerActs acts, INDArray dy,
      Map<String, INDArray> grads, boolean needDx) {
    LinearActs a = acts.linears.get(t);
    if (full) {
      Nd4j.gemm(dy, a.input, grads.get(t.weightName(l)), true, false, 1.0, 1.0);
      INDArray bias = grads.get(HfWeights.layer(l, t.path() + ".bias"));
      if (bias != null) {
        bias.addi(dy.sum(0));
      }
    }
    INDArray dx = needDx ? Nd4j.gemm(dy, w, false, false) : null;
    LoraAdapter.Module m = a.lora;
    if (m != null) {
      double s = adapter.scale();
      Nd4j.gemm(dy, a.z, grads.get(LoraAdapter.peftKey(m, false)), true, false, s, 1.0);
      INDArray dz = Nd4j.gemm(dy, m.b(), false, false).muli(s);
      Nd4j.gemm(dz, a.loraInput, grads.get(LoraAdapter.peftKey(m, true)), true, false, 1.0, 1.0);
      if (dx == null) {
        return null;
      }
      if (a.mask == null) {
        Nd4j.gemm(dz, m.a(), dx, false, false, 1.0, 1.0);
      } else {
        dx.addi(Nd4j.gemm(dz, m.a(), false, false).muli(a.mask));
      }
    }
    return dx;
  }

  private int shape(int[][] tokens, int[][] targets) {
    if (tokens.length == 0 || tokens[0].length == 0) {
      throw new IllegalArgumentException("tokens must have at least one row and one column");
    }
    if (targets.length != tokens.length) {
      throw new IllegalArgumentException(tokens.length + " token rows but " + targets.length + " target rows");
    }
    int time = tokens[0].length;
    if (time > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException("rows of " + time + " tokens exceed the model's max_position_embeddings "
          + config.maxPositionEmbeddings() + "; shorten them (trainer max length)");
    }
    for (int b = 0; b < tokens.length; b++) {
      if (tokens[b].length != time || targets[b].length != time) {
        throw new IllegalArgumentException("row " + b + " has " + tokens[b].length + " tokens and "
            + targets[b].length + " targets; every row needs " + time + " of each (right-pad)");
      }
      for (int t = 0; t < time; t++) {
        if (tokens[b][t] < 0 || tokens[b][t] >= config.vocabSize()) {
          throw new IllegalArgumentException("token " + tokens[b][t] + " at [" + b + "][" + t
              + "] is outside the vocabulary [0, " + config.vocabSize() + ")");
        }
        if (targets[b][t] < -1 || targets[b][t] >= config.vocabSize()) {
          throw new IllegalArgumentException("target " + targets[b][t] + " at [" + b + "][" + t
              + "] is neither -1 nor in the vocabulary [0, " + config.vocabSize() + ")");
        }
      }
    }
    return time;
  }

  /** A forward pass: the target log-probabilities and, for backward, the activations. */
  public static final class Pass implements dev.manimgrpo.policy.model.TrainingPass {
    final int batch;
    final int time;
    final int[] flatTokens;
    int[] targetRows; // the positions (of B*T) with a target
    int[] targets; // their target ids
    final INDArray valid; // [B*T, 1]
    final boolean dropout;
    final long seed;
    final boolean withAdapter;
    final List<INDArray> inputs = new ArrayList<>();
    final List<LayerActs> layers = new ArrayList<>();
    INDArray lastX;
    INDArray finalInverse;
    INDArray finalOut;
    INDArray headIn; // finalOut's rows with a target
    INDArray probs; // softmax of the head's logits, [targets, vocab]; becomes dLogits in backward
    boolean consumed;
    INDArray logProbs;

    private Pass(int batch, int time, int[] flatTokens, INDArray valid, boolean dropout,
        long seed, boolean withAdapter) {
      this.batch = batch;
      this.time = time;
      this.flatTokens = flatTokens;
      this.valid = valid;
      this.dropout = dropout;
      this.seed = seed;
      this.withAdapter = withAdapter;
    }

    @Override
    public INDArray logProbs() {
      return logProbs;
    }

    @Override
    public INDArray targetMask() {
      return valid.reshape('c', batch, time);
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
}

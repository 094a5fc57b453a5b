package dev.manimgrpo.policy.hf;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The self-attention of one decoder layer, as transformers' {@code LlamaAttention} / {@code
 * Qwen2Attention} / {@code Qwen3Attention} with eager attention:
 *
 * <pre>
 * q = x Wq^T (+ bq), k = x Wk^T (+ bk), v = x Wv^T (+ bv), split into heads of head_dim
 * Qwen3: q = RMSNorm_q(q), k = RMSNorm_k(k) over each head's head_dim
 * q, k = RoPE(q, positions), RoPE(k, positions)
 * scores = q k^T * head_dim^-0.5 + mask        (each query head h uses kv head h / groups)
 * out = softmax(scores) v, heads concatenated, then out Wo^T (+ bo)
 * </pre>
 *
 * Grouped-query attention is computed without repeating keys and values: the {@code groups}
 * query heads sharing a kv head are stacked along the time axis and multiplied with that head
 * once, which is the same arithmetic as transformers' {@code repeat_kv}.
 */
public final class HfAttention {

  /** Added to masked scores: transformers' {@code torch.finfo(float32).min}, finite. */
  static final float MASKED = -Float.MAX_VALUE;

  private final HfModelConfig config;
  private final Rope rope;
  private final float scale;

  HfAttention(HfModelConfig config, Rope rope) {
    this.config = config;
    this.rope = rope;
    this.scale = (float) Math.pow(config.headDim(), -0.5);
  }

  /**
   * Attention of {@code x [batch*tq, hidden]} (already normalised) at positions {@code start ..
   * start+tq-1}. With a cache, this call's keys and values are written after its {@code length()}
   * (which must equal {@code start}) and every cached slot is attended to.
   *
   * @param mask additive, {@code [1, tq*tk]} shared by all rows or {@code [batch*heads, tq*tk]},
   *             or null for none
   */
  INDArray apply(HfWeights.Layer w, INDArray x, int batch, int tq, int start, INDArray mask,
      HfKvCache cache, int layer) {
    int heads = config.numAttentionHeads();
    int kvHeads = config.numKeyValueHeads();
    int groups = config.kvGroups();
    int hd = config.headDim();
    INDArray q = HfOps.linear(x, w.q(), w.qBias());
    INDArray k = HfOps.linear(x, w.k(), w.kBias());
    INDArray v = HfOps.linear(x, w.v(), w.vBias());
    if (config.qkNorm()) {
      q = HfOps.rmsNorm(q.reshape('c', (long) batch * tq * heads, hd), w.qNorm(),
          config.rmsNormEps()).reshape('c', (long) batch * tq, (long) heads * hd);
      k = HfOps.rmsNorm(k.reshape('c', (long) batch * tq * kvHeads, hd), w.kNorm(),
          config.rmsNormEps()).reshape('c', (long) batch * tq, (long) kvHeads * hd);
    }
    q = rope.apply(HfOps.toHeads(q, batch, tq, heads), start);
    k = rope.apply(HfOps.toHeads(k, batch, tq, kvHeads), start);
    v = HfOps.toHeads(v, batch, tq, kvHeads);
    INDArray keys = k;
    INDArray values = v;
    if (cache != null) {
      if (cache.length() != start) {
        throw new IllegalStateException("cache holds " + cache.length() + " tokens but this "
            + "step starts at position " + start);
      }
      cache.write(layer, k, v);
      keys = cache.keys(layer, start + tq);
      values = cache.values(layer, start + tq);
    }
    long tk = keys.size(2);
    INDArray grouped = q.reshape('c', batch, kvHeads, (long) groups * tq, hd);
    INDArray scores = Nd4j.matmul(grouped, keys, false, true, false).muli(scale);
    INDArray flat = scores.reshape('c', (long) batch * heads, tq * tk);
    if (mask != null) {
      if (mask.size(0) == 1) {
        flat.addiRowVector(mask);
      } else {
        flat.addi(mask);
      }
    }
    INDArray rows = flat.reshape('c', (long) batch * heads * tq, tk);
    Nd4j.exec(new SoftMax(rows, rows, 1));
    INDArray attended = Nd4j.matmul(rows.reshape('c', batch, kvHeads, (long) groups * tq, tk),
        values, false, false, false);
    INDArray merged = HfOps.fromHeads(attended.reshape('c', batch, heads, tq, hd));
    return HfOps.linear(merged, w.o(), w.oBias());
  }

  /**
   * The additive mask for {@code tq} queries at positions {@code start ..} over {@code tk = start
   * + tq} keys: causal (key j visible to query i iff {@code j <= start + i}) and, where {@code
   * keyMask[b][j] == 0}, key j hidden from every query of row b. Returns null when nothing is
   * masked, {@code [1, tq*tk]} when only causality masks, else {@code [batch*heads, tq*tk]}.
   */
  public static INDArray mask(int batch, int heads, int tq, int start, int[][] keyMask) {
    int tk = start + tq;
    boolean padded = false;
    if (keyMask != null) {
      for (int[] row : keyMask) {
        for (int m : row) {
          padded |= m == 0;
        }
      }
    }
    if (!padded && tq == 1) {
      return null;
    }
    int rows = padded ? batch : 1;
    float[] m = new float[rows * tq * tk];
    for (int b = 0; b < rows; b++) {
      for (int i = 0; i < tq; i++) {
        int base = (b * tq + i) * tk;
        for (int j = 0; j < tk; j++) {
          if (j > start + i || (padded && keyMask[b][j] == 0)) {
            m[base + j] = MASKED;
          }
        }
      }
    }
    INDArray mask = Nd4j.create(m, new long[] {rows, (long) tq * tk}, 'c');
    return padded ? mask.repeat(0, heads) : mask;
  }
}

package dev.manimgrpo.policy.hf;

import java.io.IOException;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Hugging Face Llama / Qwen2 / Qwen3 causal language model computed with ND4J in float32, giving
 * the logits transformers gives for the same checkpoint:
 *
 * <pre>
 * x = embed_tokens[tokens]
 * per layer:  x += Attention(RMSNorm_in(x))                      (see {@link HfAttention})
 *             x += down(silu(gate(h)) * up(h)),  h = RMSNorm_post(x)
 * logits = RMSNorm_final(x) lm_head^T                            (lm_head = embed_tokens if tied)
 * </pre>
 *
 * <p>Positions are {@code 0 .. T-1} in every row, as in transformers' forward without {@code
 * position_ids}; batches are therefore right-padded, with an attention mask that hides the pad
 * keys (a left-padded row would get shifted positions, there as here). Not thread-safe: callers
 * share a model by loading it once per thread or synchronising.
 */
public final class HfCausalLm {

  private final HfModelConfig config;
  private final HfWeights weights;
  private final HfAttention attention;
  /** One-row decode steps as matrix-vector products (null: every step through the batched path). */
  private final HfRowDecoder rowDecoder;

  private HfCausalLm(HfModelConfig config, HfWeights weights, boolean rowDecoding) {
    this.config = config;
    this.weights = weights;
    Rope rope = new Rope(config);
    this.attention = new HfAttention(config, rope);
    this.rowDecoder = rowDecoding ? HfRowDecoder.of(config, weights, rope) : null;
  }

  private HfCausalLm(HfModelConfig config, HfWeights weights) {
    this(config, weights, true);
  }

  /** Whether a step on this cache runs in the row decoder (one row, buffers readable in place, CPU backend). */
  boolean rowDecodes(HfKvCache cache) {
    return rowDecoder != null && rowDecoder.fits(cache);
  }

  /** The same model with every decode step computed by ND4J (the reference the row decoder is held to). */
  HfCausalLm withoutRowDecoder() {
    return new HfCausalLm(config, weights, false);
  }

  /** Loads {@code config.json} and the safetensors weights of a local model folder. */
  public static HfCausalLm load(Path folder) throws IOException {
    return load(ModelFolder.local(folder));
  }

  /** Loads from any model folder (e.g. {@link HadoopModelFolder} for s3a). */
  public static HfCausalLm load(ModelFolder folder) throws IOException {
    HfModelConfig config = HfModelConfig.read(folder);
    try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(folder)) {
      return new HfCausalLm(config, HfWeights.load(config, checkpoint));
    }
  }

  /** A model from weights already in memory (random models in tests). */
  public static HfCausalLm of(HfWeights weights) {
    return new HfCausalLm(weights.config(), weights);
  }

  public HfModelConfig config() {
    return config;
  }

  public HfWeights weights() {
    return weights;
  }

  /**
   * Logits of every position, {@code [B, T, vocab]}.
   *
   * @param tokens        {@code [B][T]} token ids, rows of equal length
   * @param attentionMask {@code [B][T]} 1 for a real token, 0 for padding (keys hidden from every
   *                      query), or null for all ones. Logits at padded positions are computed
   *                      but meaningless.
   */
  public INDArray logits(int[][] tokens, int[][] attentionMask) {
    int batch = tokens.length;
    int time = checkTokens(tokens);
    checkMask(attentionMask, batch, time);
    INDArray mask = HfAttention.mask(batch, config.numAttentionHeads(), time, 0, attentionMask);
    INDArray hidden = hidden(flatten(tokens, time), batch, time, 0, mask, null);
    return head(hidden).reshape('c', batch, time, config.vocabSize());
  }

  /**
   * The log-probability of each token of {@code continuation} after {@code prompt} and the tokens
   * before it, from one forward pass without a cache (the reference that samplers' and servers'
   * log-probs are checked against).
   */
  public double[] continuationLogProbs(int[] prompt, int[] continuation) {
    int[] seq = java.util.Arrays.copyOf(prompt, prompt.length + continuation.length);
    System.arraycopy(continuation, 0, seq, prompt.length, continuation.length);
    INDArray all = logits(new int[][] {seq}, null);
    double[] out = new double[continuation.length];
    for (int j = 0; j < continuation.length; j++) {
      float[] row = all.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
          org.nd4j.linalg.indexing.NDArrayIndex.point(prompt.length - 1 + j),
          org.nd4j.linalg.indexing.NDArrayIndex.all()).toFloatVector();
      out[j] = dev.manimgrpo.policy.sampling.LogitFilter.logSoftmax(row)[continuation[j]];
    }
    return out;
  }

  /**
   * Greedy decoding: {@code newTokens} tokens after {@code prompt}, each the argmax of the next
   * logits (the lowest id among ties, like {@code torch.argmax}); no stop token. With {@code
   * useKvCache} the prompt runs once and each new token attends to the cached keys and values;
   * without it the whole sequence runs again for every token.
   *
   * @return the new tokens only
   */
  public int[] greedy(int[] prompt, int newTokens, boolean useKvCache) {
    if (prompt.length == 0 || newTokens < 0) {
      throw new IllegalArgumentException("greedy needs a non-empty prompt and newTokens >= 0, got "
          + prompt.length + " and " + newTokens);
    }
    checkTokens(new int[][] {prompt});
    int[] out = new int[newTokens];
    if (newTokens == 0) {
      return out;
    }
    if (!useKvCache) {
      int[] sequence = java.util.Arrays.copyOf(prompt, prompt.length + newTokens);
      for (int n = 0; n < newTokens; n++) {
        int length = prompt.length + n;
        int[] tokens = java.util.Arrays.copyOf(sequence, length);
        INDArray mask = HfAttention.mask(1, config.numAttentionHeads(), length, 0, null);
        INDArray hidden = hidden(tokens, 1, length, 0, mask, null);
        out[n] = argmax(head(lastRow(hidden)));
        sequence[length] = out[n];
      }
      return out;
    }
    HfKvCache cache = new HfKvCache(config, 1, prompt.length + newTokens - 1);
    INDArray mask = HfAttention.mask(1, config.numAttentionHeads(), prompt.length, 0, null);
    out[0] = argmax(head(lastRow(hidden(prompt, 1, prompt.length, 0, mask, cache))));
    for (int n = 1; n < newTokens; n++) {
      out[n] = argmax(step(cache, new int[] {out[n - 1]}));
    }
    return out;
  }

  /**
   * Runs one prompt into an empty {@code cache} of batch 1 and returns the next token's logits
   * {@code [1, vocab]}: the start of KV-cached sampling ({@link HfLogits}).
   */
  public INDArray prefill(HfKvCache cache, int[] prompt) {
    if (cache.length() != 0 || cache.batch() != 1) {
      throw new IllegalArgumentException("prefill needs an empty cache of one row, got " + cache.batch()
          + " rows holding " + cache.length() + " tokens");
    }
    if (prompt.length == 0) {
      throw new IllegalArgumentException("prefill needs a non-empty prompt");
    }
    checkTokens(new int[][] {prompt});
    INDArray mask = HfAttention.mask(1, config.numAttentionHeads(), prompt.length, 0, null);
    return head(lastRow(hidden(prompt, 1, prompt.length, 0, mask, cache)));
  }

  /**
   * Appends one token to each cached sequence (all of one length) and returns the next logits
   * {@code [rows, vocab]}.
   */
  public INDArray step(HfKvCache cache, int[] tokens) {
    if (tokens.length != cache.batch()) {
      throw new IllegalArgumentException(tokens.length + " tokens for a cache of " + cache.batch() + " rows");
    }
    checkTokens(new int[][] {tokens});
    if (rowDecoder != null && rowDecoder.fits(cache)) {
      return rowDecoder.step(cache, tokens[0]);
    }
    int start = cache.length();
    INDArray mask = HfAttention.mask(tokens.length, config.numAttentionHeads(), 1, start, null);
    return head(hidden(tokens, tokens.length, 1, start, mask, cache));
  }

  /**
   * The final-normed hidden states {@code [batch*tq, hidden]} of {@code tokens} (row-major
   * {@code [batch][tq]}) at positions {@code start ..}; with a cache, appended to it.
   */
  INDArray hidden(int[] tokens, int batch, int tq, int start, INDArray mask, HfKvCache cache) {
    INDArray x = Nd4j.pullRows(weights.embedding(), 1, tokens, 'c');
    double eps = config.rmsNormEps();
    for (int l = 0; l < config.numHiddenLayers(); l++) {
      HfWeights.Layer w = weights.layer(l);
      INDArray h = HfOps.rmsNorm(x, w.inputNorm(), eps);
      x.addi(attention.apply(w, h, batch, tq, start, mask, cache, l));
      h = HfOps.rmsNorm(x, w.postAttentionNorm(), eps);
      INDArray act = HfOps.siluTimes(HfOps.linear(h, w.gate(), w.gateBias()),
          HfOps.linear(h, w.up(), w.upBias()));
      x.addi(HfOps.linear(act, w.down(), w.downBias()));
    }
    if (cache != null) {
      cache.advance(tq);
    }
    return HfOps.rmsNorm(x, weights.finalNorm(), eps);
  }

  /** {@code [rows, hidden]} to logits {@code [rows, vocab]}. */
  private INDArray head(INDArray hidden) {
    return Nd4j.gemm(hidden, weights.lmHead(), false, true);
  }

  private static INDArray lastRow(INDArray x) {
    return x.getRow(x.size(0) - 1, true).dup('c');
  }

  /** Index of the largest value of a {@code [1, V]} row; the first one among equals. */
  static int argmax(INDArray row) {
    float[] v = row.toFloatVector();
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private int checkTokens(int[][] tokens) {
    if (tokens.length == 0 || tokens[0].length == 0) {
      throw new IllegalArgumentException("tokens must have at least one row and one column");
    }
    int time = tokens[0].length;
    for (int b = 0; b < tokens.length; b++) {
      if (tokens[b].length != time) {
        throw new IllegalArgumentException("token rows must have equal lengths (right-pad them): "
            + "row 0 has " + time + ", row " + b + " has " + tokens[b].length);
      }
      for (int t = 0; t < time; t++) {
        if (tokens[b][t] < 0 || tokens[b][t] >= config.vocabSize()) {
          throw new IllegalArgumentException("token " + tokens[b][t] + " at [" + b + "][" + t
              + "] is outside the vocabulary [0, " + config.vocabSize() + ")");
        }
      }
    }
    return time;
  }

  private static void checkMask(int[][] mask, int batch, int time) {
    if (mask == null) {
      return;
    }
    if (mask.length != batch) {
      throw new IllegalArgumentException("attention mask has " + mask.length + " rows for "
          + batch + " token rows");
    }
    for (int b = 0; b < batch; b++) {
      if (mask[b].length != time) {
        throw new IllegalArgumentException("attention mask row " + b + " has " + mask[b].length
            + " entries for " + time + " tokens");
      }
      for (int m : mask[b]) {
        if (m != 0 && m != 1) {
          throw new IllegalArgumentException("attention mask row " + b + " holds " + m
              + "; entries are 1 (token) or 0 (padding)");
        }
      }
    }
  }

  private static int[] flatten(int[][] rows, int time) {
    int[] flat = new int[rows.length * time];
    for (int b = 0; b < rows.length; b++) {
      System.arraycopy(rows[b], 0, flat, b * time, time);
    }
    return flat;
  }
}

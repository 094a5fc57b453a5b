package dev.manimgrpo.policy.model;

/**
 * Token batches checked and flattened the way every {@link LanguageModel} engine consumes them,
 * and the additive attention masks (0 = attend, {@link #MASKED} = not), so that the engines agree
 * on layout, positions and padding by construction.
 */
final class ModelInputs {

  /** Added to masked attention scores; finite so fully masked (padding) rows stay NaN-free. */
  static final double MASKED = -1e9;

  private ModelInputs() {}

  /**
   * A training batch, row-major over {@code [B, T]}: token ids, positions, target ids with -1
   * mapped to 0, and {@code valid} 1 where the target was not -1.
   */
  record Training(int batch, int time, int[] tokens, int[] positions, int[] targets,
      double[] valid) {

    static Training of(ModelConfig c, int[][] tokens, int[][] targets) {
      int batch = tokens.length;
      int time = checkBatch(c, tokens, targets);
      int n = batch * time;
      int[] tok = new int[n];
      int[] pos = new int[n];
      int[] tgt = new int[n];
      double[] valid = new double[n];
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < time; t++) {
          int i = b * time + t;
          tok[i] = tokens[b][t];
          pos[i] = t;
          tgt[i] = Math.max(targets[b][t], 0);
          valid[i] = targets[b][t] < 0 ? 0.0 : 1.0;
        }
      }
      return new Training(batch, time, tok, pos, tgt, valid);
    }
  }

  /**
   * Sequences of different lengths left-padded to the longest, row-major over {@code [B, T]}: row
   * b's token at slot s has position {@code s - padding[b]}; pad slots hold token 0 at position 0.
   */
  record Padded(int batch, int time, int[] tokens, int[] positions, int[] padding, boolean padded) {

    static Padded of(ModelConfig c, int[][] rows) {
      int batch = rows.length;
      if (batch == 0) {
        throw new IllegalArgumentException("no sequences");
      }
      int time = 0;
      for (int[] r : rows) {
        if (r.length == 0) {
          throw new IllegalArgumentException("empty sequence");
        }
        time = Math.max(time, r.length);
      }
      if (time > c.contextLength()) {
        throw new IllegalArgumentException("sequence of " + time + " tokens exceeds contextLength "
            + c.contextLength());
      }
      int[] padding = new int[batch];
      int[] tok = new int[batch * time];
      int[] pos = new int[batch * time];
      boolean padded = false;
      for (int b = 0; b < batch; b++) {
        padding[b] = time - rows[b].length;
        padded |= padding[b] > 0;
        for (int t = 0; t < time; t++) {
          int i = b * time + t;
          int s = t - padding[b];
          tok[i] = s < 0 ? 0 : checkToken(c, rows[b][s]);
          pos[i] = Math.max(s, 0);
        }
      }
      return new Padded(batch, time, tok, pos, padding, padded);
    }
  }

  /** {@code [t*t]} row-major: 0 on and below the diagonal, {@link #MASKED} above. */
  static double[] causalMask(int time) {
    double[] m = new double[time * time];
    for (int i = 0; i < time; i++) {
      for (int j = i + 1; j < time; j++) {
        m[i * time + j] = MASKED;
      }
    }
    return m;
  }

  /** {@code [batch*t*t]} row-major: causal, and row b's first {@code padding[b]} keys masked. */
  static double[] paddedCausalMask(int[] padding, int time) {
    int batch = padding.length;
    double[] m = new double[batch * time * time];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < time; i++) {
        int row = (b * time + i) * time;
        for (int j = 0; j < time; j++) {
          // Pad queries attend only to themselves: a fully masked row gave NaN in float64
          // softmax, and a NaN value vector poisons real rows even at probability 0.
          if (j > i || (j < padding[b] && j != i)) {
            m[row + j] = MASKED;
          }
        }
      }
    }
    return m;
  }

  /** {@code [batch*keys]}: one new query per row over {@code keys} slots, pad slots masked. */
  static double[] stepMask(int[] padding, int keys) {
    double[] m = new double[padding.length * keys];
    for (int b = 0; b < padding.length; b++) {
      java.util.Arrays.fill(m, b * keys, b * keys + padding[b], MASKED);
    }
    return m;
  }

  /** Checks the next tokens of a cached decode and returns their positions. */
  static int[] stepPositions(ModelConfig c, dev.manimgrpo.policy.sampling.KvCache cache,
      int[] nextTokens) {
    int batch = nextTokens.length;
    if (batch != cache.batch()) {
      throw new IllegalArgumentException(batch + " tokens for a KvCache of " + cache.batch()
          + " rows");
    }
    int[] pos = new int[batch];
    for (int b = 0; b < batch; b++) {
      checkToken(c, nextTokens[b]);
      pos[b] = cache.tokens(b);
      if (pos[b] >= c.contextLength()) {
        throw new IllegalStateException("row " + b + " is at the context length "
            + c.contextLength());
      }
    }
    return pos;
  }

  /** Checks a prefill's prompts against an empty cache. */
  static void checkPrefill(dev.manimgrpo.policy.sampling.KvCache cache, int[][] prompts) {
    if (cache.length() != 0) {
      throw new IllegalStateException("prefill needs an empty KvCache");
    }
    if (prompts.length != cache.batch()) {
      throw new IllegalArgumentException(prompts.length + " prompts for a KvCache of "
          + cache.batch() + " rows");
    }
  }

  static void checkCacheRoom(dev.manimgrpo.policy.sampling.KvCache cache, int time) {
    if (time > cache.maxLength()) {
      throw new IllegalArgumentException("prompts of " + time + " slots exceed the KvCache's "
          + cache.maxLength());
    }
  }

  static int checkBatch(ModelConfig c, int[][] tokens, int[][] targets) {
    if (tokens.length == 0) {
      throw new IllegalArgumentException("empty batch");
    }
    if (targets.length != tokens.length) {
      throw new IllegalArgumentException("tokens has " + tokens.length + " rows but targets has "
          + targets.length);
    }
    int time = tokens[0].length;
    if (time < 1 || time > c.contextLength()) {
      throw new IllegalArgumentException("sequence length " + time + " not in [1, contextLength="
          + c.contextLength() + "]");
    }
    for (int b = 0; b < tokens.length; b++) {
      if (tokens[b].length != time || targets[b].length != time) {
        throw new IllegalArgumentException("row " + b + " is not " + time
            + " long (tokens and targets rows must all have the same length)");
      }
      for (int t = 0; t < time; t++) {
        checkToken(c, tokens[b][t]);
        if (targets[b][t] < -1 || targets[b][t] >= c.vocabSize()) {
          throw new IllegalArgumentException("target id " + targets[b][t] + " outside [-1, "
              + c.vocabSize() + ")");
        }
      }
    }
    return time;
  }

  static int checkToken(ModelConfig c, int token) {
    if (token < 0 || token >= c.vocabSize()) {
      throw new IllegalArgumentException("token id " + token + " outside [0, " + c.vocabSize()
          + ")");
    }
    return token;
  }
}

package dev.manimgrpo.policy.model;

/**
 * Shape of the decoder-only policy: a pre-LayerNorm GPT with learned positions and an LM head
 * tied to the token embedding.
 *
 * <p>Serialises with Jackson as a plain record. {@code mlpMultiplier} 0 means the default (4), so a
 * JSON file may leave it out.
 *
 * @param vocabSize     number of token ids (the tokenizer's vocabulary, special tokens included)
 * @param layers        transformer blocks
 * @param heads         attention heads per block; must divide {@code width}
 * @param width         residual stream width (d_model)
 * @param contextLength longest sequence (learned position embeddings are this long)
 * @param mlpMultiplier MLP hidden width as a multiple of {@code width}
 * @param dropout       inverted-dropout rate on attention probabilities and residual branches
 */
public record ModelConfig(
    int vocabSize, int layers, int heads, int width, int contextLength, int mlpMultiplier,
    double dropout) {

  public static final int DEFAULT_MLP_MULTIPLIER = 4;

  public ModelConfig {
    if (mlpMultiplier == 0) {
      mlpMultiplier = DEFAULT_MLP_MULTIPLIER;
    }
    require(vocabSize >= 2, "vocabSize must be at least 2, got " + vocabSize);
    require(layers >= 1, "layers must be at least 1, got " + layers);
    require(heads >= 1, "heads must be at least 1, got " + heads);
    require(width >= 1, "width must be at least 1, got " + width);
    require(width % heads == 0,
        "width (" + width + ") must be divisible by heads (" + heads + ")");
    require(contextLength >= 1, "contextLength must be at least 1, got " + contextLength);
    require(mlpMultiplier >= 1, "mlpMultiplier must be at least 1, got " + mlpMultiplier);
    require(dropout >= 0.0 && dropout < 1.0, "dropout must be in [0, 1), got " + dropout);
  }

  /** Configuration with the default MLP multiplier. */
  public ModelConfig(int vocabSize, int layers, int heads, int width, int contextLength,
      double dropout) {
    this(vocabSize, layers, heads, width, contextLength, DEFAULT_MLP_MULTIPLIER, dropout);
  }

  public int headDim() {
    return width / heads;
  }

  public int mlpWidth() {
    return width * mlpMultiplier;
  }

  public ModelConfig withDropout(double rate) {
    return new ModelConfig(vocabSize, layers, heads, width, contextLength, mlpMultiplier, rate);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("ModelConfig: " + message);
    }
  }
}

package dev.manimgrpo.reward.code;

/**
 * Maps a program to a fixed-size embedding, for the CodeBERT part of CodeBERTBLEU
 * ({@code sqrt(CodeBLEU * cos(embed(candidate), embed(reference)))}). The study uses CodeBERT
 * ({@code microsoft/codebert-base}); no implementation ships here (no model can be fetched in this build),
 * so the code reward reports that part as absent unless one is configured.
 *
 * <p>Implementations must be deterministic, return vectors of one fixed dimension, and be safe to call from
 * several threads (or be created one per thread). A vector of zero norm or with non-finite values is treated
 * as "no embedding" for that pair.
 */
@FunctionalInterface
public interface CodeEmbedder {

  /** The embedding of one program (e.g. CodeBERT's mean-pooled last hidden state). */
  float[] embed(String code);

  /** A short name for logs and reports. */
  default String name() {
    return getClass().getSimpleName();
  }
}

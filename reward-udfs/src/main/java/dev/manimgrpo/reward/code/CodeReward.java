package dev.manimgrpo.reward.code;

/**
 * The code-level reward of one rollout with every part, so an analyst can see why it scored what it did.
 * All doubles are in [0, 1] and never NaN.
 *
 * @param codeBleu CodeBLEU total ({@link CodeBleu})
 * @param bleu BLEU-4 part
 * @param weightedNgram keyword-weighted n-gram part
 * @param syntaxMatch AST subtree match part
 * @param dataflowMatch data-flow match part (a convention value when {@code referenceHasDataflow} is false)
 * @param referenceHasDataflow false when the reference has no data-flow edges
 * @param syntaxError tree-sitter finds an ERROR or MISSING node in the candidate as given
 * @param astEditDistance normalised AST edit distance, 0 = same tree ({@link TreeEditDistance})
 * @param astEditDistanceExact false when the trees were too large and a lower bound was used
 * @param codeBertCosine cosine of the candidate's and reference's embeddings, in [-1, 1]; null when no
 *     {@link CodeEmbedder} is configured (never invented)
 * @param codeBertBleu {@code sqrt(codeBleu * max(0, codeBertCosine))}; null exactly when the cosine is
 * @param textReward R_text: {@code codeBertBleu} when present, else {@code codeBleu}
 */
public record CodeReward(double codeBleu, double bleu, double weightedNgram, double syntaxMatch,
    double dataflowMatch, boolean referenceHasDataflow, boolean syntaxError, double astEditDistance,
    boolean astEditDistanceExact, Double codeBertCosine, Double codeBertBleu, double textReward)
    implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  /** Whether the CodeBERT part (and so CodeBERTBLEU) was computed. */
  public boolean hasCodeBert() {
    return codeBertCosine != null;
  }
}

package dev.manimgrpo.reward.code;

/**
 * CodeBLEU of one candidate against one reference, with its parts. Always
 * {@code codeBleu = alpha * bleu + beta * weightedNgram + gamma * syntaxMatch + delta * dataflowMatch}
 * (clamped to [0, 1]); every value is in [0, 1] and never NaN.
 *
 * @param codeBleu the weighted total
 * @param bleu BLEU-4 on whitespace tokens ({@link NgramMatch#bleu})
 * @param weightedNgram keyword-weighted n-gram recall ({@link NgramMatch#weightedNgram})
 * @param syntaxMatch fraction of reference AST subtrees found in the candidate ({@link SyntaxMatch})
 * @param dataflowMatch fraction of reference data-flow edges matched ({@link PythonDataFlow}); when the
 *     reference has no data flow, the convention value used in the total (1 or 0, see
 *     {@link CodeBleuConfig.NoDataflow})
 * @param referenceHasDataflow false when the reference yields no data-flow edges, so {@code dataflowMatch} is
 *     a convention, not a measurement
 */
public record CodeBleuScore(double codeBleu, double bleu, double weightedNgram, double syntaxMatch,
    double dataflowMatch, boolean referenceHasDataflow) implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  /** All parts 0 (an empty candidate or reference). */
  static CodeBleuScore zero(boolean referenceHasDataflow) {
    return new CodeBleuScore(0, 0, 0, 0, 0, referenceHasDataflow);
  }
}

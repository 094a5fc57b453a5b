package dev.manimgrpo.reward.code;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The code-level reward R_text and its diagnostics for one candidate against one reference:
 *
 * <ul>
 *   <li>CodeBLEU and its four parts ({@link CodeBleu});</li>
 *   <li>a syntax-error flag (tree-sitter ERROR or MISSING node in the candidate as given);</li>
 *   <li>a normalised AST edit distance ({@link TreeEditDistance});</li>
 *   <li>with a {@link CodeEmbedder}: the embedding cosine and CodeBERTBLEU
 *       {@code = sqrt(CodeBLEU * max(0, cos))} (a negative cosine counts as 0 so the root is real).</li>
 * </ul>
 *
 * <p><b>R_text</b> is CodeBERTBLEU when an embedder is configured, and falls back to CodeBLEU otherwise (the
 * CodeBERT part is then reported as null, not guessed). The fallback keeps R_text a similarity to the
 * reference in [0, 1] with the same direction; note that it is not on the same scale (for a typical pair
 * {@code sqrt(CodeBLEU * cos) > CodeBLEU}), so runs with and without an embedder are not comparable.
 *
 * <p>Thread-safe if the embedder is; parsing uses the calling thread's {@link PythonParser}.
 */
public final class CodeRewardCalculator {

  private static final Logger LOG = LoggerFactory.getLogger(CodeRewardCalculator.class);

  private final CodeBleu codeBleu;
  private final CodeEmbedder embedder;
  private final TreeEditDistance.Limits astLimits;

  /**
   * @param codeBleu CodeBLEU with its weights
   * @param embedder the CodeBERT-like embedder, or null for none
   * @param astLimits runtime limits of the AST edit distance
   */
  public CodeRewardCalculator(CodeBleu codeBleu, CodeEmbedder embedder, TreeEditDistance.Limits astLimits) {
    this.codeBleu = Objects.requireNonNull(codeBleu, "codeBleu");
    this.embedder = embedder;
    this.astLimits = Objects.requireNonNull(astLimits, "astLimits");
  }

  /** Default CodeBLEU weights, no embedder (R_text = CodeBLEU). */
  public CodeRewardCalculator() {
    this(new CodeBleu(), null, TreeEditDistance.Limits.defaults());
  }

  /** Default CodeBLEU weights and AST limits with the given embedder (may be null). */
  public static CodeRewardCalculator withEmbedder(CodeEmbedder embedder) {
    return new CodeRewardCalculator(new CodeBleu(), embedder, TreeEditDistance.Limits.defaults());
  }

  /** Whether the CodeBERT part is computed. */
  public boolean hasEmbedder() {
    return embedder != null;
  }

  /** Prepares a reference once for many candidates (embeds it too when an embedder is configured). */
  public CodeReference prepare(String referenceCode) {
    CodeReference ref = CodeReference.of(ParsedProgram.of(referenceCode, PythonParser.forCurrentThread()));
    if (embedder != null) {
      ref = ref.withEmbedding(embedder.embed(referenceCode == null ? "" : referenceCode));
    }
    return ref;
  }

  /** The reward of a candidate against a reference prepared by this calculator. */
  public CodeReward score(CodeReference ref, String candidateCode) {
    ParsedProgram cand = ParsedProgram.of(candidateCode, PythonParser.forCurrentThread());
    CodeBleuScore cb = codeBleu.score(ref, cand);
    TreeEditDistance.Result ted =
        TreeEditDistance.compute(ref.ast, TreeEditDistance.OrderedTree.of(cand.cleanTree()), astLimits);
    Double cosine = null;
    Double codeBertBleu = null;
    if (embedder != null) {
      float[] refEmbedding = ref.embedding;
      if (refEmbedding == null) {
        throw new IllegalArgumentException("reference was prepared without an embedding; prepare it with this calculator");
      }
      float[] candEmbedding = embedder.embed(candidateCode == null ? "" : candidateCode);
      cosine = cosine(refEmbedding, candEmbedding);
      if (cosine == null) {
        LOG.warn("embedder {} returned a zero or non-finite vector; CodeBERT part left out for this pair",
            embedder.name());
      } else {
        codeBertBleu = CodeBleu.clamp(Math.sqrt(cb.codeBleu() * Math.max(0.0, cosine)));
      }
    }
    double textReward = codeBertBleu != null ? codeBertBleu : cb.codeBleu();
    return new CodeReward(cb.codeBleu(), cb.bleu(), cb.weightedNgram(), cb.syntaxMatch(), cb.dataflowMatch(),
        cb.referenceHasDataflow(), cand.syntaxError(), ted.normalized(), ted.exact(), cosine, codeBertBleu,
        textReward);
  }

  /** Convenience: prepares the reference and scores one candidate. */
  public CodeReward score(String referenceCode, String candidateCode) {
    return score(prepare(referenceCode), candidateCode);
  }

  /** Cosine in [-1, 1], or null when a vector is zero or non-finite. */
  static Double cosine(float[] a, float[] b) {
    if (a == null || b == null) {
      return null;
    }
    if (a.length != b.length) {
      throw new IllegalArgumentException("embedding dimensions differ: " + a.length + " vs " + b.length);
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    if (!(na > 0) || !(nb > 0) || !Double.isFinite(dot) || !Double.isFinite(na) || !Double.isFinite(nb)) {
      return null;
    }
    double c = dot / (Math.sqrt(na) * Math.sqrt(nb));
    return Math.max(-1.0, Math.min(1.0, c));
  }
}

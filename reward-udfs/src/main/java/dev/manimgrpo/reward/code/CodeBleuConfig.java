package dev.manimgrpo.reward.code;

/**
 * Weights and conventions of {@link CodeBleu}: {@code CodeBLEU = alpha * BLEU + beta * weighted n-gram
 * + gamma * syntax match + delta * data-flow match}.
 *
 * @param alpha weight of BLEU
 * @param beta weight of the weighted n-gram match
 * @param gamma weight of the syntax (AST) match
 * @param delta weight of the data-flow match
 * @param noDataflow what the data-flow term is when the reference has no data flow at all
 */
public record CodeBleuConfig(double alpha, double beta, double gamma, double delta, NoDataflow noDataflow)
    implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * The data-flow term when the reference yields no data-flow edges (the official code then warns and its
   * match degenerates to 0).
   */
  public enum NoDataflow {
    /**
     * Count the term as 1, the {@code codebleu} package's {@code theta * (dataflow_match_score or 1)}. Unlike
     * the package we apply it only when the reference has no data flow, not when a candidate matches none of
     * the reference's edges: the package's {@code or 1} also turns a genuine 0 into 1, which rewards a
     * candidate with no matching data flow (including one whose graph the original fails to build, see
     * {@link PythonDataFlow}) above one that matches a few edges. This is the only place where our total
     * departs from the package's on the same inputs (34 of 361 test pairs).
     */
    COUNT_AS_ONE,
    /** Count the term as 0, CodeXGLUE's original {@code calc_code_bleu.py}. */
    COUNT_AS_ZERO
  }

  public CodeBleuConfig {
    double sum = alpha + beta + gamma + delta;
    if (!(alpha >= 0) || !(beta >= 0) || !(gamma >= 0) || !(delta >= 0) || !Double.isFinite(sum)
        || Math.abs(sum - 1.0) > 1e-6) {
      throw new IllegalArgumentException("CodeBLEU weights must be >= 0 and sum to 1, got " + alpha + ", " + beta
          + ", " + gamma + ", " + delta);
    }
    if (noDataflow == null) {
      throw new IllegalArgumentException("noDataflow must be set");
    }
  }

  /** 0.25 each, no-data-flow term counted as 1 (the {@code codebleu} package's defaults). */
  public static CodeBleuConfig defaults() {
    return new CodeBleuConfig(0.25, 0.25, 0.25, 0.25, NoDataflow.COUNT_AS_ONE);
  }
}

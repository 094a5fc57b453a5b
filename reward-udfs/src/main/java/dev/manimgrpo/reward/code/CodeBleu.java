package dev.manimgrpo.reward.code;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CodeBLEU (Ren et al. 2020) for Python, pure Java, following the {@code codebleu} package (the maintained
 * packaging of microsoft/CodeXGLUE's evaluator) for one candidate against one reference:
 *
 * <pre>  CodeBLEU = alpha * BLEU + beta * weighted_ngram + gamma * syntax_match + delta * dataflow_match</pre>
 *
 * with weights 0.25 each by default ({@link CodeBleuConfig}). Parts: {@link NgramMatch} (BLEU and weighted
 * n-gram, on {@code code.strip().split()} tokens), {@link SyntaxMatch} and {@link PythonDataFlow} (on the
 * tree-sitter tree of the code without comments and docstrings, {@link PythonSourceCleaner}).
 *
 * <p>Conventions beyond the original, so that scores are always in [0, 1] and never NaN:
 * <ul>
 *   <li>an empty (whitespace-only) candidate or reference scores 0 in every part and in total (the original
 *       would give an empty pair 0.5 via the shared {@code (module)} root and {@code dataflow or 1});</li>
 *   <li>a reference without data flow: the data-flow term is 1 (default) or 0 by
 *       {@link CodeBleuConfig.NoDataflow}, and {@link CodeBleuScore#referenceHasDataflow()} is false;</li>
 *   <li>identical programs score exactly 1 when they have at least 4 whitespace tokens (every part is 1).
 *       Not otherwise: BLEU-4 smooths a missing n-gram order to {@code 0.1}, so identical 2-token code has
 *       BLEU {@code 0.1^(1/2) = 0.316} in the original too; and with {@code COUNT_AS_ZERO} and a reference
 *       without data flow the total is {@code 1 - delta}.</li>
 * </ul>
 *
 * <p>Thread-safe: immutable; parsing uses {@link PythonParser#forCurrentThread()} unless a parser is passed.
 */
public final class CodeBleu implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  private final CodeBleuConfig config;

  public CodeBleu(CodeBleuConfig config) {
    this.config = config;
  }

  public CodeBleu() {
    this(CodeBleuConfig.defaults());
  }

  public CodeBleuConfig config() {
    return config;
  }

  /** Prepares a reference with the calling thread's parser. */
  public CodeReference prepare(String referenceCode) {
    return CodeReference.of(ParsedProgram.of(referenceCode, PythonParser.forCurrentThread()));
  }

  /** CodeBLEU of a candidate against a prepared reference. */
  public CodeBleuScore score(CodeReference ref, String candidateCode) {
    return score(ref, ParsedProgram.of(candidateCode, PythonParser.forCurrentThread()));
  }

  /** CodeBLEU of two programs (prepares the reference; prefer {@link #prepare} when it is reused). */
  public CodeBleuScore score(String referenceCode, String candidateCode) {
    return score(prepare(referenceCode), candidateCode);
  }

  /** CodeBLEU of a parsed candidate against a prepared reference. */
  public CodeBleuScore score(CodeReference ref, ParsedProgram cand) {
    boolean refHasDataflow = ref.dataflowCount > 0;
    if (ref.empty || cand.isEmpty()) {
      return CodeBleuScore.zero(refHasDataflow);
    }
    NgramMatch.Candidate grams = NgramMatch.candidate(ref.ngrams, cand.tokens());
    double bleu = NgramMatch.bleu(ref.ngrams, grams);
    double weighted = NgramMatch.weightedNgram(ref.ngrams, grams);
    double syntax = SyntaxMatch.score(ref.syntax, cand.cleanTree());
    double dataflow;
    if (refHasDataflow) {
      dataflow = dataflowMatch(ref.dataflow, ref.dataflowCount, PythonDataFlow.normalizedFlows(cand.cleanTree()));
    } else {
      dataflow = config.noDataflow() == CodeBleuConfig.NoDataflow.COUNT_AS_ONE ? 1.0 : 0.0;
    }
    double total = config.alpha() * bleu + config.beta() * weighted + config.gamma() * syntax
        + config.delta() * dataflow;
    return new CodeBleuScore(clamp(total), clamp(bleu), clamp(weighted), clamp(syntax), clamp(dataflow),
        refHasDataflow);
  }

  /**
   * The official matching: each reference edge matches one equal, not yet used candidate edge, so the
   * count is {@code sum_e min(ref_count(e), cand_count(e))}; divided by the number of reference edges.
   */
  static double dataflowMatch(Map<PythonDataFlow.NormalizedFlow, Integer> ref, int refCount,
      List<PythonDataFlow.NormalizedFlow> cand) {
    Map<PythonDataFlow.NormalizedFlow, Integer> candCounts = new HashMap<>();
    for (PythonDataFlow.NormalizedFlow f : cand) {
      candCounts.merge(f, 1, Integer::sum);
    }
    int matched = 0;
    for (Map.Entry<PythonDataFlow.NormalizedFlow, Integer> e : ref.entrySet()) {
      matched += Math.min(e.getValue(), candCounts.getOrDefault(e.getKey(), 0));
    }
    return refCount == 0 ? 0.0 : (double) matched / refCount;
  }

  static double clamp(double v) {
    return Double.isFinite(v) ? Math.max(0.0, Math.min(1.0, v)) : 0.0;
  }
}

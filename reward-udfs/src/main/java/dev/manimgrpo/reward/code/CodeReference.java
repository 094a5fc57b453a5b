package dev.manimgrpo.reward.code;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A reference program prepared once for scoring many candidates (a GRPO group scores G candidates against the
 * same reference): its n-gram tables, subtree table, normalised data flow and AST. Immutable, thread-safe and
 * serialisable (it can be broadcast); holds no native tree-sitter objects.
 */
public final class CodeReference implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  final boolean empty;
  final NgramMatch.Reference ngrams;
  final SyntaxMatch.Reference syntax;
  final Map<PythonDataFlow.NormalizedFlow, Integer> dataflow;
  final int dataflowCount;
  final TreeEditDistance.OrderedTree ast;
  final boolean syntaxError;
  /** Optional embedding of the reference for the CodeBERT part; null when none. */
  final float[] embedding;

  private CodeReference(boolean empty, NgramMatch.Reference ngrams, SyntaxMatch.Reference syntax,
      Map<PythonDataFlow.NormalizedFlow, Integer> dataflow, int dataflowCount, TreeEditDistance.OrderedTree ast,
      boolean syntaxError, float[] embedding) {
    this.empty = empty;
    this.ngrams = ngrams;
    this.syntax = syntax;
    this.dataflow = dataflow;
    this.dataflowCount = dataflowCount;
    this.ast = ast;
    this.syntaxError = syntaxError;
    this.embedding = embedding;
  }

  /** Prepares a parsed reference. */
  public static CodeReference of(ParsedProgram ref) {
    List<PythonDataFlow.NormalizedFlow> flows = PythonDataFlow.normalizedFlows(ref.cleanTree());
    Map<PythonDataFlow.NormalizedFlow, Integer> counts = new HashMap<>();
    for (PythonDataFlow.NormalizedFlow f : flows) {
      counts.merge(f, 1, Integer::sum);
    }
    return new CodeReference(ref.isEmpty(), NgramMatch.prepare(ref.tokens(), PythonKeywords.CODEBLEU),
        SyntaxMatch.prepare(ref.cleanTree()), Map.copyOf(counts), flows.size(),
        TreeEditDistance.OrderedTree.of(ref.cleanTree()), ref.syntaxError(), null);
  }

  /** A copy carrying the reference's embedding (see {@link CodeEmbedder}). */
  CodeReference withEmbedding(float[] embedding) {
    return new CodeReference(empty, ngrams, syntax, dataflow, dataflowCount, ast, syntaxError,
        embedding == null ? null : embedding.clone());
  }

  /** Whether the reference has no non-whitespace character. */
  public boolean isEmpty() {
    return empty;
  }

  /** Number of normalised data-flow edges of the reference (0: no data flow). */
  public int dataflowEdgeCount() {
    return dataflowCount;
  }

  /** Whether tree-sitter flags a syntax error in the reference itself. */
  public boolean hasSyntaxError() {
    return syntaxError;
  }

  /** Whether an embedding of the reference is attached. */
  public boolean hasEmbedding() {
    return embedding != null;
  }
}

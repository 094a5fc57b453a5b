package dev.manimgrpo.reward.code;

import java.util.List;

/**
 * One program prepared for the code metrics: parsed once, then shared by CodeBLEU's parts and the AST edit
 * distance. Immutable.
 *
 * @param stripped the code after Python's {@code str.strip()} (as CodeBLEU preprocesses both sides)
 * @param tokens {@code stripped.split()}: CodeBLEU's default tokeniser for BLEU and the weighted n-gram match
 *     (whitespace split, comments included; not tree-sitter leaves)
 * @param cleanTree the tree of the stripped code with comments and docstrings removed
 *     ({@link PythonSourceCleaner}), which the syntax match, data flow and AST edit distance use
 * @param syntaxError whether tree-sitter finds an ERROR or MISSING node in the code exactly as given
 */
public record ParsedProgram(String stripped, List<String> tokens, SyntaxTree cleanTree, boolean syntaxError) {

  /**
   * Parses {@code code} (null counts as empty) with the given parser.
   *
   * <p>Usually one parse: the stripped code is parsed, and comments, docstrings and line continuations are
   * dropped from that tree, which gives the same tree as parsing the cleaned text when the code parses
   * without error, every removed string is a statement of its own, and no block is left empty. Otherwise
   * (the original's removal then changes the parse, e.g. a class whose only statement is a docstring) the
   * cleaned text is parsed as the original does. The syntax-error flag needs a separate parse only when
   * the code has leading whitespace (stripping it could change the verdict).
   */
  public static ParsedProgram of(String code, PythonParser parser) {
    String raw = code == null ? "" : code;
    String stripped = PythonText.strip(raw);
    SyntaxTree tree = parser.parse(stripped);
    boolean syntaxError = raw.startsWith(stripped) ? tree.hasError() : parser.hasSyntaxError(raw);
    PythonSourceCleaner.Analysis analysis = PythonSourceCleaner.analyze(stripped);
    SyntaxTree clean;
    if (!analysis.removesAnything()) {
      clean = tree;
    } else {
      clean = removeInTree(tree, analysis);
      if (clean == null) {
        clean = parser.parse(PythonSourceCleaner.apply(stripped, analysis));
      }
    }
    return new ParsedProgram(stripped, List.copyOf(PythonText.split(stripped)), clean, syntaxError);
  }

  /** The tree without what {@code analysis} removes, or null when only a re-parse gives the original's tree. */
  static SyntaxTree removeInTree(SyntaxTree t, PythonSourceCleaner.Analysis analysis) {
    if (t.hasError()) {
      return null;
    }
    boolean[] remove = new boolean[t.size()];
    int comments = 0;
    int continuations = 0;
    java.util.Map<Integer, Integer> stringsByStart = new java.util.HashMap<>();
    for (int node = 0; node < t.size(); node++) {
      String type = t.type(node);
      if ("comment".equals(type)) {
        remove[node] = true;
        comments++;
      } else if ("line_continuation".equals(type)) {
        remove[node] = true;
        continuations++;
      } else if ("string".equals(type)) {
        stringsByStart.putIfAbsent(t.startByte(node), node);
      }
    }
    if (comments != analysis.comments().size() || continuations != analysis.continuations().size()) {
      return null; // the lexer and the grammar disagree: trust the re-parse
    }
    for (int[] range : analysis.strings()) {
      Integer node = stringsByStart.get(t.byteOffsetOfChar(range[0]));
      if (node == null) {
        return null;
      }
      int statement = t.parent(node);
      if (statement < 0 || !"expression_statement".equals(t.type(statement)) || t.childCount(statement) != 1) {
        return null;
      }
      int block = t.parent(statement);
      int[] siblings = t.childrenOf(block);
      for (int i = 0; i < siblings.length; i++) {
        if (siblings[i] == statement && i + 1 < siblings.length && ";".equals(t.type(siblings[i + 1]))) {
          return null;
        }
      }
      remove[statement] = true;
    }
    for (int node = 0; node < t.size(); node++) {
      if (node != 0 && "block".equals(t.type(node))) {
        boolean left = false;
        for (int c : t.childrenOf(node)) {
          if (!remove[c]) {
            left = true;
            break;
          }
        }
        if (!left) {
          return null; // an emptied block: the original re-parses into an error
        }
      }
    }
    return t.without(remove);
  }

  /** True when the code has no non-whitespace character. */
  public boolean isEmpty() {
    return tokens.isEmpty();
  }
}

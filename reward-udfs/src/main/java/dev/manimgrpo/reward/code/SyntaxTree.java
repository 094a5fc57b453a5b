package dev.manimgrpo.reward.code;

import java.nio.charset.StandardCharsets;

/**
 * An immutable Java copy of a tree-sitter Python parse tree, made once by {@link PythonParser} so that every
 * later pass (S-expressions, data flow, tree edit distance) runs on plain arrays without native calls.
 *
 * <p>Nodes are numbered in preorder ({@code 0} is the root), so a node's children and descendants always
 * have larger numbers than the node itself; iterating the numbers downwards visits children before parents.
 * Every node of the tree-sitter tree is kept, named or anonymous ({@code "("}, {@code "def"} ...), in source
 * order. Positions are UTF-8 byte offsets into {@link #source()}.
 *
 * <p>Thread-safe: immutable once built.
 */
public final class SyntaxTree {

  /** The type tree-sitter gives to error-recovery nodes. */
  public static final String ERROR = "ERROR";

  private final String source;
  private final byte[] utf8;
  private final String[] type;
  private final boolean[] named;
  private final boolean[] missing;
  private final int[] start;
  private final int[] end;
  private final int[] parent;
  private final int[][] children;
  private final String[] field;
  private final boolean hasError;

  SyntaxTree(String source, byte[] utf8, String[] type, boolean[] named, boolean[] missing, int[] start, int[] end,
      int[] parent, int[][] children, String[] field, boolean hasError) {
    this.source = source;
    this.utf8 = utf8;
    this.type = type;
    this.named = named;
    this.missing = missing;
    this.start = start;
    this.end = end;
    this.parent = parent;
    this.children = children;
    this.field = field;
    this.hasError = hasError;
  }

  /** The parsed source text. */
  public String source() {
    return source;
  }

  /** Number of nodes, named and anonymous. */
  public int size() {
    return type.length;
  }

  /** True when the tree holds an ERROR or a MISSING node (tree-sitter's {@code ts_node_has_error} on the root). */
  public boolean hasError() {
    return hasError;
  }

  /** Node type as tree-sitter names it ({@code "identifier"}, {@code "("}, {@code "ERROR"} ...). */
  public String type(int node) {
    return type[node];
  }

  public boolean isNamed(int node) {
    return named[node];
  }

  /** A zero-width node the parser inserted to recover from an error. */
  public boolean isMissing(int node) {
    return missing[node];
  }

  public int startByte(int node) {
    return start[node];
  }

  public int endByte(int node) {
    return end[node];
  }

  /** Parent node, or -1 for the root. */
  public int parent(int node) {
    return parent[node];
  }

  public int childCount(int node) {
    return children[node].length;
  }

  public int child(int node, int index) {
    return children[node][index];
  }

  /** The children array itself (do not modify). */
  int[] childrenOf(int node) {
    return children[node];
  }

  /** The field name under which this node hangs in its parent ({@code "left"}, {@code "body"} ...), or null. */
  public String fieldName(int node) {
    return field[node];
  }

  /** First child carrying the given field name, or -1 (tree-sitter's {@code child_by_field_name}). */
  public int childByFieldName(int node, String fieldName) {
    for (int c : children[node]) {
      if (fieldName.equals(field[c])) {
        return c;
      }
    }
    return -1;
  }

  /** Source text of a node. */
  public String text(int node) {
    return new String(utf8, start[node], end[node] - start[node], StandardCharsets.UTF_8);
  }

  /**
   * The node's S-expression exactly as tree-sitter writes it ({@code ts_node_string}, py-tree-sitter's
   * {@code Node.sexp()} / {@code str(node)}): named and MISSING nodes only, with field labels, e.g.
   * {@code (assignment left: (identifier) right: (integer))}. Used for tests and debugging; the syntax match
   * compares subtrees by an equivalent structural key instead of building these strings.
   */
  public String sexp(int node) {
    StringBuilder sb = new StringBuilder();
    writeSexp(node, null, true, sb);
    return sb.toString();
  }

  private void writeSexp(int node, String fieldName, boolean isRoot, StringBuilder sb) {
    boolean visible = isRoot || writtenInSexp(node);
    if (visible) {
      if (!isRoot) {
        sb.append(' ');
        if (fieldName != null) {
          sb.append(fieldName).append(": ");
        }
      }
      sb.append('(').append(sexpLabel(node));
    }
    for (int c : children[node]) {
      writeSexp(c, field[c], false, sb);
    }
    if (visible) {
      sb.append(')');
    }
  }

  /** Whether tree-sitter writes this node in an S-expression (named or MISSING). */
  boolean writtenInSexp(int node) {
    return named[node] || missing[node];
  }

  /**
   * The head of the node's S-expression after {@code "("}: the type (quoted for an anonymous node),
   * {@code MISSING type} (anonymous types quoted) or, for an ERROR leaf that swallowed text, {@code UNEXPECTED 'c'} (tree-sitter prints the
   * character it could not use; we print the first character of the node's text).
   */
  String sexpLabel(int node) {
    if (missing[node]) {
      return named[node] ? "MISSING " + type[node] : "MISSING \"" + type[node] + "\"";
    }
    if (ERROR.equals(type[node]) && children[node].length == 0 && end[node] > start[node]) {
      String t = text(node);
      return "UNEXPECTED '" + (t.isEmpty() ? "" : new String(Character.toChars(t.codePointAt(0)))) + "'";
    }
    // an anonymous node is only ever written as the root of its own S-expression, quoted: ("from")
    return named[node] ? type[node] : "\"" + type[node] + "\"";
  }

  /**
   * A copy without the marked nodes and their subtrees (same source and positions). Used to drop comments
   * and docstrings from a tree without re-parsing when that gives the same tree as re-parsing the cleaned
   * text (see {@link ParsedProgram}).
   */
  SyntaxTree without(boolean[] remove) {
    int n = size();
    int[] newIndex = new int[n];
    int kept = 0;
    for (int i = 0; i < n; i++) {
      boolean drop = remove[i] || (i > 0 && newIndex[parent[i]] < 0);
      newIndex[i] = drop && i > 0 ? -1 : kept++;
    }
    String[] t = new String[kept];
    boolean[] nm = new boolean[kept];
    boolean[] ms = new boolean[kept];
    int[] st = new int[kept];
    int[] en = new int[kept];
    int[] pa = new int[kept];
    String[] fl = new String[kept];
    int[][] ch = new int[kept][];
    for (int i = 0; i < n; i++) {
      int j = newIndex[i];
      if (j < 0) {
        continue;
      }
      t[j] = type[i];
      nm[j] = named[i];
      ms[j] = missing[i];
      st[j] = start[i];
      en[j] = end[i];
      pa[j] = i == 0 ? -1 : newIndex[parent[i]];
      fl[j] = field[i];
      int c = 0;
      for (int k : children[i]) {
        if (newIndex[k] >= 0) {
          c++;
        }
      }
      int[] kids = new int[c];
      c = 0;
      for (int k : children[i]) {
        if (newIndex[k] >= 0) {
          kids[c++] = newIndex[k];
        }
      }
      ch[j] = kids;
    }
    return new SyntaxTree(source, utf8, t, nm, ms, st, en, pa, ch, fl, hasError);
  }

  /** UTF-8 byte offset of a char index of {@link #source()}. */
  int byteOffsetOfChar(int charIndex) {
    if (utf8.length == source.length()) {
      return charIndex; // ASCII
    }
    return source.substring(0, charIndex).getBytes(StandardCharsets.UTF_8).length;
  }
}

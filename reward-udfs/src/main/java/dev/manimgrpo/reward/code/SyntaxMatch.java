package dev.manimgrpo.reward.code;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CodeBLEU's syntactic AST match ({@code syntax_match.py}): the reference's subtrees, taken as tree-sitter
 * S-expressions, that also occur in the candidate, over the number of reference subtrees:
 *
 * <pre>  syntax_match = |{ s in subtrees(ref) : s in set(subtrees(cand)) }| / |subtrees(ref)|</pre>
 *
 * where {@code subtrees(t)} is the list (with repetitions) of the root and every node that has at least one
 * child, each written as its S-expression ({@link SyntaxTree#sexp}: node types of named nodes with field
 * labels; identifiers, literals' text and anonymous tokens such as operators and keywords are not written,
 * and leaves are only part of their parents' expressions, never subtrees of their own). As in the official
 * code, a reference subtree counts once per occurrence if the candidate has it at least once (no clipping).
 * Both programs have comments and docstrings removed first ({@link PythonSourceCleaner}).
 *
 * <p>Instead of building S-expression strings, subtrees are compared by an equivalent structural key
 * (label, and the field labels and keys of the written children), interned into ids in the reference's
 * table; a candidate subtree whose key is not in that table cannot match. Exact, no hashing collisions.
 */
public final class SyntaxMatch {

  private SyntaxMatch() {}

  /** The reference's interned subtree keys and the ids of its counted subtrees. Immutable after build. */
  public static final class Reference implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final Map<Key, Integer> table;
    final int[] counted;

    Reference(Map<Key, Integer> table, int[] counted) {
      this.table = table;
      this.counted = counted;
    }

    /** Number of reference subtrees (the denominator). */
    public int subtreeCount() {
      return counted.length;
    }
  }

  /** Prepares the reference (its tree should come from comment- and docstring-free source). */
  public static Reference prepare(SyntaxTree ref) {
    Map<Key, Integer> table = new HashMap<>();
    int[] ids = new int[ref.size()];
    for (int node = ref.size() - 1; node >= 0; node--) {
      if (!needsKey(ref, node)) {
        continue;
      }
      Key key = key(ref, node, ids);
      Integer id = table.get(key);
      if (id == null) {
        id = table.size();
        table.put(key, id);
      }
      ids[node] = id;
    }
    int[] counted = countedNodes(ref);
    int[] countedIds = new int[counted.length];
    for (int i = 0; i < counted.length; i++) {
      countedIds[i] = ids[counted[i]];
    }
    return new Reference(table, countedIds);
  }

  /** The syntax match of a candidate tree against a prepared reference, in [0, 1]. */
  public static double score(Reference ref, SyntaxTree cand) {
    if (ref.counted.length == 0) {
      return 0.0;
    }
    boolean[] present = new boolean[ref.table.size()];
    int[] ids = new int[cand.size()];
    for (int node = cand.size() - 1; node >= 0; node--) {
      if (!needsKey(cand, node)) {
        continue;
      }
      Key key = key(cand, node, ids);
      Integer id = key == null ? null : ref.table.get(key);
      ids[node] = id == null ? -1 : id;
    }
    for (int node : countedNodes(cand)) {
      if (ids[node] >= 0) {
        present[ids[node]] = true;
      }
    }
    int matched = 0;
    for (int id : ref.counted) {
      if (present[id]) {
        matched++;
      }
    }
    return (double) matched / ref.counted.length;
  }

  /** The root and every node with at least one child, in the official traversal's multiset sense. */
  static int[] countedNodes(SyntaxTree t) {
    int[] out = new int[t.size()];
    int k = 0;
    for (int node = 0; node < t.size(); node++) {
      if (node == 0 || t.childCount(node) > 0) {
        out[k++] = node;
      }
    }
    return Arrays.copyOf(out, k);
  }

  /** S-expressions of the counted subtrees (for tests and debugging). */
  static List<String> subtreeSexps(SyntaxTree t) {
    List<String> out = new ArrayList<>();
    for (int node : countedNodes(t)) {
      out.add(t.sexp(node));
    }
    return out;
  }

  private static boolean needsKey(SyntaxTree t, int node) {
    return node == 0 || t.writtenInSexp(node) || t.childCount(node) > 0;
  }

  /** The node's key, or null when a written descendant has no id (then it cannot be in the reference). */
  private static Key key(SyntaxTree t, int node, int[] ids) {
    List<String> fields = new ArrayList<>(4);
    List<Integer> kids = new ArrayList<>(4);
    if (!collect(t, node, ids, fields, kids)) {
      return null;
    }
    int[] k = new int[kids.size()];
    for (int i = 0; i < k.length; i++) {
      k[i] = kids.get(i);
    }
    return new Key(t.sexpLabel(node), fields.toArray(new String[0]), k);
  }

  /** Written children in order; the written descendants of unwritten (anonymous) children are inlined. */
  private static boolean collect(SyntaxTree t, int node, int[] ids, List<String> fields, List<Integer> kids) {
    for (int c : t.childrenOf(node)) {
      if (t.writtenInSexp(c)) {
        if (ids[c] < 0) {
          return false;
        }
        fields.add(t.fieldName(c));
        kids.add(ids[c]);
      } else if (t.childCount(c) > 0 && !collect(t, c, ids, fields, kids)) {
        return false;
      }
    }
    return true;
  }

  /** Structural equivalent of one S-expression. */
  static final class Key implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final String label;
    final String[] fields;
    final int[] kids;
    private final int hash;

    Key(String label, String[] fields, int[] kids) {
      this.label = label;
      this.fields = fields;
      this.kids = kids;
      this.hash = 31 * (31 * label.hashCode() + Arrays.hashCode(fields)) + Arrays.hashCode(kids);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && k.label.equals(label) && Arrays.equals(k.kids, kids)
          && Arrays.equals(k.fields, fields);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}

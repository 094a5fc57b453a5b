package dev.manimgrpo.reward.code;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Normalised AST edit distance between two programs: Zhang and Shasha's (1989) ordered tree edit distance
 * with unit costs (insert 1, delete 1, relabel 1 when the node types differ, 0 when equal) over the
 * programs' <em>named</em> tree-sitter nodes (the AST view that S-expressions show: anonymous tokens such as
 * {@code "("} or {@code "def"} and comments are left out; a named node's parent is its nearest named
 * ancestor), labelled by node type.
 *
 * <p><b>Normalisation</b>: {@code min(1, d / max(|T1|, |T2|))}, with {@code |T|} the number of named nodes
 * (at least 1: the {@code module} root). 0 means identical trees. The cap at 1 is needed because unit-cost
 * tree edit distance can exceed the larger size (it is at most {@code |T1| + |T2| - 1}; e.g. a chain against
 * a star); for ordinary program pairs it does not bind.
 *
 * <p><b>Runtime cap</b> ({@link Limits}): Zhang-Shasha costs {@code O(sum over keyroot pairs of subtree
 * sizes)} time and {@code O(|T1| |T2|)} memory. The distance is the same between the two trees with all
 * children reversed, so the cheaper of the left-path (classic) and right-path decompositions is run (for
 * Python trees the right-path one is about 4 times cheaper). When the estimate exceeds the limits the result is marked
 * not exact and is a lower bound instead: the larger of the string edit distances between the two preorder
 * and the two postorder label sequences (each a lower bound of the tree edit distance, Guha et al. 2002),
 * {@code O(|T1| |T2|)} time and {@code O(|T2|)} memory; past a second limit, the size difference
 * {@code ||T1| - |T2||}.
 */
public final class TreeEditDistance {

  private TreeEditDistance() {}

  /**
   * Limits of the exact computation.
   *
   * @param maxExactCells largest {@code |T1| * |T2|} computed exactly (an int table of that size, and one
   *     of the two largest keyroot subtrees' sizes)
   * @param maxExactOperations largest Zhang-Shasha inner-loop estimate computed exactly
   * @param maxStringCells largest {@code |T1| * |T2|} for the string edit distance lower bound
   */
  public record Limits(long maxExactCells, long maxExactOperations, long maxStringCells)
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Exact up to about 1,200 x 1,200 named nodes and 12 million inner steps (about 30 ms here, measured at
     * 2.7 ns a step; a 30-line scene pair takes about 1.7 ms, a 60-line pair about 15 ms); the lower bound up
     * to 50 million cells (about 100 ms).
     */
    public static Limits defaults() {
      return new Limits(1_500_000L, 12_000_000L, 50_000_000L);
    }
  }

  /**
   * @param normalized {@code min(1, distance / max(size1, size2))}
   * @param distance edit operations (a lower bound when not exact)
   * @param size1 named nodes of the first tree
   * @param size2 named nodes of the second tree
   * @param exact whether Zhang-Shasha ran; false means {@code distance} is a lower bound
   */
  public record Result(double normalized, int distance, int size1, int size2, boolean exact)
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** An ordered labelled tree in postorder, with Zhang-Shasha's leftmost-leaf and keyroot tables. */
  public static final class OrderedTree implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** Labels in postorder, 1-based (index 0 unused). */
    final String[] post;
    /** Labels in preorder, 0-based. */
    final String[] pre;
    /** Leftmost leaf descendant (postorder number) of each node, 1-based. */
    final int[] lld;
    final int[] keyroots;
    /** Sum over keyroots of their subtree sizes (one factor of the Zhang-Shasha cost). */
    final long keyrootWork;

    /** The same tree with every node's children reversed (right-path decomposition); null if this is one. */
    final OrderedTree mirror;

    private OrderedTree(String[] labels, int[][] children) {
      this(labels, children, true);
    }

    private OrderedTree(String[] labels, int[][] children, boolean withMirror) {
      int n = labels.length;
      post = new String[n + 1];
      pre = new String[n];
      lld = new int[n + 1];
      // iterative traversal from root 0
      int[] postNum = new int[n];
      int[] stack = new int[n];
      int[] next = new int[n];
      int sp = 0;
      int preCount = 0;
      int postCount = 0;
      stack[sp++] = 0;
      pre[preCount++] = labels[0];
      while (sp > 0) {
        int node = stack[sp - 1];
        if (next[node] < children[node].length) {
          int c = children[node][next[node]++];
          pre[preCount++] = labels[c];
          stack[sp++] = c;
        } else {
          sp--;
          postNum[node] = ++postCount;
          post[postCount] = labels[node];
        }
      }
      // leftmost leaf: for a leaf itself, else that of its first child
      // in postorder children precede parents, so a parent can take its first child's leftmost leaf
      int[] lldByNode = new int[n];
      int[] nodeAtPost = new int[n + 1];
      for (int node = 0; node < n; node++) {
        nodeAtPost[postNum[node]] = node;
      }
      for (int p = 1; p <= n; p++) {
        int node = nodeAtPost[p];
        lldByNode[node] = children[node].length == 0 ? p : lldByNode[children[node][0]];
        lld[p] = lldByNode[node];
      }
      boolean[] seen = new boolean[n + 2];
      List<Integer> kr = new ArrayList<>();
      for (int p = n; p >= 1; p--) {
        if (!seen[lld[p]]) {
          seen[lld[p]] = true;
          kr.add(p);
        }
      }
      keyroots = kr.stream().mapToInt(Integer::intValue).sorted().toArray();
      long w = 0;
      for (int k : keyroots) {
        w += k - lld[k] + 1;
      }
      keyrootWork = w;
      if (withMirror) {
        int[][] reversed = new int[n][];
        for (int i = 0; i < n; i++) {
          reversed[i] = new int[children[i].length];
          for (int k = 0; k < children[i].length; k++) {
            reversed[i][k] = children[i][children[i].length - 1 - k];
          }
        }
        mirror = new OrderedTree(labels, reversed, false);
      } else {
        mirror = null;
      }
    }

    /** Number of nodes. */
    public int size() {
      return pre.length;
    }

    /** The named-node tree of a parsed program (comments left out). */
    public static OrderedTree of(SyntaxTree t) {
      int[] map = new int[t.size()];
      Arrays.fill(map, -1);
      List<String> labels = new ArrayList<>();
      List<List<Integer>> kids = new ArrayList<>();
      int[] namedParent = new int[t.size()];
      for (int node = 0; node < t.size(); node++) {
        int p = t.parent(node);
        int np = p < 0 ? -1 : (map[p] >= 0 ? map[p] : namedParent[p]);
        namedParent[node] = np;
        boolean keep = node == 0 || (t.isNamed(node) && !"comment".equals(t.type(node)));
        if (keep) {
          map[node] = labels.size();
          labels.add(t.type(node));
          kids.add(new ArrayList<>());
          if (np >= 0) {
            kids.get(np).add(map[node]);
          }
        }
      }
      int[][] children = new int[labels.size()][];
      for (int i = 0; i < children.length; i++) {
        children[i] = kids.get(i).stream().mapToInt(Integer::intValue).toArray();
      }
      return new OrderedTree(labels.toArray(new String[0]), children);
    }

    /** A tree from a bracket expression such as {@code f(d(a c(b)) e)} (labels separated by spaces). */
    static OrderedTree parse(String expr) {
      List<String> labels = new ArrayList<>();
      List<List<Integer>> kids = new ArrayList<>();
      int[] stack = new int[expr.length() + 1];
      int sp = 0;
      int last = -1;
      int i = 0;
      while (i < expr.length()) {
        char c = expr.charAt(i);
        if (c == '(') {
          stack[sp++] = last;
          i++;
        } else if (c == ')') {
          sp--;
          i++;
        } else if (Character.isWhitespace(c)) {
          i++;
        } else {
          int j = i;
          while (j < expr.length() && "() ".indexOf(expr.charAt(j)) < 0) {
            j++;
          }
          labels.add(expr.substring(i, j));
          kids.add(new ArrayList<>());
          last = labels.size() - 1;
          if (sp > 0) {
            kids.get(stack[sp - 1]).add(last);
          }
          i = j;
        }
      }
      int[][] children = new int[labels.size()][];
      for (int k = 0; k < children.length; k++) {
        children[k] = kids.get(k).stream().mapToInt(Integer::intValue).toArray();
      }
      return new OrderedTree(labels.toArray(new String[0]), children);
    }
  }

  /** Distance between two parsed programs' named-node trees. */
  public static Result compute(SyntaxTree a, SyntaxTree b) {
    return compute(OrderedTree.of(a), OrderedTree.of(b), Limits.defaults());
  }

  public static Result compute(OrderedTree a, OrderedTree b, Limits limits) {
    int n1 = a.size();
    int n2 = b.size();
    long cells = (long) (n1 + 1) * (n2 + 1);
    int d;
    boolean exact;
    // the distance is the same between the two mirrored trees; run the cheaper decomposition
    boolean mirrored = a.mirror != null && b.mirror != null
        && a.mirror.keyrootWork * b.mirror.keyrootWork < a.keyrootWork * b.keyrootWork;
    OrderedTree x = mirrored ? a.mirror : a;
    OrderedTree y = mirrored ? b.mirror : b;
    if (cells <= limits.maxExactCells() && x.keyrootWork * y.keyrootWork <= limits.maxExactOperations()) {
      d = zhangShasha(x, y);
      exact = true;
    } else if (cells <= limits.maxStringCells()) {
      d = Math.max(stringEditDistance(a.pre, 0, b.pre, 0), stringEditDistance(a.post, 1, b.post, 1));
      exact = false;
    } else {
      d = Math.abs(n1 - n2);
      exact = false;
    }
    double norm = Math.min(1.0, (double) d / Math.max(1, Math.max(n1, n2)));
    return new Result(norm, d, n1, n2, exact);
  }

  /**
   * Zhang-Shasha's dynamic programme. The tree distances {@code td} are one table over all node
   * pairs; the forest distances of a keyroot pair live in a small table of that pair's own subtree
   * sizes, reused from one pair to the next: it stays in the cache, where rows of the whole
   * {@code |T1| x |T2|} table did not.
   */
  private static int zhangShasha(OrderedTree a, OrderedTree b) {
    int n1 = a.size();
    int n2 = b.size();
    java.util.Map<String, Integer> ids = new java.util.HashMap<>();
    int[] la = new int[n1 + 1];
    int[] lb = new int[n2 + 1];
    for (int i = 1; i <= n1; i++) {
      la[i] = ids.computeIfAbsent(a.post[i], k -> ids.size());
    }
    for (int j = 1; j <= n2; j++) {
      lb[j] = ids.computeIfAbsent(b.post[j], k -> ids.size());
    }
    int w = n2 + 1;
    int[] td = new int[(n1 + 1) * w];
    int[] l1 = a.lld;
    int[] l2 = b.lld;
    int maxRows = 0;
    for (int i : a.keyroots) {
      maxRows = Math.max(maxRows, i - l1[i] + 2);
    }
    int maxCols = 0;
    for (int j : b.keyroots) {
      maxCols = Math.max(maxCols, j - l2[j] + 2);
    }
    // fd[x * fw + y]: the forest distance of a's nodes li..li+x-1 and b's nodes lj..lj+y-1
    int[] fd = new int[maxRows * maxCols];
    for (int i : a.keyroots) {
      int li = l1[i];
      for (int j : b.keyroots) {
        int lj = l2[j];
        int fw = j - lj + 2;
        fd[0] = 0;
        for (int x = 1; x <= i - li + 1; x++) {
          fd[x * fw] = x;
        }
        for (int y = 1; y < fw; y++) {
          fd[y] = y;
        }
        for (int di = li; di <= i; di++) {
          int row = (di - li + 1) * fw;
          int prevRow = row - fw;
          int tdRow = di * w;
          boolean diIsPath = l1[di] == li;
          int label = la[di];
          // the forest before di's subtree: a's nodes li..l1[di]-1
          int beforeDi = (l1[di] - li) * fw;
          for (int dj = lj; dj <= j; dj++) {
            int y = dj - lj + 1;
            int del = fd[prevRow + y] + 1;
            int ins = fd[row + y - 1] + 1;
            int best = Math.min(del, ins);
            if (diIsPath && l2[dj] == lj) {
              int ren = fd[prevRow + y - 1] + (label == lb[dj] ? 0 : 1);
              best = Math.min(best, ren);
              fd[row + y] = best;
              td[tdRow + dj] = best;
            } else {
              int sub = fd[beforeDi + l2[dj] - lj] + td[tdRow + dj];
              fd[row + y] = Math.min(best, sub);
            }
          }
        }
      }
    }
    return td[n1 * w + n2];
  }

  /** Levenshtein distance of {@code x[from..]} and {@code y[from..]}, unit costs, two rows. */
  private static int stringEditDistance(String[] x, int xFrom, String[] y, int yFrom) {
    int m = x.length - xFrom;
    int n = y.length - yFrom;
    int[] prev = new int[n + 1];
    int[] cur = new int[n + 1];
    for (int j = 0; j <= n; j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= m; i++) {
      cur[0] = i;
      String xi = x[xFrom + i - 1];
      for (int j = 1; j <= n; j++) {
        int sub = prev[j - 1] + (xi.equals(y[yFrom + j - 1]) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[n];
  }
}

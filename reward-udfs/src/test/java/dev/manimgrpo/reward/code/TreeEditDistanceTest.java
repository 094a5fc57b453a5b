package dev.manimgrpo.reward.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TreeEditDistanceTest {

  private static final TreeEditDistance.Limits NO_LIMIT =
      new TreeEditDistance.Limits(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
  private final PythonParser parser = new PythonParser();

  private static TreeEditDistance.Result ted(String a, String b) {
    return TreeEditDistance.compute(TreeEditDistance.OrderedTree.parse(a), TreeEditDistance.OrderedTree.parse(b),
        NO_LIMIT);
  }

  @Test
  void zhangShashaPaperExample() {
    // Zhang & Shasha (1989): delete c under d's subtree, insert c above d -> 2 operations; 6 nodes each
    TreeEditDistance.Result r = ted("f(d(a c(b)) e)", "f(c(d(a b)) e)");
    assertThat(r.distance()).isEqualTo(2);
    assertThat(r.normalized()).isEqualTo(2.0 / 6.0);
    assertThat(r.exact()).isTrue();
  }

  @Test
  void smallCasesByHand() {
    assertThat(ted("a", "a").distance()).isZero();
    assertThat(ted("a", "b").distance()).isEqualTo(1); // relabel
    assertThat(ted("a", "a(b)").distance()).isEqualTo(1); // insert b; normalised 1/2
    assertThat(ted("a", "a(b)").normalized()).isEqualTo(0.5);
    // a chain and a star of 5 equal labels: keep root + one node, delete 3, insert 3 = 6 > max size 5
    TreeEditDistance.Result chainStar = ted("a(a(a(a(a))))", "a(a a a a)");
    assertThat(chainStar.distance()).isEqualTo(6);
    assertThat(chainStar.normalized()).isEqualTo(1.0); // capped
  }

  @Test
  void programsLabelledByNodeType() {
    // names and values are not labels: same shape, distance 0
    assertThat(TreeEditDistance.compute(parser.parse("x = 1"), parser.parse("y = 2")).distance()).isZero();
    // integer -> string(string_start string_content string_end): relabel 1 + insert 3 = 4; sizes 5 and 8
    TreeEditDistance.Result r = TreeEditDistance.compute(parser.parse("x = 1"), parser.parse("x = 'a'"));
    assertThat(r.distance()).isEqualTo(4);
    assertThat(r.size1()).isEqualTo(5);
    assertThat(r.size2()).isEqualTo(8);
    assertThat(r.normalized()).isEqualTo(0.5);
  }

  @Test
  void identicalIsZeroSymmetricAndBounded() {
    List<String> scenes = ManimScenes.all();
    for (String a : scenes) {
      assertThat(TreeEditDistance.compute(parser.parse(a), parser.parse(a)).normalized()).isZero();
      for (String b : scenes) {
        TreeEditDistance.Result ab = TreeEditDistance.compute(parser.parse(a), parser.parse(b));
        TreeEditDistance.Result ba = TreeEditDistance.compute(parser.parse(b), parser.parse(a));
        assertThat(ab.distance()).isEqualTo(ba.distance());
        assertThat(ab.normalized()).isBetween(0.0, 1.0);
      }
    }
  }

  @Test
  void mirroredDecompositionGivesTheSameDistance() {
    TreeEditDistance.OrderedTree a = TreeEditDistance.OrderedTree.of(parser.parse(ManimScenes.PYTHAGORAS));
    TreeEditDistance.OrderedTree b = TreeEditDistance.OrderedTree.of(parser.parse(ManimScenes.VECTOR_ADDITION));
    assertThat(TreeEditDistance.compute(a.mirror, b.mirror, NO_LIMIT).distance())
        .isEqualTo(TreeEditDistance.compute(a, b, NO_LIMIT).distance());
  }

  @Test
  void hugeTreesFallBackToALowerBoundWithAFlag() {
    TreeEditDistance.OrderedTree a = TreeEditDistance.OrderedTree.of(parser.parse(ManimScenes.PYTHAGORAS));
    TreeEditDistance.OrderedTree b = TreeEditDistance.OrderedTree.of(parser.parse(ManimScenes.VECTOR_ADDITION));
    int exact = TreeEditDistance.compute(a, b, NO_LIMIT).distance();
    TreeEditDistance.Result bound = TreeEditDistance.compute(a, b, new TreeEditDistance.Limits(0, 0, Long.MAX_VALUE));
    assertThat(bound.exact()).isFalse();
    assertThat(bound.distance()).isLessThanOrEqualTo(exact).isGreaterThanOrEqualTo(Math.abs(a.size() - b.size()));
    TreeEditDistance.Result sizes = TreeEditDistance.compute(a, b, new TreeEditDistance.Limits(0, 0, 0));
    assertThat(sizes.exact()).isFalse();
    assertThat(sizes.distance()).isEqualTo(Math.abs(a.size() - b.size()));
    // a generated 2000-statement program never reaches Zhang-Shasha under the default limits: it gets
    // the string-edit lower bound, the same distance the bound-only limits give
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      big.append("self.play(Create(Circle(radius=").append(i).append(")))\n");
    }
    TreeEditDistance.OrderedTree huge = TreeEditDistance.OrderedTree.of(parser.parse(big.toString()));
    TreeEditDistance.Result r = TreeEditDistance.compute(huge, a, TreeEditDistance.Limits.defaults());
    assertThat(r.exact()).isFalse();
    assertThat(r.normalized()).isBetween(0.0, 1.0);
    assertThat(r.distance())
        .isEqualTo(TreeEditDistance.compute(huge, a, new TreeEditDistance.Limits(0, 0, Long.MAX_VALUE)).distance())
        .isGreaterThan(Math.abs(huge.size() - a.size()));
  }

  @Test
  void agreesWithTheRecursiveDefinitionOnRandomTrees() {
    Random rnd = new Random(20261202L);
    for (int k = 0; k < 400; k++) {
      String a = randomTree(rnd, 1 + rnd.nextInt(9));
      String b = randomTree(rnd, 1 + rnd.nextInt(9));
      int expected = new ForestDistance().of(List.of(Node.parse(a)), List.of(Node.parse(b)));
      assertThat(ted(a, b).distance()).as(a + " vs " + b).isEqualTo(expected);
    }
  }

  /** A random tree of {@code n} nodes labelled a to c, as a bracket expression. */
  private static String randomTree(Random rnd, int n) {
    List<List<Integer>> kids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      kids.add(new ArrayList<>());
      if (i > 0) {
        kids.get(rnd.nextInt(i)).add(i);
      }
    }
    StringBuilder out = new StringBuilder();
    write(0, kids, rnd, out);
    return out.toString();
  }

  private static void write(int node, List<List<Integer>> kids, Random rnd, StringBuilder out) {
    out.append((char) ('a' + rnd.nextInt(3)));
    if (!kids.get(node).isEmpty()) {
      out.append('(');
      for (int c : kids.get(node)) {
        write(c, kids, rnd, out);
        out.append(' ');
      }
      out.append(')');
    }
  }

  /** An ordered labelled tree for the oracle. */
  private record Node(String label, List<Node> children) {

    static Node parse(String expr) {
      int[] at = {0};
      return parse(expr, at);
    }

    private static Node parse(String s, int[] at) {
      String label = String.valueOf(s.charAt(at[0]++));
      List<Node> kids = new ArrayList<>();
      if (at[0] < s.length() && s.charAt(at[0]) == '(') {
        at[0]++;
        while (s.charAt(at[0]) != ')') {
          if (s.charAt(at[0]) == ' ') {
            at[0]++;
          } else {
            kids.add(parse(s, at));
          }
        }
        at[0]++;
      }
      return new Node(label, kids);
    }

    int size() {
      return 1 + children.stream().mapToInt(Node::size).sum();
    }
  }

  /**
   * The tree edit distance by its recursive definition on forests (Zhang and Shasha 1989, section
   * 2), memoised: remove the rightmost root of either forest, or match the two rightmost roots.
   */
  private static final class ForestDistance {
    private final Map<String, Integer> memo = new HashMap<>();

    int of(List<Node> f, List<Node> g) {
      if (f.isEmpty() || g.isEmpty()) {
        return f.stream().mapToInt(Node::size).sum() + g.stream().mapToInt(Node::size).sum();
      }
      String key = f + "|" + g;
      Integer known = memo.get(key);
      if (known != null) {
        return known;
      }
      Node v = f.get(f.size() - 1);
      Node w = g.get(g.size() - 1);
      List<Node> fRest = f.subList(0, f.size() - 1);
      List<Node> gRest = g.subList(0, g.size() - 1);
      int deleteV = of(concat(fRest, v.children()), g) + 1;
      int insertW = of(f, concat(gRest, w.children())) + 1;
      int match = of(v.children(), w.children()) + of(fRest, gRest) + (v.label().equals(w.label()) ? 0 : 1);
      int d = Math.min(Math.min(deleteV, insertW), match);
      memo.put(key, d);
      return d;
    }

    private static List<Node> concat(List<Node> a, List<Node> b) {
      List<Node> out = new ArrayList<>(a);
      out.addAll(b);
      return out;
    }
  }
}

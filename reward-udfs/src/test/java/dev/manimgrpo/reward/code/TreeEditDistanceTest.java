package dev.manimgrpo.reward.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
    // a generated 2000-statement program stays fast under the default limits
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      big.append("self.play(Create(Circle(radius=").append(i).append(")))\n");
    }
    long t0 = System.nanoTime();
    TreeEditDistance.Result r = TreeEditDistance.compute(parser.parse(big.toString()), parser.parse(ManimScenes.PYTHAGORAS));
    assertThat(r.exact()).isFalse();
    assertThat(r.normalized()).isBetween(0.0, 1.0);
    assertThat((System.nanoTime() - t0) / 1e6).isLessThan(2000.0);
  }
}

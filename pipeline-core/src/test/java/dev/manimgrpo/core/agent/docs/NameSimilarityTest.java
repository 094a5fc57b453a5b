package dev.manimgrpo.core.agent.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

class NameSimilarityTest {

  @Test
  void osaCountsAnAdjacentTranspositionAsOneEdit() {
    assertThat(NameSimilarity.osa("cirlce", "circle")).isEqualTo(1);
    assertThat(NameSimilarity.osa("setcolour", "setcolor")).isEqualTo(1);
    assertThat(NameSimilarity.osa("", "dot")).isEqualTo(3);
    assertThat(NameSimilarity.osa("dot", "dot")).isZero();
  }

  @Test
  void scoreFollowsTheFormula() {
    // whole: 1 - 1/6; words: one word each, similarity 5/6
    assertThat(NameSimilarity.score("Cirlce", "Circle")).isCloseTo(5.0 / 6, offset(1e-12));
    // whole: 1 - 8/14; words: fade, in match; from, left do not: (2 + 2) / (4 + 2)
    assertThat(NameSimilarity.score("FadeInFromLeft", "FadeIn")).isCloseTo((6.0 / 14 + 4.0 / 6) / 2, offset(1e-12));
    assertThat(NameSimilarity.score("setColor", "set_color")).isEqualTo(1.0);
  }

  @Test
  void unrelatedShortWordsDoNotCount() {
    // "in" vs "it" is 0.5, under the 0.6 floor
    assertThat(NameSimilarity.words(java.util.List.of("in"), java.util.List.of("it"))).isZero();
    assertThat(NameSimilarity.words(java.util.List.of("axis"), java.util.List.of("axes"))).isEqualTo(0.75);
  }
}

package dev.manimgrpo.reward.code;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyntaxMatchTest {

  private final PythonParser parser = new PythonParser();

  private double match(String ref, String cand) {
    return SyntaxMatch.score(SyntaxMatch.prepare(parser.parse(ref)), parser.parse(cand));
  }

  @Test
  void subtreesByHand() {
    // reference "x = 1\ny = x" has 5 subtrees (root + nodes with children; leaves are only inside them):
    //   (module (expression_statement (assignment left: (identifier) right: (integer)))
    //           (expression_statement (assignment left: (identifier) right: (identifier))))
    //   (expression_statement (assignment left: (identifier) right: (integer)))
    //   (assignment left: (identifier) right: (integer))
    //   (expression_statement (assignment left: (identifier) right: (identifier)))
    //   (assignment left: (identifier) right: (identifier))
    SyntaxTree ref = parser.parse("x = 1\ny = x");
    assertThat(SyntaxMatch.subtreeSexps(ref)).containsExactly(
        "(module (expression_statement (assignment left: (identifier) right: (integer)))"
            + " (expression_statement (assignment left: (identifier) right: (identifier))))",
        "(expression_statement (assignment left: (identifier) right: (integer)))",
        "(assignment left: (identifier) right: (integer))",
        "(expression_statement (assignment left: (identifier) right: (identifier)))",
        "(assignment left: (identifier) right: (identifier))");
    assertThat(SyntaxMatch.prepare(ref).subtreeCount()).isEqualTo(5);
    // candidate "x = 1\ny = 2" has the two integer-valued subtrees only: 2 of 5
    assertThat(match("x = 1\ny = x", "x = 1\ny = 2")).isEqualTo(2.0 / 5.0);
    // names, literals and operators are not part of the S-expressions
    assertThat(match("x = 1\ny = x", "a = 7\nb = a")).isEqualTo(1.0);
    assertThat(match("return a + b", "return a - b")).isEqualTo(1.0);
  }

  @Test
  void nestedSubtreeFoundDeeperInCandidate() {
    // ref subtrees: module, return_statement, binary_operator; only the binary_operator is in the candidate
    assertThat(match("return a + b", "return f(a + b)")).isEqualTo(1.0 / 3.0);
  }

  @Test
  void referenceOccurrencesAreNotClipped() {
    // ref: module, 2 x expression_statement, 2 x assignment = 5; the candidate has each kind once, so the
    // four repeated subtrees all count (the official code checks membership, not counts): 4 / 5
    assertThat(match("x = 1\nx = 1", "x = 1")).isEqualTo(4.0 / 5.0);
  }

  @Test
  void identicalScenesMatchFullyAndEmptyReferenceIsJustTheRoot() {
    for (String s : ManimScenes.all()) {
      assertThat(match(s, s)).isEqualTo(1.0);
    }
    assertThat(SyntaxMatch.prepare(parser.parse("")).subtreeCount()).isEqualTo(1); // (module)
    assertThat(match(ManimScenes.PYTHAGORAS, "")).isEqualTo(0.0);
  }

  @Test
  void keyComparisonAgreesWithStringComparison() {
    // the id-based score equals the literal definition on S-expression strings
    String[][] pairs = {
        {ManimScenes.PYTHAGORAS, ManimScenes.VECTOR_ADDITION}, {ManimScenes.SQUARE_TO_CIRCLE, ManimScenes.BROKEN},
        {ManimScenes.CIRCLE_AREA, ManimScenes.UNRELATED}, {ManimScenes.VECTOR_ADDITION, ManimScenes.CIRCLE_AREA}};
    for (String[] p : pairs) {
      SyntaxTree ref = parser.parse(p[0]);
      SyntaxTree cand = parser.parse(p[1]);
      java.util.List<String> refSexps = SyntaxMatch.subtreeSexps(ref);
      java.util.Set<String> candSexps = new java.util.HashSet<>(SyntaxMatch.subtreeSexps(cand));
      long matched = refSexps.stream().filter(candSexps::contains).count();
      assertThat(SyntaxMatch.score(SyntaxMatch.prepare(ref), cand)).isEqualTo((double) matched / refSexps.size());
    }
  }
}

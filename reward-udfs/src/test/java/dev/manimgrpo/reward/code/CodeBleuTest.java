package dev.manimgrpo.reward.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CodeBleuTest {

  private final CodeBleu codeBleu = new CodeBleu();

  private static void assertValid(CodeBleuScore s) {
    for (double v : new double[] {s.codeBleu(), s.bleu(), s.weightedNgram(), s.syntaxMatch(), s.dataflowMatch()}) {
      assertThat(v).isNotNaN().isBetween(0.0, 1.0);
    }
    assertThat(s.codeBleu()).isCloseTo(
        0.25 * (s.bleu() + s.weightedNgram() + s.syntaxMatch() + s.dataflowMatch()), within(1e-12));
  }

  @Test
  void allFourPartsByHand() {
    // ref x = 1 / y = x, cand x = 1 / y = 2 (6 whitespace tokens each, no keywords, BP = 1)
    // BLEU: p1 = 5/6, p2 = 4/5, p3 = 3/4, p4 = 2/3 -> (1/3)^(1/4) = 0.759836
    // weighted: p1 = (5 * 0.2) / (6 * 0.2) = 5/6, p2..p4 recall = 4/5, 3/4, 2/3 -> 0.759836
    // syntax: 2 of 5 reference subtrees (see SyntaxMatchTest) = 0.4
    // data flow: reference edges (v1 <- v0), (v0), (v2 <- v1), (v1 <- v1); candidate has the first two = 0.5
    // CodeBLEU = 0.25 * (0.759836 + 0.759836 + 0.4 + 0.5) = 0.604918
    CodeBleuScore s = codeBleu.score("x = 1\ny = x", "x = 1\ny = 2");
    double b = Math.pow(1.0 / 3.0, 0.25);
    assertThat(s.bleu()).isCloseTo(b, within(1e-12));
    assertThat(s.weightedNgram()).isCloseTo(b, within(1e-12));
    assertThat(s.syntaxMatch()).isEqualTo(0.4);
    assertThat(s.dataflowMatch()).isEqualTo(0.5);
    assertThat(s.referenceHasDataflow()).isTrue();
    assertThat(s.codeBleu()).isCloseTo(0.604918, within(1e-6));
    assertValid(s);
  }

  @Test
  void referenceWithoutDataflowFollowsTheConfiguredConvention() {
    // return a + b has no assignment, so no data flow: BLEU 0.397635, weighted 0.413258, syntax 1
    CodeBleuScore one = codeBleu.score("return a + b", "return a + c");
    assertThat(one.referenceHasDataflow()).isFalse();
    assertThat(one.dataflowMatch()).isEqualTo(1.0); // the codebleu package's "dataflow or 1"
    assertThat(one.codeBleu()).isCloseTo(0.25 * (0.397635 + 0.413258 + 1 + 1), within(1e-6));
    CodeBleu zero = new CodeBleu(new CodeBleuConfig(0.25, 0.25, 0.25, 0.25, CodeBleuConfig.NoDataflow.COUNT_AS_ZERO));
    CodeBleuScore z = zero.score("return a + b", "return a + c");
    assertThat(z.dataflowMatch()).isEqualTo(0.0);
    assertThat(z.codeBleu()).isCloseTo(0.25 * (0.397635 + 0.413258 + 1), within(1e-6));
    // identical code then cannot reach 1: exactly 1 - delta
    assertThat(zero.score("return a + b", "return a + b").codeBleu()).isEqualTo(0.75);
  }

  @Test
  void identicalProgramsScoreOne() {
    for (String s : ManimScenes.all()) {
      CodeBleuScore score = codeBleu.score(s, s);
      assertThat(score.codeBleu()).as(s).isEqualTo(1.0);
      assertThat(score.bleu()).isEqualTo(1.0);
      assertThat(score.weightedNgram()).isEqualTo(1.0);
      assertThat(score.syntaxMatch()).isEqualTo(1.0);
      assertThat(score.dataflowMatch()).isEqualTo(1.0);
    }
  }

  @Test
  void renamedVariableKeepsDataflowAndSyntax() {
    CodeBleuScore s = codeBleu.score(ManimScenes.SQUARE_TO_CIRCLE, ManimScenes.SQUARE_TO_CIRCLE_RENAMED);
    assertThat(s.dataflowMatch()).isEqualTo(1.0);
    assertThat(s.syntaxMatch()).isEqualTo(1.0);
    assertThat(s.bleu()).isLessThan(1.0); // the tokens did change
    assertValid(s);
  }

  @Test
  void unrelatedCodeScoresLowAndBelowARelatedScene() {
    CodeBleuScore unrelated = codeBleu.score(ManimScenes.PYTHAGORAS, ManimScenes.UNRELATED);
    CodeBleuScore related = codeBleu.score(ManimScenes.PYTHAGORAS, ManimScenes.VECTOR_ADDITION);
    assertValid(unrelated);
    assertValid(related);
    assertThat(unrelated.codeBleu()).isLessThan(0.15);
    assertThat(unrelated.bleu()).isLessThan(0.01);
    assertThat(related.codeBleu()).isGreaterThan(unrelated.codeBleu());
  }

  @Test
  void syntaxErrorStillScoresInRange() {
    CodeBleuScore s = codeBleu.score(ManimScenes.SQUARE_TO_CIRCLE, ManimScenes.BROKEN);
    assertValid(s);
    assertThat(s.codeBleu()).isGreaterThan(0.0).isLessThan(1.0);
    CodeBleuScore garbage = codeBleu.score(ManimScenes.SQUARE_TO_CIRCLE, "))) def def ::: \"\"\" '''");
    assertValid(garbage);
  }

  @Test
  void emptyInputsScoreZeroWithoutException() {
    for (String empty : new String[] {"", "   \n\t", null}) {
      CodeBleuScore c = codeBleu.score(ManimScenes.PYTHAGORAS, empty);
      assertThat(c.codeBleu()).isZero();
      assertValid(c);
      CodeBleuScore r = codeBleu.score(empty, ManimScenes.PYTHAGORAS);
      assertThat(r.codeBleu()).isZero();
      assertValid(r);
    }
    assertThat(codeBleu.score("", "").codeBleu()).isZero();
  }

  @Test
  void weightsAreConfigurable() {
    CodeBleu bleuOnly = new CodeBleu(new CodeBleuConfig(1, 0, 0, 0, CodeBleuConfig.NoDataflow.COUNT_AS_ONE));
    CodeBleuScore s = bleuOnly.score(ManimScenes.PYTHAGORAS, ManimScenes.VECTOR_ADDITION);
    assertThat(s.codeBleu()).isEqualTo(s.bleu());
    assertThatThrownBy(() -> new CodeBleuConfig(0.5, 0.5, 0.5, 0.5, CodeBleuConfig.NoDataflow.COUNT_AS_ONE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CodeBleuConfig(-0.25, 0.5, 0.5, 0.25, CodeBleuConfig.NoDataflow.COUNT_AS_ONE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void preparedReferenceGivesTheSameScoreAsTheConvenienceCall() {
    CodeReference ref = codeBleu.prepare(ManimScenes.PYTHAGORAS);
    for (String cand : ManimScenes.all()) {
      assertThat(codeBleu.score(ref, cand)).isEqualTo(codeBleu.score(ManimScenes.PYTHAGORAS, cand));
    }
  }

  /**
   * Typical scenes: under 10 ms a pair with a prepared reference. Best batch of several, so that a busy
   * machine does not fail the build; the numbers are printed for the record.
   */
  @Test
  void scoresTypicalScenePairsQuickly() {
    String shortCand = ManimScenes.PYTHAGORAS.replace("triangle", "tri").replace("run_time=2", "run_time=1");
    String longRef = ManimScenes.longScene();
    String longCand = longRef.replace("plane", "grid").replace("run_time=3", "run_time=2");
    for (String[] pair : new String[][] {{ManimScenes.PYTHAGORAS, shortCand}, {longRef, longCand}}) {
      CodeReference ref = codeBleu.prepare(pair[0]);
      for (int i = 0; i < 200; i++) {
        codeBleu.score(ref, pair[1]);
      }
      double best = Double.MAX_VALUE;
      for (int batch = 0; batch < 5; batch++) {
        int n = 40;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          codeBleu.score(ref, pair[1]);
        }
        best = Math.min(best, (System.nanoTime() - t0) / 1e6 / n);
      }
      System.out.printf("CodeBLEU per pair (%d-line scene, prepared reference): %.3f ms%n",
          pair[0].split("\n").length, best);
      assertThat(best).isLessThan(10.0);
    }
  }
}

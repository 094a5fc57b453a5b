package dev.manimgrpo.reward.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CodeRewardCalculatorTest {

  /** A tiny deterministic embedder: whitespace tokens hashed into 32 buckets (a bag of words). */
  static final class HashingEmbedder implements CodeEmbedder {
    @Override
    public float[] embed(String code) {
      float[] v = new float[32];
      for (String t : PythonText.split(code)) {
        v[Math.floorMod(t.hashCode(), 32)] += 1f;
      }
      return v;
    }
  }

  private static void assertValid(CodeReward r) {
    for (double v : new double[] {r.codeBleu(), r.bleu(), r.weightedNgram(), r.syntaxMatch(), r.dataflowMatch(),
        r.astEditDistance(), r.textReward()}) {
      assertThat(v).isNotNaN().isBetween(0.0, 1.0);
    }
  }

  @Test
  void withoutEmbedderTheCodeBertPartIsAbsentAndRTextIsCodeBleu() {
    CodeRewardCalculator calc = new CodeRewardCalculator();
    CodeReward r = calc.score(ManimScenes.PYTHAGORAS, ManimScenes.VECTOR_ADDITION);
    assertValid(r);
    assertThat(r.hasCodeBert()).isFalse();
    assertThat(r.codeBertCosine()).isNull();
    assertThat(r.codeBertBleu()).isNull();
    assertThat(r.textReward()).isEqualTo(r.codeBleu());
    assertThat(r.syntaxError()).isFalse();
    assertThat(r.astEditDistanceExact()).isTrue();
    assertThat(r.astEditDistance()).isGreaterThan(0.0);
  }

  @Test
  void withEmbedderCodeBertBleuIsTheGeometricMean() {
    CodeRewardCalculator calc = CodeRewardCalculator.withEmbedder(new HashingEmbedder());
    CodeReference ref = calc.prepare(ManimScenes.PYTHAGORAS);
    CodeReward r = calc.score(ref, ManimScenes.VECTOR_ADDITION);
    assertValid(r);
    assertThat(r.hasCodeBert()).isTrue();
    double cos = CodeRewardCalculator.cosine(new HashingEmbedder().embed(ManimScenes.PYTHAGORAS),
        new HashingEmbedder().embed(ManimScenes.VECTOR_ADDITION));
    assertThat(r.codeBertCosine()).isCloseTo(cos, within(1e-12));
    assertThat(r.codeBertBleu()).isCloseTo(Math.sqrt(r.codeBleu() * cos), within(1e-12));
    assertThat(r.textReward()).isEqualTo(r.codeBertBleu());
    CodeReward same = calc.score(ref, ManimScenes.PYTHAGORAS);
    assertThat(same.codeBertCosine()).isCloseTo(1.0, within(1e-9));
    assertThat(same.codeBertBleu()).isCloseTo(1.0, within(1e-9));
    assertThat(same.astEditDistance()).isZero();
  }

  @Test
  void cosineByHand() {
    // (1, 0) . (1, 1) / (1 * sqrt 2) = 0.707107; CodeBERTBLEU of CodeBLEU 0.5 is sqrt(0.5 * 0.707107) = 0.594604
    assertThat(CodeRewardCalculator.cosine(new float[] {1, 0}, new float[] {1, 1})).isCloseTo(Math.sqrt(0.5), within(1e-12));
    assertThat(CodeRewardCalculator.cosine(new float[] {0, 0}, new float[] {1, 1})).isNull();
    assertThat(CodeRewardCalculator.cosine(new float[] {1, Float.NaN}, new float[] {1, 1})).isNull();
  }

  @Test
  void degenerateEmbeddingsAreReportedAbsentNotInvented() {
    CodeRewardCalculator zeros = CodeRewardCalculator.withEmbedder(code -> new float[8]);
    CodeReward r = zeros.score(ManimScenes.PYTHAGORAS, ManimScenes.VECTOR_ADDITION);
    assertThat(r.codeBertCosine()).isNull();
    assertThat(r.codeBertBleu()).isNull();
    assertThat(r.textReward()).isEqualTo(r.codeBleu());
    // opposite vectors: cosine -1, CodeBERTBLEU counts it as 0
    CodeRewardCalculator opposite = CodeRewardCalculator.withEmbedder(
        code -> code.contains("Pythagoras") ? new float[] {1, 0} : new float[] {-1, 0});
    CodeReward o = opposite.score(ManimScenes.PYTHAGORAS, ManimScenes.VECTOR_ADDITION);
    assertThat(o.codeBertCosine()).isEqualTo(-1.0);
    assertThat(o.codeBertBleu()).isZero();
  }

  @Test
  void syntaxErrorIsFlaggedAndStillScored() {
    CodeReward r = new CodeRewardCalculator().score(ManimScenes.SQUARE_TO_CIRCLE, ManimScenes.BROKEN);
    assertValid(r);
    assertThat(r.syntaxError()).isTrue();
    assertThat(r.codeBleu()).isGreaterThan(0.0);
  }

  @Test
  void emptyCandidateGivesZeroRewardAndNoException() {
    CodeRewardCalculator calc = CodeRewardCalculator.withEmbedder(new HashingEmbedder());
    for (String empty : new String[] {"", "  \n", null}) {
      CodeReward r = calc.score(ManimScenes.PYTHAGORAS, empty);
      assertValid(r);
      assertThat(r.codeBleu()).isZero();
      assertThat(r.textReward()).isZero();
      assertThat(r.syntaxError()).isFalse();
    }
    CodeReward both = new CodeRewardCalculator().score("", "");
    assertThat(both.codeBleu()).isZero();
    assertThat(both.astEditDistance()).isZero();
  }

  @Test
  void astEditDistanceIsSymmetricAcrossScenes() {
    CodeRewardCalculator calc = new CodeRewardCalculator();
    for (String a : ManimScenes.all()) {
      for (String b : ManimScenes.all()) {
        assertThat(calc.score(a, b).astEditDistance()).isEqualTo(calc.score(b, a).astEditDistance());
      }
    }
  }

  @Test
  void parallelScoringMatchesSequential() throws Exception {
    CodeRewardCalculator calc = new CodeRewardCalculator();
    CodeReference ref = calc.prepare(ManimScenes.PYTHAGORAS);
    List<CodeReward> expected = new ArrayList<>();
    for (String c : ManimScenes.all()) {
      expected.add(calc.score(ref, c));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<CodeReward>>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(pool.submit(() -> {
          List<CodeReward> out = new ArrayList<>();
          for (String c : ManimScenes.all()) {
            out.add(calc.score(ref, c));
          }
          return out;
        }));
      }
      for (Future<List<CodeReward>> f : futures) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void fullRewardTimeForTypicalPairs() {
    CodeRewardCalculator calc = new CodeRewardCalculator();
    String longRef = ManimScenes.longScene();
    String longCand = longRef.replace("plane", "grid").replace("self.wait(2)", "self.wait(1)");
    for (String[] pair : new String[][] {{ManimScenes.PYTHAGORAS, ManimScenes.VECTOR_ADDITION}, {longRef, longCand}}) {
      CodeReference ref = calc.prepare(pair[0]);
      for (int i = 0; i < 100; i++) {
        calc.score(ref, pair[1]);
      }
      double best = Double.MAX_VALUE;
      for (int batch = 0; batch < 5; batch++) {
        int n = 20;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          calc.score(ref, pair[1]);
        }
        best = Math.min(best, (System.nanoTime() - t0) / 1e6 / n);
      }
      CodeReward r = calc.score(ref, pair[1]);
      System.out.printf("code reward per pair (%d-line reference; CodeBLEU + AST edit distance, exact=%s): %.3f ms%n",
          pair[0].split("\n").length, r.astEditDistanceExact(), best);
      assertThat(best).isLessThan(60.0);
    }
  }
}

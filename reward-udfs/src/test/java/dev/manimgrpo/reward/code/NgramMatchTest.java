package dev.manimgrpo.reward.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class NgramMatchTest {

  private static NgramMatch.Reference ref(String code) {
    return NgramMatch.prepare(PythonText.split(code), PythonKeywords.CODEBLEU);
  }

  private static List<String> tok(String code) {
    return PythonText.split(code);
  }

  @Test
  void bleuOfFourTokenCandidateByHand() {
    // ref: return a + b   cand: return a + c   (4 tokens each, BP = exp(1 - 4/4) = 1)
    // p1 = 3/4 (return, a, +), p2 = 2/3 (return a, a +), p3 = 1/2 (return a +), p4 = 0/1 -> smoothed 0.1/1
    // BLEU = (0.75 * 0.6667 * 0.5 * 0.1)^(1/4) = 0.025^(1/4) = 0.397635
    double bleu = NgramMatch.bleu(ref("return a + b"), tok("return a + c"));
    assertThat(bleu).isCloseTo(Math.pow(0.025, 0.25), within(1e-12));
    assertThat(bleu).isCloseTo(0.397635, within(1e-6));
  }

  @Test
  void weightedNgramGivesKeywordsWeightOne() {
    // unigram recall with weights: return = 1.0 (keyword), a, +, b = 0.2
    // matched: return 1 + a 0.2 + + 0.2 = 1.4; reference total 1 + 3 * 0.2 = 1.6 -> 0.875 (plain: 0.75)
    // orders 2..4 are plain recall: 2/3, 1/2, 0 -> 0.1 smoothed; BP = 1
    // (0.875 * 2/3 * 0.5 * 0.1)^(1/4) = 0.0291667^(1/4) = 0.413258
    double w = NgramMatch.weightedNgram(ref("return a + b"), tok("return a + c"));
    assertThat(w).isCloseTo(Math.pow(0.875 * 2.0 / 3.0 * 0.5 * 0.1, 0.25), within(1e-12));
    assertThat(w).isCloseTo(0.413258, within(1e-6));
    // missing the keyword costs more than missing an identifier
    double missKeyword = NgramMatch.weightedNgram(ref("return a + b"), tok("yield a + b"));
    double missName = NgramMatch.weightedNgram(ref("return a + b"), tok("return a + c"));
    assertThat(missKeyword).isLessThan(missName);
    // whole tokens only: "else:" is not the keyword "else"
    assertThat(PythonKeywords.CODEBLEU).contains("else", "match", "case", "type").doesNotContain("else:");
  }

  @Test
  void brevityPenaltyByHand() {
    // ref a b c d e f (6), cand a b c d (4): every precision is 1, BP = exp(1 - 6/4) = exp(-0.5) = 0.606531
    assertThat(NgramMatch.bleu(ref("a b c d e f"), tok("a b c d"))).isCloseTo(Math.exp(-0.5), within(1e-12));
    // weighted recall: p1 = 4*0.2 / max(1, 6*0.2) = 0.6667, p2 = 3/5, p3 = 2/4, p4 = 1/3; the official code's
    // brevity penalty for this part uses reference length 2 (len([tokens, weights])), so BP = 1 here
    double expected = Math.pow((0.8 / 1.2) * 0.6 * 0.5 * (1.0 / 3.0), 0.25);
    assertThat(NgramMatch.weightedNgram(ref("a b c d e f"), tok("a b c d"))).isCloseTo(expected, within(1e-12));
    assertThat(expected).isCloseTo(0.508133, within(1e-6));
    // ... and exp(1 - 2/1) for a one-token candidate: ref a b c, cand a -> p1 = 0.2 / max(1, 0.6) = 0.2,
    // p2..p4 = 0.1/2, 0.1/1, 0.1/1 -> exp(-1) * (0.2 * 0.05 * 0.1 * 0.1)^(1/4)
    assertThat(NgramMatch.weightedNgram(ref("a b c"), tok("a")))
        .isCloseTo(Math.exp(-1) * Math.pow(0.2 * 0.05 * 0.1 * 0.1, 0.25), within(1e-12));
    // a longer candidate has no penalty
    assertThat(NgramMatch.brevityPenalty(4, 5)).isEqualTo(1.0);
    assertThat(NgramMatch.brevityPenalty(4, 0)).isEqualTo(0.0);
  }

  @Test
  void identicalIsOneDisjointIsZeroEmptyIsZero() {
    String code = "square = Square() self.play(Create(square)) self.wait()";
    NgramMatch.Reference r = ref(code);
    assertThat(NgramMatch.bleu(r, tok(code))).isEqualTo(1.0);
    assertThat(NgramMatch.weightedNgram(r, tok(code))).isEqualTo(1.0);
    // fewer than 4 tokens: the missing orders are smoothed to 0.1, so identical code cannot reach 1
    // 2 tokens: p1 = p2 = 1, p3 = p4 = 0.1 -> (0.01)^(1/4) = 0.316228, as in the original
    NgramMatch.Reference two = ref("self.play(Create(square)) self.wait()");
    assertThat(NgramMatch.bleu(two, tok("self.play(Create(square)) self.wait()")))
        .isCloseTo(Math.sqrt(0.1), within(1e-12));
    assertThat(NgramMatch.bleu(r, tok("import json"))).isEqualTo(0.0);
    assertThat(NgramMatch.bleu(r, List.of())).isEqualTo(0.0);
    assertThat(NgramMatch.weightedNgram(ref(""), tok("x"))).isEqualTo(0.0);
  }

  @Test
  void clippingCountsEachReferenceNgramOnce() {
    // ref the cat (2), cand the the the the (4): p1 = 1/4, p2..p4 = 0 -> 0.1/3, 0.1/2, 0.1/1; BP = 1
    double expected = Math.pow(0.25 * (0.1 / 3) * (0.1 / 2) * 0.1, 0.25);
    assertThat(NgramMatch.bleu(ref("the cat"), tok("the the the the"))).isCloseTo(expected, within(1e-12));
  }
}

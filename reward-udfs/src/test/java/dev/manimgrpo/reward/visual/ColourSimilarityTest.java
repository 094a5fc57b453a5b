package dev.manimgrpo.reward.visual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.manimgrpo.core.render.VideoFrames;
import org.junit.jupiter.api.Test;

/**
 * The default score sees colour (hand-drawn videos, no renderer): Manim's BLUE and GREEN have
 * almost the same luma, so a gray score cannot tell a blue scene from its green copy.
 */
class ColourSimilarityTest {

  static final int BLUE = 0x58C4DD;
  static final int GREEN = 0x83C167;
  static final int RED = 0xFC6255;
  static final int PURPLE = 0x9A72AC;
  static final int YELLOW = 0xF7D96F;
  static final int LIGHTER_GRAY = 0xDDDDDD;
  static final int WHITE = 0xFFFFFF;

  final VisualSimilarityScorer scorer = VisualSimilarityScorer.defaults();

  /** A ring that closes over {@code n} frames in {@code ringColour} and a bar in {@code barColour}, at 214x120. */
  static VideoFrames scene(int ringColour, int barColour, int n) {
    return Synthetic.video(214, 120).frames(n, (c, t) -> {
      double p = Math.min(1.0, (t + 1.0) / (n * 0.6));
      c.coloured(ringColour, k -> k.ring(64, 60, 28, 4, 2 * Math.PI * p, 0));
      c.coloured(barColour, k -> k.rect(120, 70, 120 + 70 * p, 80, 0));
    }).buildColour();
  }

  @Test
  void aRecolouredCopyWithTheSameLumaScoresClearlyBelowTheScene() {
    VideoFrames reference = scene(BLUE, RED, 10);
    VideoFrames recoloured = scene(GREEN, PURPLE, 10);
    VisualSimilarity gray = scorer.score(reference.lumaOnly(), recoloured.lumaOnly());
    VisualSimilarity colour = scorer.score(reference, recoloured);
    assertThat(gray.score()).as("gray frames barely see the swap").isGreaterThan(0.9);
    assertThat(gray.colour()).isNull();
    assertThat(gray.method()).contains("luma-only");
    assertThat(colour.colour()).isLessThan(0.2);
    assertThat(colour.score()).isLessThan(gray.score() - 0.3);
    assertThat(colour.method()).doesNotContain("luma-only");
    VisualSimilarity same = scorer.score(reference, scene(BLUE, RED, 10));
    assertThat(same.score()).isEqualTo(1.0);
    assertThat(same.colour()).isEqualTo(1.0);
  }

  @Test
  void theMoreIsRecolouredTheLowerTheScore() {
    VideoFrames reference = scene(BLUE, RED, 10);
    double one = scorer.score(reference, scene(BLUE, PURPLE, 10)).score();
    double both = scorer.score(reference, scene(GREEN, PURPLE, 10)).score();
    assertThat(one).isLessThan(1.0).isGreaterThan(both);
  }

  @Test
  void colourTurnedGrayOfTheSameLumaIsSeen() {
    VideoFrames reference = scene(YELLOW, YELLOW, 8);
    VisualSimilarity v = scorer.score(reference, scene(LIGHTER_GRAY, LIGHTER_GRAY, 8));
    assertThat(v.colour()).isLessThan(0.2);
    assertThat(v.score()).isLessThan(0.7);
  }

  @Test
  void grayScenesScoreAsTheyDidWithoutColour() {
    VideoFrames reference = scene(WHITE, LIGHTER_GRAY, 10);
    VideoFrames later = scene(WHITE, LIGHTER_GRAY, 14);
    VisualSimilarity colour = scorer.score(reference, later);
    VisualSimilarity gray = scorer.score(reference.lumaOnly(), later.lumaOnly());
    assertThat(colour.colour()).isEqualTo(1.0);
    assertThat(colour.score()).isEqualTo(gray.score());
  }

  @Test
  void colourDoesNotLiftABlankCandidate() {
    VideoFrames reference = scene(BLUE, RED, 10);
    VideoFrames blank = Synthetic.video(214, 120).frames(10, (c, t) -> { }).buildColour();
    VisualSimilarity colour = scorer.score(reference, blank);
    assertThat(colour.score()).isEqualTo(scorer.score(reference.lumaOnly(), blank.lumaOnly()).score());
    assertThat(colour.score()).isLessThan(0.2);
  }

  @Test
  void chromaticityIgnoresHowMuchOfAPixelAnObjectCovers() {
    // The same blue bar, drawn 4x larger and shrunk (its edges become blends with the black
    // background), matches the bar drawn small; a green bar does not.
    VideoFrames big = Synthetic.video(856, 480).frame(c -> c.coloured(BLUE, k -> k.rect(201, 203, 601, 243, 0)))
        .buildColour();
    VideoFrames small = FrameResizer.toSize(big, 214, 120);
    assertThat(small.hasColour()).isTrue();
    VideoFrames drawnSmall = Synthetic.video(214, 120).frame(c -> c.coloured(BLUE, k -> k.rect(50, 51, 150, 61, 0)))
        .buildColour();
    VideoFrames green = Synthetic.video(214, 120).frame(c -> c.coloured(GREEN, k -> k.rect(50, 51, 150, 61, 0)))
        .buildColour();
    assertThat(scorer.score(drawnSmall, small).colour()).isGreaterThan(0.95);
    assertThat(scorer.score(drawnSmall, green).colour()).isLessThan(0.1);
  }

  @Test
  void aGlobalOffsetMovesTheColourWithTheShapes() {
    VideoFrames reference = scene(BLUE, RED, 6);
    VideoFrames moved = GlobalOffset.translate(reference, 9, 4);
    assertThat(moved.chroma(0, 0, 64 + 28 + 9, 60 + 4)).isEqualTo(reference.chroma(0, 0, 64 + 28, 60));
    assertThat(moved.chroma(0, 1, 0, 0)).as("uncovered: the background's colour").isEqualTo(VideoFrames.NEUTRAL_CHROMA);
    VisualSimilarity v = scorer.score(reference, moved);
    assertThat(v.offsetX()).isNotZero();
    assertThat(v.colour()).isGreaterThan(0.9);
  }

  @Test
  void framesThatDifferOnlyInColourAreDistinct() {
    VideoFrames twoColours = Synthetic.video(214, 120)
        .frame(c -> c.coloured(BLUE, k -> k.rect(50, 50, 150, 70, 0)))
        .frame(c -> c.coloured(GREEN, k -> k.rect(50, 50, 150, 70, 0)))
        .buildColour();
    VideoFrames blueTwice = Synthetic.video(214, 120)
        .frame(c -> c.coloured(BLUE, k -> k.rect(50, 50, 150, 70, 0)))
        .frame(c -> c.coloured(BLUE, k -> k.rect(50, 50, 150, 70, 0)))
        .buildColour();
    assertThat(twoColours.sameFrame(0, 1)).isFalse();
    assertThat(blueTwice.sameFrame(0, 1)).isTrue();
    // Half of the blue-blue video's frames match the blue-green one's in colour.
    assertThat(scorer.score(blueTwice, twoColours).colour()).isCloseTo(0.5, within(0.15));
  }
}

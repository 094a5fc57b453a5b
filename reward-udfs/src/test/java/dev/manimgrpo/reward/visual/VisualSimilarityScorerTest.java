package dev.manimgrpo.reward.visual;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.render.VideoFrames;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Edge cases of the whole visual similarity on hand-drawn videos (no renderer). */
class VisualSimilarityScorerTest {

  final VisualSimilarityScorer scorer =
      new VisualSimilarityScorer(VisualSimilarityOptions.defaults().withStudy(true), null);
  final VideoFrames scene = Synthetic.scene(854, 480, 12);

  @Test
  void identicalVideoScoresOne() {
    VisualSimilarity v = scorer.score(scene, Synthetic.scene(854, 480, 12));
    assertThat(v.score()).isEqualTo(1.0);
    assertThat(v.contentScore()).isEqualTo(1.0);
    assertThat(v.vsStudy()).isEqualTo(1.0);
    assertThat(v.offsetX()).isZero();
    assertThat(v.clipPresent()).isFalse();
    assertThat(v.clipPart()).isNull();
    assertThat(v.studyVs()).isNull();
    assertThat(v.method()).startsWith("content@107x60");
  }

  @Test
  void studyPartIsComputedOnlyWhenAskedFor() {
    VideoFrames moved = Synthetic.scene(854, 480, 15);
    VisualSimilarity with = scorer.score(scene, moved);
    VisualSimilarity without = VisualSimilarityScorer.defaults().score(scene, moved);
    assertThat(VisualSimilarityOptions.defaults().study()).isFalse();
    assertThat(without.vsStudy()).isNull();
    assertThat(without.studyWidth()).isZero();
    assertThat(without.method()).doesNotContain("study");
    assertThat(with.vsStudy()).isNotNull();
    assertThat(without.score()).isEqualTo(with.score());
    assertThat(VisualSimilarityScorer.defaults().score(scene, null).vsStudy()).isNull();
  }

  @Test
  void framesAGroupSharesAreComparedOnceAndScoreAsTheyWouldAlone() {
    VisualSimilarityScorer plain = VisualSimilarityScorer.defaults();
    VisualSimilarityScorer.PreparedReference ref = plain.prepare(scene);
    VideoFrames first = Synthetic.scene(854, 480, 15);
    VideoFrames longer = Synthetic.scene(854, 480, 20); // other frames, then the same finished picture
    VisualSimilarity a = plain.score(ref, first);
    long before = ref.content.compared().hits();
    VisualSimilarity again = plain.score(ref, first);
    assertThat(ref.content.compared().hits() - before).as("every distinct frame of a repeat comes from the memo")
        .isGreaterThanOrEqualTo(1);
    assertThat(again).isEqualTo(a);
    VisualSimilarity b = plain.score(ref, longer);
    assertThat(b).isEqualTo(plain.score(plain.prepare(scene), longer));
  }

  @Test
  void withoutAnOffsetTheScoreIsSymmetric() {
    // Every per-pair part (fgSSIM, shapeF, colour) and DTW are symmetric; only the offset search
    // moves one side (the candidate) and only the candidate is resized to the other's frame.
    VideoFrames a = ColourSimilarityTest.scene(ColourSimilarityTest.BLUE, ColourSimilarityTest.RED, 10);
    VideoFrames b = ColourSimilarityTest.scene(ColourSimilarityTest.GREEN, ColourSimilarityTest.RED, 14);
    VisualSimilarity ab = VisualSimilarityScorer.defaults().score(a, b);
    VisualSimilarity ba = VisualSimilarityScorer.defaults().score(b, a);
    assertThat(ab.offsetX()).isZero();
    assertThat(ba.offsetX()).isZero();
    assertThat(ab.score()).isLessThan(1.0).isEqualTo(ba.score());
    assertThat(ab.colour()).isEqualTo(ba.colour());
  }

  @Test
  void failedRenderScoresZero() {
    VisualSimilarity v = scorer.score(scene, null);
    assertThat(v.score()).isZero();
    assertThat(v.vsStudy()).isZero();
    assertThat(v.method()).isEqualTo(VisualSimilarity.FAILED_RENDER);
    assertThat(v.candidateFrames()).isZero();
  }

  @Test
  void emptySequencesScoreZero() {
    VideoFrames empty = new VideoFrames(854, 480, 5, 0, new byte[0]);
    assertThat(scorer.score(scene, empty).score()).isZero();
    assertThat(scorer.score(scene, empty).method()).isEqualTo(VisualSimilarity.EMPTY_CANDIDATE);
    assertThat(scorer.score(empty, scene).score()).isZero();
    assertThat(scorer.score(empty, scene).method()).isEqualTo(VisualSimilarity.EMPTY_REFERENCE);
    assertThat(scorer.score(empty, empty).score()).isZero();
  }

  @Test
  void aStillImageIsComparedWithEveryFrame() {
    VideoFrames lastFrame = still(scene, scene.count() - 1);
    VisualSimilarity stillVsVideo = scorer.score(scene, lastFrame);
    VisualSimilarity videoVsStill = scorer.score(lastFrame, scene);
    assertValid(stillVsVideo);
    assertValid(videoVsStill);
    assertThat(stillVsVideo.candidateFrames()).isEqualTo(1);
    assertThat(stillVsVideo.score()).isBetween(0.3, 0.99);
    assertThat(scorer.score(lastFrame, still(scene, scene.count() - 1)).score()).isEqualTo(1.0);
  }

  @Test
  void framesOfAnotherSizeAreResizedToTheReference() {
    VisualSimilarity half = scorer.score(scene, Synthetic.scene(427, 240, 12));
    VisualSimilarity odd = scorer.score(scene, Synthetic.scene(640, 480, 12));
    assertValid(half);
    assertValid(odd);
    assertThat(half.score()).isGreaterThan(0.85);
    assertThat(odd.score()).isGreaterThan(0.5);
  }

  @Test
  void blankCandidateScoresLowWhereTheStudysPartScoresHigh() {
    VideoFrames blank = Synthetic.video(854, 480).frames(12, (c, t) -> { }).build();
    VisualSimilarity v = scorer.score(scene, blank);
    assertThat(v.score()).isLessThan(0.1);
    assertThat(v.vsStudy()).isGreaterThan(0.5);
  }

  @Test
  void shiftedLayoutIsFoundAndCostsLittle() {
    VideoFrames shifted = Synthetic.video(854, 480).frames(12, (c, t) -> { }).build();
    byte[] moved = shifted.gray();
    byte[] src = scene.gray();
    int dx = 40;
    int dy = -24;
    for (int f = 0; f < 12; f++) {
      for (int y = 0; y < 480; y++) {
        for (int x = 0; x < 854; x++) {
          int sx = x - dx;
          int sy = y - dy;
          if (sx >= 0 && sy >= 0 && sx < 854 && sy < 480) {
            moved[(f * 480 + y) * 854 + x] = src[(f * 480 + sy) * 854 + sx];
          }
        }
      }
    }
    VisualSimilarity v = scorer.score(scene, shifted);
    // The candidate's content sits (dx, dy) away; the offset moves it back.
    assertThat(v.offsetX()).isBetween(-dx - 8, -dx + 8);
    assertThat(v.offsetY()).isBetween(-dy - 8, -dy + 8);
    assertThat(v.score()).isGreaterThan(v.unaligned()).isGreaterThan(0.7);
  }

  @Test
  void neverNanNorOutsideTheUnitInterval() {
    Random rnd = new Random(42);
    List<VideoFrames> odd = List.of(
        noise(rnd, 854, 480, 3),
        noise(rnd, 3, 2, 4),
        noise(rnd, 1, 1, 2),
        Synthetic.video(854, 480).frame(c -> c.fill(255)).build(),
        Synthetic.video(854, 480).frame(c -> c.fill(0)).build(),
        Synthetic.video(20, 400).frames(3, (c, t) -> c.rect(0, 0, 20, 100 * t, 255)).build(),
        scene);
    for (VideoFrames ref : odd) {
      VisualSimilarityScorer.PreparedReference p = scorer.prepare(ref);
      for (VideoFrames cand : odd) {
        assertValid(scorer.score(p, cand));
      }
    }
  }

  @Test
  void fullSizePathGivesTheSameVerdicts() {
    VisualSimilarityScorer full = new VisualSimilarityScorer(VisualSimilarityOptions.fullSize(), null);
    VideoFrames small = Synthetic.scene(214, 120, 6);
    VideoFrames blank = Synthetic.video(214, 120).frames(6, (c, t) -> { }).build();
    assertThat(full.score(small, Synthetic.scene(214, 120, 6)).score()).isEqualTo(1.0);
    VisualSimilarity b = full.score(small, blank);
    assertThat(b.workWidth()).isEqualTo(214);
    assertThat(b.score()).isLessThan(0.1);
  }

  /**
   * Prints what two 10 s videos at 5 fps (50 frames each, every frame different) cost: the SSIM
   * matrix and DTW of vs_study at its working sizes, the content score, and a whole scoring call.
   * Tests check behaviour, not speed: nothing here is asserted but the result's validity.
   */
  @Test
  void printsTheCostOfTwoTenSecondVideos() {
    VideoFrames a = moving(50, 0);
    VideoFrames b = moving(50, 7);
    StringBuilder out = new StringBuilder("\nTwo 10 s videos at 5 fps, 854x480, 50 distinct frames each (median of 3 runs):\n");
    for (int width : new int[] {107, 214, 427}) {
      int[] size = FrameResizer.workingSize(854, 480, width);
      GraySequence sa = FrameResizer.resize(a, size[0], size[1]);
      GraySequence sb = FrameResizer.resize(b, size[0], size[1]);
      double ms = medianMillis(() -> StudyVisualSimilarity.fromMatrix(SsimMatrix.of(sa, sb, Ssim.DEFAULT_WINDOW)));
      out.append(String.format(java.util.Locale.ROOT, "  SSIM matrix (50x50, 7x7 window) + DTW at %dx%d: %.0f ms%n", size[0], size[1], ms));
    }
    VisualSimilarityScorer.PreparedReference ref = scorer.prepare(a);
    ContentSimilarity.Reference content = ref.content;
    out.append(String.format(java.util.Locale.ROOT, "  content score at %dx%d (features, offset search, fgSSIM + shapeF matrices, DTW): %.0f ms%n",
        ref.workSize[0], ref.workSize[1], medianMillis(() -> ContentSimilarity.compare(content, b).score())));
    out.append(String.format(java.util.Locale.ROOT, "  preparing the reference: %.0f ms; scoring a candidate against it (%s): %.0f ms%n",
        medianMillis(() -> scorer.prepare(a).count()), scorer.options(), medianMillis(() -> scorer.score(ref, b).score())));
    System.out.println(out);
    assertValid(scorer.score(ref, b));
  }

  /** A 854x480 video of {@code n} frames in which a ring, a bar and a block move every frame. */
  static VideoFrames moving(int n, int phase) {
    return Synthetic.video(854, 480).frames(n, (c, t) -> {
      double p = (t + phase) / (double) n;
      c.ring(200 + 300 * p, 240, 80, 6, 2 * Math.PI, 200);
      c.rect(500, 100 + 200 * p, 700, 130 + 200 * p, 150);
      c.rect(100, 380, 100 + 600 * p, 400, 230);
    }).build();
  }

  static double medianMillis(java.util.function.DoubleSupplier work) {
    work.getAsDouble();
    double[] ms = new double[3];
    for (int i = 0; i < ms.length; i++) {
      long t = System.nanoTime();
      work.getAsDouble();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    java.util.Arrays.sort(ms);
    return ms[1];
  }

  @Test
  void overlongVideosAreSampledDownNotComparedFrameByFrame() {
    VisualSimilarityScorer capped = new VisualSimilarityScorer(new VisualSimilarityOptions(0, true, 0, 40), null);
    VideoFrames ref = Synthetic.scene(128, 72, 20);
    VideoFrames longRun = Synthetic.scene(128, 72, 1000);
    VisualSimilarity v = capped.score(ref, longRun);
    assertValid(v);
    assertThat(v.candidateFrames()).isEqualTo(1000);
    assertThat(v.alignedPairs()).isLessThanOrEqualTo(20 + 40 - 1);
    assertThat(v.method()).endsWith(",frames-capped@40");
    assertThat(v.score()).isGreaterThan(0.8);
    assertThat(capped.score(longRun, Synthetic.scene(128, 72, 1000)).score()).isEqualTo(1.0);
    assertThat(VisualSimilarityScorer.capped(longRun, 40).count()).isEqualTo(40);
  }

  @Test
  void visualPackageIsPureJavaWithoutSpark() throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Path.of("src/main/java/dev/manimgrpo/reward/visual");
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
      List<java.nio.file.Path> sources = files.filter(p -> p.toString().endsWith(".java")).toList();
      assertThat(sources).isNotEmpty();
      for (java.nio.file.Path p : sources) {
        assertThat(java.nio.file.Files.readString(p)).as(p.toString()).doesNotContain("org.apache.spark");
      }
    }
  }

  static VideoFrames still(VideoFrames v, int index) {
    int px = v.width() * v.height();
    byte[] one = new byte[px];
    System.arraycopy(v.gray(), index * px, one, 0, px);
    return new VideoFrames(v.width(), v.height(), v.fps(), 1, one);
  }

  static VideoFrames noise(Random rnd, int w, int h, int n) {
    byte[] g = new byte[w * h * n];
    rnd.nextBytes(g);
    return new VideoFrames(w, h, 5, n, g);
  }

  static void assertValid(VisualSimilarity v) {
    for (double x : new double[] {v.score(), v.contentScore(), v.vsStudy(), v.unaligned(), v.foregroundSsim(), v.shape(),
        v.offsetPenalty()}) {
      assertThat(x).isBetween(0.0, 1.0);
    }
  }
}

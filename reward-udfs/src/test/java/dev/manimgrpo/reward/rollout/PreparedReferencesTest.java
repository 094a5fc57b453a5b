package dev.manimgrpo.reward.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.render.VideoFrames;
import dev.manimgrpo.reward.visual.VisualSimilarity;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PreparedReferencesTest {

  private static final RolloutScorer SCORER = RolloutScorer.of(PipelineConfig.defaults().reward());
  private static final String CODE = "from manim import *\nclass A(Scene):\n    def construct(self):\n"
      + "        self.play(Create(Square()))\n";

  /** A white square of side {@code side} moving right over a black 214x120 background, in luma. */
  static VideoFrames square(int side, int frames) {
    int w = 214;
    int h = 120;
    byte[] gray = new byte[w * h * frames];
    for (int f = 0; f < frames; f++) {
      for (int y = 40; y < 40 + side; y++) {
        for (int x = 20 + 5 * f; x < 20 + 5 * f + side; x++) {
          gray[f * w * h + y * w + x] = (byte) 255;
        }
      }
    }
    return new VideoFrames(w, h, 5, frames, gray);
  }

  private static RolloutScorer.Reference prepare(VideoFrames frames, AtomicInteger calls) {
    calls.incrementAndGet();
    return SCORER.prepare(CODE, frames);
  }

  @Test
  void aKeptReferenceIsReusedForANewGroupAndScoresAsAFreshOne() {
    PreparedReferences kept = new PreparedReferences(64L << 20);
    VideoFrames ref = square(30, 6);
    AtomicInteger prepared = new AtomicInteger();
    RolloutScorer.Reference first = kept.get("k", () -> prepare(ref, prepared));
    RolloutScorer.Reference second = kept.get("k", () -> prepare(ref, prepared));
    assertThat(prepared).hasValue(1);
    assertThat(kept.hits()).isEqualTo(1);
    assertThat(kept.misses()).isEqualTo(1);
    // each group gets its own copy (its own memo of compared frames), with the same features
    assertThat(second).isNotSameAs(first);
    assertThat(second.visual()).isNotSameAs(first.visual());
    assertThat(second.code()).isSameAs(first.code());

    VideoFrames candidate = square(26, 6);
    VisualSimilarity fresh = SCORER.visualScorer().score(SCORER.prepare(CODE, ref).visual(), candidate);
    // the first group compares the candidate (and remembers its frames); the second group's copy starts empty
    VisualSimilarity inFirst = SCORER.visualScorer().score(first.visual(), candidate);
    VisualSimilarity inSecond = SCORER.visualScorer().score(second.visual(), candidate);
    assertThat(inFirst.contentScore()).isEqualTo(fresh.contentScore());
    assertThat(inSecond.contentScore()).isEqualTo(fresh.contentScore());
    assertThat(fresh.contentScore()).isBetween(0.0, 1.0).isNotEqualTo(1.0);
  }

  @Test
  void theLeastRecentlyUsedLeaveFirstWhenTheBudgetIsFull() {
    VideoFrames ref = square(30, 4);
    long one = PreparedReferences.estimatedBytes(SCORER.prepare(CODE, ref));
    PreparedReferences kept = new PreparedReferences(2 * one + one / 2); // room for two
    AtomicInteger prepared = new AtomicInteger();
    kept.get("a", () -> prepare(ref, prepared));
    kept.get("b", () -> prepare(ref, prepared));
    kept.get("a", () -> prepare(ref, prepared)); // a is now the most recent
    kept.get("c", () -> prepare(ref, prepared)); // b leaves
    assertThat(kept.size()).isEqualTo(2);
    assertThat(kept.bytes()).isEqualTo(2 * one);
    assertThat(prepared).hasValue(3);
    kept.get("a", () -> prepare(ref, prepared));
    kept.get("c", () -> prepare(ref, prepared));
    assertThat(prepared).hasValue(3);
    kept.get("b", () -> prepare(ref, prepared));
    assertThat(prepared).hasValue(4);
  }

  @Test
  void aZeroBudgetKeepsNothingAndANegativeOneIsRefused() {
    PreparedReferences none = new PreparedReferences(0);
    AtomicInteger prepared = new AtomicInteger();
    VideoFrames ref = square(30, 3);
    none.get("a", () -> prepare(ref, prepared));
    none.get("a", () -> prepare(ref, prepared));
    assertThat(prepared).hasValue(2);
    assertThat(none.size()).isZero();
    assertThatThrownBy(() -> new PreparedReferences(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(">= 0");
  }

  @Test
  void theSizeEstimateFollowsTheFramesAndAReferenceWithoutARenderIsSmall() {
    long four = PreparedReferences.estimatedBytes(SCORER.prepare(CODE, square(30, 4)));
    long eight = PreparedReferences.estimatedBytes(SCORER.prepare(CODE, square(30, 8)));
    assertThat(eight - 4096).isEqualTo(2 * (four - 4096));
    assertThat(PreparedReferences.estimatedBytes(SCORER.prepare(CODE, null))).isEqualTo(4096);
  }
}

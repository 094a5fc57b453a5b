package dev.manimgrpo.reward.visual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.manimgrpo.core.render.VideoFrames;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The study's CLIP part with a tiny deterministic embedder (no model is available here). */
class ClipSimilarityTest {

  /**
   * Embeds a frame as the L2-normalised vector of its mean brightness, its share of bright pixels
   * and the brightness of its left half minus its right half (shifted to stay positive), plus a
   * constant: deterministic, cheap, and different for different layouts.
   */
  static final class TinyEmbedder implements ImageEmbedder {
    @Override
    public float[] embed(VideoFrames video, int index) {
      double sum = 0;
      double bright = 0;
      double left = 0;
      int w = video.width();
      int h = video.height();
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int p = video.pixel(index, x, y);
          sum += p;
          bright += p > 100 ? 1 : 0;
          left += x < w / 2 ? p : -p;
        }
      }
      int n = w * h;
      float[] e = {(float) (sum / n / 255), (float) (bright / n), (float) (0.5 + left / n / 510), 0.1f};
      double norm = 0;
      for (float v : e) {
        norm += v * v;
      }
      for (int k = 0; k < e.length; k++) {
        e[k] /= (float) Math.sqrt(norm);
      }
      return e;
    }

    @Override
    public String name() {
      return "tiny";
    }
  }

  @Test
  void formulaByHand() {
    // e = [(1,0), (0,1)], f = [(1,0)]: costs 1 - 1 = 0 and 1 - 0 = 1, total 1, max_len 2.
    double clip = ClipSimilarity.score(List.of(new float[] {1, 0}, new float[] {0, 1}), List.of(new float[] {1, 0}));
    assertThat(clip).isCloseTo(Math.exp(-0.5), within(1e-12));
    assertThat(ClipSimilarity.combine(0.64, 0.25)).isCloseTo(0.4, within(1e-12));
  }

  @Test
  void embeddingsAreNormalisedAndZeroMatchesNothing() {
    double scaled = ClipSimilarity.score(List.of(new float[] {3, 4}), List.of(new float[] {0.6f, 0.8f}));
    assertThat(scaled).isCloseTo(1.0, within(1e-6));
    double zero = ClipSimilarity.score(List.of(new float[] {1, 0}), List.of(new float[] {0, 0}));
    assertThat(zero).isCloseTo(Math.exp(-1), within(1e-12));
    assertThatThrownBy(() -> ClipSimilarity.score(List.of(new float[] {1, 0}), List.of(new float[] {1, 0, 0})))
        .hasMessageContaining("dimensions differ");
  }

  @Test
  void scorerCombinesBothPartsWhenAnEmbedderIsPresent() {
    VisualSimilarityScorer withClip = new VisualSimilarityScorer(VisualSimilarityOptions.defaults().withStudy(true), new TinyEmbedder());
    VideoFrames ref = Synthetic.scene(427, 240, 8);
    VisualSimilarity same = withClip.score(ref, Synthetic.scene(427, 240, 8));
    assertThat(same.clipPresent()).isTrue();
    assertThat(same.clipPart()).isEqualTo(1.0);
    assertThat(same.score()).isEqualTo(1.0);
    assertThat(same.method()).startsWith("content+clip(tiny)");

    VideoFrames other = Synthetic.video(427, 240).frames(8, (c, t) -> c.rect(20, 20, 120, 60 + 10 * t, 255)).build();
    VisualSimilarity v = withClip.score(ref, other);
    assertThat(v.clipPart()).isBetween(0.0, 1.0);
    assertThat(v.studyVs()).isCloseTo(Math.sqrt(v.vsStudy() * v.clipPart()), within(1e-12));
    assertThat(v.score()).isCloseTo(Math.sqrt(v.contentScore() * v.clipPart()), within(1e-12));

    VisualSimilarity failed = withClip.score(ref, null);
    assertThat(failed.clipPresent()).isTrue();
    assertThat(failed.clipPart()).isZero();
    assertThat(failed.score()).isZero();
  }

  @Test
  void withoutAnEmbedderTheClipPartIsAbsentNotInvented() {
    VisualSimilarity v = VisualSimilarityScorer.defaults().score(Synthetic.scene(427, 240, 8), Synthetic.scene(427, 240, 8));
    assertThat(v.clipPresent()).isFalse();
    assertThat(v.clipPart()).isNull();
    assertThat(v.studyVs()).isNull();
    assertThatThrownBy(() -> new VisualSimilarity(1, 1, 1.0, 0.5, false, null, 1, 1, 1, null, 0, 0, 1, 1, 1, 1, 1, 1, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

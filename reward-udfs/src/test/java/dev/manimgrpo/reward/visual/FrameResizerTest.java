package dev.manimgrpo.reward.visual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.manimgrpo.core.render.VideoFrames;
import org.junit.jupiter.api.Test;

/** Area-average resizing. */
class FrameResizerTest {

  @Test
  void wholeFactorIsTheBlockMean() {
    float[] src = {0, 10, 20, 30, 40, 50, 60, 70};
    float[] out = FrameResizer.resizeFrame(src, 4, 2, 2, 1);
    assertThat(out).containsExactly((0 + 10 + 40 + 50) / 4f, (20 + 30 + 60 + 70) / 4f);
  }

  @Test
  void fractionalFactorWeighsByCoveredArea() {
    // 3 -> 2: target 0 covers [0, 1.5): (0 * 1 + 30 * 0.5) / 1.5 = 10; target 1: (30 * 0.5 + 60) / 1.5 = 50.
    float[] out = FrameResizer.resizeFrame(new float[] {0, 30, 60}, 3, 1, 2, 1);
    assertThat(out[0]).isCloseTo(10f, within(1e-4f));
    assertThat(out[1]).isCloseTo(50f, within(1e-4f));
  }

  @Test
  void upscalingRepeatsPixels() {
    float[] out = FrameResizer.resizeFrame(new float[] {10, 200}, 2, 1, 4, 2);
    assertThat(out).containsExactly(10, 10, 200, 200, 10, 10, 200, 200);
  }

  @Test
  void meanBrightnessIsKept() {
    byte[] gray = new byte[854 * 480];
    for (int i = 0; i < gray.length; i++) {
      gray[i] = (byte) ((i * 37) % 256);
    }
    VideoFrames v = new VideoFrames(854, 480, 5, 1, gray);
    GraySequence small = FrameResizer.resize(v, 107, 60);
    double before = 0;
    for (byte b : gray) {
      before += b & 0xff;
    }
    double after = 0;
    for (float f : small.frame(0)) {
      after += f;
    }
    assertThat(after / small.pixels()).isCloseTo(before / gray.length, within(0.01));
  }

  @Test
  void workingSizeFollowsTheReferenceAspect() {
    assertThat(FrameResizer.workingSize(854, 480, 107)).containsExactly(107, 60);
    assertThat(FrameResizer.workingSize(854, 480, 214)).containsExactly(214, 120);
    assertThat(FrameResizer.workingSize(854, 480, 0)).containsExactly(854, 480);
    assertThat(FrameResizer.workingSize(100, 50, 400)).containsExactly(100, 50);
  }

  @Test
  void emptyVideoResizesToNoFrames() {
    GraySequence s = FrameResizer.resize(new VideoFrames(854, 480, 5, 0, new byte[0]), 107, 60);
    assertThat(s.count()).isZero();
    assertThat(s.width()).isEqualTo(107);
  }
}

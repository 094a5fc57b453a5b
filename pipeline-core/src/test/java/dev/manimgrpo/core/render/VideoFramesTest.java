package dev.manimgrpo.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Frames with and without colour: the planar layout the worker and ffmpeg's yuv444p share. */
class VideoFramesTest {

  /** Two 3x2 frames as yuv444p: frame f, plane c (0 = Y, 1 = Cb, 2 = Cr), pixel p holds 100f + 10c + p. */
  private static byte[] planar() {
    byte[] yuv = new byte[2 * 3 * 6];
    for (int f = 0; f < 2; f++) {
      for (int c = 0; c < 3; c++) {
        for (int p = 0; p < 6; p++) {
          yuv[(3 * f + c) * 6 + p] = (byte) (100 * f + 10 * c + p);
        }
      }
    }
    return yuv;
  }

  @Test
  void yuv444PlanesSplitIntoLumaAndChroma() {
    VideoFrames v = VideoFrames.ofYuv444(3, 2, 5.0, planar());
    assertThat(v.count()).isEqualTo(2);
    assertThat(v.hasColour()).isTrue();
    assertThat(v.pixel(1, 2, 1)).isEqualTo(105);
    assertThat(v.chroma(1, 0, 2, 1)).isEqualTo(115);
    assertThat(v.chroma(0, 1, 0, 0)).isEqualTo(20);
    assertThat(v.chromaPlane(1).pixel(1, 1, 0)).isEqualTo(121);
    assertThat(v.lumaOnly().hasColour()).isFalse();
    assertThat(v.lumaOnly().chroma(0, 0, 0, 0)).isEqualTo(VideoFrames.NEUTRAL_CHROMA);
  }

  @Test
  void selectingAndComparingFramesKeepsTheirColour() {
    VideoFrames v = VideoFrames.ofYuv444(3, 2, 5.0, planar());
    VideoFrames picked = v.select(new int[] {1, 1, 0}, 2.5);
    assertThat(picked.count()).isEqualTo(3);
    assertThat(picked.fps()).isEqualTo(2.5);
    assertThat(picked.chroma(2, 1, 0, 0)).isEqualTo(20);
    assertThat(picked.sameFrame(0, 1)).isTrue();
    assertThat(picked.sameFrame(1, 2)).isFalse();
    // frames equal in luma but not in colour are different frames
    byte[] yuv = planar();
    System.arraycopy(yuv, 0, yuv, 18, 6); // frame 1's luma := frame 0's
    System.arraycopy(yuv, 6, yuv, 24, 6); // and its Cb
    VideoFrames sameLuma = VideoFrames.ofYuv444(3, 2, 5.0, yuv);
    assertThat(sameLuma.lumaOnly().sameFrame(0, 1)).isTrue();
    assertThat(sameLuma.sameFrame(0, 1)).isFalse();
  }

  @Test
  void sizesThatDoNotAddUpAreRefused() {
    assertThatThrownBy(() -> VideoFrames.ofYuv444(3, 2, 5.0, new byte[17])).hasMessageContaining("three planes");
    assertThatThrownBy(() -> new VideoFrames(3, 2, 5.0, 1, new byte[6], new byte[6])).hasMessageContaining("chroma");
    assertThatThrownBy(() -> VideoFrames.ofRaw(3, 2, 5.0, new byte[6]).chromaPlane(0)).isInstanceOf(IllegalStateException.class);
  }
}

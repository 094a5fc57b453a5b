package dev.manimgrpo.reward.visual;

import dev.manimgrpo.core.render.VideoFrames;

/**
 * The colour of a video in working form: its Cb and Cr planes (BT.601, full range, 128 = no
 * colour) as floats, frame for frame alongside the luma {@link GraySequence}.
 */
record ColourPlanes(GraySequence cb, GraySequence cr) {

  ColourPlanes {
    if (cb.width() != cr.width() || cb.height() != cr.height() || cb.count() != cr.count()) {
      throw new IllegalArgumentException("Cb and Cr planes differ in size");
    }
  }

  /** The colour of {@code video} resized to {@code width x height}, or null for luma-only frames. */
  static ColourPlanes of(VideoFrames video, int width, int height) {
    if (!video.hasColour()) {
      return null;
    }
    return new ColourPlanes(FrameResizer.resize(video.chromaPlane(0), width, height),
        FrameResizer.resize(video.chromaPlane(1), width, height));
  }
}

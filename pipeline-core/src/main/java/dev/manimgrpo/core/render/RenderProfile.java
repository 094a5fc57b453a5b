package dev.manimgrpo.core.render;

/** What a render produces. */
public enum RenderProfile {
  /**
   * The Manim CLI's output: an MP4 at the quality's frame rate (a PNG for a scene without
   * animation), then frames decoded from it at the sampling rate, as peers compute rewards.
   */
  VIDEO,
  /**
   * Only what the visual reward needs: the scene is rendered at the sampling rate itself and
   * its frames are kept as 8-bit grayscale, with no encode-then-decode round trip.
   */
  FRAMES
}

package dev.manimgrpo.core.render;

/** What a render produces. */
public enum RenderProfile {
  /**
   * The Manim CLI's output: an MP4 at the quality's frame rate (a PNG for a scene without
   * animation), then frames decoded from it at the sampling rate, as peers compute rewards.
   */
  VIDEO,
  /**
   * Only what the visual reward needs: only the frames at the sampling rate are drawn, at the
   * reward's resolution ({@code render.frame-width}), and kept as 8-bit luma and chroma, with no
   * encode-then-decode round trip.
   */
  FRAMES
}

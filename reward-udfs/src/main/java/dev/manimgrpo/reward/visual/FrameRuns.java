package dev.manimgrpo.reward.visual;

import dev.manimgrpo.core.render.VideoFrames;
import java.util.Arrays;

/**
 * Runs of identical consecutive frames. Manim repeats the last frame for every {@code wait} and
 * for the still parts of an animation, so full-size passes over a rollout's frames (resizing,
 * background, time-averaged foreground) do each run once: a byte comparison with the previous
 * frame (vectorised by the JDK) costs a fraction of processing the frame.
 */
final class FrameRuns {

  private FrameRuns() {}

  /** The length of the run of frames equal to frame {@code start}, starting there. */
  static int runLength(VideoFrames video, int start) {
    int px = video.width() * video.height();
    byte[] g = video.gray();
    int end = start + 1;
    int from = start * px;
    while (end < video.count() && Arrays.equals(g, from, from + px, g, end * px, end * px + px)) {
      end++;
    }
    return end - start;
  }
}

package dev.manimgrpo.core.render;

/**
 * Pixel-level agreement of two frame sequences of the same geometry, used to check that
 * the reward profile's frames are the video's frames at the same timestamps.
 *
 * @param frames frames compared (the shorter sequence's count)
 * @param countDifference how many more frames one sequence has than the other
 * @param meanAbsoluteError mean |a - b| over all compared pixels, in 0..255
 * @param worstFrameMeanAbsoluteError the largest per-frame mean |a - b|
 * @param worstFrame index of that frame
 */
public record FrameComparison(int frames, int countDifference, double meanAbsoluteError,
    double worstFrameMeanAbsoluteError, int worstFrame) {

  /** Compares {@code a} and {@code b}; they must have the same width and height. */
  public static FrameComparison of(VideoFrames a, VideoFrames b) {
    if (a.width() != b.width() || a.height() != b.height()) {
      throw new IllegalArgumentException("frame sizes differ: " + a.width() + "x" + a.height()
          + " vs " + b.width() + "x" + b.height());
    }
    int n = Math.min(a.count(), b.count());
    int px = a.width() * a.height();
    double total = 0;
    double worst = 0;
    int worstAt = -1;
    for (int f = 0; f < n; f++) {
      long sum = 0;
      int off = f * px;
      for (int i = 0; i < px; i++) {
        sum += Math.abs((a.gray()[off + i] & 0xff) - (b.gray()[off + i] & 0xff));
      }
      double mae = (double) sum / px;
      total += sum;
      if (mae > worst) {
        worst = mae;
        worstAt = f;
      }
    }
    double mean = n == 0 ? 0 : total / ((double) n * px);
    return new FrameComparison(n, Math.abs(a.count() - b.count()), mean, worst, worstAt);
  }
}

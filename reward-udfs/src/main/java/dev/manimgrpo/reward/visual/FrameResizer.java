package dev.manimgrpo.reward.visual;

import dev.manimgrpo.core.render.VideoFrames;
import java.util.Arrays;
import java.util.Objects;

/**
 * Area-average resampling of grayscale frames, so that two videos of any sizes are compared at one
 * common size, and so that the reward can work on downscaled frames.
 *
 * <p>Formula: target pixel {@code (x, y)} of a {@code W x H -> w x h} resize covers the source
 * rectangle {@code [x*W/w, (x+1)*W/w) x [y*H/h, (y+1)*H/h)}; its value is the mean of the source
 * pixels weighted by the area each one shares with that rectangle:
 * {@code out(x, y) = sum_s area(s ∩ rect) * in(s) / area(rect)}. The weights are separable, so the
 * resize runs as a horizontal then a vertical pass. Downscaling by a whole factor {@code k} is the
 * plain mean of each {@code k x k} block; upscaling (a smaller candidate) repeats and blends pixels.
 * Aspect ratios are not preserved when they differ: the candidate is stretched onto the
 * reference's frame, as both were meant to fill the same screen.
 */
public final class FrameResizer {

  private FrameResizer() {}

  /**
   * The working size for a reference of {@code refWidth x refHeight}.
   *
   * @param workWidth target width in pixels; 0 or at least {@code refWidth} keeps the full size
   * @return {@code {width, height}}, the height following the reference's aspect ratio (at least 1)
   */
  public static int[] workingSize(int refWidth, int refHeight, int workWidth) {
    if (refWidth <= 0 || refHeight <= 0) {
      throw new IllegalArgumentException("bad reference size " + refWidth + "x" + refHeight);
    }
    if (workWidth <= 0 || workWidth >= refWidth) {
      return new int[] {refWidth, refHeight};
    }
    int h = (int) Math.max(1, Math.round((double) refHeight * workWidth / refWidth));
    return new int[] {workWidth, h};
  }

  /** Every frame of {@code video} resized to {@code width x height} (a copy even when sizes agree). */
  public static GraySequence resize(VideoFrames video, int width, int height) {
    Objects.requireNonNull(video, "video");
    if (video.width() == width && video.height() == height) {
      return GraySequence.of(video);
    }
    int srcPx = video.width() * video.height();
    if (video.width() % 2 == 0 && video.height() % 2 == 0 && 2 * width <= video.width()
        && 2 * height <= video.height()) {
      return halvedThenResized(video, width, height);
    }
    Axis ax = Axis.of(video.width(), width);
    Axis ay = Axis.of(video.height(), height);
    float[][] out = new float[video.count()][];
    float[] row = new float[video.width()];
    float[] tmp = new float[width * video.height()];
    byte[] gray = video.gray();
    for (int f = 0; f < out.length; ) {
      int run = FrameRuns.runLength(video, f);
      int off = f * srcPx;
      for (int y = 0; y < video.height(); y++) {
        int base = off + y * video.width();
        for (int x = 0; x < row.length; x++) {
          row[x] = gray[base + x] & 0xff;
        }
        ax.apply(row, 0, 1, tmp, y * width, 1);
      }
      float[] resized = vertical(tmp, width, video.height(), ay, height);
      // A repeated frame shares its run's array: frames of a GraySequence are never written to.
      Arrays.fill(out, f, f + run, resized);
      f += run;
    }
    return new GraySequence(width, height, out);
  }

  /**
   * {@code video} as 8-bit frames of {@code width x height} (values rounded), colour included; the
   * same instance when the size already agrees.
   */
  public static VideoFrames toSize(VideoFrames video, int width, int height) {
    if (video.width() == width && video.height() == height) {
      return video;
    }
    byte[] luma = bytes(resize(video, width, height), 1, 0);
    byte[] chroma = null;
    if (video.hasColour()) {
      chroma = new byte[2 * luma.length];
      ColourPlanes c = ColourPlanes.of(video, width, height);
      bytes(c.cb(), 2, 0, chroma);
      bytes(c.cr(), 2, 1, chroma);
    }
    return new VideoFrames(width, height, video.fps(), video.count(), luma, chroma);
  }

  private static byte[] bytes(GraySequence s, int planes, int plane) {
    byte[] out = new byte[planes * s.pixels() * s.count()];
    bytes(s, planes, plane, out);
    return out;
  }

  /** Writes {@code s}, rounded, as plane {@code plane} of {@code planes} per frame into {@code out}. */
  private static void bytes(GraySequence s, int planes, int plane, byte[] out) {
    int px = s.pixels();
    for (int f = 0; f < s.count(); f++) {
      float[] frame = s.frame(f);
      int off = (planes * f + plane) * px;
      for (int p = 0; p < px; p++) {
        out[off + p] = (byte) Math.max(0, Math.min(255, Math.round(frame[p])));
      }
    }
  }

  /** Every frame of {@code seq} resized to {@code width x height}; the same instance when sizes agree. */
  public static GraySequence resize(GraySequence seq, int width, int height) {
    if (seq.width() == width && seq.height() == height) {
      return seq;
    }
    Axis ax = Axis.of(seq.width(), width);
    Axis ay = Axis.of(seq.height(), height);
    float[][] out = new float[seq.count()][];
    float[] tmp = new float[width * seq.height()];
    for (int f = 0; f < out.length; f++) {
      float[] src = seq.frame(f);
      for (int y = 0; y < seq.height(); y++) {
        ax.apply(src, y * seq.width(), 1, tmp, y * width, 1);
      }
      out[f] = vertical(tmp, width, seq.height(), ay, height);
    }
    return new GraySequence(width, height, out);
  }

  /**
   * Area averaging composes: averaging 2x2 blocks of an even-sized frame and then area-averaging
   * the half-size frame to the target integrates the same piecewise-constant image over the same
   * target cells as resizing in one go (up to float rounding). The 2x2 pass is integer additions
   * on the bytes, a fraction of the cost of weighting every full-size pixel, and leaves a quarter
   * of the pixels for the weighted pass.
   */
  private static GraySequence halvedThenResized(VideoFrames video, int width, int height) {
    int w = video.width();
    int hw = w / 2;
    int hh = video.height() / 2;
    int srcPx = w * video.height();
    byte[] gray = video.gray();
    Axis ax = Axis.of(hw, width);
    Axis ay = Axis.of(hh, height);
    float[][] out = new float[video.count()][];
    float[] half = new float[hw * hh];
    float[] tmp = new float[width * hh];
    for (int f = 0; f < out.length; ) {
      int run = FrameRuns.runLength(video, f);
      int off = f * srcPx;
      for (int y = 0; y < hh; y++) {
        int r0 = off + 2 * y * w;
        int r1 = r0 + w;
        int o = y * hw;
        for (int x = 0; x < hw; x++) {
          int s = (gray[r0 + 2 * x] & 0xff) + (gray[r0 + 2 * x + 1] & 0xff) + (gray[r1 + 2 * x] & 0xff)
              + (gray[r1 + 2 * x + 1] & 0xff);
          half[o + x] = s * 0.25f;
        }
        ax.apply(half, o, 1, tmp, y * width, 1);
      }
      float[] resized = vertical(tmp, width, hh, ay, height);
      Arrays.fill(out, f, f + run, resized);
      f += run;
    }
    return new GraySequence(width, height, out);
  }

  /** One frame resized; {@code src} holds {@code srcWidth * srcHeight} values. */
  public static float[] resizeFrame(float[] src, int srcWidth, int srcHeight, int width, int height) {
    return resize(new GraySequence(srcWidth, srcHeight, new float[][] {src}), width, height).frame(0);
  }

  /** The vertical pass row by row (whole rows are weighted and added: contiguous, vectorisable). */
  private static float[] vertical(float[] tmp, int width, int srcHeight, Axis ay, int height) {
    float[] dst = new float[width * height];
    for (int t = 0; t < height; t++) {
      float[] w = ay.weights()[t];
      int o = t * width;
      for (int k = 0; k < w.length; k++) {
        float wk = w[k];
        int s = (ay.start()[t] + k) * width;
        for (int x = 0; x < width; x++) {
          dst[o + x] += wk * tmp[s + x];
        }
      }
    }
    return dst;
  }

  /** Area weights of a 1-D resize from {@code n} to {@code m} samples. */
  private record Axis(int[] start, float[][] weights) {

    static Axis of(int n, int m) {
      if (n <= 0 || m <= 0) {
        throw new IllegalArgumentException("cannot resize " + n + " to " + m + " pixels");
      }
      int[] start = new int[m];
      float[][] weights = new float[m][];
      double step = (double) n / m;
      for (int t = 0; t < m; t++) {
        double lo = t * step;
        double hi = Math.min(n, (t + 1) * step);
        int first = (int) Math.floor(lo);
        int last = Math.min(n - 1, (int) Math.ceil(hi) - 1);
        float[] w = new float[last - first + 1];
        for (int s = first; s <= last; s++) {
          double overlap = Math.min(hi, s + 1) - Math.max(lo, s);
          w[s - first] = (float) (Math.max(0, overlap) / (hi - lo));
        }
        start[t] = first;
        weights[t] = w;
      }
      return new Axis(start, weights);
    }

    void apply(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride) {
      for (int t = 0; t < start.length; t++) {
        float[] w = weights[t];
        int s = srcOff + start[t] * srcStride;
        float sum = 0;
        for (float wi : w) {
          sum += wi * src[s];
          s += srcStride;
        }
        dst[dstOff + t * dstStride] = sum;
      }
    }
  }
}

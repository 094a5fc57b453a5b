package dev.manimgrpo.core.render;

import java.util.Arrays;
import java.util.Objects;

/**
 * Frames sampled at a fixed rate: {@code count} frames of {@code width x height} pixels each,
 * row-major, one after the other; luma always, colour when the source had it.
 *
 * <p>{@code gray} is the luma plane of every frame (BT.601, full range: Manim's black is 0, white
 * 255), the same bytes ffmpeg's {@code format=gray} gives. {@code chroma}, when not null, holds two
 * planes per frame, Cb then Cr (BT.601, full range, 128 = no colour), so frame {@code i}'s Cb plane
 * starts at {@code 2 * i * width * height}. Luma and chroma together are ffmpeg's {@code yuv444p}
 * with full range, a lossless re-encoding of 8-bit RGB up to rounding.
 */
public record VideoFrames(int width, int height, double fps, int count, byte[] gray, byte[] chroma) {

  /** The chroma value of a colourless pixel. */
  public static final int NEUTRAL_CHROMA = 128;

  public VideoFrames {
    Objects.requireNonNull(gray, "gray");
    if (width <= 0 || height <= 0 || count < 0) {
      throw new IllegalArgumentException("bad frame geometry " + width + "x" + height + " x " + count);
    }
    if ((long) width * height * count != gray.length) {
      throw new IllegalArgumentException("expected " + (long) width * height * count
          + " bytes for " + count + " frames of " + width + "x" + height + ", got " + gray.length);
    }
    if (chroma != null && 2L * width * height * count != chroma.length) {
      throw new IllegalArgumentException("expected " + 2L * width * height * count + " chroma bytes (Cb and Cr) for "
          + count + " frames of " + width + "x" + height + ", got " + chroma.length);
    }
  }

  /** Luma-only frames. */
  public VideoFrames(int width, int height, double fps, int count, byte[] gray) {
    this(width, height, fps, count, gray, null);
  }

  /** Builds luma-only frames from raw bytes whose count follows from the size. */
  public static VideoFrames ofRaw(int width, int height, double fps, byte[] gray) {
    int frameBytes = width * height;
    if (frameBytes == 0 || gray.length % frameBytes != 0) {
      throw new IllegalArgumentException(gray.length + " bytes is not a whole number of " + width + "x" + height + " frames");
    }
    return new VideoFrames(width, height, fps, gray.length / frameBytes, gray);
  }

  /**
   * Builds colour frames from planar {@code yuv444p} bytes, three planes per frame (Y, Cb, Cr),
   * as ffmpeg writes them and the render worker sends them.
   */
  public static VideoFrames ofYuv444(int width, int height, double fps, byte[] yuv) {
    int px = width * height;
    if (px == 0 || yuv.length % (3 * px) != 0) {
      throw new IllegalArgumentException(yuv.length + " bytes is not a whole number of " + width + "x" + height
          + " frames of three planes (Y, Cb, Cr)");
    }
    int count = yuv.length / (3 * px);
    byte[] y = new byte[count * px];
    byte[] c = new byte[2 * count * px];
    for (int f = 0; f < count; f++) {
      System.arraycopy(yuv, 3 * f * px, y, f * px, px);
      System.arraycopy(yuv, 3 * f * px + px, c, 2 * f * px, 2 * px);
    }
    return new VideoFrames(width, height, fps, count, y, c);
  }

  /** Whether the frames carry colour. */
  public boolean hasColour() {
    return chroma != null;
  }

  /** Pixel (x, y) of frame {@code i}, 0..255. */
  public int pixel(int i, int x, int y) {
    return gray[(i * height + y) * width + x] & 0xff;
  }

  /** Cb (plane 0) or Cr (plane 1) of pixel (x, y) of frame {@code i}; 128 for luma-only frames. */
  public int chroma(int i, int plane, int x, int y) {
    if (chroma == null) {
      return NEUTRAL_CHROMA;
    }
    return chroma[((2 * i + plane) * height + y) * width + x] & 0xff;
  }

  /** Seconds the frames span at their rate. */
  public double durationSeconds() {
    return count / fps;
  }

  /**
   * Chroma plane {@code plane} (0 = Cb, 1 = Cr) of every frame, as luma-only frames of the same size
   * (so that what works on luma, resizing or comparing, works on it).
   */
  public VideoFrames chromaPlane(int plane) {
    if (chroma == null) {
      throw new IllegalStateException("these frames have no colour");
    }
    int px = width * height;
    byte[] out = new byte[count * px];
    for (int f = 0; f < count; f++) {
      System.arraycopy(chroma, (2 * f + plane) * px, out, f * px, px);
    }
    return new VideoFrames(width, height, fps, count, out);
  }

  /** These frames without their colour. */
  public VideoFrames lumaOnly() {
    return chroma == null ? this : new VideoFrames(width, height, fps, count, gray);
  }

  /** Whether frames {@code i} and {@code j} are bitwise identical, colour included. */
  public boolean sameFrame(int i, int j) {
    int px = width * height;
    if (!Arrays.equals(gray, i * px, i * px + px, gray, j * px, j * px + px)) {
      return false;
    }
    return chroma == null || Arrays.equals(chroma, 2 * i * px, 2 * i * px + 2 * px, chroma, 2 * j * px, 2 * j * px + 2 * px);
  }

  /**
   * Frames picked by index: frame {@code k} of the result is frame {@code indices[k]} of these,
   * colour included, at rate {@code newFps}.
   */
  public VideoFrames select(int[] indices, double newFps) {
    int px = width * height;
    byte[] y = new byte[indices.length * px];
    byte[] c = chroma == null ? null : new byte[2 * indices.length * px];
    for (int k = 0; k < indices.length; k++) {
      System.arraycopy(gray, indices[k] * px, y, k * px, px);
      if (c != null) {
        System.arraycopy(chroma, 2 * indices[k] * px, c, 2 * k * px, 2 * px);
      }
    }
    return new VideoFrames(width, height, newFps, indices.length, y, c);
  }
}

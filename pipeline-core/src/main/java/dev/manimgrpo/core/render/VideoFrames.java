package dev.manimgrpo.core.render;

import java.util.Objects;

/**
 * Grayscale frames sampled at a fixed rate: {@code count} frames of {@code width x height}
 * bytes each, row-major, one after the other.
 */
public record VideoFrames(int width, int height, double fps, int count, byte[] gray) {

  public VideoFrames {
    Objects.requireNonNull(gray, "gray");
    if (width <= 0 || height <= 0 || count < 0) {
      throw new IllegalArgumentException("bad frame geometry " + width + "x" + height + " x " + count);
    }
    if ((long) width * height * count != gray.length) {
      throw new IllegalArgumentException("expected " + (long) width * height * count
          + " bytes for " + count + " frames of " + width + "x" + height + ", got " + gray.length);
    }
  }

  /** Builds frames from raw bytes whose count follows from the size. */
  public static VideoFrames ofRaw(int width, int height, double fps, byte[] gray) {
    int frameBytes = width * height;
    if (frameBytes == 0 || gray.length % frameBytes != 0) {
      throw new IllegalArgumentException(gray.length + " bytes is not a whole number of " + width + "x" + height + " frames");
    }
    return new VideoFrames(width, height, fps, gray.length / frameBytes, gray);
  }

  /** Pixel (x, y) of frame {@code i}, 0..255. */
  public int pixel(int i, int x, int y) {
    return gray[(i * height + y) * width + x] & 0xff;
  }

  /** Seconds the frames span at their rate. */
  public double durationSeconds() {
    return count / fps;
  }
}

package dev.manimgrpo.reward.visual;

import dev.manimgrpo.core.render.VideoFrames;
import java.util.Arrays;
import java.util.Objects;

/**
 * Grayscale frames as floats in 0..255, all {@code width x height}, row-major: the working form of
 * a video inside the visual reward (after {@link FrameResizer} brought it to a common size).
 *
 * @param width frame width in pixels, at least 1
 * @param height frame height in pixels, at least 1
 * @param frames one array of {@code width * height} values per frame; may be empty
 */
public record GraySequence(int width, int height, float[][] frames) {

  public GraySequence {
    Objects.requireNonNull(frames, "frames");
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("bad frame size " + width + "x" + height);
    }
    for (int i = 0; i < frames.length; i++) {
      if (frames[i] == null || frames[i].length != width * height) {
        throw new IllegalArgumentException("frame " + i + " has " + (frames[i] == null ? "no" : frames[i].length)
            + " values, expected " + width * height + " for " + width + "x" + height);
      }
    }
  }

  /** The frames of {@code video} as floats, unchanged in size. */
  public static GraySequence of(VideoFrames video) {
    Objects.requireNonNull(video, "video");
    int px = video.width() * video.height();
    float[][] out = new float[video.count()][];
    byte[] gray = video.gray();
    for (int f = 0; f < out.length; f++) {
      float[] frame = new float[px];
      int off = f * px;
      for (int i = 0; i < px; i++) {
        frame[i] = gray[off + i] & 0xff;
      }
      out[f] = frame;
    }
    return new GraySequence(video.width(), video.height(), out);
  }

  /** Number of frames. */
  public int count() {
    return frames.length;
  }

  /** Pixels per frame. */
  public int pixels() {
    return width * height;
  }

  /** Frame {@code i} (the array itself, not a copy). */
  public float[] frame(int i) {
    return frames[i];
  }

  /** True when both sequences have the same size and the same values in every frame. */
  public boolean sameContent(GraySequence other) {
    if (other == null || width != other.width || height != other.height || frames.length != other.frames.length) {
      return false;
    }
    for (int i = 0; i < frames.length; i++) {
      if (!Arrays.equals(frames[i], other.frames[i])) {
        return false;
      }
    }
    return true;
  }
}

package dev.manimgrpo.reward.visual;

import dev.manimgrpo.core.render.VideoFrames;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Hand-drawn grayscale videos for tests that need no renderer: shapes on a black background. */
final class Synthetic {

  private final int width;
  private final int height;
  private final List<byte[]> frames = new ArrayList<>();

  private Synthetic(int width, int height) {
    this.width = width;
    this.height = height;
  }

  static Synthetic video(int width, int height) {
    return new Synthetic(width, height);
  }

  /** Adds a frame drawn by {@code draw} on black. */
  Synthetic frame(Consumer<Canvas> draw) {
    Canvas c = new Canvas(width, height);
    draw.accept(c);
    frames.add(c.pixels);
    return this;
  }

  /** Adds {@code n} frames, frame {@code t} drawn by {@code draw.accept(canvas, t)}. */
  Synthetic frames(int n, java.util.function.BiConsumer<Canvas, Integer> draw) {
    for (int t = 0; t < n; t++) {
      int tt = t;
      frame(c -> draw.accept(c, tt));
    }
    return this;
  }

  VideoFrames build() {
    byte[] all = new byte[width * height * frames.size()];
    for (int i = 0; i < frames.size(); i++) {
      System.arraycopy(frames.get(i), 0, all, i * width * height, width * height);
    }
    return new VideoFrames(width, height, 5.0, frames.size(), all);
  }

  /** A Manim-like scene at any size: a growing ring, a bar, and a rising block, over {@code n} frames. */
  static VideoFrames scene(int width, int height, int n) {
    double s = width / 854.0;
    return video(width, height).frames(n, (c, t) -> {
      double p = Math.min(1.0, (t + 1.0) / (n * 0.6));
      c.ring(width * 0.3, height * 0.5, 90 * s, 6 * s, 2 * Math.PI * p, 200);
      c.rect(width * 0.55, height * 0.6, width * 0.55 + 220 * s * p, height * 0.6 + 30 * s, 150);
      c.rect(width * 0.7, height * (0.45 - 0.2 * p), width * 0.8, height * (0.45 - 0.2 * p) + 40 * s, 230);
    }).build();
  }

  /** Mutable pixels of one frame. */
  static final class Canvas {
    final int width;
    final int height;
    final byte[] pixels;

    Canvas(int width, int height) {
      this.width = width;
      this.height = height;
      this.pixels = new byte[width * height];
    }

    void set(int x, int y, int value) {
      if (x >= 0 && y >= 0 && x < width && y < height) {
        pixels[y * width + x] = (byte) value;
      }
    }

    void rect(double x0, double y0, double x1, double y1, int value) {
      for (int y = (int) Math.round(y0); y < Math.round(y1); y++) {
        for (int x = (int) Math.round(x0); x < Math.round(x1); x++) {
          set(x, y, value);
        }
      }
    }

    /** An arc of a ring from angle 0 to {@code sweep}. */
    void ring(double cx, double cy, double r, double thickness, double sweep, int value) {
      for (int y = (int) (cy - r - thickness); y <= cy + r + thickness; y++) {
        for (int x = (int) (cx - r - thickness); x <= cx + r + thickness; x++) {
          double d = Math.hypot(x - cx, y - cy);
          double a = Math.atan2(y - cy, x - cx);
          if (a < 0) {
            a += 2 * Math.PI;
          }
          if (Math.abs(d - r) <= thickness / 2 && a <= sweep) {
            set(x, y, value);
          }
        }
      }
    }

    void fill(int value) {
      java.util.Arrays.fill(pixels, (byte) value);
    }
  }
}

package dev.manimgrpo.reward.visual;

import dev.manimgrpo.core.render.VideoFrames;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Hand-drawn videos for tests that need no renderer: shapes on a black background, in gray
 * ({@code value}) or in colour ({@code rgb}, converted as the render worker does).
 */
final class Synthetic {

  private final int width;
  private final int height;
  private final List<Canvas> frames = new ArrayList<>();

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
    frames.add(c);
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

  /** The frames, luma only. */
  VideoFrames build() {
    return buildColour().lumaOnly();
  }

  /** The frames with their colour (Cb, Cr planes). */
  VideoFrames buildColour() {
    int px = width * height;
    byte[] all = new byte[px * frames.size()];
    byte[] chroma = new byte[2 * px * frames.size()];
    for (int i = 0; i < frames.size(); i++) {
      Canvas c = frames.get(i);
      System.arraycopy(c.pixels, 0, all, i * px, px);
      System.arraycopy(c.cb, 0, chroma, 2 * i * px, px);
      System.arraycopy(c.cr, 0, chroma, (2 * i + 1) * px, px);
    }
    return new VideoFrames(width, height, 5.0, frames.size(), all, chroma);
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
    final byte[] cb;
    final byte[] cr;
    /** The colour that gray values stand for while drawing: null for gray. */
    private int[] ink;

    Canvas(int width, int height) {
      this.width = width;
      this.height = height;
      this.pixels = new byte[width * height];
      this.cb = new byte[width * height];
      this.cr = new byte[width * height];
      java.util.Arrays.fill(cb, (byte) 128);
      java.util.Arrays.fill(cr, (byte) 128);
    }

    /** Y, Cb, Cr of {@code rgb} (0xRRGGBB), BT.601 full range, as the render worker computes them. */
    static int[] ycbcr(int rgb) {
      int r = (rgb >> 16) & 0xff;
      int g = (rgb >> 8) & 0xff;
      int b = rgb & 0xff;
      return new int[] {(int) Math.floor(0.299 * r + 0.587 * g + 0.114 * b + 0.5),
          (int) Math.floor(-0.168736 * r - 0.331264 * g + 0.5 * b + 128.5),
          (int) Math.floor(0.5 * r - 0.418688 * g - 0.081312 * b + 128.5)};
    }

    /** Draws with {@code rgb} whatever {@code draw} draws (its gray values are ignored). */
    Canvas coloured(int rgb, Consumer<Canvas> draw) {
      ink = ycbcr(rgb);
      try {
        draw.accept(this);
      } finally {
        ink = null;
      }
      return this;
    }

    void set(int x, int y, int value) {
      if (x >= 0 && y >= 0 && x < width && y < height) {
        int p = y * width + x;
        if (ink == null) {
          pixels[p] = (byte) value;
          cb[p] = (byte) 128;
          cr[p] = (byte) 128;
        } else {
          pixels[p] = (byte) ink[0];
          cb[p] = (byte) ink[1];
          cr[p] = (byte) ink[2];
        }
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

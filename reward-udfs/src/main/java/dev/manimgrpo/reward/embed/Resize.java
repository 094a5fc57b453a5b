package dev.manimgrpo.reward.embed;

import dev.manimgrpo.core.render.VideoFrames;

/** Grayscale resizing for model inputs. */
final class Resize {

  private Resize() {}

  /** Frame {@code i} resized to {@code w x h}: box average when shrinking, bilinear when growing. */
  static float[] gray(VideoFrames f, int i, int w, int h) {
    int sw = f.width();
    int sh = f.height();
    int off = i * sw * sh;
    byte[] g = f.gray();
    float[] out = new float[w * h];
    double sx = (double) sw / w;
    double sy = (double) sh / h;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (sx >= 1 && sy >= 1) {
          int x0 = (int) Math.floor(x * sx);
          int x1 = Math.max(x0 + 1, (int) Math.floor((x + 1) * sx));
          int y0 = (int) Math.floor(y * sy);
          int y1 = Math.max(y0 + 1, (int) Math.floor((y + 1) * sy));
          long sum = 0;
          for (int yy = y0; yy < Math.min(y1, sh); yy++) {
            for (int xx = x0; xx < Math.min(x1, sw); xx++) {
              sum += g[off + yy * sw + xx] & 0xff;
            }
          }
          out[y * w + x] = (float) sum / ((Math.min(y1, sh) - y0) * (Math.min(x1, sw) - x0));
        } else {
          double fx = Math.max(0, (x + 0.5) * sx - 0.5);
          double fy = Math.max(0, (y + 0.5) * sy - 0.5);
          int x0 = Math.min((int) fx, sw - 1);
          int y0 = Math.min((int) fy, sh - 1);
          int x1 = Math.min(x0 + 1, sw - 1);
          int y1 = Math.min(y0 + 1, sh - 1);
          double ax = fx - x0;
          double ay = fy - y0;
          double top = (g[off + y0 * sw + x0] & 0xff) * (1 - ax) + (g[off + y0 * sw + x1] & 0xff) * ax;
          double bottom = (g[off + y1 * sw + x0] & 0xff) * (1 - ax) + (g[off + y1 * sw + x1] & 0xff) * ax;
          out[y * w + x] = (float) (top * (1 - ay) + bottom * ay);
        }
      }
    }
    return out;
  }
}

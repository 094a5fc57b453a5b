package dev.manimgrpo.reward.embed;

/** Small vector helpers for model outputs. */
final class Vectors {

  private Vectors() {}

  /** Row {@code i} of a model output: {@code float[N][D]}, or the first token of {@code float[N][T][D]}. */
  static float[] row(Object output, int i) {
    if (output instanceof float[][] m) {
      return m[i].clone();
    }
    if (output instanceof float[][][] t) {
      return t[i][0].clone();
    }
    throw new IllegalArgumentException("model output must be float [N, D] or [N, T, D], got " + output.getClass().getSimpleName());
  }

  /** {@code v / |v|}; a zero vector stays zero. */
  static float[] l2normalise(float[] v) {
    double n = 0;
    for (float x : v) {
      n += (double) x * x;
    }
    n = Math.sqrt(n);
    float[] out = new float[v.length];
    if (n > 0) {
      for (int i = 0; i < v.length; i++) {
        out[i] = (float) (v[i] / n);
      }
    }
    return out;
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}

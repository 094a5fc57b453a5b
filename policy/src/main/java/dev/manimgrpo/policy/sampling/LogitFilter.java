package dev.manimgrpo.policy.sampling;

import java.util.Arrays;

/**
 * Pure functions from one row of logits to a sampling distribution. Kept free of ND4J so they can
 * be tested on hand-built arrays; one row is only vocabulary-sized.
 */
public final class LogitFilter {

  private LogitFilter() {}

  /** Numerically stable log-softmax. */
  public static double[] logSoftmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (float l : logits) {
      sum += Math.exp(l - max);
    }
    double lse = max + Math.log(sum);
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = logits[i] - lse;
    }
    return out;
  }

  /**
   * The distribution to sample from: p = softmax(logits / temperature); tokens outside the top-p
   * nucleus of p, or below {@code minP * max(p)}, set to 0; renormalised. Both filters are judged
   * on p itself, so their order does not matter. The most likely token always survives.
   */
  public static double[] probabilities(float[] logits, double temperature, double topP,
      double minP) {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0 to sample; use argmax for 0");
    }
    int n = logits.length;
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l / temperature);
    }
    double[] p = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      p[i] = Math.exp(logits[i] / temperature - max);
      sum += p[i];
    }
    double top = 0;
    for (int i = 0; i < n; i++) {
      p[i] /= sum;
      top = Math.max(top, p[i]);
    }
    if (topP < 1) {
      keepNucleus(p, topP);
    }
    if (minP > 0) {
      double threshold = minP * top;
      for (int i = 0; i < n; i++) {
        if (p[i] < threshold) {
          p[i] = 0;
        }
      }
    }
    double kept = 0;
    for (double q : p) {
      kept += q;
    }
    for (int i = 0; i < n; i++) {
      p[i] /= kept;
    }
    return p;
  }

  /**
   * Zeroes every token less likely than the smallest most-likely set of normalised {@code p} with
   * mass >= {@code topP} (tokens tied with that set's least likely one are kept too). A primitive
   * sort of a copy: this runs for every row at every decoding step.
   */
  private static void keepNucleus(double[] p, double topP) {
    double[] sorted = p.clone();
    Arrays.sort(sorted);
    double cumulative = 0;
    double threshold = sorted[sorted.length - 1];
    for (int i = sorted.length - 1; i >= 0; i--) {
      cumulative += sorted[i];
      threshold = sorted[i];
      if (cumulative >= topP) {
        break;
      }
    }
    for (int i = 0; i < p.length; i++) {
      if (p[i] < threshold) {
        p[i] = 0;
      }
    }
  }

  /** Index of the largest logit (the first, on ties). */
  public static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Draws an index from normalised {@code probabilities} with a uniform draw {@code u in [0,1)}. */
  public static int draw(double[] probabilities, double u) {
    double cumulative = 0;
    int last = -1;
    for (int i = 0; i < probabilities.length; i++) {
      if (probabilities[i] > 0) {
        cumulative += probabilities[i];
        last = i;
        if (u < cumulative) {
          return i;
        }
      }
    }
    return last; // rounding left u just above the total
  }
}

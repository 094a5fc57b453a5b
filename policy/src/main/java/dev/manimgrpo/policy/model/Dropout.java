package dev.manimgrpo.policy.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted-dropout masks (kept entries scaled by 1 / (1 - rate)) drawn from one ND4J generator
 * seeded per forward pass, so a pass is reproducible from its seed. Masks are drawn in a fixed order
 * (layer by layer), and kept for the backward pass.
 */
final class Dropout {

  private final double rate;
  private final Random random;

  private Dropout(double rate, Random random) {
    this.rate = rate;
    this.random = random;
  }

  /** Dropout that never drops (inference, or a rate of 0). */
  static Dropout none() {
    return new Dropout(0.0, null);
  }

  static Dropout of(double rate, long seed) {
    return rate == 0.0 ? none() : new Dropout(rate, Nd4j.getRandomFactory().getNewRandomInstance(seed));
  }

  boolean active() {
    return rate > 0.0;
  }

  /** A scaled keep-mask of the given shape, or null when inactive. */
  INDArray mask(DataType type, long... shape) {
    if (!active()) {
      return null;
    }
    INDArray uniform = Nd4j.rand(random, shape);
    return uniform.gte(rate).castTo(type).muli(1.0 / (1.0 - rate));
  }
}

package dev.manimgrpo.reward.visual;

/** Numeric guards shared by the visual scores. */
final class Scores {

  private Scores() {}

  /** {@code x} clamped to [0, 1]; NaN becomes 0, so a broken part never makes a reward NaN. */
  static double unit(double x) {
    if (!(x > 0)) {
      return 0.0;
    }
    return Math.min(1.0, x);
  }
}

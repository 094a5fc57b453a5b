package dev.manimgrpo.trainer.train;

/**
 * ND4J keeps array data off the Java heap and frees it only when the garbage collector has found
 * the arrays unreachable. A training step makes hundreds of MB of short-lived activations
 * (attention scores alone are B x H x T x T floats per layer) but little heap garbage, so the
 * collector rarely runs and the process grew past 16 GB within 30 steps (measured). A collection
 * after each step (tens of ms against a step of seconds) keeps it at the size of one step.
 */
final class NativeMemory {

  private NativeMemory() {}

  /** Lets ND4J free the step's arrays now. */
  static void releaseStep() {
    System.gc();
  }
}

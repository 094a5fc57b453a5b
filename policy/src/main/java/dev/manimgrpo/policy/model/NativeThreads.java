package dev.manimgrpo.policy.model;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Caps the threads libnd4j uses to split its own (non-BLAS) operations. On a small or shared CPU
 * those threads mostly wait at barriers: on a loaded 2-core machine the unit suite took 2 min with
 * the default (2) and 52 s with 1, and cached sampling went from 27 to 116 tokens/s, while the
 * training step was no slower (its time is in BLAS matrix products, which keep their own threads).
 * {@code OMP_NUM_THREADS=1} in the environment goes further (suite in 9 s) but also reaches
 * OpenMP-built BLAS, so it is left to whoever launches the JVM. A process-wide setting: the
 * trainer's entry point (or a test) decides; the model never calls it itself.
 */
public final class NativeThreads {

  private NativeThreads() {}

  public static void limitOpThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
  }
}

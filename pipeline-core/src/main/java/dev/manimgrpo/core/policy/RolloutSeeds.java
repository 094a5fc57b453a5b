package dev.manimgrpo.core.policy;

import java.nio.charset.StandardCharsets;

/**
 * The seed of one rollout: a function of (base seed, prompt id, step, rollout index) alone, so a
 * completion does not depend on the batch, partition or task attempt it was sampled in.
 * Repartitioning, a retried task and a rerun of a step all sample the same rollouts.
 */
public final class RolloutSeeds {

  private RolloutSeeds() {}

  /** A well-mixed 64-bit seed (SplitMix64 finaliser over the parts; the prompt id by its UTF-8 bytes). */
  public static long seed(long baseSeed, String promptId, int step, int rolloutIndex) {
    long h = mix(baseSeed ^ 0x6A09E667F3BCC908L);
    for (byte b : promptId.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ (b & 0xFF));
    }
    h = mix(h ^ (0x100000000L | promptId.length()));
    h = mix(h ^ ((long) step << 20));
    return mix(h ^ (0xBB67AE8584CAA73BL + rolloutIndex));
  }

  /** The seed that draws a step's prompts (prompt sampling, dynamic sampling's extra rounds). */
  public static long promptDraw(long baseSeed, int step, int round) {
    return mix(mix(baseSeed ^ 0x3C6EF372FE94F82BL) ^ ((long) step << 16) ^ round);
  }

  static long mix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

package dev.manimgrpo.policy.tokenizer;

/**
 * One learned BPE merge: tokens {@code left} and {@code right}, adjacent inside a piece, become one
 * token. The merge at index {@code k} of a tokenizer's list creates token id {@code 256 + k}, so a
 * merge may only name bytes and tokens created by earlier merges.
 */
public record Merge(int left, int right) {

  public Merge {
    if (left < 0 || right < 0) {
      throw new IllegalArgumentException("merge ids must be non-negative: " + left + ", " + right);
    }
  }

  /** The pair as one map key. */
  long key() {
    return key(left, right);
  }

  static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }
}

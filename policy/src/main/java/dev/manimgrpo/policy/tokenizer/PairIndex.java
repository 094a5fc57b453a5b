package dev.manimgrpo.policy.tokenizer;

import java.util.Arrays;

/**
 * Pair of token ids to the id their merge creates: an open-addressing long-to-int map, because the
 * encoder looks pairs up in its inner loop and boxed {@code HashMap<Long, Integer>} keys would
 * allocate there. Built once, read-only afterwards (safe to share between threads).
 */
final class PairIndex {

  private static final long EMPTY = -1L;

  private final long[] keys;
  private final int[] values;
  private final int mask;

  PairIndex(Iterable<Merge> merges, int count) {
    int cap = Integer.highestOneBit(Math.max(4, count * 2 - 1)) << 1;
    keys = new long[cap];
    values = new int[cap];
    mask = cap - 1;
    Arrays.fill(keys, EMPTY);
    int id = BpeTokenizer.BYTE_TOKENS;
    for (Merge m : merges) {
      put(m.key(), id++);
    }
  }

  private void put(long key, int value) {
    int slot = slot(key);
    while (keys[slot] != EMPTY && keys[slot] != key) {
      slot = (slot + 1) & mask;
    }
    keys[slot] = key;
    values[slot] = value;
  }

  /** The merged id, or -1 when the pair is not a merge. */
  int get(int left, int right) {
    long key = Merge.key(left, right);
    int slot = slot(key);
    while (true) {
      long k = keys[slot];
      if (k == key) {
        return values[slot];
      }
      if (k == EMPTY) {
        return -1;
      }
      slot = (slot + 1) & mask;
    }
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32) & mask;
  }
}

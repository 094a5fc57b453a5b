package dev.manimgrpo.policy.hf;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code BPE} model of a {@code tokenizer.json}: a vocabulary (token string to id) and ranked
 * merges, applied to one pre-tokenized word at a time exactly as the tokenizers library does.
 *
 * <p>A word is split into its characters (each a vocabulary entry; with byte-level pre-tokenization
 * every character is one of the 256 byte characters). Then, repeatedly, the adjacent pair with the
 * lowest merge rank is merged, the leftmost first among equal ranks, until no adjacent pair has a
 * merge: a priority queue keyed by (rank, position), entries made stale by an earlier merge skipped,
 * as in the library's {@code Word::merge_all}. With {@code ignore_merges} (Llama 3) a word that is
 * itself in the vocabulary is that one token, whatever the merges would make of it. A character
 * not in the vocabulary becomes {@code unk_token} when there is one (consecutive ones fused with
 * {@code fuse_unk}) and is dropped otherwise, as the library does. Results are cached per word.
 * Immutable and thread-safe.
 */
final class HfBpe {

  /** Words longer than this are merged every time instead of filling the cache (the library's MAX_LENGTH). */
  private static final int CACHE_MAX_WORD_CHARS = 256;
  private static final int CACHE_MAX_ENTRIES = 100_000;

  private final Map<String, Integer> vocab;
  /** (left id, right id) packed in a long: {rank, merged id}. */
  private final Map<Long, int[]> merges;
  private final boolean ignoreMerges;
  private final int unkId;
  private final boolean fuseUnk;
  private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

  /**
   * @param merges pairs of token strings, rank = index; a repeated pair keeps its last rank, as in
   *               the library
   * @param unkId  id of {@code unk_token}, or -1 for none
   */
  HfBpe(Map<String, Integer> vocab, String[][] merges, boolean ignoreMerges, int unkId, boolean fuseUnk) {
    this.vocab = Map.copyOf(vocab);
    this.ignoreMerges = ignoreMerges;
    this.unkId = unkId;
    this.fuseUnk = fuseUnk;
    Map<Long, int[]> m = new HashMap<>(merges.length * 2);
    for (int rank = 0; rank < merges.length; rank++) {
      String a = merges[rank][0];
      String b = merges[rank][1];
      int merged = id(a + b, rank, "the merged token");
      m.put(pair(id(a, rank, "its left token"), id(b, rank, "its right token")), new int[] {rank, merged});
    }
    this.merges = m;
  }

  private int id(String token, int rank, String what) {
    Integer id = vocab.get(token);
    if (id == null) {
      throw new IllegalArgumentException("merge " + rank + ": " + what + " \"" + token + "\" is not in the vocabulary");
    }
    return id;
  }

  private static long pair(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  Map<String, Integer> vocab() {
    return vocab;
  }

  int mergeCount() {
    return merges.size();
  }

  /** The ids of one pre-tokenized word (byte-level characters); empty for the empty word. */
  int[] tokenize(String word) {
    if (word.isEmpty()) {
      return new int[0];
    }
    if (ignoreMerges) {
      Integer whole = vocab.get(word);
      if (whole != null) {
        return new int[] {whole};
      }
    }
    if (word.length() > CACHE_MAX_WORD_CHARS) {
      return merge(word);
    }
    int[] hit = cache.get(word);
    if (hit != null) {
      return hit;
    }
    int[] ids = merge(word);
    if (cache.size() >= CACHE_MAX_ENTRIES) {
      cache.clear(); // crude bound; frequent words come back at once
    }
    cache.put(word, ids);
    return ids;
  }

  private int[] merge(String word) {
    int n = word.length();
    int[] sym = new int[n];
    int count = 0;
    boolean pendingUnk = false;
    for (int i = 0; i < n; ) {
      int cp = word.codePointAt(i);
      int len = Character.charCount(cp);
      Integer id = vocab.get(word.substring(i, i + len));
      i += len;
      if (id != null) {
        if (pendingUnk) {
          sym[count++] = unkId;
          pendingUnk = false;
        }
        sym[count++] = id;
      } else if (unkId >= 0) {
        if (pendingUnk && !fuseUnk) {
          sym[count++] = unkId;
        }
        pendingUnk = true;
      }
    }
    if (pendingUnk) {
      sym[count++] = unkId;
    }
    return mergeAll(sym, count);
  }

  /** The library's merge loop on {@code sym[0, n)}: linked symbols and a queue of (rank, pos, new id). */
  private int[] mergeAll(int[] sym, int n) {
    int[] prev = new int[n];
    int[] next = new int[n];
    boolean[] gone = new boolean[n];
    for (int k = 0; k < n; k++) {
      prev[k] = k - 1;
      next[k] = k + 1 < n ? k + 1 : -1;
    }
    MergeQueue queue = new MergeQueue(Math.max(4, n));
    for (int k = 0; k + 1 < n; k++) {
      int[] m = merges.get(pair(sym[k], sym[k + 1]));
      if (m != null) {
        queue.push(m[0], k, m[1]);
      }
    }
    while (queue.size() > 0) {
      int pos = queue.topPos();
      int newId = queue.topNewId();
      queue.pop();
      if (gone[pos] || next[pos] < 0) {
        continue;
      }
      int right = next[pos];
      int[] current = merges.get(pair(sym[pos], sym[right]));
      if (current == null || current[1] != newId) {
        continue; // stale: the pair at pos changed since this entry was queued
      }
      sym[pos] = newId;
      gone[right] = true;
      next[pos] = next[right];
      if (next[right] >= 0) {
        prev[next[right]] = pos;
      }
      if (prev[pos] >= 0) {
        int[] m = merges.get(pair(sym[prev[pos]], sym[pos]));
        if (m != null) {
          queue.push(m[0], prev[pos], m[1]);
        }
      }
      if (next[pos] >= 0) {
        int[] m = merges.get(pair(sym[pos], sym[next[pos]]));
        if (m != null) {
          queue.push(m[0], pos, m[1]);
        }
      }
    }
    int[] out = new int[n];
    int w = 0;
    for (int k = n > 0 ? 0 : -1; k >= 0; k = next[k]) {
      out[w++] = sym[k];
    }
    return w == n ? out : Arrays.copyOf(out, w);
  }

  /** A binary min-heap of (rank, pos, new id), ordered by rank, then pos. */
  private static final class MergeQueue {
    private int[] rank;
    private int[] pos;
    private int[] newId;
    private int size;

    MergeQueue(int capacity) {
      rank = new int[capacity];
      pos = new int[capacity];
      newId = new int[capacity];
    }

    int size() {
      return size;
    }

    int topPos() {
      return pos[0];
    }

    int topNewId() {
      return newId[0];
    }

    void push(int r, int p, int id) {
      if (size == rank.length) {
        rank = Arrays.copyOf(rank, size * 2);
        pos = Arrays.copyOf(pos, size * 2);
        newId = Arrays.copyOf(newId, size * 2);
      }
      int k = size++;
      while (k > 0) {
        int parent = (k - 1) >>> 1;
        if (!less(r, p, rank[parent], pos[parent])) {
          break;
        }
        set(k, rank[parent], pos[parent], newId[parent]);
        k = parent;
      }
      set(k, r, p, id);
    }

    void pop() {
      size--;
      if (size == 0) {
        return;
      }
      int r = rank[size];
      int p = pos[size];
      int id = newId[size];
      int k = 0;
      while (true) {
        int child = 2 * k + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && less(rank[child + 1], pos[child + 1], rank[child], pos[child])) {
          child++;
        }
        if (!less(rank[child], pos[child], r, p)) {
          break;
        }
        set(k, rank[child], pos[child], newId[child]);
        k = child;
      }
      set(k, r, p, id);
    }

    private static boolean less(int r1, int p1, int r2, int p2) {
      return r1 < r2 || (r1 == r2 && p1 < p2);
    }

    private void set(int k, int r, int p, int id) {
      rank[k] = r;
      pos[k] = p;
      newId[k] = id;
    }
  }
}

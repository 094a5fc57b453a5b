package dev.manimgrpo.policy.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Learns BPE merges from a corpus.
 *
 * <p>The corpus is cut into pieces by {@link PythonPreTokenizer} (or the rules given); equal pieces are counted once
 * with their frequency. Each step merges the most frequent adjacent pair (counted with piece
 * frequency); ties go to the smaller left id, then the smaller right id, so the result depends only
 * on the corpus and the options. Pair counts are kept up to date incrementally: a step only
 * revisits the pieces that contain the merged pair (found through a pair-to-pieces index), and a
 * max-heap with lazy deletion finds the next pair.
 *
 * <p>Training stops at the target vocabulary size or when no pair occurs at least
 * {@code minPairCount} times (merges seen once only memorise the corpus), whichever comes first;
 * on a small corpus the vocabulary can thus end below the target (read {@link BpeTokenizer#vocabSize()}).
 */
public final class BpeTrainer {

  private final int vocabSize;
  private final List<String> specials;
  private final int minPairCount;

  /** Target size including the 256 bytes and the default specials; pairs must occur twice. */
  public BpeTrainer(int vocabSize) {
    this(vocabSize, BpeTokenizer.DEFAULT_SPECIALS, 2);
  }

  /**
   * @param vocabSize largest vocabulary wanted, counting bytes, merges and specials
   * @param specials special tokens (must include bos, eos, pad)
   * @param minPairCount least weighted count a pair needs to be merged (at least 1)
   */
  public BpeTrainer(int vocabSize, List<String> specials, int minPairCount) {
    if (vocabSize < BpeTokenizer.BYTE_TOKENS + specials.size()) {
      throw new IllegalArgumentException("vocabSize " + vocabSize + " is below 256 bytes + " + specials.size() + " specials");
    }
    if (minPairCount < 1) {
      throw new IllegalArgumentException("minPairCount must be at least 1, got " + minPairCount);
    }
    this.vocabSize = vocabSize;
    this.specials = List.copyOf(specials);
    this.minPairCount = minPairCount;
  }

  public BpeTokenizer train(Collection<String> texts) {
    return new BpeTokenizer(learnMerges(texts), specials);
  }

  /** The merges alone, in the order learned. */
  public List<Merge> learnMerges(Collection<String> texts) {
    return learnMerges(texts, PythonPreTokenizer::split);
  }

  /**
   * The merges learned within the pieces {@code preTokenizer} cuts each text into (a Hugging Face
   * tokenizer's split rules, for one written as {@code tokenizer.json}).
   */
  public List<Merge> learnMerges(Collection<String> texts, Function<String, List<String>> preTokenizer) {
    // Sorted so that piece indices (and thus everything after) do not depend on hash order.
    Map<String, Long> pieceCounts = new TreeMap<>();
    for (String t : texts) {
      for (String p : preTokenizer.apply(t)) {
        pieceCounts.merge(p, 1L, Long::sum);
      }
    }
    return new Run(pieceCounts).learn(vocabSize - BpeTokenizer.BYTE_TOKENS - specials.size());
  }

  /** The mutable state of one training run. */
  private final class Run {
    private final int[][] words;
    private final int[] lengths;
    private final long[] weights;
    private final Map<Long, PairStat> stats = new HashMap<>();
    private final PriorityQueue<Candidate> heap = new PriorityQueue<>();
    private final int[] visited;
    private int stamp;

    Run(Map<String, Long> pieceCounts) {
      int n = pieceCounts.size();
      words = new int[n][];
      lengths = new int[n];
      weights = new long[n];
      visited = new int[n];
      int w = 0;
      for (Map.Entry<String, Long> e : pieceCounts.entrySet()) {
        byte[] b = Utf8Codec.encode(e.getKey());
        int[] sym = new int[b.length];
        for (int k = 0; k < b.length; k++) {
          sym[k] = b[k] & 0xFF;
        }
        words[w] = sym;
        lengths[w] = sym.length;
        weights[w] = e.getValue();
        w++;
      }
      for (w = 0; w < n; w++) {
        for (int k = 0; k + 1 < lengths[w]; k++) {
          PairStat s = stats.computeIfAbsent(Merge.key(words[w][k], words[w][k + 1]), x -> new PairStat());
          s.count += weights[w];
          s.addWord(w);
        }
      }
      for (Map.Entry<Long, PairStat> e : stats.entrySet()) {
        heap.add(new Candidate(e.getValue().count, e.getKey()));
      }
    }

    List<Merge> learn(int maxMerges) {
      List<Merge> merges = new ArrayList<>(Math.max(0, maxMerges));
      while (merges.size() < maxMerges && !heap.isEmpty()) {
        Candidate c = heap.poll();
        PairStat s = stats.get(c.key);
        if (s == null || s.count != c.count) {
          continue; // stale entry: the pair's count changed after this was queued
        }
        if (s.count < minPairCount) {
          break;
        }
        int left = (int) (c.key >>> 32);
        int right = (int) c.key;
        int merged = BpeTokenizer.BYTE_TOKENS + merges.size();
        merges.add(new Merge(left, right));
        apply(s, left, right, merged);
      }
      return merges;
    }

    /** Merges (left, right) in every piece containing it and updates the pair counts. */
    private void apply(PairStat target, int left, int right, int merged) {
      stamp++;
      Map<Long, PairStat> touched = new HashMap<>();
      int[] list = target.words;
      int listSize = target.size;
      for (int i = 0; i < listSize; i++) {
        int w = list[i];
        if (visited[w] == stamp) {
          continue;
        }
        visited[w] = stamp;
        int[] sym = words[w];
        int n = lengths[w];
        if (!contains(sym, n, left, right)) {
          continue; // the index keeps pieces that lost the pair; skipping them is cheaper than pruning
        }
        long weight = weights[w];
        for (int k = 0; k + 1 < n; k++) {
          bump(Merge.key(sym[k], sym[k + 1]), -weight, touched);
        }
        n = BpeTokenizer.replacePair(sym, n, left, right, merged);
        lengths[w] = n;
        for (int k = 0; k + 1 < n; k++) {
          long key = Merge.key(sym[k], sym[k + 1]);
          PairStat s = bump(key, weight, touched);
          if (sym[k] == merged || sym[k + 1] == merged) {
            s.addWord(w); // only pairs with the new token are new to this piece
          }
        }
      }
      for (Map.Entry<Long, PairStat> e : touched.entrySet()) {
        PairStat s = e.getValue();
        if (s.count <= 0) {
          stats.remove(e.getKey());
        } else {
          heap.add(new Candidate(s.count, e.getKey()));
        }
      }
      stats.remove(Merge.key(left, right));
    }

    private PairStat bump(long key, long delta, Map<Long, PairStat> touched) {
      PairStat s = stats.computeIfAbsent(key, x -> new PairStat());
      s.count += delta;
      touched.put(key, s);
      return s;
    }

    private boolean contains(int[] sym, int n, int left, int right) {
      for (int k = 0; k + 1 < n; k++) {
        if (sym[k] == left && sym[k + 1] == right) {
          return true;
        }
      }
      return false;
    }
  }

  /** Weighted count of one pair and the pieces that may contain it. */
  private static final class PairStat {
    long count;
    int[] words = new int[2];
    int size;

    void addWord(int w) {
      if (size > 0 && words[size - 1] == w) {
        return; // a piece is indexed in order, so a repeat is always the last entry
      }
      if (size == words.length) {
        words = Arrays.copyOf(words, size * 2);
      }
      words[size++] = w;
    }
  }

  /** Heap entry: highest count first, then smaller left id, then smaller right id. */
  private record Candidate(long count, long key) implements Comparable<Candidate> {
    @Override
    public int compareTo(Candidate o) {
      if (count != o.count) {
        return Long.compare(o.count, count);
      }
      return Long.compare(key, o.key); // ids are non-negative, so this orders by (left, right)
    }
  }
}

package dev.manimgrpo.reward.code;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two n-gram parts of CodeBLEU for one candidate against one reference, ported from the official
 * {@code bleu.py} and {@code weighted_ngram_match.py} (NLTK-derived) of CodeBLEU:
 *
 * <ul>
 *   <li><b>BLEU</b> ({@link #bleu}): BLEU-4 with uniform weights 0.25; modified (clipped) n-gram
 *       <em>precision</em> {@code p_n = sum_g min(c_g, r_g) / max(1, |cand n-grams|)}; if {@code p_1} has no
 *       match the score is 0; otherwise Chen and Cherry's smoothing method 1 (an order with 0 matches
 *       counts {@code 0.1 / denominator}); brevity penalty {@code BP = 1} if {@code c > r}, {@code 0} if
 *       {@code c = 0}, else {@code exp(1 - r/c)}; {@code BLEU = BP * exp(sum_n 0.25 ln p_n)}.</li>
 *   <li><b>weighted n-gram match</b> ({@link #weightedNgram}): the same formula, but with clipped n-gram
 *       <em>recall</em> against the reference {@code sum_g min(r_g, c_g) / max(1, sum_g r_g)}, and for
 *       unigrams each reference token weighted 1.0 if it is a Python keyword, else 0.2. As in the official
 *       code, orders 2..4 are unweighted recall (the paper's description weights unigrams only; the code
 *       combines weighted unigram recall with plain 2..4-gram recall and smoothing), and its brevity
 *       penalty is computed against a reference length of 2 ({@link #WEIGHTED_REFERENCE_LENGTH}), a quirk
 *       of the official code reproduced here.</li>
 * </ul>
 *
 * The reference side is prepared once ({@link Reference}) and reused for every candidate.
 */
public final class NgramMatch {

  /** BLEU-4. */
  public static final int MAX_ORDER = 4;
  /** Chen and Cherry (2014) smoothing method 1, as NLTK's {@code SmoothingFunction().method1}. */
  public static final double SMOOTHING_EPSILON = 0.1;
  /**
   * The reference length the official weighted n-gram match uses for its brevity penalty: it passes
   * {@code [tokens, weights]} pairs to {@code closest_ref_length}, whose {@code len(reference)} is then 2.
   * So the weighted part has no brevity penalty for candidates of 3 or more tokens ({@code exp(-1)} for one
   * token). Kept for fidelity to published CodeBLEU numbers; the part is a recall, which already punishes
   * short candidates.
   */
  public static final int WEIGHTED_REFERENCE_LENGTH = 2;

  /** Unigram weight of a keyword and of any other token in the weighted n-gram match. */
  public static final double KEYWORD_WEIGHT = 1.0;
  public static final double OTHER_WEIGHT = 0.2;

  private NgramMatch() {}

  /** Reference tokens with their n-gram counts, vocabulary and unigram weights. Immutable and thread-safe. */
  public static final class Reference implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final int length;
    final Map<String, Integer> vocabulary;
    /** counts[n-1]: n-gram -> count in the reference. */
    final Map<Gram, Integer>[] counts;
    /** Weight of each vocabulary id for the weighted unigram recall. */
    final double[] weight;
    /** max(1, sum of weighted unigram counts). */
    final double weightedUnigramDenominator;

    @SuppressWarnings("unchecked")
    Reference(List<String> tokens, Set<String> keywords) {
      length = tokens.size();
      vocabulary = new HashMap<>();
      int[] ids = new int[length];
      for (int i = 0; i < length; i++) {
        Integer id = vocabulary.get(tokens.get(i));
        if (id == null) {
          id = vocabulary.size();
          vocabulary.put(tokens.get(i), id);
        }
        ids[i] = id;
      }
      weight = new double[vocabulary.size()];
      for (Map.Entry<String, Integer> e : vocabulary.entrySet()) {
        weight[e.getValue()] = keywords.contains(e.getKey()) ? KEYWORD_WEIGHT : OTHER_WEIGHT;
      }
      counts = new Map[MAX_ORDER];
      for (int n = 1; n <= MAX_ORDER; n++) {
        counts[n - 1] = countGrams(ids, n);
      }
      double w = 0;
      for (Map.Entry<Gram, Integer> e : counts[0].entrySet()) {
        w += e.getValue() * weight[e.getKey().ids[0]];
      }
      weightedUnigramDenominator = Math.max(1.0, w);
    }

    public int length() {
      return length;
    }
  }

  /** Prepares a reference from its tokens; {@code keywords} get unigram weight 1.0, others 0.2. */
  public static Reference prepare(List<String> referenceTokens, Set<String> keywords) {
    return new Reference(referenceTokens, keywords);
  }

  /** Candidate n-gram counts restricted to n-grams made only of reference tokens (others never match). */
  static final class Candidate {
    final int length;
    final Map<Gram, Integer>[] counts;

    @SuppressWarnings("unchecked")
    Candidate(Reference ref, List<String> tokens) {
      length = tokens.size();
      int[] ids = new int[length];
      for (int i = 0; i < length; i++) {
        ids[i] = ref.vocabulary.getOrDefault(tokens.get(i), -1);
      }
      counts = new Map[MAX_ORDER];
      for (int n = 1; n <= MAX_ORDER; n++) {
        counts[n - 1] = countGrams(ids, n);
      }
    }
  }

  static Candidate candidate(Reference ref, List<String> candidateTokens) {
    return new Candidate(ref, candidateTokens);
  }

  /** Sentence BLEU-4 as CodeBLEU's {@code bleu.corpus_bleu([[ref]], [cand])}. */
  public static double bleu(Reference ref, List<String> candidateTokens) {
    return bleu(ref, candidate(ref, candidateTokens));
  }

  static double bleu(Reference ref, Candidate cand) {
    double[] num = new double[MAX_ORDER];
    double[] den = new double[MAX_ORDER];
    for (int n = 1; n <= MAX_ORDER; n++) {
      Map<Gram, Integer> refCounts = ref.counts[n - 1];
      long matched = 0;
      for (Map.Entry<Gram, Integer> e : cand.counts[n - 1].entrySet()) {
        Integer r = refCounts.get(e.getKey());
        if (r != null) {
          matched += Math.min(e.getValue(), r);
        }
      }
      num[n - 1] = matched;
      den[n - 1] = Math.max(1, cand.length - n + 1);
    }
    return combine(num, den, ref.length, cand.length);
  }

  /** CodeBLEU's weighted n-gram match, {@code weighted_ngram_match.corpus_bleu([[[ref, weights]]], [cand])}. */
  public static double weightedNgram(Reference ref, List<String> candidateTokens) {
    return weightedNgram(ref, candidate(ref, candidateTokens));
  }

  static double weightedNgram(Reference ref, Candidate cand) {
    double[] num = new double[MAX_ORDER];
    double[] den = new double[MAX_ORDER];
    for (int n = 1; n <= MAX_ORDER; n++) {
      Map<Gram, Integer> candCounts = cand.counts[n - 1];
      double matched = 0;
      for (Map.Entry<Gram, Integer> e : ref.counts[n - 1].entrySet()) {
        Integer c = candCounts.get(e.getKey());
        if (c != null) {
          int clipped = Math.min(e.getValue(), c);
          matched += n == 1 ? clipped * ref.weight[e.getKey().ids[0]] : clipped;
        }
      }
      num[n - 1] = matched;
      den[n - 1] = n == 1 ? ref.weightedUnigramDenominator : Math.max(1, ref.length - n + 1);
    }
    return combine(num, den, WEIGHTED_REFERENCE_LENGTH, cand.length);
  }

  /** No unigram match gives 0; otherwise method-1 smoothing, geometric mean with weights 1/4, brevity penalty. */
  private static double combine(double[] num, double[] den, int refLength, int candLength) {
    if (num[0] == 0) {
      return 0.0;
    }
    double logSum = 0;
    for (int i = 0; i < MAX_ORDER; i++) {
      double p = num[i] == 0 ? SMOOTHING_EPSILON / den[i] : num[i] / den[i];
      logSum += Math.log(p) / MAX_ORDER;
    }
    double score = brevityPenalty(refLength, candLength) * Math.exp(logSum);
    return Double.isFinite(score) ? Math.max(0.0, Math.min(1.0, score)) : 0.0;
  }

  /** NLTK's brevity penalty: 1 if c > r; 0 if c = 0; else exp(1 - r / c). */
  public static double brevityPenalty(int refLength, int candLength) {
    if (candLength > refLength) {
      return 1.0;
    }
    if (candLength == 0) {
      return 0.0;
    }
    return Math.exp(1.0 - (double) refLength / candLength);
  }

  private static Map<Gram, Integer> countGrams(int[] ids, int n) {
    Map<Gram, Integer> m = new HashMap<>();
    outer:
    for (int i = 0; i + n <= ids.length; i++) {
      for (int k = i; k < i + n; k++) {
        if (ids[k] < 0) {
          continue outer;
        }
      }
      m.merge(new Gram(Arrays.copyOfRange(ids, i, i + n)), 1, Integer::sum);
    }
    return m;
  }

  /** An n-gram of vocabulary ids. */
  static final class Gram implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final int[] ids;
    private final int hash;

    Gram(int[] ids) {
      this.ids = ids;
      this.hash = Arrays.hashCode(ids);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Gram g && g.hash == hash && Arrays.equals(g.ids, ids);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}

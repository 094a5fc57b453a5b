package dev.manimgrpo.core.agent.docs;

import java.util.List;

/**
 * How close a real name is to a name that does not exist, in [0, 1]; 1 for the same name up to case
 * and underscores.
 *
 * <p>Why a formula of its own rather than Lucene's score: Lucene finds the candidates, but its scores
 * for a fuzzy, an n-gram and a sub-word clause are not on one scale, and the two mistakes models make
 * need different measures. A typo ({@code Cirlce}, {@code Sqaure}) is a small edit of the whole name;
 * an invented name ({@code FadeInFromLeft}, {@code MathText}) keeps the real name's sub-words and adds
 * or bends some. So
 *
 * <pre>
 *   score(q, c) = (whole(q, c) + words(q, c)) / 2
 *   whole(q, c) = 1 - osa(n(q), n(c)) / max(|n(q)|, |n(c)|)     n = lower case without underscores
 *   words(q, c) = (sum_{w in Q} best(w, C) + sum_{v in C} best(v, Q)) / (|Q| + |C|)
 *   best(w, S)  = max_{s in S} sim(w, s),  sim(w, s) = 1 - osa(w, s) / max(|w|, |s|), or 0 below 0.6
 * </pre>
 *
 * where Q and C are the sub-words ({@link IdentifierWords#split}) and osa is the optimal string
 * alignment distance (Levenshtein with adjacent transpositions, so {@code Cirlce} is one edit from
 * {@code Circle}). The 0.6 floor keeps unrelated short words from counting ({@code in} vs {@code it}
 * is 0.5) while {@code colour}/{@code color} (0.83) and {@code axis}/{@code axes} (0.75) count.
 */
final class NameSimilarity {

  /** Below this a sub-word pair counts as unrelated. */
  static final double MIN_WORD_SIMILARITY = 0.6;

  private NameSimilarity() {}

  /** {@code score(query, candidate)} of the class comment. */
  static double score(String query, String candidate) {
    return (whole(query, candidate) + words(IdentifierWords.split(query), IdentifierWords.split(candidate))) / 2;
  }

  static double whole(String query, String candidate) {
    return similarity(IdentifierWords.normalise(query), IdentifierWords.normalise(candidate));
  }

  static double words(List<String> q, List<String> c) {
    if (q.isEmpty() || c.isEmpty()) {
      return 0; // a name without sub-words (punctuation only) matches nothing
    }
    double sum = 0;
    for (String w : q) {
      sum += best(w, c);
    }
    for (String v : c) {
      sum += best(v, q);
    }
    return sum / (q.size() + c.size());
  }

  private static double best(String w, List<String> others) {
    double best = 0;
    for (String s : others) {
      double sim = similarity(w, s);
      if (sim >= MIN_WORD_SIMILARITY && sim > best) {
        best = sim;
      }
    }
    return best;
  }

  /** 1 - osa(a, b) / max(|a|, |b|); 1 for two empty strings. */
  static double similarity(String a, String b) {
    int len = Math.max(a.length(), b.length());
    return len == 0 ? 1 : 1 - (double) osa(a, b) / len;
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
  static int osa(String a, String b) {
    int n = a.length();
    int m = b.length();
    int[][] d = new int[n + 1][m + 1];
    for (int i = 0; i <= n; i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= m; j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= n; i++) {
      for (int j = 1; j <= m; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[n][m];
  }
}

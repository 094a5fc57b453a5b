package dev.manimgrpo.core.agent.docs;

import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * The Lucene query that finds the candidate real names for a name that may not exist; {@link NameSimilarity}
 * then ranks them.
 *
 * <p>Why several clauses: each catches one way a model gets a name wrong. A fuzzy match of the whole
 * folded name (one edit, a transposition counted as one) catches typos ({@code Cirlce}, {@code Sqaure},
 * {@code set_colour}); two edits would cost a few milliseconds more per call to build the automaton, and
 * the trigrams find such names anyway ({@code ThreDAxs}, {@code Cirlcee}). A real name that starts the
 * query catches added qualifiers ({@code FadeInFromLeft} starts with {@code fadein}); a real name the
 * query starts catches truncation; sub-words, exact or one edit away, catch re-spelt parts
 * ({@code ThreeDAxis}); shared trigrams catch what is left. Only recall matters here: the order comes
 * from {@link NameSimilarity}. On manim 0.21's 1,639 entries the best name by {@link NameSimilarity}
 * over all entries was always among the candidates, for the typos and inventions we tried.
 */
final class NameQuery {

  /** Longer names are cut: the clause count stays far below Lucene's limit of 1024. */
  static final int MAX_NAME_CHARS = 40;
  static final int MAX_WORDS = 10;
  private static final int MIN_PREFIX = 3;
  private static final int WORD_FUZZY_MIN_LENGTH = 4;
  private static final int WORD_FUZZY_EXPANSIONS = 10;

  private NameQuery() {}

  /** The candidate query for {@code name}, or null when the name has no letters or digits. */
  static Query of(String name) {
    String key = IdentifierWords.normalise(name);
    if (key.isEmpty()) {
      return null;
    }
    if (key.length() > MAX_NAME_CHARS) {
      key = key.substring(0, MAX_NAME_CHARS);
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(new FuzzyQuery(new Term(ApiIndexSchema.NAME_KEY, key), 1, 0, FuzzyQuery.defaultMaxExpansions, true),
        Occur.SHOULD);
    for (int len = MIN_PREFIX; len < key.length(); len++) {
      b.add(new TermQuery(new Term(ApiIndexSchema.NAME_KEY, key.substring(0, len))), Occur.SHOULD);
    }
    if (key.length() >= MIN_PREFIX) {
      b.add(new PrefixQuery(new Term(ApiIndexSchema.NAME_KEY, key)), Occur.SHOULD);
    }
    Set<String> words = new LinkedHashSet<>(IdentifierWords.split(name));
    words.stream().limit(MAX_WORDS).forEach(w -> {
      b.add(new TermQuery(new Term(ApiIndexSchema.NAME_WORDS, w)), Occur.SHOULD);
      if (w.length() >= WORD_FUZZY_MIN_LENGTH) {
        b.add(new FuzzyQuery(new Term(ApiIndexSchema.NAME_WORDS, w), 1, 0, WORD_FUZZY_EXPANSIONS, true), Occur.SHOULD);
      }
    });
    for (String g : ApiIndexSchema.trigrams(key)) {
      b.add(new TermQuery(new Term(ApiIndexSchema.NAME_GRAMS, g)), Occur.SHOULD);
    }
    return b.build();
  }

  /** The part after the last dot: {@code Axes.get_graph} is looked up as {@code get_graph}. */
  static String lastSegment(String name) {
    String n = name.strip();
    int dot = n.lastIndexOf('.');
    return dot >= 0 ? n.substring(dot + 1) : n;
  }
}

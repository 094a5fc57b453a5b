package dev.manimgrpo.core.agent.docs;

import dev.manimgrpo.core.agent.ApiDoc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * The BM25 query for the concepts of a task description ("a blue circle grows, then a graph of sin x is
 * drawn on axes"), and the name coverage its hits are re-scored by.
 *
 * <p>Why these weights: a word of the description that is a word of an API name ({@code circle},
 * {@code grow}, {@code axe}s) is the strongest sign the entry is wanted, so the name field counts
 * {@value #NAME_BOOST} times; the docstring counts once; the class that owns a method and the parameter
 * names count half, as they mostly repeat common words ({@code color}, {@code mobject}). A name that
 * {@link ConceptVocabulary} gives for a word counts {@value #ALIAS_BOOST}, about what a name word does.
 * Single letters and numbers ("sin x", "e^{i pi} + 1 = 0") are dropped: they match every signature.
 * Constants are left out: they are colours, directions and numbers the model already knows, and as
 * one-word names they would crowd out the classes a description is about.
 */
final class ConceptQuery {

  static final float NAME_BOOST = 3f;
  static final float DOC_BOOST = 1f;
  static final float OWNER_BOOST = 0.5f;
  static final float SIGNATURE_BOOST = 0.5f;
  static final float ALIAS_BOOST = 5f;
  /** Four clauses a term: Lucene's limit of 1024 clauses leaves room for this many distinct terms. */
  static final int MAX_TERMS = 200;

  /**
   * The search terms of one description.
   *
   * @param words the stemmed words, as the concept fields hold them
   * @param aliases the names {@link ConceptVocabulary} adds, as written
   */
  record Terms(Set<String> words, Set<String> aliases) {
    boolean isEmpty() {
      return words.isEmpty() && aliases.isEmpty();
    }
  }

  private final Analyzer analyzer;
  /** Stemmed description word -> API names, from {@link ConceptVocabulary#ALIASES}. */
  private final Map<String, Set<String>> aliases = new HashMap<>();

  /** @param analyzer the index's analyzer: its doc field stems as the concept fields were stemmed */
  ConceptQuery(Analyzer analyzer) {
    this.analyzer = analyzer;
    ConceptVocabulary.ALIASES.forEach((word, names) -> {
      for (String stem : stems(word)) {
        aliases.computeIfAbsent(stem, s -> new LinkedHashSet<>()).addAll(names);
      }
    });
  }

  /** The search terms of {@code description}, at most {@value #MAX_TERMS} words. */
  Terms terms(String description) {
    Set<String> words = new LinkedHashSet<>();
    Set<String> names = new LinkedHashSet<>();
    for (String word : IdentifierWords.wordsOfText(description).toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (word.length() < 2 || word.chars().allMatch(Character::isDigit) || ConceptVocabulary.STOP_WORDS.contains(word)) {
        continue;
      }
      for (String t : stems(word)) {
        if (words.size() < MAX_TERMS) {
          words.add(t);
        }
        names.addAll(aliases.getOrDefault(t, Set.of()));
      }
    }
    return new Terms(words, names);
  }

  /** The query for {@code terms}, or null when there are none (empty, or stop words only). */
  Query query(Terms terms) {
    if (terms.isEmpty()) {
      return null;
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (String t : terms.words()) {
      b.add(boosted(ApiIndexSchema.CONCEPT_NAME, t, NAME_BOOST), Occur.SHOULD);
      b.add(boosted(ApiIndexSchema.DOC, t, DOC_BOOST), Occur.SHOULD);
      b.add(boosted(ApiIndexSchema.CONCEPT_OWNER, t, OWNER_BOOST), Occur.SHOULD);
      b.add(boosted(ApiIndexSchema.SIGNATURE, t, SIGNATURE_BOOST), Occur.SHOULD);
    }
    for (String name : terms.aliases()) {
      b.add(boosted(ApiIndexSchema.NAME, name, ALIAS_BOOST), Occur.SHOULD);
    }
    b.add(new TermQuery(new Term(ApiIndexSchema.KIND, "constant")), Occur.MUST_NOT);
    return b.build();
  }

  /**
   * The share of the entry's name words among the search words, 1 for a name the vocabulary gave: 1 for
   * {@code Circle} when the description says circle, 1/3 for {@code plot_derivative_graph} when it says
   * graph, 0 for a docstring-only match.
   */
  double nameCoverage(ApiDoc entry, Terms terms) {
    if (terms.aliases().contains(entry.name())) {
      return 1;
    }
    Set<String> words = stems(String.join(" ", IdentifierWords.split(entry.name())));
    if (words.isEmpty()) {
      return 0;
    }
    return (double) words.stream().filter(terms.words()::contains).count() / words.size();
  }

  private static Query boosted(String field, String term, float boost) {
    return new BoostQuery(new TermQuery(new Term(field, term)), boost);
  }

  /** The distinct terms of {@code text} as the English analyzer of the doc field makes them. */
  private Set<String> stems(String text) {
    Set<String> terms = new LinkedHashSet<>();
    try (TokenStream ts = analyzer.tokenStream(ApiIndexSchema.DOC, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        terms.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot analyse a task description", e); // a StringReader does not fail
    }
    return terms;
  }
}

package dev.manimgrpo.core.agent.docs;

import dev.manimgrpo.core.agent.ApiDoc;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.Directory;

/**
 * The fields of the API index, their analyzers, and the writing of one document per {@link ApiDoc}.
 *
 * <p>Why in one place: the name suggestions and the concept search query fields by name and must analyse
 * their input exactly as the fields were analysed when written; an index on disk written with other
 * fields is told apart by {@link #FORMAT}, which is part of its folder name. Name fields hold the
 * identifier's parts as written (no stemming: {@code colour} must stay near {@code color}); concept
 * fields go through the English analyzer, so "grows" meets {@code GrowFromCenter}.
 */
final class ApiIndexSchema {

  /** Changes whenever a field or an analyzer changes, so an old index on disk is not reused. */
  static final String FORMAT = "manim-api-index-1";

  /** Position of the entry in the entry list (stored only). */
  static final String ORDINAL = "ordinal";
  /** class, function, method, property or constant (one term). */
  static final String KIND = "kind";
  /** The bare name as written (one term, case-sensitive): the names {@link ConceptVocabulary} gives. */
  static final String NAME = "name";
  /** The bare name folded by {@link IdentifierWords#normalise} (one term): fuzzy and prefix matches. */
  static final String NAME_KEY = "name_key";
  /** The bare name's sub-words, lower case, unstemmed. */
  static final String NAME_WORDS = "name_words";
  /** Character trigrams of the folded name with ^ and $ at its ends, so typos still share most terms. */
  static final String NAME_GRAMS = "name_grams";
  /** The bare name's sub-words through the English analyzer. */
  static final String CONCEPT_NAME = "concept_name";
  /**
   * For a method or property: its class's name and the first paragraph of that class's docstring, English
   * ({@code CoordinateSystem}, "Abstract base class for Axes and NumberPlane"), so a method is found by
   * what its class is about.
   */
  static final String CONCEPT_OWNER = "concept_owner";
  /** The parameters of the signature, identifiers split into words, English. */
  static final String SIGNATURE = "signature";
  /** The docstring, identifiers split into words, English. */
  static final String DOC = "doc";

  /** The most of a class's docstring its methods' owner field takes. */
  static final int SUMMARY_CHARS = 200;

  private ApiIndexSchema() {}

  /** The analyzer of every field: lower-cased whitespace words for the name fields, English for the rest. */
  static Analyzer analyzer() {
    Analyzer words = new LowerCaseWhitespaceAnalyzer();
    return new PerFieldAnalyzerWrapper(new EnglishAnalyzer(), Map.of(NAME_WORDS, words, NAME_GRAMS, words));
  }

  /** Writes one document per entry, in order, into an empty {@code dir}. */
  static void write(Directory dir, List<ApiDoc> entries) throws IOException {
    Map<String, String> classSummaries = new HashMap<>();
    for (ApiDoc d : entries) {
      if ("class".equals(d.kind())) {
        classSummaries.putIfAbsent(d.qualifiedName(), summary(d.doc()));
      }
    }
    try (Analyzer analyzer = analyzer();
        IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(analyzer).setOpenMode(IndexWriterConfig.OpenMode.CREATE))) {
      for (int i = 0; i < entries.size(); i++) {
        ApiDoc d = entries.get(i);
        int dot = d.qualifiedName().lastIndexOf('.');
        String owner = dot > 0 ? d.qualifiedName().substring(0, dot) : null;
        w.addDocument(document(i, d, owner == null ? null : owner + " " + classSummaries.getOrDefault(owner, "")));
      }
      w.forceMerge(1); // written once, searched many times
      w.commit();
    }
  }

  /**
   * One entry's document.
   *
   * @param owner for a method or property, its class's name and summary; null for a top-level name
   */
  static Document document(int ordinal, ApiDoc d, String owner) {
    Document doc = new Document();
    doc.add(new StoredField(ORDINAL, ordinal));
    doc.add(new StringField(KIND, d.kind(), Field.Store.NO));
    doc.add(new StringField(NAME, d.name(), Field.Store.NO));
    doc.add(new StringField(NAME_KEY, IdentifierWords.normalise(d.name()), Field.Store.NO));
    String words = String.join(" ", IdentifierWords.split(d.name()));
    doc.add(new TextField(NAME_WORDS, words, Field.Store.NO));
    doc.add(new TextField(NAME_GRAMS, String.join(" ", trigrams(d.name())), Field.Store.NO));
    doc.add(new TextField(CONCEPT_NAME, words, Field.Store.NO));
    if (owner != null) {
      doc.add(new TextField(CONCEPT_OWNER, IdentifierWords.wordsOfText(owner), Field.Store.NO));
    }
    doc.add(new TextField(SIGNATURE, IdentifierWords.wordsOfText(parameters(d.signature())), Field.Store.NO));
    doc.add(new TextField(DOC, IdentifierWords.wordsOfText(d.doc()), Field.Store.NO));
    return doc;
  }

  /** Distinct character trigrams of the folded name between ^ and $ ({@code Dot} -> ^do, dot, ot$). */
  static Set<String> trigrams(String name) {
    String s = "^" + IdentifierWords.normalise(name) + "$";
    Set<String> grams = new LinkedHashSet<>();
    for (int i = 0; i + 3 <= s.length(); i++) {
      grams.add(s.substring(i, i + 3));
    }
    return grams;
  }

  /** The first paragraph of a docstring, at most {@value #SUMMARY_CHARS} characters. */
  static String summary(String doc) {
    String s = doc.strip();
    int blank = s.indexOf("\n\n");
    if (blank >= 0) {
      s = s.substring(0, blank);
    }
    return s.length() > SUMMARY_CHARS ? s.substring(0, SUMMARY_CHARS) : s;
  }

  /** The signature without the name in front of its parenthesis: the name has fields of its own. */
  private static String parameters(String signature) {
    int open = signature.indexOf('(');
    return open < 0 ? "" : signature.substring(open);
  }

  /** Splits at whitespace and lower-cases: for fields whose words are prepared in Java. */
  static final class LowerCaseWhitespaceAnalyzer extends Analyzer {
    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
      Tokenizer source = new WhitespaceTokenizer();
      return new TokenStreamComponents(source, new LowerCaseFilter(source));
    }
  }
}

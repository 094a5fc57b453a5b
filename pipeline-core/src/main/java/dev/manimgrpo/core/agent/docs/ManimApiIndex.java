package dev.manimgrpo.core.agent.docs;

import dev.manimgrpo.core.agent.ApiDoc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * A search index over the whole installed manim API, for the RITL-DOC strategy beyond exact lookups.
 *
 * <p>Why: exact lookups (done live by the render worker) can only document names that exist. When the
 * model invents or misspells one ({@code Cirlce}, {@code FadeInFromLeft}, {@code set_colour}) the useful
 * answer is the real names it probably meant ({@link #closestNames}); and before any code exists, the
 * task description alone can point at the entries it needs ({@link #searchConcepts}). Both return
 * entries only; formatting them into a prompt is the caller's job.
 *
 * <p>Results hold one entry per bare name (the preferred one, see {@link ApiEntries#PREFERRED}): the
 * thirteen {@code begin} methods would otherwise fill every slot. Safe for concurrent searches: one
 * {@link IndexSearcher} over one reader. A search costs a few milliseconds on the 1,639 entries of
 * manim 0.21, so it can run every agent round.
 */
public final class ManimApiIndex implements AutoCloseable {

  /** Lucene hits re-ranked by {@link NameSimilarity}: far more than any k asked for, few enough to be cheap. */
  static final int NAME_CANDIDATES = 100;
  /**
   * Concept hits fetched per result asked for, and at least {@link #MIN_CONCEPT_CANDIDATES}: enough that
   * folding duplicate names still leaves k, and that the coverage re-scoring has hits to promote.
   */
  static final int CONCEPT_CANDIDATES_PER_RESULT = 5;
  static final int MIN_CONCEPT_CANDIDATES = 50;
  /**
   * How much of a concept hit's score depends on how much of its name the description covers: the score is
   * BM25 x (1 - w + w x coverage), so {@code plot} beats {@code plot_derivative_graph} for "a graph".
   */
  static final double COVERAGE_WEIGHT = 0.5;

  private final String manimVersion;
  private final ApiEntries entries;
  private final Directory directory;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final Analyzer analyzer = ApiIndexSchema.analyzer();
  private final ConceptQuery concepts = new ConceptQuery(analyzer);

  private ManimApiIndex(String manimVersion, ApiEntries entries, Directory directory) throws IOException {
    this.manimVersion = manimVersion;
    this.entries = entries;
    this.directory = directory;
    this.reader = DirectoryReader.open(directory);
    if (reader.numDocs() != entries.size()) {
      reader.close();
      throw new IllegalStateException("the API index holds " + reader.numDocs() + " documents but its entry list "
          + entries.size() + ": delete the index folder to rebuild it");
    }
    this.searcher = new IndexSearcher(reader);
  }

  /** An index of {@code entries} in memory, for tests and one-off use. */
  public static ManimApiIndex build(String manimVersion, List<ApiDoc> entries) {
    Directory dir = new ByteBuffersDirectory();
    try {
      ApiIndexSchema.write(dir, entries);
      return new ManimApiIndex(manimVersion, new ApiEntries(entries), dir);
    } catch (IOException e) {
      closeQuietly(dir);
      throw new UncheckedIOException("cannot build the API index in memory", e);
    }
  }

  /**
   * The index of {@code manimVersion} kept under {@code cacheDir/api-index/}, built from {@code dump} only
   * when it is not there yet (see {@link ApiIndexFolder} for the folder and why it is safe to share).
   */
  public static ManimApiIndex open(Path cacheDir, String manimVersion, Supplier<List<ApiDoc>> dump) {
    Path dir;
    try {
      dir = ApiIndexFolder.ensure(cacheDir, manimVersion, dump);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the API index of manim " + manimVersion + " under " + cacheDir, e);
    }
    Directory lucene = null;
    try {
      ApiDump stored = ApiDump.read(dir.resolve(ApiIndexFolder.ENTRIES));
      lucene = FSDirectory.open(dir.resolve(ApiIndexFolder.LUCENE));
      return new ManimApiIndex(manimVersion, new ApiEntries(stored.entries()), lucene);
    } catch (IOException e) {
      closeQuietly(lucene);
      throw new UncheckedIOException("cannot open the API index " + dir + ": delete the folder to rebuild it", e);
    }
  }

  public String manimVersion() {
    return manimVersion;
  }

  /** All entries, in dump order. */
  public List<ApiDoc> entries() {
    return entries.all();
  }

  /**
   * The entry named exactly {@code name} (case-sensitive): a qualified name ({@code VMobject.set_fill}) first,
   * else the preferred entry with that bare name, a class or function before a method.
   */
  public Optional<ApiDoc> exact(String name) {
    return entries.exact(name);
  }

  /**
   * Up to {@code k} real names closest to {@code unknownName}, best first, scored by {@link NameSimilarity}.
   * A qualified name is matched by its last part ({@code Axes.get_graph} as {@code get_graph}). If the name
   * exists, it comes first with score 1.
   */
  public List<Suggestion> closestNames(String unknownName, int k) {
    if (unknownName == null || k <= 0) {
      return List.of();
    }
    String name = NameQuery.lastSegment(unknownName);
    List<Suggestion> out = new java.util.ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    // A name of older manim first: its replacement is the answer, however different the spelling.
    for (String current : LegacyNames.replacements(name)) {
      exact(current).filter(d -> seen.add(d.qualifiedName())).ifPresent(d -> out.add(new Suggestion(d, 1.0)));
    }
    Query q = NameQuery.of(name);
    if (q != null && out.size() < k) {
      for (Suggestion s : search(q, NAME_CANDIDATES, k, hit -> NameSimilarity.score(name, hit.doc.name()))) {
        if (out.size() < k && seen.add(s.entry().qualifiedName())) {
          out.add(s);
        }
      }
    }
    return out.size() > k ? out.subList(0, k) : out;
  }

  /**
   * Up to {@code k} entries (constants left out) most relevant to the concepts of {@code taskDescription},
   * best first, by BM25 (see {@link ConceptQuery} for the fields and weights).
   */
  public List<Suggestion> searchConcepts(String taskDescription, int k) {
    if (taskDescription == null || k <= 0) {
      return List.of();
    }
    ConceptQuery.Terms terms = concepts.terms(taskDescription);
    Query q = concepts.query(terms);
    return q == null ? List.of() : search(q, Math.max(MIN_CONCEPT_CANDIDATES, k * CONCEPT_CANDIDATES_PER_RESULT), k,
        hit -> hit.score * (1 - COVERAGE_WEIGHT + COVERAGE_WEIGHT * concepts.nameCoverage(hit.doc, terms)));
  }

  private List<Suggestion> search(Query q, int candidates, int k, ToDoubleFunction<Hit> score) {
    try {
      ScoreDoc[] hits = searcher.search(q, candidates).scoreDocs;
      StoredFields stored = searcher.storedFields();
      Map<String, Suggestion> best = new HashMap<>();
      for (ScoreDoc h : hits) {
        int ordinal = stored.document(h.doc).getField(ApiIndexSchema.ORDINAL).numericValue().intValue();
        ApiDoc doc = entries.get(ordinal);
        Suggestion s = new Suggestion(doc, score.applyAsDouble(new Hit(doc, h.score)));
        best.merge(doc.name(), s, (a, b) -> BEST_FIRST.compare(a, b) <= 0 ? a : b);
      }
      return best.values().stream().sorted(BEST_FIRST).limit(k).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot search the API index of manim " + manimVersion, e);
    }
  }

  private static final Comparator<Suggestion> BEST_FIRST = Comparator.comparingDouble(Suggestion::score).reversed()
      .thenComparing(Suggestion::entry, ApiEntries.PREFERRED);

  private record Hit(ApiDoc doc, float score) {}

  @Override
  public void close() {
    try {
      reader.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the API index of manim " + manimVersion, e);
    } finally {
      analyzer.close();
    }
  }

  private static void closeQuietly(Directory dir) {
    if (dir == null) {
      return;
    }
    try {
      dir.close();
    } catch (IOException ignored) {
      // already failing: the first error is the one to report
    }
  }
}

package dev.manimgrpo.reward.visual;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.render.ManimRuntimeFixture;
import dev.manimgrpo.core.render.RenderRequest;
import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.core.render.RenderWorkerPool;
import dev.manimgrpo.core.render.VideoFrames;
import dev.manimgrpo.reward.visual.SceneVariants.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The visual similarity on real renders of all 44 bundled references and their variants
 * ({@link SceneVariants}): each is rendered once, scored once with the default scorer (content
 * score at 107x60, vs_study at 427x240), and the table is printed to this class's Surefire output
 * file. Measured here (2 cores, 2026-11-26), min / median / max over the 44 references:
 * <pre>
 *   kind         vs_study                  default (content-aware)
 *   identical    1.000 / 1.000 / 1.000     1.000 / 1.000 / 1.000
 *   removed      0.458 / 0.981 / 1.000     0.544 / 0.943 / 1.000
 *   shifted      0.971 / 1.000 / 1.000     0.490 / 0.928 / 0.929
 *   recoloured   0.999 / 1.000 / 1.000     0.904 / 0.988 / 0.999
 *   stretched    0.944 / 0.997 / 1.000     0.780 / 0.969 / 1.000
 *   blank        0.130 / 0.785 / 1.000     0.009 / 0.092 / 0.236
 *   text         0.135 / 0.799 / 1.000     0.069 / 0.169 / 0.479
 *   circle       0.138 / 0.800 / 1.000     0.080 / 0.190 / 0.364
 *   unrelated    0.149 / 0.866 / 0.982     0.140 / 0.210 / 0.589
 * </pre>
 * The default puts blank and one-object candidates at least 0.227 below every related variant of
 * every reference; vs_study ranks one of them at or above a related variant for 3 references, and
 * gives a still-image reference's blank candidate 1.000. Rank correlation with full-size scores
 * over 56 pairs: 0.992 (default), 0.994 (vs_study).
 */
@Tag("manim")
class VisualSimilarityRenderTest {

  /** References whose variant frames are kept for the rank-correlation and corruption tests. */
  static final Set<String> KEPT = Set.of("basic_01_hello_text", "basic_05_euler_identity", "basic_12_tex_title",
      "basic_15_grow_star", "intermediate_04_solve_linear", "intermediate_09_shape_chain",
      "intermediate_16_vector_addition", "advanced_06_riemann_refinement");
  /** The references the corruption test degrades step by step. */
  static final List<String> CORRUPTED = List.of("basic_12_tex_title", "intermediate_16_vector_addition",
      "intermediate_09_shape_chain");
  /** Offset in the index of the reference compared as "unrelated". */
  static final int UNRELATED_STEP = 17;
  /** How far below every related variant a blank or one-object candidate must score. */
  static final double MARGIN = 0.1;

  @TempDir static Path scratch;
  static final VisualSimilarityScorer SCORER =
      new VisualSimilarityScorer(VisualSimilarityOptions.defaults().withStudy(true), null);
  static final List<Row> ROWS = new ArrayList<>();
  static double renderSeconds;
  static double scoreSeconds;

  /** One reference with its candidates' scores (and frames, for the kept ones). */
  static final class Row {
    final BundledSampleSet.Entry entry;
    VideoFrames reference;
    VisualSimilarity identical;
    VisualSimilarity unrelated;
    String unrelatedName;
    final Map<Kind, VisualSimilarity> scores = new EnumMap<>(Kind.class);
    final Map<Kind, VideoFrames> frames = new EnumMap<>(Kind.class);

    Row(BundledSampleSet.Entry entry) {
      this.entry = entry;
    }

    double related(boolean study, boolean max) {
      double v = max ? 0 : 1;
      for (Kind k : Kind.values()) {
        if (k.related()) {
          double s = study ? scores.get(k).vsStudy() : scores.get(k).score();
          v = max ? Math.max(v, s) : Math.min(v, s);
        }
      }
      return v;
    }

    double worstNegative() {
      return Math.max(scores.get(Kind.BLANK).score(), Math.max(scores.get(Kind.TEXT).score(), scores.get(Kind.CIRCLE).score()));
    }
  }

  @BeforeAll
  static void renderAndScore() throws Exception {
    List<BundledSampleSet.Entry> entries = BundledSampleSet.entries();
    for (BundledSampleSet.Entry e : entries) {
      ROWS.add(new Row(e));
    }
    long start = System.nanoTime();
    long[] scoring = new long[1];
    try (RenderWorkerPool pool = ManimRuntimeFixture.pool(ManimRuntimeFixture.config().render().withWorkers(2), scratch)) {
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        List<Future<?>> tasks = new ArrayList<>();
        // The 3D scenes are the slowest: start them first so both workers finish together.
        List<Row> order = new ArrayList<>(ROWS);
        order.sort(Comparator.comparing((Row r) -> !r.entry.name().startsWith("advanced")));
        for (Row row : order) {
          tasks.add(threads.submit(() -> {
            renderRow(pool, row, scoring);
            return null;
          }));
        }
        for (Future<?> f : tasks) {
          f.get();
        }
      } finally {
        threads.shutdownNow();
      }
    }
    renderSeconds = (System.nanoTime() - start) / 1e9;
    long t = System.nanoTime();
    for (int i = 0; i < ROWS.size(); i++) {
      Row row = ROWS.get(i);
      Row other = ROWS.get((i + UNRELATED_STEP) % ROWS.size());
      row.unrelatedName = other.entry.name();
      row.unrelated = SCORER.score(row.reference, other.reference);
    }
    scoreSeconds = (scoring[0] + System.nanoTime() - t) / 1e9;
    printTable();
  }

  private static void renderRow(RenderWorkerPool pool, Row row, long[] scoring) {
    RenderResult ref = pool.render(RenderRequest.frames(row.entry.name(), row.entry.code()));
    assertThat(ref.status()).as(row.entry.name() + ": " + ref.message() + "\n" + ref.stderrText()).matches(s -> s.succeeded());
    row.reference = ref.frames();
    Map<Kind, VideoFrames> rendered = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      String code = SceneVariants.code(kind, row.entry.code(), ref.durationSeconds());
      RenderResult r = pool.render(RenderRequest.frames(row.entry.name() + "-" + kind.label(), code));
      assertThat(r.status()).as(row.entry.name() + " " + kind + ": " + r.message() + "\n" + r.stderrText() + "\n" + code)
          .matches(s -> s.succeeded());
      rendered.put(kind, r.frames());
    }
    long t = System.nanoTime();
    VisualSimilarityScorer.PreparedReference prepared = SCORER.prepare(row.reference);
    row.identical = SCORER.score(prepared, row.reference);
    for (Map.Entry<Kind, VideoFrames> e : rendered.entrySet()) {
      row.scores.put(e.getKey(), SCORER.score(prepared, e.getValue()));
    }
    synchronized (scoring) {
      scoring[0] += System.nanoTime() - t;
    }
    if (KEPT.contains(row.entry.name())) {
      row.frames.putAll(rendered);
    }
  }

  @AfterAll
  static void release() {
    ROWS.clear();
  }

  private static void printTable() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%nVisual similarity of the 44 bundled references (rendered in %.1f s, scored in %.1f s of CPU)%n",
        renderSeconds, scoreSeconds));
    sb.append("each cell: vs_study / default; default = content-aware score ").append(SCORER.options()).append('\n');
    sb.append(String.format(Locale.ROOT, "%-38s", "reference"));
    List<String> columns = columns();
    for (String c : columns) {
      sb.append(String.format(Locale.ROOT, " %13s", c));
    }
    sb.append('\n');
    for (Row row : ROWS) {
      sb.append(String.format(Locale.ROOT, "%-38s", row.entry.name()));
      for (String c : columns) {
        VisualSimilarity v = cell(row, c);
        sb.append(String.format(Locale.ROOT, "   %.3f/%.3f", v.vsStudy(), v.score()));
      }
      sb.append('\n');
    }
    sb.append(String.format(Locale.ROOT, "%n%-12s %-26s %-26s%n", "kind", "vs_study min/median/max", "default min/median/max"));
    for (String c : columns) {
      double[] study = ROWS.stream().mapToDouble(r -> cell(r, c).vsStudy()).sorted().toArray();
      double[] def = ROWS.stream().mapToDouble(r -> cell(r, c).score()).sorted().toArray();
      sb.append(String.format(Locale.ROOT, "%-12s %.3f / %.3f / %.3f      %.3f / %.3f / %.3f%n", c,
          study[0], median(study), study[study.length - 1], def[0], median(def), def[def.length - 1]));
    }
    double margin = ROWS.stream().mapToDouble(r -> r.related(false, false) - r.worstNegative()).min().orElse(0);
    long studyViolations = ROWS.stream().filter(r -> r.related(true, false) <= Math.max(r.scores.get(Kind.BLANK).vsStudy(),
        Math.max(r.scores.get(Kind.TEXT).vsStudy(), r.scores.get(Kind.CIRCLE).vsStudy()))).count();
    sb.append(String.format(Locale.ROOT, "smallest margin (min related - max of blank/text/circle), default: %.3f; "
        + "references where vs_study ranks a blank or one-object candidate at or above a related one: %d of %d%n",
        margin, studyViolations, ROWS.size()));
    System.out.println(sb);
  }

  static List<String> columns() {
    List<String> c = new ArrayList<>();
    c.add("identical");
    for (Kind k : Kind.values()) {
      c.add(k.label());
    }
    c.add("unrelated");
    return c;
  }

  static VisualSimilarity cell(Row row, String column) {
    return switch (column) {
      case "identical" -> row.identical;
      case "unrelated" -> row.unrelated;
      default -> row.scores.get(Kind.valueOf(column.toUpperCase(Locale.ROOT)));
    };
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  }

  @Test
  void identicalVideoScoresOne() {
    for (Row row : ROWS) {
      assertThat(row.identical.score()).as(row.entry.name()).isEqualTo(1.0);
      assertThat(row.identical.vsStudy()).as(row.entry.name()).isEqualTo(1.0);
    }
  }

  @Test
  void everyScoreIsInTheUnitInterval() {
    for (Row row : ROWS) {
      for (String c : columns()) {
        VisualSimilarity v = cell(row, c);
        VisualSimilarityScorerTest.assertValid(v);
        assertThat(v.clipPresent()).isFalse();
      }
    }
  }

  @Test
  void blankAndOneObjectScenesScoreClearlyBelowEveryRelatedVariant() {
    for (Row row : ROWS) {
      double related = row.related(false, false);
      for (Kind negative : List.of(Kind.BLANK, Kind.TEXT, Kind.CIRCLE)) {
        assertThat(row.scores.get(negative).score())
            .as("%s: %s must score at least %.2f below every related variant (lowest related %.3f)",
                row.entry.name(), negative.label(), MARGIN, related)
            .isLessThanOrEqualTo(related - MARGIN);
      }
    }
  }

  @Test
  void theStudysSsimPartRewardsEmptinessTheDefaultDoesNot() {
    double[] studyBlank = ROWS.stream().mapToDouble(r -> r.scores.get(Kind.BLANK).vsStudy()).sorted().toArray();
    double[] blank = ROWS.stream().mapToDouble(r -> r.scores.get(Kind.BLANK).score()).sorted().toArray();
    assertThat(median(studyBlank)).isGreaterThan(0.6);
    assertThat(median(blank)).isLessThan(0.2);
  }

  @Test
  void timeStretchedCopiesStillScoreHigh() {
    double[] stretched = ROWS.stream().mapToDouble(r -> r.scores.get(Kind.STRETCHED).score()).sorted().toArray();
    assertThat(stretched[0]).isGreaterThan(0.7);
    assertThat(median(stretched)).isGreaterThan(0.9);
    // Frame-level check on the kept references: every frame shown twice (half speed) or every
    // other frame dropped (double speed) changes little, because DTW aligns the timelines.
    for (Row row : ROWS) {
      if (row.frames.isEmpty()) {
        continue;
      }
      assertThat(SCORER.score(row.reference, Corruption.slowDown(row.reference, 2)).score()).as(row.entry.name()).isGreaterThan(0.95);
      assertThat(SCORER.score(row.reference, Corruption.keepEvery(row.reference, 2)).score()).as(row.entry.name()).isGreaterThan(0.9);
    }
  }

  @Test
  void unrelatedScenesScoreLow() {
    double[] unrelated = ROWS.stream().mapToDouble(r -> r.unrelated.score()).sorted().toArray();
    assertThat(median(unrelated)).isLessThan(0.35);
    for (Row row : ROWS) {
      assertThat(row.unrelated.score()).as("%s vs %s", row.entry.name(), row.unrelatedName)
          .isLessThan(row.related(false, false));
    }
  }

  @Test
  void progressivelyCorruptedVideoScoresMonotonicallyLower() {
    Map<String, List<UnaryOperator<VideoFrames>>> ladders = new LinkedHashMap<>();
    ladders.put("dropped frames (shown black)", List.of(v -> Corruption.blackEvery(v, 8), v -> Corruption.blackEvery(v, 4),
        v -> Corruption.blackEvery(v, 2)));
    ladders.put("shifted", List.of(v -> Corruption.shift(v, 6, 3), v -> Corruption.shift(v, 20, 10),
        v -> Corruption.shift(v, 60, 30)));
    ladders.put("noised", List.of(v -> Corruption.noise(v, 6, 1), v -> Corruption.noise(v, 20, 1),
        v -> Corruption.noise(v, 50, 1)));
    ladders.put("recoloured (dimmed)", List.of(v -> Corruption.dim(v, 0.8), v -> Corruption.dim(v, 0.6),
        v -> Corruption.dim(v, 0.35)));
    // Cumulative: each step adds one more kind of damage. Noise comes before dimming (noise on a
    // dimmed picture can raise SSIM's contrast term back) and black frames come last (noise on a
    // black frame would draw something where nothing was). Measured on all 42 animated references.
    ladders.put("all at once", List.of(v -> Corruption.shift(v, 20, 10), v -> Corruption.noise(Corruption.shift(v, 20, 10), 20, 2),
        v -> Corruption.dim(Corruption.noise(Corruption.shift(v, 20, 10), 20, 2), 0.6),
        v -> Corruption.blackEvery(Corruption.dim(Corruption.noise(Corruption.shift(v, 20, 10), 20, 2), 0.6), 4)));
    StringBuilder log = new StringBuilder("\nProgressive corruption, default score per step (step 0 = the render itself)\n");
    for (String name : CORRUPTED) {
      Row row = ROWS.stream().filter(r -> r.entry.name().equals(name)).findFirst().orElseThrow();
      VisualSimilarityScorer.PreparedReference prepared = SCORER.prepare(row.reference);
      for (Map.Entry<String, List<UnaryOperator<VideoFrames>>> ladder : ladders.entrySet()) {
        double previous = SCORER.score(prepared, row.reference).score();
        log.append(String.format(Locale.ROOT, "%-34s %-30s %.3f", name, ladder.getKey(), previous));
        for (UnaryOperator<VideoFrames> step : ladder.getValue()) {
          double s = SCORER.score(prepared, step.apply(row.reference)).score();
          log.append(String.format(Locale.ROOT, " > %.3f", s));
          assertThat(s).as("%s, %s: each step must score lower than the one before", name, ladder.getKey()).isLessThan(previous);
          previous = s;
        }
        log.append('\n');
      }
    }
    System.out.println(log);
  }

  @Test
  void downscaledScoresRankPairsLikeFullSizeOnes() throws Exception {
    VisualSimilarityScorer full = new VisualSimilarityScorer(VisualSimilarityOptions.fullSize(), null);
    List<double[]> pairs = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    long start = System.nanoTime();
    try {
      List<Future<List<double[]>>> tasks = new ArrayList<>();
      for (Row row : ROWS) {
        if (row.frames.isEmpty()) {
          continue;
        }
        tasks.add(threads.submit(() -> {
          List<double[]> out = new ArrayList<>();
          VisualSimilarityScorer.PreparedReference ref = full.prepare(row.reference);
          for (Map.Entry<Kind, VideoFrames> e : row.frames.entrySet()) {
            VisualSimilarity f = full.score(ref, e.getValue());
            VisualSimilarity d = row.scores.get(e.getKey());
            out.add(new double[] {d.score(), f.score(), d.vsStudy(), f.vsStudy()});
          }
          return out;
        }));
      }
      for (Future<List<double[]>> f : tasks) {
        pairs.addAll(f.get());
      }
    } finally {
      threads.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double defaultRho = Spearman.rho(pairs.stream().mapToDouble(p -> p[0]).toArray(), pairs.stream().mapToDouble(p -> p[1]).toArray());
    double studyRho = Spearman.rho(pairs.stream().mapToDouble(p -> p[2]).toArray(), pairs.stream().mapToDouble(p -> p[3]).toArray());
    System.out.printf(Locale.ROOT, "%nRank correlation, downscaled (%s) vs full size, over %d pairs of %d references "
        + "(full size scored in %.1f s on 2 threads): default %.4f, vs_study %.4f%n",
        SCORER.options(), pairs.size(), KEPT.size(), seconds, defaultRho, studyRho);
    assertThat(pairs).hasSize(KEPT.size() * Kind.values().length);
    assertThat(defaultRho).isGreaterThanOrEqualTo(0.95);
    assertThat(studyRho).isGreaterThanOrEqualTo(0.95);
  }

  /** Synthetic degradations of a rendered video. */
  static final class Corruption {

    private Corruption() {}

    static VideoFrames map(VideoFrames v, java.util.function.IntBinaryOperator pixel) {
      byte[] out = v.gray().clone();
      int px = v.width() * v.height();
      for (int i = 0; i < out.length; i++) {
        out[i] = (byte) Math.max(0, Math.min(255, pixel.applyAsInt(i / px, out[i] & 0xff)));
      }
      return new VideoFrames(v.width(), v.height(), v.fps(), v.count(), out);
    }

    /** Every {@code k}-th frame (from the middle of each run of k) lost and shown black. */
    static VideoFrames blackEvery(VideoFrames v, int k) {
      return map(v, (frame, p) -> frame % k == k / 2 ? 0 : p);
    }

    /** Gaussian noise of standard deviation {@code sigma} gray levels (fixed seed). */
    static VideoFrames noise(VideoFrames v, double sigma, long seed) {
      Random rnd = new Random(seed);
      return map(v, (frame, p) -> (int) Math.round(p + sigma * rnd.nextGaussian()));
    }

    /** Brightness of every pixel scaled by {@code factor} (a darker recolouring on black). */
    static VideoFrames dim(VideoFrames v, double factor) {
      return map(v, (frame, p) -> (int) Math.round(p * factor));
    }

    /** The picture moved by {@code (dx, dy)} pixels, black where nothing moved in. */
    static VideoFrames shift(VideoFrames v, int dx, int dy) {
      int w = v.width();
      int h = v.height();
      byte[] src = v.gray();
      byte[] out = new byte[src.length];
      for (int f = 0; f < v.count(); f++) {
        for (int y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
          int x0 = Math.max(0, dx);
          int x1 = Math.min(w, w + dx);
          System.arraycopy(src, (f * h + y - dy) * w + x0 - dx, out, (f * h + y) * w + x0, x1 - x0);
        }
      }
      return new VideoFrames(w, h, v.fps(), v.count(), out);
    }

    /** Every frame shown {@code times} times (the video played slower). */
    static VideoFrames slowDown(VideoFrames v, int times) {
      int px = v.width() * v.height();
      byte[] out = new byte[v.gray().length * times];
      for (int f = 0; f < v.count(); f++) {
        for (int r = 0; r < times; r++) {
          System.arraycopy(v.gray(), f * px, out, (f * times + r) * px, px);
        }
      }
      return new VideoFrames(v.width(), v.height(), v.fps(), v.count() * times, out);
    }

    /** Every {@code k}-th frame kept (the video played faster). */
    static VideoFrames keepEvery(VideoFrames v, int k) {
      int px = v.width() * v.height();
      int n = (v.count() + k - 1) / k;
      byte[] out = new byte[n * px];
      for (int f = 0; f < n; f++) {
        System.arraycopy(v.gray(), f * k * px, out, f * px, px);
      }
      return new VideoFrames(v.width(), v.height(), v.fps(), n, out);
    }
  }

  /** Spearman's rank correlation with average ranks for ties. */
  static final class Spearman {

    private Spearman() {}

    static double rho(double[] a, double[] b) {
      double[] ra = ranks(a);
      double[] rb = ranks(b);
      double ma = Arrays.stream(ra).average().orElse(0);
      double mb = Arrays.stream(rb).average().orElse(0);
      double cov = 0;
      double va = 0;
      double vb = 0;
      for (int i = 0; i < ra.length; i++) {
        cov += (ra[i] - ma) * (rb[i] - mb);
        va += (ra[i] - ma) * (ra[i] - ma);
        vb += (rb[i] - mb) * (rb[i] - mb);
      }
      return cov / Math.sqrt(va * vb);
    }

    static double[] ranks(double[] x) {
      Integer[] idx = new Integer[x.length];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = i;
      }
      Arrays.sort(idx, Comparator.comparingDouble(i -> x[i]));
      double[] r = new double[x.length];
      for (int i = 0; i < idx.length; ) {
        int j = i;
        while (j + 1 < idx.length && x[idx[j + 1]] == x[idx[i]]) {
          j++;
        }
        for (int t = i; t <= j; t++) {
          r[idx[t]] = (i + j) / 2.0 + 1;
        }
        i = j + 1;
      }
      return r;
    }
  }
}

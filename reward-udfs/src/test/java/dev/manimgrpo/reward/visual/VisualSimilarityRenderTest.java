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
 * ({@link SceneVariants}): each is rendered once, drawn 427 px wide (vs_study's width), scored once
 * with the default scorer (content score at 107x60 with colour, vs_study at 427x240), and the table
 * is printed to this class's Surefire output file. Measured here (2 cores, 2026-12-01), min /
 * median / max over the 44 references, the last column the default on the frames' luma alone:
 * <pre>
 *   kind         vs_study                  default (content-aware)   default on gray frames
 *   identical    1.000 / 1.000 / 1.000     1.000 / 1.000 / 1.000     -
 *   removed      0.457 / 0.981 / 1.000     0.517 / 0.926 / 0.999     0.543 / 0.943 / 1.000
 *   shifted      0.972 / 1.000 / 1.000     0.488 / 0.928 / 0.929     0.494 / 0.928 / 0.929
 *   recoloured   1.000 / 1.000 / 1.000     0.577 / 0.815 / 0.990     0.946 / 1.000 / 1.000
 *   stretched    0.945 / 0.997 / 1.000     0.779 / 0.968 / 1.000     0.781 / 0.969 / 1.000
 *   blank        0.130 / 0.785 / 1.000     0.009 / 0.091 / 0.235     0.009 / 0.091 / 0.235
 *   text         0.135 / 0.799 / 1.000     0.060 / 0.150 / 0.479     0.070 / 0.169 / 0.484
 *   circle       0.138 / 0.800 / 1.000     0.053 / 0.135 / 0.238     0.079 / 0.189 / 0.365
 *   unrelated    0.149 / 0.866 / 0.982     0.103 / 0.161 / 0.440     -
 * </pre>
 * The default puts blank and one-object candidates at least 0.324 below every related variant of
 * every reference; vs_study ranks one of them at or above a related variant for 3 references, and
 * gives a still-image reference's blank candidate 1.000. The kept references are also drawn 214 px
 * wide (render.frame-width) and 854 px (-ql): rank correlation over 64 pairs, default on 214-px
 * renders against default on -ql renders 0.992 (0.988 against the score at full size), vs_study on
 * 427-px renders against full size on -ql renders 0.996.
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
  /** How far below 1 a recoloured copy must score, at least, for every reference. */
  static final double RECOLOUR_DROP = 0.005;
  /** Width the table's renders are drawn at: vs_study's (reward.visual.study-width). */
  static final int TABLE_WIDTH = 427;
  /** The training default (render.frame-width) and -ql's full width, for the rank tests. */
  static final int REWARD_WIDTH = 214;
  static final int QL_WIDTH = 854;

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
    /** The default score of the same frames without their colour (what a gray reward saw). */
    final Map<Kind, VisualSimilarity> lumaOnly = new EnumMap<>(Kind.class);
    /**
     * Kept references only, per candidate ("identical" = the reference, then each variant): the
     * default score on frames drawn at REWARD_WIDTH, the default score on frames drawn at QL_WIDTH,
     * and on those the default score and vs_study at full size. (-ql's frames are scored as they
     * come and dropped: all of them would not fit in the test's heap.)
     */
    final Map<String, double[]> resolutions = new LinkedHashMap<>();
    /** The default score of the reference against each related variant: the other way round. */
    final Map<Kind, VisualSimilarity> reversed = new EnumMap<>(Kind.class);

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
    // The 3D scenes are the slowest: start them first so both workers finish together.
    List<Row> order = new ArrayList<>(ROWS);
    order.sort(Comparator.comparing((Row r) -> !r.entry.name().startsWith("advanced")));
    inParallel(TABLE_WIDTH, order, (pool, row) -> renderRow(pool, row, scoring));
    List<Row> kept = order.stream().filter(r -> KEPT.contains(r.entry.name())).toList();
    Map<Row, Map<String, VideoFrames>> small = new java.util.concurrent.ConcurrentHashMap<>();
    inParallel(REWARD_WIDTH, kept, (pool, row) -> small.put(row, renderAll(pool, row)));
    VisualSimilarityScorer plain = VisualSimilarityScorer.defaults();
    VisualSimilarityScorer full = new VisualSimilarityScorer(VisualSimilarityOptions.fullSize(), null);
    inParallel(QL_WIDTH, kept, (pool, row) -> {
      Map<String, VideoFrames> ql = renderAll(pool, row);
      Map<String, VideoFrames> reward = small.get(row);
      VisualSimilarityScorer.PreparedReference smallRef = plain.prepare(reward.get("identical"));
      VisualSimilarityScorer.PreparedReference qlRef = plain.prepare(ql.get("identical"));
      VisualSimilarityScorer.PreparedReference qlFull = full.prepare(ql.get("identical"));
      for (String kind : ql.keySet()) {
        VisualSimilarity atFull = full.score(qlFull, ql.get(kind));
        row.resolutions.put(kind, new double[] {plain.score(smallRef, reward.get(kind)).score(),
            plain.score(qlRef, ql.get(kind)).score(), atFull.score(), atFull.vsStudy()});
      }
    });
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

  /** Runs {@code work} for every row on two threads over a two-worker pool drawing frames {@code width} wide. */
  private static void inParallel(int width, List<Row> rows,
      java.util.function.BiConsumer<RenderWorkerPool, Row> work) throws Exception {
    try (RenderWorkerPool pool = ManimRuntimeFixture.pool(
        ManimRuntimeFixture.config().render().withWorkers(2).withFrameWidth(width), scratch)) {
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        List<Future<?>> tasks = new ArrayList<>();
        for (Row row : rows) {
          tasks.add(threads.submit(() -> {
            work.accept(pool, row);
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
  }

  /** The reference ("identical") and its variants rendered by {@code pool}. */
  private static Map<String, VideoFrames> renderAll(RenderWorkerPool pool, Row row) {
    Map<String, VideoFrames> into = new LinkedHashMap<>();
    RenderResult ref = pool.render(RenderRequest.frames(row.entry.name(), row.entry.code()));
    assertThat(ref.status()).as(row.entry.name()).matches(st -> st.succeeded());
    into.put("identical", ref.frames());
    for (Kind kind : Kind.values()) {
      RenderResult r = pool.render(RenderRequest.frames(row.entry.name() + "-" + kind.label(),
          SceneVariants.code(kind, row.entry.code(), ref.durationSeconds())));
      assertThat(r.status()).as(row.entry.name() + " " + kind + ": " + r.message()).matches(st -> st.succeeded());
      into.put(kind.label(), r.frames());
    }
    return into;
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
    VisualSimilarityScorer.PreparedReference gray = SCORER.prepare(row.reference.lumaOnly());
    for (Map.Entry<Kind, VideoFrames> e : rendered.entrySet()) {
      row.scores.put(e.getKey(), SCORER.score(prepared, e.getValue()));
      row.lumaOnly.put(e.getKey(), SCORER.score(gray, e.getValue().lumaOnly()));
      if (e.getKey().related()) {
        row.reversed.put(e.getKey(), VisualSimilarityScorer.defaults().score(e.getValue(), row.reference));
      }
    }
    synchronized (scoring) {
      scoring[0] += System.nanoTime() - t;
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
    sb.append(String.format(Locale.ROOT, "%n%-12s %-26s %-26s %-26s%n", "kind", "vs_study min/median/max",
        "default min/median/max", "default on gray frames"));
    for (String c : columns) {
      double[] study = ROWS.stream().mapToDouble(r -> cell(r, c).vsStudy()).sorted().toArray();
      double[] def = ROWS.stream().mapToDouble(r -> cell(r, c).score()).sorted().toArray();
      boolean variant = !c.equals("identical") && !c.equals("unrelated");
      double[] gray = variant ? ROWS.stream().mapToDouble(r -> r.lumaOnly.get(Kind.valueOf(c.toUpperCase(Locale.ROOT))).score())
          .sorted().toArray() : def;
      sb.append(String.format(Locale.ROOT, "%-12s %.3f / %.3f / %.3f      %.3f / %.3f / %.3f      %s%n", c,
          study[0], median(study), study[study.length - 1], def[0], median(def), def[def.length - 1],
          variant ? String.format(Locale.ROOT, "%.3f / %.3f / %.3f", gray[0], median(gray), gray[gray.length - 1]) : "-"));
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
  void aRecolouredCopyScoresClearlyBelowTheSceneItself() {
    // Colours swapped for others of the same luma: a gray score can barely tell; the default can.
    StringBuilder log = new StringBuilder("\nRecoloured (same luma): default, and default on gray frames\n");
    double[] drops = new double[ROWS.size()];
    for (int i = 0; i < ROWS.size(); i++) {
      Row row = ROWS.get(i);
      double colour = row.scores.get(Kind.RECOLOURED).score();
      double gray = row.lumaOnly.get(Kind.RECOLOURED).score();
      drops[i] = 1.0 - colour;
      log.append(String.format(Locale.ROOT, "%-38s %.3f  %.3f%n", row.entry.name(), colour, gray));
      assertThat(colour).as("%s: a recoloured copy must score clearly below the scene itself", row.entry.name())
          .isLessThanOrEqualTo(1.0 - RECOLOUR_DROP);
      assertThat(colour).as("%s: and below what gray frames gave it", row.entry.name()).isLessThan(gray);
    }
    System.out.println(log);
    java.util.Arrays.sort(drops);
    assertThat(median(drops)).isGreaterThanOrEqualTo(0.1);
    // The drop follows the share of the picture that changed colour: under 0.02 only where that
    // is one small element on a large gray one (a dot on a NumberPlane, a highlight box).
    assertThat(java.util.Arrays.stream(drops).filter(d -> d >= 0.02).count()).isGreaterThanOrEqualTo(ROWS.size() - 4L);
  }

  @Test
  void theScoreIsSymmetricWhereNoOffsetIsApplied() {
    // A against B and B against A: only the offset search (it moves the candidate) breaks symmetry.
    double worst = 0;
    double worstWithoutOffset = 0;
    for (Row row : ROWS) {
      for (Map.Entry<Kind, VisualSimilarity> e : row.reversed.entrySet()) {
        VisualSimilarity forward = row.scores.get(e.getKey());
        double diff = Math.abs(forward.score() - e.getValue().score());
        worst = Math.max(worst, diff);
        if (forward.offsetX() == 0 && forward.offsetY() == 0 && e.getValue().offsetX() == 0 && e.getValue().offsetY() == 0) {
          worstWithoutOffset = Math.max(worstWithoutOffset, diff);
        }
      }
    }
    System.out.printf(Locale.ROOT, "%nAsymmetry |s(ref, variant) - s(variant, ref)| over the related variants: largest %.4f;"
        + " largest where neither direction applied an offset %.2e%n", worst, worstWithoutOffset);
    assertThat(worstWithoutOffset).isLessThan(1e-9);
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
      if (!KEPT.contains(row.entry.name())) {
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
    ladders.put("desaturated (luma kept)", List.of(v -> Corruption.desaturate(v, 0.7), v -> Corruption.desaturate(v, 0.4),
        v -> Corruption.desaturate(v, 0.0)));
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
  void rewardResolutionFramesRankCandidatesAsQlFramesDo() throws Exception {
    // The default score on frames drawn at render.frame-width (214) against the same score on
    // frames drawn at -ql's 854 (and against the score at full size on those): one pair per
    // reference and candidate (identical, every variant), over the kept references. vs_study at
    // its width (427) against vs_study at full size on the -ql frames.
    List<double[]> pairs = new ArrayList<>();
    for (Row row : ROWS) {
      for (Map.Entry<String, double[]> e : row.resolutions.entrySet()) {
        double study = e.getKey().equals("identical") ? row.identical.vsStudy()
            : row.scores.get(Kind.valueOf(e.getKey().toUpperCase(Locale.ROOT))).vsStudy();
        double[] r = e.getValue();
        pairs.add(new double[] {r[0], r[1], r[2], study, r[3]});
      }
    }
    double qlRho = Spearman.rho(column(pairs, 0), column(pairs, 1));
    double fullRho = Spearman.rho(column(pairs, 0), column(pairs, 2));
    double studyRho = Spearman.rho(column(pairs, 3), column(pairs, 4));
    System.out.printf(Locale.ROOT, "%nRank correlation over %d pairs of %d references:"
        + " default on %d-px renders vs default on -ql (%d px) renders %.4f, vs full size on -ql renders %.4f;"
        + " vs_study on %d-px renders vs full size on -ql renders %.4f%n", pairs.size(), KEPT.size(),
        REWARD_WIDTH, QL_WIDTH, qlRho, fullRho, TABLE_WIDTH, studyRho);
    assertThat(pairs).hasSize(KEPT.size() * (Kind.values().length + 1));
    assertThat(qlRho).isGreaterThanOrEqualTo(0.95);
    assertThat(fullRho).isGreaterThanOrEqualTo(0.95);
    assertThat(studyRho).isGreaterThanOrEqualTo(0.95);
  }

  private static double[] column(List<double[]> rows, int c) {
    return rows.stream().mapToDouble(r -> r[c]).toArray();
  }

  /** Synthetic degradations of a rendered video (its colour planes follow its luma). */
  static final class Corruption {

    private Corruption() {}

    /** Luma through {@code pixel}, colour through {@code chroma} (frame, plane value) per frame. */
    static VideoFrames map(VideoFrames v, java.util.function.IntBinaryOperator pixel,
        java.util.function.IntBinaryOperator chroma) {
      byte[] out = v.gray().clone();
      int px = v.width() * v.height();
      for (int i = 0; i < out.length; i++) {
        out[i] = (byte) Math.max(0, Math.min(255, pixel.applyAsInt(i / px, out[i] & 0xff)));
      }
      byte[] c = v.chroma() == null ? null : v.chroma().clone();
      for (int i = 0; c != null && i < c.length; i++) {
        c[i] = (byte) Math.max(0, Math.min(255, chroma.applyAsInt(i / (2 * px), c[i] & 0xff)));
      }
      return new VideoFrames(v.width(), v.height(), v.fps(), v.count(), out, c);
    }

    static VideoFrames map(VideoFrames v, java.util.function.IntBinaryOperator pixel) {
      return map(v, pixel, (frame, c) -> c);
    }

    /** Every {@code k}-th frame (from the middle of each run of k) lost and shown black. */
    static VideoFrames blackEvery(VideoFrames v, int k) {
      return map(v, (frame, p) -> frame % k == k / 2 ? 0 : p, (frame, c) -> frame % k == k / 2 ? 128 : c);
    }

    /** Gaussian noise of standard deviation {@code sigma} gray levels (fixed seed) on the luma. */
    static VideoFrames noise(VideoFrames v, double sigma, long seed) {
      Random rnd = new Random(seed);
      return map(v, (frame, p) -> (int) Math.round(p + sigma * rnd.nextGaussian()));
    }

    /** Brightness of every pixel scaled by {@code factor} (a darker recolouring on black): RGB times factor. */
    static VideoFrames dim(VideoFrames v, double factor) {
      return map(v, (frame, p) -> (int) Math.round(p * factor), (frame, c) -> (int) Math.round(128 + (c - 128) * factor));
    }

    /** Colour drained toward gray: chroma scaled by {@code keep} (0 = gray frames), luma untouched. */
    static VideoFrames desaturate(VideoFrames v, double keep) {
      return map(v, (frame, p) -> p, (frame, c) -> (int) Math.round(128 + (c - 128) * keep));
    }

    /** The picture moved by {@code (dx, dy)} pixels, black where nothing moved in. */
    static VideoFrames shift(VideoFrames v, int dx, int dy) {
      byte[] luma = shifted(v.gray(), v.width(), v.height(), v.count(), dx, dy, (byte) 0);
      byte[] chroma = v.chroma() == null ? null
          : shifted(v.chroma(), v.width(), v.height(), 2 * v.count(), dx, dy, (byte) 128);
      return new VideoFrames(v.width(), v.height(), v.fps(), v.count(), luma, chroma);
    }

    private static byte[] shifted(byte[] src, int w, int h, int planes, int dx, int dy, byte fill) {
      byte[] out = new byte[src.length];
      java.util.Arrays.fill(out, fill);
      for (int f = 0; f < planes; f++) {
        for (int y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
          int x0 = Math.max(0, dx);
          int x1 = Math.min(w, w + dx);
          System.arraycopy(src, (f * h + y - dy) * w + x0 - dx, out, (f * h + y) * w + x0, x1 - x0);
        }
      }
      return out;
    }

    /** Every frame shown {@code times} times (the video played slower). */
    static VideoFrames slowDown(VideoFrames v, int times) {
      int[] picked = new int[v.count() * times];
      for (int k = 0; k < picked.length; k++) {
        picked[k] = k / times;
      }
      return v.select(picked, v.fps());
    }

    /** Every {@code k}-th frame kept (the video played faster). */
    static VideoFrames keepEvery(VideoFrames v, int k) {
      int[] picked = new int[(v.count() + k - 1) / k];
      for (int f = 0; f < picked.length; f++) {
        picked[f] = f * k;
      }
      return v.select(picked, v.fps());
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

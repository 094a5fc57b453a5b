package dev.manimgrpo.jobs.eval.report;

import dev.manimgrpo.core.eval.CodeVisualCorrelation;
import dev.manimgrpo.core.eval.EvalAggregate;
import dev.manimgrpo.core.eval.EvalSample;
import dev.manimgrpo.core.eval.FailureTaxonomy;
import dev.manimgrpo.core.eval.RoundRecovery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;

/**
 * The run report of an evaluation: {@code dir/report.html} with its charts as {@code dir/img/*.png}
 * and the worst failures' rounds as {@code dir/samples/*.html}. Plain files that open from disk: no
 * server, no script, nothing fetched from elsewhere, so the folder can be archived with the run and
 * read years later.
 *
 * <p>Everything a model wrote (programs, stderr, prompts) is escaped; see {@link Html}.
 */
public final class EvalReport {

  /** The report's main page, in the report folder. */
  public static final String REPORT_FILE = "report.html";
  /** The folder of the per-sample pages, in the report folder. */
  public static final String SAMPLES_DIR = "samples";

  private EvalReport() {}

  /** Writes the report with the 10 worst failures opened up; returns the path of report.html. */
  public static Path write(Path dir, ReportInput input) throws IOException {
    return write(dir, input, WorstFailures.COUNT_DEFAULT);
  }

  /**
   * Writes the report into {@code dir} (created when missing; files of an earlier report there are
   * overwritten); returns the path of report.html.
   *
   * @param worstFailures how many failed samples get a page of their own
   */
  public static Path write(Path dir, ReportInput input, int worstFailures) throws IOException {
    Files.createDirectories(dir);
    ChartFiles charts = new ChartFiles(dir);
    StringBuilder b = new StringBuilder();
    header(b, input);
    results(b, input.aggregates(), charts);
    b.append(section("cost", "Cost against direct"));
    b.append(Html.tag("p", "Per sample, and as a multiple of the same policy and stage answering directly "
        + "(n/a without a direct row or token counts)."));
    b.append(ReportTables.costs(input.aggregates()));
    b.append(section("published", "Published results"));
    b.append(ReportTables.runBesideStudy(input.aggregates(), input.study()));
    failures(b, input.samples(), charts);
    recovery(b, input.samples(), charts);
    codeVsVisual(b, input.samples(), charts);
    worst(b, dir, input.samples(), worstFailures);
    training(b, input, charts);
    Path report = dir.resolve(REPORT_FILE);
    Files.writeString(report, Html.page(input.title(), b.toString()), StandardCharsets.UTF_8);
    return report;
  }

  private static void header(StringBuilder b, ReportInput in) {
    b.append(Html.tag("h1", in.title()));
    b.append(Html.tag("p", "Evaluation " + in.evalId()
        + (in.created() == null ? "" : ", created " + DateTimeFormatter.ISO_INSTANT.format(in.created()))
        + "; " + in.samples().size() + " samples."));
    b.append(contents());
    b.append(section("configuration", "Configuration"));
    b.append(in.config().isEmpty() ? Html.tag("p", "No configuration was given.") : ReportTables.config(in.config()));
  }

  private static void results(StringBuilder b, List<EvalAggregate> rows, ChartFiles charts) {
    b.append(section("results", "Results"));
    if (rows.isEmpty()) {
      b.append(Html.tag("p", "No aggregates were given."));
      return;
    }
    b.append(Html.tag("p", "Means with percentile bootstrap confidence intervals, as mean [lo, hi]. RSR: render "
        + "success rate. VS: visual similarity, failed renders counted 0. CodeBLEU over samples with a program. "
        + "Recovered by feedback: first round failed, a later round rendered."));
    b.append(ReportTables.aggregates(rows));
    int width = EvalCharts.qualityWidth(rows);
    b.append(charts.write("rsr", EvalCharts.quality(rows, EvalAggregate::rsr, "Render success rate", "RSR"),
        width, 420, "Render success rate by policy, stage and strategy (bootstrap interval)"));
    b.append(charts.write("vs_study", EvalCharts.quality(rows, EvalAggregate::vsStudy,
        "Visual similarity (study)", "mean VS"), width, 420, "Mean visual similarity, the study's definition"));
    b.append(charts.write("vs_default", EvalCharts.quality(rows, EvalAggregate::vsDefault,
        "Visual similarity (default)", "mean VS"), width, 420, "Mean visual similarity, the default definition"));
  }

  private static void failures(StringBuilder b, List<EvalSample> samples, ChartFiles charts) {
    b.append(section("failures", "Failure taxonomy"));
    Map<String, Map<String, Integer>> counts = FailureTaxonomy.countByStrategy(samples);
    JFreeChart chart = EvalCharts.failures(counts);
    if (chart == null) {
      b.append(Html.tag("p", "No sample failed."));
      return;
    }
    b.append(Html.tag("p", "The final round's exception type, or its status when it raised none, of every "
        + "failed sample."));
    b.append(charts.write("failures", chart, 900, 480, "Failed samples by final error and strategy"));
    b.append(ReportTables.failureCounts(counts));
  }

  private static void recovery(StringBuilder b, List<EvalSample> samples, ChartFiles charts) {
    b.append(section("round-recovery", "Round-by-round recovery"));
    List<RoundRecovery> curves = RoundRecovery.compute(samples);
    if (curves.isEmpty()) {
      b.append(Html.tag("p", "No samples."));
      return;
    }
    b.append(Html.tag("p", "The share of samples rendered within r rounds: the climb after round 1 is what "
        + "render feedback recovered."));
    b.append(charts.write("recovery", EvalCharts.recovery(curves), 900, 480, "Cumulative success by round"));
    b.append(ReportTables.recovery(curves));
  }

  private static void codeVsVisual(StringBuilder b, List<EvalSample> samples, ChartFiles charts) {
    b.append(section("code-vs-visual", "Code metric vs visual metric"));
    JFreeChart chart = EvalCharts.codeVsVisual(samples);
    if (chart == null) {
      b.append(Html.tag("p", "No sample has a CodeBLEU score."));
      return;
    }
    b.append(Html.tag("p", "Over samples with a program, all policies pooled; failed renders sit at VS 0."));
    b.append(charts.write("codebleu_vs_visual", chart, 800, 560, "CodeBLEU against visual similarity (default)"));
    b.append(ReportTables.correlations(CodeVisualCorrelation.compute(samples)));
  }

  private static void worst(StringBuilder b, Path dir, List<EvalSample> samples, int count) throws IOException {
    b.append(section("worst", "Worst failures"));
    List<EvalSample> worst = WorstFailures.pick(samples, count);
    long failed = samples.stream().filter(s -> !s.success()).count();
    if (worst.isEmpty()) {
      b.append(Html.tag("p", "No sample failed."));
      return;
    }
    b.append(Html.tag("p", worst.size() + " of " + failed + " failed samples: lowest visual similarity, then no "
        + "program, lowest CodeBLEU and most rounds first. Each links to every round's program and stderr."));
    Files.createDirectories(dir.resolve(SAMPLES_DIR));
    List<String> pages = new ArrayList<>();
    for (int i = 0; i < worst.size(); i++) {
      EvalSample s = worst.get(i);
      String page = SAMPLES_DIR + "/" + String.format("%02d-", i + 1)
          + Html.fileName(s.policy() + "-" + s.stage() + "-" + s.strategy() + "-" + s.promptId(), 80) + ".html";
      Files.writeString(dir.resolve(page),
          SamplePage.html(s, "../" + REPORT_FILE + "#" + ReportTables.failureAnchor(i)), StandardCharsets.UTF_8);
      pages.add(page);
    }
    b.append(ReportTables.worstFailures(worst, pages));
  }

  private static void training(StringBuilder b, ReportInput in, ChartFiles charts) {
    b.append(section("training", "Training"));
    List<RewardStep> shown = TrainingCharts.thin(in.rewards(), TrainingCharts.MAX_REWARD_STEPS);
    JFreeChart rewards = TrainingCharts.rewards(shown);
    if (rewards == null) {
      b.append(Html.tag("p", "No reward distributions were given."));
    } else {
      if (shown.size() < in.rewards().size()) {
        b.append(Html.tag("p", shown.size() + " of " + in.rewards().size() + " steps shown, evenly spaced."));
      }
      b.append(charts.write("rewards", rewards, Math.max(800, 40 * shown.size()), 450,
          "Reward distribution per GRPO step (box: quartiles; whiskers: 1.5 IQR)"));
    }
    Map<String, JFreeChart> curves = TrainingCharts.curves(in.trainingCurves());
    if (curves.isEmpty()) {
      b.append(Html.tag("p", "No training curves were given."));
      return;
    }
    int i = 0;
    for (Map.Entry<String, JFreeChart> e : curves.entrySet()) {
      b.append(charts.write("curve-" + (++i) + "-" + e.getKey(), e.getValue(), 700, 320,
          "Training curve: " + e.getKey()));
    }
  }

  /** The sections, as (anchor, title), in page order: the table of contents. */
  private static final String[][] SECTIONS = {
      {"configuration", "Configuration"}, {"results", "Results"}, {"cost", "Cost against direct"},
      {"published", "Published results"}, {"failures", "Failure taxonomy"},
      {"round-recovery", "Round-by-round recovery"}, {"code-vs-visual", "Code metric vs visual metric"},
      {"worst", "Worst failures"}, {"training", "Training"}};

  private static String contents() {
    StringBuilder b = new StringBuilder("<nav><ul>\n");
    for (String[] s : SECTIONS) {
      b.append("<li>").append(Html.link("#" + s[0], s[1])).append("</li>\n");
    }
    return b.append("</ul></nav>\n").toString();
  }

  private static String section(String id, String title) {
    return "<h2 id=\"" + Html.esc(id) + "\">" + Html.esc(title) + "</h2>\n";
  }
}

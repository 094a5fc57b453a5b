package dev.manimgrpo.jobs.eval.report;

import dev.manimgrpo.core.eval.CodeVisualCorrelation;
import dev.manimgrpo.core.eval.EvalAggregate;
import dev.manimgrpo.core.eval.EvalSample;
import dev.manimgrpo.core.eval.FailureTaxonomy;
import dev.manimgrpo.core.eval.RoundRecovery;
import dev.manimgrpo.core.eval.StudyResult;
import java.util.List;
import java.util.Map;

/** The report's tables, each from plain records; intervals read "mean [lo, hi]". */
final class ReportTables {

  /** Decimals of every rate and score in the run's tables. */
  static final int DECIMALS = 2;

  private ReportTables() {}

  static Html.Fragment config(Map<String, String> config) {
    HtmlTable t = new HtmlTable("config", "setting", "value");
    config.forEach((k, v) -> t.add(k, v));
    return t.render();
  }

  /** Quality per (policy, stage, strategy), with bootstrap intervals, and how RITL's rounds got there. */
  static Html.Fragment aggregates(List<EvalAggregate> rows) {
    HtmlTable t = new HtmlTable("aggregates", "policy", "stage", "strategy", "n", "RSR", "VS (study)", "VS (default)",
        "CodeBLEU", "with program", "mean rounds", "first-round RSR", "recovered by feedback")
        .numeric(3, 4, 5, 6, 7, 8, 9, 10, 11);
    for (EvalAggregate a : rows) {
      t.add(a.policy(), a.stage(), a.strategy(), a.n(), a.rsr().format(DECIMALS), a.vsStudy().format(DECIMALS),
          a.vsDefault().format(DECIMALS), a.codeBleu().format(DECIMALS), a.withProgram(),
          Html.num(a.meanRounds(), DECIMALS), Html.num(a.firstRoundSuccessRate(), DECIMALS), a.recoveredByFeedback());
    }
    return t.render();
  }

  /** What each strategy costs per sample, and as a multiple of the same policy and stage answering directly. */
  static Html.Fragment costs(List<EvalAggregate> rows) {
    HtmlTable t = new HtmlTable("costs", "policy", "stage", "strategy", "renders / sample", "tokens / sample",
        "wall s / sample", "renders vs direct", "tokens vs direct", "wall vs direct").numeric(3, 4, 5, 6, 7, 8);
    for (EvalAggregate a : rows) {
      t.add(a.policy(), a.stage(), a.strategy(), Html.num(a.rendersPerSample(), DECIMALS),
          Html.num(a.tokensPerSample(), 0), Html.num(a.wallSecondsPerSample(), DECIMALS),
          Html.ratio(a.rendersVsDirect()), Html.ratio(a.tokensVsDirect()), Html.ratio(a.wallVsDirect()));
    }
    return t.render();
  }

  /** This run's headline numbers beside the published ones, in the study's columns. */
  static Html.Fragment runBesideStudy(List<EvalAggregate> rows, List<StudyResult> study) {
    HtmlTable run = new HtmlTable("run-results", "policy", "stage", "strategy", "mean rounds", "RSR", "VS (study)")
        .numeric(3, 4, 5);
    for (EvalAggregate a : rows) {
      run.add(a.policy(), a.stage(), a.strategy(), Html.num(a.meanRounds(), DECIMALS), a.rsr().format(DECIMALS),
          a.vsStudy().format(DECIMALS));
    }
    HtmlTable published = new HtmlTable("study", "model", "training", "strategy", "rounds", "RSR", "VS", "source")
        .numeric(3, 4, 5);
    for (StudyResult r : study) {
      published.add(r.model(), r.training(), r.strategy(), r.rounds() == null ? Html.NA : r.rounds().toString(),
          Html.num(r.rsr(), 2), Html.num(r.vs(), 3), r.source());
    }
    return new Html.Fragment("<div class=\"side\">\n<div>" + Html.tag("h3", "This run") + run.render()
        + "</div>\n<div>" + Html.tag("h3", "Published") + (study.isEmpty()
            ? Html.tag("p", "No published figures were given.") : published.render())
        + "</div>\n</div>\n");
  }

  static Html.Fragment failureCounts(Map<String, Map<String, Integer>> byStrategy) {
    HtmlTable t = new HtmlTable("failure-counts", "strategy", "final error", "failed samples").numeric(2);
    byStrategy.forEach((strategy, counts) -> counts.forEach((label, n) -> t.add(strategy, label, n)));
    return t.render();
  }

  static Html.Fragment recovery(List<RoundRecovery> curves) {
    int rounds = curves.stream().mapToInt(RoundRecovery::rounds).max().orElse(1);
    String[] header = new String[4 + rounds];
    header[0] = "policy";
    header[1] = "stage";
    header[2] = "strategy";
    header[3] = "n";
    for (int r = 1; r <= rounds; r++) {
      header[3 + r] = "\u2264 " + r + (r == 1 ? " round" : " rounds");
    }
    HtmlTable t = new HtmlTable("recovery", header);
    for (int c = 3; c < header.length; c++) {
      t.numeric(c);
    }
    for (RoundRecovery c : curves) {
      Object[] row = new Object[header.length];
      row[0] = c.policy();
      row[1] = c.stage();
      row[2] = c.strategy();
      row[3] = c.n();
      for (int r = 1; r <= rounds; r++) {
        // a group that stopped earlier stays where it ended
        row[3 + r] = Html.num(c.cumulativeSuccess().get(Math.min(r, c.rounds()) - 1), DECIMALS);
      }
      t.add(row);
    }
    return t.render();
  }

  static Html.Fragment correlations(List<CodeVisualCorrelation> rows) {
    HtmlTable t = new HtmlTable("correlations", "stage", "strategy", "pairs", "Pearson r", "Spearman \u03c1")
        .numeric(2, 3, 4);
    for (CodeVisualCorrelation c : rows) {
      t.add(c.stage(), c.strategy(), c.n(), Html.num(c.pearson(), DECIMALS), Html.num(c.spearman(), DECIMALS));
    }
    return t.render();
  }

  /**
   * The worst failures, each row an anchor ({@code failure-NN}) linking to the sample's page.
   *
   * @param pages the page of each sample, relative to the report, in the same order
   */
  static Html.Fragment worstFailures(List<EvalSample> worst, List<String> pages) {
    HtmlTable t = new HtmlTable("worst-failures", "#", "policy", "stage", "strategy", "prompt", "difficulty",
        "final error", "rounds", "VS (default)", "CodeBLEU", "details").numeric(0, 7, 8, 9);
    for (int i = 0; i < worst.size(); i++) {
      EvalSample s = worst.get(i);
      t.addWithId(failureAnchor(i), i + 1, s.policy(), s.stage(), s.strategy(), s.promptId(), s.difficulty(),
          FailureTaxonomy.label(s), s.roundsUsed(), Html.num(s.vsDefault(), DECIMALS), Html.num(s.codeBleu(), DECIMALS),
          Html.link(pages.get(i), "every round"));
    }
    return t.render();
  }

  /** The anchor of the i-th (0-based) worst failure's row. */
  static String failureAnchor(int i) {
    return String.format("failure-%02d", i + 1);
  }
}

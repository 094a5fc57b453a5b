package dev.manimgrpo.jobs.eval;

import dev.manimgrpo.core.dataset.Rejection;
import dev.manimgrpo.core.eval.EvalAggregate;
import dev.manimgrpo.jobs.report.TextTable;
import java.util.List;
import java.util.Locale;

/** The console tables at the end of an evaluation: quality with intervals, then what the loops cost. */
final class EvalSummary {

  private EvalSummary() {}

  static String render(String evalId, List<EvalAggregate> aggregates, double confidence) {
    String level = Math.round(confidence * 100) + "%";
    TextTable quality = new TextTable("policy", "stage", "strategy", "n", "RSR [" + level + "]",
        "VS study [" + level + "]", "VS default [" + level + "]", "CodeBLEU", "rounds", "recovered")
        .right(3, 8, 9);
    TextTable cost = new TextTable("policy", "strategy", "renders/sample", "tokens/sample", "wall s/sample",
        "renders x direct", "tokens x direct", "wall x direct").right(2, 3, 4, 5, 6, 7);
    for (EvalAggregate a : aggregates) {
      quality.add(a.policy(), a.stage(), a.strategy(), a.n(), a.rsr().format(3), a.vsStudy().format(3),
          a.vsDefault().format(3), a.codeBleu().format(3), fmt(a.meanRounds(), 2), a.recoveredByFeedback());
      cost.add(a.policy(), a.strategy(), fmt(a.rendersPerSample(), 2),
          a.tokensPerSample() == null ? "n/a" : fmt(a.tokensPerSample(), 0), fmt(a.wallSecondsPerSample(), 2),
          ratio(a.rendersVsDirect()), ratio(a.tokensVsDirect()), ratio(a.wallVsDirect()));
    }
    return "\nEvaluation " + evalId + " (VS counts a failed render as 0, as the study does; intervals: percentile"
        + " bootstrap)\n" + quality.render() + "\nCost per sample, and against direct answers of the same policy\n"
        + cost.render();
  }

  /** The quarantine line: how many input rows were not evaluated, per reason, and where they are. */
  static String quarantine(List<Rejection> rows, String table) {
    if (rows.isEmpty()) {
      return "\nInput rows quarantined: 0\n";
    }
    java.util.Map<String, Long> byReason = new java.util.TreeMap<>();
    rows.forEach(r -> byReason.merge(r.reason().wireName(), 1L, Long::sum));
    return "\nInput rows quarantined: " + rows.size() + " " + byReason + " in " + table + "\n";
  }

  private static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String ratio(Double r) {
    return r == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", r);
  }
}

package dev.manimgrpo.jobs.report;

import dev.manimgrpo.jobs.RenderSamplesJob;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/** The console summary of a render-samples run: every sample, then totals per type. */
public final class RenderSummary {

  private RenderSummary() {}

  public static String render(RenderSamplesJob.Outcome outcome) {
    List<Row> rows = outcome.rows();
    TextTable samples = new TextTable("sample", "type", "split", "scene", "status", "dur s", "frames", "render s", "cached")
        .right(5, 6, 7);
    Map<String, int[]> byType = new TreeMap<>();
    Map<String, double[]> timeByType = new TreeMap<>();
    int cached = 0;
    StringBuilder failures = new StringBuilder();
    for (Row r : rows) {
      String type = r.getAs("type");
      String status = r.getAs("status");
      boolean hit = r.getAs("cached");
      cached += hit ? 1 : 0;
      samples.add(r.getAs("sample_id"), type, r.getAs("split"), r.getAs("scene"), status,
          fmt(r.<Double>getAs("duration_s")), r.<Integer>getAs("frame_count"), fmt(r.<Double>getAs("render_s")),
          hit ? "yes" : "no");
      int[] c = byType.computeIfAbsent(type, k -> new int[2]);
      c[0]++;
      c[1] += "rendered".equals(status) ? 1 : 0;
      timeByType.computeIfAbsent(type, k -> new double[1])[0] += r.<Double>getAs("render_s");
      if (!"rendered".equals(status)) {
        failures.append("  ").append(r.<String>getAs("sample_id")).append(" ").append(status).append(": ")
            .append(r.<String>getAs("message")).append('\n');
        for (Object line : r.getList(r.fieldIndex("stderr_tail"))) {
          failures.append("      ").append(line).append('\n');
        }
      }
    }
    TextTable totals = new TextTable("type", "samples", "rendered", "render success", "render s (sum)").right(1, 2, 3, 4);
    int n = 0;
    int ok = 0;
    double time = 0;
    for (Map.Entry<String, int[]> e : byType.entrySet()) {
      int[] c = e.getValue();
      double t = timeByType.get(e.getKey())[0];
      totals.add(e.getKey(), c[0], c[1], pct(c[1], c[0]), fmt(t));
      n += c[0];
      ok += c[1];
      time += t;
    }
    totals.add("all", n, ok, pct(ok, n), fmt(time));
    StringBuilder sb = new StringBuilder();
    sb.append("\nReference renders of run ").append(outcome.runId()).append('\n');
    sb.append(samples.render()).append('\n').append(totals.render());
    if (failures.length() > 0) {
      sb.append("\nFailures:\n").append(failures);
    }
    sb.append(String.format(Locale.ROOT, "%n%d of %d served from the reference cache. Table: %s (run_id=%s)%n",
        cached, n, outcome.outputPath(), outcome.runId()));
    sb.append(String.format(Locale.ROOT, "References that did not render: %d of %d%n", n - ok, n));
    if (outcome.quarantined().isEmpty()) {
      sb.append("Input rows quarantined: 0\n");
    } else {
      Map<String, Integer> byReason = new TreeMap<>();
      outcome.quarantined().forEach(q -> byReason.merge(q.reason().wireName(), 1, Integer::sum));
      sb.append("Input rows quarantined: ").append(outcome.quarantined().size()).append(' ').append(byReason)
          .append(" in ").append(outcome.quarantine()).append('\n');
    }
    sb.append("Query it: spark.read.parquet(\"").append(outcome.outputPath())
        .append("\").groupBy(\"type\", \"status\").count().show()\n");
    return sb.toString();
  }

  private static String fmt(Double d) {
    return d == null ? "" : String.format(Locale.ROOT, "%.2f", d);
  }

  private static String pct(int a, int b) {
    return b == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * a / b);
  }
}

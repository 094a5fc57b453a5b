package dev.manimgrpo.trainer.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run's curves as one SVG file ({@code metrics.svg}, next to metrics.jsonl): one panel per
 * metric (loss; for GRPO also mean reward, KL and clip fraction) over the step, so a person can
 * look at a run in a browser without a notebook.
 */
final class MetricsPlot {

  private static final int W = 520;
  private static final int H = 170;
  private static final int PAD = 44;

  private MetricsPlot() {}

  /** The SVG for {@code rows}, plotting those of {@code keys} that the rows carry. */
  static String svg(String title, List<ObjectNode> rows, List<String> keys) {
    List<String> present = new ArrayList<>();
    for (String k : keys) {
      if (rows.stream().anyMatch(r -> r.path(k).isNumber())) {
        present.add(k);
      }
    }
    StringBuilder b = new StringBuilder();
    int height = Math.max(1, present.size()) * H + 30;
    b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
        + " font-family=\"sans-serif\" font-size=\"11\">%n", W, height));
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\">%s</text>%n", PAD, escape(title)));
    for (int i = 0; i < present.size(); i++) {
      panel(b, rows, present.get(i), 30 + i * H);
    }
    return b.append("</svg>\n").toString();
  }

  private static void panel(StringBuilder b, List<ObjectNode> rows, String key, int top) {
    List<double[]> pts = new ArrayList<>();
    for (ObjectNode r : rows) {
      if (r.path(key).isNumber() && Double.isFinite(r.path(key).asDouble())) {
        pts.add(new double[] {r.path("step").asDouble(), r.path(key).asDouble()});
      }
    }
    double x0 = pts.stream().mapToDouble(p -> p[0]).min().orElse(0);
    double x1 = pts.stream().mapToDouble(p -> p[0]).max().orElse(1);
    double y0 = pts.stream().mapToDouble(p -> p[1]).min().orElse(0);
    double y1 = pts.stream().mapToDouble(p -> p[1]).max().orElse(1);
    if (x1 == x0) {
      x1 = x0 + 1;
    }
    if (y1 == y0) {
      y1 = y0 + 1;
    }
    int left = PAD;
    int right = W - 12;
    int ptop = top + 14;
    int bottom = top + H - 26;
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", left, top + 8, key));
    b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
        left, ptop, right - left, bottom - ptop));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.4g</text>%n", left - 3, ptop + 9, y1));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.4g</text>%n", left - 3, bottom, y0));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">step %.0f</text>%n", left, bottom + 13, x0));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>%n", right, bottom + 13, x1));
    StringBuilder path = new StringBuilder();
    for (double[] p : pts) {
      double x = left + (p[0] - x0) / (x1 - x0) * (right - left);
      double y = bottom - (p[1] - y0) / (y1 - y0) * (bottom - ptop);
      path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
    }
    if (path.length() > 0) {
      b.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>\n");
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}

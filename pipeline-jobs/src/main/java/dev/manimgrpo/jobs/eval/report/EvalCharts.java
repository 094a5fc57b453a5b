package dev.manimgrpo.jobs.eval.report;

import dev.manimgrpo.core.eval.BootstrapInterval.Interval;
import dev.manimgrpo.core.eval.EvalAggregate;
import dev.manimgrpo.core.eval.EvalGroup;
import dev.manimgrpo.core.eval.EvalSample;
import dev.manimgrpo.core.eval.RoundRecovery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** The evaluation's charts, built from plain records (drawing is {@link ChartFiles}' job). */
final class EvalCharts {

  /** Failure labels shown by name; the rest are summed as "other" so the chart stays legible. */
  static final int MAX_FAILURE_LABELS = 12;

  private EvalCharts() {}

  /**
   * A metric with its confidence interval for every (policy, stage), one marker per strategy, side by
   * side. Markers with whiskers rather than bars: a bar's area suggests a quantity from zero, an
   * interval does not.
   */
  static JFreeChart quality(List<EvalAggregate> rows, Function<EvalAggregate, Interval> metric, String title,
      String yLabel) {
    List<String> cells = rows.stream().map(EvalCharts::cell).distinct().toList();
    List<String> strategies = strategies(rows);
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    for (int si = 0; si < strategies.size(); si++) {
      String strategy = strategies.get(si);
      double offset = (si - (strategies.size() - 1) / 2.0) * 0.2;
      YIntervalSeries series = new YIntervalSeries(strategy);
      for (EvalAggregate a : rows) {
        Interval i = metric.apply(a);
        if (a.strategy().equals(strategy) && !i.isEmpty()) {
          series.add(cells.indexOf(cell(a)) + offset, i.mean(), i.lo(), i.hi());
        }
      }
      data.addSeries(series);
    }
    SymbolAxis x = new SymbolAxis("policy / stage", cells.toArray(String[]::new));
    x.setRange(-0.6, Math.max(0, cells.size() - 1) + 0.6);
    x.setGridBandsVisible(false);
    x.setVerticalTickLabels(cells.size() > 4);
    NumberAxis y = new NumberAxis(yLabel);
    y.setRange(0, 1.02);
    XYErrorRenderer renderer = new XYErrorRenderer();
    renderer.setDrawXError(false);
    renderer.setDefaultLinesVisible(false);
    renderer.setDefaultShapesVisible(true);
    renderer.setCapLength(8);
    return new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, new XYPlot(data, x, y, renderer), true);
  }

  /** Width that gives each (policy, stage) of the quality chart room for its markers and label. */
  static int qualityWidth(List<EvalAggregate> rows) {
    return Math.max(700, 200 + 110 * (int) rows.stream().map(EvalCharts::cell).distinct().count());
  }

  /**
   * Failed samples by final error class and strategy, the most frequent classes first; null when
   * nothing failed.
   */
  static JFreeChart failures(Map<String, Map<String, Integer>> byStrategy) {
    Map<String, Integer> totals = new LinkedHashMap<>();
    byStrategy.values().forEach(m -> m.forEach((label, n) -> totals.merge(label, n, Integer::sum)));
    if (totals.isEmpty()) {
      return null;
    }
    List<String> labels = new ArrayList<>(totals.keySet());
    labels.sort((a, b) -> totals.get(b) - totals.get(a) != 0 ? totals.get(b) - totals.get(a) : a.compareTo(b));
    List<String> shown = labels.subList(0, Math.min(MAX_FAILURE_LABELS, labels.size()));
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    byStrategy.forEach((strategy, counts) -> {
      int other = 0;
      for (String label : shown) {
        data.addValue(counts.getOrDefault(label, 0), strategy, label);
      }
      for (Map.Entry<String, Integer> e : counts.entrySet()) {
        other += shown.contains(e.getKey()) ? 0 : e.getValue();
      }
      if (labels.size() > shown.size()) {
        data.addValue(other, strategy, "other");
      }
    });
    JFreeChart chart = ChartFactory.createBarChart("Failures by final error", "final error class or status",
        "failed samples", data, PlotOrientation.HORIZONTAL, true, false, false);
    ((NumberAxis) chart.getCategoryPlot().getRangeAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    return chart;
  }

  /** Cumulative success after each round, one line per (policy, stage, strategy). */
  static JFreeChart recovery(List<RoundRecovery> curves) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (RoundRecovery c : curves) {
      XYSeries s = new XYSeries(c.group().label());
      for (int r = 1; r <= c.rounds(); r++) {
        s.add(r, c.cumulativeSuccess().get(r - 1));
      }
      data.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Success after r rounds", "round r",
        "share rendered within r rounds", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.02);
    ((XYLineAndShapeRenderer) plot.getRenderer()).setDefaultShapesVisible(true);
    return chart;
  }

  /** CodeBLEU against the default visual similarity, one colour per strategy; null without a program. */
  static JFreeChart codeVsVisual(List<EvalSample> samples) {
    XYSeriesCollection data = new XYSeriesCollection();
    List<String> strategies = samples.stream().map(EvalSample::strategy).distinct()
        .sorted(EvalGroup.STRATEGY_ORDER).toList();
    int points = 0;
    for (String strategy : strategies) {
      XYSeries s = new XYSeries(strategy, false, true);
      for (EvalSample x : samples) {
        if (x.strategy().equals(strategy) && x.codeBleu() != null) {
          s.add(x.codeBleu().doubleValue(), x.vsDefault());
          points++;
        }
      }
      data.addSeries(s);
    }
    if (points == 0) {
      return null;
    }
    JFreeChart chart = ChartFactory.createScatterPlot("CodeBLEU vs visual similarity", "CodeBLEU",
        "visual similarity (default; failed render = 0)", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    ((NumberAxis) plot.getDomainAxis()).setRange(0, 1.02);
    ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.02);
    return chart;
  }

  private static String cell(EvalAggregate a) {
    return a.policy() + " / " + a.stage();
  }

  private static List<String> strategies(List<EvalAggregate> rows) {
    return rows.stream().map(EvalAggregate::strategy).distinct().sorted(EvalGroup.STRATEGY_ORDER).toList();
  }
}

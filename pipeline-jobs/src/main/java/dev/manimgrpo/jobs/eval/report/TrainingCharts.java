package dev.manimgrpo.jobs.eval.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Charts of the training that produced the evaluated policies: reward distributions and curves. */
final class TrainingCharts {

  /** Steps shown in the reward box plot; longer runs are thinned evenly, first and last step kept. */
  static final int MAX_REWARD_STEPS = 40;

  private TrainingCharts() {}

  /** The steps the box plot shows: all of them, or {@code max} spread evenly from first to last. */
  static List<RewardStep> thin(List<RewardStep> steps, int max) {
    List<RewardStep> nonEmpty = steps.stream().filter(s -> !s.rewards().isEmpty()).toList();
    if (nonEmpty.size() <= max) {
      return nonEmpty;
    }
    List<RewardStep> out = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      out.add(nonEmpty.get((int) Math.round(i * (nonEmpty.size() - 1) / (double) (max - 1))));
    }
    return out;
  }

  /** A box per GRPO step of its completions' rewards (quartiles, whiskers, mean); null without any. */
  static JFreeChart rewards(List<RewardStep> shown) {
    if (shown.isEmpty()) {
      return null;
    }
    DefaultBoxAndWhiskerCategoryDataset data = new DefaultBoxAndWhiskerCategoryDataset();
    for (RewardStep s : shown) {
      data.add(s.rewards(), "reward", Integer.valueOf(s.step()));
    }
    BoxAndWhiskerRenderer renderer = new BoxAndWhiskerRenderer();
    renderer.setMeanVisible(true);
    renderer.setSeriesPaint(0, new Color(0x9E, 0xCA, 0xE1));
    renderer.setSeriesOutlinePaint(0, new Color(0x31, 0x82, 0xBD));
    renderer.setMaxOutlierVisible(false);
    renderer.setMinOutlierVisible(false);
    NumberAxis y = new NumberAxis("reward");
    y.setAutoRangeIncludesZero(false);
    CategoryAxis x = new CategoryAxis("GRPO step");
    CategoryPlot plot = new CategoryPlot(data, x, y, renderer);
    return new JFreeChart("Reward distribution per GRPO step", JFreeChart.DEFAULT_TITLE_FONT, plot, false);
  }

  /** One line chart per metric, metrics by name: their scales differ, so they share no axis. */
  static Map<String, JFreeChart> curves(List<TrainingPoint> points) {
    Map<String, XYSeries> byMetric = new TreeMap<>();
    for (TrainingPoint p : points) {
      byMetric.computeIfAbsent(p.metric(), m -> new XYSeries(m)).add(p.step(), p.value());
    }
    Map<String, JFreeChart> out = new LinkedHashMap<>();
    byMetric.forEach((metric, series) -> {
      JFreeChart chart = ChartFactory.createXYLineChart(metric, "step", metric, new XYSeriesCollection(series),
          PlotOrientation.VERTICAL, false, false, false);
      ((NumberAxis) chart.getXYPlot().getRangeAxis()).setAutoRangeIncludesZero(false);
      out.put(metric, chart);
    });
    return out;
  }
}

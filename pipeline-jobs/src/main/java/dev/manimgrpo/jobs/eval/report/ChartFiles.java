package dev.manimgrpo.jobs.eval.report;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes charts as PNG files under the report's {@code img/} folder and hands back the markup that
 * shows them. Drawing is headless (a cluster driver has no display); a chart that cannot be drawn (an
 * AWT without fonts, say) becomes a note in the report instead of failing the whole report.
 */
final class ChartFiles {

  /** The folder, relative to report.html, that holds the images. */
  static final String IMG_DIR = "img";

  private static final Logger LOG = LoggerFactory.getLogger(ChartFiles.class);

  static {
    // before any AWT class initialises: later it has no effect
    System.setProperty("java.awt.headless", "true");
  }

  private final Path reportDir;

  ChartFiles(Path reportDir) throws IOException {
    this.reportDir = reportDir;
    Files.createDirectories(reportDir.resolve(IMG_DIR));
  }

  /**
   * Draws {@code chart} into {@code img/<name>.png} and returns a figure showing it with the caption,
   * or a note saying why it could not be drawn.
   */
  Html.Fragment write(String name, JFreeChart chart, int width, int height, String caption) {
    String relative = IMG_DIR + "/" + Html.fileName(name, 80) + ".png";
    style(chart);
    try (OutputStream out = Files.newOutputStream(reportDir.resolve(relative))) {
      ChartUtils.writeChartAsPNG(out, chart, width, height);
    } catch (IOException | RuntimeException | LinkageError | java.awt.AWTError e) {
      LOG.warn("Cannot draw chart {}: {}", relative, e.toString());
      return new Html.Fragment("<p class=\"note\">" + Html.esc("Chart '" + caption + "' could not be drawn: " + e)
          + "</p>\n");
    }
    return new Html.Fragment("<figure>" + Html.img(relative, caption) + "<figcaption>" + Html.esc(caption)
        + "</figcaption></figure>\n");
  }

  /** White backgrounds and light grid lines: readable when printed or pasted into a paper draft. */
  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    Plot plot = chart.getPlot();
    plot.setBackgroundPaint(Color.WHITE);
    Color grid = new Color(0xDD, 0xDD, 0xDD);
    if (plot instanceof XYPlot xy) {
      xy.setDomainGridlinePaint(grid);
      xy.setRangeGridlinePaint(grid);
    } else if (plot instanceof CategoryPlot cat) {
      cat.setRangeGridlinePaint(grid);
    }
  }
}

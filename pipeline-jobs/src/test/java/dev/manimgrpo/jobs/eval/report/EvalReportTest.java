package dev.manimgrpo.jobs.eval.report;

import static dev.manimgrpo.core.eval.EvalSampleBuilder.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.eval.EvalAggregate;
import dev.manimgrpo.core.eval.EvalAggregates;
import dev.manimgrpo.core.eval.EvalSample;
import dev.manimgrpo.core.eval.StudyResults;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalReportTest {

  static final String HOSTILE_CODE = "from manim import *\n<script>alert(1)</script>\nclass S(Scene): pass\n";

  /** Two strategies of one policy, a second policy without a direct row, and one hostile failure. */
  static List<EvalSample> samples() {
    List<EvalSample> s = new ArrayList<>();
    s.add(sample("p", "base", "direct", "a").vs(0.8, 0.7).codeBleu(0.5).tokens(100, 50).wall(2).build());
    s.add(sample("p", "base", "direct", "b").rounds("runtime_error").error("NameError").codeBleu(0.3)
        .stderr("NameError: name 'Circel' is not defined").tokens(100, 40).wall(2).build());
    s.add(sample("p", "base", "direct", "c").vs(0.6, 0.5).codeBleu(0.7).tokens(120, 60).wall(4).build());
    s.add(sample("p", "base", "direct", "d").rounds("no_code").code("").renders(0).tokens(80, 30).wall(1).build());
    s.add(sample("p", "base", "ritl", "a").vs(0.9, 0.8).codeBleu(0.6).tokens(100, 50).wall(3).build());
    s.add(sample("p", "base", "ritl", "b").rounds("runtime_error", "rendered").vs(0.7, 0.6).codeBleu(0.4)
        .tokens(300, 100).wall(6).build());
    s.add(sample("p", "base", "ritl", "c").rounds("syntax_error", "runtime_error", "rendered").vs(0.5, 0.4)
        .codeBleu(0.5).tokens(500, 150).wall(9).build());
    s.add(sample("p", "base", "ritl", "d\"><b>x</b>/../../etc").rounds("runtime_error", "runtime_error",
        "runtime_error").error("AttributeError").code(HOSTILE_CODE)
        .stderr("  File \"<string>\", line 2", "<img src=x onerror=alert(2)>").codeBleu(0.2).tokens(450, 150)
        .wall(8).build());
    s.add(sample("q", "sft", "ritl_doc", "a").vs(0.5, 0.5).codeBleu(0.6).build());
    s.add(sample("q", "sft", "ritl_doc", "b").rounds("timeout", "rendered").vs(0.3, 0.1).codeBleu(0.2).build());
    return s;
  }

  static ReportInput input(List<RewardStep> rewards, List<TrainingPoint> curves) {
    List<EvalSample> samples = samples();
    Map<String, String> config = new LinkedHashMap<>();
    config.put("split", "test");
    config.put("bootstrap", "B=500, 95%");
    return new ReportInput("Eval <report>", "eval-7", Instant.parse("2026-01-02T03:04:05Z"), config, samples,
        EvalAggregates.compute(samples, 500, 1, 0.95), StudyResults.bundled(), rewards, curves);
  }

  @Test
  void theAggregateTableShowsMeansWithIntervals(@TempDir Path dir) throws IOException {
    ReportInput in = input(List.of(), List.of());
    Document doc = parse(EvalReport.write(dir, in));
    Element table = doc.getElementById("aggregates");
    assertThat(table).isNotNull();
    List<String> ritl = row(table, "p", "base", "ritl");
    EvalAggregate agg = in.aggregates().get(1);
    // n, RSR 3/4, VS study 2.1/4, VS default 1.8/4, CodeBLEU 1.7/4, rounds 9/4, first round 1/4, recovered 2
    assertThat(ritl.get(3)).isEqualTo("4");
    assertThat(ritl.get(4)).startsWith("0.75 [").isEqualTo(agg.rsr().format(2));
    assertThat(ritl.get(5)).startsWith("0.53 [").isEqualTo(agg.vsStudy().format(2));
    assertThat(ritl.get(6)).startsWith("0.45 [").isEqualTo(agg.vsDefault().format(2));
    assertThat(ritl.get(7)).startsWith("0.43 [");
    assertThat(ritl.subList(8, 12)).containsExactly("4", "2.25", "0.25", "2");
    assertThat(row(table, "q", "sft", "ritl_doc").get(4)).isEqualTo("1.00 [1.00, 1.00]");

    List<String> cost = row(doc.getElementById("costs"), "p", "base", "ritl");
    // renders 2.25 vs 0.75, tokens 450 vs 145, wall 6.5 vs 2.25
    assertThat(cost.subList(3, 9)).containsExactly("2.25", "450", "6.50", "3.00\u00d7", "3.10\u00d7", "2.89\u00d7");
    assertThat(row(doc.getElementById("costs"), "q", "sft", "ritl_doc").subList(6, 9))
        .containsExactly("n/a", "n/a", "n/a");
    assertThat(doc.title()).isEqualTo("Eval <report>");
  }

  @Test
  void everyInternalLinkHasOneTarget(@TempDir Path dir) throws IOException {
    Document doc = parse(EvalReport.write(dir, input(List.of(), List.of())));
    List<String> ids = doc.select("[id]").eachAttr("id");
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(doc.select("a[href^=#]").eachAttr("href")).isNotEmpty()
        .allSatisfy(href -> assertThat(ids).contains(href.substring(1)));
  }

  @Test
  void everyPlotIsAnImageFileThatDecodes(@TempDir Path dir) throws IOException {
    List<RewardStep> rewards = IntStream.range(0, 3)
        .mapToObj(step -> new RewardStep(step, List.of(0.1 * step, 0.2 + 0.1 * step, 0.5, 0.9))).toList();
    List<TrainingPoint> curves = List.of(new TrainingPoint(0, "loss", 2.0), new TrainingPoint(1, "loss", 1.5),
        new TrainingPoint(0, "kl", 0.0), new TrainingPoint(1, "kl", 0.01));
    Document doc = parse(EvalReport.write(dir, input(rewards, curves)));
    List<String> sources = doc.select("img").eachAttr("src");
    assertThat(sources).containsExactlyInAnyOrder("img/rsr.png", "img/vs_study.png", "img/vs_default.png",
        "img/failures.png", "img/recovery.png", "img/codebleu_vs_visual.png", "img/rewards.png",
        "img/curve-1-kl.png", "img/curve-2-loss.png");
    for (String src : sources) {
      Path png = dir.resolve(src);
      assertThat(png).as(src).isRegularFile();
      BufferedImage image = ImageIO.read(png.toFile());
      assertThat(image).as(src).isNotNull();
      assertThat(image.getWidth()).as(src).isGreaterThanOrEqualTo(300);
      assertThat(image.getHeight()).as(src).isGreaterThanOrEqualTo(200);
      assertThat(Files.size(png)).as(src).isGreaterThan(5_000);
    }
    assertThat(doc.text()).doesNotContain("No reward distributions").doesNotContain("No training curves");
  }

  @Test
  void withoutTrainingDataTheSectionSaysSo(@TempDir Path dir) throws IOException {
    Document doc = parse(EvalReport.write(dir, input(List.of(), List.of())));
    assertThat(doc.text()).contains("No reward distributions were given.").contains("No training curves were given.");
    assertThat(doc.select("img").eachAttr("src")).doesNotContain("img/rewards.png");
  }

  @Test
  void thePublishedFiguresStandBesideTheRun(@TempDir Path dir) throws IOException {
    Document doc = parse(EvalReport.write(dir, input(List.of(), List.of())));
    assertThat(doc.getElementById("run-results")).isNotNull();
    Element study = doc.getElementById("study");
    assertThat(study.select("tbody tr")).hasSize(17);
    assertThat(row(study, "Qwen 3 Coder 30B", "sft_grpo", "ritl_doc")).containsExactly("Qwen 3 Coder 30B",
        "sft_grpo", "ritl_doc", "3", "0.94", "0.857", "ManimTrainer/ManimAgent (arXiv 2604.18364)");
    assertThat(row(study, "CodeGemma 7B", "sft", "direct").subList(4, 6)).containsExactly("0.40", "n/a");
  }

  @Test
  void worstFailuresLinkToPagesThatLinkBack(@TempDir Path dir) throws IOException {
    Document doc = parse(EvalReport.write(dir, input(List.of(), List.of()), 2));
    Element table = doc.getElementById("worst-failures");
    assertThat(table.select("tbody tr")).hasSize(2);
    List<String> links = table.select("a").eachAttr("href");
    assertThat(links).hasSize(2).allSatisfy(href -> assertThat(href).startsWith("samples/").doesNotContain(".."));
    for (String href : links) {
      Path page = dir.resolve(href);
      assertThat(page).isRegularFile();
      assertThat(page.normalize().getParent()).isEqualTo(dir.resolve("samples"));
      Document sample = Jsoup.parse(page.toFile(), "UTF-8");
      String back = sample.select("a").first().attr("href");
      assertThat(back).startsWith("../report.html#");
      assertThat(doc.getElementById(back.substring(back.indexOf('#') + 1))).as(back).isNotNull();
      assertThat(sample.select("h2[id^=round-]")).isNotEmpty();
    }
    // no program at all (NameError's has one, no_code has none) comes first among VS-0 failures
    assertThat(row(table, "1", "p", "base").get(6)).isEqualTo("no_code");
  }

  @Test
  void modelOutputIsEscapedEverywhere(@TempDir Path dir) throws IOException {
    Path report = EvalReport.write(dir, input(List.of(), List.of()), 10);
    Document doc = parse(report);
    Element hostileRow = doc.getElementById("worst-failures").select("tr:contains(etc)").first();
    assertThat(hostileRow.text()).contains("d\"><b>x</b>/../../etc");
    assertThat(doc.select("b")).isEmpty();
    Path page = dir.resolve(hostileRow.select("a").attr("href"));
    String raw = Files.readString(page, StandardCharsets.UTF_8);
    assertThat(raw).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>")
        .contains("&lt;img src=x onerror=alert(2)&gt;");
    Document sample = Jsoup.parse(page.toFile(), "UTF-8");
    assertThat(sample.select("script, b, img")).isEmpty();
    assertThat(sample.select("pre.code").text()).contains("<script>alert(1)</script>");
    assertThat(sample.select("pre").eachText()).anyMatch(t -> t.contains("<img src=x onerror=alert(2)>"));
    for (Path html : Files.walk(dir).filter(p -> p.toString().endsWith(".html")).toList()) {
      Document d = Jsoup.parse(html.toFile(), "UTF-8");
      assertThat(d.select("script")).as(html.toString()).isEmpty();
      // nothing is fetched from elsewhere: every link and image is a relative path
      assertThat(d.select("[src], [href]").stream().flatMap(e -> java.util.stream.Stream.of(e.attr("src"), e.attr("href"))))
          .as(html.toString()).allSatisfy(u -> assertThat(u).doesNotContain(":").doesNotStartWith("/"));
    }
  }

  private static Document parse(Path report) throws IOException {
    assertThat(report).isRegularFile().hasFileName("report.html");
    return Jsoup.parse(report.toFile(), "UTF-8");
  }

  /** The cells of the table's first body row that starts with the given cells. */
  private static List<String> row(Element table, String... first) {
    for (Element tr : table.select("tbody tr")) {
      List<String> cells = tr.select("td").eachText();
      if (cells.size() >= first.length && cells.subList(0, first.length).equals(List.of(first))) {
        return cells;
      }
    }
    throw new AssertionError("no row starting with " + List.of(first) + " in table " + table.id());
  }
}

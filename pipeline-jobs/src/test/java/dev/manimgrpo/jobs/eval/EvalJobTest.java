package dev.manimgrpo.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.agent.AgentRound;
import dev.manimgrpo.core.agent.ManimAgent;
import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.eval.BootstrapInterval;
import dev.manimgrpo.core.eval.EvalAggregate;
import dev.manimgrpo.core.eval.EvalAggregates;
import dev.manimgrpo.core.eval.EvalSample;
import dev.manimgrpo.jobs.LocalSparkTest;
import dev.manimgrpo.jobs.notebooks.ExecutedNotebook;
import dev.manimgrpo.jobs.notebooks.NotebookRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation job end to end on local Spark: the bundled starter policy answers test-split
 * prompts with all three strategies, real renders in the loop; every sample is a row with every
 * round; the aggregate table is the pure computation over them; a rerun evaluates nothing; the
 * analysts' SQL runs against the tables and the report is written.
 */
@Tag("manim")
class EvalJobTest extends LocalSparkTest {

  static final int PROMPTS = 2;
  @TempDir static Path dir;
  static EvalJob.Outcome out;

  @BeforeAll
  static void start() {
    out = EvalJob.run(spark, config(), false);
  }

  static PipelineConfig config() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("output.dir", dir.resolve("out").toString());
    m.put("dataset.split", "test");
    m.put("dataset.limit", Integer.toString(PROMPTS));
    m.put("eval.eval-id", "e1");
    m.put("eval.max-rounds", "2");
    m.put("eval.bootstrap-samples", "200");
    m.put("policy.sampling.max-tokens", "200");
    m.put("render.workers", "2");
    return ConfigLoader.load(null, m);
  }

  @Test
  void everySampleIsARowWithItsRoundsAndTheTablesAgree() throws Exception {
    PipelineConfig config = config();
    List<EvalSample> samples = out.samples();
    assertThat(samples).hasSize(3 * PROMPTS);
    assertThat(out.evaluatedThisRun()).isEqualTo(3 * PROMPTS);
    Set<String> statuses = Set.of("rendered", "syntax_error", "runtime_error", "no_scene", "multiple_scenes",
        "timeout", "resource_limit", "sandbox_error", "no_code", ManimAgent.SAMPLING_ERROR);
    Map<String, EvalSample> direct = new LinkedHashMap<>();
    for (EvalSample s : samples) {
      assertThat(s.policy()).isEqualTo("policy");
      assertThat(s.policyId()).startsWith("hf:bundled-hf:");
      assertThat(statuses).contains(s.finalStatus());
      assertThat(s.rounds()).isNotEmpty();
      assertThat(s.roundsUsed()).isBetween(1, s.strategy().equals("direct") ? 1 : 2);
      assertThat(s.renders()).isLessThanOrEqualTo(s.roundsUsed());
      assertThat(s.success()).isEqualTo("rendered".equals(s.finalStatus()));
      if (!s.success()) {
        assertThat(s.vsStudy()).isZero();
        assertThat(s.vsDefault()).isZero();
      } else {
        assertThat(s.vsDefault()).isBetween(0.0, 1.0);
        assertThat(s.vsStudy()).isBetween(0.0, 1.0);
      }
      if (s.strategy().equals("ritl_doc")) {
        assertThat(s.rounds().get(0).round()).isZero(); // the draft
      }
      if (s.strategy().equals("direct")) {
        direct.put(s.promptId(), s);
      }
    }
    // Every strategy's first answer is sampled with the same seed: RITL's round 1 is direct's answer.
    for (EvalSample s : samples) {
      if (s.strategy().equals("ritl")) {
        AgentRound first = s.rounds().get(0);
        assertThat(first.completion()).isEqualTo(direct.get(s.promptId()).rounds().get(0).completion());
        if (first.rendered()) {
          assertThat(s.roundsUsed()).isEqualTo(1);
        } else if (s.rounds().size() > 1 && !first.code().isBlank()) {
          // A retry is shown the failed program and its errors.
          assertThat(s.rounds().get(1).prompt()).contains("<INITIAL_CODE>\n" + first.code().strip());
        }
      }
    }

    // The aggregate table is the pure computation over the rows, and the study's table is beside it.
    List<EvalAggregate> expected = EvalAggregates.compute(samples, 200, BootstrapInterval.SEED_DEFAULT, 0.95);
    assertThat(out.aggregates()).isEqualTo(expected);
    Row agg = spark.read().parquet(out.dir() + "/aggregates").where("eval_id = 'e1' AND strategy = 'direct'").first();
    EvalAggregate d = expected.stream().filter(a -> a.strategy().equals("direct")).findFirst().orElseThrow();
    assertThat(agg.<Double>getAs("rsr")).isEqualTo(d.rsr().mean());
    assertThat(agg.<Integer>getAs("n")).isEqualTo(PROMPTS);
    assertThat(spark.read().parquet(out.dir() + "/study_results").count()).isGreaterThanOrEqualTo(3);

    // An independent Parquet reader sees every sample.
    long rows = 0;
    try (var files = Files.walk(Path.of(out.dir(), "samples"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
            new org.apache.hadoop.fs.Path(f.toUri()), new Configuration()))) {
          rows += r.getRecordCount();
          assertThat(r.getFooter().getFileMetaData().getSchema().containsField("rounds")).isTrue();
        }
      }
    }
    assertThat(rows).isEqualTo(3 * PROMPTS);

    // The analysts' SQL runs against the tables.
    String sql = Files.readString(Path.of("..", "notebooks", "eval.sql")).replace("'outputs/eval/", "'" + out.dir() + "/");
    List<String> statements = new ArrayList<>();
    for (String stmt : sql.replaceAll("(?m)^--.*$", "").split(";")) {
      if (!stmt.isBlank()) {
        statements.add(stmt.strip());
      }
    }
    assertThat(statements).hasSize(9);
    for (int i = 0; i < 4; i++) {
      spark.sql(statements.get(i));
    }
    assertThat(spark.sql(statements.get(4)).count()).isEqualTo(3);
    assertThat(spark.sql(statements.get(5)).count()).isEqualTo(2);
    spark.sql(statements.get(6)).collectAsList();
    long roundRows = spark.sql("SELECT count(*) FROM eval_rounds").first().getLong(0);
    assertThat(roundRows).isEqualTo(samples.stream().mapToLong(s -> s.rounds().size()).sum());
    assertThat(spark.sql(statements.get(7)).count()).isPositive();
    assertThat(spark.sql(statements.get(8)).count()).isGreaterThan(3);

    // The report: one HTML file with its images.
    assertThat(out.report()).isNotNull();
    String html = Files.readString(Path.of(out.report()));
    assertThat(html).contains("<img").contains("ritl_doc").doesNotContain("<script");

    // A rerun of the id evaluates nothing and keeps every row.
    EvalJob.Outcome again = EvalJob.run(spark, config, false);
    assertThat(again.evaluatedThisRun()).isZero();
    assertThat(again.samples()).hasSize(3 * PROMPTS);
    assertThat(again.aggregates()).isEqualTo(expected);
  }

  @Test
  @Tag("jupyter")
  void theEvaluationNotebookRunsOnTheTables() throws Exception {
    ExecutedNotebook nb = NotebookRunner.forRun(dir).env("MANIM_GRPO_EVAL_DIR", out.dir())
        .env("MANIM_GRPO_EVAL_ID", out.evalId()).execute("evaluation.ipynb", dir.resolve("notebooks"));
    List<Map<String, String>> agg = nb.printedTable("aggregates");
    assertThat(agg).extracting(r -> r.get("strategy")).containsExactly("direct", "ritl", "ritl_doc");
    for (Map<String, String> r : agg) {
      assertThat(r.get("n")).isEqualTo(Integer.toString(PROMPTS));
      EvalAggregate a = out.aggregates().stream().filter(x -> x.strategy().equals(r.get("strategy"))).findFirst()
          .orElseThrow();
      assertThat(Double.parseDouble(r.get("rsr"))).isCloseTo(a.rsr().mean(), org.assertj.core.data.Offset.offset(5e-4));
    }
    assertThat(nb.printedTable("cost")).hasSize(3);
    long failed = out.samples().stream().filter(s -> !s.success()).count();
    assertThat(nb.printedTable("failures").stream().mapToLong(r -> Long.parseLong(r.get("n"))).sum()).isEqualTo(failed);
    assertThat(nb.text("study")).contains("this evaluation").contains("Qwen 3 Coder 30B");
    assertThat(nb.pngCount()).isGreaterThanOrEqualTo(3);
  }
}

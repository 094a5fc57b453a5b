package dev.manimgrpo.jobs.rollout;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.core.dataset.ManimBenchSchema;
import dev.manimgrpo.jobs.LocalSparkTest;
import dev.manimgrpo.jobs.QuarantineTable;
import dev.manimgrpo.jobs.eval.EvalJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input rows on the rollout job (and the evaluation and render-samples jobs): a ManimBench file with two good rows
 * and one of each defect (null and empty prompt, prompt bytes that are not UTF-8, a prompt over the
 * limit, a duplicate id, a reference that raises at import). The good prompts run, each bad row is in
 * the quarantine once with its reason, and a rerun of the step changes nothing. A file without a
 * required column stays a job-level error.
 */
@Tag("manim")
class RolloutQuarantineTest extends LocalSparkTest {

  static final int G = 2;
  static final String BROKEN = "from manim import *\nraise ValueError('broken reference')\n\nclass Broken(Scene):\n"
      + "    def construct(self):\n        self.wait(1)\n";
  @TempDir static Path dir;
  static List<ManimBenchSample> good;
  static String bench;

  @BeforeAll
  static void start() throws Exception {
    good = BundledSampleSet.load().stream().filter(s -> s.type() == ManimBenchSample.Difficulty.Basic).limit(2).toList();
    bench = dir.resolve("bench.parquet").toString();
    try (ParquetWriter<Group> w = writer(bench, true)) {
      SimpleGroupFactory f = new SimpleGroupFactory(schema(true));
      write(w, f, good.get(0).code(), good.get(0).reviewedDescription().getBytes(StandardCharsets.UTF_8)); // row 0
      write(w, f, code("NullPrompt"), null); // row 1
      write(w, f, code("EmptyPrompt"), new byte[0]); // row 2
      write(w, f, code("Latin1"), new byte[] {'c', 'a', 'f', (byte) 0xE9, ' ', 'b', 'o', 'x'}); // row 3
      write(w, f, code("Huge"), "a circle ".repeat(40).getBytes(StandardCharsets.UTF_8)); // row 4: 360 chars
      write(w, f, good.get(1).code(), good.get(1).reviewedDescription().getBytes(StandardCharsets.UTF_8)); // row 5
      write(w, f, good.get(0).code(), "the same code again".getBytes(StandardCharsets.UTF_8)); // row 6
      write(w, f, BROKEN, "a broken reference".getBytes(StandardCharsets.UTF_8)); // row 7
    }
  }

  static String code(String scene) {
    return "from manim import *\n\nclass " + scene + "(Scene):\n    def construct(self):\n        self.add(Circle())\n";
  }

  static MessageType schema(boolean withSplit) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (String c : ManimBenchSchema.COLUMNS) {
      if (withSplit || !c.equals(ManimBenchSchema.SPLIT)) {
        b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c);
      }
    }
    return b.named("manimbench");
  }

  static ParquetWriter<Group> writer(String path, boolean withSplit) throws Exception {
    return ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(path)).withType(schema(withSplit))
        .withConf(new Configuration()).build();
  }

  /** A row with the prompt as raw bytes (null: no value), written as Parquet strings whatever the bytes. */
  static void write(ParquetWriter<Group> w, SimpleGroupFactory f, String code, byte[] prompt) throws Exception {
    Group g = f.newGroup().append(ManimBenchSchema.GENERATED_DESCRIPTION, "generated")
        .append(ManimBenchSchema.CODE, code).append(ManimBenchSchema.TYPE, "Basic").append(ManimBenchSchema.SPLIT, "test");
    if (prompt != null) {
      g.append(ManimBenchSchema.REVIEWED_DESCRIPTION, Binary.fromConstantByteArray(prompt));
    }
    w.write(g);
  }

  static PipelineConfig config(String runId) {
    return RolloutTestConfigs.config(dir, runId, 0, G, Map.of("dataset.path", bench, "dataset.split", "all",
        "dataset.max-prompt-chars", "300"));
  }

  static final Map<Long, String> EXPECTED = Map.of(1L, "empty_value", 2L, "empty_value", 3L, "not_utf8",
      4L, "prompt_too_long", 6L, "duplicate_id", 7L, "reference_failed");

  @Test
  void goodPromptsRunAndEachBadRowIsQuarantinedOnceAlsoAfterARerun() throws Exception {
    RolloutJob.Outcome first = RolloutJob.run(spark, config("q"), false);
    assertThat(first.summary().prompts()).isEqualTo(2);
    assertThat(first.summary().rollouts()).isEqualTo(2 * G);
    assertThat(first.summary().quarantined()).isEqualTo(EXPECTED.size());
    assertThat(first.summary().quarantinedByReason()).containsEntry("empty_value", 2L).containsEntry("not_utf8", 1L)
        .containsEntry("reference_failed", 1L);
    String partition = RolloutJob.quarantinePartition(first.shardDir(), "q", 0);
    assertThat(first.summary().quarantine()).isEqualTo(partition);
    assertThat(first.summary().render()).contains("input rows quarantined").contains(partition);
    assertThat(Files.readString(Path.of(first.partition(), RolloutJob.SUMMARY_FILE)))
        .contains("\"quarantined\" : " + EXPECTED.size()).contains("_quarantine/run_id=q/step=0");
    // The shard holds the good prompts only, and reading the whole table does not see the quarantine.
    assertThat(spark.read().parquet(first.shardDir()).where(col("run_id").equalTo("q")).select("prompt_id")
        .distinct().collectAsList()).extracting(r -> r.getString(0))
        .containsExactlyInAnyOrder(good.get(0).sampleId(), good.get(1).sampleId());

    assertQuarantine(first.shardDir());

    RolloutJob.Outcome again = RolloutJob.run(spark, config("q"), false);
    assertThat(again.summary().rollouts()).isEqualTo(2 * G);
    assertThat(again.summary().rolloutsThisRun()).isZero(); // the broken reference is not retried
    assertThat(again.summary().quarantined()).isEqualTo(EXPECTED.size());
    assertQuarantine(again.shardDir());
  }

  void assertQuarantine(String shardDir) throws Exception {
    List<Row> q = spark.read().parquet(shardDir + "/" + QuarantineTable.FOLDER)
        .where(col("run_id").equalTo("q").and(col("step").equalTo(0))).collectAsList();
    Map<Long, String> reasons = new HashMap<>();
    for (Row r : q) {
      assertThat(reasons.put(r.getAs("row_number"), r.getAs("reason"))).isNull();
      assertThat((String) r.getAs("job")).isEqualTo("rollout");
      assertThat((String) r.getAs("source")).endsWith("bench.parquet");
      assertThat((String) r.getAs("message")).contains("bench.parquet row " + r.getAs("row_number"));
      assertThat((Object) r.getAs("quarantined_at")).isNotNull();
    }
    assertThat(reasons).isEqualTo(EXPECTED);
    Row latin = q.stream().filter(r -> (Long) r.getAs("row_number") == 3L).findFirst().orElseThrow();
    assertThat((String) latin.getAs("field")).isEqualTo(ManimBenchSchema.REVIEWED_DESCRIPTION);
    assertThat((String) latin.getAs("excerpt")).isEqualTo("caf\\xE9 box");
    Row broken = q.stream().filter(r -> (Long) r.getAs("row_number") == 7L).findFirst().orElseThrow();
    assertThat((String) broken.getAs("prompt_id")).isEqualTo(ManimBenchSample.idFor(BROKEN));
    assertThat((String) broken.getAs("message")).contains("the reference did not render").contains("ValueError");

    // The same rows through parquet-hadoop, without Spark.
    long rows = 0;
    Path folder = Path.of(java.net.URI.create(RolloutJob.uri(RolloutJob.quarantinePartition(shardDir, "q", 0))));
    try (Stream<Path> files = Files.list(folder)) {
      for (Path p : files.filter(x -> x.toString().endsWith(".parquet")).toList()) {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
            new org.apache.hadoop.fs.Path(p.toUri()), new Configuration()))) {
          assertThat(r.getFileMetaData().getSchema().getFields()).extracting(t -> t.getName())
              .contains("job", "source", "row_number", "prompt_id", "field", "reason", "message", "excerpt");
          rows += r.getRecordCount();
        }
      }
    }
    assertThat(rows).isEqualTo(EXPECTED.size());
  }

  @Test
  void aFileWithoutARequiredColumnIsAJobErrorNamingColumnAndFile() throws Exception {
    String noSplit = dir.resolve("no-split.parquet").toString();
    try (ParquetWriter<Group> w = writer(noSplit, false)) {
      w.write(new SimpleGroupFactory(schema(false)).newGroup().append(ManimBenchSchema.GENERATED_DESCRIPTION, "g")
          .append(ManimBenchSchema.REVIEWED_DESCRIPTION, "r").append(ManimBenchSchema.CODE, code("A"))
          .append(ManimBenchSchema.TYPE, "Basic"));
    }
    PipelineConfig c = RolloutTestConfigs.config(dir, "nosplit", 0, G, Map.of("dataset.path", noSplit));
    assertThatThrownBy(() -> RolloutJob.run(spark, c, false)).hasMessageContaining(noSplit)
        .hasMessageContaining("missing column(s) [Split]");
  }

  @Test
  void evalQuarantinesTheSampleWhoseReferenceDoesNotRender() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("output.dir", dir.resolve("eval-out").toString());
    m.put("dataset.path", bench);
    m.put("dataset.max-prompt-chars", "300");
    m.put("eval.eval-id", "eq");
    m.put("eval.strategies", "[direct]");
    m.put("eval.max-rounds", "1");
    m.put("eval.bootstrap-samples", "100");
    m.put("eval.report", "false");
    m.put("policy.sampling.max-tokens", "200");
    m.put("render.workers", "2");
    EvalJob.Outcome out = EvalJob.run(spark, ConfigLoader.load(null, m), false);
    assertThat(out.samples()).extracting(s -> s.promptId())
        .containsExactlyInAnyOrder(good.get(0).sampleId(), good.get(1).sampleId());
    assertThat(out.quarantined()).hasSize(EXPECTED.size());
    assertThat(out.quarantine()).endsWith("samples/_quarantine/eval_id=eq");
    assertThat(out.render(0.95)).contains("Input rows quarantined: " + EXPECTED.size());
    List<Row> q = spark.read().parquet(out.quarantine()).where(col("reason").equalTo("reference_failed"))
        .collectAsList();
    assertThat(q).singleElement().satisfies(r -> assertThat((Long) r.getAs("row_number")).isEqualTo(7L));
  }

  @Test
  void renderSamplesGoesOnPastABrokenReferenceAndCountsIt() {
    PipelineConfig c = config("unused");
    dev.manimgrpo.jobs.RenderSamplesJob.Outcome out = dev.manimgrpo.jobs.RenderSamplesJob.run(spark, c, "rs", false);
    assertThat(out.rows()).hasSize(3);
    assertThat(out.rows()).filteredOn(r -> !"rendered".equals(r.getAs("status")))
        .extracting(r -> (String) r.getAs("sample_id")).containsExactly(ManimBenchSample.idFor(BROKEN));
    // The input rejections are quarantined; the broken reference is its own row with its status, as always.
    assertThat(out.quarantined()).extracting(r -> r.rowNumber()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 6L);
    assertThat(out.quarantine()).endsWith("reference_renders/_quarantine/run_id=rs");
    assertThat(spark.read().parquet(out.quarantine()).count()).isEqualTo(5);
    assertThat(dev.manimgrpo.jobs.report.RenderSummary.render(out)).contains("References that did not render: 1 of 3")
        .contains("Input rows quarantined: 5");
  }
}

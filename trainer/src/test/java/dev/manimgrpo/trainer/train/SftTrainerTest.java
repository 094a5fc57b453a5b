package dev.manimgrpo.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.policy.checkpoint.CheckpointStore;
import dev.manimgrpo.trainer.data.SftDataset;
import dev.manimgrpo.policy.model.NativeThreads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** SFT end to end on a tiny model: the loss falls, checkpoints and metrics appear, a resumed run is exact. */
class SftTrainerTest {

  @TempDir Path dir;

  @BeforeAll
  static void oneThread() {
    NativeThreads.limitOpThreads(1);
  }

  @ParameterizedTest
  @EnumSource(TrainerConfig.Engine.class)
  void lossFallsAndAResumedRunEndsWithTheSameWeights(TrainerConfig.Engine engine) throws Exception {
    Map<String, String> conf = Map.of("trainer.engine", engine.configName());
    SftDataset data = TinyTraining.shortest(3);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    SftTrainer trainer = new SftTrainer(TinyTraining.config(conf), new Configuration(),
        new PrintStream(console, true, StandardCharsets.UTF_8), false);

    SftTrainer.Result straight = trainer.train(data, TinyTraining.shortest(1), dir.resolve("a").toUri());
    assertThat(straight.steps()).isEqualTo(20);
    assertThat(straight.lastLoss()).isLessThan(straight.firstLoss() * 0.8);
    assertThat(straight.heldOutLoss()).isFinite();
    assertThat(straight.skipped()).isEmpty();
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("sft summary").contains("20 steps");
    List<String> lines = Files.readAllLines(dir.resolve("a").resolve(MetricsLog.FILE));
    assertThat(lines).hasSize(20);
    assertThat(lines.get(0)).contains("\"step\":1").contains("\"loss\"").contains("\"tokens_per_s\"");
    // The analysts' notebook SQL runs against this run's metrics.
    String sql = Files.readString(Path.of("..", "notebooks", "training_metrics.sql"))
        .replace("'outputs/trainer/sft/metrics.jsonl'", "'" + dir.resolve("a").resolve(MetricsLog.FILE) + "'");
    org.apache.spark.sql.SparkSession spark = dev.manimgrpo.trainer.data.LocalSpark.start();
    List<org.apache.spark.sql.Row> last = List.of();
    for (String stmt : sql.replaceAll("(?m)^--.*$", "").split(";")) {
      if (!stmt.isBlank()) {
        last = spark.sql(stmt).collectAsList();
      }
    }
    assertThat(last).hasSize(20);
    String svg = Files.readString(dir.resolve("a").resolve(MetricsLog.PLOT));
    assertThat(svg).startsWith("<svg").contains(">loss<").contains("<path d=\"M").doesNotContain("mean_reward");

    // The same run, crashed after step 15: its step-20 checkpoint never completed.
    Path b = dir.resolve("b");
    new SftTrainer(TinyTraining.config(conf), new Configuration(), new PrintStream(new ByteArrayOutputStream()),
        false).train(data, null, b.toUri());
    deleteTree(b.resolve(CheckpointStore.dirName(20)));
    SftTrainer.Result resumed = new SftTrainer(TinyTraining.config(conf), new Configuration(),
        new PrintStream(new ByteArrayOutputStream()), false).train(data, null, b.toUri());
    assertThat(resumed.resumedFrom()).isEqualTo(15);
    for (String name : straight.policy().params().names()) {
      INDArray x = straight.policy().params().get(name);
      INDArray y = resumed.policy().params().get(name);
      assertThat(y.equalsWithEps(x, 0)).as(name).isTrue();
    }
    List<String> steps = Files.readAllLines(b.resolve(MetricsLog.FILE)).stream()
        .map(l -> l.replaceAll("^\\{\"step\":(\\d+),.*", "$1")).toList();
    assertThat(steps).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(String::valueOf)
        .toList());
  }

  @Test
  void exampleLongerThanTheContextIsLeftOutAndNamed() throws Exception {
    SftDataset data = TinyTraining.shortest(3);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    SftTrainer.Result r = new SftTrainer(TinyTraining.config(Map.of("trainer.sft.steps", "1")), new Configuration(), new PrintStream(console, true,
        StandardCharsets.UTF_8), false).train(new SftDataset("bundled", "train", List.of(data.examples().get(0),
        SftDataset.bundled("Reviewed Description", "train").examples().stream()
            .max(Comparator.comparingInt(e -> e.code().length())).orElseThrow())), null, dir.resolve("c").toUri());
    assertThat(r.skipped()).hasSize(1);
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("left out (longer than the context)");
  }

  private static void deleteTree(Path p) throws Exception {
    try (var s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    }
  }
}

package dev.manimgrpo.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.policy.hf.SyntheticCheckpoint;
import dev.manimgrpo.policy.model.NativeThreads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench-training} on a tiny model: both sides run, train the same thing (their first losses
 * agree, which the benchmark itself checks) and report rates. Behaviour only: no speed is asserted.
 */
@Tag("hf")
class HfTrainingBenchmarkTest {

  @TempDir Path dir;

  @Test
  void bothSidesTrainTheSameModelOnTheSameBatchAndReportTheirRates() throws Exception {
    NativeThreads.limitOpThreads(1);
    Path model = SyntheticCheckpoint.write(dir.resolve("tiny"), SyntheticCheckpoint.qwen2Config(32, 2, 2, 1, 64, 300,
        256), 3, 0.2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HfTrainingBenchmark.Result r = new HfTrainingBenchmark(new PrintStream(out, true, StandardCharsets.UTF_8))
        .run(model, List.of("lora", "full"), 2, 16, 4, 0, 1, 1);
    String text = out.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    assertThat(r.modes()).extracting(HfTrainingBenchmark.ModeResult::mode).containsExactly("lora", "full");
    for (HfTrainingBenchmark.ModeResult m : r.modes()) {
      assertThat(m.java().firstLoss()).isCloseTo(m.torch().firstLoss(), org.assertj.core.data.Offset.offset(1e-3));
      assertThat(m.java().tokensPerSecond()).isPositive();
      assertThat(m.torch().tokensPerSecond()).isPositive();
      assertThat(m.java().trainedValues()).as(m.mode() + ": both sides train as many values")
          .isEqualTo(m.torch().trainedValues());
    }
    assertThat(text).contains("Java / PyTorch").contains("target: Java / PyTorch >= 1.0");
  }
}

package dev.manimgrpo.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.policy.hf.SyntheticCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampling benchmark end to end on a tiny random Qwen2: the Java model decodes, the checkpoint
 * becomes a GGUF file that llama-bench (in the provisioned llama.cpp root) decodes, and both rates
 * and their ratio are printed. Speeds are not asserted: the test checks that both sides ran.
 */
@Tag("llama")
class SamplingBenchmarkLlamaTest {

  @TempDir
  Path dir;

  @Test
  void bothSidesDecodeTheSameCheckpointAndTheRatioIsPrinted() throws Exception {
    Path model = SyntheticCheckpoint.write(dir.resolve("qwen2"),
        SyntheticCheckpoint.qwen2Config(64, 2, 4, 2, 192, 512, 512), 3, 0.02);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SamplingBenchmark.Result r = new SamplingBenchmark(new PrintStream(bytes, true, StandardCharsets.UTF_8))
        .run(model, 8, 1, 1);
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(r.javaTokensPerSecond()).isPositive().isFinite();
    assertThat(r.llamaTokensPerSecond()).isPositive().isFinite();
    assertThat(r.threads()).isEqualTo(1);
    assertThat(printed).contains("Java (HfCausalLm, KV cache)").contains("llama.cpp (llama-bench, F32)")
        .contains("llama.cpp / Java = ");
  }
}

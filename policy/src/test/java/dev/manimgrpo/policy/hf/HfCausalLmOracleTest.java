package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.manimgrpo.policy.model.NativeThreads;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link HfCausalLm} against transformers itself: the tiny checkpoints {@link HfOracle} has
 * Debian's transformers write, and the logits and greedy continuations it computed with them.
 */
@Tag("hf")
class HfCausalLmOracleTest {

  /** Float32 arithmetic in a different order than torch's; logits are of order 1 to 10. */
  static final double TOLERANCE = 1e-4;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path models;

  @BeforeAll
  static void oracle() {
    NativeThreads.limitOpThreads(1);
    models = HfOracle.tinyModels();
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "llama-bf16", "qwen2", "qwen2-sharded", "qwen3"})
  void logitsOfThePaddedBatchEqualTransformers(String name) throws IOException {
    JsonNode oracle = JSON.readTree(models.resolve(name).resolve("oracle.json").toFile());
    HfCausalLm lm = HfCausalLm.load(models.resolve(name));
    assertThat(lm.config().architecture().className())
        .isEqualTo(oracle.path("architecture").asText());

    INDArray logits = lm.logits(ints(oracle.path("input_ids")), ints(oracle.path("attention_mask")));
    double maxDiff = 0;
    JsonNode expected = oracle.path("logits");
    for (int b = 0; b < expected.size(); b++) {
      for (int t = 0; t < expected.get(b).size(); t++) {
        JsonNode row = expected.get(b).get(t);
        for (int v = 0; v < row.size(); v++) {
          float want = Float.parseFloat(row.get(v).asText());
          maxDiff = Math.max(maxDiff, Math.abs(logits.getFloat(b, t, v) - want));
        }
      }
    }
    System.out.printf("%s: max |logit - transformers| = %.3g%n", name, maxDiff);
    assertThat(maxDiff).as(name + ": max abs logit difference").isLessThanOrEqualTo(TOLERANCE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "llama-bf16", "qwen2", "qwen2-sharded", "qwen3"})
  void greedyContinuationsEqualTransformersWithAndWithoutTheCache(String name) throws IOException {
    JsonNode oracle = JSON.readTree(models.resolve(name).resolve("oracle.json").toFile());
    HfCausalLm lm = HfCausalLm.load(models.resolve(name));
    int[][] ids = ints(oracle.path("input_ids"));
    int n = oracle.path("greedy_new_tokens").asInt();
    for (int b = 0; b < ids.length; b++) {
      int[] prompt = java.util.Arrays.copyOf(ids[b], oracle.path("lengths").get(b).asInt());
      int[] expected = ints(oracle.path("greedy"))[b];
      assertThat(lm.greedy(prompt, n, true)).as(name + " row " + b + " with the cache")
          .containsExactly(expected);
      assertThat(lm.greedy(prompt, n, false)).as(name + " row " + b + " without the cache")
          .containsExactly(expected);
    }
  }

  @Test
  void theVariantsAreWhatTheirNamesSay() throws IOException {
    try (SafetensorsCheckpoint bf16 = SafetensorsCheckpoint.open(models.resolve("llama-bf16"));
        SafetensorsCheckpoint f32 = SafetensorsCheckpoint.open(models.resolve("llama"));
        SafetensorsCheckpoint sharded = SafetensorsCheckpoint.open(models.resolve("qwen2-sharded"));
        SafetensorsCheckpoint single = SafetensorsCheckpoint.open(models.resolve("qwen2"))) {
      assertThat(bf16.info(HfWeights.EMBED).dtype()).isEqualTo(SafetensorsDtype.BF16);
      assertThat(f32.info(HfWeights.EMBED).dtype()).isEqualTo(SafetensorsDtype.F32);
      assertThat(bf16.names()).isEqualTo(f32.names());
      assertThat(sharded.fileCount()).isGreaterThan(1);
      assertThat(sharded.names()).isEqualTo(single.names()).doesNotContain(HfWeights.LM_HEAD);
      for (String name : single.names()) {
        assertThat(sharded.tensor(name)).as(name).isEqualTo(single.tensor(name));
      }
    }
  }

  private static int[][] ints(JsonNode rows) {
    int[][] out = new int[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      out[i] = new int[rows.get(i).size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = rows.get(i).get(j).asInt();
      }
    }
    return out;
  }
}

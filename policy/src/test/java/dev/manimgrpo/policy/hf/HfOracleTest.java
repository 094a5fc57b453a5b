package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The oracle folder holds what the loader's tests expect, in the shapes its README promises. */
@Tag("hf")
class HfOracleTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int VOCAB = 384;
  private static Path dir;

  @BeforeAll
  static void write() {
    dir = HfOracle.tinyModels();
  }

  @Test
  void everyModelIsACompleteCheckpointOfItsArchitecture() throws IOException {
    assertThat(JSON.readTree(dir.resolve("manifest.json").toFile()).path("models").findValuesAsText("name"))
        .containsExactlyElementsOf(HfOracle.MODELS);
    for (String m : HfOracle.MODELS) {
      Path d = dir.resolve(m);
      assertThat(d.resolve("config.json")).as(m).isRegularFile();
      assertThat(d.resolve("tokenizer.json")).as(m).isRegularFile();
      assertThat(d.resolve("tokenizer_config.json")).as(m).isRegularFile();
      assertThat(safetensors(d)).as(m).isNotEmpty();
      String arch = JSON.readTree(d.resolve("config.json").toFile()).path("architectures").get(0).asText();
      assertThat(arch).as(m).isEqualTo(JSON.readTree(d.resolve("oracle.json").toFile()).path("architecture").asText());
    }
    assertThat(architecture("llama")).isEqualTo("LlamaForCausalLM");
    assertThat(architecture("qwen2")).isEqualTo("Qwen2ForCausalLM");
    assertThat(architecture("qwen3")).isEqualTo("Qwen3ForCausalLM");
  }

  @Test
  void theShardedModelHasAnIndexNamingEveryShard() throws IOException {
    Path d = dir.resolve("qwen2-sharded");
    JsonNode index = JSON.readTree(d.resolve("model.safetensors.index.json").toFile());
    Set<String> named = new HashSet<>();
    index.path("weight_map").forEach(f -> named.add(f.asText()));
    assertThat(named).hasSizeGreaterThan(1).containsExactlyInAnyOrderElementsOf(safetensors(d));
    assertThat(d.resolve("model.safetensors")).doesNotExist();
  }

  @Test
  void theBfloat16VariantStoresBfloat16() throws IOException {
    assertThat(dtypes(dir.resolve("llama-bf16/model.safetensors"))).containsExactly("BF16");
    assertThat(dtypes(dir.resolve("llama/model.safetensors"))).containsExactly("F32");
  }

  @Test
  void eachOracleHasFullLogitsOfEveryRealPositionAndGreedyContinuations() throws IOException {
    for (String m : HfOracle.MODELS) {
      JsonNode o = JSON.readTree(dir.resolve(m).resolve("oracle.json").toFile());
      int rows = o.path("input_ids").size();
      int width = o.path("input_ids").get(0).size();
      assertThat(rows).as(m).isGreaterThan(1);
      for (int b = 0; b < rows; b++) {
        int n = o.path("lengths").get(b).asInt();
        JsonNode mask = o.path("attention_mask").get(b);
        assertThat(o.path("input_ids").get(b).size()).as(m).isEqualTo(width);
        for (int t = 0; t < width; t++) {
          assertThat(mask.get(t).asInt()).as("%s mask row %d position %d", m, b, t).isEqualTo(t < n ? 1 : 0);
        }
        JsonNode logits = o.path("logits").get(b);
        assertThat(logits.size()).as("%s logits of row %d", m, b).isEqualTo(n);
        logits.forEach(pos -> {
          assertThat(pos.size()).isEqualTo(VOCAB);
          assertThat(pos.get(0).isNumber()).isTrue();
        });
        JsonNode greedy = o.path("greedy").get(b);
        assertThat(greedy.size()).as(m).isEqualTo(o.path("greedy_new_tokens").asInt());
        greedy.forEach(id -> assertThat(id.asInt()).isBetween(0, VOCAB - 1));
      }
      assertThat(spread(o.path("logits").get(0).get(0))).as("%s logits are not flat", m).isGreaterThan(1.0);
    }
  }

  @Test
  void theTokenizerOracleAgreesBetweenTokenizersAndTransformers() throws IOException {
    JsonNode o = JSON.readTree(dir.resolve("tokenizer/oracle.json").toFile());
    assertThat(o.path("vocab_size").asInt()).isEqualTo(VOCAB);
    assertThat(o.path("cases").size()).isGreaterThan(5);
    for (JsonNode c : o.path("cases")) {
      assertThat(c.path("ids_transformers")).as(c.path("text").asText()).isEqualTo(c.path("ids_tokenizers"));
      assertThat(c.path("decoded").asText()).isEqualTo(c.path("text").asText());
    }
    assertThat(o.path("cases").get(0).path("text").asText()).isEmpty();
    assertThat(o.path("cases").get(0).path("ids_tokenizers")).isEmpty();
    int bos = o.path("special_tokens").path("<|begin_of_text|>").asInt();
    assertThat(o.path("chat").path("ids").get(0).asInt()).isEqualTo(bos);
    JsonNode config = JSON.readTree(dir.resolve("tokenizer/tokenizer_config.json").toFile());
    assertThat(config.path("chat_template").asText()).contains("<|im_start|>");
  }

  private static String architecture(String model) throws IOException {
    return JSON.readTree(dir.resolve(model).resolve("config.json").toFile()).path("architectures").get(0).asText();
  }

  private static List<String> safetensors(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".safetensors")).sorted().toList();
    }
  }

  /** The dtypes a safetensors header names: 8 bytes of little-endian length, then JSON. */
  private static Set<String> dtypes(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      long n = ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
      JsonNode header = JSON.readTree(in.readNBytes((int) n));
      Set<String> types = new HashSet<>();
      header.fields().forEachRemaining(e -> {
        if (!e.getKey().equals("__metadata__")) {
          types.add(e.getValue().path("dtype").asText());
        }
      });
      return types;
    }
  }

  private static double spread(JsonNode row) {
    List<Double> v = new ArrayList<>();
    row.forEach(x -> v.add(x.asDouble()));
    return v.stream().mapToDouble(Double::doubleValue).max().orElse(0)
        - v.stream().mapToDouble(Double::doubleValue).min().orElse(0);
  }
}

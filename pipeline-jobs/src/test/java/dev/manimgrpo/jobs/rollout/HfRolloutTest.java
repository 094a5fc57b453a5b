package dev.manimgrpo.jobs.rollout;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.jobs.TestSpark;
import dev.manimgrpo.jobs.spark.ExecutorPolicy;
import dev.manimgrpo.jobs.spark.ExecutorRenderPool;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The rollout job sampling in-process from a Hugging Face checkpoint: {@code policy.checkpoint}
 * names a folder with {@code config.json}, safetensors and tokenizer files (a tiny random Qwen2
 * written here), and every row carries that model's tokens and log-probs, the policy id saying which
 * prompt template it was fed, and the mark that the trainer cannot train on them yet.
 */
@Tag("manim")
class HfRolloutTest {

  static final int PROMPTS = 2;
  static final int G = 2;
  private static final ObjectMapper JSON = new ObjectMapper();
  static SparkSession spark;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    spark = TestSpark.start(Map.of());
  }

  @AfterAll
  static void stop() {
    ExecutorRenderPool.shutdown();
    ExecutorPolicy.clear();
    spark.stop();
  }

  @Test
  void rowsCarryTheCheckpointsTokensAndSayWhichTemplateFedIt() throws Exception {
    Path model = tinyQwen2(dir.resolve("qwen2-tiny"));
    PipelineConfig config = RolloutTestConfigs.config(dir, "hf", PROMPTS, G, Map.of(
        "policy.checkpoint", model.toString(), "policy.sampling.max-tokens", "8"));
    RolloutJob.Outcome o = RolloutJob.run(spark, config, false);
    Dataset<Row> rows = spark.read().parquet(o.partition());
    assertThat(rows.count()).isEqualTo(PROMPTS * G);
    assertThat(rows.where(col("status").isNull()).count()).isZero();
    assertThat(rows.where(col("status").equalTo("sampling_error")).count()).isZero();
    assertThat(rows.where(col("trainer_reproducible")).count()).isZero();
    for (Row r : rows.collectAsList()) {
      assertThat((String) r.getAs("policy_id")).startsWith("hf:").contains("qwen2-tiny").contains("prompt manim-code-v1");
      assertThat(r.getList(r.fieldIndex("completion_token_ids"))).isNotEmpty().hasSizeLessThanOrEqualTo(8);
      assertThat(r.getList(r.fieldIndex("old_logprobs"))).hasSameSizeAs(r.getList(r.fieldIndex("completion_token_ids")));
    }
  }

  /** A 2-layer Qwen2 of width 64 with random weights, and a byte-level tokenizer of 256 bytes, bos and eos. */
  static Path tinyQwen2(Path folder) throws IOException {
    String configJson = """
        {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_act": "silu",
         "hidden_size": 64, "intermediate_size": 160, "max_position_embeddings": 4096,
         "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 2, "rms_norm_eps": 1e-06,
         "rope_theta": 1000000.0, "tie_word_embeddings": true, "vocab_size": 260}
        """;
    Files.createDirectories(folder);
    Files.writeString(folder.resolve(HfModelConfig.FILE), configJson);
    HfModelConfig c = HfModelConfig.parse(configJson, "tiny");
    Random r = new Random(11);
    SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
    HfWeights.layout(c).forEach((name, shape) -> {
      int n = (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = (float) ((name.contains("norm") ? 1 : 0) + 0.2 * r.nextGaussian());
      }
      w.f32(name, Nd4j.create(v, shape, 'c'));
    });
    w.write(folder.resolve("model.safetensors"));
    Files.writeString(folder.resolve("tokenizer.json"), byteTokenizer().toString());
    Files.writeString(folder.resolve("tokenizer_config.json"),
        JSON.createObjectNode().put("bos_token", "<|bos|>").put("eos_token", "<|eos|>").toString());
    return folder;
  }

  private static ObjectNode byteTokenizer() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    ArrayNode added = root.putArray("added_tokens");
    added.add(special(256, "<|bos|>"));
    added.add(special(257, "<|eos|>"));
    root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false)
        .put("trim_offsets", true).put("use_regex", true);
    root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
        .put("use_regex", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.put("byte_fallback", false);
    ObjectNode vocab = model.putObject("vocab");
    for (int b = 0; b < 256; b++) {
      vocab.put(String.valueOf(byteChar(b)), b);
    }
    model.putArray("merges");
    return root;
  }

  private static ObjectNode special(int id, String content) {
    return JSON.createObjectNode().put("id", id).put("content", content).put("single_word", false)
        .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
  }

  /** GPT-2's byte-to-character map: printable bytes stand for themselves, the rest from U+0100 on. */
  private static char byteChar(int b) {
    if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255)) {
      return (char) b;
    }
    int n = 0;
    for (int x = 0; x < b; x++) {
      if (!((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || (x >= 174 && x <= 255))) {
        n++;
      }
    }
    return (char) (256 + n);
  }
}

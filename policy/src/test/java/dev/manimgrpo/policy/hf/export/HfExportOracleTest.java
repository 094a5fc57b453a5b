package dev.manimgrpo.policy.hf.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.policy.hf.HfCausalLm;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfOracle;
import dev.manimgrpo.policy.hf.HfTokenizer;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.SafetensorsDtype;
import dev.manimgrpo.policy.model.NativeThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exports of the oracle's tiny Llama / Qwen2 / Qwen3 checkpoints loaded by transformers itself
 * ({@code scripts/hf-oracle/load_exports.py}, one run for all folders): no missing, unexpected or
 * mismatched keys, and the logits of the Java model. Debian has no python3-peft, so the LoRA
 * export is checked through its merged weights (transformers' logits equal the Java model with
 * {@code W + alpha/r B A} applied by hand) and the PEFT file's keys name weights transformers has,
 * with PEFT's documented shapes.
 */
@Tag("hf")
class HfExportOracleTest {

  /** float32 arithmetic in another order than torch's; logits are of order 1 to 10. */
  private static final double TOLERANCE = 1e-4;
  /**
   * A bfloat16 export against the float32 source: each weight moves by up to 2^-9 of itself
   * (8 mantissa bits), which through two layers and a vocabulary projection moves logits of order
   * 1 to 10 by up to about a tenth (0.08 for the tiny Qwen3); 0.25 still fails an export with wrong
   * or swapped weights, which moves them by whole units.
   */
  private static final double BF16_TOLERANCE = 0.25;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path models;
  private static JsonNode results;
  private static final Map<String, HfCausalLm> expected = new LinkedHashMap<>();
  private static int[][] tokens;
  private static LoraAdapter adapter;
  private static Path work;

  @BeforeAll
  static void exportAndLoadWithTransformers(@TempDir Path dir) throws IOException, InterruptedException {
    NativeThreads.limitOpThreads(1);
    models = HfOracle.tinyModels();
    work = dir;
    Path in = Files.createDirectories(dir.resolve("in"));
    Path out = Files.createDirectories(dir.resolve("out"));
    HfCausalLm llama = HfCausalLm.load(models.resolve("llama"));
    tokens = new int[2][7];
    Random r = new Random(13);
    for (int[] row : tokens) {
      for (int i = 0; i < row.length; i++) {
        row[i] = 8 + r.nextInt(llama.config().vocabSize() - 8);
      }
    }
    export("llama", "llama-f32", SafetensorsDtype.F32, ShardPlan.DEFAULT_MAX_SHARD_BYTES, Optional.empty());
    export("qwen2", "qwen2-sharded", SafetensorsDtype.F32, 100_000, Optional.empty());
    export("qwen3", "qwen3-bf16", SafetensorsDtype.BF16, ShardPlan.DEFAULT_MAX_SHARD_BYTES, Optional.empty());
    adapter = ExportTestModels.adapter(llama.config(), 4, 8, 21);
    export("llama", "llama-lora-merged", SafetensorsDtype.F32, ShardPlan.DEFAULT_MAX_SHARD_BYTES, Optional.of(adapter));
    PeftAdapterWriter.write(ExportFolder.local(dir.resolve("peft")), adapter, SafetensorsDtype.F32,
        llama.config().numHiddenLayers());

    ObjectNode request = JSON.createObjectNode();
    ArrayNode list = request.putArray("models");
    for (String name : expected.keySet()) {
      list.addObject().put("name", name).set("input_ids", JSON.valueToTree(tokens));
    }
    Files.writeString(in.resolve("request.json"), JSON.writeValueAsString(request));
    HfOracle.run("load_exports.py", in, out);
    results = JSON.readTree(out.resolve("result.json").toFile());
  }

  private static void export(String source, String name, SafetensorsDtype dtype, long maxShard,
      Optional<LoraAdapter> lora) throws IOException {
    HfCausalLm lm = HfCausalLm.load(models.resolve(source));
    HfCheckpointExporter.export(ModelFolder.local(models.resolve(source)), lm.weights(), lora,
        ExportFolder.local(work.resolve("in").resolve(name)), new HfCheckpointExporter.Options(dtype, maxShard));
    expected.put(name, lm);
  }

  private static JsonNode result(String name) {
    for (JsonNode m : results.path("models")) {
      if (m.path("name").asText().equals(name)) {
        return m;
      }
    }
    throw new AssertionError("no result for " + name + " in " + results);
  }

  private static double maxDiff(INDArray javaLogits, JsonNode torchLogits) {
    double max = 0;
    for (int b = 0; b < torchLogits.size(); b++) {
      for (int t = 0; t < torchLogits.get(b).size(); t++) {
        JsonNode row = torchLogits.get(b).get(t);
        for (int v = 0; v < row.size(); v++) {
          max = Math.max(max, Math.abs(javaLogits.getFloat(b, t, v) - row.get(v).floatValue()));
        }
      }
    }
    return max;
  }

  private static int[][] ones() {
    int[][] m = new int[tokens.length][tokens[0].length];
    for (int[] row : m) {
      java.util.Arrays.fill(row, 1);
    }
    return m;
  }

  @Test
  void transformersLoadsEveryExportWithNoMissingUnexpectedOrMismatchedKeys() throws IOException {
    for (String name : expected.keySet()) {
      JsonNode m = result(name);
      assertThat(m.path("missing_keys")).as(name + " missing").isEmpty();
      assertThat(m.path("unexpected_keys")).as(name + " unexpected").isEmpty();
      assertThat(m.path("mismatched_keys")).as(name + " mismatched").isEmpty();
      assertThat(m.path("error_msgs")).as(name + " errors").isEmpty();
      HfModelConfig c = expected.get(name).config();
      assertThat(m.path("architecture").asText()).isEqualTo(c.architecture().className());
      assertThat(m.path("auto_dtype").asText()).as(name)
          .isEqualTo(name.endsWith("bf16") ? "bfloat16" : "float32");
      int[] ids = HfTokenizer.load(work.resolve("in").resolve(name)).encode("from manim import *", false);
      assertThat(JSON.convertValue(m.path("tokenizer_ids"), int[].class)).as(name + " tokenizer").containsExactly(ids);
    }
    assertThat(work.resolve("in/qwen2-sharded/model.safetensors.index.json")).exists();
    assertThat(work.resolve("in/qwen2-sharded/model.safetensors")).doesNotExist();
  }

  @Test
  void float32ExportsComputeTheJavaModelsLogitsOfTheSource() {
    for (String name : new String[] {"llama-f32", "qwen2-sharded"}) {
      double d = maxDiff(expected.get(name).logits(tokens, ones()), result(name).path("logits"));
      System.out.printf("%s: max |transformers - Java on the source| = %.3g%n", name, d);
      assertThat(d).as(name).isLessThanOrEqualTo(TOLERANCE);
    }
  }

  @Test
  void aBfloat16ExportComputesWhatItsRoundedWeightsGiveAndCloseToTheSource() throws IOException {
    JsonNode torch = result("qwen3-bf16").path("logits");
    double exact = maxDiff(HfCausalLm.load(work.resolve("in/qwen3-bf16")).logits(tokens, ones()), torch);
    double source = maxDiff(expected.get("qwen3-bf16").logits(tokens, ones()), torch);
    System.out.printf("qwen3-bf16: max |transformers - Java on the export| = %.3g, on the f32 source = %.3g%n",
        exact, source);
    assertThat(exact).isLessThanOrEqualTo(TOLERANCE);
    assertThat(source).isLessThanOrEqualTo(BF16_TOLERANCE);
  }

  @Test
  void theMergedLoraExportComputesTheBaseWithScaledBTimesAAddedByHand() {
    HfCausalLm base = expected.get("llama-lora-merged");
    LinkedHashMap<String, INDArray> tensors = HfTensors.of(base.weights());
    for (LoraAdapter.Module m : adapter.modules()) {
      String w = m.target().weightName(m.layer());
      float[] merged = LoraAdapterTest.mergedByHand(tensors.get(w), m.a(), m.b(), adapter.alpha() / adapter.rank());
      tensors.put(w, Nd4j.create(merged, tensors.get(w).shape(), 'c'));
    }
    HfCausalLm byHand = HfCausalLm.of(HfWeights.of(base.config(), tensors));
    JsonNode torch = result("llama-lora-merged").path("logits");
    double d = maxDiff(byHand.logits(tokens, ones()), torch);
    double unmerged = maxDiff(base.logits(tokens, ones()), torch);
    System.out.printf("llama-lora-merged: max |transformers - Java with W + s B A| = %.3g (base alone: %.3g)%n",
        d, unmerged);
    assertThat(d).isLessThanOrEqualTo(TOLERANCE);
    assertThat(unmerged).as("the adapter changes the logits").isGreaterThan(100 * TOLERANCE);
  }

  @Test
  void thePeftFilesKeysNameTransformersWeightsWithPeftsShapes() throws IOException {
    JsonNode shapes = result("llama-lora-merged").path("state_dict_shapes");
    String prefix = "base_model.model.";
    try (var f = dev.manimgrpo.policy.hf.SafetensorsFile.open(work.resolve("peft/adapter_model.safetensors"))) {
      assertThat(f.names()).hasSize(2 * adapter.modules().size());
      for (String key : f.names()) {
        assertThat(key).startsWith(prefix).matches(".*\\.lora_[AB]\\.weight");
        String module = key.substring(prefix.length(), key.length() - ".lora_A.weight".length());
        JsonNode w = shapes.path(module + ".weight");
        assertThat(w.isArray()).as(module + ".weight in transformers' model").isTrue();
        long[] s = f.info(key).shape();
        if (key.endsWith("lora_A.weight")) {
          assertThat(s).containsExactly(adapter.rank(), w.get(1).asLong());
        } else {
          assertThat(s).containsExactly(w.get(0).asLong(), adapter.rank());
        }
      }
    }
  }
}

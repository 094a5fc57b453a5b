package dev.manimgrpo.policy.hf.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.policy.openai.LlamaServerFixture;
import dev.manimgrpo.policy.hf.HfCausalLm;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfOracle;
import dev.manimgrpo.policy.hf.HfTokenizer;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.gguf.GgufWriter.TensorType;
import dev.manimgrpo.policy.model.NativeThreads;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The GGUF export against llama.cpp itself: the tiny checkpoints {@link HfOracle} has transformers
 * write are exported, read back with python3-gguf's {@code GGUFReader} and served by {@code
 * llama-server}; its greedy continuation of the oracle's prompts must be {@link HfCausalLm}'s, token
 * for token, and its log-probabilities of those tokens close to the Java model's.
 */
@Tag("hf")
@Tag("llama")
class GgufExportLlamaServerTest {

  /** float32 in another order (ggml's kernels): measured up to 6.3e-6; log-probs are of order 1 to 10. */
  static final double LOGPROB_TOLERANCE = 1e-4;
  static final double F16_LOGPROB_TOLERANCE = 5e-2;
  static final int NEW_TOKENS = 12;
  /**
   * Float32 throughout: by default llama.cpp keeps keys and values in F16 (and may use flash
   * attention), which moved these log-probs by up to 1.2e-2 (same greedy tokens).
   */
  static final String[] FLOAT32_ATTENTION = {"--cache-type-k", "f32", "--cache-type-v", "f32", "--flash-attn", "off"};
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String READER = String.join("\n",
      "import gguf, json, sys",
      "r = gguf.GGUFReader(sys.argv[1])",
      "def value(f):",
      "    v = f.contents()",
      "    return v if isinstance(v, (int, float, str, bool)) else len(v)",
      "print(json.dumps({'tensors': {t.name: [int(x) for x in t.shape] for t in r.tensors},",
      "                  'types': {t.name: t.tensor_type.name for t in r.tensors},",
      "                  'fields': {k: value(f) for k, f in r.fields.items() if not k.startswith('GGUF.')}}))");

  /** Texts llama.cpp must tokenize as the Hugging Face tokenizer does (vocabulary, merges, split). */
  private static final List<String> TEXTS = List.of(
      "from manim import *\n\nclass Hello(Scene):\n    def construct(self):\n        self.play(Write(Text(\"Hi\")))\n",
      "circle = Circle(radius=1.5, color=BLUE).shift(2 * LEFT)  # 1234567",
      "<|im_start|>user\nDraw a square<|im_end|>");

  private static Path models;

  @TempDir Path tmp;

  @BeforeAll
  static void oracle() {
    NativeThreads.limitOpThreads(1);
    models = HfOracle.tinyModels();
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3"})
  void llamaServerContinuesAsTheJavaModel(String name) throws Exception {
    double maxDiff = exportServeAndCompare(name, TensorType.F32);
    assertThat(maxDiff).as(name + ": max log-prob difference").isLessThanOrEqualTo(LOGPROB_TOLERANCE);
  }

  /**
   * F16 matrices: llama-server loads them and still continues greedily as the float32 Java model on
   * these prompts; the log-probs move by the rounding of the weights (measured 9e-3).
   */
  @Test
  void anF16ExportServesTheSameGreedyTokens() throws Exception {
    double maxDiff = exportServeAndCompare("llama", TensorType.F16);
    assertThat(maxDiff).as("llama f16: max log-prob difference").isLessThanOrEqualTo(F16_LOGPROB_TOLERANCE);
  }

  /** Exports, reads back, serves and compares; answers the max log-prob difference. */
  private double exportServeAndCompare(String name, TensorType matrices) throws Exception {
    Path folder = models.resolve(name);
    Path gguf = tmp.resolve(name + "-" + matrices + ".gguf");
    GgufExport.Summary summary = GgufExport.export(ModelFolder.local(folder), gguf, matrices);
    HfCausalLm lm = HfCausalLm.load(folder);
    HfModelConfig c = lm.config();

    JsonNode read = JSON.readTree(LlamaServerFixture.runInRoot(tmp,
        List.of("python3", "-c", READER, "/models/" + gguf.getFileName())));
    assertThat(read.path("fields").path("general.architecture").asText()).isEqualTo(summary.ggufArchitecture());
    assertThat(read.path("fields").path(summary.ggufArchitecture() + ".block_count").asInt())
        .isEqualTo(c.numHiddenLayers());
    assertThat(read.path("fields").path("tokenizer.ggml.tokens").asInt()).isEqualTo(c.vocabSize());
    assertThat(read.path("tensors").size()).isEqualTo(summary.tensors());
    for (Map.Entry<String, long[]> e : HfWeights.layout(c).entrySet()) {
      JsonNode shape = read.path("tensors").path(GgufExport.ggufName(e.getKey()));
      long[] reversed = new long[e.getValue().length];
      for (int i = 0; i < reversed.length; i++) {
        reversed[i] = e.getValue()[reversed.length - 1 - i];
      }
      assertThat(JSON.convertValue(shape, long[].class)).as(e.getKey()).containsExactly(reversed);
    }
    assertThat(read.path("tensors").has("output.weight")).isEqualTo(!c.tieWordEmbeddings());
    assertThat(read.path("types").path("token_embd.weight").asText()).isEqualTo(matrices.name());
    assertThat(read.path("types").path("output_norm.weight").asText()).isEqualTo("F32");

    JsonNode oracle = JSON.readTree(folder.resolve("oracle.json").toFile());
    HfTokenizer tokenizer = HfTokenizer.load(folder);
    double maxLogprobDiff = 0;
    int compared = 0;
    int tokensCompared = 0;
    try (LlamaServerFixture server = LlamaServerFixture.serve(gguf, FLOAT32_ATTENTION)) {
      for (String text : TEXTS) {
        ObjectNode body = JSON.createObjectNode().put("content", text).put("add_special", false);
        int[] ids = JSON.convertValue(post(server, "/tokenize", body).path("tokens"), int[].class);
        assertThat(ids).as(name + ": llama.cpp's tokens of " + text).containsExactly(tokenizer.encode(text, false));
      }
      for (int row = 0; row < 2; row++) {
        int length = oracle.path("lengths").get(row).asInt();
        int[] prompt = new int[length];
        for (int i = 0; i < length; i++) {
          prompt[i] = oracle.path("input_ids").get(row).get(i).asInt();
        }
        int[] expected = lm.greedy(prompt, NEW_TOKENS, true);
        double[] expectedLogprobs = logprobs(lm, prompt, expected);

        JsonNode answer = complete(server, prompt);
        int[] got = JSON.convertValue(answer.path("tokens"), int[].class);
        // llama-server stops at an end-of-generation token (eos, <|im_end|>) the Java model just emits.
        int[] upToStop = Arrays.copyOf(expected, Math.min(got.length, expected.length));
        assertThat(got).as(name + " row " + row + ": llama-server's greedy tokens (answer " + answer + ")")
            .containsExactly(upToStop);
        if (got.length < expected.length) {
          assertThat(got.length).as(name + " row " + row + ": stopped early (answer " + answer + ")").isPositive();
          assertThat(tokenizer.isSpecial(got[got.length - 1])).as(name + " row " + row + ": stopped at a special token")
              .isTrue();
        }
        tokensCompared += got.length;
        // One entry per piece of text it streams: tokens that end inside a UTF-8 character are
        // folded into the entry of the token that completes it, which carries that token's own
        // log-prob. So entries are matched to tokens in order by id.
        int t = 0;
        for (JsonNode entry : answer.path("completion_probabilities")) {
          while (t < got.length && got[t] != entry.path("id").asInt()) {
            t++;
          }
          assertThat(t).as(name + ": log-prob entry " + entry + " matches no token").isLessThan(got.length);
          maxLogprobDiff = Math.max(maxLogprobDiff, Math.abs(entry.path("logprob").asDouble() - expectedLogprobs[t]));
          compared++;
          t++;
        }
      }
    }
    assertThat(tokensCompared).as(name + ": tokens compared").isGreaterThanOrEqualTo(NEW_TOKENS);
    assertThat(compared).as(name + ": log-probs compared").isGreaterThanOrEqualTo(tokensCompared / 2);
    System.out.printf("%s %s: GGUF %d tensors, %,d bytes; llama-server greedy = Java greedy (%d tokens);"
        + " max |logprob diff| = %.3g over %d tokens%n", name, matrices, summary.tensors(), summary.bytes(), tokensCompared,
        maxLogprobDiff, compared);
    return maxLogprobDiff;
  }

  /** POST /completion: greedy, token ids in, the chosen tokens' log-probs out. */
  private static JsonNode complete(LlamaServerFixture server, int[] prompt) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.set("prompt", JSON.valueToTree(prompt));
    body.put("n_predict", NEW_TOKENS).put("temperature", 0.0).put("n_probs", 1).put("cache_prompt", false)
        .put("return_tokens", true);
    return post(server, "/completion", body);
  }

  private static JsonNode post(LlamaServerFixture server, String path, ObjectNode body)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.serverUrl() + path))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + " answered " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** The Java model's log-probability of each continuation token given everything before it. */
  private static double[] logprobs(HfCausalLm lm, int[] prompt, int[] continuation) {
    int[] all = Arrays.copyOf(prompt, prompt.length + continuation.length);
    System.arraycopy(continuation, 0, all, prompt.length, continuation.length);
    int[] mask = new int[all.length];
    Arrays.fill(mask, 1);
    INDArray logits = lm.logits(new int[][] {all}, new int[][] {mask});
    double[] out = new double[continuation.length];
    long vocab = logits.size(2);
    for (int i = 0; i < continuation.length; i++) {
      int t = prompt.length - 1 + i;
      double max = Double.NEGATIVE_INFINITY;
      for (int v = 0; v < vocab; v++) {
        max = Math.max(max, logits.getDouble(0, t, v));
      }
      double sum = 0;
      for (int v = 0; v < vocab; v++) {
        sum += Math.exp(logits.getDouble(0, t, v) - max);
      }
      out[i] = logits.getDouble(0, t, continuation[i]) - max - Math.log(sum);
    }
    return out;
  }
}

package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.policy.PolicyLoader;
import dev.manimgrpo.policy.model.NativeThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The bundled Hugging Face starter is a model other tools load unchanged: transformers reads it
 * with no missing or unexpected keys and computes the Java model's logits, and its tokenizer (which
 * {@link HfTokenizerWriter} wrote) gives the ids the tokenizers library gives, on Manim code and on
 * the unicode and whitespace cases byte-level BPE gets wrong most easily.
 */
@Tag("hf")
class BundledHfStarterOracleTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> TEXTS = List.of(
      "from manim import *\n\n\nclass SquareToCircle(Scene):\n    def construct(self):\n"
          + "        square = Square(side_length=2.0, color=BLUE).shift(LEFT * 1.5)\n"
          + "        self.play(Transform(square, Circle()), run_time=0.75)\n        self.wait()\n",
      "Create an animation where a red dot traces y = x**2 for x in [-2, 2].",
      "  tabs\tand\t\ttrailing spaces   \r\n\r\n    ",
      "unicode: héllo wörld, 日本語, emoji 🎉🚀, math ∑∫√π, accents ÀÉÎÕÜ",
      "numbers 12345 0.25 1e-3 1_000_000 and it's, we'll, I'M, they've",
      "<|endoftext|> inside text, <|pad|> too",
      "");
  private static JsonNode result;
  private static Path starter;
  private static int[][] tokens;

  @BeforeAll
  static void loadWithTransformers(@TempDir Path dir) throws IOException, InterruptedException {
    NativeThreads.limitOpThreads(1);
    starter = PolicyLoader.hfStarter();
    Path in = Files.createDirectories(dir.resolve("in"));
    Path out = Files.createDirectories(dir.resolve("out"));
    Path copy = Files.createDirectories(in.resolve("starter"));
    try (var files = Files.list(starter)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    int vocab = HfModelConfig.read(ModelFolder.local(starter)).vocabSize();
    Random r = new Random(5);
    tokens = new int[2][9];
    for (int[] row : tokens) {
      for (int i = 0; i < row.length; i++) {
        row[i] = r.nextInt(vocab);
      }
    }
    ObjectNode request = JSON.createObjectNode();
    ObjectNode m = request.putArray("models").addObject();
    m.put("name", "starter").set("input_ids", JSON.valueToTree(tokens));
    m.set("texts", JSON.valueToTree(TEXTS));
    Files.writeString(in.resolve("request.json"), JSON.writeValueAsString(request));
    HfOracle.run("load_exports.py", in, out);
    result = JSON.readTree(out.resolve("result.json").toFile()).path("models").get(0);
  }

  @Test
  void transformersLoadsItWithNoMissingOrUnexpectedKeys() {
    assertThat(result.path("architecture").asText()).isEqualTo("Qwen2ForCausalLM");
    assertThat(result.path("missing_keys")).isEmpty();
    assertThat(result.path("unexpected_keys")).isEmpty();
    assertThat(result.path("mismatched_keys")).isEmpty();
    assertThat(result.path("error_msgs")).isEmpty();
  }

  @Test
  void transformersComputesTheJavaModelsLogits() throws IOException {
    HfCausalLm lm = HfCausalLm.load(starter);
    int[][] mask = new int[tokens.length][tokens[0].length];
    for (int[] row : mask) {
      java.util.Arrays.fill(row, 1);
    }
    INDArray java = lm.logits(tokens, mask);
    JsonNode torch = result.path("logits");
    double max = 0;
    for (int b = 0; b < tokens.length; b++) {
      for (int t = 0; t < tokens[0].length; t++) {
        JsonNode row = torch.get(b).get(t);
        for (int v = 0; v < row.size(); v++) {
          max = Math.max(max, Math.abs(java.getFloat(b, t, v) - row.get(v).floatValue()));
        }
      }
    }
    System.out.printf("bundled-hf: max |transformers - Java| logit = %.3g%n", max);
    assertThat(max).isLessThanOrEqualTo(1e-4);
  }

  @Test
  void itsTokenizerGivesTheLibrarysIdsAndDecodesBack() throws IOException {
    HfTokenizer tokenizer = HfTokenizer.load(starter);
    JsonNode ids = result.path("texts_ids");
    assertThat(ids.size()).isEqualTo(TEXTS.size());
    for (int k = 0; k < TEXTS.size(); k++) {
      int[] mine = tokenizer.encode(TEXTS.get(k), false);
      assertThat(mine).as(TEXTS.get(k)).containsExactly(JSON.convertValue(ids.get(k), int[].class));
      assertThat(tokenizer.decode(mine, false)).isEqualTo(TEXTS.get(k));
    }
    // Learned merges, not bytes: Manim code takes far fewer ids than bytes.
    assertThat(tokenizer.encode(TEXTS.get(0), false).length).isLessThan(TEXTS.get(0).length() / 2);
  }
}

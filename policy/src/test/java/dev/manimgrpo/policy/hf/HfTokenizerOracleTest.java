package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link HfTokenizer} and {@link HfChatTemplate} against what Debian's tokenizers and transformers
 * compute ({@code tokenizer/oracle.json} of {@link HfOracle#tinyModels()}): the trained tokenizer
 * (Llama 3's split, merges as pairs, a bos template), its variants (Qwen2's and Llama 3's layouts,
 * other regexes, added-token flags, split behaviours) and the chat templates.
 */
@Tag("hf")
class HfTokenizerOracleTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path dir;
  private static JsonNode oracle;
  private static HfTokenizer tokenizer;

  @BeforeAll
  static void load() throws IOException {
    dir = HfOracle.tinyModels().resolve("tokenizer");
    oracle = JSON.readTree(dir.resolve("oracle.json").toFile());
    tokenizer = HfTokenizer.load(dir);
  }

  @Test
  void everyCaseEncodesToTheIdsOfTokenizersAndTransformers() {
    List<String> failures = new ArrayList<>();
    for (JsonNode c : oracle.path("cases")) {
      String text = c.path("text").asText();
      check(failures, "ids of " + show(text), ints(c.path("ids_tokenizers")), tokenizer.encode(text, false));
      check(failures, "transformers ids of " + show(text), ints(c.path("ids_transformers")),
          tokenizer.encode(text, false));
      check(failures, "ids with special tokens of " + show(text), ints(c.path("ids_with_special_tokens")),
          tokenizer.encode(text, true));
    }
    assertThat(failures).isEmpty();
    assertThat(oracle.path("cases").size()).isGreaterThan(25);
  }

  @Test
  void thePreTokenizerCutsEveryCaseWhereTheLibraryCutsIt() {
    List<String> failures = new ArrayList<>();
    for (JsonNode c : oracle.path("cases")) {
      checkWords(failures, "pre-tokens of " + show(c.path("text").asText()), c.path("pre_tokens"),
          tokenizer.preTokenize(c.path("text").asText()));
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void everyCaseDecodesToTheTextTransformersDecodes() {
    for (JsonNode c : oracle.path("cases")) {
      int[] ids = ints(c.path("ids_tokenizers"));
      assertThat(tokenizer.decode(ids, false)).as(show(c.path("text").asText())).isEqualTo(c.path("decoded").asText());
    }
  }

  @Test
  void tokenStringsAreTheLibrarysTokens() {
    for (JsonNode c : oracle.path("cases")) {
      int[] ids = ints(c.path("ids_tokenizers"));
      List<String> tokens = new ArrayList<>();
      for (int id : ids) {
        tokens.add(tokenizer.tokenToString(id));
      }
      List<String> expected = new ArrayList<>();
      c.path("tokens").forEach(t -> expected.add(t.asText()));
      assertThat(tokens).as(show(c.path("text").asText())).isEqualTo(expected);
    }
  }

  @Test
  void idSequencesThatAreNotWholeTextDecodeAsTheLibraryDecodesThem() {
    for (JsonNode c : oracle.path("decode_cases")) {
      int[] ids = ints(c.path("ids"));
      assertThat(tokenizer.decode(ids, false)).as("%s", c.path("ids")).isEqualTo(c.path("decoded").asText());
      assertThat(tokenizer.decode(ids, true)).as("%s skipping specials", c.path("ids"))
          .isEqualTo(c.path("decoded_skip_special").asText());
    }
    assertThat(oracle.path("decode_cases").size()).isGreaterThan(30);
  }

  @Test
  void specialTokensAndVocabularySizeAreTheConfigs() {
    assertThat(tokenizer.vocabSize()).isEqualTo(oracle.path("vocab_size").asInt());
    JsonNode specials = oracle.path("special_tokens");
    assertThat(tokenizer.bosId()).isEqualTo(specials.path(oracle.path("bos_token").asText()).asInt());
    assertThat(tokenizer.eosId()).isEqualTo(specials.path(oracle.path("eos_token").asText()).asInt());
    assertThat(tokenizer.padId()).isEqualTo(specials.path(oracle.path("pad_token").asText()).asInt());
    specials.fields().forEachRemaining(e -> {
      assertThat(tokenizer.tokenToId(e.getKey())).isEqualTo(e.getValue().asInt());
      assertThat(tokenizer.tokenToString(e.getValue().asInt())).isEqualTo(e.getKey());
      assertThat(tokenizer.isSpecial(e.getValue().asInt())).isTrue();
    });
  }

  @Test
  void everyModelFolderCarriesTheSameTokenizer() throws IOException {
    JsonNode manimCase = oracle.path("cases").get(1);
    for (String model : HfOracle.MODELS) {
      HfTokenizer t = HfTokenizer.load(ModelFolder.local(dir.getParent().resolve(model)));
      assertThat(t.encode(manimCase.path("text").asText(), true)).as(model)
          .containsExactly(ints(manimCase.path("ids_with_special_tokens")));
    }
  }

  @Test
  void everyVariantEncodesAndDecodesAsTheLibrary() throws IOException {
    List<String> failures = new ArrayList<>();
    for (JsonNode v : oracle.path("variants")) {
      String name = v.path("name").asText();
      Path file = dir.resolve(v.path("file").asText());
      HfTokenizer t;
      try {
        t = HfTokenizer.load(file.getParent());
      } catch (IllegalArgumentException e) {
        failures.add(name + ": does not load: " + e.getMessage());
        continue;
      }
      if (t.vocabSize() != v.path("vocab_size").asInt()) {
        failures.add(name + ": vocabulary size " + t.vocabSize() + ", expected " + v.path("vocab_size").asInt());
      }
      for (JsonNode c : v.path("cases")) {
        String text = c.path("text").asText();
        int[] ids = ints(c.path("ids"));
        int[] withSpecial = ints(c.path("ids_with_special_tokens"));
        checkWords(failures, name + ": pre-tokens of " + show(text), c.path("pre_tokens"), t.preTokenize(text));
        check(failures, name + ": ids of " + show(text), ids, t.encode(text, false));
        check(failures, name + ": ids with special tokens of " + show(text), withSpecial, t.encode(text, true));
        checkText(failures, name + ": decoded " + show(text), c.path("decoded").asText(), t.decode(ids, false));
        checkText(failures, name + ": decoded without specials " + show(text),
            c.path("decoded_skip_special").asText(), t.decode(withSpecial, true));
      }
    }
    assertThat(failures).isEmpty();
    assertThat(oracle.path("variants").size()).isGreaterThan(10);
  }

  @Test
  void theChatTemplateRendersAndTokenizesAsTransformers() throws IOException {
    HfChatTemplate template = HfChatTemplate.load(dir);
    JsonNode chat = oracle.path("chat");
    String text = template.render(messages(chat.path("messages")), chat.path("add_generation_prompt").asBoolean());
    assertThat(text).isEqualTo(chat.path("text").asText());
    assertThat(template.encode(tokenizer, messages(chat.path("messages")), chat.path("add_generation_prompt").asBoolean()))
        .containsExactly(ints(chat.path("ids")));
  }

  @Test
  void theKnownChatMlTemplatesRenderAsTransformers() {
    for (JsonNode c : oracle.path("chat_templates")) {
      HfChatTemplate template = HfChatTemplate.of(c.path("template").asText(), tokenizer.bosToken());
      String what = c.path("name").asText() + " " + c.path("messages").size() + " messages, generation prompt "
          + c.path("add_generation_prompt").asBoolean();
      List<HfChatTemplate.Message> messages = messages(c.path("messages"));
      boolean generationPrompt = c.path("add_generation_prompt").asBoolean();
      assertThat(template.render(messages, generationPrompt)).as(what).isEqualTo(c.path("text").asText());
      assertThat(template.encode(tokenizer, messages, generationPrompt)).as(what).containsExactly(ints(c.path("ids")));
    }
    assertThat(oracle.path("chat_templates").size()).isGreaterThanOrEqualTo(18);
  }

  private static List<HfChatTemplate.Message> messages(JsonNode list) {
    List<HfChatTemplate.Message> out = new ArrayList<>();
    list.forEach(m -> out.add(new HfChatTemplate.Message(m.path("role").asText(), m.path("content").asText())));
    return out;
  }

  private static void check(List<String> failures, String what, int[] expected, int[] actual) {
    if (!java.util.Arrays.equals(expected, actual)) {
      failures.add(what + ": expected " + java.util.Arrays.toString(expected) + ", got "
          + java.util.Arrays.toString(actual));
    }
  }

  private static void checkWords(List<String> failures, String what, JsonNode expected, List<String> actual) {
    List<String> e = new ArrayList<>();
    expected.forEach(w -> e.add(w.asText()));
    if (!e.equals(actual)) {
      failures.add(what + ": expected " + e + ", got " + actual);
    }
  }

  private static void checkText(List<String> failures, String what, String expected, String actual) {
    if (!expected.equals(actual)) {
      failures.add(what + ": expected " + show(expected) + ", got " + show(actual));
    }
  }

  static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  /** A string with its control and non-ASCII characters escaped, for failure messages. */
  static String show(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().limit(60).forEach(cp -> {
      if (cp >= 0x20 && cp < 0x7F) {
        sb.append((char) cp);
      } else {
        sb.append(String.format("\\u{%X}", cp));
      }
    });
    return sb.append(s.codePointCount(0, s.length()) > 60 ? "...\"" : "\"").toString();
  }
}

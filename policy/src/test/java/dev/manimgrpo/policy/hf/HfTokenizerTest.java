package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HfTokenizer} on tiny {@code tokenizer.json} files written here (no oracle): the byte-level
 * vocabulary, merges in both forms and by rank, ignore_merges, added tokens, the post-processor, the
 * special-token files, and every refusal naming what it refuses.
 */
class HfTokenizerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Llama 3's split, as its tokenizer.json holds it. */
  static final String LLAMA3_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}|"
      + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  @TempDir
  Path dir;

  /** 256 byte tokens (id = byte), then h+e, l+l, he+ll, hell+o ("hello" is one token), Ġworld, the specials. */
  static ObjectNode tokenizerJson(boolean mergesAsStrings) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    added.add(addedToken(261, "<|bos|>", true));
    added.add(addedToken(262, "<|eos|>", true));
    root.putNull("normalizer");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "Sequence");
    ArrayNode steps = pre.putArray("pretokenizers");
    ObjectNode split = steps.addObject();
    split.put("type", "Split");
    split.putObject("pattern").put("Regex", LLAMA3_SPLIT);
    split.put("behavior", "Isolated");
    split.put("invert", false);
    steps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
        .put("use_regex", false);
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    single.addObject().putObject("SpecialToken").put("id", "<|bos|>").put("type_id", 0);
    single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    post.putArray("pair");
    ObjectNode bos = post.putObject("special_tokens").putObject("<|bos|>");
    bos.put("id", "<|bos|>");
    bos.putArray("ids").add(261);
    bos.putArray("tokens").add("<|bos|>");
    root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
        .put("use_regex", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    ObjectNode vocab = model.putObject("vocab");
    for (int b = 0; b < 256; b++) {
      vocab.put(String.valueOf(HfByteLevel.charOf(b)), b);
    }
    vocab.put("he", 256);
    vocab.put("ll", 257);
    vocab.put("hell", 258);
    vocab.put("hello", 259);
    vocab.put("\u0120world", 260); // no merge makes it: reachable only with ignore_merges
    vocab.put("<|bos|>", 261);
    vocab.put("<|eos|>", 262);
    String[][] merges = {{"h", "e"}, {"l", "l"}, {"he", "ll"}, {"hell", "o"}};
    ArrayNode m = model.putArray("merges");
    for (String[] pair : merges) {
      if (mergesAsStrings) {
        m.add(pair[0] + " " + pair[1]);
      } else {
        m.addArray().add(pair[0]).add(pair[1]);
      }
    }
    return root;
  }

  static ObjectNode addedToken(int id, String content, boolean special) {
    ObjectNode t = JSON.createObjectNode();
    t.put("id", id).put("content", content).put("single_word", false).put("lstrip", false).put("rstrip", false)
        .put("normalized", !special).put("special", special);
    return t;
  }

  private HfTokenizer write(ObjectNode tokenizer) throws IOException {
    Files.writeString(dir.resolve(HfTokenizer.FILE), JSON.writeValueAsString(tokenizer));
    return HfTokenizer.load(dir);
  }

  private HfTokenizer with(Consumer<ObjectNode> change) throws IOException {
    ObjectNode t = tokenizerJson(false);
    change.accept(t);
    return write(t);
  }

  private static int b(char c) {
    return c; // ASCII byte = id in the tiny vocabulary
  }

  @Test
  void mergesAsStringsAndAsPairsGiveTheSameIds() throws IOException {
    HfTokenizer pairs = write(tokenizerJson(false));
    HfTokenizer strings = write(tokenizerJson(true));
    String text = "hello hello, hell\nhe said";
    assertThat(pairs.encode(text, false)).containsExactly(strings.encode(text, false));
    assertThat(pairs.encode("hello", false)).containsExactly(259);
    // " hello" is one word; "Ġ" (byte 32) has no merge with "h"
    assertThat(pairs.encode("hello hello", false)).containsExactly(259, 32, 259);
  }

  @Test
  void theLowestRankedPairMergesFirst() throws IOException {
    // "hell": h+e (rank 0), l+l (rank 1), he+ll (rank 2)
    assertThat(write(tokenizerJson(false)).encode("hell", false)).containsExactly(258);
    HfTokenizer elFirst = with(t -> {
      ((ObjectNode) t.path("model").path("vocab")).put("el", 263);
      ArrayNode merges = JSON.createArrayNode();
      merges.addArray().add("e").add("l"); // now rank 0: "hell" -> h, el, l
      t.path("model").path("merges").forEach(merges::add);
      ((ObjectNode) t.path("model")).set("merges", merges);
    });
    assertThat(elFirst.encode("hell", false)).containsExactly(b('h'), 263, b('l'));
  }

  @Test
  void ignoreMergesTakesAWordThatIsInTheVocabularyWhole() throws IOException {
    assertThat(write(tokenizerJson(false)).encode("hello world", false))
        .containsExactly(259, 32, b('w'), b('o'), b('r'), b('l'), b('d'));
    HfTokenizer ignoring = with(t -> ((ObjectNode) t.path("model")).put("ignore_merges", true));
    assertThat(ignoring.encode("hello world", false)).containsExactly(259, 260);
  }

  @Test
  void addedTokensAreFoundBeforePreTokenizationAndSkippedOnRequest() throws IOException {
    HfTokenizer t = write(tokenizerJson(false));
    int[] ids = t.encode("hello<|eos|>he", false);
    assertThat(ids).containsExactly(259, 262, 256);
    assertThat(t.decode(ids, false)).isEqualTo("hello<|eos|>he");
    assertThat(t.decode(ids, true)).isEqualTo("hellohe");
    assertThat(t.isSpecial(262)).isTrue();
    assertThat(t.isSpecial(259)).isFalse();
  }

  @Test
  void theLongestAddedTokenWinsAndStripFlagsTakeTheSpaces() throws IOException {
    HfTokenizer t = with(tj -> {
      ArrayNode added = (ArrayNode) tj.path("added_tokens");
      added.add(addedToken(263, "<|e", false).put("normalized", false));
      added.add(addedToken(264, "<sep>", false).put("normalized", false).put("lstrip", true).put("rstrip", true));
    });
    assertThat(t.encode("<|eos|><|e", false)).containsExactly(262, 263);
    assertThat(t.encode("he  <sep>  he", false)).containsExactly(256, 264, 256);
    assertThat(t.decode(new int[] {256, 264, 256}, false)).isEqualTo("he<sep>he");
  }

  @Test
  void specialTokensComeFromTheMapBeforeTheConfigAsStringsOrObjects() throws IOException {
    write(tokenizerJson(false));
    HfTokenizer none = HfTokenizer.load(dir);
    assertThat(none.bosId()).isEqualTo(-1);
    assertThat(none.eosId()).isEqualTo(-1);
    assertThat(none.padId()).isEqualTo(-1);
    Files.writeString(dir.resolve(HfTokenizer.CONFIG_FILE),
        "{\"bos_token\": {\"content\": \"<|bos|>\", \"special\": true}, \"eos_token\": \"<|bos|>\", \"pad_token\": null}");
    Files.writeString(dir.resolve(HfTokenizer.SPECIAL_TOKENS_MAP_FILE), "{\"eos_token\": \"<|eos|>\"}");
    HfTokenizer t = HfTokenizer.load(dir);
    assertThat(t.bosId()).isEqualTo(261);
    assertThat(t.eosId()).isEqualTo(262);
    assertThat(t.padId()).isEqualTo(-1);
    assertThat(t.bosToken()).isEqualTo("<|bos|>");
  }

  @Test
  void specialTokensArePutAroundOnlyWhenAskedFor() throws IOException {
    HfTokenizer t = write(tokenizerJson(false));
    assertThat(t.encode("he", true)).containsExactly(261, 256);
    assertThat(t.encode("he", false)).containsExactly(256);
    assertThat(t.encode("", true)).containsExactly(261);
    assertThat(t.encode("", false)).isEmpty();
  }

  @Test
  void vocabularySizeTokenStringsAndIds() throws IOException {
    HfTokenizer t = write(tokenizerJson(false));
    assertThat(t.vocabSize()).isEqualTo(263);
    assertThat(t.tokenToString(32)).isEqualTo("\u0120");
    assertThat(t.tokenToString(259)).isEqualTo("hello");
    assertThat(t.tokenToId("hello")).isEqualTo(259);
    assertThat(t.tokenToId("nope")).isEqualTo(-1);
    assertThatThrownBy(() -> t.tokenToString(999)).hasMessageContaining("no token has id 999");
  }

  @Test
  void decodingDropsUnknownIdsAndReplacesBrokenUtf8() throws IOException {
    HfTokenizer t = write(tokenizerJson(false));
    assertThat(t.decode(new int[] {256, 999, -1, 256}, false)).isEqualTo("hehe");
    // E2 82 (a cut euro sign) then A: one replacement for the cut sequence
    assertThat(t.decode(new int[] {0xE2, 0x82, 'A'}, false)).isEqualTo("\uFFFDA");
    // an encoded surrogate is invalid UTF-8: three replacements, as Rust's from_utf8_lossy
    assertThat(t.decode(new int[] {0xED, 0xA0, 0x80}, false)).isEqualTo("\uFFFD\uFFFD\uFFFD");
    String text = "na\u00efve \uD83D\uDE00 \u4e2d\u6587\r\n\ttab";
    assertThat(t.decode(t.encode(text, false), false)).isEqualTo(text);
  }

  @Test
  void longInputsEncodeWithoutBlowingUp() throws IOException {
    HfTokenizer t = write(tokenizerJson(false));
    String spaces = " ".repeat(200_000);
    assertThat(t.decode(t.encode(spaces, false), false)).isEqualTo(spaces);
    String digits = "7".repeat(200_000);
    assertThat(t.encode(digits, false)).hasSize(200_000);
    String words = "hello ".repeat(50_000);
    assertThat(t.encode(words, false)).hasSize(100_000);
  }

  @Test
  void refusesByteFallback() {
    assertThatThrownBy(() -> with(t -> ((ObjectNode) t.path("model")).put("byte_fallback", true)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("byte_fallback")
        .hasMessageContaining(HfTokenizer.FILE);
  }

  @Test
  void refusesSubwordPrefixesButTakesEmptyOnes() throws IOException {
    assertThatThrownBy(() -> with(t -> ((ObjectNode) t.path("model")).put("continuing_subword_prefix", "##")))
        .hasMessageContaining("continuing_subword_prefix \"##\"");
    assertThatThrownBy(() -> with(t -> ((ObjectNode) t.path("model")).put("end_of_word_suffix", "</w>")))
        .hasMessageContaining("end_of_word_suffix");
    HfTokenizer qwenStyle = with(t -> ((ObjectNode) t.path("model")).put("continuing_subword_prefix", "")
        .put("end_of_word_suffix", ""));
    assertThat(qwenStyle.encode("hello", false)).containsExactly(259);
  }

  @Test
  void refusesUnsupportedComponentsNamingTheirType() {
    assertThatThrownBy(() -> with(t -> t.putObject("normalizer").put("type", "Lowercase")))
        .hasMessageContaining("normalizer type \"Lowercase\"");
    assertThatThrownBy(() -> with(t -> t.putObject("pre_tokenizer").put("type", "Whitespace")))
        .hasMessageContaining("pre_tokenizer type \"Whitespace\"");
    assertThatThrownBy(() -> with(t -> t.putObject("post_processor").put("type", "RobertaProcessing")))
        .hasMessageContaining("post_processor type \"RobertaProcessing\"");
    assertThatThrownBy(() -> with(t -> t.putObject("decoder").put("type", "WordPiece")))
        .hasMessageContaining("decoder type \"WordPiece\"");
    assertThatThrownBy(() -> with(t -> ((ObjectNode) t.path("model")).put("type", "Unigram")))
        .hasMessageContaining("model type \"Unigram\"");
    assertThatThrownBy(() -> with(t -> ((ObjectNode) t.path("model")).put("dropout", 0.1)))
        .hasMessageContaining("dropout");
  }

  @Test
  void refusesATokenizerThatIsNotByteLevel() {
    assertThatThrownBy(() -> with(t -> ((ArrayNode) t.path("pre_tokenizer").path("pretokenizers")).remove(1)))
        .hasMessageContaining("no ByteLevel step");
    assertThatThrownBy(() -> with(t -> t.putNull("decoder"))).hasMessageContaining("decoder is null");
  }

  @Test
  void refusesInconsistentMergesAndSpecials() throws IOException {
    assertThatThrownBy(() -> with(t -> ((ArrayNode) t.path("model").path("merges")).add("a b c")))
        .hasMessageContaining("\"a b c\" is not two tokens");
    assertThatThrownBy(() -> with(t -> ((ArrayNode) t.path("model").path("merges")).addArray().add("x").add("y")))
        .hasMessageContaining("merged token \"xy\" is not in the vocabulary");
    assertThatThrownBy(() -> with(t -> ((ObjectNode) t.path("pre_tokenizer").path("pretokenizers").get(0))
        .put("behavior", "Sideways"))).hasMessageContaining("Split behavior \"Sideways\"");
    write(tokenizerJson(false));
    Files.writeString(dir.resolve(HfTokenizer.CONFIG_FILE), "{\"eos_token\": \"</s>\"}");
    assertThatThrownBy(() -> HfTokenizer.load(dir)).hasMessageContaining("eos_token \"</s>\" is not in the vocabulary");
  }

  @Test
  void refusesAnAddedTokenWhoseNewIdTheVocabularyAlreadyGives() {
    // ids 0..262 with 261 missing: the next id after the vocabulary's 262 entries is 262, taken
    assertThatThrownBy(() -> with(t -> {
      ((ObjectNode) t.path("model").path("vocab")).remove("\u0120world");
      ((ArrayNode) t.path("added_tokens")).add(addedToken(263, "<new>", true));
    })).hasMessageContaining("added token \"<new>\" gets id 262");
  }

  @Test
  void aMissingFileIsAnIoErrorNamingTheFolder() {
    assertThatThrownBy(() -> HfTokenizer.load(dir)).isInstanceOf(IOException.class)
        .hasMessageContaining("no tokenizer.json in model folder " + dir.toAbsolutePath().normalize());
  }

  @Test
  void invalidJsonIsRefusedNamingTheFile() throws IOException {
    Files.writeString(dir.resolve(HfTokenizer.FILE), "{\"model\": ");
    assertThatThrownBy(() -> HfTokenizer.load(dir)).hasMessageContaining("tokenizer.json is not valid JSON");
  }
}

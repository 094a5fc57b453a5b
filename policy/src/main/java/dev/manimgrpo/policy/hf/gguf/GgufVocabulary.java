package dev.manimgrpo.policy.hf.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A byte-level BPE {@code tokenizer.json} as llama.cpp's {@code gpt2} tokenizer reads it: every
 * token's text by id (ids the file does not use, up to the model's vocab size, become {@code
 * [PADn]}, unused, as llama.cpp's converter writes them), token types, merges as {@code "a b"}, and
 * the {@code tokenizer.ggml.pre} name of the pre-tokenizer's split regex.
 *
 * @param pre llama.cpp's name for the split: {@code llama-bpe} (Llama 3's), {@code qwen2}, or
 *            {@code default} for a split it has no name for (then llama.cpp's own tokenization of
 *            text may differ; token ids sent to it are unaffected)
 */
public record GgufVocabulary(List<String> tokens, int[] tokenTypes, List<String> merges, String pre) {

  /** llama.cpp's token types ({@code llama_token_type}). */
  static final int NORMAL = 1;
  static final int CONTROL = 3;
  static final int USER_DEFINED = 4;
  static final int UNUSED = 5;

  /** Llama 3's split regex (tokenizer.json spelling), which llama.cpp calls {@code llama-bpe}. */
  static final String LLAMA3_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
      + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  /** Qwen2's (Qwen3 has the same): single digits. */
  static final String QWEN2_SPLIT = dev.manimgrpo.policy.hf.HfTokenizerWriter.QWEN2_SPLIT;

  /**
   * Reads a parsed {@code tokenizer.json}.
   *
   * @param vocabSize the model's vocab size (embedding rows), at least the tokenizer's
   */
  public static GgufVocabulary of(JsonNode tokenizer, int vocabSize, String source) {
    JsonNode model = tokenizer.path("model");
    if (!"BPE".equals(model.path("type").asText())) {
      throw new IllegalArgumentException(source + ": model.type is " + model.path("type")
          + "; only byte-level BPE tokenizers export to GGUF");
    }
    String[] tokens = new String[vocabSize];
    int[] types = new int[vocabSize];
    var vocab = model.path("vocab").fields();
    while (vocab.hasNext()) {
      var e = vocab.next();
      set(tokens, types, e.getValue().asInt(), e.getKey(), NORMAL, vocabSize, source);
    }
    for (JsonNode added : tokenizer.path("added_tokens")) {
      set(tokens, types, added.path("id").asInt(), added.path("content").asText(),
          added.path("special").asBoolean() ? CONTROL : USER_DEFINED, vocabSize, source);
    }
    for (int i = 0; i < vocabSize; i++) {
      if (tokens[i] == null) {
        tokens[i] = "[PAD" + i + "]";
        types[i] = UNUSED;
      }
    }
    List<String> merges = new ArrayList<>();
    for (JsonNode m : model.path("merges")) {
      // Older files write "a b", newer ones ["a", "b"].
      merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
    }
    return new GgufVocabulary(List.of(tokens), types, List.copyOf(merges), pre(tokenizer.path("pre_tokenizer")));
  }

  private static void set(String[] tokens, int[] types, int id, String text, int type, int vocabSize, String source) {
    if (id < 0 || id >= vocabSize) {
      throw new IllegalArgumentException(source + ": token " + text + " has id " + id + ", outside the model's "
          + vocabSize + " embedding rows");
    }
    tokens[id] = text;
    types[id] = type;
  }

  /** The name llama.cpp gives the first Split regex of the pre-tokenizer. */
  static String pre(JsonNode preTokenizer) {
    List<JsonNode> parts = new ArrayList<>();
    if ("Sequence".equals(preTokenizer.path("type").asText())) {
      preTokenizer.path("pretokenizers").forEach(parts::add);
    } else {
      parts.add(preTokenizer);
    }
    for (JsonNode p : parts) {
      if ("Split".equals(p.path("type").asText())) {
        String regex = p.path("pattern").path("Regex").asText();
        if (LLAMA3_SPLIT.equals(regex)) {
          return "llama-bpe";
        }
        if (QWEN2_SPLIT.equals(regex)) {
          return "qwen2";
        }
        return "default";
      }
    }
    return "default";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GgufVocabulary v && tokens.equals(v.tokens) && Arrays.equals(tokenTypes, v.tokenTypes)
        && merges.equals(v.merges) && pre.equals(v.pre);
  }

  @Override
  public int hashCode() {
    return tokens.hashCode() * 31 + Arrays.hashCode(tokenTypes);
  }

  @Override
  public String toString() {
    return "GgufVocabulary[" + tokens.size() + " tokens, " + merges.size() + " merges, pre " + pre + "]";
  }
}

package dev.manimgrpo.policy.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A Hugging Face byte-level BPE tokenizer ({@code tokenizer.json} of Llama 3, Qwen2, Qwen2.5,
 * Qwen3, GPT-2 and the like), giving the ids the tokenizers library gives ({@code
 * Tokenizer.encode}, which transformers' {@code AutoTokenizer.encode} calls) and decoding as it
 * does.
 *
 * <p>Encoding, as in the library: added tokens are found first ({@link HfAddedVocabulary}: raw,
 * then in the normalized text, leftmost-longest); the text between them is normalized (NFC or
 * nothing), cut by the pre-tokenizer ({@link HfPreTokenizer}: regex {@code Split}s translated from
 * Oniguruma by {@link HfRegex}, then {@code ByteLevel}), and each word is merged by {@link HfBpe};
 * with {@code addSpecialTokens} the post-processor's special tokens go around
 * ({@link HfPostProcessor}). Decoding maps ids to token strings (added tokens first; unknown ids are
 * dropped, as the library drops them), leaves out special tokens on request and undoes the byte-level
 * mapping, invalid UTF-8 becoming U+FFFD. transformers 5 decodes the same: it ignores {@code
 * clean_up_tokenization_spaces} for BPE tokenizers.
 *
 * <p>Supported {@code tokenizer.json} content, anything else failing with an error that names it:
 * <ul>
 *   <li>{@code model}: {@code BPE} with {@code vocab}, {@code merges} as {@code "a b"} strings or
 *       {@code ["a","b"]} pairs, {@code ignore_merges}, {@code unk_token}, {@code fuse_unk}; refused:
 *       {@code byte_fallback: true}, a non-empty {@code continuing_subword_prefix} or {@code
 *       end_of_word_suffix}, {@code dropout} above 0;
 *   <li>{@code normalizer}: null, {@code NFC}, or a {@code Sequence} of those;
 *   <li>{@code pre_tokenizer}: {@code Split} (Regex or String pattern, all five behaviours, {@code
 *       invert}), {@code ByteLevel} ({@code add_prefix_space}, {@code use_regex}), {@code Sequence};
 *       a {@code ByteLevel} step is required;
 *   <li>{@code post_processor}: null, {@code TemplateProcessing} (its {@code single} template),
 *       {@code ByteLevel}, {@code Sequence};
 *   <li>{@code decoder}: {@code ByteLevel};
 *   <li>{@code added_tokens} with every flag; each gets the id the library gives it (its vocabulary
 *       id, or the next one after the vocabulary), which for files the library wrote is the file's;
 *   <li>{@code truncation} and {@code padding} are ignored, as transformers resets them per call.
 * </ul>
 *
 * <p>bos / eos / pad come from {@code special_tokens_map.json}, else {@code tokenizer_config.json}
 * (transformers 4's precedence), each a string or a {@code {"content": ...}} object. Immutable and
 * thread-safe.
 */
public final class HfTokenizer {

  public static final String FILE = "tokenizer.json";
  public static final String CONFIG_FILE = "tokenizer_config.json";
  public static final String SPECIAL_TOKENS_MAP_FILE = "special_tokens_map.json";
  /** Ids above this in a vocabulary are refused: no real tokenizer comes near, and ids index arrays. */
  private static final int MAX_ID = 16_000_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HfBpe bpe;
  private final String[] modelTokens;
  private final HfAddedVocabulary added;
  private final HfPreTokenizer preTokenizer;
  private final HfPostProcessor postProcessor;
  private final int vocabSize;
  private final String bosToken;
  private final String eosToken;
  private final String padToken;
  private final int bosId;
  private final int eosId;
  private final int padId;

  private HfTokenizer(HfBpe bpe, HfAddedVocabulary added, HfPreTokenizer preTokenizer,
      HfPostProcessor postProcessor, SpecialTokens specials, String source) {
    this.bpe = bpe;
    this.added = added;
    this.preTokenizer = preTokenizer;
    this.postProcessor = postProcessor;
    int max = -1;
    for (int id : bpe.vocab().values()) {
      max = Math.max(max, id);
    }
    modelTokens = new String[max + 1];
    bpe.vocab().forEach((t, id) -> modelTokens[id] = t);
    Set<String> all = new HashSet<>(bpe.vocab().keySet());
    for (HfAddedVocabulary.AddedToken t : added.tokens()) {
      all.add(t.content());
    }
    vocabSize = all.size();
    bosToken = specials.bos;
    eosToken = specials.eos;
    padToken = specials.pad;
    bosId = specialId("bos_token", bosToken, source);
    eosId = specialId("eos_token", eosToken, source);
    padId = specialId("pad_token", padToken, source);
  }

  private int specialId(String key, String token, String source) {
    if (token == null) {
      return -1;
    }
    int id = tokenToId(token);
    if (id < 0) {
      throw new IllegalArgumentException(source + ": " + key + " \"" + token + "\" is not in the vocabulary");
    }
    return id;
  }

  /** Loads {@code tokenizer.json} (and the special tokens of the two config files) from a local folder. */
  public static HfTokenizer load(Path folder) throws IOException {
    return load(ModelFolder.local(folder));
  }

  /** Loads from any model folder (e.g. {@link HadoopModelFolder} for s3a). */
  public static HfTokenizer load(ModelFolder folder) throws IOException {
    if (!folder.exists(FILE)) {
      throw new IOException("no " + FILE + " in model folder " + folder.location());
    }
    String source = folder.location() + "/" + FILE;
    JsonNode tokenizer = readJson(folder.readString(FILE), source);
    JsonNode config = folder.exists(CONFIG_FILE)
        ? readJson(folder.readString(CONFIG_FILE), folder.location() + "/" + CONFIG_FILE) : MissingNode.getInstance();
    JsonNode map = folder.exists(SPECIAL_TOKENS_MAP_FILE)
        ? readJson(folder.readString(SPECIAL_TOKENS_MAP_FILE), folder.location() + "/" + SPECIAL_TOKENS_MAP_FILE)
        : MissingNode.getInstance();
    return parse(tokenizer, SpecialTokens.read(config, map), source);
  }

  static JsonNode readJson(String text, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(source + " is not a JSON object");
    }
    return root;
  }

  /** The special tokens named by tokenizer_config.json and special_tokens_map.json. */
  record SpecialTokens(String bos, String eos, String pad) {

    static SpecialTokens read(JsonNode config, JsonNode map) {
      return new SpecialTokens(token("bos_token", config, map), token("eos_token", config, map),
          token("pad_token", config, map));
    }

    private static String token(String key, JsonNode config, JsonNode map) {
      String fromMap = content(map.path(key));
      return fromMap != null ? fromMap : content(config.path(key));
    }

    private static String content(JsonNode v) {
      if (v.isTextual()) {
        return v.asText();
      }
      if (v.isObject() && v.path("content").isTextual()) {
        return v.path("content").asText();
      }
      return null;
    }
  }

  static HfTokenizer parse(JsonNode root, SpecialTokens specials, String source) {
    try {
      JsonNode version = root.path("version");
      if (!version.isMissingNode() && !"1.0".equals(version.asText())) {
        throw new IllegalArgumentException("version \"" + version.asText() + "\" is not 1.0");
      }
      UnaryOperator<String> normalizer = normalizer(root.path("normalizer"));
      HfBpe bpe = model(root.path("model"));
      HfAddedVocabulary added = new HfAddedVocabulary(addedTokens(root.path("added_tokens"), bpe), normalizer);
      JsonNode pre = root.path("pre_tokenizer");
      if (pre.isMissingNode() || pre.isNull()) {
        throw new IllegalArgumentException("pre_tokenizer is null: not a byte-level BPE (a ByteLevel step is needed)");
      }
      HfPreTokenizer preTokenizer = preTokenizer(pre);
      if (!preTokenizer.isByteLevel()) {
        throw new IllegalArgumentException("pre_tokenizer has no ByteLevel step: not a byte-level BPE");
      }
      HfPostProcessor post = postProcessor(root.path("post_processor"), bpe, added);
      decoder(root.path("decoder"));
      return new HfTokenizer(bpe, added, preTokenizer, post, specials, source);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static UnaryOperator<String> normalizer(JsonNode n) {
    if (n.isMissingNode() || n.isNull()) {
      return UnaryOperator.identity();
    }
    String type = type(n, "normalizer");
    switch (type) {
      case "NFC" -> {
        return s -> Normalizer.normalize(s, Normalizer.Form.NFC);
      }
      case "Sequence" -> {
        List<UnaryOperator<String>> steps = new ArrayList<>();
        for (JsonNode step : n.path("normalizers")) {
          steps.add(normalizer(step));
        }
        return s -> {
          for (UnaryOperator<String> step : steps) {
            s = step.apply(s);
          }
          return s;
        };
      }
      default -> throw new IllegalArgumentException("normalizer type \"" + type + "\" is not supported (only NFC, "
          + "as Qwen2 and Qwen3 use, or none, as Llama 3)");
    }
  }

  private static HfBpe model(JsonNode m) {
    if (m.isMissingNode() || !m.isObject()) {
      throw new IllegalArgumentException("no model object");
    }
    String type = m.path("type").asText("BPE");
    if (!"BPE".equals(type)) {
      throw new IllegalArgumentException("model type \"" + type + "\" is not supported (only BPE)");
    }
    if (m.path("byte_fallback").asBoolean(false)) {
      throw new IllegalArgumentException("model.byte_fallback is true: byte fallback (<0xNN> tokens, as in "
          + "SentencePiece-style BPE) is not supported, only byte-level BPE");
    }
    for (String key : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
      JsonNode v = m.path(key);
      if (!v.isMissingNode() && !v.isNull() && !v.asText().isEmpty()) {
        throw new IllegalArgumentException("model." + key + " \"" + v.asText() + "\" is not supported (only null or "
            + "empty)");
      }
    }
    JsonNode dropout = m.path("dropout");
    if (!dropout.isMissingNode() && !dropout.isNull() && dropout.asDouble() != 0.0) {
      throw new IllegalArgumentException("model.dropout " + dropout.asDouble() + " is not supported (BPE dropout "
          + "is random; only null or 0)");
    }
    JsonNode v = m.path("vocab");
    if (!v.isObject()) {
      throw new IllegalArgumentException("model.vocab is not an object of token -> id");
    }
    Map<String, Integer> vocab = new HashMap<>(v.size() * 2);
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0 || e.getValue().asInt() > MAX_ID) {
        throw new IllegalArgumentException("model.vocab: token \"" + e.getKey() + "\" has id " + e.getValue()
            + ", not an integer in [0, " + MAX_ID + "]");
      }
      vocab.put(e.getKey(), e.getValue().asInt());
    }
    String[][] merges = merges(m.path("merges"));
    int unkId = -1;
    JsonNode unk = m.path("unk_token");
    if (unk.isTextual()) {
      Integer id = vocab.get(unk.asText());
      if (id == null) {
        throw new IllegalArgumentException("model.unk_token \"" + unk.asText() + "\" is not in the vocabulary");
      }
      unkId = id;
    }
    return new HfBpe(vocab, merges, m.path("ignore_merges").asBoolean(false), unkId,
        m.path("fuse_unk").asBoolean(false));
  }

  /** Both forms: {@code ["a b", ...]} (Llama 3, Qwen2) and {@code [["a", "b"], ...]} (newer files). */
  private static String[][] merges(JsonNode list) {
    if (!list.isArray()) {
      throw new IllegalArgumentException("model.merges is not a list");
    }
    List<String[]> out = new ArrayList<>(list.size());
    for (JsonNode e : list) {
      if (e.isTextual()) {
        String line = e.asText();
        if (line.startsWith("#version")) {
          continue;
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 2) {
          throw new IllegalArgumentException("merge " + (out.size() + 1) + " \"" + line
              + "\" is not two tokens separated by one space");
        }
        out.add(parts);
      } else if (e.isArray() && e.size() == 2 && e.get(0).isTextual() && e.get(1).isTextual()) {
        out.add(new String[] {e.get(0).asText(), e.get(1).asText()});
      } else {
        throw new IllegalArgumentException("merge " + (out.size() + 1) + " is neither \"a b\" nor [\"a\", \"b\"]: " + e);
      }
    }
    return out.toArray(String[][]::new);
  }

  /**
   * The added tokens with the ids the library gives them when it reads the file: a token already in
   * the vocabulary (or added before) keeps that id, a new one takes the next id after the
   * vocabulary; empty contents are ignored. A new id the vocabulary already uses (its ids have a
   * gap) is refused: the library would give two tokens one id.
   */
  private static List<HfAddedVocabulary.AddedToken> addedTokens(JsonNode list, HfBpe bpe) {
    if (list.isMissingNode() || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException("added_tokens is not a list");
    }
    Map<String, Integer> vocab = bpe.vocab();
    Map<Integer, String> vocabIds = new HashMap<>(vocab.size() * 2);
    vocab.forEach((token, id) -> vocabIds.put(id, token));
    Map<String, Integer> seen = new HashMap<>();
    Map<Integer, HfAddedVocabulary.AddedToken> byId = new LinkedHashMap<>();
    int next = vocab.size();
    for (JsonNode t : list) {
      String content = t.path("content").asText("");
      if (content.isEmpty()) {
        continue;
      }
      Integer id = seen.get(content);
      if (id == null) {
        id = vocab.get(content);
      }
      if (id == null) {
        id = next++;
        if (vocabIds.containsKey(id)) {
          throw new IllegalArgumentException("added token \"" + content + "\" gets id " + id + " (the next after the "
              + "vocabulary's " + vocab.size() + " entries, as the tokenizers library counts), which the vocabulary "
              + "already gives to \"" + vocabIds.get(id) + "\": the vocabulary's ids have a gap");
        }
      }
      seen.put(content, id);
      byId.put(id, new HfAddedVocabulary.AddedToken(id, content, t.path("special").asBoolean(false),
          t.path("lstrip").asBoolean(false), t.path("rstrip").asBoolean(false),
          t.path("single_word").asBoolean(false), t.path("normalized").asBoolean(!t.path("special").asBoolean(false))));
    }
    return new ArrayList<>(byId.values());
  }

  private static HfPreTokenizer preTokenizer(JsonNode n) {
    String type = type(n, "pre_tokenizer");
    return switch (type) {
      case "Sequence" -> {
        List<HfPreTokenizer> steps = new ArrayList<>();
        for (JsonNode step : n.path("pretokenizers")) {
          steps.add(preTokenizer(step));
        }
        yield new HfPreTokenizer.Sequence(steps);
      }
      case "Split" -> {
        JsonNode pattern = n.path("pattern");
        java.util.regex.Pattern compiled;
        if (pattern.path("Regex").isTextual()) {
          compiled = HfRegex.compile(pattern.path("Regex").asText());
        } else if (pattern.path("String").isTextual()) {
          compiled = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(pattern.path("String").asText()));
        } else {
          throw new IllegalArgumentException("Split pattern is neither {\"Regex\": ...} nor {\"String\": ...}: "
              + pattern);
        }
        yield new HfPreTokenizer.Split(compiled, HfPreTokenizer.Behavior.of(n.path("behavior").asText()),
            n.path("invert").asBoolean(false));
      }
      case "ByteLevel" -> new HfPreTokenizer.ByteLevel(n.path("add_prefix_space").asBoolean(true),
          n.path("use_regex").asBoolean(true));
      default -> throw new IllegalArgumentException("pre_tokenizer type \"" + type + "\" is not supported (only "
          + "Split, ByteLevel and Sequence of them, as Llama 3, Qwen2 and Qwen3 use)");
    };
  }

  private static HfPostProcessor postProcessor(JsonNode n, HfBpe bpe, HfAddedVocabulary added) {
    if (n.isMissingNode() || n.isNull()) {
      return HfPostProcessor.NONE;
    }
    String type = type(n, "post_processor");
    switch (type) {
      case "ByteLevel" -> {
        return HfPostProcessor.NONE;
      }
      case "Sequence" -> {
        HfPostProcessor p = HfPostProcessor.NONE;
        for (JsonNode step : n.path("processors")) {
          p = postProcessor(step, bpe, added).around(p);
        }
        return p;
      }
      case "TemplateProcessing" -> {
        return template(n);
      }
      default -> throw new IllegalArgumentException("post_processor type \"" + type + "\" is not supported (only "
          + "TemplateProcessing, ByteLevel and Sequence of them)");
    }
  }

  /** The {@code single} template: the special tokens before and after {@code $A}. */
  private static HfPostProcessor template(JsonNode n) {
    JsonNode single = n.path("single");
    if (!single.isArray()) {
      throw new IllegalArgumentException("TemplateProcessing.single is not a list of pieces: " + single);
    }
    List<Integer> prefix = new ArrayList<>();
    List<Integer> suffix = new ArrayList<>();
    boolean seenA = false;
    for (JsonNode piece : single) {
      if (piece.has("Sequence")) {
        String id = piece.path("Sequence").path("id").asText();
        if (!"A".equals(id) || seenA) {
          throw new IllegalArgumentException("TemplateProcessing.single must hold $A once, has " + single);
        }
        seenA = true;
      } else if (piece.has("SpecialToken")) {
        String name = piece.path("SpecialToken").path("id").asText();
        JsonNode ids = n.path("special_tokens").path(name).path("ids");
        if (!ids.isArray() || ids.isEmpty()) {
          throw new IllegalArgumentException("TemplateProcessing names the special token \"" + name
              + "\" that its special_tokens do not define");
        }
        for (JsonNode id : ids) {
          (seenA ? suffix : prefix).add(id.asInt());
        }
      } else {
        throw new IllegalArgumentException("TemplateProcessing piece " + piece + " is neither Sequence nor SpecialToken");
      }
    }
    if (!seenA) {
      throw new IllegalArgumentException("TemplateProcessing.single has no $A: " + single);
    }
    return new HfPostProcessor(prefix.stream().mapToInt(Integer::intValue).toArray(),
        suffix.stream().mapToInt(Integer::intValue).toArray());
  }

  private static void decoder(JsonNode n) {
    if (n.isMissingNode() || n.isNull()) {
      throw new IllegalArgumentException("decoder is null: not a byte-level BPE (a ByteLevel decoder is needed)");
    }
    String type = type(n, "decoder");
    if (!"ByteLevel".equals(type)) {
      throw new IllegalArgumentException("decoder type \"" + type + "\" is not supported (only ByteLevel)");
    }
  }

  private static String type(JsonNode n, String what) {
    if (!n.path("type").isTextual()) {
      throw new IllegalArgumentException(what + " has no type: " + n);
    }
    return n.path("type").asText();
  }

  /** Ids of {@code text}; with {@code addSpecialTokens} the post-processor's tokens go around them (Llama 3's bos). */
  public int[] encode(String text, boolean addSpecialTokens) {
    int[] out = new int[Math.max(8, text.length() / 2)];
    int size = 0;
    for (HfAddedVocabulary.Piece piece : added.extract(text)) {
      if (piece.isToken()) {
        out = grow(out, size + 1);
        out[size++] = piece.id();
        continue;
      }
      for (String word : preTokenizer.apply(List.of(piece.text()))) {
        int[] ids = bpe.tokenize(word);
        out = grow(out, size + ids.length);
        System.arraycopy(ids, 0, out, size, ids.length);
        size += ids.length;
      }
    }
    int[] ids = Arrays.copyOf(out, size);
    return addSpecialTokens ? postProcessor.apply(ids) : ids;
  }

  private static int[] grow(int[] a, int needed) {
    return needed <= a.length ? a : Arrays.copyOf(a, Math.max(needed, a.length * 2));
  }

  /**
   * The text of {@code ids}. Ids that name no token are dropped and undecodable bytes become
   * U+FFFD, as in the library; this never throws.
   *
   * @param skipSpecialTokens leave out the special added tokens ({@code <|im_end|>} ...)
   */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    List<String> tokens = new ArrayList<>(ids.length);
    for (int id : ids) {
      String t = tokenStringOrNull(id);
      if (t == null || (skipSpecialTokens && added.isSpecialContent(t))) {
        continue;
      }
      tokens.add(t);
    }
    return HfByteLevel.decode(tokens);
  }

  /** The pre-tokenizer's words of {@code text} alone (no added tokens, no normalizer), for tests. */
  List<String> preTokenize(String text) {
    return preTokenizer.apply(List.of(text));
  }

  /** The token string of {@code id}: byte-level characters ({@code Ġthe}), or an added token's content. */
  public String tokenToString(int id) {
    String t = tokenStringOrNull(id);
    if (t == null) {
      throw new IllegalArgumentException("no token has id " + id + " (vocabulary of " + vocabSize + ")");
    }
    return t;
  }

  /** The id of a token string (added tokens first, then the vocabulary), or -1. */
  public int tokenToId(String token) {
    Integer id = added.idOf(token);
    if (id != null) {
      return id;
    }
    id = bpe.vocab().get(token);
    return id == null ? -1 : id;
  }

  private String tokenStringOrNull(int id) {
    String t = added.tokenString(id);
    if (t == null && id >= 0 && id < modelTokens.length) {
      t = modelTokens[id];
    }
    return t;
  }

  /** Whether {@code id} is a special added token (what {@code skipSpecialTokens} leaves out). */
  public boolean isSpecial(int id) {
    String t = added.tokenString(id);
    return t != null && added.isSpecialContent(t);
  }

  /** Number of tokens: the vocabulary and the added tokens not in it (the library's {@code get_vocab_size()}). */
  public int vocabSize() {
    return vocabSize;
  }

  /** Id of the bos token, or -1 when the config names none (Qwen2). */
  public int bosId() {
    return bosId;
  }

  /** Id of the eos token, or -1 when the config names none. */
  public int eosId() {
    return eosId;
  }

  /** Id of the pad token, or -1 when the config names none (Llama 3). */
  public int padId() {
    return padId;
  }

  /** The bos token's text, or null; chat templates write it. */
  public String bosToken() {
    return bosToken;
  }

  /** The eos token's text, or null. */
  public String eosToken() {
    return eosToken;
  }

  /** The pad token's text, or null. */
  public String padToken() {
    return padToken;
  }
}

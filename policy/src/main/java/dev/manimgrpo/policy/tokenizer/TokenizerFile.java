package dev.manimgrpo.policy.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes a tokenizer as one JSON file:
 *
 * <pre>{@code
 * {
 *   "format": "manim-grpo/bpe-tokenizer",
 *   "version": 1,
 *   "pre_tokenizer": "python-v1",
 *   "vocab_size": 2048,
 *   "merges": [[32, 32], [101, 114], ...],      // merge k creates id 256 + k
 *   "special_tokens": ["<|bos|>", "<|eos|>", "<|pad|>"],
 *   "fingerprint": "sha256 hex of pre_tokenizer, merges and specials"
 * }
 * }</pre>
 *
 * The byte tokens are implicit. Loading checks every field, including that the fingerprint
 * matches the content, so a truncated, hand-edited or foreign file fails with a message that says
 * what is wrong rather than yielding a tokenizer that silently encodes differently.
 */
public final class TokenizerFile {

  public static final String FORMAT = "manim-grpo/bpe-tokenizer";
  public static final int VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenizerFile() {}

  /** Writes {@code tokenizer} to {@code path}, replacing it atomically where the file system allows. */
  public static void save(BpeTokenizer tokenizer, Path path) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
    try {
      Files.writeString(tmp, toJson(tokenizer), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.AtomicMoveNotSupportedException e) {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public static BpeTokenizer load(Path path) throws IOException {
    String text = Files.readString(path, StandardCharsets.UTF_8);
    try {
      return fromJson(text);
    } catch (TokenizerFormatException e) {
      throw new TokenizerFormatException("tokenizer file " + path + ": " + e.getMessage(), e.getCause());
    }
  }

  public static String toJson(BpeTokenizer t) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("pre_tokenizer", t.preTokenizer());
    root.put("vocab_size", t.vocabSize());
    ArrayNode merges = root.putArray("merges");
    for (Merge m : t.merges()) {
      merges.addArray().add(m.left()).add(m.right());
    }
    ArrayNode specials = root.putArray("special_tokens");
    t.specialTokens().forEach(specials::add);
    root.put("fingerprint", t.fingerprint());
    // Top-level fields one per line, arrays on one line: readable without a 4000-line merge list.
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withArrayIndenter(new DefaultPrettyPrinter.FixedSpaceIndenter());
    try {
      return JSON.writer(pp).writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not serialise a tokenizer", e);
    }
  }

  public static BpeTokenizer fromJson(String text) throws TokenizerFormatException {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new TokenizerFormatException("not valid JSON (truncated or corrupted?): " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new TokenizerFormatException("expected a JSON object, found " + (root == null ? "nothing" : root.getNodeType()));
    }
    String format = root.path("format").asText(null);
    if (!FORMAT.equals(format)) {
      throw new TokenizerFormatException("not a tokenizer file: \"format\" is " + quote(format) + ", expected \"" + FORMAT + "\"");
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isInt()) {
      throw new TokenizerFormatException("\"version\" is missing or not an integer");
    }
    if (version.intValue() != VERSION) {
      throw new TokenizerFormatException("unsupported format version " + version.intValue() + " (this build reads version " + VERSION + ")");
    }
    String pre = root.path("pre_tokenizer").asText(null);
    if (!PythonPreTokenizer.ID.equals(pre)) {
      throw new TokenizerFormatException("unknown pre_tokenizer " + quote(pre) + " (this build knows \"" + PythonPreTokenizer.ID + "\")");
    }
    List<Merge> merges = readMerges(root.get("merges"));
    List<String> specials = readSpecials(root.get("special_tokens"));
    BpeTokenizer t;
    try {
      t = new BpeTokenizer(merges, specials);
    } catch (IllegalArgumentException e) {
      throw new TokenizerFormatException("inconsistent content: " + e.getMessage(), e);
    }
    JsonNode size = root.get("vocab_size");
    if (size == null || !size.isInt() || size.intValue() != t.vocabSize()) {
      throw new TokenizerFormatException("\"vocab_size\" is " + size + " but merges and specials give " + t.vocabSize());
    }
    String fp = root.path("fingerprint").asText(null);
    if (!t.fingerprint().equals(fp)) {
      throw new TokenizerFormatException("fingerprint mismatch: the file says " + quote(fp) + ", its content hashes to "
          + t.fingerprint() + " (altered or corrupted file)");
    }
    return t;
  }

  private static List<Merge> readMerges(JsonNode node) throws TokenizerFormatException {
    if (node == null || !node.isArray()) {
      throw new TokenizerFormatException("\"merges\" is missing or not an array");
    }
    List<Merge> out = new ArrayList<>(node.size());
    for (int k = 0; k < node.size(); k++) {
      JsonNode m = node.get(k);
      if (!m.isArray() || m.size() != 2 || !m.get(0).isInt() || !m.get(1).isInt()
          || m.get(0).intValue() < 0 || m.get(1).intValue() < 0) {
        throw new TokenizerFormatException("merges[" + k + "] must be [left, right] with non-negative int ids, found " + m);
      }
      out.add(new Merge(m.get(0).intValue(), m.get(1).intValue()));
    }
    return out;
  }

  private static List<String> readSpecials(JsonNode node) throws TokenizerFormatException {
    if (node == null || !node.isArray()) {
      throw new TokenizerFormatException("\"special_tokens\" is missing or not an array");
    }
    List<String> out = new ArrayList<>(node.size());
    for (int k = 0; k < node.size(); k++) {
      if (!node.get(k).isTextual()) {
        throw new TokenizerFormatException("special_tokens[" + k + "] is not a string: " + node.get(k));
      }
      out.add(node.get(k).textValue());
    }
    return out;
  }

  private static String quote(String s) {
    return s == null ? "missing" : "\"" + s + "\"";
  }
}

package dev.manimgrpo.policy.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.policy.tokenizer.BpeTrainer;
import dev.manimgrpo.policy.tokenizer.Merge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Learns a byte-level BPE tokenizer from text and writes it as the {@code tokenizers} library
 * writes one: {@code tokenizer.json} with Qwen2's split regex before the byte-level mapping (so
 * llama.cpp knows it as {@code qwen2}), and {@code tokenizer_config.json} naming bos, eos and pad.
 * The project's own models start from one of these ({@code manim-grpo-trainer init-hf}).
 *
 * <p>Ids: the 256 bytes first (byte b is id b), then one id per new merged string in the order
 * learned, then {@link #SPECIALS}. A merge whose string an earlier merge already made adds no id
 * (the vocabulary maps strings to ids), as in the library.
 */
public final class HfTokenizerWriter {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Qwen2's split (Qwen3's is the same), in tokenizer.json's spelling. */
  public static final String QWEN2_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
      + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  public static final String BOS = "<|bos|>";
  public static final String EOS = "<|endoftext|>";
  public static final String PAD = "<|pad|>";
  /** The added tokens, after the learned vocabulary, in this order. */
  public static final List<String> SPECIALS = List.of(BOS, EOS, PAD);

  private static final HfPreTokenizer.Split SPLIT =
      new HfPreTokenizer.Split(HfRegex.compile(QWEN2_SPLIT), HfPreTokenizer.Behavior.ISOLATED, false);

  private final List<String> tokens;
  private final List<String> merges;

  private HfTokenizerWriter(List<String> tokens, List<String> merges) {
    this.tokens = tokens;
    this.merges = merges;
  }

  /**
   * Learns merges from {@code texts} until the vocabulary (bytes, merges and specials) reaches
   * {@code vocabSize} or no pair occurs twice.
   */
  public static HfTokenizerWriter learn(Collection<String> texts, int vocabSize) {
    List<Merge> learned = new BpeTrainer(vocabSize, SPECIALS, 2).learnMerges(texts, t -> SPLIT.apply(List.of(t)));
    List<String> byId = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      byId.add(String.valueOf(HfByteLevel.charOf(b)));
    }
    // Trainer ids: 256 + k is merge k; several can spell one string.
    List<String> spelled = new ArrayList<>(byId);
    Set<String> seen = new HashSet<>(byId);
    List<String> merges = new ArrayList<>();
    for (Merge m : learned) {
      String left = spelled.get(m.left());
      String right = spelled.get(m.right());
      String joined = left + right;
      spelled.add(joined);
      merges.add(left + " " + right);
      if (seen.add(joined)) {
        byId.add(joined);
      }
    }
    return new HfTokenizerWriter(List.copyOf(byId), List.copyOf(merges));
  }

  /** Learned tokens plus the specials: the smallest vocab_size a model using this tokenizer can have. */
  public int vocabSize() {
    return tokens.size() + SPECIALS.size();
  }

  /** The id of special token {@code token} (one of {@link #SPECIALS}). */
  public int specialId(String token) {
    int k = SPECIALS.indexOf(token);
    if (k < 0) {
      throw new IllegalArgumentException(token + " is not one of " + SPECIALS);
    }
    return tokens.size() + k;
  }

  /** Writes tokenizer.json and tokenizer_config.json into {@code folder}. */
  public void write(Path folder, int modelMaxLength) throws IOException {
    Files.createDirectories(folder);
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (String s : SPECIALS) {
      added.addObject().put("id", specialId(s)).put("content", s).put("single_word", false).put("lstrip", false)
          .put("rstrip", false).put("normalized", false).put("special", true);
    }
    root.putNull("normalizer");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "Sequence");
    ArrayNode steps = pre.putArray("pretokenizers");
    ObjectNode split = steps.addObject();
    split.put("type", "Split");
    split.putObject("pattern").put("Regex", QWEN2_SPLIT);
    split.put("behavior", "Isolated").put("invert", false);
    steps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", false)
        .put("use_regex", false);
    root.putObject("post_processor").put("type", "ByteLevel").put("add_prefix_space", false)
        .put("trim_offsets", false).put("use_regex", false);
    root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", false)
        .put("use_regex", false);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
    ObjectNode vocab = model.putObject("vocab");
    for (int id = 0; id < tokens.size(); id++) {
      vocab.put(tokens.get(id), id);
    }
    ArrayNode m = model.putArray("merges");
    merges.forEach(m::add);
    Files.writeString(folder.resolve(HfTokenizer.FILE), JSON.writeValueAsString(root));

    ObjectNode config = JSON.createObjectNode();
    config.put("tokenizer_class", "PreTrainedTokenizerFast");
    config.put("bos_token", BOS).put("eos_token", EOS).put("pad_token", PAD);
    config.put("add_bos_token", false).put("model_max_length", modelMaxLength).put("clean_up_tokenization_spaces", false);
    Files.writeString(folder.resolve(HfTokenizer.CONFIG_FILE), JSON.writeValueAsString(config));
  }
}

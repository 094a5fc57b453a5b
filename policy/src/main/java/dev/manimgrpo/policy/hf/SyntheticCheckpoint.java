package dev.manimgrpo.policy.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Qwen2-architecture checkpoint of any size with random weights, written as Hugging Face writes
 * one ({@code config.json}, {@code model.safetensors}, a byte-level {@code tokenizer.json} of the 256
 * bytes, bos and eos, and {@code tokenizer_config.json}): what benchmarks and tests run when no real
 * model can be downloaded. Weights N(0, 0.02), norm weights 1.
 */
public final class SyntheticCheckpoint {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Ids of the two special tokens, right after the 256 bytes. */
  public static final int BOS = 256;
  public static final int EOS = 257;

  private SyntheticCheckpoint() {}

  /** The config.json of a Qwen2 model of these shapes (vocab at least 258: the bytes and two specials). */
  public static String qwen2Config(int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab,
      int context) {
    if (vocab < 258) {
      throw new IllegalArgumentException("vocab must hold the 256 bytes, bos and eos (258), got " + vocab);
    }
    return qwen2Config(hidden, layers, heads, kvHeads, intermediate, vocab, context, BOS, EOS);
  }

  /** The same with the tokenizer's own bos and eos ids. */
  public static String qwen2Config(int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab,
      int context, int bos, int eos) {
    return String.format(Locale.ROOT, """
        {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_act": "silu",
         "hidden_size": %d, "intermediate_size": %d, "max_position_embeddings": %d,
         "num_attention_heads": %d, "num_hidden_layers": %d, "num_key_value_heads": %d,
         "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "tie_word_embeddings": true,
         "bos_token_id": %d, "eos_token_id": %d, "torch_dtype": "float32", "vocab_size": %d}
        """, hidden, intermediate, context, heads, layers, kvHeads, bos, eos, vocab);
  }

  /** Writes the checkpoint of {@code configJson} with weights drawn from {@code seed}; returns the folder. */
  public static Path write(Path folder, String configJson, long seed, double weightScale) throws IOException {
    writeWeights(folder, configJson, seed, weightScale);
    Files.writeString(folder.resolve(HfTokenizer.FILE), byteTokenizer().toString());
    Files.writeString(folder.resolve(HfTokenizer.CONFIG_FILE),
        JSON.createObjectNode().put("bos_token", "<|bos|>").put("eos_token", "<|eos|>").toString());
    // config.json last: a folder that has one is complete
    Files.writeString(folder.resolve(HfModelConfig.FILE), configJson);
    return folder;
  }

  /**
   * The same with a learned tokenizer (whose bos and eos ids {@code configJson} must name): a new
   * model for the project to train ({@code manim-grpo-trainer init-hf}).
   */
  public static Path write(Path folder, String configJson, long seed, double weightScale, HfTokenizerWriter tokenizer,
      int modelMaxLength) throws IOException {
    writeWeights(folder, configJson, seed, weightScale);
    tokenizer.write(folder, modelMaxLength);
    Files.writeString(folder.resolve(HfModelConfig.FILE), configJson);
    return folder;
  }

  private static void writeWeights(Path folder, String configJson, long seed, double weightScale) throws IOException {
    Files.createDirectories(folder);
    HfModelConfig c = HfModelConfig.parse(configJson, folder + "/" + HfModelConfig.FILE);
    Random r = new Random(seed);
    SafetensorsWriter w = new SafetensorsWriter().metadata(SafetensorsWriter.FORMAT_KEY, SafetensorsWriter.FORMAT_PT);
    HfWeights.layout(c).forEach((name, shape) -> {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      float[] v = new float[Math.toIntExact(n)];
      boolean norm = name.contains("norm");
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) ((norm ? 1 : 0) + weightScale * r.nextGaussian());
      }
      w.f32(name, Nd4j.create(v, shape, 'c'));
    });
    w.write(folder.resolve(SafetensorsCheckpoint.SINGLE_FILE));
  }

  private static ObjectNode byteTokenizer() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    ArrayNode added = root.putArray("added_tokens");
    added.add(special(BOS, "<|bos|>"));
    added.add(special(EOS, "<|eos|>"));
    root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false)
        .put("trim_offsets", true).put("use_regex", true);
    root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
        .put("use_regex", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.put("byte_fallback", false);
    ObjectNode vocab = model.putObject("vocab");
    for (int b = 0; b < 256; b++) {
      vocab.put(String.valueOf(HfByteLevel.charOf(b)), b);
    }
    model.putArray("merges");
    return root;
  }

  private static ObjectNode special(int id, String content) {
    return JSON.createObjectNode().put("id", id).put("content", content).put("single_word", false)
        .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
  }
}

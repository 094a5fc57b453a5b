package dev.manimgrpo.policy.hf.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.manimgrpo.policy.hf.HfArchitecture;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfTokenizer;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.Rope;
import dev.manimgrpo.policy.hf.RopeScaling;
import dev.manimgrpo.policy.hf.SafetensorsCheckpoint;
import dev.manimgrpo.policy.hf.gguf.GgufWriter.TensorType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face Llama / Qwen2 / Qwen3 checkpoint as a GGUF file for llama.cpp, written as its
 * {@code convert_hf_to_gguf.py} writes one: architecture {@code llama}, {@code qwen2} or {@code
 * qwen3} with its hyperparameters, the tokenizer ({@link GgufVocabulary}, special ids, whether bos
 * is prepended, the chat template) and the tensors under llama.cpp's names. Two things differ from a
 * plain copy:
 *
 * <ul>
 *   <li>llama.cpp's {@code llama} architecture rotates interleaved pairs (dimensions 2i, 2i+1) while
 *       transformers rotates halves (i, i + head_dim/2), so each head's q and k rows (and biases) are
 *       reordered: new row 2i + j = old row j * head_dim/2 + i. Qwen2 and Qwen3 use the halves
 *       (NeoX) layout in llama.cpp too and are copied as they are.
 *   <li>Llama 3 RoPE scaling becomes the {@code rope_freqs} tensor: per frequency, the divisor
 *       llama.cpp applies ({@code inv_freq / scaled_inv_freq}).
 * </ul>
 *
 * <p>Tied embeddings write no {@code output} tensor (llama.cpp then reuses {@code token_embd}).
 * 1-D tensors (norms, biases) are always F32; matrices are F32 or F16 as asked.
 */
public final class GgufExport {

  private static final Logger LOG = LoggerFactory.getLogger(GgufExport.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** ggml's {@code LLAMA_FTYPE}: all F32 = 0, mostly F16 = 1. */
  private static final Map<TensorType, Integer> FILE_TYPE = Map.of(TensorType.F32, 0, TensorType.F16, 1);

  /** What was written. */
  public record Summary(HfArchitecture architecture, String ggufArchitecture, int tensors, long bytes,
      GgufVocabulary vocabulary) {}

  private GgufExport() {}

  /** llama.cpp's architecture name for a Hugging Face one. */
  public static String ggufArchitecture(HfArchitecture a) {
    return switch (a) {
      case LLAMA -> "llama";
      case QWEN2 -> "qwen2";
      case QWEN3 -> "qwen3";
    };
  }

  /** Exports a checkpoint folder (config.json, safetensors, tokenizer.json) to a GGUF file. */
  public static Summary export(ModelFolder folder, Path out, TensorType matrixType) throws IOException {
    HfModelConfig c = HfModelConfig.read(folder);
    String arch = ggufArchitecture(c.architecture());
    if (c.ropeScaling().type() == RopeScaling.Type.LLAMA3 && c.architecture() != HfArchitecture.LLAMA) {
      throw new IllegalArgumentException("llama3 RoPE scaling in a " + arch + " model: llama.cpp reads rope_freqs"
          + " for the llama architecture only");
    }
    HfTokenizer tokenizer = HfTokenizer.load(folder);
    JsonNode tokenizerJson = JSON.readTree(folder.readString(HfTokenizer.FILE));
    GgufVocabulary vocab = GgufVocabulary.of(tokenizerJson, c.vocabSize(), folder.location() + "/" + HfTokenizer.FILE);
    if (vocab.pre().equals("default")) {
      LOG.warn("{}: the pre-tokenizer's split regex is neither Llama 3's nor Qwen2's; tokenizer.ggml.pre = default,"
          + " so llama.cpp may split text differently (token ids sent to it are unaffected)", folder.location());
    }

    GgufWriter w = new GgufWriter();
    w.putString("general.architecture", arch);
    w.putString("general.name", folder.location().replaceAll(".*/", ""));
    w.putUint32("general.file_type", FILE_TYPE.get(matrixType));
    w.putUint32(arch + ".vocab_size", c.vocabSize());
    w.putUint32(arch + ".context_length", c.maxPositionEmbeddings());
    w.putUint32(arch + ".embedding_length", c.hiddenSize());
    w.putUint32(arch + ".block_count", c.numHiddenLayers());
    w.putUint32(arch + ".feed_forward_length", c.intermediateSize());
    w.putUint32(arch + ".attention.head_count", c.numAttentionHeads());
    w.putUint32(arch + ".attention.head_count_kv", c.numKeyValueHeads());
    w.putUint32(arch + ".attention.key_length", c.headDim());
    w.putUint32(arch + ".attention.value_length", c.headDim());
    w.putFloat32(arch + ".attention.layer_norm_rms_epsilon", c.rmsNormEps());
    w.putUint32(arch + ".rope.dimension_count", c.headDim());
    w.putFloat32(arch + ".rope.freq_base", c.ropeTheta());
    if (c.ropeScaling().type() == RopeScaling.Type.LINEAR) {
      w.putString(arch + ".rope.scaling.type", "linear");
      w.putFloat32(arch + ".rope.scaling.factor", c.ropeScaling().factor());
    }

    w.putString("tokenizer.ggml.model", "gpt2");
    w.putString("tokenizer.ggml.pre", vocab.pre());
    w.putStrings("tokenizer.ggml.tokens", vocab.tokens());
    w.putInt32s("tokenizer.ggml.token_type", vocab.tokenTypes());
    w.putStrings("tokenizer.ggml.merges", vocab.merges());
    if (tokenizer.bosId() >= 0) {
      w.putUint32("tokenizer.ggml.bos_token_id", tokenizer.bosId());
    }
    if (tokenizer.eosId() >= 0) {
      w.putUint32("tokenizer.ggml.eos_token_id", tokenizer.eosId());
    }
    if (tokenizer.padId() >= 0) {
      w.putUint32("tokenizer.ggml.padding_token_id", tokenizer.padId());
    }
    int[] bosOnly = tokenizer.encode("", true);
    w.putBool("tokenizer.ggml.add_bos_token", bosOnly.length > 0 && bosOnly[0] == tokenizer.bosId());
    w.putBool("tokenizer.ggml.add_eos_token", false);
    String template = chatTemplate(folder);
    if (template != null) {
      w.putString("tokenizer.chat_template", template);
    }

    try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(folder)) {
      int count = 0;
      if (c.ropeScaling().type() == RopeScaling.Type.LLAMA3) {
        float[] factors = ropeFreqFactors(c);
        w.tensor("rope_freqs.weight", new long[] {factors.length}, TensorType.F32, () -> factors);
        count++;
      }
      for (Map.Entry<String, long[]> e : HfWeights.layout(c).entrySet()) {
        String hf = e.getKey();
        long[] shape = e.getValue();
        long[] stored = checkpoint.info(hf).shape();
        if (!Arrays.equals(stored, shape)) {
          throw new IllegalArgumentException(checkpoint.location() + ": " + hf + " has shape " + Arrays.toString(stored)
              + ", the config needs " + Arrays.toString(shape));
        }
        int heads = permutedHeads(c, hf);
        int headDim = c.headDim();
        w.tensor(ggufName(hf), shape, shape.length == 1 ? TensorType.F32 : matrixType, () -> {
          float[] v = checkpoint.tensor(hf).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c')
              .data().asFloat();
          return heads > 0 ? interleaveRotaryHalves(v, heads, headDim) : v;
        });
        count++;
      }
      w.write(out);
      Summary s = new Summary(c.architecture(), arch, count, Files.size(out), vocab);
      LOG.info("{} ({}) written as GGUF {} to {}: {} tensors, {} bytes", folder.location(),
          c.architecture().className(), arch, out, count, s.bytes());
      return s;
    }
  }

  /** llama.cpp's tensor name for a Hugging Face one. */
  static String ggufName(String hf) {
    switch (hf) {
      case HfWeights.EMBED:
        return "token_embd.weight";
      case HfWeights.FINAL_NORM:
        return "output_norm.weight";
      case HfWeights.LM_HEAD:
        return "output.weight";
      default:
        break;
    }
    String prefix = "model.layers.";
    if (!hf.startsWith(prefix)) {
      throw new IllegalArgumentException("no GGUF name for tensor " + hf);
    }
    int dot = hf.indexOf('.', prefix.length());
    String layer = hf.substring(prefix.length(), dot);
    String rest = hf.substring(dot + 1);
    int last = rest.lastIndexOf('.');
    String module = rest.substring(0, last);
    String kind = rest.substring(last + 1); // weight or bias
    String name = switch (module) {
      case "input_layernorm" -> "attn_norm";
      case "self_attn.q_proj" -> "attn_q";
      case "self_attn.k_proj" -> "attn_k";
      case "self_attn.v_proj" -> "attn_v";
      case "self_attn.o_proj" -> "attn_output";
      case "self_attn.q_norm" -> "attn_q_norm";
      case "self_attn.k_norm" -> "attn_k_norm";
      case "post_attention_layernorm" -> "ffn_norm";
      case "mlp.gate_proj" -> "ffn_gate";
      case "mlp.up_proj" -> "ffn_up";
      case "mlp.down_proj" -> "ffn_down";
      default -> throw new IllegalArgumentException("no GGUF name for tensor " + hf);
    };
    return "blk." + layer + "." + name + "." + kind;
  }

  /** The head count to reorder a tensor's rows by for llama.cpp's llama architecture, or 0 to keep it. */
  private static int permutedHeads(HfModelConfig c, String hf) {
    if (c.architecture() != HfArchitecture.LLAMA) {
      return 0;
    }
    if (hf.contains(".self_attn.q_proj.")) {
      return c.numAttentionHeads();
    }
    if (hf.contains(".self_attn.k_proj.")) {
      return c.numKeyValueHeads();
    }
    return 0;
  }

  /**
   * Reorders rows (of {@code v}, row-major, {@code heads * headDim} rows) within each head from the
   * halves layout to the interleaved one: row {@code 2i + j} of a head is its old row {@code j *
   * headDim/2 + i}. convert_hf_to_gguf.py's {@code LlamaModel.permute}.
   */
  static float[] interleaveRotaryHalves(float[] v, int heads, int headDim) {
    int rows = heads * headDim;
    if (v.length % rows != 0) {
      throw new IllegalArgumentException(v.length + " values are not " + rows + " rows");
    }
    int cols = v.length / rows;
    int half = headDim / 2;
    float[] out = new float[v.length];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < half; i++) {
        for (int j = 0; j < 2; j++) {
          int from = h * headDim + j * half + i;
          int to = h * headDim + 2 * i + j;
          System.arraycopy(v, from * cols, out, to * cols, cols);
        }
      }
    }
    return out;
  }

  /** Llama 3 scaling as llama.cpp's per-frequency divisors: unscaled over scaled inverse frequency. */
  static float[] ropeFreqFactors(HfModelConfig c) {
    float[] plain = Rope.inverseFrequencies(c.headDim(), c.ropeTheta(), RopeScaling.NONE);
    float[] scaled = Rope.inverseFrequencies(c.headDim(), c.ropeTheta(), c.ropeScaling());
    float[] f = new float[plain.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = plain[i] / scaled[i];
    }
    return f;
  }

  /** The Jinja chat template: chat_template.jinja, else tokenizer_config.json's; null if none. */
  static String chatTemplate(ModelFolder folder) throws IOException {
    if (folder.exists("chat_template.jinja")) {
      return folder.readString("chat_template.jinja");
    }
    if (!folder.exists(HfTokenizer.CONFIG_FILE)) {
      return null;
    }
    JsonNode t = JSON.readTree(folder.readString(HfTokenizer.CONFIG_FILE)).path("chat_template");
    if (t.isTextual()) {
      return t.asText();
    }
    for (JsonNode named : t) {
      if ("default".equals(named.path("name").asText())) {
        return named.path("template").asText();
      }
    }
    return null;
  }
}

package dev.manimgrpo.policy.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What {@link HfCausalLm} needs from a Hugging Face {@code config.json}, checked: the shapes, the
 * norm epsilon, RoPE, weight tying and biases. Anything in the file that would change the
 * computation and is not supported (another architecture or activation, a sliding window, partial
 * rotary embeddings, a RoPE type other than default / linear / llama3, quantization) fails naming
 * the key and what is supported; keys that do not change the forward pass (dtype, token ids,
 * dropout, initializer range, ...) are ignored.
 *
 * <p>Defaults for absent keys are those of transformers' config classes: {@code
 * num_key_value_heads} = {@code num_attention_heads}; {@code head_dim} = {@code hidden_size /
 * num_attention_heads}; {@code rms_norm_eps} 1e-6; {@code rope_theta} 10000; {@code
 * tie_word_embeddings}, {@code attention_bias}, {@code mlp_bias} false; {@code
 * max_position_embeddings} 2048 (Llama) or 32768 (Qwen2, Qwen3). RoPE is read from {@code
 * rope_theta} + {@code rope_scaling} or, as transformers 5 writes it, from {@code rope_parameters}.
 *
 * @param headDim              per-head width of queries, keys and values (Qwen3 sets it apart
 *                             from {@code hiddenSize / numAttentionHeads})
 * @param attentionBias        the config's {@code attention_bias}; see {@link #qkvBias()} and
 *                             {@link #outputBias()} for what each architecture makes of it
 * @param mlpBias              the config's {@code mlp_bias} (Llama only)
 */
public record HfModelConfig(HfArchitecture architecture, int vocabSize, int hiddenSize,
    int intermediateSize, int numHiddenLayers, int numAttentionHeads, int numKeyValueHeads,
    int headDim, double rmsNormEps, double ropeTheta, RopeScaling ropeScaling,
    boolean tieWordEmbeddings, boolean attentionBias, boolean mlpBias,
    int maxPositionEmbeddings) {

  public static final String FILE = "config.json";
  /** The only {@code hidden_act} these architectures use in practice. */
  public static final String ACTIVATION = "silu";
  private static final ObjectMapper JSON = new ObjectMapper();

  public HfModelConfig {
    if (architecture == null || ropeScaling == null) {
      throw new IllegalArgumentException("architecture and ropeScaling must not be null");
    }
    positive("vocab_size", vocabSize);
    positive("hidden_size", hiddenSize);
    positive("intermediate_size", intermediateSize);
    positive("num_hidden_layers", numHiddenLayers);
    positive("num_attention_heads", numAttentionHeads);
    positive("num_key_value_heads", numKeyValueHeads);
    positive("head_dim", headDim);
    positive("max_position_embeddings", maxPositionEmbeddings);
    if (numAttentionHeads % numKeyValueHeads != 0) {
      throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads
          + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
    }
    if (headDim % 2 != 0) {
      throw new IllegalArgumentException("head_dim must be even for rotary embeddings, got "
          + headDim);
    }
    if (!(rmsNormEps > 0) || !(ropeTheta > 0)) {
      throw new IllegalArgumentException("rms_norm_eps and rope_theta must be positive, got "
          + rmsNormEps + " and " + ropeTheta);
    }
  }

  private static void positive(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
  }

  /** Whether q/k/v projections have biases (Qwen2 always; the others iff attention_bias). */
  public boolean qkvBias() {
    return architecture == HfArchitecture.QWEN2 || attentionBias;
  }

  /** Whether o_proj has a bias (never in Qwen2; otherwise iff attention_bias). */
  public boolean outputBias() {
    return architecture != HfArchitecture.QWEN2 && attentionBias;
  }

  /** Whether gate/up/down projections have biases (Llama's mlp_bias; never in Qwen). */
  public boolean mlpProjectionBias() {
    return architecture == HfArchitecture.LLAMA && mlpBias;
  }

  /** Whether each query and key head is RMS-normalised before RoPE (Qwen3). */
  public boolean qkNorm() {
    return architecture == HfArchitecture.QWEN3;
  }

  /** Query heads per key/value head. */
  public int kvGroups() {
    return numAttentionHeads / numKeyValueHeads;
  }

  /** Reads {@value #FILE} from a model folder. */
  public static HfModelConfig read(ModelFolder folder) throws IOException {
    if (!folder.exists(FILE)) {
      throw new IOException("no " + FILE + " in model folder " + folder.location());
    }
    return parse(folder.readString(FILE), folder.location() + "/" + FILE);
  }

  /**
   * Parses a config.json's text.
   *
   * @param source where it came from, for error messages
   * @throws IllegalArgumentException naming the key for anything missing, malformed or
   *                                  unsupported
   */
  public static HfModelConfig parse(String json, String source) {
    JsonNode c;
    try {
      c = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + " is not valid JSON: " + e.getMessage(), e);
    }
    if (c == null || !c.isObject()) {
      throw new IllegalArgumentException(source + " is not a JSON object");
    }
    Reader r = new Reader(c, source);
    HfArchitecture arch = architecture(r);
    r.refuseUnsupported(arch);
    int hidden = r.requiredInt("hidden_size");
    int heads = r.requiredInt("num_attention_heads");
    int kvHeads = r.optionalInt("num_key_value_heads", heads);
    Integer headDim = r.has("head_dim") ? r.requiredInt("head_dim") : null;
    if (headDim == null && hidden % heads != 0) {
      throw new IllegalArgumentException(source + ": hidden_size " + hidden
          + " is not a multiple of num_attention_heads " + heads + " and there is no head_dim");
    }
    int vocab = r.requiredInt("vocab_size");
    int intermediate = r.requiredInt("intermediate_size");
    int layers = r.requiredInt("num_hidden_layers");
    double eps = r.optionalDouble("rms_norm_eps", 1e-6);
    boolean tied = r.optionalBoolean("tie_word_embeddings", false);
    boolean attentionBias = r.optionalBoolean("attention_bias", false);
    boolean mlpBias = r.optionalBoolean("mlp_bias", false);
    int maxPositions = r.optionalInt("max_position_embeddings",
        arch == HfArchitecture.LLAMA ? 2048 : 32768);
    Rope rope = rope(r, maxPositions);
    try {
      return new HfModelConfig(arch, vocab, hidden, intermediate, layers, heads, kvHeads,
          headDim != null ? headDim : hidden / heads, eps, rope.theta(), rope.scaling(), tied,
          attentionBias, mlpBias, maxPositions);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static HfArchitecture architecture(Reader r) {
    String unsupported = "; supported: " + HfArchitecture.supported();
    HfArchitecture fromType = null;
    if (r.has("model_type")) {
      String type = r.requiredString("model_type");
      fromType = HfArchitecture.ofModelType(type);
      if (fromType == null) {
        throw new IllegalArgumentException(r.source + ": unsupported model_type \"" + type + "\""
            + unsupported);
      }
    }
    Set<HfArchitecture> fromClasses = new LinkedHashSet<>();
    JsonNode classes = r.node.get("architectures");
    if (classes != null && !classes.isNull()) {
      if (!classes.isArray() || classes.isEmpty()) {
        throw new IllegalArgumentException(r.source + ": \"architectures\" must be a non-empty "
            + "list of class names, got " + classes);
      }
      for (JsonNode n : classes) {
        HfArchitecture a = HfArchitecture.ofClassName(n.asText());
        if (a == null) {
          throw new IllegalArgumentException(r.source + ": unsupported architecture " + n
              + unsupported);
        }
        fromClasses.add(a);
      }
    }
    if (fromClasses.size() > 1) {
      throw new IllegalArgumentException(r.source + ": \"architectures\" names several "
          + "architectures " + classes);
    }
    HfArchitecture fromClass = fromClasses.isEmpty() ? null : fromClasses.iterator().next();
    if (fromType != null && fromClass != null && fromType != fromClass) {
      throw new IllegalArgumentException(r.source + ": model_type \"" + fromType.modelType()
          + "\" disagrees with architectures " + classes);
    }
    if (fromType == null && fromClass == null) {
      throw new IllegalArgumentException(r.source + " has neither model_type nor architectures"
          + unsupported);
    }
    return fromType != null ? fromType : fromClass;
  }

  private record Rope(double theta, RopeScaling scaling) {}

  /**
   * RoPE as transformers 5 resolves it ({@code RotaryEmbeddingConfigMixin}): the parameters are
   * {@code rope_scaling} if it is a non-empty object, else {@code rope_parameters} (possibly
   * nested under the one layer type {@code full_attention}); {@code rope_theta} comes from them,
   * else from the top level, else 10000; the type from {@code rope_type}, else the legacy {@code
   * type}, else default; llama3's {@code original_max_position_embeddings} from the top level if
   * there, else from the parameters, else {@code max_position_embeddings}.
   */
  private static Rope rope(Reader r, int maxPositions) {
    JsonNode params = nonEmptyObject(r, "rope_scaling");
    if (params == null) {
      params = nonEmptyObject(r, "rope_parameters");
    }
    String name = params == null ? null
        : params == r.node.get("rope_scaling") ? "rope_scaling" : "rope_parameters";
    if (params != null && params.size() == 1 && params.get("full_attention") != null
        && params.get("full_attention").isObject()) {
      params = params.get("full_attention");
      name += ".full_attention";
    }
    double topTheta = r.optionalDouble("rope_theta", 10000.0);
    if (params == null) {
      return new Rope(topTheta, RopeScaling.NONE);
    }
    Reader s = new Reader(params, r.source + " " + name);
    double theta = s.optionalDouble("rope_theta", topTheta);
    String typeName = s.has("rope_type") ? s.requiredString("rope_type")
        : s.has("type") ? s.requiredString("type") : "default";
    RopeScaling.Type type;
    try {
      type = RopeScaling.Type.parse(typeName);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(s.source + ": " + e.getMessage(), e);
    }
    if (s.has("partial_rotary_factor") && s.requiredDouble("partial_rotary_factor") != 1.0) {
      throw new IllegalArgumentException(s.source + ": unsupported partial_rotary_factor "
          + params.get("partial_rotary_factor") + "; supported: 1.0 (RoPE over the whole head)");
    }
    if (type == RopeScaling.Type.DEFAULT) {
      return new Rope(theta, RopeScaling.NONE);
    }
    double factor = s.requiredDouble("factor");
    boolean llama3 = type == RopeScaling.Type.LLAMA3;
    double low = llama3 ? s.requiredDouble("low_freq_factor") : 0;
    double high = llama3 ? s.requiredDouble("high_freq_factor") : 0;
    int original = !llama3 ? 0 : r.has("original_max_position_embeddings")
        ? r.requiredInt("original_max_position_embeddings")
        : s.optionalInt("original_max_position_embeddings", maxPositions);
    try {
      return new Rope(theta, llama3 ? RopeScaling.llama3(factor, low, high, original)
          : RopeScaling.linear(factor));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(s.source + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode nonEmptyObject(Reader r, String key) {
    JsonNode n = r.node.get(key);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException(r.source + ": \"" + key + "\" must be null or an object, "
          + "got " + n);
    }
    return n.isEmpty() ? null : n;
  }

  /** Typed access to one JSON object, with errors naming the key and the file. */
  private static final class Reader {

    final JsonNode node;
    final String source;

    Reader(JsonNode node, String source) {
      this.node = node;
      this.source = source;
    }

    boolean has(String key) {
      JsonNode n = node.get(key);
      return n != null && !n.isNull();
    }

    private JsonNode required(String key) {
      if (!has(key)) {
        throw new IllegalArgumentException(source + " has no \"" + key + "\"");
      }
      return node.get(key);
    }

    int requiredInt(String key) {
      JsonNode n = required(key);
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        throw new IllegalArgumentException(source + ": \"" + key + "\" must be an integer, got "
            + n);
      }
      return n.intValue();
    }

    int optionalInt(String key, int fallback) {
      return has(key) ? requiredInt(key) : fallback;
    }

    double requiredDouble(String key) {
      JsonNode n = required(key);
      if (!n.isNumber()) {
        throw new IllegalArgumentException(source + ": \"" + key + "\" must be a number, got "
            + n);
      }
      return n.doubleValue();
    }

    double optionalDouble(String key, double fallback) {
      return has(key) ? requiredDouble(key) : fallback;
    }

    boolean optionalBoolean(String key, boolean fallback) {
      if (!has(key)) {
        return fallback;
      }
      JsonNode n = node.get(key);
      if (!n.isBoolean()) {
        throw new IllegalArgumentException(source + ": \"" + key + "\" must be true or false, "
            + "got " + n);
      }
      return n.booleanValue();
    }

    String requiredString(String key) {
      JsonNode n = required(key);
      if (!n.isTextual()) {
        throw new IllegalArgumentException(source + ": \"" + key + "\" must be a string, got "
            + n);
      }
      return n.asText();
    }

    /** Keys whose non-default values change the forward pass in ways not implemented here. */
    void refuseUnsupported(HfArchitecture arch) {
      String act = has("hidden_act") ? requiredString("hidden_act") : ACTIVATION;
      if (!act.equals(ACTIVATION)) {
        throw new IllegalArgumentException(source + ": unsupported hidden_act \"" + act
            + "\"; supported: " + ACTIVATION);
      }
      if (has("quantization_config")) {
        throw new IllegalArgumentException(source + " has a quantization_config: quantized "
            + "checkpoints are not supported, only F32 / BF16 / F16 weights");
      }
      if (has("partial_rotary_factor") && requiredDouble("partial_rotary_factor") != 1.0) {
        throw new IllegalArgumentException(source + ": unsupported partial_rotary_factor "
            + node.get("partial_rotary_factor") + "; supported: 1.0 (RoPE over the whole head)");
      }
      JsonNode layerTypes = node.get("layer_types");
      if (layerTypes != null && layerTypes.isArray()) {
        for (JsonNode t : layerTypes) {
          if (!"full_attention".equals(t.asText())) {
            throw new IllegalArgumentException(source + ": unsupported layer_types entry " + t
                + "; supported: \"full_attention\" (no sliding-window attention)");
          }
        }
      }
      if (arch != HfArchitecture.LLAMA && optionalBoolean("use_sliding_window", false)
          && has("sliding_window")
          && optionalInt("max_window_layers", Integer.MAX_VALUE) < requiredInt("num_hidden_layers")) {
        throw new IllegalArgumentException(source + ": use_sliding_window is true: sliding-window "
            + "attention is not supported (set it to false to attend to the whole context)");
      }
    }
  }
}

package dev.manimgrpo.policy.hf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Llama / Qwen2 / Qwen3 model's float32 weights under the names transformers writes, checked
 * against the config: every expected name present with its shape, no other names. Linear weights
 * are PyTorch's {@code [out, in]}.
 *
 * <pre>
 * model.embed_tokens.weight                          [vocab, hidden]
 * model.layers.{i}.input_layernorm.weight            [hidden]
 * model.layers.{i}.self_attn.q_proj.weight (.bias)   [heads * head_dim, hidden]
 * model.layers.{i}.self_attn.k_proj.weight (.bias)   [kv_heads * head_dim, hidden]
 * model.layers.{i}.self_attn.v_proj.weight (.bias)   [kv_heads * head_dim, hidden]
 * model.layers.{i}.self_attn.o_proj.weight (.bias)   [hidden, heads * head_dim]
 * model.layers.{i}.self_attn.q_norm.weight           [head_dim]   (Qwen3)
 * model.layers.{i}.self_attn.k_norm.weight           [head_dim]   (Qwen3)
 * model.layers.{i}.post_attention_layernorm.weight   [hidden]
 * model.layers.{i}.mlp.gate_proj.weight (.bias)      [intermediate, hidden]
 * model.layers.{i}.mlp.up_proj.weight (.bias)        [intermediate, hidden]
 * model.layers.{i}.mlp.down_proj.weight (.bias)      [hidden, intermediate]
 * model.norm.weight                                  [hidden]
 * lm_head.weight                                     [vocab, hidden]   (absent when tied)
 * </pre>
 *
 * Which biases exist is {@link HfModelConfig#qkvBias()}, {@link HfModelConfig#outputBias()},
 * {@link HfModelConfig#mlpProjectionBias()}. Two kinds of extra names are accepted and not used,
 * as transformers does: {@code *.rotary_emb.inv_freq} buffers that old checkpoints carry (the
 * frequencies come from the config), and {@code lm_head.weight} in a tied model (the head is the
 * embedding).
 */
public final class HfWeights {

  public static final String EMBED = "model.embed_tokens.weight";
  public static final String FINAL_NORM = "model.norm.weight";
  public static final String LM_HEAD = "lm_head.weight";
  private static final String ROTARY_BUFFER = ".rotary_emb.inv_freq";

  /** One decoder layer's weights; biases and q/k norms are null where the architecture has none. */
  public record Layer(INDArray inputNorm, INDArray q, INDArray qBias, INDArray k, INDArray kBias,
      INDArray v, INDArray vBias, INDArray o, INDArray oBias, INDArray qNorm, INDArray kNorm,
      INDArray postAttentionNorm, INDArray gate, INDArray gateBias, INDArray up, INDArray upBias,
      INDArray down, INDArray downBias) {}

  private final HfModelConfig config;
  private final INDArray embedding;
  private final List<Layer> layers;
  private final INDArray finalNorm;
  private final INDArray lmHead;

  private HfWeights(HfModelConfig config, INDArray embedding, List<Layer> layers,
      INDArray finalNorm, INDArray lmHead) {
    this.config = config;
    this.embedding = embedding;
    this.layers = layers;
    this.finalNorm = finalNorm;
    this.lmHead = lmHead;
  }

  /** {@code model.layers.{layer}.{suffix}}. */
  public static String layer(int layer, String suffix) {
    return "model.layers." + layer + "." + suffix;
  }

  /** Every expected tensor name with its shape, in the order above. */
  public static LinkedHashMap<String, long[]> layout(HfModelConfig c) {
    long d = c.hiddenSize();
    long q = (long) c.numAttentionHeads() * c.headDim();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    long f = c.intermediateSize();
    LinkedHashMap<String, long[]> s = new LinkedHashMap<>();
    s.put(EMBED, new long[] {c.vocabSize(), d});
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      s.put(layer(l, "input_layernorm.weight"), new long[] {d});
      linear(s, layer(l, "self_attn.q_proj"), q, d, c.qkvBias());
      linear(s, layer(l, "self_attn.k_proj"), kv, d, c.qkvBias());
      linear(s, layer(l, "self_attn.v_proj"), kv, d, c.qkvBias());
      linear(s, layer(l, "self_attn.o_proj"), d, q, c.outputBias());
      if (c.qkNorm()) {
        s.put(layer(l, "self_attn.q_norm.weight"), new long[] {c.headDim()});
        s.put(layer(l, "self_attn.k_norm.weight"), new long[] {c.headDim()});
      }
      s.put(layer(l, "post_attention_layernorm.weight"), new long[] {d});
      linear(s, layer(l, "mlp.gate_proj"), f, d, c.mlpProjectionBias());
      linear(s, layer(l, "mlp.up_proj"), f, d, c.mlpProjectionBias());
      linear(s, layer(l, "mlp.down_proj"), d, f, c.mlpProjectionBias());
    }
    s.put(FINAL_NORM, new long[] {d});
    if (!c.tieWordEmbeddings()) {
      s.put(LM_HEAD, new long[] {c.vocabSize(), d});
    }
    return s;
  }

  private static void linear(Map<String, long[]> s, String prefix, long out, long in,
      boolean bias) {
    s.put(prefix + ".weight", new long[] {out, in});
    if (bias) {
      s.put(prefix + ".bias", new long[] {out});
    }
  }

  /** Whether a name not in {@link #layout} is one transformers also loads past without using. */
  static boolean ignored(HfModelConfig c, String name) {
    return name.endsWith(ROTARY_BUFFER) || (c.tieWordEmbeddings() && name.equals(LM_HEAD));
  }

  /**
   * Checks names and shapes against the config before reading any data, then reads every tensor
   * as float32.
   */
  public static HfWeights load(HfModelConfig c, SafetensorsCheckpoint checkpoint)
      throws IOException {
    LinkedHashMap<String, long[]> expected = layout(c);
    checkNames(c, expected.keySet(), checkpoint.names(), checkpoint.location());
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      long[] shape = checkpoint.info(e.getKey()).shape();
      if (!Arrays.equals(shape, e.getValue())) {
        throw new IllegalArgumentException(checkpoint.location() + ": tensor " + e.getKey()
            + " has shape " + Arrays.toString(shape) + ", the config implies "
            + Arrays.toString(e.getValue()));
      }
    }
    Map<String, INDArray> tensors = new LinkedHashMap<>();
    for (String name : expected.keySet()) {
      tensors.put(name, checkpoint.tensor(name));
    }
    return of(c, tensors, checkpoint.location());
  }

  /** Weights from arrays by name (tests build random models this way); cast to float32. */
  public static HfWeights of(HfModelConfig c, Map<String, INDArray> tensors) {
    return of(c, tensors, "the given tensors");
  }

  private static HfWeights of(HfModelConfig c, Map<String, INDArray> tensors, String source) {
    LinkedHashMap<String, long[]> expected = layout(c);
    checkNames(c, expected.keySet(), tensors.keySet(), source);
    Map<String, INDArray> w = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      INDArray a = tensors.get(e.getKey());
      if (!Arrays.equals(a.shape(), e.getValue())) {
        throw new IllegalArgumentException(source + ": tensor " + e.getKey() + " has shape "
            + Arrays.toString(a.shape()) + ", the config implies "
            + Arrays.toString(e.getValue()));
      }
      w.put(e.getKey(), a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT));
    }
    List<Layer> layers = new ArrayList<>(c.numHiddenLayers());
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      int i = l;
      java.util.function.Function<String, INDArray> get = s -> w.get(layer(i, s));
      layers.add(new Layer(
          get.apply("input_layernorm.weight"),
          get.apply("self_attn.q_proj.weight"), get.apply("self_attn.q_proj.bias"),
          get.apply("self_attn.k_proj.weight"), get.apply("self_attn.k_proj.bias"),
          get.apply("self_attn.v_proj.weight"), get.apply("self_attn.v_proj.bias"),
          get.apply("self_attn.o_proj.weight"), get.apply("self_attn.o_proj.bias"),
          get.apply("self_attn.q_norm.weight"), get.apply("self_attn.k_norm.weight"),
          get.apply("post_attention_layernorm.weight"),
          get.apply("mlp.gate_proj.weight"), get.apply("mlp.gate_proj.bias"),
          get.apply("mlp.up_proj.weight"), get.apply("mlp.up_proj.bias"),
          get.apply("mlp.down_proj.weight"), get.apply("mlp.down_proj.bias")));
    }
    INDArray embedding = w.get(EMBED);
    return new HfWeights(c, embedding, Collections.unmodifiableList(layers), w.get(FINAL_NORM),
        c.tieWordEmbeddings() ? embedding : w.get(LM_HEAD));
  }

  private static void checkNames(HfModelConfig c, Set<String> expected, Set<String> present,
      String source) {
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(present);
    Set<String> unexpected = new TreeSet<>(present);
    unexpected.removeAll(expected);
    unexpected.removeIf(n -> ignored(c, n));
    if (!missing.isEmpty() || !unexpected.isEmpty()) {
      throw new IllegalArgumentException(source + " does not match its config ("
          + c.architecture().className() + ", " + c.numHiddenLayers() + " layers, q/k/v bias "
          + c.qkvBias() + ", o bias " + c.outputBias() + ", tied " + c.tieWordEmbeddings()
          + "): missing " + missing + ", unexpected " + unexpected);
    }
  }

  public HfModelConfig config() {
    return config;
  }

  /** {@code [vocab, hidden]}. */
  public INDArray embedding() {
    return embedding;
  }

  public Layer layer(int index) {
    return layers.get(index);
  }

  public int layerCount() {
    return layers.size();
  }

  /** {@code [hidden]}. */
  public INDArray finalNorm() {
    return finalNorm;
  }

  /** {@code [vocab, hidden]}: {@code lm_head.weight}, or the embedding itself when tied. */
  public INDArray lmHead() {
    return lmHead;
  }
}

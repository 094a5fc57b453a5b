package dev.manimgrpo.policy.hf.export;

import dev.manimgrpo.policy.hf.HfWeights;
import java.util.LinkedHashMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The arrays of {@link HfWeights} under transformers' names, in {@link HfWeights#layout} order. */
public final class HfTensors {

  private static final String LAYERS = "model.layers.";

  private HfTensors() {}

  public static LinkedHashMap<String, INDArray> of(HfWeights w) {
    LinkedHashMap<String, INDArray> out = new LinkedHashMap<>();
    for (String name : HfWeights.layout(w.config()).keySet()) {
      out.put(name, get(w, name));
    }
    return out;
  }

  private static INDArray get(HfWeights w, String name) {
    switch (name) {
      case HfWeights.EMBED:
        return w.embedding();
      case HfWeights.FINAL_NORM:
        return w.finalNorm();
      case HfWeights.LM_HEAD:
        return w.lmHead();
      default:
        break;
    }
    if (!name.startsWith(LAYERS)) {
      throw new IllegalArgumentException("not a weight name of the layout: " + name);
    }
    String rest = name.substring(LAYERS.length());
    int dot = rest.indexOf('.');
    HfWeights.Layer l = w.layer(Integer.parseInt(rest.substring(0, dot)));
    return switch (rest.substring(dot + 1)) {
      case "input_layernorm.weight" -> l.inputNorm();
      case "self_attn.q_proj.weight" -> l.q();
      case "self_attn.q_proj.bias" -> l.qBias();
      case "self_attn.k_proj.weight" -> l.k();
      case "self_attn.k_proj.bias" -> l.kBias();
      case "self_attn.v_proj.weight" -> l.v();
      case "self_attn.v_proj.bias" -> l.vBias();
      case "self_attn.o_proj.weight" -> l.o();
      case "self_attn.o_proj.bias" -> l.oBias();
      case "self_attn.q_norm.weight" -> l.qNorm();
      case "self_attn.k_norm.weight" -> l.kNorm();
      case "post_attention_layernorm.weight" -> l.postAttentionNorm();
      case "mlp.gate_proj.weight" -> l.gate();
      case "mlp.gate_proj.bias" -> l.gateBias();
      case "mlp.up_proj.weight" -> l.up();
      case "mlp.up_proj.bias" -> l.upBias();
      case "mlp.down_proj.weight" -> l.down();
      case "mlp.down_proj.bias" -> l.downBias();
      default -> throw new IllegalArgumentException("not a weight name of the layout: " + name);
    };
  }
}

package dev.manimgrpo.policy.hf;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The decoder-only architectures {@link HfCausalLm} computes, by their {@code model_type} and
 * {@code architectures} names in {@code config.json}, and the few places where they differ (as
 * transformers' modeling files decide them):
 *
 * <ul>
 *   <li>Llama: q/k/v/o projections have biases iff {@code attention_bias}; gate/up/down iff
 *       {@code mlp_bias}.
 *   <li>Qwen2: q/k/v always have biases and o never, whatever the config says (Qwen2Attention
 *       hard-codes {@code bias=True} / {@code bias=False}; Qwen2Config has no attention_bias).
 *   <li>Qwen3: q/k/v/o biases iff {@code attention_bias}; an RMSNorm over {@code head_dim} on each
 *       query and key head ({@code q_norm}, {@code k_norm}) before RoPE.
 * </ul>
 */
public enum HfArchitecture {
  LLAMA("llama", "LlamaForCausalLM"),
  QWEN2("qwen2", "Qwen2ForCausalLM"),
  QWEN3("qwen3", "Qwen3ForCausalLM");

  private final String modelType;
  private final String className;

  HfArchitecture(String modelType, String className) {
    this.modelType = modelType;
    this.className = className;
  }

  /** {@code model_type} in config.json. */
  public String modelType() {
    return modelType;
  }

  /** The transformers class in {@code architectures}. */
  public String className() {
    return className;
  }

  public static HfArchitecture ofModelType(String modelType) {
    for (HfArchitecture a : values()) {
      if (a.modelType.equals(modelType)) {
        return a;
      }
    }
    return null;
  }

  public static HfArchitecture ofClassName(String className) {
    for (HfArchitecture a : values()) {
      if (a.className.equals(className)) {
        return a;
      }
    }
    return null;
  }

  /** "llama (LlamaForCausalLM), qwen2 (Qwen2ForCausalLM), ...". */
  public static String supported() {
    return Arrays.stream(values()).map(a -> a.modelType + " (" + a.className + ")")
        .collect(Collectors.joining(", "));
  }
}

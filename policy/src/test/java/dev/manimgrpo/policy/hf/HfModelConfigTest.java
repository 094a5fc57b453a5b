package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HfModelConfigTest {

  /** A Llama 3.1 config.json in the layout published checkpoints have (transformers 4). */
  static final String LLAMA = """
      {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "attention_bias": false,
       "hidden_act": "silu", "hidden_size": 64, "intermediate_size": 160,
       "max_position_embeddings": 128, "mlp_bias": false, "num_attention_heads": 4,
       "num_hidden_layers": 2, "num_key_value_heads": 2, "rms_norm_eps": 1e-05,
       "rope_scaling": {"factor": 8.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                        "original_max_position_embeddings": 64, "rope_type": "llama3"},
       "rope_theta": 500000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
       "vocab_size": 384}
      """;

  static final String QWEN2 = """
      {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_act": "silu",
       "hidden_size": 64, "intermediate_size": 160, "max_position_embeddings": 32768,
       "max_window_layers": 28, "num_attention_heads": 4, "num_hidden_layers": 2,
       "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_scaling": null,
       "rope_theta": 1000000.0, "sliding_window": null, "tie_word_embeddings": true,
       "use_sliding_window": false, "vocab_size": 384}
      """;

  /** A Qwen3 config.json as transformers 5 writes it. */
  static final String QWEN3 = """
      {"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "attention_bias": false,
       "dtype": "float32", "head_dim": 32, "hidden_act": "silu", "hidden_size": 64,
       "intermediate_size": 160, "layer_types": ["full_attention", "full_attention"],
       "max_position_embeddings": 128, "num_attention_heads": 4, "num_hidden_layers": 2,
       "num_key_value_heads": 2, "rms_norm_eps": 1e-06,
       "rope_parameters": {"rope_theta": 1000000.0, "rope_type": "default"},
       "sliding_window": null, "tie_word_embeddings": true, "use_sliding_window": false,
       "vocab_size": 384}
      """;

  @Test
  void readsALlamaConfigWithLlama3RopeScaling() {
    HfModelConfig c = HfModelConfig.parse(LLAMA, "llama/config.json");
    assertThat(c.architecture()).isEqualTo(HfArchitecture.LLAMA);
    assertThat(c.vocabSize()).isEqualTo(384);
    assertThat(c.hiddenSize()).isEqualTo(64);
    assertThat(c.intermediateSize()).isEqualTo(160);
    assertThat(c.numHiddenLayers()).isEqualTo(2);
    assertThat(c.numAttentionHeads()).isEqualTo(4);
    assertThat(c.numKeyValueHeads()).isEqualTo(2);
    assertThat(c.kvGroups()).isEqualTo(2);
    assertThat(c.headDim()).isEqualTo(16);
    assertThat(c.rmsNormEps()).isEqualTo(1e-5);
    assertThat(c.ropeTheta()).isEqualTo(500000.0);
    assertThat(c.ropeScaling()).isEqualTo(RopeScaling.llama3(8, 1, 4, 64));
    assertThat(c.tieWordEmbeddings()).isFalse();
    assertThat(c.qkvBias()).isFalse();
    assertThat(c.outputBias()).isFalse();
    assertThat(c.mlpProjectionBias()).isFalse();
    assertThat(c.qkNorm()).isFalse();
    assertThat(c.maxPositionEmbeddings()).isEqualTo(128);
  }

  @Test
  void qwen2HasQkvBiasesAndNoOutputBiasWhateverAttentionBiasSays() {
    HfModelConfig c = HfModelConfig.parse(QWEN2, "qwen2");
    assertThat(c.architecture()).isEqualTo(HfArchitecture.QWEN2);
    assertThat(c.qkvBias()).isTrue();
    assertThat(c.outputBias()).isFalse();
    assertThat(c.tieWordEmbeddings()).isTrue();
    assertThat(c.ropeScaling()).isEqualTo(RopeScaling.NONE);
    assertThat(c.ropeTheta()).isEqualTo(1e6);

    HfModelConfig withFlag = HfModelConfig.parse(QWEN2.replace("\"hidden_act\"",
        "\"attention_bias\": true, \"hidden_act\""), "qwen2");
    assertThat(withFlag.qkvBias()).isTrue();
    assertThat(withFlag.outputBias()).isFalse();
  }

  @Test
  void llamaAndQwen3BiasesFollowAttentionBiasAndLlamaMlpBiasFollowsMlpBias() {
    HfModelConfig llama = HfModelConfig.parse(LLAMA.replace("\"attention_bias\": false",
        "\"attention_bias\": true").replace("\"mlp_bias\": false", "\"mlp_bias\": true"), "l");
    assertThat(llama.qkvBias()).isTrue();
    assertThat(llama.outputBias()).isTrue();
    assertThat(llama.mlpProjectionBias()).isTrue();
    HfModelConfig qwen3 = HfModelConfig.parse(QWEN3.replace("\"attention_bias\": false",
        "\"attention_bias\": true, \"mlp_bias\": true"), "q");
    assertThat(qwen3.qkvBias()).isTrue();
    assertThat(qwen3.outputBias()).isTrue();
    assertThat(qwen3.mlpProjectionBias()).isFalse();
  }

  @Test
  void readsAQwen3ConfigInTheTransformers5Layout() {
    HfModelConfig c = HfModelConfig.parse(QWEN3, "qwen3");
    assertThat(c.architecture()).isEqualTo(HfArchitecture.QWEN3);
    assertThat(c.headDim()).isEqualTo(32);
    assertThat(c.qkNorm()).isTrue();
    assertThat(c.ropeTheta()).isEqualTo(1e6);
    assertThat(c.ropeScaling()).isEqualTo(RopeScaling.NONE);
  }

  @Test
  void absentKeysTakeTransformersDefaults() {
    HfModelConfig c = HfModelConfig.parse("""
        {"model_type": "llama", "vocab_size": 10, "hidden_size": 12, "intermediate_size": 20,
         "num_hidden_layers": 1, "num_attention_heads": 3}
        """, "minimal");
    assertThat(c.numKeyValueHeads()).isEqualTo(3);
    assertThat(c.headDim()).isEqualTo(4);
    assertThat(c.rmsNormEps()).isEqualTo(1e-6);
    assertThat(c.ropeTheta()).isEqualTo(10000.0);
    assertThat(c.ropeScaling()).isEqualTo(RopeScaling.NONE);
    assertThat(c.tieWordEmbeddings()).isFalse();
    assertThat(c.maxPositionEmbeddings()).isEqualTo(2048);
    HfModelConfig q = HfModelConfig.parse("""
        {"architectures": ["Qwen2ForCausalLM"], "vocab_size": 10, "hidden_size": 12,
         "intermediate_size": 20, "num_hidden_layers": 1, "num_attention_heads": 3,
         "head_dim": null, "num_key_value_heads": null}
        """, "minimal");
    assertThat(q.architecture()).isEqualTo(HfArchitecture.QWEN2);
    assertThat(q.headDim()).isEqualTo(4);
    assertThat(q.maxPositionEmbeddings()).isEqualTo(32768);
  }

  @Test
  void readsEveryRopeLayout() {
    String base = "{\"model_type\": \"llama\", \"vocab_size\": 10, \"hidden_size\": 8, "
        + "\"intermediate_size\": 8, \"num_hidden_layers\": 1, \"num_attention_heads\": 2, "
        + "\"max_position_embeddings\": 96, ";
    assertThat(HfModelConfig.parse(base + "\"rope_scaling\": {\"type\": \"linear\", "
        + "\"factor\": 2}}", "legacy").ropeScaling()).isEqualTo(RopeScaling.linear(2));
    HfModelConfig v5 = HfModelConfig.parse(base + "\"rope_parameters\": {\"rope_type\": "
        + "\"llama3\", \"rope_theta\": 5000, \"factor\": 8, \"low_freq_factor\": 1, "
        + "\"high_freq_factor\": 4}}", "v5");
    assertThat(v5.ropeTheta()).isEqualTo(5000);
    // no original_max_position_embeddings: transformers falls back to max_position_embeddings
    assertThat(v5.ropeScaling()).isEqualTo(RopeScaling.llama3(8, 1, 4, 96));
    HfModelConfig nested = HfModelConfig.parse(base + "\"rope_parameters\": {\"full_attention\":"
        + " {\"rope_type\": \"default\", \"rope_theta\": 123}}}", "nested");
    assertThat(nested.ropeTheta()).isEqualTo(123);
    // transformers 5 takes rope_scaling over rope_parameters, theta from the top as a fallback
    HfModelConfig both = HfModelConfig.parse(base + "\"rope_theta\": 77, \"rope_scaling\": "
        + "{\"rope_type\": \"linear\", \"factor\": 4}, \"rope_parameters\": {\"rope_type\": "
        + "\"default\", \"rope_theta\": 1}}", "both");
    assertThat(both.ropeScaling()).isEqualTo(RopeScaling.linear(4));
    assertThat(both.ropeTheta()).isEqualTo(77);
  }

  @Test
  void refusesOtherArchitecturesNamingThemAndTheSupportedOnes() {
    assertThatThrownBy(() -> HfModelConfig.parse(QWEN2.replace("qwen2", "mistral")
        .replace("Qwen2ForCausalLM", "MistralForCausalLM"), "m/config.json"))
        .hasMessageContaining("m/config.json").hasMessageContaining("\"mistral\"")
        .hasMessageContaining("llama (LlamaForCausalLM), qwen2 (Qwen2ForCausalLM), "
            + "qwen3 (Qwen3ForCausalLM)");
    assertThatThrownBy(() -> HfModelConfig.parse(LLAMA.replace("LlamaForCausalLM",
        "LlamaForSequenceClassification"), "c"))
        .hasMessageContaining("LlamaForSequenceClassification")
        .hasMessageContaining("supported: llama (LlamaForCausalLM)");
    assertThatThrownBy(() -> HfModelConfig.parse(LLAMA.replace("LlamaForCausalLM",
        "Qwen2ForCausalLM"), "c"))
        .hasMessageContaining("model_type \"llama\" disagrees with architectures");
  }

  @Test
  void refusesWhatWouldChangeTheComputation() {
    assertThatThrownBy(() -> HfModelConfig.parse(LLAMA.replace("\"silu\"", "\"gelu\""), "c"))
        .hasMessageContaining("hidden_act \"gelu\"").hasMessageContaining("supported: silu");
    assertThatThrownBy(() -> HfModelConfig.parse(LLAMA.replace("\"llama3\"", "\"yarn\""), "c"))
        .hasMessageContaining("rope_type \"yarn\"")
        .hasMessageContaining("supported: default, linear, llama3");
    assertThatThrownBy(() -> HfModelConfig.parse(QWEN3.replace("\"full_attention\"]",
        "\"sliding_attention\"]"), "c"))
        .hasMessageContaining("layer_types").hasMessageContaining("sliding_attention");
    assertThatThrownBy(() -> HfModelConfig.parse(QWEN2.replace("\"use_sliding_window\": false",
        "\"use_sliding_window\": true, \"max_window_layers\": 1").replace(
        "\"sliding_window\": null", "\"sliding_window\": 8"), "c"))
        .hasMessageContaining("use_sliding_window");
    assertThatThrownBy(() -> HfModelConfig.parse(LLAMA.replace("\"mlp_bias\"",
        "\"quantization_config\": {\"quant_method\": \"gptq\"}, \"mlp_bias\""), "c"))
        .hasMessageContaining("quantization_config");
    assertThatThrownBy(() -> HfModelConfig.parse(LLAMA.replace("\"mlp_bias\"",
        "\"partial_rotary_factor\": 0.5, \"mlp_bias\""), "c"))
        .hasMessageContaining("partial_rotary_factor");
  }

  @Test
  void refusesMissingAndInconsistentShapes() {
    assertThatThrownBy(() -> HfModelConfig.parse(LLAMA.replace("\"vocab_size\": 384", "\"x\": 1"),
        "c/config.json")).hasMessageContaining("c/config.json has no \"vocab_size\"");
    assertThatThrownBy(() -> HfModelConfig.parse(LLAMA.replace("\"num_key_value_heads\": 2",
        "\"num_key_value_heads\": 3"), "c"))
        .hasMessageContaining("num_attention_heads 4 is not a multiple of num_key_value_heads 3");
    assertThatThrownBy(() -> HfModelConfig.parse(LLAMA.replace("\"hidden_size\": 64",
        "\"hidden_size\": 64.5"), "c")).hasMessageContaining("\"hidden_size\" must be an integer");
    assertThatThrownBy(() -> HfModelConfig.parse(QWEN3.replace("\"head_dim\": 32",
        "\"head_dim\": 31"), "c")).hasMessageContaining("head_dim must be even");
    assertThatThrownBy(() -> HfModelConfig.parse(LLAMA.replace("\"low_freq_factor\": 1.0,", ""),
        "c")).hasMessageContaining("rope_scaling has no \"low_freq_factor\"");
    assertThatThrownBy(() -> HfModelConfig.parse("[1]", "c")).hasMessageContaining("not a JSON object");
  }
}

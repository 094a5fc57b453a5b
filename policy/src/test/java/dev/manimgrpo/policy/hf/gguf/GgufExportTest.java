package dev.manimgrpo.policy.hf.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.manimgrpo.policy.hf.HfModelConfig;
import org.junit.jupiter.api.Test;

/** The pure parts of the export: names, the q/k row order, RoPE factors, the vocabulary. */
class GgufExportTest {

  @Test
  void namesAreLlamaCpps() {
    assertThat(GgufExport.ggufName("model.embed_tokens.weight")).isEqualTo("token_embd.weight");
    assertThat(GgufExport.ggufName("model.norm.weight")).isEqualTo("output_norm.weight");
    assertThat(GgufExport.ggufName("lm_head.weight")).isEqualTo("output.weight");
    assertThat(GgufExport.ggufName("model.layers.11.self_attn.q_proj.bias")).isEqualTo("blk.11.attn_q.bias");
    assertThat(GgufExport.ggufName("model.layers.0.self_attn.o_proj.weight")).isEqualTo("blk.0.attn_output.weight");
    assertThat(GgufExport.ggufName("model.layers.0.self_attn.k_norm.weight")).isEqualTo("blk.0.attn_k_norm.weight");
    assertThat(GgufExport.ggufName("model.layers.3.input_layernorm.weight")).isEqualTo("blk.3.attn_norm.weight");
    assertThat(GgufExport.ggufName("model.layers.3.post_attention_layernorm.weight")).isEqualTo("blk.3.ffn_norm.weight");
    assertThat(GgufExport.ggufName("model.layers.3.mlp.down_proj.weight")).isEqualTo("blk.3.ffn_down.weight");
    assertThatThrownBy(() -> GgufExport.ggufName("model.layers.0.self_attn.rotary_emb.inv_freq"))
        .hasMessageContaining("no GGUF name");
  }

  @Test
  void rowsOfEachHeadGoFromHalvesToInterleavedPairs() {
    // 2 heads of dim 4, 1 column: head rows (a0 a1 b0 b1) become (a0 b0 a1 b1).
    float[] v = {0, 1, 2, 3, 10, 11, 12, 13};
    assertThat(GgufExport.interleaveRotaryHalves(v, 2, 4)).containsExactly(0, 2, 1, 3, 10, 12, 11, 13);
    // Whole rows move: 1 head of dim 4 with 2 columns.
    float[] m = {0, 0, 1, 1, 2, 2, 3, 3};
    assertThat(GgufExport.interleaveRotaryHalves(m, 1, 4)).containsExactly(0, 0, 2, 2, 1, 1, 3, 3);
  }

  @Test
  void llama3ScalingBecomesPerFrequencyDivisors() {
    HfModelConfig c = HfModelConfig.parse("""
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64,
         "intermediate_size": 160, "num_attention_heads": 4, "num_hidden_layers": 2,
         "num_key_value_heads": 2, "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "vocab_size": 384,
         "rope_scaling": {"factor": 8.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                          "original_max_position_embeddings": 64, "rope_type": "llama3"}}
        """, "llama");
    float[] f = GgufExport.ropeFreqFactors(c);
    assertThat(f).hasSize(c.headDim() / 2);
    assertThat(f[0]).as("highest frequency unchanged").isEqualTo(1f);
    assertThat((double) f[f.length - 1]).as("lowest frequency divided by factor")
        .isCloseTo(c.ropeScaling().factor(), org.assertj.core.api.Assertions.within(1e-4));
  }

  @Test
  void vocabularyHasEveryIdTypedAndMergesAsPairs() throws Exception {
    JsonNode tok = new ObjectMapper().readTree("""
        {"added_tokens": [{"id": 3, "content": "<|s|>", "special": true},
                          {"id": 4, "content": "hi", "special": false}],
         "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": %s}}, {"type": "ByteLevel"}]},
         "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": [["a", "b"]]}}
        """.formatted(new ObjectMapper().writeValueAsString(GgufVocabulary.QWEN2_SPLIT)));
    GgufVocabulary v = GgufVocabulary.of(tok, 6, "test");
    assertThat(v.tokens()).containsExactly("a", "b", "ab", "<|s|>", "hi", "[PAD5]");
    assertThat(v.tokenTypes()).containsExactly(1, 1, 1, 3, 4, 5);
    assertThat(v.merges()).containsExactly("a b");
    assertThat(v.pre()).isEqualTo("qwen2");
    assertThatThrownBy(() -> GgufVocabulary.of(tok, 4, "test")).hasMessageContaining("outside the model's 4");
  }
}

/**
 * Hugging Face checkpoints in ND4J: {@link dev.manimgrpo.policy.hf.SafetensorsFile} and {@link
 * dev.manimgrpo.policy.hf.SafetensorsCheckpoint} read safetensors weights (single or sharded)
 * through {@link dev.manimgrpo.policy.hf.ModelFolder} (local, or Hadoop for s3a); {@link
 * dev.manimgrpo.policy.hf.HfModelConfig} reads {@code config.json}; {@link
 * dev.manimgrpo.policy.hf.HfCausalLm} computes the logits of Llama, Qwen2 and Qwen3 models as
 * transformers does, in float32, with greedy decoding over a KV cache; {@link
 * dev.manimgrpo.policy.hf.HfTokenizer} reads their byte-level BPE {@code tokenizer.json} and gives
 * the ids the tokenizers library gives, and {@link dev.manimgrpo.policy.hf.HfChatTemplate} renders
 * their ChatML chat templates. No Spark here.
 */
package dev.manimgrpo.policy.hf;

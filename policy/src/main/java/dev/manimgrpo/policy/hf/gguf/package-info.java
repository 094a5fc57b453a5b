/**
 * GGUF, llama.cpp's model file: {@link dev.manimgrpo.policy.hf.gguf.GgufWriter} writes the
 * container (version 3: header, typed key-value metadata, tensor infos, aligned tensor data) and
 * {@link dev.manimgrpo.policy.hf.gguf.GgufExport} turns a Hugging Face Llama / Qwen2 / Qwen3
 * checkpoint into one that {@code llama-server} serves: llama.cpp's metadata keys and tensor names,
 * the byte-level BPE vocabulary as {@code tokenizer.ggml.model = gpt2}, and the query/key row order
 * llama.cpp's {@code llama} architecture expects. No Spark here.
 */
package dev.manimgrpo.policy.hf.gguf;

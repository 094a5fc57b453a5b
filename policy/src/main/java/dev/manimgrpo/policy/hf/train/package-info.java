/**
 * Training Hugging Face Llama / Qwen2 / Qwen3 models: {@link
 * dev.manimgrpo.policy.hf.train.HfTrainingModel} computes the per-token log-probabilities of a
 * batch and their gradients (backward written out as ND4J array operations, held to PyTorch's
 * autograd by the {@code hf}-tagged oracle test) for a LoRA adapter over frozen base weights or for
 * every weight; {@link dev.manimgrpo.policy.hf.train.LoraSpec} says what LoRA adapts and
 * initialises it as PEFT does; {@link dev.manimgrpo.policy.hf.train.HfAdamW} updates whatever
 * trains. The losses are the trainer's (functions of those log-probabilities), so SFT and GRPO
 * share this model.
 */
package dev.manimgrpo.policy.hf.train;

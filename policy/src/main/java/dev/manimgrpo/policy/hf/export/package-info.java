/**
 * Writing Hugging Face checkpoints: safetensors folders (sharded like transformers) that
 * transformers loads unchanged, LoRA adapters merged into them or written in PEFT's layout.
 */
package dev.manimgrpo.policy.hf.export;

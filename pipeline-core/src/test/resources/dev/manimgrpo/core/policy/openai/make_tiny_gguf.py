#!/usr/bin/env python3
"""Writes a tiny llama-architecture GGUF model that llama.cpp's llama-server can serve, for the
tests of the openai policy backend (it produces gibberish, quickly).

Usage: make_tiny_gguf.py OUT.gguf

Two layers, 64-wide, a byte-level BPE vocabulary (the 256 GPT-2 byte symbols, a few merges:
llama.cpp refuses a BPE vocabulary without any, and the ChatML control tokens), a ChatML chat
template, and fixed pseudo-random weights (seed 0). The output rows of all tokens but printable
ASCII and space are zero, so sampling with min-p or top-p picks printable text.
"""
import sys

import numpy as np
from gguf import GGUFWriter, TokenType

N_EMBD, N_HEAD, N_FF, N_LAYER, N_CTX = 64, 4, 128, 2, 4096
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def byte_symbols():
    """GPT-2's map from bytes to printable unicode symbols (byte-level BPE's alphabet)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) \
        + list(range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def main(out):
    sym = byte_symbols()
    tokens = [sym[b] for b in range(256)]
    types = [TokenType.NORMAL] * 256
    merges = []
    for a, b in [("Ġ", "t"), ("t", "h"), ("i", "n"), ("Ġ", "Ġ")]:
        merges.append(a + " " + b)
        tokens.append(a + b)
        types.append(TokenType.NORMAL)
    im_start, im_end = len(tokens), len(tokens) + 1
    tokens += ["<|im_start|>", "<|im_end|>"]
    types += [TokenType.CONTROL, TokenType.CONTROL]
    n_vocab = len(tokens)

    w = GGUFWriter(out, "llama")
    w.add_name("manim-grpo tiny test model")
    w.add_context_length(N_CTX)
    w.add_embedding_length(N_EMBD)
    w.add_block_count(N_LAYER)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD)
    w.add_rope_dimension_count(N_EMBD // N_HEAD)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(0)  # all F32
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("gpt-2")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.add_bos_token_id(im_start)
    w.add_eos_token_id(im_end)
    w.add_add_bos_token(False)
    w.add_chat_template(CHAT_TEMPLATE)

    rng = np.random.default_rng(0)

    def rand(*shape, scale=0.02):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    # numpy shapes are GGML's dimensions reversed: [rows = outputs, columns = inputs].
    w.add_tensor("token_embd.weight", rand(n_vocab, N_EMBD, scale=1.0))
    for i in range(N_LAYER):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        for t in ("attn_q", "attn_k", "attn_v", "attn_output"):
            w.add_tensor(p + t + ".weight", rand(N_EMBD, N_EMBD, scale=0.1))
        w.add_tensor(p + "ffn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        w.add_tensor(p + "ffn_gate.weight", rand(N_FF, N_EMBD, scale=0.1))
        w.add_tensor(p + "ffn_up.weight", rand(N_FF, N_EMBD, scale=0.1))
        w.add_tensor(p + "ffn_down.weight", rand(N_EMBD, N_FF, scale=0.1))
    w.add_tensor("output_norm.weight", np.ones(N_EMBD, dtype=np.float32))
    output = rand(n_vocab, N_EMBD, scale=0.5)
    printable = [i for i in range(256) if 32 <= i < 127] + [ord("\n")]
    mask = np.zeros(n_vocab, dtype=bool)
    mask[printable] = True
    output[~mask] = 0.0
    w.add_tensor("output.weight", output)

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_tiny_gguf.py OUT.gguf")
    main(sys.argv[1])

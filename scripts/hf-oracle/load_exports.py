"""Loads model folders that manim-grpo exported, with transformers, the way another tool would.

Usage: load_exports.py OUT IN. IN holds request.json ({"models": [{"name": ..., "input_ids":
[[...]], "texts": [...] (optional)}]}) and one folder per name; OUT gets result.json with, per
model, transformers' loading info (missing, unexpected and mismatched keys, errors), the dtype it
loads as by default, its state dict's shapes, the ids its tokenizer gives a test string and each
of the texts (no special tokens added) and the float32 logits of the input ids. Run by HfOracle.run (bwrap, no network, inside the oracle root).
"""
import json
import os
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def keys(v):
    return sorted(str(k) for k in (v or []))


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    out, src = argv[1], argv[2]
    torch.set_num_threads(1)
    with open(os.path.join(src, "request.json"), encoding="utf-8") as f:
        request = json.load(f)
    results = []
    for m in request["models"]:
        folder = os.path.join(src, m["name"])
        model, info = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, output_loading_info=True)
        model.eval()
        auto = AutoModelForCausalLM.from_pretrained(folder, dtype="auto")
        ids = torch.tensor(m["input_ids"], dtype=torch.long)
        with torch.no_grad():
            logits = model(input_ids=ids).logits.to(torch.float32)
        tok = AutoTokenizer.from_pretrained(folder)
        results.append({
            "name": m["name"],
            "architecture": type(model).__name__,
            "missing_keys": keys(info.get("missing_keys")),
            "unexpected_keys": keys(info.get("unexpected_keys")),
            "mismatched_keys": keys(info.get("mismatched_keys")),
            "error_msgs": keys(info.get("error_msgs")),
            "auto_dtype": str(next(auto.parameters()).dtype).removeprefix("torch."),
            "state_dict_shapes": {k: list(v.shape) for k, v in model.state_dict().items()},
            "tokenizer_ids": tok("from manim import *", add_special_tokens=False)["input_ids"],
            "texts_ids": [tok(t, add_special_tokens=False)["input_ids"] for t in m.get("texts", [])],
            "logits": logits.tolist(),
        })
    with open(os.path.join(out, "result.json"), "w", encoding="utf-8") as f:
        json.dump({"models": results}, f)


if __name__ == "__main__":
    main(sys.argv)

"""PyTorch's autograd and AdamW on the training steps that manim-grpo's Java trainer takes.

Usage: train_step.py OUT IN. IN holds request.json and the model folders and adapters it names:

  {"cases": [{"name": ..., "model": folder in IN, "adapter": PEFT adapter_model.safetensors in
    IN or null (full training), "rank": r, "alpha": a, "input_ids": [[...]], "targets": [[...]]
    (-1: no loss), "loss_weights": [[...]], "steps": n, "lr": ..., "betas": [b1, b2], "eps": ...,
    "weight_decay": ...}]}

Per case the loss is sum(loss_weights * log p(target)) over the targets that are not -1; LoRA is
PEFT's: each adapted nn.Linear adds (x A^T) B^T * alpha / r to its output (Debian has no
python3-peft, so the hook does it; the arithmetic is the same). The model runs in float32 with
eager attention and no attention mask (rows are right-padded). The case trains `steps` steps of
torch.optim.AdamW, weight decay on matrices only. OUT/<name>.safetensors gets "logp" (first
step), "grad.<key>" (first step's gradients of what trains) and "after.<key>" (values after the
last step); OUT/result.json the first step's loss and the trained keys. Run by HfOracle.run
(bwrap, no network, inside the oracle root).
"""
import json
import os
import sys

import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModelForCausalLM

PREFIX = "base_model.model."


def lora_hooks(model, adapter, scale):
    """Leaf tensors A, B per adapted module, wired in by forward hooks."""
    params = {}
    for key in sorted(adapter):
        if not key.endswith(".lora_A.weight"):
            continue
        path = key[len(PREFIX):-len(".lora_A.weight")]
        b_key = key.replace(".lora_A.weight", ".lora_B.weight")
        a = adapter[key].clone().requires_grad_(True)
        b = adapter[b_key].clone().requires_grad_(True)
        params[key], params[b_key] = a, b
        module = model.get_submodule(path)

        def hook(mod, inputs, output, a=a, b=b):
            return output + (inputs[0] @ a.t()) @ b.t() * scale
        module.register_forward_hook(hook)
    return params


def run(case, src):
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(os.path.join(src, case["model"]), dtype=torch.float32,
                                                 attn_implementation="eager").eval()
    if case.get("adapter"):
        for p in model.parameters():
            p.requires_grad_(False)
        params = lora_hooks(model, load_file(os.path.join(src, case["adapter"])), case["alpha"] / case["rank"])
    else:
        params = dict(model.named_parameters())
    ids = torch.tensor(case["input_ids"], dtype=torch.long)
    targets = torch.tensor(case["targets"], dtype=torch.long)
    weights = torch.tensor(case["loss_weights"], dtype=torch.float32)
    valid = (targets >= 0).to(torch.float32)
    decay = [p for p in params.values() if p.dim() == 2]
    no_decay = [p for p in params.values() if p.dim() != 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": case["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=case["lr"], betas=tuple(case["betas"]), eps=case["eps"])
    out, first_loss = {}, None
    for step in range(case["steps"]):
        opt.zero_grad()
        logits = model(input_ids=ids).logits
        logp = torch.log_softmax(logits, dim=-1).gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1) * valid
        loss = (logp * weights).sum()
        loss.backward()
        if step == 0:
            first_loss = loss.item()
            out["logp"] = logp.detach().clone()
            for k, p in params.items():
                out["grad." + k] = p.grad.detach().clone()
        opt.step()
    for k, p in params.items():
        out["after." + k] = p.detach().clone().contiguous()
    return out, first_loss, sorted(params)


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    out, src = argv[1], argv[2]
    torch.set_num_threads(1)
    with open(os.path.join(src, "request.json"), encoding="utf-8") as f:
        request = json.load(f)
    results = {}
    for case in request["cases"]:
        tensors, loss, keys = run(case, src)
        save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(out, case["name"] + ".safetensors"))
        results[case["name"]] = {"loss": loss, "trained": keys}
    with open(os.path.join(out, "result.json"), "w", encoding="utf-8") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main(sys.argv)

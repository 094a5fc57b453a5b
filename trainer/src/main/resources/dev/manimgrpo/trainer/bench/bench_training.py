"""PyTorch's side of manim-grpo-trainer bench-training: SFT steps of a Hugging Face model.

Usage: bench_training.py OUT IN. IN holds request.json and the model folder it names:
  {"model": folder in IN, "tokens": [[...]] (B rows of T + 1 ids), "modes": ["lora", "full"],
   "rank": r, "alpha": a, "lr": ..., "warmup": n, "steps": n, "threads": n}
Each mode loads the model afresh in float32 (eager attention), trains what the mode trains (LoRA
on every linear layer of the decoder, PEFT's arithmetic wired in by forward hooks since Debian has
no python3-peft; or every weight) with torch.optim.AdamW on the mean token NLL of the batch, runs
`warmup` untimed steps then `steps` timed ones, and writes OUT/result.json: per mode the first
step's loss, the seconds per timed step, training tokens/s and the process's peak RSS.
"""
import json
import math
import os
import resource
import sys
import time

import torch
from transformers import AutoModelForCausalLM

LINEAR = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


def lora(model, rank, alpha):
    for p in model.parameters():
        p.requires_grad_(False)
    params = []
    for name, module in model.named_modules():
        if name.split(".")[-1] not in LINEAR:
            continue
        a = torch.empty(rank, module.in_features)
        torch.nn.init.kaiming_uniform_(a, a=math.sqrt(5))
        a.requires_grad_(True)
        b = torch.zeros(module.out_features, rank, requires_grad=True)
        params += [a, b]

        def hook(mod, inputs, output, a=a, b=b):
            return output + (inputs[0] @ a.t()) @ b.t() * (alpha / rank)
        module.register_forward_hook(hook)
    return params


def run(request, src, mode):
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(os.path.join(src, request["model"]), dtype=torch.float32,
                                                 attn_implementation="eager")
    model.train()
    params = lora(model, request["rank"], request["alpha"]) if mode == "lora" else list(model.parameters())
    opt = torch.optim.AdamW(params, lr=request["lr"], betas=(0.9, 0.95), eps=1e-8, weight_decay=0.0)
    tokens = torch.tensor(request["tokens"], dtype=torch.long)
    inputs, targets = tokens[:, :-1], tokens[:, 1:]
    first, timed = None, []
    for step in range(request["warmup"] + request["steps"]):
        t0 = time.perf_counter()
        logits = model(input_ids=inputs).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if step >= request["warmup"]:
            timed.append(time.perf_counter() - t0)
        if first is None:
            first = loss.item()
    seconds = sum(timed) / len(timed)
    return {"first_loss": first, "step_seconds": seconds, "tokens_per_s": inputs.numel() / seconds,
            "trained_values": sum(p.numel() for p in params),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    out, src = argv[1], argv[2]
    with open(os.path.join(src, "request.json"), encoding="utf-8") as f:
        request = json.load(f)
    torch.set_num_threads(request["threads"])
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "modes": {}}
    for mode in request["modes"]:
        result["modes"][mode] = run(request, src, mode)
    with open(os.path.join(out, "result.json"), "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(sys.argv)

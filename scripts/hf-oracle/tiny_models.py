"""Tiny random Hugging Face checkpoints and what transformers computes with them: the test oracle
for manim-grpo's own loader of Llama / Qwen2 / Qwen3 checkpoints.

Runs inside the root that cluster-conf/provision/hf-oracle.sh builds (Debian's transformers,
torch, safetensors, tokenizers), never downloads anything, and is deterministic (fixed seeds,
one thread). Usage:

    python3 tiny_models.py OUT_DIR SCENES_DIR

SCENES_DIR holds Manim scenes (*.py) to train the byte-level BPE tokenizer on. OUT_DIR gets:

    manifest.json             versions, the models and how each was saved, seconds taken
    tokenizer/                tokenizer.json, tokenizer_config.json (chat_template, special tokens),
                              special_tokens_map.json, oracle.json (ids of test strings, a chat)
    llama/                    LlamaForCausalLM, float32, one model.safetensors
    llama-bf16/               the same weights saved as bfloat16
    qwen2/                    Qwen2ForCausalLM, float32, one model.safetensors
    qwen2-sharded/            the same weights in several model-0000i-of-0000n.safetensors
                              with model.safetensors.index.json
    qwen3/                    Qwen3ForCausalLM, float32, one model.safetensors

Every model folder is a complete checkpoint (config.json, generation_config.json, the weights, the
tokenizer files) with an oracle.json; the README of scripts/hf-oracle spells out its fields.
"""

import copy
import hashlib
import json
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

import numpy as np  # noqa: E402
import safetensors  # noqa: E402
import tokenizers  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors, trainers  # noqa: E402
from transformers import (  # noqa: E402
    AutoModelForCausalLM,
    AutoTokenizer,
    GenerationConfig,
    LlamaConfig,
    Qwen2Config,
    Qwen3Config,
)

SEED = 20261201
VOCAB = 384
BOS, EOS, PAD = "<|begin_of_text|>", "<|end_of_text|>", "<|pad|>"
IM_START, IM_END = "<|im_start|>", "<|im_end|>"
SPECIALS = [BOS, EOS, PAD, IM_START, IM_END]  # ids 0..4, in this order
# Llama 3's pre-tokenizer split (Qwen2's differs only in \p{N} instead of \p{N}{1,3}).
SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
         r"|\s*[\r\n]+|\s+(?!\S)|\s+")
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
TOKENIZER_CASES = [
    "",
    "from manim import *\n\nclass Hello(Scene):\n    def construct(self):\n        self.play(Write(Text(\"Hi\")))\n",
    "circle = Circle(radius=1.5, color=BLUE).shift(2 * LEFT)",
    "MathTex(r\"e^{i\\pi} + 1 = 0\")",
    "  leading spaces and trailing  ",
    "\tindented\twith\ttabs\n\t\tdeeper",
    "windows\r\nline\r\nendings\r\n",
    "unicode: caf\u00e9 na\u00efve \u00c5ngstr\u00f6m \u03b1\u03b2\u03b3 \u4e2d\u6587 \u00bd",
    "emoji: \U0001F600 \U0001F44D\U0001F3FD \U0001F468\u200D\U0001F469\u200D\U0001F467",
    "numbers 1234567 3.14159 -0.5e-3",
    "it's we'll they're I'M",
    "<|im_start|>user\nDraw a square<|im_end|>",
    "   \n\n   \n",
    # Harder cases for the pre-tokenizer regexes and the added-token matcher.
    "IT'S We'LL they'Re I'd it'\u017f don't",
    "nbsp\u00a0x ideographic\u3000x line\u2028x nel\u0085x vt\x0bx ff\x0cx fs\x1cx nul\x00x",
    "a  \n  b   \n\n\tc \r\n",
    "trailing   ",
    " \n",
    "digits 12345678901 \u0661\u0662\u0663\u0664 \u00bd\u00b2 \u216b x2y",
    "e\u0301 n\u0303 A\u030a \u00e9 \u00c5 cafe\u0301 caf\u00e9",
    "a+=b;c->d // x...!!!???\n\n\n'''doc'''\n\"\"\"",
    "'s 'S 'x x's",
    "<|im_start|><|im_end|><|im_start|><|im_start|  <|im_end|>x<|pad|>y<|begin_of_text|>",
    "\U0001D4D7\U0001D4EE\U0001D4F5 \U0001D7D9\U0001D7DA \u01c4emal \u01c5 \u01c6",
    "\U0001F44D\U0001F44D\U0001F3FD\U0001F3F3\uFE0F\u200D\U0001F308 x\U0001F600y",
    "x <mask> y<sep>   z word words sword word. cafe\u0301 caf\u00e9 <MASK>",
    "tab\tand  double  spaces\t\t\tthen text",
    "<tool_call>{\"name\": \"f\"}</tool_call> <|reserved_special_token_0|>",
    "  a  \n  b  \r\n c \n\n a\rb a\u2028b a\nb a\u0085b axb  ",
    "x\u00a0\u00a0\u00a0y (\u3000\u3000) a\u2028\u2028b \u0085\u0085x \x1c\x1c( \x0b\x0b. end\u00a0\u00a0",
    "it'\u017fx I'\u017fm 'Sx 'LLx \u212a'S",
]
CHAT = [
    {"role": "system", "content": "You write Manim scenes."},
    {"role": "user", "content": "Draw a blue circle."},
]
# Token-id rows of the logits batch: different lengths, right-padded with PAD.
ROW_LENGTHS = [12, 7, 3]
GREEDY_TOKENS = 8


def tiny_configs():
    """The three architectures, as small as they can be while keeping every feature the loader
    must handle: GQA, Llama 3 RoPE scaling, untied / tied embeddings, q/k/v biases, q/k norms,
    an explicit head_dim different from hidden / heads."""
    common = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=160, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
                  rms_norm_eps=1e-6, initializer_range=0.2, hidden_act="silu",
                  bos_token_id=SPECIALS.index(BOS), eos_token_id=SPECIALS.index(EOS),
                  pad_token_id=SPECIALS.index(PAD), dtype="float32")
    llama = LlamaConfig(**common, rope_theta=500000.0, tie_word_embeddings=False,
                        rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                      "high_freq_factor": 4.0, "original_max_position_embeddings": 64})
    qwen2 = Qwen2Config(**common, rope_theta=1000000.0, tie_word_embeddings=True, use_sliding_window=False)
    qwen3 = Qwen3Config(**common, head_dim=32, rope_theta=1000000.0, tie_word_embeddings=True,
                        use_sliding_window=False)
    return {"llama": llama, "qwen2": qwen2, "qwen3": qwen3}


def random_model(config, seed):
    """A model with random weights: transformers' init (normal, std initializer_range) leaves
    biases at 0 and norm weights at 1, which would hide a loader that drops them, so those are
    drawn too."""
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(".bias"):
                p.normal_(0.0, 0.2)
            elif "norm" in name:
                p.copy_(1.0 + 0.2 * torch.randn_like(p))
    return model.eval()


def train_tokenizer(scenes_dir):
    """A byte-level BPE (Llama 3 / Qwen2 layout: regex split, then bytes) of exactly VOCAB ids."""
    texts = []
    for name in sorted(os.listdir(scenes_dir)):
        if name.endswith(".py"):
            with open(os.path.join(scenes_dir, name), encoding="utf-8") as f:
                texts.append(f.read())
    if not texts:
        raise SystemExit(f"no *.py scenes in {scenes_dir}")
    tok = Tokenizer(models.BPE(byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(SPLIT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB, min_frequency=2, special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer)
    if tok.get_vocab_size() != VOCAB:
        raise SystemExit(f"tokenizer has {tok.get_vocab_size()} ids, not {VOCAB}: the scenes are too few")
    # Llama 3's: BOS before every sequence when special tokens are asked for.
    tok.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A", pair=f"{BOS} $A {BOS} $B", special_tokens=[(BOS, SPECIALS.index(BOS))])
    return tok, sum(len(t.encode("utf-8")) for t in texts)


def save_tokenizer(tok, out):
    """tokenizer.json as the tokenizers library writes it; tokenizer_config.json in the layout of
    published Llama 3 / Qwen2 checkpoints (transformers 5 would write its own: TokenizersBackend,
    extra_special_tokens, the template in chat_template.jinja). AutoTokenizer then reads both back,
    so the oracle also shows that layout means what it is meant to."""
    os.makedirs(out, exist_ok=True)
    tok.save(os.path.join(out, "tokenizer.json"))
    added = {str(tok.token_to_id(t)): {"content": t, "lstrip": False, "normalized": False, "rstrip": False,
                                       "single_word": False, "special": True} for t in SPECIALS}
    write_json(os.path.join(out, "tokenizer_config.json"), {
        "added_tokens_decoder": added,
        "additional_special_tokens": [IM_START, IM_END],
        "bos_token": BOS,
        "chat_template": CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "eos_token": EOS,
        "model_input_names": ["input_ids", "attention_mask"],
        "model_max_length": 128,
        "pad_token": PAD,
        "tokenizer_class": "PreTrainedTokenizerFast",
    })
    write_json(os.path.join(out, "special_tokens_map.json"), {
        "additional_special_tokens": [IM_START, IM_END], "bos_token": BOS, "eos_token": EOS, "pad_token": PAD})


def tokenizer_oracle(out):
    raw = Tokenizer.from_file(os.path.join(out, "tokenizer.json"))
    auto = AutoTokenizer.from_pretrained(out)
    cases = []
    for text in TOKENIZER_CASES:
        enc = raw.encode(text, add_special_tokens=False)
        ids_auto = auto.encode(text, add_special_tokens=False)
        if enc.ids != ids_auto:
            raise SystemExit(f"tokenizers and AutoTokenizer disagree on {text!r}: {enc.ids} vs {ids_auto}")
        with_special = raw.encode(text, add_special_tokens=True).ids
        if with_special != auto.encode(text, add_special_tokens=True):
            raise SystemExit(f"tokenizers and AutoTokenizer disagree on {text!r} with special tokens")
        cases.append({
            "text": text,
            "pre_tokens": [p for p, _ in raw.pre_tokenizer.pre_tokenize_str(text)],
            "ids_tokenizers": enc.ids,
            "ids_transformers": ids_auto,
            "ids_with_special_tokens": with_special,
            "tokens": enc.tokens,
            "decoded": auto.decode(ids_auto),
        })
    chat_text = auto.apply_chat_template(CHAT, tokenize=False, add_generation_prompt=True)
    chat_ids = auto.apply_chat_template(CHAT, tokenize=True, add_generation_prompt=True)
    if hasattr(chat_ids, "keys"):  # some versions answer a BatchEncoding
        chat_ids = chat_ids["input_ids"]
    return {
        "vocab_size": raw.get_vocab_size(),
        "special_tokens": {t: raw.token_to_id(t) for t in SPECIALS},
        "bos_token": BOS, "eos_token": EOS, "pad_token": PAD,
        "cases": cases,
        "chat": {"messages": CHAT, "add_generation_prompt": True, "text": chat_text, "ids": list(chat_ids)},
        "chat_templates": chat_template_oracle(auto),
        "decode_cases": decode_oracle(raw),
        "variants": variant_oracles(out),
    }


# Split regexes of published tokenizer.json files, and two more a loader may meet.
QWEN2_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
               r"|\s*[\r\n]+|\s+(?!\S)|\s+")
# tiktoken's cl100k pattern in its newer form: possessive quantifiers and an end anchor.
POSSESSIVE_SPLIT = (r"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"
                    r"|\s++$|\s*[\r\n]|\s+(?!\S)|\s")
# o200k's (Llama 4 has the same): letter-case classes and marks, contractions after the word.
O200K_SPLIT = (r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
               r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
               r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")
# Chat templates besides CHAT_TEMPLATE: plain ChatML, and Qwen2-Instruct's (a default system prompt).
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
QWEN2_INSTRUCT_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
CHAT_CONVERSATIONS = [
    CHAT,
    [{"role": "user", "content": "Draw a square."}],
    [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
     {"role": "assistant", "content": "```python\nclass A(Scene):\n    pass\n```"},
     {"role": "user", "content": "  More <|im_end|> caf\u00e9 \U0001F600\n"}],
]


def bytes_to_unicode():
    """GPT-2's byte-level alphabet: byte -> the printable character that stands for it."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def byte_level(add_prefix_space=False, trim_offsets=True, use_regex=True):
    return {"type": "ByteLevel", "add_prefix_space": add_prefix_space, "trim_offsets": trim_offsets,
            "use_regex": use_regex}


def split(pattern, behavior="Isolated", invert=False, literal=False):
    return {"type": "Split", "pattern": {"String" if literal else "Regex": pattern}, "behavior": behavior,
            "invert": invert}


def added(token_id, content, special=False, lstrip=False, rstrip=False, single_word=False, normalized=False):
    return {"id": token_id, "content": content, "single_word": single_word, "lstrip": lstrip, "rstrip": rstrip,
            "normalized": normalized, "special": special}


def tokenizer_variants(base):
    """tokenizer.json files derived from the trained one, each with a feature a loader must get right:
    {name: (description, tokenizer.json as a dict)}."""
    n = len(base["model"]["vocab"])
    variants = {}

    def derive(name, description, pre_tokenizer=None, **top):
        d = copy.deepcopy(base)
        if pre_tokenizer is not None:
            d["pre_tokenizer"] = pre_tokenizer
        d.update(copy.deepcopy(top))
        variants[name] = (description, d)
        return d

    d = derive("qwen2", "Qwen2's layout: its split (\\p{N} alone), NFC, ByteLevel post-processor, merges as strings, "
               "empty subword prefix/suffix, non-special added tokens",
               {"type": "Sequence", "pretokenizers": [split(QWEN2_SPLIT), byte_level(False, False, False)]},
               normalizer={"type": "NFC"}, post_processor=byte_level(False, False, False),
               decoder=byte_level(False, False, False))
    d["model"].update(continuing_subword_prefix="", end_of_word_suffix="",
                      merges=[" ".join(m) for m in d["model"]["merges"]])
    d["added_tokens"] += [added(n, "<tool_call>"), added(n + 1, "</tool_call>")]

    d = derive("llama3", "Llama 3's layout: ignore_merges with whole-word vocabulary entries no merge reaches, "
               "merges as strings, Sequence(ByteLevel, TemplateProcessing), a reserved special token",
               post_processor={"type": "Sequence", "processors": [byte_level(True, False, True),
                                                                   base["post_processor"]]},
               decoder=byte_level(True, True, True))
    d["model"].update(ignore_merges=True, merges=[" ".join(m) for m in d["model"]["merges"]])
    d["model"]["vocab"].update({"\u0120leading": n, "\u0120trailing": n + 1})
    d["added_tokens"] += [added(n + 2, "<|reserved_special_token_0|>", special=True)]

    derive("possessive", "tiktoken's newer cl100k split: possessive quantifiers, \\s++$",
           {"type": "Sequence", "pretokenizers": [split(POSSESSIVE_SPLIT), byte_level(False, True, False)]})
    derive("o200k", "o200k's split: letter-case classes, marks, trailing contractions",
           {"type": "Sequence", "pretokenizers": [split(O200K_SPLIT), byte_level(False, True, False)]})
    derive("gpt2", "GPT-2's layout: ByteLevel alone, with its own regex and a prefix space",
           byte_level(True, True, True), post_processor=byte_level(True, True, True),
           decoder=byte_level(True, True, True))
    d = derive("added-flags", "added tokens with lstrip, rstrip, single_word and normalized, under NFC",
               normalizer={"type": "NFC"})
    d["added_tokens"] += [added(n, "<mask>", special=True, lstrip=True),
                          added(n + 1, "<sep>", rstrip=True),
                          added(n + 2, "word", single_word=True, normalized=True),
                          added(n + 3, "cafe\u0301", normalized=True),
                          added(n + 4, " <MASK>", special=True, normalized=False)]
    derive("anchors", "line anchors and the dot of the regex dialect: ^, $, . next to \\r, \\n, U+0085, U+2028",
           {"type": "Sequence", "pretokenizers": [split(r"^ +| +$|a.b|\p{L}+", "Removed"),
                                                  byte_level(False, True, False)]})
    for behavior, pattern, invert in [("Removed", " ", False), ("MergedWithPrevious", r"\s+", False),
                                      ("MergedWithNext", r"\p{P}", False), ("Contiguous", r"\p{L}", False),
                                      ("Removed", r"\p{L}+", True), ("MergedWithPrevious", r"\s+", True)]:
        name = "split-" + behavior.lower() + ("-inverted" if invert else "") + ("-literal" if pattern == " " else "")
        derive(name, f"Split on {pattern!r}, {behavior}, invert {invert}, then ByteLevel",
               {"type": "Sequence", "pretokenizers": [split(pattern, behavior, invert, literal=pattern == " "),
                                                      byte_level(False, True, False)]})
    return variants


def variant_oracles(out):
    """Writes each variant's tokenizer.json under out/variants/NAME/ and what tokenizers makes of the
    test strings with it."""
    with open(os.path.join(out, "tokenizer.json"), encoding="utf-8") as f:
        base = json.load(f)
    oracles = []
    for name, (description, tj) in tokenizer_variants(base).items():
        d = os.path.join(out, "variants", name)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "tokenizer.json")
        write_json(path, tj)
        tok = Tokenizer.from_file(path)
        cases = []
        for text in TOKENIZER_CASES:
            ids = tok.encode(text, add_special_tokens=False).ids
            with_special = tok.encode(text, add_special_tokens=True).ids
            cases.append({"text": text, "ids": ids, "ids_with_special_tokens": with_special,
                          "pre_tokens": [p for p, _ in tok.pre_tokenizer.pre_tokenize_str(text)],
                          "decoded": tok.decode(ids, skip_special_tokens=False),
                          "decoded_skip_special": tok.decode(with_special, skip_special_tokens=True)})
        oracles.append({"name": name, "description": description, "file": f"variants/{name}/tokenizer.json",
                        "vocab_size": tok.get_vocab_size(), "cases": cases})
    return oracles


def decode_oracle(raw):
    """What tokenizers decodes from id sequences that are not whole UTF-8 text: cut characters,
    surrogate and overlong forms, special tokens, and random ids."""
    b2u = bytes_to_unicode()

    def byte(b):
        return raw.token_to_id(b2u[b])

    sequences = [[byte(0xED), byte(0xA0), byte(0x80)], [byte(0xF0), byte(0x9F)], [byte(0xC0), byte(0x41)],
                 [byte(0xE2), byte(0x82), byte(0x41)], [byte(0xF4), byte(0x90), byte(0x80), byte(0x80)],
                 [byte(0xFF), byte(0xE0), byte(0x80), byte(0x80)],
                 [0, byte(0xF0), byte(0x9F), byte(0x98), byte(0x80), 4, 1], [3, 2, 2]]
    g = torch.Generator().manual_seed(SEED)
    for _ in range(30):
        k = int(torch.randint(1, 13, (1,), generator=g))
        sequences.append(torch.randint(0, VOCAB, (k,), generator=g).tolist())
    return [{"ids": s, "decoded": raw.decode(s, skip_special_tokens=False),
             "decoded_skip_special": raw.decode(s, skip_special_tokens=True)} for s in sequences]


def chat_template_oracle(auto):
    """The three ChatML-like templates rendered for a few conversations, with and without the
    generation prompt, as text and as ids."""
    out = []
    for name, template in [("chatml-bos", CHAT_TEMPLATE), ("chatml", CHATML_TEMPLATE),
                           ("qwen2-instruct", QWEN2_INSTRUCT_TEMPLATE)]:
        for messages in CHAT_CONVERSATIONS:
            for gen in (True, False):
                text = auto.apply_chat_template(messages, chat_template=template, tokenize=False,
                                                add_generation_prompt=gen)
                ids = auto.apply_chat_template(messages, chat_template=template, tokenize=True,
                                               add_generation_prompt=gen)
                if hasattr(ids, "keys"):
                    ids = ids["input_ids"]
                out.append({"name": name, "template": template, "messages": messages,
                            "add_generation_prompt": gen, "text": text, "ids": list(ids)})
    return out


def token_rows(seed):
    """ROW_LENGTHS rows of ids drawn from the non-special vocabulary, right-padded with PAD."""
    g = torch.Generator().manual_seed(seed)
    width = max(ROW_LENGTHS)
    ids = torch.full((len(ROW_LENGTHS), width), SPECIALS.index(PAD), dtype=torch.long)
    mask = torch.zeros((len(ROW_LENGTHS), width), dtype=torch.long)
    for b, n in enumerate(ROW_LENGTHS):
        ids[b, :n] = torch.randint(len(SPECIALS), VOCAB, (n,), generator=g)
        mask[b, :n] = 1
    return ids, mask


def f32_list(t):
    """Float32 values as JSON numbers: the shortest decimal that reads back to the same float32."""
    a = t.detach().to(torch.float32).numpy()
    flat = [float(np.format_float_positional(v, unique=True, trim="-")) if abs(v) >= 1e-4 or v == 0
            else float(np.format_float_scientific(v, unique=True, trim="-")) for v in a.reshape(-1)]
    return np.array(flat, dtype=object).reshape(a.shape).tolist()


def greedy(model, prompt, use_cache):
    """transformers' greedy search, exactly GREEDY_TOKENS new tokens: no token stops it, so an
    end-of-text id is just another argmax."""
    cfg = GenerationConfig(do_sample=False, max_new_tokens=GREEDY_TOKENS, use_cache=use_cache,
                           pad_token_id=SPECIALS.index(PAD), eos_token_id=None, bos_token_id=None)
    # generate fills what cfg leaves unset (None) from the model's own generation config, whose
    # eos_token_id would stop it: that one is cleared for the call.
    saved_eos = model.generation_config.eos_token_id
    model.generation_config.eos_token_id = None
    try:
        out = model.generate(prompt, attention_mask=torch.ones_like(prompt), generation_config=cfg)
    finally:
        model.generation_config.eos_token_id = saved_eos
    new = out[0, prompt.shape[1]:].tolist()
    if len(new) != GREEDY_TOKENS:
        raise SystemExit(f"generate stopped after {len(new)} tokens: {new}")
    return new


def greedy_by_hand(model, prompt):
    """Argmax of a full forward pass per step, no cache: what generate must agree with."""
    ids = prompt
    for _ in range(GREEDY_TOKENS):
        nxt = model(ids).logits[0, -1].argmax().view(1, 1)
        ids = torch.cat([ids, nxt], dim=1)
    return ids[0, prompt.shape[1]:].tolist()


def model_oracle(model, name, saved_dtype, seed):
    ids, mask = token_rows(seed)
    with torch.no_grad():
        batch = model(input_ids=ids, attention_mask=mask).logits
        logits, continuations = [], []
        for b, n in enumerate(ROW_LENGTHS):
            alone = model(input_ids=ids[b:b + 1, :n]).logits[0]
            # Right padding must not change the real positions (HF masks the pad keys).
            if not torch.allclose(batch[b, :n], alone, atol=1e-5, rtol=1e-5):
                raise SystemExit(f"{name}: row {b} differs padded vs alone by "
                                 f"{(batch[b, :n] - alone).abs().max().item()}")
            logits.append(f32_list(batch[b, :n]))
            prompt = ids[b:b + 1, :n]
            cached, uncached, by_hand = greedy(model, prompt, True), greedy(model, prompt, False), \
                greedy_by_hand(model, prompt)
            if not cached == uncached == by_hand:
                raise SystemExit(f"{name}: greedy row {b} differs: cache {cached}, no cache {uncached}, "
                                 f"by hand {by_hand}")
            continuations.append(cached)
    return {
        "architecture": model.config.architectures[0],
        "model_type": model.config.model_type,
        "saved_dtype": saved_dtype,
        "compute_dtype": "float32",
        "vocab_size": VOCAB,
        "seed": seed,
        "input_ids": ids.tolist(),
        "attention_mask": mask.tolist(),
        "lengths": ROW_LENGTHS,
        "logits": logits,
        "greedy_new_tokens": GREEDY_TOKENS,
        "greedy": continuations,
    }


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def copy_tokenizer(src, dst):
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        with open(os.path.join(src, name), "rb") as f, open(os.path.join(dst, name), "wb") as g:
            g.write(f.read())


def to_transformers4_layout(path):
    """Rewrites a config.json that transformers 5 wrote (rope_parameters holding rope_theta, dtype,
    layer_types, head_dim always) into the layout of published Llama 3.1 / Qwen2.5 checkpoints
    (rope_theta, rope_scaling, torch_dtype; no layer_types; no head_dim where it is hidden / heads)."""
    with open(path, encoding="utf-8") as f:
        cfg = json.load(f)
    cfg.pop("layer_types", None)
    if cfg.get("head_dim") == cfg["hidden_size"] // cfg["num_attention_heads"]:
        del cfg["head_dim"]
    rope = dict(cfg.pop("rope_parameters"))
    cfg["rope_theta"] = rope.pop("rope_theta")
    cfg["rope_scaling"] = rope if rope.get("rope_type", "default") != "default" else None
    cfg["torch_dtype"] = cfg.pop("dtype")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(dict(sorted(cfg.items())), f, indent=2)
        f.write("\n")


def save_model(model, out, dtype, layout, shard_size=None):
    """Saves as dtype in the given config layout, reloads from disk and returns the reloaded model
    in float32: the oracle is computed from what the files hold (bfloat16 weights are widened,
    arithmetic is float32). A float32 reload must compute exactly what the saved model did."""
    os.makedirs(out, exist_ok=True)
    to_save = model.to(dtype) if dtype != torch.float32 else model
    kwargs = {"max_shard_size": shard_size} if shard_size else {}
    to_save.save_pretrained(out, **kwargs)
    model.to(torch.float32)
    if layout == "transformers4":
        to_transformers4_layout(os.path.join(out, "config.json"))
    reloaded = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32).eval()
    if reloaded.config.rope_parameters != model.config.rope_parameters:
        raise SystemExit(f"{out}: RoPE read back as {reloaded.config.rope_parameters}, "
                         f"saved {model.config.rope_parameters}")
    if dtype == torch.float32:
        ids = torch.arange(len(SPECIALS), len(SPECIALS) + 10).view(1, -1)
        with torch.no_grad():
            if not torch.equal(model(ids).logits, reloaded(ids).logits):
                raise SystemExit(f"{out}: the reloaded model computes other logits than the saved one")
    return reloaded


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    out, scenes = argv[1], argv[2]
    start = time.time()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(out, exist_ok=True)

    tok_dir = os.path.join(out, "tokenizer")
    tok, corpus_bytes = train_tokenizer(scenes)
    save_tokenizer(tok, tok_dir)
    tok_oracle = tokenizer_oracle(tok_dir)
    tok_oracle["corpus_bytes"] = corpus_bytes
    write_json(os.path.join(tok_dir, "oracle.json"), tok_oracle)

    configs = tiny_configs()
    # folder, architecture, dtype, config.json layout, shard size. Published checkpoints have the
    # transformers 4 layout; qwen3 keeps the one transformers 5 writes, so a loader meets both.
    variants = [
        ("llama", "llama", torch.float32, "transformers4", None),
        ("llama-bf16", "llama", torch.bfloat16, "transformers4", None),
        ("qwen2", "qwen2", torch.float32, "transformers4", None),
        ("qwen2-sharded", "qwen2", torch.float32, "transformers4", "200KB"),
        ("qwen3", "qwen3", torch.float32, "transformers5", None),
    ]
    manifest_models = []
    for folder, arch, dtype, layout, shard in variants:
        seed = SEED + list(configs).index(arch)
        model = random_model(configs[arch], seed)
        d = os.path.join(out, folder)
        reloaded = save_model(model, d, dtype, layout, shard)
        copy_tokenizer(tok_dir, d)
        oracle = model_oracle(reloaded, folder, str(dtype).removeprefix("torch."), seed)
        oracle["config_layout"] = layout
        write_json(os.path.join(d, "oracle.json"), oracle)
        files = sorted(f for f in os.listdir(d) if f.endswith(".safetensors"))
        manifest_models.append({"name": folder, "architecture": oracle["architecture"],
                                "saved_dtype": oracle["saved_dtype"], "config_layout": layout,
                                "safetensors": files,
                                "sharded": os.path.exists(os.path.join(d, "model.safetensors.index.json"))})

    write_json(os.path.join(out, "manifest.json"), {
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "tokenizers": tokenizers.__version__, "safetensors": safetensors.__version__,
                     "numpy": np.__version__, "python": "%d.%d.%d" % sys.version_info[:3]},
        "vocab_size": VOCAB,
        "models": manifest_models,
        "script_sha256": hashlib.sha256(open(__file__, "rb").read()).hexdigest(),
        "seconds": round(time.time() - start, 2),
    })
    print(f"tiny models written to {out} in {time.time() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv)

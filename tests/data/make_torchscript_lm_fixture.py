#!/usr/bin/python3
"""Writes the TorchScript language-model fixture for tests/unit/test_language_models.cpp into tests/data/torchscript/.

A tiny GPT-like model (byte vocabulary 256 cut to 32 ids, d = 16, 2 heads, 2 blocks, pre-LayerNorm, causal
self-attention, learned positions): block 0's MLP uses an nn.GELU module (layer "blocks.0.mlp.act", kind "gelu"),
block 1's MLP calls F.gelu in its forward (layer "blocks.1.mlp.gelu#1", kind "gelu"). Each attention module has a
submodule `scores` returning the B x H x T x T attention map: it does not start with (B, T), so it must not be listed
as a layer for token input. Traced with torch.jit.trace on a LongTensor (2, 8).

Files:
  lm_traced.pt          the traced model
  lm_expected.json      the fixed ids (2 x 8), and for the GELUs and block outputs: name, kind, per-token shape and
                        the activation file
  lm_act_<k>.npy        PyTorch forward-hook outputs (eager model), float32, shape (B*T, features): row b*T + t is
                        token t of sequence b; the functional gelu is the hooked mlp.fc output through F.gelu

Run once from anywhere: /usr/bin/python3 tests/data/make_torchscript_lm_fixture.py (the outputs are committed)."""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torchscript")
VOCAB, D, HEADS, BLOCKS, T, B = 32, 16, 2, 2, 8, 2


class Scores(nn.Module):
    def forward(self, q, k):
        T = q.size(2)
        att = q @ k.transpose(-2, -1) / (q.size(-1) ** 0.5)
        mask = torch.ones(T, T, dtype=torch.bool).triu(1)
        return att.masked_fill(mask, float("-inf")).softmax(-1)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(D, 3 * D)
        self.scores = Scores()
        self.proj = nn.Linear(D, D)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(D, dim=2)
        q, k, v = (z.view(b, t, HEADS, c // HEADS).transpose(1, 2) for z in (q, k, v))
        y = self.scores(q, k) @ v
        return self.proj(y.transpose(1, 2).reshape(b, t, c))


class Mlp(nn.Module):
    def __init__(self, module_gelu):
        super().__init__()
        self.fc = nn.Linear(D, 4 * D)
        self.act = nn.GELU() if module_gelu else None
        self.proj = nn.Linear(4 * D, D)

    def forward(self, x):
        h = self.fc(x)
        h = self.act(h) if self.act is not None else F.gelu(h)
        return self.proj(h)


class Block(nn.Module):
    def __init__(self, module_gelu):
        super().__init__()
        self.ln1 = nn.LayerNorm(D)
        self.attn = Attention()
        self.ln2 = nn.LayerNorm(D)
        self.mlp = Mlp(module_gelu)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class TinyGpt(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok_emb = nn.Embedding(VOCAB, D)
        self.pos_emb = nn.Embedding(T, D)
        self.blocks = nn.ModuleList([Block(True), Block(False)])
        self.ln_f = nn.LayerNorm(D)
        self.head = nn.Linear(D, VOCAB, bias=False)

    def forward(self, ids):
        x = self.tok_emb(ids) + self.pos_emb(torch.arange(ids.size(1)))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


def main():
    torch.manual_seed(7)
    model = TinyGpt().eval()
    ids = torch.randint(0, VOCAB, (B, T), dtype=torch.long)
    traced = torch.jit.trace(model, ids)
    os.makedirs(OUT, exist_ok=True)
    traced.save(os.path.join(OUT, "lm_traced.pt"))

    hooked = {}

    def keep(name):
        def hook(module, inputs, output):
            hooked[name] = output.detach().clone()
        return hook

    model.blocks[0].mlp.act.register_forward_hook(keep("blocks.0.mlp.act"))
    model.blocks[1].mlp.fc.register_forward_hook(keep("fc1"))
    model.blocks[0].register_forward_hook(keep("blocks.0"))
    model.blocks[1].register_forward_hook(keep("blocks.1"))
    with torch.no_grad():
        model(ids)
    hooked["blocks.1.mlp.gelu#1"] = F.gelu(hooked.pop("fc1"))

    layers = []
    for k, (name, kind) in enumerate([("blocks.0.mlp.act", "gelu"), ("blocks.0", "Block"),
                                      ("blocks.1.mlp.gelu#1", "gelu"), ("blocks.1", "Block")]):
        value = hooked[name]
        file = "lm_act_%02d.npy" % k
        np.save(os.path.join(OUT, file), value.reshape(B * T, -1).numpy().astype(np.float32))
        layers.append({"name": name, "kind": kind, "shape": list(value.shape[2:]), "file": file})
    # Traced vs eager sanity check: the trace must compute what the module does.
    assert torch.allclose(traced(ids), model(ids), atol=1e-6)
    with open(os.path.join(OUT, "lm_expected.json"), "w") as f:
        json.dump({"ids": ids.tolist(), "not_layers": ["blocks.0.attn.scores", "blocks.1.attn.scores"],
                   "layers": layers}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Fixtures for degenerate layers (tests/e2e/cli_degenerate.sh, tests/unit/test_degenerate_layers.cpp): a traced
model whose ReLU layers are healthy, dead, or nearly dead, and a layer that overflows to Inf.

  collapsing_traced.pt   torch.jit.trace of Collapsing on 1 x 1 x 16 x 16 input. Layers (module paths):
                           relu_live  ReLU(Linear(256, 128)(x)), random weights: a full spectrum
                           relu_dead  ReLU(Linear(256, 128)(x) - 1000): 0 for every input in [0, 1]
                           relu_four  ReLU of a Linear(256, 128) whose rows 4.. are 0 with bias -1: 4 live units of 128
                           overflow   x * 1e30 * 1e30 in float32: Inf wherever a pixel is > 0
  images.npy             200 x 1 x 16 x 16 float32 uniform [0, 1) images (seed 0)
  expected.json          per ReLU layer, the number of units live on at least one image and the rank of the
                         centred activations (numpy), computed here independently of Codescope

Run with Debian's python3-torch: /usr/bin/python3 tests/data/make_degenerate_fixtures.py
"""
import json
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "degenerate")


class Overflow(nn.Module):
    def forward(self, x):
        return x * 1e30 * 1e30


class Collapsing(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc_live = nn.Linear(256, 128)
        self.relu_live = nn.ReLU()
        self.fc_dead = nn.Linear(256, 128)
        self.relu_dead = nn.ReLU()
        self.fc_four = nn.Linear(256, 128)
        self.relu_four = nn.ReLU()
        self.overflow = Overflow()
        with torch.no_grad():
            self.fc_dead.bias.fill_(-1000.0)
            self.fc_four.weight[4:].zero_()
            self.fc_four.bias[4:].fill_(-1.0)
            self.fc_four.bias[:4].fill_(0.5)

    def forward(self, x):
        flat = x.flatten(1)
        live = self.relu_live(self.fc_live(flat))
        dead = self.relu_dead(self.fc_dead(flat))
        four = self.relu_four(self.fc_four(flat))
        inf = self.overflow(flat)
        return live + dead + four + inf.sum(1, keepdim=True) * 0


def main():
    os.makedirs(HERE, exist_ok=True)
    torch.manual_seed(0)
    model = Collapsing().eval()
    images = np.random.default_rng(0).random((200, 1, 16, 16), dtype=np.float32)
    np.save(os.path.join(HERE, "images.npy"), images)
    traced = torch.jit.trace(model, torch.from_numpy(images[:2]))
    traced.save(os.path.join(HERE, "collapsing_traced.pt"))

    expected = {}
    hooks = {}
    for name in ("relu_live", "relu_dead", "relu_four"):
        getattr(model, name).register_forward_hook(lambda m, i, o, name=name: hooks.__setitem__(name, o.detach()))
    with torch.no_grad():
        model(torch.from_numpy(images))
    for name, output in hooks.items():
        a = output.numpy().astype(np.float64)
        centred = a - a.mean(0)
        expected[name] = {"live_units": int((a > 0).any(0).sum()),
                          "rank": int(np.linalg.matrix_rank(centred)) if np.abs(centred).max() > 0 else 0}
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump(expected, out, indent=1)
    print(expected)


if __name__ == "__main__":
    main()

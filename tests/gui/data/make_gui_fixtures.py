#!/usr/bin/python3
"""Writes the fixtures of the GUI tests (tests/gui) into tests/gui/data/. Run once; the outputs are committed.

small_analysis.json   the layout of `codescope-cli analyze --json` (core/results/layer_report.cpp), written here
                      from hand-chosen numbers, NOT from any model: four layers whose eigenvalues follow
                      lambda_k = exp(intercept) * k**alpha * (1 + 0.03 sin k), k = 1..120, with the alpha, intercept and
                      95% CI listed below. The ripple keeps the curves from being ruler-straight; alpha and intercept
                      are the generating values, so a fit line drawn from them runs through the middle of the curve.
                      The last layer has no confidence interval (nulls, as the CLI writes with --bootstrap 0).
tiny_cnn.pt           a small TorchScript CNN for 1x28x28 images (Fashion-MNIST), seeded random weights, traced:
                      conv(1->8, 3x3, stride 2) relu, conv(8->16, 3x3, stride 2) relu, linear(576->32) relu, linear(32->10).
                      The GUI's end-to-end job test runs the real capture on it.
"""
import json
import math
import os

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))

# name, depth, kind, shape, alpha, intercept, ci95
LAYERS = [
    ("conv1.relu", 1, "relu", [8, 13, 13], -0.72, 0.5, [-0.78, -0.66]),
    ("conv2.relu", 3, "relu", [16, 6, 6], -0.95, 0.0, [-1.01, -0.90]),
    ("fc1.relu", 5, "relu", [32], -1.18, -0.8, [-1.27, -1.10]),
    ("fc2", 6, "Linear", [10], -1.55, -1.5, [None, None]),
]
COMPONENTS = 120


def analysis_json():
    layers = []
    for name, depth, kind, shape, alpha, intercept, ci in LAYERS:
        eigenvalues = [math.exp(intercept) * k ** alpha * (1 + 0.03 * math.sin(k)) for k in range(1, COMPONENTS + 1)]
        features = 1
        for s in shape:
            features *= s
        layers.append({
            "name": name, "depth": depth, "kind": kind, "shape": shape,
            "n_features": features, "stride": 1, "n_features_used": features, "n_components": COMPONENTS,
            "alpha": alpha, "intercept": intercept, "alpha_ci95": ci, "fit_range": [10, 50],
            "eigenvalues": [float("%.6g" % v) for v in eigenvalues], "warnings": [],
        })
    return {"model": "tiny_cnn.pt (hand-written fixture)", "dataset": "fashion-mnist", "samples": 1000,
            "layers": layers}


class TinyCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, stride=2)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2)
        self.fc1 = nn.Linear(16 * 6 * 6, 32)
        self.fc2 = nn.Linear(32, 10)
        self.relu1 = nn.ReLU()
        self.relu2 = nn.ReLU()
        self.relu3 = nn.ReLU()

    def forward(self, x):
        x = self.relu1(self.conv1(x))
        x = self.relu2(self.conv2(x))
        x = self.relu3(self.fc1(torch.flatten(x, 1)))
        return self.fc2(x)


def main():
    with open(os.path.join(HERE, "small_analysis.json"), "w") as f:
        json.dump(analysis_json(), f, indent=1)
        f.write("\n")
    torch.manual_seed(0)
    model = TinyCnn().eval()
    traced = torch.jit.trace(model, torch.rand(2, 1, 28, 28))
    traced.save(os.path.join(HERE, "tiny_cnn.pt"))


if __name__ == "__main__":
    main()

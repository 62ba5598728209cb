#!/usr/bin/python3
"""Writes vae_loss/vae_loss_cases.json: the ResNet-VAE loss of seeded small tensors, computed by PyTorch.

The C++ loss (training::vaeLossValue, core/training/vae_training.cpp) is checked against these numbers, so they come
from PyTorch's own functions, written as the authors' ResNetVAE_cifar10.py writes its loss_function:

    BCE = F.binary_cross_entropy(recon_x, x, reduction='sum')      # the authors' code (named MSE there)
    MSE = F.mse_loss(recon_x, x, reduction='sum')                   # the paper's text, summed the same way
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    loss = BCE + KLD  (or MSE + KLD)

Run once with the system Python (python3-torch):

    /usr/bin/python3 tests/data/make_vae_loss_cases.py
"""
import json
import os

import torch
import torch.nn.functional as F


def case(generator, n, c, h, w, latent):
    recon = torch.rand(n, c, h, w, generator=generator, dtype=torch.float32) * 0.98 + 0.01
    target = torch.rand(n, c, h, w, generator=generator, dtype=torch.float32)
    mu = torch.randn(n, latent, generator=generator, dtype=torch.float32)
    logvar = torch.randn(n, latent, generator=generator, dtype=torch.float32) * 0.5
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    bce = F.binary_cross_entropy(recon, target, reduction="sum")
    mse = F.mse_loss(recon, target, reduction="sum")
    return {
        "shape": [n, c, h, w],
        "latent": latent,
        "reconstruction": recon.flatten().tolist(),
        "target": target.flatten().tolist(),
        "mu": mu.flatten().tolist(),
        "logvar": logvar.flatten().tolist(),
        "bce_plus_kld": float((bce + kld).item()),
        "mse_plus_kld": float((mse + kld).item()),
        "kld": float(kld.item()),
    }


def main():
    generator = torch.Generator().manual_seed(12)
    cases = [case(generator, 2, 1, 4, 4, 3), case(generator, 3, 3, 5, 5, 4), case(generator, 1, 1, 8, 8, 2)]
    # Exact binary targets as well (BCE's log terms at 0 and 1).
    binary = case(generator, 2, 1, 3, 3, 2)
    t = torch.tensor(binary["target"]).round()
    r = torch.tensor(binary["reconstruction"])
    mu = torch.tensor(binary["mu"])
    lv = torch.tensor(binary["logvar"])
    kld = -0.5 * torch.sum(1 + lv - mu.pow(2) - lv.exp())
    binary["target"] = t.tolist()
    binary["bce_plus_kld"] = float((F.binary_cross_entropy(r, t, reduction="sum") + kld).item())
    binary["mse_plus_kld"] = float((F.mse_loss(r, t, reduction="sum") + kld).item())
    cases.append(binary)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vae_loss", "vae_loss_cases.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

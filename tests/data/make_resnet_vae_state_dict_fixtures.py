#!/usr/bin/python3
"""Fixtures for tests/unit/test_state_dict_model.cpp: state_dicts as the paper's authors' training script writes them.

The authors' ResNet-VAE (ResNetVAE/modules.py of the paper's supplementary code, trained by ResNetVAE_cifar10.py,
which saves `torch.save(resnet_vae.state_dict(), f"resnet_vae_{dropout_p}_{epoch}.pth")`) is written here again in
PyTorch, independently of the C++ code:
  - the encoder is torchvision's resnet18 with its fc removed; the authors wrap every ReLU of the ResNet as
    nn.Sequential(ReLU, Dropout) (their `append_dropout`), which has no parameters, so the state_dict keys keep
    torchvision's names and indices (resnet.2 is the wrapped stem ReLU, resnet.4..7 are layer1..layer4);
  - fc1 (512 -> fc_hidden1) + bn1, fc2 (fc_hidden1 -> fc_hidden2) + bn2, fc3_mu / fc3_logvar (fc_hidden2 -> latent);
    the decoder fc4 (latent -> fc_hidden2) + fc_bn4, fc5 (fc_hidden2 -> 64*4*4) + fc_bn5, convTrans6..8, resized
    (bilinear) to 224 x 224.
torchvision is not needed: resnet18 is the full-width ResNet of make_resnet_vae_fixtures.py with torchvision's plain
ReLUs, and its keys are checked against full_state_dict_keys.json (written from torchvision itself by that script).

Writes into tests/data/resnet_vae/:
  full_state_dict.pt.gz            torch.save(model.state_dict()) of the full-size model (3 x 224 x 224 input,
                                   ResNet-18, fc_hidden1 1024, fc_hidden2 768, latent 256), gzip-compressed. Its
                                   weights repeat a table of 257 seeded values (He-scaled per tensor), so the 56 MB
                                   file compresses to a few hundred kB; BatchNorm running statistics are calibrated on
                                   images like the test's (then rounded so that they compress too)
  full_state_dict_expected.json    what PyTorch computes with it in eval mode on the 2 images of `input` (see
                                   fixture_input): the ReLU outputs by forward hooks, named as the C++ names them
                                   (a wrapped ReLU by its wrapper's path, as the plain ReLU it replaced; a module's
                                   k-th call "<path>#<k>"), each with its feature count, mean, rms and the values at
                                   16 evenly spaced features of each image; mu and logvar; the reconstruction's mean
                                   and some pixels
  unrelated_state_dict.pt          torch.save(state_dict()) of a small CNN that is no ResNet-VAE

Run with Debian's python3-torch 1.13: /usr/bin/python3 tests/data/make_resnet_vae_state_dict_fixtures.py
"""
import gzip
import io
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from make_resnet_vae_fixtures import ReLUDropout, narrow_resnet18

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "resnet_vae")
FULL = dict(fc_hidden1=1024, fc_hidden2=768, drop_p=0.2, CNN_embed_dim=256)
INPUT_SHAPE = (2, 3, 224, 224)
PERIOD = 257  # length of the weight table; prime, so no tensor dimension lines up with it


def torchvision_resnet18_encoder():
    """list(torchvision.models.resnet18().children())[:-1] as nn.Sequential, with torchvision's nn.ReLU(inplace=True)
    modules (make_resnet_vae_fixtures.narrow_resnet18 at full width has torchvision's names; check_keys compares them
    with torchvision's own), and the 512 features it gives."""
    encoder, features = narrow_resnet18(3, 1, 0.0)
    for module in list(encoder.modules()):
        for name, child in module.named_children():
            if isinstance(child, ReLUDropout):
                setattr(module, name, nn.ReLU(inplace=True))
    return encoder, features


def append_dropout(model, rate):
    """The authors' change: every nn.ReLU of the ResNet becomes nn.Sequential(ReLU, Dropout(rate))."""
    for name, module in model.named_children():
        if len(list(module.children())) > 0:
            append_dropout(module, rate)
        if isinstance(module, nn.ReLU):
            setattr(model, name, nn.Sequential(module, nn.Dropout(p=rate, inplace=False)))


class AuthorsResNetVAE(nn.Module):
    """ResNet_VAE of the authors' modules.py (same module names, shapes and forward)."""

    def __init__(self, fc_hidden1, fc_hidden2, drop_p, CNN_embed_dim):
        super().__init__()
        self.resnet, features = torchvision_resnet18_encoder()
        with torch.no_grad():
            append_dropout(self.resnet, drop_p)
        self.fc1 = nn.Linear(features, fc_hidden1)
        self.bn1 = nn.BatchNorm1d(fc_hidden1, momentum=0.01)
        self.fc2 = nn.Linear(fc_hidden1, fc_hidden2)
        self.bn2 = nn.BatchNorm1d(fc_hidden2, momentum=0.01)
        self.fc3_mu = nn.Linear(fc_hidden2, CNN_embed_dim)
        self.fc3_logvar = nn.Linear(fc_hidden2, CNN_embed_dim)
        self.fc4 = nn.Linear(CNN_embed_dim, fc_hidden2)
        self.fc_bn4 = nn.BatchNorm1d(fc_hidden2)
        self.fc5 = nn.Linear(fc_hidden2, 64 * 4 * 4)
        self.fc_bn5 = nn.BatchNorm1d(64 * 4 * 4)
        self.relu = nn.ReLU(inplace=True)
        self.convTrans6 = nn.Sequential(nn.ConvTranspose2d(64, 32, 3, 2), nn.BatchNorm2d(32, momentum=0.01),
                                        nn.ReLU(inplace=True))
        self.convTrans7 = nn.Sequential(nn.ConvTranspose2d(32, 8, 3, 2), nn.BatchNorm2d(8, momentum=0.01),
                                        nn.ReLU(inplace=True))
        self.convTrans8 = nn.Sequential(nn.ConvTranspose2d(8, 3, 3, 2), nn.BatchNorm2d(3, momentum=0.01),
                                        nn.Sigmoid())

    def encode(self, x):
        x = self.resnet(x).view(x.size(0), -1)
        x = self.relu(self.bn1(self.fc1(x)))
        x = self.relu(self.bn2(self.fc2(x)))
        return self.fc3_mu(x), self.fc3_logvar(x)

    def decode(self, z):
        x = self.relu(self.fc_bn4(self.fc4(z)))
        x = self.relu(self.fc_bn5(self.fc5(x))).view(-1, 64, 4, 4)
        x = self.convTrans8(self.convTrans7(self.convTrans6(x)))
        return F.interpolate(x, size=(224, 224), mode="bilinear")

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = mu  # eval mode: the authors' reparameterize returns mu
        return self.decode(z), z, mu, logvar


def fixture_input(first=0, count=INPUT_SHAPE[0]):
    """Images n = first .. first+count-1 of x[n, c, h, w] = 0.5 + 0.5 sin(0.11 h + 0.07 (c + 1) w + 1.3 n), in
    float64, then float32. The test input is n = 0, 1 (the C++ test computes the same formula)."""
    sizes = (count,) + INPUT_SHAPE[1:]
    n, c, h, w = torch.meshgrid(*[torch.arange(s, dtype=torch.float64) for s in sizes], indexing="ij")
    return (0.5 + 0.5 * torch.sin(0.11 * h + 0.07 * (c + 1) * w + 1.3 * (n + first))).float()


def periodic_weights(model, generator):
    """Every weight and bias a run of one seeded table (He scale for weights), so the file compresses well."""
    table = torch.rand(PERIOD, generator=generator) * 2 - 1  # variance 1/3
    for index, (name, tensor) in enumerate(model.named_parameters()):
        values = table[(torch.arange(tensor.numel()) + 37 * index) % PERIOD]
        if name.endswith("bias"):
            scale = 0.1
        elif tensor.dim() == 1:  # BatchNorm weight
            values, scale = 1 + 0.25 * values, 1.0
        else:
            fan_in = tensor.shape[1] * tensor[0, 0].numel()
            scale = math.sqrt(3 * 2 / fan_in)
        with torch.no_grad():
            tensor.copy_((values * scale).reshape(tensor.shape))


def calibrate_batch_norm(model):
    """Running statistics of images like the test input's (n = 2..9 of fixture_input), so that every BatchNorm
    normalises what it sees in the test; rounded to a few bits so that they compress."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    model.eval()
    for m in norms:
        m.train()
        m.momentum = None  # cumulative average
        m.reset_running_stats()
    with torch.no_grad():
        model(fixture_input(first=2, count=8))
    model.eval()
    for m in norms:
        m.momentum = 0.1
        with torch.no_grad():
            m.running_mean.copy_(torch.round(m.running_mean * 64) / 64)
            m.running_var.copy_(torch.exp2(torch.round(torch.log2(m.running_var.clamp(min=1e-3)) * 8) / 8))
            m.num_batches_tracked.fill_(19)


def relu_slots(model):
    """(path, module to hook) for every ReLU, named as the C++ model names it: a wrapper nn.Sequential(ReLU, Dropout)
    by its own path (it stands where the ReLU stood), a plain nn.ReLU by its path."""
    slots = []
    for name, module in model.named_modules():
        wrapped = isinstance(module, nn.Sequential) and len(module) == 2 and isinstance(module[0], nn.ReLU) and \
            isinstance(module[1], nn.Dropout)
        in_wrapper = name.endswith(".0") and any(n == name[:-2] for n, _ in slots)
        if wrapped or (isinstance(module, nn.ReLU) and not in_wrapper):
            slots.append((name, module))
    return slots


def record_relus(model, x):
    """Forward hooks on every ReLU slot; a slot's k-th call (k >= 2) is "<path>#<k>"."""
    captured = {}

    def hook(name):
        def record(module, inputs, output):
            calls = sum(1 for key in captured if key == name or key.startswith(name + "#"))
            captured[name if calls == 0 else "%s#%d" % (name, calls + 1)] = output.flatten(1).clone()
        return record
    handles = [module.register_forward_hook(hook(name)) for name, module in relu_slots(model)]
    with torch.no_grad():
        reconstruction, _, mu, logvar = model(x)
    for handle in handles:
        handle.remove()
    return captured, reconstruction, mu, logvar


def rounded(values):
    return [float("%.7g" % v) for v in values]


def check_keys(model):
    """The encoder's keys and shapes are torchvision's (full_state_dict_keys.json, written from torchvision)."""
    with open(os.path.join(HERE, "full_state_dict_keys.json")) as f:
        reference = [(k, s) for k, s in json.load(f) if k.startswith("resnet.")]
    ours = [(k, list(v.shape)) for k, v in model.state_dict().items() if k.startswith("resnet.")]
    assert ours == reference, "the ResNet-18 here differs from torchvision's"


def save_gzipped(state_dict, name):
    buffer = io.BytesIO()
    torch.save(state_dict, buffer)
    data = buffer.getvalue()
    path = os.path.join(HERE, name + ".gz")
    # mtime=0 keeps the .gz byte-identical between runs.
    with open(path, "wb") as raw, gzip.GzipFile(filename=name, mode="wb", compresslevel=9, fileobj=raw,
                                                mtime=0) as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes, gzip {os.path.getsize(path)} bytes")


def make_full():
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(20240612)
    model = AuthorsResNetVAE(**FULL)
    check_keys(model)
    periodic_weights(model, generator)
    calibrate_batch_norm(model)
    save_gzipped(model.state_dict(), "full_state_dict.pt")

    x = fixture_input()
    captured, reconstruction, mu, logvar = record_relus(model, x)
    layers = []
    for name, values in captured.items():
        features = values.shape[1]
        picks = [(k * features) // 16 for k in range(16)]
        layers.append({"name": name, "features": features, "mean": values.mean().item(),
                       "rms": values.pow(2).mean().sqrt().item(),
                       "samples": [rounded(values[n, picks].tolist()) for n in range(len(x))],
                       "sample_features": picks})
        print(f"  {name:20s} {features:7d} features  rms {layers[-1]['rms']:.3f}  zero fraction "
              f"{(values == 0).float().mean().item():.2f}")
    pixels = [[n, c, h, w] for n in range(2) for c in range(3) for h, w in ((0, 0), (17, 200), (112, 112), (223, 5))]
    expected = {
        "config": {"input_channels": 3, "width_divisor": 1, "hidden": FULL["fc_hidden1"],
                   "hidden2": FULL["fc_hidden2"], "latent": FULL["CNN_embed_dim"]},
        "input_shape": list(INPUT_SHAPE),
        "layers": layers,
        "mu": [rounded(row) for row in mu.tolist()],
        "logvar": [rounded(row) for row in logvar.tolist()],
        "reconstruction_mean": reconstruction.mean().item(),
        "reconstruction_pixels": [p + [reconstruction[tuple(p)].item()] for p in pixels],
    }
    with open(os.path.join(HERE, "full_state_dict_expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
    print("full: %d keys, %d layers" % (len(model.state_dict()), len(layers)))


def make_unrelated():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 2))
    torch.save(model.state_dict(), os.path.join(HERE, "unrelated_state_dict.pt"))


if __name__ == "__main__":
    make_full()
    make_unrelated()

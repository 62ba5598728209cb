#!/usr/bin/python3
"""Writes the TorchScript fixtures for tests/unit/test_torchscript_model.cpp into tests/data/torchscript/.

The expected activations come from PyTorch forward hooks on the eager model (an independent reference), not from our
own capture code. For each model the script writes:
  <model>_input.npy             the fixed input, float32, shape (batch, features of one sample)
  <model>_act_<k>.npy           hooked activations, float32, shape (batch, features)
  <model>_expected.json         input shape, every layer in execution order (name, kind, shape) and which layers have
                                an activation file
Models:
  mlp_traced.pt, mlp_scripted.pt  a small MLP (nn.Sequential, nn.ReLU modules and functional relus), same weights
  resnet18_traced.pt.gz           torchvision ResNet-18 traced with a 1x3x32x32 input, gzip-compressed; its weights are
                                  seeded and sparse (a few +-c entries per output unit, the rest exactly 0) so the file
                                  compresses to well under 3 MB, BatchNorm running stats calibrated on random inputs so
                                  activations neither vanish nor explode
  resnet18_scripted.pt.gz         the same ResNet-18 (same weights) through torch.jit.script

Layer naming (must match core/models/torchscript_model.h): the dotted module path; the k-th call (k >= 2) of a module
that runs more than once gets "<path>#<k>"; ReLU modules have kind "relu", other modules their class name; a relu
called functionally inside module M's forward is "<M>.relu#<n>" (n counts from 1 in M, execution order).

Run once from anywhere: /usr/bin/python3 tests/data/make_torchscript_fixtures.py (the outputs are committed)."""
import gzip
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torchscript")


class Block(nn.Module):
    """A Linear followed by a functional relu, so one relu lives inside a submodule's forward."""

    def __init__(self, inputs, outputs):
        super().__init__()
        self.fc = nn.Linear(inputs, outputs)

    def forward(self, x):
        return F.relu(self.fc(x))


class Mlp(nn.Module):
    """20 -> 32 (functional relu in `block`) -> 16 (in-place nn.ReLU) -> functional torch.relu at the root -> 4."""

    def __init__(self):
        super().__init__()
        self.block = Block(20, 32)
        self.body = nn.Sequential(nn.Linear(32, 16), nn.ReLU(inplace=True))
        self.head = nn.Linear(16, 4)

    def forward(self, x):
        h = self.body(self.block(x))
        h = torch.relu(h - 0.1)
        return self.head(h)


def kind_of(module):
    return "relu" if isinstance(module, nn.ReLU) else type(module).__name__


class HookRecorder:
    """Forward hooks on every submodule: records (name, kind, output) in the order the hooks fire."""

    def __init__(self, model):
        self.records = []
        self.calls = {}
        self.handles = [module.register_forward_hook(self.make_hook(name, kind_of(module)))
                        for name, module in model.named_modules() if name]

    def remove(self):
        # Hooks must be gone before tracing or scripting (scripting would compile them into the model).
        for handle in self.handles:
            handle.remove()

    def make_hook(self, name, kind):
        def hook(_module, inputs, output):
            count = self.calls.get(name, 0) + 1
            self.calls[name] = count
            label = name if count == 1 else f"{name}#{count}"
            # Clone: in-place ops later in the forward (relu_, add_) must not change what was recorded.
            self.records.append({"name": label, "kind": kind, "input": inputs[0].detach().clone(),
                                 "output": output.detach().clone()})
        return hook

    def insert_after(self, after_name, record):
        index = next(i for i, r in enumerate(self.records) if r["name"] == after_name)
        self.records.insert(index + 1, record)

    def find(self, name):
        return next(r for r in self.records if r["name"] == name)


def save_matrix(path, tensor):
    array = tensor.detach().reshape(tensor.shape[0], -1).to(torch.float32).numpy()
    np.save(path, np.ascontiguousarray(array))


def write_expected(prefix, x, records, captured):
    batch = x.shape[0]
    save_matrix(os.path.join(OUT, f"{prefix}_input.npy"), x)
    layers = []
    for record in records:
        entry = {"name": record["name"], "kind": record["kind"], "shape": list(record["output"].shape[1:])}
        if record["name"] in captured:
            entry["file"] = f"{prefix}_act_{len([l for l in layers if 'file' in l]):02d}.npy"
            save_matrix(os.path.join(OUT, entry["file"]), record["output"])
        layers.append(entry)
    missing = set(captured) - {l["name"] for l in layers}
    assert not missing, missing
    # One layer per line keeps the file short and its diffs readable.
    lines = ",\n  ".join(json.dumps(layer) for layer in layers)
    with open(os.path.join(OUT, f"{prefix}_expected.json"), "w") as f:
        f.write(f'{{"input_shape": {json.dumps(list(x.shape))}, "batch": {batch}, "layers": [\n  {lines}\n]}}\n')


def make_mlp():
    torch.manual_seed(7)
    model = Mlp().eval()
    x = torch.randn(5, 20)
    recorder = HookRecorder(model)
    with torch.no_grad():
        model(x)
    recorder.remove()
    # Functional relus have no hook: their values are the output of `block` and the input of `head`.
    block = recorder.find("block")
    recorder.insert_after("block.fc", {"name": "block.relu#1", "kind": "relu", "input": None,
                                       "output": block["output"]})
    head = recorder.find("head")
    recorder.insert_after("body", {"name": "relu#1", "kind": "relu", "input": None, "output": head["input"]})
    names = [r["name"] for r in recorder.records]
    assert names == ["block.fc", "block.relu#1", "block", "body.0", "body.1", "body", "relu#1", "head"], names
    write_expected("mlp", x, recorder.records, names)

    traced = torch.jit.trace(model, x)
    traced.save(os.path.join(OUT, "mlp_traced.pt"))
    scripted = torch.jit.script(model)
    scripted.save(os.path.join(OUT, "mlp_scripted.pt"))
    with torch.no_grad():
        reference = model(x)
        for module in (traced, scripted):
            assert torch.equal(module(x), reference)


def sparsify(weight, generator, min_nonzeros=6, density=0.004):
    """Keeps a few entries per output unit at +-c (He scale for that many inputs), the rest exactly 0."""
    rows = weight.shape[0]
    fan_in = weight[0].numel()
    nonzeros = min(fan_in, max(min_nonzeros, int(round(density * fan_in))))
    scale = (2.0 / nonzeros) ** 0.5
    flat = torch.zeros(rows, fan_in)
    for row in range(rows):
        columns = torch.randperm(fan_in, generator=generator)[:nonzeros]
        signs = torch.randint(0, 2, (nonzeros,), generator=generator).float() * 2 - 1
        flat[row, columns] = signs * scale
    with torch.no_grad():
        weight.copy_(flat.reshape(weight.shape))


def make_resnet18():
    generator = torch.Generator().manual_seed(20240611)
    model = torchvision.models.resnet18(weights=None)
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            sparsify(module.weight, generator)
            if getattr(module, "bias", None) is not None:
                with torch.no_grad():
                    module.bias.zero_()
        elif isinstance(module, nn.BatchNorm2d):
            with torch.no_grad():
                module.weight.copy_(0.5 + torch.rand(module.weight.shape, generator=generator))
                module.bias.copy_(0.4 * torch.rand(module.bias.shape, generator=generator) - 0.2)
            # Cumulative average over the calibration batches below.
            module.momentum = None
            module.reset_running_stats()
    # Calibrate the running stats on random images so every BatchNorm normalises its actual input.
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.randn(16, 3, 32, 32, generator=generator))
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.momentum = 0.1
    model.eval()

    x = torch.randn(2, 3, 32, 32, generator=generator)
    recorder = HookRecorder(model)
    with torch.no_grad():
        reference = model(x)
    recorder.remove()
    names = [r["name"] for r in recorder.records]
    relus = [r["name"] for r in recorder.records if r["kind"] == "relu"]
    assert "layer4.1.relu#2" in relus and len(relus) == 17, relus
    # layer1.0.bn2's output is later changed in place by `out += identity`: capturing it checks aliasing.
    captured = relus + ["conv1", "layer1.0", "layer1.0.bn2", "layer2.0.downsample", "layer2.1", "avgpool", "fc"]
    for name in captured:
        out = recorder.find(name)["output"]
        print(f"  {name:24s} shape {tuple(out.shape[1:])} std {out.std().item():.3f} "
              f"zero fraction {(out == 0).float().mean().item():.2f}")
    write_expected("resnet18", x, recorder.records, captured)
    assert len(names) == len(set(names))

    traced = torch.jit.trace(model, torch.randn(1, 3, 32, 32, generator=generator))
    scripted = torch.jit.script(model)
    for module, name in ((traced, "resnet18_traced.pt"), (scripted, "resnet18_scripted.pt")):
        with torch.no_grad():
            assert torch.allclose(module(x), reference, atol=1e-5)
        save_gzipped(module, name)


def save_gzipped(module, name):
    path = os.path.join(OUT, name)
    module.save(path)
    with open(path, "rb") as f:
        data = f.read()
    os.remove(path)
    # mtime=0 keeps the .gz byte-identical between runs.
    with open(path + ".gz", "wb") as raw, gzip.GzipFile(filename=name, mode="wb", compresslevel=9, fileobj=raw,
                                                          mtime=0) as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes, gzip {os.path.getsize(path + '.gz')} bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if name.endswith((".npy", ".pt", ".gz", "_expected.json")):
            os.remove(os.path.join(OUT, name))
    torch.set_num_threads(1)
    make_mlp()
    make_resnet18()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Fixtures for tests/unit/test_resnet_vae.cpp: the paper's ResNet-VAE written in PyTorch, independently of the C++ code.

The module follows the public "ResNet-VAE" layout (ResNet encoder with the final fc removed -> fc1/bn1, fc2/bn2 ->
fc3_mu/fc3_logvar; decoder fc4/fc_bn4, fc5/fc_bn5 -> convTrans6..8 -> bilinear resize), with the paper's change
(Methods, "Model training"; Fig. 6a "dropout across all layers"): every ReLU is followed by dropout (ReLUDropout keeps
the ReLU's module name and has no parameters, so the state_dict keys are the public layout's).
The full model's ResNet-18 is torchvision's own resnet18, so its state_dict keys are the reference for the C++ names.

Writes into tests/data/resnet_vae/:
  full_state_dict_keys.json   [[key, shape], ...] of the full (paper) model, in state_dict order
  small_state_dict_keys.json  the same for the small CPU model
  small_state_dict.pt         torch.save(small.state_dict()) with random weights and random BatchNorm statistics
  small_forward.pt            torch.save({"input", "mu", "logvar", "reconstruction", "relu:<layer>"...}): eval-mode
                              forward of that model and some ReLU outputs (forward hooks)
  small_relu_layers.json      [[layer, features], ...]: every ReLU output of the small model in forward order
  not_a_state_dict.pt         torch.save(a tensor): a valid file that is no state_dict

Run with Debian's python3-torch 1.13: /usr/bin/python3 tests/data/make_resnet_vae_fixtures.py

Interoperability check the other way (a run trained by codescope-cli, loaded by PyTorch):
  /usr/bin/python3 tests/data/make_resnet_vae_fixtures.py --check-load RUN/model.pt
loads the file with torch.load into this module (strict load_state_dict) and prints the reconstruction loss of a
random batch.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "resnet_vae")


class ReLUDropout(nn.Module):
    """A ReLU followed by dropout; it replaces every ReLU of the model (same module name, no parameters)."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        return F.dropout(F.relu(x), self.p, self.training)


class BasicBlock(nn.Module):
    """torchvision's BasicBlock with a width of our choosing (torchvision's resnet18 fixes 64..512)."""

    def __init__(self, inplanes, planes, stride, p):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = ReLUDropout(p)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


def narrow_resnet18(in_channels, width_divisor, p):
    """ResNet-18 without its fc, as nn.Sequential children 0..8 like list(resnet18().children())[:-1]."""
    widths = [64 // width_divisor, 128 // width_divisor, 256 // width_divisor, 512 // width_divisor]
    modules = [nn.Conv2d(in_channels, widths[0], 7, 2, 3, bias=False), nn.BatchNorm2d(widths[0]), ReLUDropout(p),
               nn.MaxPool2d(3, 2, 1)]
    inplanes = widths[0]
    for i, planes in enumerate(widths):
        stride = 1 if i == 0 else 2
        modules.append(nn.Sequential(BasicBlock(inplanes, planes, stride, p), BasicBlock(planes, planes, 1, p)))
        inplanes = planes
    modules.append(nn.AdaptiveAvgPool2d((1, 1)))
    return nn.Sequential(*modules), widths[3]


def torchvision_resnet18(in_channels, p):
    """The paper's encoder: torchvision's resnet18 (fc removed), every ReLU followed by dropout."""
    import torchvision  # here, so that make_resnet_vae_state_dict_fixtures.py can use this file with torch alone
    resnet = torchvision.models.resnet18(weights=None)
    if in_channels != 3:
        resnet.conv1 = nn.Conv2d(in_channels, 64, 7, 2, 3, bias=False)
    resnet.relu = ReLUDropout(p)
    for layer in (resnet.layer1, resnet.layer2, resnet.layer3, resnet.layer4):
        for block in layer:
            block.relu = ReLUDropout(p)
    return nn.Sequential(*list(resnet.children())[:-1]), resnet.fc.in_features


class ResNetVAE(nn.Module):
    def __init__(self, dropout=0.2, in_channels=3, input_size=224, width_divisor=1, hidden=1024, latent=256):
        super().__init__()
        self.input_size = input_size
        if width_divisor == 1:
            self.resnet, features = torchvision_resnet18(in_channels, dropout)
        else:
            self.resnet, features = narrow_resnet18(in_channels, width_divisor, dropout)
        self.fc1 = nn.Linear(features, hidden)
        self.bn1 = nn.BatchNorm1d(hidden, momentum=0.01)
        self.fc2 = nn.Linear(hidden, hidden)
        self.bn2 = nn.BatchNorm1d(hidden, momentum=0.01)
        self.fc3_mu = nn.Linear(hidden, latent)
        self.fc3_logvar = nn.Linear(hidden, latent)

        self.fc4 = nn.Linear(latent, hidden)
        self.fc_bn4 = nn.BatchNorm1d(hidden)
        self.fc5 = nn.Linear(hidden, 64 * 4 * 4)
        self.fc_bn5 = nn.BatchNorm1d(64 * 4 * 4)
        self.relu = ReLUDropout(dropout)
        self.convTrans6 = nn.Sequential(nn.ConvTranspose2d(64, 32, 3, 2), nn.BatchNorm2d(32, momentum=0.01),
                                        ReLUDropout(dropout))
        self.convTrans7 = nn.Sequential(nn.ConvTranspose2d(32, 8, 3, 2), nn.BatchNorm2d(8, momentum=0.01),
                                        ReLUDropout(dropout))
        self.convTrans8 = nn.Sequential(nn.ConvTranspose2d(8, in_channels, 3, 2),
                                        nn.BatchNorm2d(in_channels, momentum=0.01), nn.Sigmoid())

    def encode(self, x):
        x = self.resnet(x).flatten(1)
        x = self.relu(self.bn1(self.fc1(x)))
        x = self.relu(self.bn2(self.fc2(x)))
        return self.fc3_mu(x), self.fc3_logvar(x)

    def reparameterize(self, mu, logvar):
        if self.training:
            return mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return mu

    def decode(self, z):
        x = self.relu(self.fc_bn4(self.fc4(z)))
        x = self.relu(self.fc_bn5(self.fc5(x))).view(-1, 64, 4, 4)
        x = self.convTrans8(self.convTrans7(self.convTrans6(x)))
        return F.interpolate(x, size=(self.input_size, self.input_size), mode="bilinear")

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar)
        return self.decode(z), z, mu, logvar


# The small CPU member of the family; keep equal to resnetVaeSmallConfig() in core/models/resnet_vae.cpp.
SMALL = dict(dropout=0.2, in_channels=1, input_size=28, width_divisor=8, hidden=128, latent=32)


def key_shapes(model):
    return [[k, list(v.shape)] for k, v in model.state_dict().items()]


def randomize_batch_norm(model, generator):
    """Running statistics other than 0/1, so the eval-mode forward really tests their use."""
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            n = module.num_features
            module.running_mean.copy_(torch.randn(n, generator=generator) * 0.1)
            module.running_var.copy_(torch.rand(n, generator=generator) * 0.5 + 0.75)
            module.weight.data.copy_(torch.rand(n, generator=generator) * 0.5 + 0.75)
            module.bias.data.copy_(torch.randn(n, generator=generator) * 0.1)
            module.num_batches_tracked.fill_(7)


def main():
    os.makedirs(HERE, exist_ok=True)
    torch.manual_seed(0)
    full = ResNetVAE()
    with open(os.path.join(HERE, "full_state_dict_keys.json"), "w") as f:
        json.dump(key_shapes(full), f, indent=0)

    small = ResNetVAE(**SMALL)
    with torch.no_grad():
        randomize_batch_norm(small, torch.Generator().manual_seed(1))
    small.eval()
    with open(os.path.join(HERE, "small_state_dict_keys.json"), "w") as f:
        json.dump(key_shapes(small), f, indent=0)
    torch.save(small.state_dict(), os.path.join(HERE, "small_state_dict.pt"))

    x = torch.rand(4, SMALL["in_channels"], SMALL["input_size"], SMALL["input_size"],
                   generator=torch.Generator().manual_seed(2))
    # ReLU outputs by forward hooks, named as LayerInfo::name defines it: a module's k-th call (k >= 2) is "<path>#<k>".
    captured = {}
    def hook(name):
        def record(module, inputs, output):
            calls = sum(1 for key in captured if key == name or key.startswith(name + "#"))
            captured[name if calls == 0 else "%s#%d" % (name, calls + 1)] = output.flatten(1).clone()
        return record
    for name, module in small.named_modules():
        if isinstance(module, ReLUDropout):
            module.register_forward_hook(hook(name))
    with torch.no_grad():
        reconstruction, _, mu, logvar = small(x)
    chosen = ["resnet.2", "resnet.4.0.relu", "resnet.4.0.relu#2", "resnet.7.1.relu#2", "relu#2", "relu#4",
              "convTrans7.2"]
    fixture = {"input": x, "mu": mu, "logvar": logvar, "reconstruction": reconstruction}
    fixture.update({"relu:" + name: captured[name] for name in chosen})
    torch.save(fixture, os.path.join(HERE, "small_forward.pt"))
    with open(os.path.join(HERE, "small_relu_layers.json"), "w") as f:
        json.dump([[name, list(t.shape[1:])] for name, t in captured.items()], f)
    torch.save(torch.arange(3.0), os.path.join(HERE, "not_a_state_dict.pt"))
    print("full:", len(full.state_dict()), "keys;", "small:", len(small.state_dict()), "keys,",
          sum(p.numel() for p in small.parameters()), "parameters")


def check_load(path):
    state = torch.load(path)
    small = ResNetVAE(**SMALL)
    small.load_state_dict(state, strict=True)
    small.eval()
    x = torch.rand(8, SMALL["in_channels"], SMALL["input_size"], SMALL["input_size"])
    with torch.no_grad():
        reconstruction, _, mu, logvar = small(x)
    print("loaded", len(state), "tensors from", path, "into the small ResNet-VAE; reconstruction",
          tuple(reconstruction.shape), "BCE per image %.2f" %
          (F.binary_cross_entropy(reconstruction, x, reduction="sum").item() / len(x)))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check-load":
        check_load(sys.argv[2])
    else:
        main()

"""A Hugging Face style MLP for layer discovery: GPT-2 computes its GELU in a module of its own,
NewGELUActivation, as a tanh formula (no aten::gelu). Codescope must list that module as the gelu layer and not the
tanh inside it. Run once from the repository root: /usr/bin/python3 tests/data/make_hf_gelu_fixture.py
"""
import math, torch, torch.nn as nn
class NewGELUActivation(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
class Mlp(nn.Module):
    def __init__(s):
        super().__init__(); s.c_fc = nn.Linear(8, 32); s.act = NewGELUActivation(); s.c_proj = nn.Linear(32, 8)
    def forward(s, x): return s.c_proj(s.act(s.c_fc(x)))
class M(nn.Module):
    def __init__(s):
        super().__init__(); s.wte = nn.Embedding(20, 8); s.mlp = Mlp(); s.head = nn.Linear(8, 20)
    def forward(s, ids): return s.head(s.mlp(s.wte(ids)))
torch.manual_seed(0)
m = M().eval()
torch.jit.trace(m, torch.randint(0, 20, (2, 6))).save("tests/data/torchscript/hf_gelu_traced.pt")

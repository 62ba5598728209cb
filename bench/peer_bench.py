#!/usr/bin/python3
"""codescope-peer-bench: `codescope-cli analyze` against what a researcher would write instead, in one run.

The same model, inputs, layers and settings through
  Python   PyTorch forward hooks on every ReLU call, the Methods' strided columns, scikit-learn
           PCA(n_components=min(1000, n, m), svd_solver="randomized") and HuberRegressor over components 10..50;
  Codescope  codescope-cli analyze --model MODEL.pt --dataset npy:IMAGES.npy --input-shape C,H,W --bootstrap B
and prints each side's time, their ratio, the phases of both (Codescope's from the "timings" of its JSON: start-up, model
load, data passes with the forward passes among them, spectra, bootstrap, coding record; then per layer) and
the largest difference in alpha between the two (randomized PCA's tail is a few per cent low, so alphas differ by up
to a few hundredths).

Models (random weights, eval mode, traced with torch.jit.trace at the input size):
  resnet18      torchvision's ResNet-18 layout (stem, 4 x 2 BasicBlocks, fc) - 17 ReLU calls
  vae-small     the demo's small ResNet-VAE (1 x 28 x 28)                   - every ReLU call
  vae-full      the paper's ResNet-VAE (3 x 224 x 224)                       - 23 ReLU calls
The ResNet layouts are tests/data/make_resnet_vae_fixtures.py's (written independently of the C++ code), so no
torchvision is needed. Inputs: uniform random images in [0, 1], seed 0, written as float32 .npy.

A benchmark only (Debian's python3-torch and python3-sklearn): neither the product nor its tests use Python.
usage: /usr/bin/python3 bench/peer_bench.py --cli build/bin/codescope-cli [--model resnet18] [--images 600]
       [--size 32] [--bootstrap 0] [--python-resamples 3] [--keep DIR]
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

_IMPORT_START = time.perf_counter()
import numpy as np
import torch
import torch.nn as nn
from sklearn.decomposition import PCA
from sklearn.linear_model import HuberRegressor
# Python's start-up (the imports), printed beside Codescope's but not counted: a notebook has paid it already.
IMPORT_SECONDS = time.perf_counter() - _IMPORT_START

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "tests", "data", "make_resnet_vae_fixtures.py")


def fixture_module():
    spec = importlib.util.spec_from_file_location("resnet_vae_fixtures", FIXTURES)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # The full model's encoder is torchvision's resnet18; narrow_resnet18 with divisor 1 is the same layout.
    module.torchvision_resnet18 = lambda in_channels, p: module.narrow_resnet18(in_channels, 1, p)
    return module


def build_model(name, size):
    fixtures = fixture_module()
    torch.manual_seed(0)
    if name == "resnet18":
        encoder, features = fixtures.narrow_resnet18(3, 1, 0.0)
        model = nn.Sequential(encoder, nn.Flatten(1), nn.Linear(features, 1000))
        return model.eval(), (3, size, size), fixtures.ReLUDropout
    if name == "vae-small":
        model = fixtures.ResNetVAE(**fixtures.SMALL)
        return model.eval(), (1, 28, 28), fixtures.ReLUDropout
    if name == "vae-full":
        model = fixtures.ResNetVAE(input_size=size)
        return model.eval(), (3, size, size), fixtures.ReLUDropout
    raise SystemExit("unknown model " + name)


def stride_for(features, max_features=8000):
    # The Methods: the smallest s with ceil(m / s) < max_features.
    return max(1, (features + max_features - 2) // (max_features - 1))


def huber_alpha(eigenvalues):
    """The slope of log lambda_k on log k over k = 10..50 (HuberRegressor's defaults), or NaN without 50 positive ones."""
    k = np.arange(10, 51)
    top = eigenvalues[9:50]
    if len(top) != 41 or not np.all(top > 0):
        return float("nan")
    return HuberRegressor().fit(np.log(k)[:, None], np.log(top)).coef_[0]


def exact_alphas(layers):
    """Alpha from every eigenvalue of each layer's strided columns (singular values of the centred rows, LAPACK's
    full SVD): the reference both randomized PCA and Codescope are judged against. Not timed."""
    alphas = []
    for activations in layers:
        columns = activations[:, ::stride_for(activations.shape[1])].astype(np.float64)
        columns -= columns.mean(axis=0)
        singular = np.linalg.svd(columns, compute_uv=False)
        alphas.append(huber_alpha(singular ** 2 / (len(columns) - 1)))
    return alphas


def researcher_pca(columns):
    """The researcher's PCA of a layer's strided columns: scikit-learn's randomized solver for min(1000, n, m)
    components, fitted."""
    n, m = columns.shape
    return PCA(n_components=min(1000, n, m), svd_solver="randomized", random_state=0).fit(columns)


def python_bootstrap_seconds(layers, resamples, timed):
    """What the same bootstrap would cost the Python pipeline: per layer, `timed` resamples of the rows (drawn with
    replacement, seed 0), each through the same PCA and Huber fit, their mean time times `resamples`, summed over
    the layers. An extrapolation: 200 resamples of every layer would take minutes to hours to time."""
    rng = np.random.default_rng(0)
    total = 0.0
    for activations in layers:
        columns = activations[:, ::stride_for(activations.shape[1])]
        n = len(columns)
        start = time.perf_counter()
        for _ in range(timed):
            huber_alpha(researcher_pca(columns[rng.integers(0, n, n)]).explained_variance_)
        total += (time.perf_counter() - start) / timed * resamples
    return total


def python_pipeline(model, relu_type, images, batch, exact=False):
    """Hooks + scikit-learn; returns (phases in seconds, alphas by ReLU call order, layer widths, exact alphas or
    None, the captured layers)."""
    phases = {}
    tensor = torch.from_numpy(images)
    start = time.perf_counter()
    with torch.no_grad():
        for first in range(0, len(images), batch):
            model(tensor[first:first + batch])
    phases["forward (bare)"] = time.perf_counter() - start

    captured = {}
    calls = []

    def hook(module, inputs, output):
        index = len(calls)
        calls.append(None)
        captured.setdefault(index, []).append(output.flatten(1).numpy().copy())

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.ReLU, relu_type))]
    start = time.perf_counter()
    with torch.no_grad():
        for first in range(0, len(images), batch):
            calls.clear()
            model(tensor[first:first + batch])
    layers = [np.concatenate(captured[i]) for i in sorted(captured)]
    phases["forward + hooks (capture)"] = time.perf_counter() - start
    for handle in handles:
        handle.remove()

    alphas = []
    pca_seconds = fit_seconds = 0.0
    for activations in layers:
        columns = activations[:, ::stride_for(activations.shape[1])]
        start = time.perf_counter()
        pca = researcher_pca(columns)
        pca_seconds += time.perf_counter() - start
        start = time.perf_counter()
        alphas.append(huber_alpha(pca.explained_variance_))
        fit_seconds += time.perf_counter() - start
    phases["PCA (randomized)"] = pca_seconds
    phases["Huber fit"] = fit_seconds
    return phases, alphas, [layer.shape[1] for layer in layers], exact_alphas(layers) if exact else None, layers


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", required=True, help="path to codescope-cli")
    parser.add_argument("--model", default="resnet18", choices=["resnet18", "vae-small", "vae-full"])
    parser.add_argument("--images", type=int, default=600)
    parser.add_argument("--size", type=int, default=32, help="input height and width (resnet18, vae-full)")
    parser.add_argument("--bootstrap", type=int, default=0,
                        help="Codescope's --bootstrap; the Python pipeline's total stays without one, and the time "
                             "the same bootstrap would add to it is printed beside (extrapolated)")
    parser.add_argument("--python-resamples", type=int, default=3,
                        help="resamples per layer timed for that extrapolation (default 3)")
    parser.add_argument("--batch", type=int, default=100, help="Python's batch size")
    parser.add_argument("--keep", help="write the model, images and JSON here instead of a temporary folder")
    parser.add_argument("--skip-python", action="store_true", help="time Codescope only")
    parser.add_argument("--exact", action="store_true",
                        help="also compute every layer's alpha from the exact spectrum (full SVD, not timed) and "
                             "compare both pipelines with it")
    args = parser.parse_args()

    model, shape, relu_type = build_model(args.model, args.size)
    rng = np.random.default_rng(0)
    images = rng.random((args.images,) + shape, dtype=np.float32)
    work = args.keep or tempfile.mkdtemp(prefix="codescope-peer-")
    os.makedirs(work, exist_ok=True)
    model_path = os.path.join(work, args.model + ".pt")
    images_path = os.path.join(work, "images.npy")
    json_path = os.path.join(work, "codescope.json")
    with torch.no_grad():
        torch.jit.trace(model, torch.from_numpy(images[:2])).save(model_path)
    np.save(images_path, images)

    print("codescope-peer-bench: %s, %d images of %s, every ReLU call, torch %s with %d threads" %
          (args.model, args.images, "x".join(map(str, shape)), torch.__version__, torch.get_num_threads()))
    python_total = float("nan")
    python_bootstrap = float("nan")
    alphas = []
    exact = None
    if not args.skip_python:
        start = time.perf_counter()
        phases, alphas, widths, _, layers = python_pipeline(model, relu_type, images, args.batch)
        # The bare forward pass is a reference (the floor of the capture), not part of what a researcher runs: the
        # pipeline is the pass with hooks, the PCA and the fit.
        python_total = time.perf_counter() - start - phases["forward (bare)"]
        if args.bootstrap > 0:
            python_bootstrap = python_bootstrap_seconds(layers, args.bootstrap, max(1, args.python_resamples))
        del layers
        if args.exact:
            exact = python_pipeline(model, relu_type, images, args.batch, exact=True)[3]
        print("\n  Python (hooks + scikit-learn), %d layers of %d..%d features:" %
              (len(widths), min(widths), max(widths)))
        for name, seconds in phases.items():
            print("    %-40s %9.2f s" % (name, seconds))

    command = [args.cli, "analyze", "--model", model_path, "--dataset", "npy:" + images_path,
               "--samples", str(args.images), "--input-shape", ",".join(map(str, shape)),
               "--bootstrap", str(args.bootstrap), "--json", json_path, "--quiet"]
    start = time.perf_counter()
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    codescope_total = time.perf_counter() - start
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        raise SystemExit("codescope-cli analyze failed: " + " ".join(command))

    # Codescope's start-up (loading LibTorch and its ~300 shared libraries) is inside its time: a floor no analysis
    # goes below. Printed so that a reader sees how much of a short run it is.
    start = time.perf_counter()
    subprocess.run([args.cli, "--version"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    startup = time.perf_counter() - start

    print("\n  %-56s %9s %8s" % ("what", "seconds", "ratio"))
    print("  %-56s %9.2f %8.2f" % ("Python: forward + hooks, sklearn PCA, Huber", python_total, 1.0))
    print("  %-56s %9.2f %8.2f" % ("codescope-cli analyze --bootstrap %d" % args.bootstrap, codescope_total,
                                   codescope_total / python_total))
    if args.bootstrap > 0 and not args.skip_python:
        # Not the baseline (that is the Python pipeline without a bootstrap): what a researcher who wanted
        # the same interval would wait for, so that a reader can weigh the ratio above.
        print("  %-56s %9.0f %8.3f" % ("Python with the same bootstrap (extrapolated from %d)" % args.python_resamples,
                                       python_total + python_bootstrap,
                                       codescope_total / (python_total + python_bootstrap)))
    print("  start-up: codescope-cli --version %.2f s (counted above); Python's imports %.2f s (not counted)" %
          (startup, IMPORT_SECONDS))
    with open(json_path) as f:
        report = json.load(f)
    layers = report.get("layers", [])
    phases = {}
    for layer in layers:
        for name, seconds in layer.get("timings", {}).items():
            phases[name] = phases.get(name, 0.0) + seconds
    whole = report.get("timings", {})
    if whole:
        # Wall time of the whole run, phase by phase (the JSON's top-level "timings"); what is left is start-up,
        # reading the data set's header, the paper checks and writing the JSON.
        print("\n  Codescope's phases (wall time, from its JSON's \"timings\"):")
        rows = [("start-up (codescope-cli --version)", startup),
                ("model load", whole.get("model_load", 0.0)),
                ("data passes (read, forward, capture, keep)", whole.get("data_passes", 0.0)),
                ("  of which the forward passes with hooks", whole.get("forward", 0.0)),
                ("spectra (eigensolver + fit, layers side by side)", whole.get("spectra", 0.0)),
                ("bootstrap", whole.get("bootstrap", 0.0)),
                ("coding record", whole.get("coding_record", 0.0)),
                ("the rest", max(0.0, codescope_total - startup - whole.get("total", 0.0)))]
        for name, seconds in rows:
            print("    %-48s %9.2f s" % (name, seconds))
    if phases:
        sides = [layer.get("side") for layer in layers]
        print("\n  per layer, summed (%d layers on the Gram side, %d on the covariance side; solved side by side, so"
              " these sums overlap in wall time):" % (sides.count("gram"), sides.count("covariance")))
        for name, seconds in phases.items():
            print("    %-48s %9.2f s" % (name.replace("_", " "), seconds))
    ours = [layer.get("alpha") for layer in layers]
    if alphas and len(ours) == len(alphas):
        differences = [abs(a - b) for a, b in zip(ours, alphas)
                       if a is not None and b == b and isinstance(a, (int, float))]
        if differences:
            print("  alpha: %d layers, largest |Codescope - sklearn| %.3f" % (len(differences), max(differences)))
    elif alphas:
        print("  (layer counts differ: Codescope %d, Python %d)" % (len(ours), len(alphas)))
    if exact and len(exact) == len(ours) == len(alphas):
        print("\n  alpha against the exact spectrum (full SVD of the strided columns), per layer:")
        print("    %-5s %10s %10s %10s" % ("layer", "exact", "Codescope", "sklearn"))
        for i, (e, c, r) in enumerate(zip(exact, ours, alphas)):
            c = c if isinstance(c, (int, float)) else float("nan")
            print("    %-5d %10.4f %10.4f %10.4f" % (i + 1, e, c, r))
        for name, values in (("Codescope", ours), ("sklearn randomized", alphas)):
            gaps = [abs(v - e) for v, e in zip(values, exact) if isinstance(v, (int, float)) and v == v and e == e]
            if gaps:
                print("  largest |%s - exact| %.4f over %d layers" % (name, max(gaps), len(gaps)))
    if not args.keep:
        for path in (model_path, images_path, json_path):
            os.remove(path)
        os.rmdir(work)


if __name__ == "__main__":
    main()

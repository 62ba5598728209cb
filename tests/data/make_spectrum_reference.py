#!/usr/bin/python3
"""Writes spectrum_reference/: activation matrices with a known power-law covariance and the numbers scikit-learn
gives for them following the paper's Methods, for tests/unit/test_spectrum_reference.cpp. The C++ engine
(core/spectrum/spectrum_analysis.*) is checked against these numbers, so they come from scikit-learn itself, not
from our code. Run once with the system Python (the outputs are committed):

    /usr/bin/python3 tests/data/make_spectrum_reference.py

Each matrix is X = Z diag(sqrt(k^-a)) Q^T with Z standard normal (samples x features) and Q a random orthogonal
matrix, so the population covariance has eigenvalues k^-a along random directions (no feature is special, so the
stride does not pick out the leading ones). The Methods, exactly:

1. stride s = smallest integer with ceil(m / s) < max_features (8000 in the paper); keep columns 0, s, 2s, ...;
2. PCA(n_components=min(1000, n, m_used), svd_solver='randomized', random_state=0); eigenvalues are
   explained_variance_ (n-1 denominator), descending;
3. HuberRegressor() (epsilon 1.35, alpha 1e-4) on log(k) -> log(eigenvalue_k) for 1-based k = 10..50; the slope is
   the power-law exponent alpha.

reference.json maps each file's stem to: n_samples, n_features, max_features, stride, n_features_used,
n_components, alpha, intercept, eigenvalues_head and explained_variance_ratio_head (the first 60), dtype,
fortran_order, generating_exponent, sklearn_version (the stem-to-numbers layout of the team's first reference set,
plus max_features). The sklearn alpha differs a little from the generating exponent (finite
samples), so tests compare with the sklearn numbers.
"""
import json
import math
import os

import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.linear_model import HuberRegressor

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spectrum_reference")
PAPER_MAX_FEATURES = 8000
HEAD = 60

# (stem, samples, features, exponent, dtype, Fortran order, max_features, seed). Small enough to commit (about
# 4.6 MB together) yet covering both dtypes, both orders and a stride above 1: a stride needs more than 8000
# features at the paper's limit, so that case lowers the limit instead (the engine takes it as an option).
CASES = [
    ("powerlaw_a0.9", 2000, 200, 0.9, "<f4", False, PAPER_MAX_FEATURES, 90),
    ("powerlaw_a1.4_fortran", 2000, 128, 1.4, "<f8", True, PAPER_MAX_FEATURES, 140),
    ("powerlaw_a1.1_stride3", 1000, 240, 1.1, "<f4", False, 100, 110),
]


def power_law_matrix(samples, features, exponent, seed):
    rng = np.random.default_rng(seed)
    q, r = np.linalg.qr(rng.standard_normal((features, features)))
    q *= np.sign(np.diag(r))  # Haar-distributed orthogonal matrix
    scale = np.arange(1, features + 1, dtype=np.float64) ** (-exponent / 2.0)
    return (rng.standard_normal((samples, features)) * scale) @ q.T


def stride_for(features, max_features):
    s = 1
    while math.ceil(features / s) >= max_features:
        s += 1
    return s


def reference_numbers(x, max_features):
    n, m = x.shape
    s = stride_for(m, max_features)
    kept = x[:, ::s]
    components = min(1000, n, kept.shape[1])
    pca = PCA(n_components=components, svd_solver="randomized", random_state=0).fit(kept)
    eigenvalues = pca.explained_variance_.astype(np.float64)
    k = np.arange(10, 51, dtype=np.float64)
    huber = HuberRegressor().fit(np.log(k).reshape(-1, 1), np.log(eigenvalues[9:50]))
    return {
        "n_samples": n,
        "n_features": m,
        "max_features": max_features,
        "stride": s,
        "n_features_used": kept.shape[1],
        "n_components": components,
        "alpha": float(huber.coef_[0]),
        "intercept": float(huber.intercept_),
        "eigenvalues_head": eigenvalues[:HEAD].tolist(),
        "explained_variance_ratio_head": pca.explained_variance_ratio_[:HEAD].astype(np.float64).tolist(),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    reference = {}
    for stem, samples, features, exponent, dtype, fortran, max_features, seed in CASES:
        x = power_law_matrix(samples, features, exponent, seed).astype(dtype)
        if fortran:
            x = np.asfortranarray(x)
        path = os.path.join(OUT, stem + ".npy")
        np.save(path, x)
        # The numbers are those of what numpy reads back, in double precision as the engine computes them: sklearn
        # on the float32 values would add its own float32 rounding (about 1e-6 relative) to the reference.
        loaded = np.load(path)
        assert np.isfortran(loaded) == fortran and loaded.dtype == np.dtype(dtype)
        entry = reference_numbers(loaded.astype(np.float64), max_features)
        entry.update({"dtype": loaded.dtype.name, "fortran_order": fortran, "generating_exponent": -exponent,
                      "sklearn_version": sklearn.__version__})
        reference[stem] = entry
        print(f"{stem}: {samples} x {features} {loaded.dtype.name} stride {entry['stride']} "
              f"alpha {entry['alpha']:.4f} (generating {-exponent})")
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes alpha_estimator_cases.json: spectra with numpy/scipy answers for the alternative alpha estimators.

The C++ estimators (core/spectrum/alpha_estimators.*) are checked against these numbers, so they are computed here
independently of our code, each in a different way from the C++ one. Run once with the system Python:

    /usr/bin/python3 tests/data/make_alpha_estimator_cases.py

Per case (1-based inclusive fit range lo..hi of the spectrum):
  "wls"  Stringer et al. 2019's fit of ln lambda_k = intercept + alpha ln k with weights 1/k, solved as ordinary
         least squares on rows scaled by sqrt(1/k) with numpy.linalg.lstsq; r2 is the unweighted coefficient of
         determination of ln lambda_k about that line.
  "mle_fixed"  the variance-weighted discrete power-law MLE on k = lo..hi: p_k = k^alpha / Z(alpha), alpha the
         root of the score sum_k lambda_k (ln k - E_alpha[ln k]) found by scipy.optimize.brentq (no Newton steps);
         intercept = ln(sum lambda / Z(alpha)); ks = max_k |cumulative variance fraction - cumulative p_k|.
  "mle_ks"  the same with the lower cut-off kmin chosen from lo..hi-keep+1 (keep = max(3, ceil(points / 2)))
         by the smallest KS distance, ties to the lower kmin.
"""
import json
import math
import os

import numpy as np
import scipy
from scipy.optimize import brentq


def r2(x, y, slope, intercept):
    residual = np.sum((y - intercept - slope * x) ** 2)
    total = np.sum((y - y.mean()) ** 2)
    return float(1.0 - residual / total)


def wls(spectrum, lo, hi):
    k = np.arange(lo, hi + 1, dtype=float)
    x, y = np.log(k), np.log(spectrum[lo - 1:hi])
    root_w = np.sqrt(1.0 / k)
    design = np.stack([x, np.ones_like(x)], axis=1) * root_w[:, None]
    (slope, intercept), *_ = np.linalg.lstsq(design, y * root_w, rcond=None)
    return {"alpha": float(slope), "intercept": float(intercept), "r2": r2(x, y, slope, intercept)}


def mle(spectrum, lo, hi):
    k = np.arange(lo, hi + 1, dtype=float)
    w = spectrum[lo - 1:hi]
    lnk = np.log(k)

    def score(alpha):
        p = k**alpha
        return np.sum(w * lnk) / np.sum(w) - np.sum(p * lnk) / np.sum(p)

    alpha = brentq(score, -20.0, 20.0, xtol=1e-14, rtol=1e-14, maxiter=500)
    p = k**alpha
    ks = np.max(np.abs(np.cumsum(w) / np.sum(w) - np.cumsum(p) / np.sum(p)))
    intercept = math.log(np.sum(w) / np.sum(p))
    return {"alpha": float(alpha), "intercept": intercept, "ks": float(ks),
            "r2": r2(lnk, np.log(w), alpha, intercept)}


def mle_ks(spectrum, lo, hi):
    points = hi - lo + 1
    keep = max(3, math.ceil(points * 0.5))
    best = None
    for kmin in range(lo, hi - keep + 2):
        fit = mle(spectrum, kmin, hi)
        if best is None or fit["ks"] < best["ks"] - 1e-12:
            best = dict(fit, kmin=kmin)
    return best


def cases():
    out = []
    rng = np.random.default_rng(7)
    k = np.arange(1, 151, dtype=float)
    out.append(("noisy_powerlaw_-0.9", 3.0 * k**-0.9 * np.exp(0.1 * rng.standard_normal(k.size)), 10, 50))

    # An ordinary PCA spectrum: Gaussian data with variances k^-1.2 plus isotropic noise, 500 samples x 150.
    rng = np.random.default_rng(8)
    data = rng.standard_normal((500, 150)) * np.sqrt(k**-1.2) + 0.05 * rng.standard_normal((500, 150))
    pca = np.sort(np.linalg.eigvalsh(np.cov(data.T)))[::-1]
    out.append(("pca_powerlaw_-1.2_noise", pca, 10, 50))
    out.append(("pca_powerlaw_-1.2_noise_5_100", pca, 5, 100))

    # A broken power law (-0.5 then -2 after k = 30) with mild noise: the estimators disagree here.
    rng = np.random.default_rng(9)
    broken = np.where(k <= 30, k**-0.5, 30**-0.5 * (k / 30) ** -2.0) * np.exp(0.03 * rng.standard_normal(k.size))
    out.append(("broken_powerlaw", broken, 10, 50))
    return out


def main():
    result = {"generator": "tests/data/make_alpha_estimator_cases.py", "numpy_version": np.__version__,
              "scipy_version": scipy.__version__, "cases": []}
    for name, spectrum, lo, hi in cases():
        result["cases"].append({"name": name, "fit_range": [lo, hi], "spectrum": spectrum.tolist(),
                                "wls": wls(spectrum, lo, hi), "mle_fixed": mle(spectrum, lo, hi),
                                "mle_ks": mle_ks(spectrum, lo, hi)})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "alpha_estimator_cases.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

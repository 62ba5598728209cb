#!/usr/bin/python3
"""Writes huber_cases.json: seeded line-fit cases with scikit-learn's HuberRegressor() answers.

The C++ Huber fit (core/spectrum/huber_regression.*) is checked against these numbers, so they must come from
scikit-learn itself, never from our own code. Run once with the system Python (python3-sklearn):

    /usr/bin/python3 tests/data/make_huber_cases.py

Each case has x, y, sklearn's coef_/intercept_/scale_/n_iter_ and a "kind":
  "fit"       the minimiser is unique and sklearn's L-BFGS-B gets close to it: compare slope, intercept, scale;
  "constant"  x is constant, so only slope*x + intercept is pinned down by the data (the 1e-4 L2 penalty pins the
              slope at 0, a direction L-BFGS-B barely moves along): compare the prediction and the objective.
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import HuberRegressor


def paperRanks():
    # The paper fits the power law over ranks k = 10..50 in log-log coordinates.
    k = np.arange(10, 51, dtype=float)
    return k, np.log(k)


def makeCases():
    k, lnK = paperRanks()
    cases = []
    for seed, exponent in zip((10, 11, 12), (-0.7, -1.0, -1.4)):
        rng = np.random.RandomState(seed)
        spectrum = 3.0 * k**exponent * np.exp(0.05 * rng.randn(k.size))
        cases.append(("powerlaw_%+.1f" % exponent, "fit", lnK, np.log(spectrum)))

    rng = np.random.RandomState(20)
    step = 2.0 * k**-1.1
    step[k >= 30] /= 10.0  # a drop by 10x at k = 30
    cases.append(("step_drop_at_30", "fit", lnK, np.log(step * np.exp(0.02 * rng.randn(k.size)))))

    cases.append(("clean_line", "fit", lnK, -1.3 * lnK + 2.0))

    rng = np.random.RandomState(21)
    y = -1.0 * lnK + 0.5 + 0.03 * rng.randn(k.size)
    y[rng.choice(k.size, 6, replace=False)] += 5.0  # heavy outliers
    cases.append(("outliers_plus5", "fit", lnK, y))

    rng = np.random.RandomState(22)
    cases.append(("small_scale_offset", "fit", lnK, 1e-3 * (-0.9 * lnK + 0.1 * rng.randn(k.size)) + 0.5))

    rng = np.random.RandomState(23)
    cases.append(("y_in_thousands", "fit", lnK, 2500.0 - 120.0 * lnK + 15.0 * rng.randn(k.size)))

    rng = np.random.RandomState(24)
    x = np.log(np.linspace(10.0, 50.0, 200))
    cases.append(("n200_heavy_tails", "fit", x, -1.2 * x + 1.0 + 0.1 * rng.standard_t(2, x.size)))

    rng = np.random.RandomState(25)
    x = rng.uniform(-3.0, 3.0, 200)
    y = 0.7 * x - 2.0 + 0.3 * rng.randn(x.size)
    y[:20] += 5.0
    cases.append(("n200_uniform_outliers", "fit", x, y))

    cases.append(("two_points", "fit", np.array([1.0, 3.0]), np.array([2.0, -1.0])))

    rng = np.random.RandomState(3)
    y = 1.0 + 0.2 * rng.randn(30)
    y[:3] += 4.0
    cases.append(("constant_x", "constant", np.full(30, 2.5), y))
    return cases


def main():
    out = {
        "generator": "tests/data/make_huber_cases.py",
        "sklearn_version": sklearn.__version__,
        "estimator": "HuberRegressor() defaults: epsilon=1.35, alpha=1e-4, max_iter=100, tol=1e-5",
        "cases": [],
    }
    for name, kind, x, y in makeCases():
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            model = HuberRegressor().fit(x.reshape(-1, 1), y)
        out["cases"].append({
            "name": name,
            "kind": kind,
            "x": [float(v) for v in x],
            "y": [float(v) for v in y],
            "coef": float(model.coef_[0]),
            "intercept": float(model.intercept_),
            "scale": float(model.scale_),
            "n_iter": int(model.n_iter_),
        })
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "huber_cases.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote %d cases to %s" % (len(out["cases"]), path))


if __name__ == "__main__":
    main()

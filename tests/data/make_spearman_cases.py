#!/usr/bin/python3
"""Writes spearman_cases.json: Spearman's rho with one-sided p-values from SciPy, for the paper checks' trend test.

The C++ rank correlation (core/claims/rank_correlation.*) is checked against these numbers, so they come from SciPy
itself, never from our own code. Run once with the system Python (python3-scipy):

    /usr/bin/python3 tests/data/make_spearman_cases.py

Each case has x, y, rho and one-sided p-values "p_less" / "p_greater":
  n <= 8 (the C++ code's exact range): the fraction of all n! pairings (itertools.permutations of y) whose rho from
         scipy.stats.rankdata's average ranks is <= / >= the observed one (scipy.stats.permutation_test does the
         same but holds every pairing in memory at once: gigabytes at n = 8), so ties are kept as the C++ code keeps
         them;
  n > 8: scipy.stats.spearmanr(alternative=...), the t approximation with n - 2 degrees of freedom.
"""
import itertools
import json
import os

import numpy as np
import scipy
from scipy import stats


def rho(x, y):
    return stats.spearmanr(x, y).correlation


def case(name, x, y):
    x = [float(v) for v in x]
    y = [float(v) for v in y]
    out = {"name": name, "x": x, "y": y, "rho": float(rho(x, y))}
    if len(x) <= 8:
        rx = stats.rankdata(x) - (len(x) + 1) / 2
        ry = stats.rankdata(y) - (len(y) + 1) / 2
        scale = np.sqrt(np.dot(rx, rx) * np.dot(ry, ry))
        observed = np.dot(rx, ry) / scale
        rhos = np.array([np.dot(rx, p) for p in itertools.permutations(ry)]) / scale
        out["p_less"] = float(np.mean(rhos <= observed + 1e-12))
        out["p_greater"] = float(np.mean(rhos >= observed - 1e-12))
        out["method"] = "exact"
    else:
        for alternative, key in (("less", "p_less"), ("greater", "p_greater")):
            out[key] = float(stats.spearmanr(x, y, alternative=alternative).pvalue)
        out["method"] = "t"
    return out


def main():
    rng = np.random.default_rng(12)
    cases = [
        case("perfect_fall_5", [0, 0.2, 0.4, 0.6, 0.8], [-0.8, -0.9, -1.0, -1.2, -1.5]),
        case("ties_both_6", [1, 2, 2, 3, 4, 4], [5, 3, 3, 2, 2, 1]),
        case("weak_4", [1, 2, 3, 4], [2, 1, 4, 3]),
        case("binary_groups_7", [0, 0, 0, 1, 1, 1, 1], [0.1, 0.3, 0.2, 0.5, 0.25, 0.9, 0.7]),
        case("noisy_rise_8", np.arange(8), np.arange(8) + rng.normal(0, 2.5, 8)),
        case("noisy_fall_12", np.arange(12), -0.1 * np.arange(12) + rng.normal(0, 0.4, 12)),
        case("ties_20", np.repeat(np.arange(5), 4), np.round(rng.normal(0, 1, 20) + 0.3 * np.repeat(np.arange(5), 4), 1)),
        case("none_30", np.arange(30), rng.normal(0, 1, 30)),
    ]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spearman_cases.json")
    with open(path, "w") as f:
        json.dump({"scipy": scipy.__version__, "cases": cases}, f, indent=1)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()

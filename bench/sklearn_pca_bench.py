#!/usr/bin/python3
"""scikit-learn's side of codescope-bench --sklearn: the researcher's pipeline on the same matrix.

PCA(n_components=min(1000, n, m), svd_solver="randomized") and HuberRegressor on ln(lambda_k) against ln(k) over
components 10..50 (the paper's Methods), timed as one. Usage: sklearn_pca_bench.py MATRIX.npy FLOOR_SECONDS
(the floor, one float32 A^T A, printed by codescope-bench, so the ratio is on the same scale). A benchmark only:
neither the product nor its tests use Python.
"""
import sys
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import HuberRegressor


def main():
    matrix = np.load(sys.argv[1])
    floor = float(sys.argv[2])
    n, m = matrix.shape
    start = time.perf_counter()
    pca = PCA(n_components=min(1000, n, m), svd_solver="randomized", random_state=0).fit(matrix)
    k = np.arange(10, 51)
    fit = HuberRegressor().fit(np.log(k)[:, None], np.log(pca.explained_variance_[9:50]))
    took = time.perf_counter() - start
    print("  %-52s %10.3f %8.2f" % ("scikit-learn: randomized PCA + Huber (one run)", took, took / floor))
    print("    alpha %.4f" % fit.coef_[0])


if __name__ == "__main__":
    main()

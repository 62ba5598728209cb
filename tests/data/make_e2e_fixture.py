#!/usr/bin/env python3
"""Makes the end-to-end fixture: a small activation matrix (Fortran order, float64) and scikit-learn's numbers
for it, computed exactly as the paper's Methods (PCA randomized solver, HuberRegressor on log k vs log lambda).
Run once with Debian's python3 (numpy, scikit-learn); the product and its tests never need Python."""
import json
import os

import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import HuberRegressor

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "npy")

rng = np.random.default_rng(2024)
samples, features = 300, 40
scales = np.arange(1, features + 1) ** (-1.1 / 2)
rotation, _ = np.linalg.qr(rng.standard_normal((features, features)))
data = np.asfortranarray((rng.standard_normal((samples, features)) * scales) @ rotation.T + 0.5)
np.save(os.path.join(OUT, "activations_f64_fortran.npy"), data)

pca = PCA(n_components=min(1000, samples, features), svd_solver="randomized", random_state=0).fit(data)
lo, hi = 5, 30
k = np.arange(lo, hi + 1)
huber = HuberRegressor().fit(np.log(k).reshape(-1, 1), np.log(pca.explained_variance_[lo - 1:hi]))
with open(os.path.join(OUT, "activations_expected.json"), "w") as f:
    json.dump({"fit_range": [lo, hi], "alpha": float(huber.coef_[0]), "intercept": float(huber.intercept_),
               "eigenvalues": pca.explained_variance_.tolist()}, f, indent=1)
    f.write("\n")

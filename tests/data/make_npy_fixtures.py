#!/usr/bin/python3
"""Writes the .npy fixtures for tests/unit/test_npy_reader.cpp with numpy itself, plus expected.json holding the
values as numpy reads them, so the C++ reader is checked against numpy rather than against its own writer.

Run once from anywhere: /usr/bin/python3 tests/data/make_npy_fixtures.py (the outputs are committed)."""
import json
import os

import numpy as np
import numpy.lib.format as npformat

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "npy")
ROWS, COLS = 7, 5


def base_matrix():
    # Seeded and non-square so a transposed or shifted read cannot pass by accident.
    return np.random.default_rng(20240607).standard_normal((ROWS, COLS)) * 10.0


def save(name, array, version=None):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        if version is None:
            np.save(f, array)
        else:
            npformat.write_array(f, array, version=version)
    # Read back with numpy so expected.json states what numpy itself sees in the file.
    loaded = np.load(path)
    return {
        "file": name,
        "version": list(version or (1, 0)),
        "descr": loaded.dtype.str,
        "fortran_order": bool(np.isfortran(loaded)),
        "rows": loaded.shape[0],
        "cols": loaded.shape[1],
    }, loaded


def main():
    os.makedirs(OUT, exist_ok=True)
    base = base_matrix()
    fixtures = []
    cases = [
        ("f32_c.npy", base.astype("<f4"), None),
        ("f64_c.npy", base.astype("<f8"), None),
        ("f32_fortran.npy", np.asfortranarray(base.astype("<f4")), None),
        ("f64_fortran.npy", np.asfortranarray(base.astype("<f8")), None),
        ("v2_f64_c.npy", base.astype("<f8"), (2, 0)),
        ("v3_f32_fortran.npy", np.asfortranarray(base.astype("<f4")), (3, 0)),
    ]
    for name, array, version in cases:
        info, loaded = save(name, array, version)
        info["values"] = loaded.astype(np.float64).tolist()
        fixtures.append(info)

    bad = []
    nan_array = base.astype("<f4")
    nan_array[4, 2] = np.nan
    info, _ = save("nan_f32_c.npy", nan_array)
    info.update({"bad_row": 4, "bad_col": 2, "bad_value": "NaN"})
    bad.append(info)

    inf_array = np.asfortranarray(base.astype("<f8"))
    inf_array[5, 1] = -np.inf
    info, _ = save("inf_f64_fortran.npy", inf_array)
    info.update({"bad_row": 5, "bad_col": 1, "bad_value": "-Inf"})
    bad.append(info)

    inf_c = base.astype("<f8")
    inf_c[3, 4] = np.inf
    info, _ = save("inf_f64_c.npy", inf_c)
    info.update({"bad_row": 3, "bad_col": 4, "bad_value": "Inf"})
    bad.append(info)

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"numpy_version": np.__version__, "valid": fixtures, "non_finite": bad}, f)
        f.write("\n")


if __name__ == "__main__":
    main()

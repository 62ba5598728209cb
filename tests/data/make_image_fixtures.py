#!/usr/bin/python3
"""Writes the image data set fixtures for tests/unit/test_image_datasets.cpp and test_image_preprocessing.cpp.

Every pixel value follows a small formula that the C++ tests restate independently, so the readers are checked
against what Python's gzip, numpy and PIL wrote, not against our own writers. bilinear_expected.json holds outputs
of torch.nn.functional.interpolate(mode='bilinear', align_corners=False) for the preprocessing tests.

Run once from anywhere: /usr/bin/python3 tests/data/make_image_fixtures.py (the outputs are committed)."""
import gzip
import json
import os
import struct

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "images")


def path(*parts):
    full = os.path.join(OUT, *parts)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    return full


# --- IDX (LeCun): 3 images of 4 rows x 5 columns; pixel = (100 n + 50 y + 13 x + 1) mod 256; labels 7, 0, 9.
IDX_N, IDX_H, IDX_W = 3, 4, 5
IDX_LABELS = [7, 0, 9]


def idx_images():
    n, y, x = np.meshgrid(np.arange(IDX_N), np.arange(IDX_H), np.arange(IDX_W), indexing="ij")
    return ((100 * n + 50 * y + 13 * x + 1) % 256).astype(np.uint8)


def write_idx():
    images = struct.pack(">IIII", 0x00000803, IDX_N, IDX_H, IDX_W) + idx_images().tobytes()
    labels = struct.pack(">II", 0x00000801, IDX_N) + bytes(IDX_LABELS)
    with open(path("idx_raw", "t10k-images-idx3-ubyte"), "wb") as f:
        f.write(images)
    with open(path("idx_raw", "t10k-labels-idx1-ubyte"), "wb") as f:
        f.write(labels)
    # mtime=0 keeps the committed .gz files byte-identical between runs.
    with gzip.GzipFile(path("idx_gz", "t10k-images-idx3-ubyte.gz"), "wb", mtime=0) as f:
        f.write(images)
    with gzip.GzipFile(path("idx_gz", "t10k-labels-idx1-ubyte.gz"), "wb", mtime=0) as f:
        f.write(labels)


# --- CIFAR-10 binary: records of 1 label byte + 3x32x32 channel-planar pixels;
# pixel = (41 r + 67 c + 7 y + 3 x + offset) mod 256 with r the record index within its file.
CIFAR_FILES = {  # name: (offset, labels)
    "test_batch.bin": (0, [3, 9, 0]),
    "data_batch_1.bin": (100, [1, 2]),
    "data_batch_2.bin": (200, [8]),
}


def cifar_records(offset, labels):
    c, y, x = np.meshgrid(np.arange(3), np.arange(32), np.arange(32), indexing="ij")
    out = b""
    for r, label in enumerate(labels):
        out += bytes([label]) + ((41 * r + 67 * c + 7 * y + 3 * x + offset) % 256).astype(np.uint8).tobytes()
    return out


def write_cifar():
    for name, (offset, labels) in CIFAR_FILES.items():
        data = cifar_records(offset, labels)
        # cifar_all holds both splits (the test split must win); cifar_train only the training batches.
        with open(path("cifar_all", name), "wb") as f:
            f.write(data)
        if name.startswith("data_batch"):
            with open(path("cifar_train", name), "wb") as f:
                f.write(data)


# --- PNG / JPEG folders.
def write_pngs():
    # RGB, 4 rows x 6 columns; image k: value = (60 k + 80 c + 20 y + 7 x) mod 256. Names sort as a, b, c whatever
    # the case of the extension.
    c, y, x = np.meshgrid(np.arange(3), np.arange(4), np.arange(6), indexing="ij")
    for k, name in enumerate(["a.PNG", "b.png", "c.png"]):
        chw = ((60 * k + 80 * c + 20 * y + 7 * x) % 256).astype(np.uint8)
        Image.fromarray(np.transpose(chw, (1, 2, 0)), "RGB").save(path("png_rgb", name))
    # A file that is neither PNG nor JPEG is ignored.
    with open(path("png_rgb", "notes.txt"), "w") as f:
        f.write("not an image\n")

    # RGBA, 2 rows x 3 columns: the alpha channel must be dropped, leaving RGB = (10 c + 30 y + 50 x + 5 + 100 k).
    c, y, x = np.meshgrid(np.arange(3), np.arange(2), np.arange(3), indexing="ij")
    for k in range(2):
        rgb = ((10 * c + 30 * y + 50 * x + 5 + 100 * k) % 256).astype(np.uint8)
        alpha = np.full((1, 2, 3), 17 + 100 * k, np.uint8)
        rgba = np.concatenate([rgb, alpha])
        Image.fromarray(np.transpose(rgba, (1, 2, 0)), "RGBA").save(path("png_rgba", "rgba%d.png" % k))

    # Grey (L) and grey + alpha (LA), 3 rows x 5 columns: both decode to one channel, value = 40 y + 9 x + 3 + k.
    y, x = np.meshgrid(np.arange(3), np.arange(5), indexing="ij")
    grey0 = (40 * y + 9 * x + 3).astype(np.uint8)
    Image.fromarray(grey0, "L").save(path("png_grey", "g0.png"))
    grey1 = (40 * y + 9 * x + 4).astype(np.uint8)
    la = np.stack([grey1, np.full_like(grey1, 200)], axis=-1)
    Image.fromarray(la, "LA").save(path("png_grey", "g1.png"))

    # JPEG is lossy: uniform grey 8x8 images (200, then 50) decode to within a step or two of their value.
    Image.fromarray(np.full((8, 8), 200, np.uint8), "L").save(path("jpeg_grey", "x.JPG"), quality=95)
    Image.fromarray(np.full((8, 8), 50, np.uint8), "L").save(path("jpeg_grey", "y.jpeg"), quality=95)


# --- .npy image stacks.
def npy_value(n, c, y, x):
    return ((60 * n + 20 * c + 5 * y + x) % 97) / 96.0


def write_npys():
    n, y, x = np.meshgrid(np.arange(2), np.arange(3), np.arange(4), indexing="ij")
    np.save(path("npy", "u8_nhw.npy"), ((70 * n + 30 * y + 11 * x) % 256).astype(np.uint8))

    n, c, y, x = np.meshgrid(np.arange(2), np.arange(3), np.arange(4), np.arange(5), indexing="ij")
    np.save(path("npy", "f32_nchw.npy"), npy_value(n, c, y, x).astype(np.float32))

    n, c, y, x = np.meshgrid(np.arange(2), np.arange(1), np.arange(3), np.arange(4), indexing="ij")
    f64 = npy_value(n, c, y, x)
    # Values outside [0, 1] are the caller's business (already normalised data), not an error.
    f64[1, 0, 2, 3] = -0.25
    f64[0, 0, 0, 1] = 1.5
    np.save(path("npy", "f64_nchw.npy"), f64)

    nan = np.zeros((3, 1, 2, 2), np.float32)
    nan[2, 0, 1, 0] = np.nan
    np.save(path("npy", "f32_nan.npy"), nan)
    inf = np.zeros((2, 2, 2), np.float64)
    inf[1, 1, 0] = -np.inf
    np.save(path("npy", "f64_inf_nhw.npy"), inf)

    np.save(path("npy", "f32_fortran.npy"), np.asfortranarray(np.zeros((2, 1, 2, 2), np.float32)))
    np.save(path("npy", "i4_nhw.npy"), np.zeros((2, 2, 2), np.int32))
    np.save(path("npy", "f32_2d.npy"), np.zeros((2, 4), np.float32))
    np.save(path("npy", "f32_zero.npy"), np.zeros((0, 2, 2), np.float32))
    # CIFAR-sized colour images for the tests that a model is fed a data set at its own shape (test_model_input_shape,
    # tests/e2e/cli_input_shape.sh); seeded noise, so that every layer's activations vary across the images.
    np.save(path("npy", "u8_rgb32.npy"), np.random.default_rng(32).integers(0, 256, (16, 3, 32, 32), dtype=np.uint8))


# --- Reference outputs of PyTorch's bilinear resize (align_corners=False, no antialiasing).
def write_bilinear():
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(20240611)
    cases = []
    for channels, (h, w), (oh, ow) in [
        (1, (2, 2), (4, 4)),  # upsampling: edge clamping on both sides
        (1, (4, 4), (2, 2)),  # downsampling by 2: plain 2x2 means
        (2, (3, 5), (7, 4)),  # up in one axis, down in the other, non-square
        (1, (5, 7), (3, 3)),  # non-integer downsampling
        (3, (1, 1), (3, 2)),  # a single pixel spreads everywhere
        (1, (6, 4), (6, 4)),  # same size is the identity
    ]:
        x = rng.random((1, channels, h, w), dtype=np.float32)
        y = F.interpolate(torch.from_numpy(x), size=(oh, ow), mode="bilinear", align_corners=False)
        cases.append({
            "channels": channels, "in_height": h, "in_width": w, "out_height": oh, "out_width": ow,
            "input": [float(v) for v in x.ravel()], "expected": [float(v) for v in y.numpy().ravel()],
        })
    with open(path("bilinear_expected.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


def main():
    write_idx()
    write_cifar()
    write_pngs()
    write_npys()
    write_bilinear()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Seed corpora for the libFuzzer targets (fuzz/) and the hostile inputs of issue 16 as regression cases.

tests/data/hostile/ holds the mutants too large to be seeds. tests/data/fuzz/<target>/ holds, per fuzz target, small valid inputs copied from the other fixtures (seeds: the
fuzzer mutates them) and the hostile mutants that once crashed, hung or exhausted memory (hostile-*: each must now
be refused in one line), and regression-*: inputs the fuzzers found, kept as they are. scripts/run-tests.sh runs every target over its folder; tests/e2e/cli_hostile.sh feeds the
mutants to codescope-cli. Only the standard library: no torch needed. Run from tests/data: python3 make_fuzz_seeds.py
"""
import gzip
import io
import json
import os
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fuzz")
HOSTILE = os.path.join(HERE, "hostile")


def put(target, name, data):
    folder = os.path.join(OUT, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def put_hostile(name, data):
    os.makedirs(HOSTILE, exist_ok=True)
    with open(os.path.join(HOSTILE, name), "wb") as f:
        f.write(data)


def read(path):
    with open(os.path.join(HERE, path), "rb") as f:
        return f.read()


def npy(header_dict, data, version=1):
    text = header_dict.encode("latin1")
    total = 10 + len(text) + 1
    pad = (64 - total % 64) % 64
    text += b" " * pad + b"\n"
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<H", len(text)) + text + data


def png(width, height, raw, colour=0, depth=8):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def jpeg_with_size(base, width, height):
    """The JPEG `base` with its SOF0 frame header claiming width x height."""
    data = bytearray(base)
    i = 2
    while i < len(data):
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            data[i + 5:i + 9] = struct.pack(">HH", height, width)
            return bytes(data)
        i += 2 + length
    raise ValueError("no SOF marker")


def rebuilt_zip(source, replace):
    """The zip `source` rewritten with records replaced: replace(name, data) -> data (or None to keep)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            new = replace(info.filename, data)
            # A fixed date keeps the output byte-identical from run to run.
            zout.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), data if new is None else new)
    return out.getvalue()


def main():
    # Everything this script wrote before is rewritten; regression-* files (inputs the fuzzers found, committed with
    # their fixes) are kept.
    for folder in (OUT, HOSTILE):
        for root, _, files in os.walk(folder):
            for name in files:
                if not name.startswith("regression-"):
                    os.remove(os.path.join(root, name))

    # --- .npy matrices
    for name in ["f32_c.npy", "f64_fortran.npy", "v2_f64_c.npy", "v3_f32_fortran.npy"]:
        put("npy_header", name, read("npy/" + name))
    put("npy_header", "hostile-huge-values.npy",
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", struct.pack("<6d", 1e307, -1e307, 1, 2, 3, 4)))
    put("npy_header", "hostile-header-length.npy", b"\x93NUMPY\x02\x00\xff\xff\xff\x7f{'descr'")

    # --- IDX
    put("idx", "t10k-images-idx3-ubyte", read("images/idx_raw/t10k-images-idx3-ubyte"))
    put("idx", "t10k-images-idx3-ubyte.gz", read("images/idx_gz/t10k-images-idx3-ubyte.gz"))
    # A true header for 3,000,000 28 x 28 images of zeros (2.35 GB), gzip-compressed to 2.3 MB: only the images
    # asked for may be inflated. Too large for a fuzz seed, so it lives in hostile/ (tests/e2e/cli_hostile.sh).
    count = 3000000
    header = struct.pack(">IIII", 0x803, count, 28, 28)
    stream = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = stream.compress(header)
    zeros = bytes(28 * 28 * 1000)
    for _ in range(count // 1000):
        body += stream.compress(zeros)
    body += stream.flush()
    put_hostile("gzip-bomb-images-idx3-ubyte.gz", body)
    # Four channels, which no model's grey or RGB input can be made from.
    put_hostile("four-channel-images.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 4, 5, 5), }",
                                               bytes(range(200))))
    put("idx", "hostile-lying-dims-images-idx3-ubyte", struct.pack(">IIII", 0x803, 0x7FFFFFFF, 0x7FFFFFFF, 28) + bytes(100))

    # --- CIFAR-10
    put("cifar", "test_batch.bin", read("images/cifar_all/test_batch.bin")[: 3073 * 2])

    # --- image files (PNG, JPEG)
    for folder in ["png_grey", "png_rgb", "jpeg_grey"]:
        for name in sorted(os.listdir(os.path.join(HERE, "images", folder)))[:1]:
            put("image_file", folder + "-" + name, read(os.path.join("images", folder, name)))
    # 880-byte class: a PNG whose header claims 30000 x 30000 grey pixels; its data is one small deflate stream.
    put("image_file", "hostile-png-30000x30000.png", png(30000, 30000, bytes(30001 * 8)))
    put("image_file", "hostile-png-width-10813468.png", png(10813468, 1, bytes(100)))
    jpeg = read(os.path.join("images", "jpeg_grey", sorted(os.listdir(os.path.join(HERE, "images", "jpeg_grey")))[0]))
    put("image_file", "hostile-jpeg-65535x65535.jpg", jpeg_with_size(jpeg, 65535, 65535))
    put("image_file", "hostile-jpeg-16384x16384.jpg", jpeg_with_size(jpeg, 16384, 16384))

    # --- JSON: analyses and manifests
    analysis = {"model": "m.pt", "dataset": "d", "samples": 10,
                "layers": [{"name": "fc1", "kind": "linear", "depth": 0, "shape": [4], "alpha": 1.0}]}
    put("json", "analysis-min.json", json.dumps(analysis).encode())
    put("json", "manifest.json", json.dumps({"finished": True, "model": "resnet-vae-small", "model_config": {
        "dropout": 0.2, "input_channels": 1, "input_size": 28, "width_divisor": 8, "hidden": 64, "latent": 8}}).encode())
    put("json", "hostile-deep-nesting.json", b"[" * 5000 + b"]" * 5000)
    put("json", "hostile-number-4e99999.json", b'{"model": "m", "samples": 4e99999, "layers": []}')
    long_name = dict(analysis)
    long_name["layers"] = [dict(analysis["layers"][0], name="x" * 100000)]
    put("json", "hostile-long-layer-name.json", json.dumps(long_name).encode())
    put("json", "hostile-manifest-huge-config.json", json.dumps({"finished": True, "model": "resnet-vae-small",
        "model_config": {"dropout": 0.2, "input_channels": 2 ** 40, "input_size": 2 ** 40, "width_divisor": 8,
                         "hidden": 2 ** 40, "latent": 2 ** 40}}).encode())
    put("json", "hostile-manifest-wrong-types.json", json.dumps({"finished": "yes", "model": 7,
                                                                 "model_config": [1, 2]}).encode())

    # --- vocab.json + merges.txt, joined by a NUL byte
    vocab = read("tokenizer/vocab.json")
    merges = read("tokenizer/merges.txt")
    put("vocab_merges", "gpt2-small", vocab + b"\0" + merges)
    put("vocab_merges", "hostile-nested-vocab", b"{\"a\":" * 5000 + b"1" + b"}" * 5000 + b"\0")
    ids = json.loads(vocab)
    spaced = {token: i * 1000000 for i, token in enumerate(ids)}
    put("vocab_merges", "hostile-spaced-ids", json.dumps(spaced).encode() + b"\0")
    one_large = dict(ids)
    one_large[next(iter(one_large))] = 100000000
    put("vocab_merges", "hostile-one-large-id", json.dumps(one_large).encode() + b"\0" + merges)

    # --- torch.save state_dicts and TorchScript archives
    base = read("resnet_vae/unrelated_state_dict.pt")
    put("state_dict", "unrelated_state_dict.pt", base)
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        pkl_name = [n for n in z.namelist() if n.endswith("/data.pkl")][0]
        storages = sorted(n for n in z.namelist() if "/data/" in n)
        program = z.read(pkl_name)

    def with_program(new_program):
        return rebuilt_zip(base, lambda name, data: new_program if name == pkl_name else None)

    # Storage cut to half its size (the record shorter than the tensor needs).
    put("state_dict", "hostile-storage-half.pt",
        rebuilt_zip(base, lambda name, data: data[: len(data) // 2] if name == storages[0] else None))
    put("state_dict", "hostile-storage-empty.pt",
        rebuilt_zip(base, lambda name, data: b"" if name == storages[0] else None))
    # Every FloatStorage retyped to LongStorage: twice the bytes per element.
    put("state_dict", "hostile-long-storage.pt", with_program(program.replace(b"FloatStorage", b"LongStorage")))
    # The first tensor's first size (a BININT1 after its storage's BINPERSID ... MARK) and offset set to lying values.
    persid = program.index(b"Q")
    offset_at = program.index(b"K", persid)
    for value, label in [(0x7FFFFFFF, "2p31"), (-0x80000000, "minus-2p31"), (65535, "65535")]:
        mutated = program[:offset_at] + b"J" + struct.pack("<i", value) + program[offset_at + 2:]
        put("state_dict", "hostile-offset-" + label + ".pt", with_program(mutated))
        size_at = program.index(b"(K", offset_at) + 1
        mutated2 = program[:size_at] + b"J" + struct.pack("<i", value) + program[size_at + 2:]
        put("state_dict", "hostile-size-" + label + ".pt", with_program(mutated2))
    # A pickle string whose length field says 0x7fffffff.
    x_at = program.index(b"X")
    put("state_dict", "hostile-string-length.pt",
        with_program(program[:x_at + 1] + struct.pack("<I", 0x7FFFFFFF) + program[x_at + 5:]))
    ts = read("torchscript/hf_gelu_traced.pt")
    put("state_dict", "hf_gelu_traced.pt", ts)
    with zipfile.ZipFile(io.BytesIO(ts)) as z:
        ts_storage = sorted(n for n in z.namelist() if "/data/" in n)[0]
    put("state_dict", "hostile-torchscript-storage-half.pt",
        rebuilt_zip(ts, lambda name, data: data[: len(data) // 2] if name == ts_storage else None))
    put("state_dict", "hostile-torchscript-storage-empty.pt",
        rebuilt_zip(ts, lambda name, data: b"" if name == ts_storage else None))


if __name__ == "__main__":
    main()

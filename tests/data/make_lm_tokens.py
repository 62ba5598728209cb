"""Token ids for the end-to-end test of the language path (tests/e2e/cli_language.sh): 40 sequences of 8 ids for
torchscript/lm_traced.pt (vocabulary 32), int64, plus an int32 copy with one id out of that vocabulary, and a short
UTF-8 text with an invalid byte. Run once with Debian's python3-numpy:  /usr/bin/python3 tests/data/make_lm_tokens.py
"""
import pathlib

import numpy as np

here = pathlib.Path(__file__).resolve().parent / "language"
here.mkdir(exist_ok=True)
rng = np.random.default_rng(7)
ids = rng.integers(0, 32, size=(40, 8), dtype=np.int64)
np.save(here / "lm_tokens.npy", ids)
bad = ids.astype(np.int32)
bad[3, 5] = 40
np.save(here / "lm_tokens_out_of_vocab.npy", bad)
(here / "invalid_utf8.txt").write_bytes(b"valid text, then an invalid byte \xff here\n")
# For the byte-level tiny LM (vocabulary 256, context 64): one id beyond it.
bytes_ids = rng.integers(0, 256, size=(3, 64), dtype=np.int64)
bytes_ids[1, 10] = 300
np.save(here / "byte_tokens_out_of_vocab.npy", bytes_ids)

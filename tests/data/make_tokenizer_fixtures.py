#!/usr/bin/python3
"""Fixtures for the GPT-2 byte-level BPE tokenizer (tests/unit/test_bpe_tokenizer.cpp, test_token_dataset.cpp).

GPT-2's own vocab.json/merges.txt are not available offline, so this script
  1. learns a small byte-level BPE merges table on /usr/share/common-licenses/GPL-3 (GPT-2's pre-tokenisation, then
     the most frequent adjacent pair merged, ties broken by the pair's text) and writes vocab.json + merges.txt in
     GPT-2's exact format (byte symbols first in bytes_to_unicode order, merge results after them, <|endoftext|> last;
     merges.txt with its "#version: 0.2" header);
  2. encodes a set of test strings with an independent reference: GPT-2's encoder.py algorithm (openai/gpt-2,
     src/encoder.py) re-typed here with the `regex` module and GPT-2's pattern, and stores the expected ids in
     expected.json;
  3. writes small token .npy files with numpy for the token data set reader.

Run with the system Python, which has `regex` and `numpy`:  /usr/bin/python3 tests/data/make_tokenizer_fixtures.py
"""
import collections
import json
import os
import random

import numpy as np
import regex

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tokenizer")
CORPUS = "/usr/share/common-licenses/GPL-3"
MERGES = 400

# GPT-2's pre-tokenisation pattern, verbatim from encoder.py.
PATTERN = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    """GPT-2's map from bytes to printable characters (encoder.py)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(2**8):
        if b not in bs:
            bs.append(b)
            cs.append(2**8 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_ENCODER = bytes_to_unicode()
BYTE_DECODER = {v: k for k, v in BYTE_ENCODER.items()}


def learn_merges(text, count):
    """Plain byte-level BPE training: most frequent adjacent pair first, ties broken by the pair's text."""
    words = collections.Counter()
    for piece in PATTERN.findall(text):
        words[tuple(BYTE_ENCODER[b] for b in piece.encode("utf-8"))] += 1
    merges = []
    for _ in range(count):
        pairs = collections.Counter()
        for word, freq in words.items():
            for a, b in zip(word, word[1:]):
                pairs[(a, b)] += freq
        if not pairs:
            break
        best = max(pairs.items(), key=lambda item: (item[1], [-ord(c) for c in item[0][0] + " " + item[0][1]]))[0]
        merges.append(best)
        merged = collections.Counter()
        for word, freq in words.items():
            out = []
            i = 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] += freq
        words = merged
    return merges


def get_pairs(word):
    pairs = set()
    prev = word[0]
    for char in word[1:]:
        pairs.add((prev, char))
        prev = char
    return pairs


class ReferenceEncoder:
    """GPT-2's Encoder (encoder.py), without the cache and the decode error handling."""

    def __init__(self, encoder, bpe_merges):
        self.encoder = encoder
        self.bpe_ranks = dict(zip(bpe_merges, range(len(bpe_merges))))

    def bpe(self, token):
        word = tuple(token)
        pairs = get_pairs(word)
        if not pairs:
            return token
        while True:
            bigram = min(pairs, key=lambda pair: self.bpe_ranks.get(pair, float("inf")))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                    new_word.extend(word[i:j])
                    i = j
                except ValueError:
                    new_word.extend(word[i:])
                    break
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
            if len(word) == 1:
                break
            pairs = get_pairs(word)
        return " ".join(word)

    def encode(self, text):
        ids = []
        for token in regex.findall(PATTERN, text):
            token = "".join(BYTE_ENCODER[b] for b in token.encode("utf-8"))
            ids.extend(self.encoder[t] for t in self.bpe(token).split(" "))
        return ids


TEST_STRINGS = [
    "",
    "Hello, world!",
    "This program is free software: you can redistribute it and/or modify it.",
    "don't we'll they've I'm you'd she's it'll they're",
    "DON'T WE'LL 's 't 'sa 're'",
    "The year 2007, version 3.14159 and 1,000,000 copies; 42nd.",
    "!!! ??? ... --- ((())) [*] {}<>;:@#$%^&",
    "  two leading spaces",
    "trailing spaces   ",
    "a  b   c    d",
    "lines\nand\n\nblank\n\n\nlines\n",
    "tabs\tand\t\ttabs \t mixed\r\nwindows",
    " \n \t  \n",
    "   ",
    "café naïve résumé Ünïcödé Ångström ß",
    "e\u0301 combining accents a\u0308",
    "日本語のテキストと中文字符",
    "emoji 😀👍🏽 family 👨‍👩‍👧 flags 🇫🇷",
    "nbsp\u00a0here and\u2003em space and\u3000ideographic",
    "numbers Ⅻ ½ ٣٤٥ ²³",
    "GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007\n",
    "  Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>",
    "x' y'  'll",
]


def random_strings(count, seed=12345):
    """Seeded random strings over an alphabet that stresses the pattern's edges: contraction letters after
    apostrophes, runs of mixed whitespace (U+000B, U+0085 and U+2028 are \\s; U+001C is not), digits of several
    scripts, combining marks, symbols, CJK and emoji."""
    rng = random.Random(seed)
    alphabet = list("stremvldSTabc'''   \n\n\t\r019.,!?-$") + [
        "\u000b", "\u001c", "\u0085", "\u00a0", "\u2028", "\u3000", "\u00e9", "\u0301", "\u00bd", "\u0663",
        "\u2162", "\u65e5", "\u672c", "\U0001f600", "\u00ff", "\u0100", "\u00ad", "\u20ac"]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24))) for _ in range(count)]


def write_npy_fixtures(vocab_size):
    rng = np.random.default_rng(7)
    ids = rng.integers(0, vocab_size, size=(3, 8))
    np.save(os.path.join(OUT, "tokens_int32.npy"), ids.astype("<i4"))
    np.save(os.path.join(OUT, "tokens_int64.npy"), ids.astype("<i8"))
    np.save(os.path.join(OUT, "tokens_flat.npy"), ids.reshape(-1).astype("<i8"))
    bad = ids.astype("<i4").copy()
    bad[1, 5] = vocab_size
    np.save(os.path.join(OUT, "tokens_out_of_vocab.npy"), bad)
    np.save(os.path.join(OUT, "tokens_float.npy"), ids.astype("<f4"))
    return ids.tolist()


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(CORPUS, encoding="utf-8") as f:
        corpus = f.read()
    merges = learn_merges(corpus, MERGES)

    symbols = [BYTE_ENCODER[b] for b in bytes_to_unicode().keys()]  # bs order, as GPT-2's encoder.json
    vocab = {s: i for i, s in enumerate(symbols)}
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    vocab["<|endoftext|>"] = len(vocab)

    with open(os.path.join(OUT, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f)  # GPT-2's encoder.json: one line, ASCII with \u escapes
    with open(os.path.join(OUT, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")

    reference = ReferenceEncoder(vocab, merges)
    cases = [{"text": s, "ids": reference.encode(s)} for s in TEST_STRINGS + random_strings(150)]
    # A longer text: the first 3000 characters of the corpus, which exercise most merges.
    cases.append({"text": corpus[:3000], "ids": reference.encode(corpus[:3000])})
    expected = {
        "vocabularySize": len(vocab),
        "merges": len(merges),
        "cases": cases,
        "tokens": write_npy_fixtures(len(vocab)),
    }
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        # One case per line, so a diff of the fixtures shows which case changed.
        f.write("{\n")
        for key in ("vocabularySize", "merges", "tokens"):
            f.write(f' "{key}": {json.dumps(expected[key])},\n')
        f.write(' "cases": [\n')
        f.write(",\n".join("  " + json.dumps(case, ensure_ascii=False) for case in cases))
        f.write("\n ]\n}\n")
    print(f"{len(merges)} merges, vocabulary of {len(vocab)}, {len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()

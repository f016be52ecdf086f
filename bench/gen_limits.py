#!/usr/bin/env python3
"""Inputs for bench/limits.sh: one huge JSONL line, or many tiny documents.

usage: gen_limits.py bigline OUT.jsonl BYTES   one record whose text is about BYTES long
       gen_limits.py tiny OUT.jsonl COUNT      COUNT records of 30 to 100 bytes of text

The big text is lines of news-like sentences (no two alike), with a share bar,
a cookie notice and a doubled photo credit every few hundred lines, so rules
and built-ins have work. Tiny documents are short notes; every tenth is an
exact copy of an earlier one and every tenth a near copy, so dedup has
clusters to build. Deterministic (fixed seed).
"""
import json, random, sys

WORDS = ("council bridge river spring debate minister talks border trade energy "
         "election court report market police weather storm school hospital budget "
         "festival museum harbour railway factory union farmers village mayor").split()


def sentence(rng, n):
    ws = [rng.choice(WORDS) for _ in range(rng.randint(14, 24))]
    return f"Item {n}: " + " ".join(ws).capitalize() + "."


def bigline(out, size):
    rng = random.Random(1)
    with open(out, "w", encoding="utf-8") as f:
        f.write('{"id": "big", "site": "example.com", "text": "')
        written, n, total = 0, 0, 0
        while written < size:
            lines = []
            for _ in range(500):
                n += 1
                lines.append(sentence(rng, n))
            lines += ["Share this", "We use cookies to improve your experience.",
                      "Photo: Reuters", "Photo: Reuters", ""]
            chunk = json.dumps("\n".join(lines) + "\n")[1:-1]
            f.write(chunk)
            written += len(chunk)
            total += len(lines)
        f.write('"}\n')
    print(f"{total} text lines")


def word(rng):
    return "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))


def tiny(out, count):
    rng = random.Random(2)
    # A vocabulary of 50,000 made-up words, so strangers share few shingles.
    vocab = [word(rng) for _ in range(50000)]
    texts = []
    with open(out, "w", encoding="utf-8") as f:
        for i in range(count):
            if i % 10 == 3 and texts:
                t = rng.choice(texts)
            elif i % 10 == 7 and texts:
                t = rng.choice(texts) + " Updated."
            else:
                t = f"Note {i}: " + " ".join(rng.choice(vocab) for _ in range(rng.randint(4, 9))) + "."
                if len(texts) < 100000:
                    texts.append(t)
                else:
                    texts[rng.randrange(len(texts))] = t
            f.write(json.dumps({"id": f"t{i}", "text": t}) + "\n")
    print(f"{count} documents")


if __name__ == "__main__":
    kind, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    {"bigline": bigline, "tiny": tiny}[kind](out, n)

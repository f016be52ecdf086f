#!/usr/bin/env python3
"""The best score any method that keeps or drops whole lines can reach on
pages_dev.jsonl's tune half (sites with 5+ pages), against the gold text.

usage: python3 bench/body_ceiling.py [--half tune|report]   (default tune)

For each page, a line is kept when at least T of its words (as
score_clean.py counts them: lowercase \\w+ tokens) are still unmatched in the
gold's bag of words; T = 0.5, 0.8 and 1.0. Each T is printed with the pages'
mean F1 (score_clean.py's macroF1), P and R. This tells whether a macro F1 is
out of reach of line decisions (annotation that splits lines, gold text
that is not on the page) or left to the body finder. It reads the gold only:
nothing is tuned on it. Only the tune half is read unless asked.
"""
import argparse
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from body_eval import PAGES, bag, f1, scored  # noqa: E402
from junk_lines import half_of  # noqa: E402


def oracle(page, t):
    """P, R, F1 of the lines a page keeps at threshold `t`."""
    left = bag(page["gold"])
    kept = []
    for line in page["text"].split("\n"):
        words = bag(line)
        n = sum(words.values())
        if n and sum((words & left).values()) >= t * n:
            kept.append(line)
            left -= words
    return f1(page["gold"], "\n".join(kept))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--half", default="tune", choices=["tune", "report"])
    a = ap.parse_args()
    with open(PAGES, encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    pages = [d for d in scored(docs) if half_of(d.get("site") or "") == a.half]
    sites = len({d["site"] for d in pages})
    print(f"{a.half} half, sites of 5+ pages: {len(pages)} pages, {sites} sites")
    print("| keep a line when this share of its words is gold | mean page P | mean page R | macro F1 |")
    print("|---|---|---|---|")
    for t in (0.5, 0.8, 1.0):
        s = [oracle(d, t) for d in pages]
        p, r, f = (sum(x[i] for x in s) / len(s) for i in range(3))
        print(f"| {t} | {p:.4f} | {r:.4f} | {f:.4f} |")


if __name__ == "__main__":
    main()

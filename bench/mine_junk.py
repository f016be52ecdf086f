#!/usr/bin/env python3
"""Mine junk lines that recur across sites of ../shared/data/pages_dev.jsonl.

    python3 bench/mine_junk.py [--half tune|report|all] [--min-sites N] [--unlabelled]

Prints, most widespread first, every line key (lowercase, digits folded to 0)
that is outside the gold text of its page and recurs on N or more sites
(default 3) of the half (default: tune, the half rules are written from;
report is what rules_eval.py measures on, so write no rule from it):

    SITES  LINES  GOLD  FAMILIES  KEY

GOLD counts pages of the half whose gold text holds the key: a rule removing
such a line would cut article text. FAMILIES is the labelling of
junk_lines.py; --unlabelled lists only keys no family claims, to find
families the labelling misses. Prints keys only (no page text leaves the
data set's licence: pages_dev may be used for evaluation only).
"""
import argparse, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from junk_lines import families, load, recurring  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--half", choices=["tune", "report", "all"], default="tune")
    ap.add_argument("--min-sites", type=int, default=3)
    ap.add_argument("--unlabelled", action="store_true")
    a = ap.parse_args()
    rec = recurring(load(), a.half, a.min_sites)
    rows = sorted(rec.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    for k, (sites, n, gold) in rows:
        fam = families(k)
        if a.unlabelled == bool(fam):
            continue
        print(f"{sites:5d} {n:6d} {gold:5d}  {','.join(fam) or '-':20s} {k[:160]}")


if __name__ == "__main__":
    main()

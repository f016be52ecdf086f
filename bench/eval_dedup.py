#!/usr/bin/env python3
"""Score deboil's duplicate clusters against the generator's truth.

usage: eval_dedup.py CORPUS.jsonl MARKED.jsonl
MARKED is `deboil dedup --mark` (or `run --mark`) output: every document with dup_of.
Prints pair precision, recall, F1, the adjusted Rand index, and recall per kind of copy.
"""
import collections, json, sys
from math import comb

truth = {}
kind = {}
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    truth[d["id"]] = d["story"]
    kind[d["id"]] = d["kind"]
pred = {}
for line in open(sys.argv[2], encoding="utf-8"):
    d = json.loads(line)
    pred[d["id"]] = d["dup_of"] or d["id"]

def pairs(labels):
    groups = collections.defaultdict(list)
    for i, l in labels.items():
        groups[l].append(i)
    out = set()
    for g in groups.values():
        g.sort()
        for a in range(len(g)):
            for b in range(a + 1, len(g)):
                out.add((g[a], g[b]))
    return out

tp_pairs, pp = pairs(truth), pairs(pred)
tp = len(tp_pairs & pp)
p = tp / len(pp) if pp else 1.0
r = tp / len(tp_pairs) if tp_pairs else 1.0
f = 2 * p * r / (p + r) if p + r else 0.0
# Adjusted Rand index over the contingency table.
cont = collections.Counter((truth[i], pred[i]) for i in truth)
a = collections.Counter(truth[i] for i in truth)
b = collections.Counter(pred[i] for i in truth)
n = len(truth)
sum_ij = sum(comb(v, 2) for v in cont.values())
sum_a = sum(comb(v, 2) for v in a.values())
sum_b = sum(comb(v, 2) for v in b.values())
expected = sum_a * sum_b / comb(n, 2)
ari = (sum_ij - expected) / (0.5 * (sum_a + sum_b) - expected) if sum_a + sum_b else 1.0
per_kind = {}
for k in sorted(set(kind.values()) - {"original"}):
    # Pairs (original, copy of kind k) of the same story.
    orig = {truth[i]: i for i in truth if kind[i] == "original"}
    ks = [(orig[truth[i]], i) for i in truth if kind[i] == k]
    hit = sum(1 for o, c in ks if pred[o] == pred[c])
    per_kind[k] = (hit, len(ks))
print(json.dumps({"pairs_true": len(tp_pairs), "pairs_pred": len(pp), "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "ari": round(ari, 4),
                  "recall_by_kind": {k: round(h / t, 3) if t else None for k, (h, t) in per_kind.items()}}))

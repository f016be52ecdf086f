#!/usr/bin/env python3
"""Pair precision and recall of clusters against the generator's story labels.

usage: score_clusters.py CORPUS.jsonl CLUSTERS.jsonl
CLUSTERS: one JSON list of ids per line, or deboil's --clusters objects.
"""
import collections, json, sys
story = {}
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    story[d["id"]] = d["story"]
by_story = collections.Counter(story.values())
true_pairs = sum(n * (n - 1) // 2 for n in by_story.values())
pred = tp = 0
for line in open(sys.argv[2], encoding="utf-8"):
    c = json.loads(line)
    ids = [m["id"] for m in c["members"]] if isinstance(c, dict) else c
    pred += len(ids) * (len(ids) - 1) // 2
    for n in collections.Counter(story[i] for i in ids).values():
        tp += n * (n - 1) // 2
p = tp / pred if pred else 1.0
r = tp / true_pairs if true_pairs else 1.0
print(json.dumps({"precision": round(p, 4), "recall": round(r, 4), "pairs_found": pred, "pairs_true": true_pairs}))

#!/usr/bin/env python3
"""Near-duplicate clusters with datasketch or rensa, for the peer benchmark.

usage: peer_dedup.py datasketch|rensa CORPUS.jsonl CLUSTERS.jsonl [--threshold 0.8] [--num-perm 128]

Each library's documented pipeline with matched parameters: lowercase whitespace tokens,
word 5-gram shingles, 128 permutations, LSH at the threshold; every LSH candidate is
verified with the library's own Jaccard estimate, as deboil verifies its candidates.
Writes one JSON list of member ids per cluster of two or more.
"""
import json, sys, time

tool, corpus, out = sys.argv[1], sys.argv[2], sys.argv[3]
threshold = float(sys.argv[sys.argv.index("--threshold") + 1]) if "--threshold" in sys.argv else 0.8
num_perm = int(sys.argv[sys.argv.index("--num-perm") + 1]) if "--num-perm" in sys.argv else 128

def shingles(text, n=5):
    w = text.lower().split()
    if len(w) < n:
        return [" ".join(w)] if w else []
    return [" ".join(w[i:i + n]) for i in range(len(w) - n + 1)]

t0 = time.time()
ids, sets = [], []
for line in open(corpus, encoding="utf-8"):
    d = json.loads(line)
    ids.append(d["id"])
    sets.append(shingles(d["text"]))

if tool == "datasketch":
    from datasketch import MinHash, MinHashLSH
    sigs = []
    for s in sets:
        m = MinHash(num_perm=num_perm)
        m.update_batch([x.encode("utf-8") for x in s])
        sigs.append(m)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
elif tool == "rensa":
    from rensa import RMinHash, RMinHashLSH
    sigs = RMinHash.from_token_sets(sets, num_perm=num_perm, seed=42)
    # rensa asks for the band count; 16 bands of 8 rows, as its own benchmarks use.
    lsh = RMinHashLSH(threshold=threshold, num_perm=num_perm, num_bands=16)
else:
    sys.exit(f"unknown tool {tool}")

# Both libraries share this interface.
def query(i):
    return lsh.query(sigs[i])
def insert(i):
    lsh.insert(i, sigs[i])
def sim(i, j):
    return sigs[i].jaccard(sigs[j])

parent = list(range(len(ids)))
def find(x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x
for i in range(len(ids)):
    for j in query(i):
        if j != i and sim(i, j) >= threshold:
            a, b = find(i), find(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    insert(i)
groups = {}
for i in range(len(ids)):
    groups.setdefault(find(i), []).append(ids[i])
with open(out, "w") as f:
    for g in groups.values():
        if len(g) > 1:
            f.write(json.dumps(g) + "\n")
print(f"{tool}: {len(ids)} documents in {time.time() - t0:.1f} s", file=sys.stderr)

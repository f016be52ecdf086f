"""text-dedup's component assignment (its --debug output: idx, component)
-> clusters as lists of corpus ids, one JSON list a line (score_clusters.py
reads them).

usage: clusters.py OUT_DIR
"""
import collections
import json
import sys

import pyarrow.parquet as pq

out = sys.argv[1]
ids = pq.read_table(f"{out}/input", columns=["idx", "doc_id"]).to_pydict()
doc_id = dict(zip(ids["idx"], ids["doc_id"]))
assign = pq.read_table(f"{out}/kept-assignment/assignment.parquet").to_pydict()
groups = collections.defaultdict(list)
for i, c in zip(assign["id"], assign["component"]):
    groups[c].append(doc_id[i])
with open(f"{out}/clusters-textdedup.jsonl", "w", encoding="utf-8") as f:
    for members in groups.values():
        if len(members) > 1:
            f.write(json.dumps(sorted(members)) + "\n")
print(f"clusters.py: {sum(len(m) > 1 for m in groups.values())} clusters")

"""JSONL corpus -> parquet with an integer index column (text-dedup's
`--index`), and a map from that index back to the corpus's ids.

usage: prepare.py CORPUS.jsonl OUT_DIR
"""
import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq

corpus, out = sys.argv[1], sys.argv[2]
ids, texts = [], []
with open(corpus, encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        ids.append(d["id"])
        texts.append(d["text"])
table = pa.table({"idx": pa.array(range(len(ids)), pa.int64()), "doc_id": ids, "text": texts})
pq.write_table(table, f"{out}/input/part-0.parquet", row_group_size=2000)
print(f"prepare.py: {len(ids)} documents")

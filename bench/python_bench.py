#!/usr/bin/env python3
"""The Python package against the CLI on the same data (bench/results/python.md).

usage: python_bench.py DEBOIL_BIN CORPUS.jsonl [--spark N_DOCS]

- clean: `Cleaner.clean_batch` (texts already in memory) against
  `deboil clean CORPUS -o /dev/null` (which also parses and writes JSON);
- dedup: `Deduper.add` + `clusters()` against
  `deboil dedup --keep-template-lines -o /dev/null` (same work: signatures,
  LSH, verification), and `MinHasher.sign_batch` alone;
- --spark N: the Spark job (local mode, all cores) against `deboil dedup
  --keep-template-lines` on N documents with known clusters, and whether
  the two find the same clusters.

Run with the release wheel installed (python/run_tests.sh --release builds
it) and a release binary. Each figure is the best of three runs.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import deboil


def best(f, n=3):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def cli(binary, *args):
    def run():
        subprocess.run([binary, *args], check=True, capture_output=True)
    return run


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    records = [json.loads(line) for line in open(corpus, encoding="utf-8")]
    texts = [r["text"] for r in records]
    sites = [r.get("site") or r.get("url") for r in records]
    ids = [r["id"] for r in records]
    mb = os.path.getsize(corpus) / 1e6
    text_mb = sum(len(t.encode()) for t in texts) / 1e6
    print(f"corpus: {len(records)} documents, {mb:.1f} MB of JSONL, {text_mb:.1f} MB of text, "
          f"{os.cpu_count()} CPUs, deboil {deboil.__version__}")

    cleaner = deboil.Cleaner()
    t_py = best(lambda: cleaner.clean_batch(texts, sites))
    t_cli = best(cli(binary, "clean", corpus, "-o", "/dev/null", "-q"))
    print(f"clean   python clean_batch {t_py:.2f} s ({text_mb / t_py:.1f} MB/s of text)   "
          f"CLI {t_cli:.2f} s ({mb / t_cli:.1f} MB/s of JSONL)   python/CLI {t_py / t_cli:.2f}")

    hasher = deboil.MinHasher()
    t_sign = best(lambda: hasher.sign_batch(texts))

    def py_dedup():
        d = deboil.Deduper()
        d.add(ids, texts)
        return d.clusters()

    t_py = best(py_dedup)
    t_cli = best(cli(binary, "dedup", corpus, "--keep-template-lines", "-o", "/dev/null", "-q"))
    print(f"dedup   python Deduper {t_py:.2f} s   CLI {t_cli:.2f} s   python/CLI {t_py / t_cli:.2f}   "
          f"(sign_batch alone {t_sign:.2f} s, {text_mb / t_sign:.1f} MB/s)")

    if "--spark" in sys.argv:
        spark_bench(binary, int(sys.argv[sys.argv.index("--spark") + 1]))


def spark_bench(binary, n_docs):
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python", "tests"))
    from conftest import clustered_corpus, write_jsonl
    from pyspark.sql import SparkSession

    from deboil.spark import dedup

    n_stories = int(n_docs / 1.6)
    docs, _ = clustered_corpus(n_stories, seed=5)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "corpus.jsonl")
        write_jsonl(path, docs)
        clusters_path = os.path.join(tmp, "cli-clusters.jsonl")
        t0 = time.perf_counter()
        subprocess.run([binary, "dedup", path, "--keep-template-lines", "-o", "/dev/null", "-q",
                        "--clusters", clusters_path], check=True)
        t_cli = time.perf_counter() - t0
        want = sorted((c["representative"], frozenset(m["id"] for m in c["members"]))
                      for c in map(json.loads, open(clusters_path)))

        os.environ["PYSPARK_PYTHON"] = sys.executable
        os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"  # the loopback address only
        os.environ.setdefault("RAYON_NUM_THREADS", "1")  # one Python worker per core
        spark = (SparkSession.builder.master(f"local[{os.cpu_count()}]")
                 .config("spark.ui.enabled", "false").config("spark.driver.memory", "4g")
                 .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                 .getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        t0 = time.perf_counter()
        rows = dedup(spark.read.json(path)).select("id", "dup_of", "cluster_size").collect()
        t_spark = time.perf_counter() - t0
        spark.stop()
        groups = {}
        for r in rows:
            if r["cluster_size"] > 1:
                groups.setdefault(r["dup_of"] or r["id"], set()).add(r["id"])
        got = sorted((k, frozenset(v)) for k, v in groups.items())
        print(f"spark   {len(docs)} documents, {len(want)} clusters: Spark local[{os.cpu_count()}] "
              f"{t_spark:.1f} s   CLI {t_cli:.1f} s   same clusters: {got == want}")


if __name__ == "__main__":
    main()

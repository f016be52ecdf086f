"""The Spark job (deboil.spark) in local mode: the clusters `deboil dedup`
finds with the same parameters, on a corpus with known clusters."""

from __future__ import annotations

import os
import sys

import pytest

from conftest import clustered_corpus, read_jsonl, require, run_cli, write_jsonl

require("pyspark")
from pyspark.sql import SparkSession  # noqa: E402

from deboil.spark import connected_components, dedup, main  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    # Workers run this interpreter, the venv the wheel is installed in; the
    # driver listens on the loopback address only.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    session = (SparkSession.builder.master("local[2]").appName("deboil-tests")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.default.parallelism", "4")
               # Small input splits: the corpus spans many partitions.
               .config("spark.sql.files.maxPartitionBytes", "65536")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def cli_clusters(deboil_bin, path, tmp_path, *flags) -> list[tuple[str, frozenset]]:
    out = tmp_path / "cli-clusters.jsonl"
    r = run_cli(deboil_bin, "dedup", str(path), "--keep-template-lines", "--clusters", str(out),
                "-o", str(tmp_path / "cli-kept.jsonl"), "-q", *flags)
    assert r.returncode == 0, r.stderr
    return sorted((c["representative"], frozenset(m["id"] for m in c["members"])) for c in read_jsonl(out))


def spark_clusters(marked) -> list[tuple[str, frozenset]]:
    groups: dict[str, set] = {}
    for row in marked.collect():
        if row["cluster_size"] > 1:
            rep = row["dup_of"] or row["id"]
            groups.setdefault(rep, set()).add(row["id"])
    return sorted((rep, frozenset(m)) for rep, m in groups.items())


@pytest.mark.parametrize("flags", [(), ("--similarity", "containment", "--threshold", "0.7")])
def test_spark_finds_the_clusters_of_deboil_dedup(spark, deboil_bin, tmp_path, flags):
    docs, clusters = clustered_corpus(400, seed=11)
    path = tmp_path / "corpus.jsonl"
    write_jsonl(path, docs)
    df = spark.read.json(str(path))
    assert df.rdd.getNumPartitions() > 4  # split by maxPartitionBytes, in order
    opts = {"--similarity": ("measure", str), "--threshold": ("threshold", float)}
    kwargs = {opts[k][0]: opts[k][1](v) for k, v in zip(flags[::2], flags[1::2])}
    marked = dedup(df, keep_order=True, **kwargs)
    got = spark_clusters(marked)
    assert got == cli_clusters(deboil_bin, path, tmp_path, *flags)
    assert {m for _, m in got} == {frozenset(c) for c in clusters}
    rows = marked.collect()
    # Every document, in input order, its fields kept.
    assert [r["id"] for r in rows] == [d["id"] for d in docs]
    assert [r["text"] for r in rows] == [d["text"] for d in docs]


def test_the_command_writes_the_kept_documents(spark, deboil_bin, tmp_path):
    docs, _ = clustered_corpus(120, seed=3)
    path = tmp_path / "corpus.jsonl"
    write_jsonl(path, docs)
    out = tmp_path / "kept"
    assert main([str(path), str(out), "--master", "local[2]", "--keep-order"]) == 0
    got = [rec for part in sorted(out.glob("part-*.json")) for rec in read_jsonl(part)]
    r = run_cli(deboil_bin, "dedup", str(path), "--keep-template-lines", "-o", str(tmp_path / "cli.jsonl"), "-q")
    assert r.returncode == 0, r.stderr
    assert [d["id"] for d in got] == [d["id"] for d in read_jsonl(tmp_path / "cli.jsonl")]


def test_connected_components_join_chains_and_stars(spark):
    def components(edges):
        df = spark.createDataFrame(edges, "u long, v long").repartition(3)
        return {r["node"]: r["root"] for r in connected_components(df).collect()}

    edges = [(1, 2), (2, 3), (3, 4), (10, 11), (12, 11), (7, 7), (20, 5)]
    assert components(edges) == {1: 1, 2: 1, 3: 1, 4: 1, 10: 10, 11: 10, 12: 10, 5: 5, 20: 5}
    # A long path converges too, and a path in shuffled order.
    assert set(components([(i, i + 1) for i in range(40)]).values()) == {0}
    assert set(components([((i * 7) % 41, (i * 7 + 1) % 41) for i in range(40)]).values()) == {0}

"""The Spark job (deboil.spark) in local mode: the clusters `deboil dedup`
finds with the same parameters, on a corpus with known clusters."""

from __future__ import annotations

import json
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
    got = [rec for part in sorted(out.glob("part-*")) for rec in read_jsonl(part)]
    r = run_cli(deboil_bin, "dedup", str(path), "--keep-template-lines", "-o", str(tmp_path / "cli.jsonl"), "-q")
    assert r.returncode == 0, r.stderr
    assert [d["id"] for d in got] == [d["id"] for d in read_jsonl(tmp_path / "cli.jsonl")]


def parts(out) -> list[str]:
    return [line for part in sorted(out.glob("part-*")) for line in part.read_text("utf-8").splitlines()]


ARTICLE = ("The city council met on Tuesday to discuss the new budget for the coming "
           "year, which includes funding for schools and roads and parks.")
# Keys not in alphabetical order, nested objects, an int, 1.0, nulls,
# unicode escapes, spacing of its own: what Spark's JSON reader would change.
ODD = [
    '{"text": "%s", "id": "a", "meta": {"z": 1, "a": [1.0, null, {"y": "caf\\u00e9 \\ud83d\\ude00"}]}, "n": 3}' % ARTICLE,
    '{ "id":"b","score":1.0,"none":null, "text":"%s Updated.", "tags":["x"] }' % ARTICLE,
    '{"zz": null, "id": 7, "text": "Rain in the north, sun in the south, all \\u0077eek.", "w": 2.50}',
    '{}',
]


def test_the_command_writes_kept_lines_as_read(spark, tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text("".join(line + "\n" for line in ODD), "utf-8")
    assert main([str(path), str(tmp_path / "kept"), "--keep-order", "--clusters", str(tmp_path / "cl")]) == 0
    assert parts(tmp_path / "kept") == [ODD[0], ODD[2], ODD[3]]
    assert [(c["representative"], sorted(c["members"])) for c in map(json.loads, parts(tmp_path / "cl"))] == [
        ("a", ["a", "b"])]
    # --mark: the two fields added before the closing brace, the rest as read.
    assert main([str(path), str(tmp_path / "marked"), "--keep-order", "--mark"]) == 0
    assert parts(tmp_path / "marked") == [
        ODD[0][:-1] + ',"dup_of":null,"cluster_size":2}',
        ODD[1][:-1] + ',"dup_of":"a","cluster_size":2}',
        ODD[2][:-1] + ',"dup_of":null,"cluster_size":1}',
        '{"dup_of":null,"cluster_size":1}',
    ]
    # Marking marked records replaces their marks (each key once), every
    # other member as written.
    again = tmp_path / "marked.jsonl"
    again.write_text("".join(line + "\n" for line in parts(tmp_path / "marked")), "utf-8")
    assert main([str(again), str(tmp_path / "again"), "--keep-order", "--mark"]) == 0
    first, second = parts(tmp_path / "marked"), parts(tmp_path / "again")
    assert [json.loads(line) for line in second] == [json.loads(line) for line in first]
    assert all(line.count('"dup_of"') == line.count('"cluster_size"') == 1 for line in second)
    assert '{"y": "caf\\u00e9 \\ud83d\\ude00"}' in second[0]


def test_the_command_names_a_number_id_as_a_number(spark, tmp_path):
    path = tmp_path / "ids.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": ARTICLE}) + "\n" for i in (5, 3)), "utf-8")
    assert main([str(path), str(tmp_path / "marked"), "--keep-order", "--mark",
                 "--clusters", str(tmp_path / "cl")]) == 0
    assert [json.loads(line)["dup_of"] for line in parts(tmp_path / "marked")] == [None, 5]
    assert [(c["representative"], sorted(c["members"])) for c in map(json.loads, parts(tmp_path / "cl"))] == [
        (5, [3, 5])]


def test_a_number_id_is_written_as_it_was_read(spark, tmp_path):
    # As `deboil dedup` names it: 1e3 and 7.50 as written, not as Python's
    # float prints them (1000.0, 7.5).
    text = json.dumps(ARTICLE)
    path = tmp_path / "ids.jsonl"
    path.write_text(f'{{"id":1e3,"text":{text}}}\n{{"id":7.50,"text":{text}}}\n', "utf-8")
    assert main([str(path), str(tmp_path / "marked"), "--keep-order", "--mark",
                 "--clusters", str(tmp_path / "cl")]) == 0
    assert [line[line.index(',"dup_of"'):] for line in parts(tmp_path / "marked")] == [
        ',"dup_of":null,"cluster_size":2}', ',"dup_of":1e3,"cluster_size":2}']
    [cluster] = parts(tmp_path / "cl")
    head = '{"representative":1e3,"members":['
    assert cluster.startswith(head) and cluster.endswith("]}")
    assert sorted(cluster[len(head):-2].split(",")) == ["1e3", "7.50"]


def test_a_duplicate_of_a_row_without_an_id_fails_the_job(spark):
    """Its dup_of was null, as a kept row's: filtering on `dup_of IS NULL`
    kept the duplicate."""
    df = spark.createDataFrame([(None, ARTICLE), ("b", ARTICLE + " Updated."), (None, "Rain all week.")],
                               "id string, text string")
    with pytest.raises(Exception, match="a row whose id is null has duplicates"):
        dedup(df).collect()
    # Alone, a row without an id is no trouble.
    assert [r["dup_of"] for r in dedup(df.where("text = 'Rain all week.'")).collect()] == [None]


def test_connected_components_join_chains_and_stars(spark):
    def components(edges):
        df = spark.createDataFrame(edges, "u long, v long").repartition(3)
        return {r["node"]: r["root"] for r in connected_components(df).collect()}

    edges = [(1, 2), (2, 3), (3, 4), (10, 11), (12, 11), (7, 7), (20, 5)]
    assert components(edges) == {1: 1, 2: 1, 3: 1, 4: 1, 10: 10, 11: 10, 12: 10, 5: 5, 20: 5}
    # A long path converges too, and a path in shuffled order.
    assert set(components([(i, i + 1) for i in range(40)]).values()) == {0}
    assert set(components([((i * 7) % 41, (i * 7 + 1) % 41) for i in range(40)]).values()) == {0}

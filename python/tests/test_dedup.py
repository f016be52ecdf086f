"""Deduper: the clusters `deboil dedup` finds, in memory."""

from __future__ import annotations

import json
import warnings

import pytest

import deboil
from conftest import FIXTURES, clustered_corpus, read_jsonl, run_cli, write_jsonl

STORY = (
    "The council met on Monday and decided that the old bridge over the river "
    "will be rebuilt in the spring, after years of debate."
)


def cli_clusters(deboil_bin, path, tmp_path, *flags) -> list[dict]:
    out = tmp_path / "clusters.jsonl"
    r = run_cli(deboil_bin, "dedup", str(path), "--keep-template-lines", "--clusters", str(out),
                "-o", str(tmp_path / "kept.jsonl"), "-q", *flags)
    assert r.returncode == 0, r.stderr
    return read_jsonl(out)


def as_dicts(clusters: list[deboil.Cluster]) -> list[dict]:
    return [
        {
            "representative": c.representative,
            "kind": "exact" if c.exact else "near",
            "members": [{"id": i, "similarity": round(s, 4)} for i, s in c.members],
        }
        for c in clusters
    ]


@pytest.mark.parametrize("flags", [(), ("--similarity", "containment", "--threshold", "0.7"), ("--verify", "exact")])
def test_clusters_are_those_of_deboil_dedup(deboil_bin, tmp_path, flags):
    path = FIXTURES / "syndicated.jsonl"
    want = cli_clusters(deboil_bin, path, tmp_path, *flags)
    kwargs = {"--similarity": "measure", "--threshold": "threshold", "--verify": "verify"}
    opts = {kwargs[k]: (float(v) if k == "--threshold" else v) for k, v in zip(flags[::2], flags[1::2])}
    d = deboil.Deduper(**opts)
    records = read_jsonl(path)
    d.add([r["id"] for r in records], [r["text"] for r in records])
    assert as_dicts(d.clusters()) == want
    assert len(want) >= 2


def test_a_corpus_with_known_clusters(deboil_bin, tmp_path):
    docs, clusters = clustered_corpus(300)
    path = tmp_path / "corpus.jsonl"
    write_jsonl(path, docs)
    d = deboil.Deduper()
    # In batches: decisions follow input order, not batch sizes.
    for i in range(0, len(docs), 97):
        d.add([x["id"] for x in docs[i : i + 97]], [x["text"] for x in docs[i : i + 97]])
    got = d.clusters()
    assert {frozenset(i for i, _ in c.members) for c in got} == {frozenset(c) for c in clusters}
    assert as_dicts(got) == cli_clusters(deboil_bin, path, tmp_path)
    kept = d.kept()
    dup = d.duplicate_of()
    assert len(kept) == len(docs) == len(d)
    assert sum(kept) == len(docs) - sum(len(c) - 1 for c in clusters)
    assert all((k and x is None) or (not k and x is not None) for k, x in zip(kept, dup))
    size_of = {i: len(c) for c in got for i, _ in c.members}
    assert d.cluster_sizes() == [size_of.get(x["id"], 1) for x in docs]
    stats = d.stats()
    assert stats["clusters"] == len(clusters)
    assert stats["exact_dropped"] + stats["near_dropped"] == len(docs) - sum(kept)


def test_keep_longest_and_newest():
    d = deboil.Deduper(keep="longest")
    d.add(["a", "b"], [STORY, STORY + " Updated."])
    assert d.clusters()[0].representative == "b"
    d = deboil.Deduper(keep="newest")
    d.add(["a", "b", "c"], [STORY, STORY + " Updated.", STORY + " Again."], newest=["2024-05-01", "2023-01-01", None])
    assert d.clusters()[0].representative == "a"
    assert d.duplicate_of() == [None, "a", "a"]


def test_keep_newest_without_values_warns_as_the_cli_does():
    # `deboil dedup --keep newest:FIELD` warns when no document has the
    # field: each cluster then keeps its first, which a caller should hear.
    d = deboil.Deduper(keep="newest:date")
    d.add(["a", "b"], [STORY, STORY + " Updated."])
    with pytest.warns(UserWarning, match="no document was added with a `newest` value"):
        assert d.clusters()[0].representative == "a"
    d = deboil.Deduper(keep="newest")
    d.add(["a", "b"], [STORY, STORY + " Updated."], newest=[None, "2024"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert d.clusters()[0].representative == "b"


def test_the_first_call_of_clusters_decides():
    d = deboil.Deduper()
    d.add(["a", "b"], [STORY, STORY])
    first = d.clusters()
    assert first[0].exact and len(first[0]) == 2
    assert [c.members for c in d.clusters()] == [c.members for c in first]
    with pytest.raises(RuntimeError, match="takes no more documents"):
        d.add(["c"], [STORY])


def test_bad_settings_and_arguments():
    with pytest.raises(deboil.SettingsError, match="--bands 30 x --rows 5 exceeds --num-perm 128"):
        deboil.Deduper(bands=30, rows=5)
    with pytest.raises(deboil.SettingsError, match="bands and rows go together"):
        deboil.Deduper(bands=30)
    # Negative counts were an OverflowError (pyo3's conversion to unsigned).
    with pytest.raises(ValueError, match="bands -1 is negative"):
        deboil.Deduper(bands=-1, rows=5)
    with pytest.raises(ValueError, match="rows -5 is negative"):
        deboil.Deduper(bands=25, rows=-5)
    with pytest.raises(deboil.SettingsError, match="threshold 1.5 is not in"):
        deboil.Deduper(threshold=1.5)
    with pytest.raises(deboil.SettingsError, match="expected first, longest or newest"):
        deboil.Deduper(keep="oldest")
    with pytest.raises(deboil.SettingsError, match="expected jaccard or containment"):
        deboil.Deduper(measure="cosine")
    with pytest.raises(deboil.SettingsError, match="expected raw or cleaned"):
        deboil.Deduper(preset="x")
    with pytest.raises(ValueError, match="ids and texts differ in length"):
        deboil.Deduper().add(["a"], [])
    assert "containment threshold 0.7" in deboil.Deduper(preset="cleaned").settings

"""The Dolma tagger, run by Dolma itself (from PyPI). Dolma needs numpy<2
and datatrove numpy>=2: python/run_tests.sh runs this file in a venv of its
own (python/requirements-dolma.txt)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

from conftest import FIXTURES, read_jsonl, require

require("dolma")
from dolma.core.data_types import InputSpecWithMetadata  # noqa: E402
from dolma.core.registry import TaggerRegistry  # noqa: E402

import deboil  # noqa: E402
import deboil.dolma  # noqa: E402,F401  (registers deboil_junk)


def dolma_records() -> list[dict]:
    """The fixture in Dolma's document layout: id, text, source, metadata."""
    return [
        {"id": r["id"], "text": r["text"], "source": "fixture", "metadata": {"url": r["url"]}}
        for r in read_jsonl(FIXTURES / "syndicated.jsonl")
    ]


def expected(records: list[dict]) -> list[dict]:
    cleaner = deboil.Cleaner()
    out = []
    for r in records:
        _, removals = cleaner.clean(r["text"], r["metadata"]["url"])
        junk = [[s, e, 1.0] for _, s, e in removals]
        share = round(sum(e - s for _, s, e in removals) / len(r["text"]), 5)
        out.append({"junk": junk, "doc_junk_fraction": [[0, len(r["text"]), share]]})
    return out


def test_the_tagger_gives_the_cleaners_removals_as_spans():
    tagger = TaggerRegistry.get("deboil_junk")()
    records = dolma_records()
    for r, want in zip(records, expected(records)):
        got = tagger.tag(InputSpecWithMetadata(**r))
        assert {k: [list(s) for s in v] for k, v in got.items()} == want
    assert any(w["junk"] for w in expected(records))


def test_registered_taggers_take_their_own_rules(tmp_path):
    rule = '[[rule]]\nid = "t.promo"\nreason = "promo"\ncontains = ["buy our mug"]\n'
    deboil.dolma.register_tagger("deboil_mugs", rule_texts=[rule], default_rules=False)
    tagger = TaggerRegistry.get("deboil_mugs")()
    got = tagger.tag(InputSpecWithMetadata(id="1", text="Story.\nBuy our mug\n", metadata={}))
    assert got["junk"] == [(7, 18, 1.0)]


def test_dolma_tag_writes_the_attributes(tmp_path):
    docs = tmp_path / "documents"
    docs.mkdir()
    records = dolma_records()
    with gzip.open(docs / "part.jsonl.gz", "wt", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    r = subprocess.run(
        [sys.executable, "-m", "dolma.cli.__main__", "tag",
         "--documents", str(docs / "*.jsonl.gz"), "--experiment", "deboil",
         "--taggers", "deboil_junk", "--tagger_modules", "deboil.dolma", "--processes", "1"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    with gzip.open(tmp_path / "attributes" / "deboil" / "part.jsonl.gz", "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    assert [row["id"] for row in rows] == [r["id"] for r in records]
    for row, want in zip(rows, expected(records)):
        assert row["attributes"] == {f"deboil__deboil_junk__{k}": v for k, v in want.items()}


def test_the_site_field_comes_before_the_url_as_in_the_cli(tmp_path):
    # A site-scoped rule: it must fire where metadata names its site, even
    # when the URL's host is another (a CDN, an aggregator), as `deboil clean`
    # reads a record's `site` before its `url`; a `url` without `://` names
    # no site there either.
    rule = ('[[rule]]\nid = "t.mug"\nreason = "promo"\nsites = ["mugs.example"]\n'
            'contains = ["buy our mug"]\n')
    deboil.dolma.register_tagger("deboil_site_mugs", rule_texts=[rule], default_rules=False)
    tagger = TaggerRegistry.get("deboil_site_mugs")()
    text = "Story.\nBuy our mug\n"

    def junk(metadata: dict) -> list:
        return tagger.tag(InputSpecWithMetadata(id="1", text=text, metadata=metadata))["junk"]

    assert junk({"site": "mugs.example", "url": "https://cdn.other.example/a"}) == [(7, 18, 1.0)]
    assert junk({"url": "https://mugs.example/a"}) == [(7, 18, 1.0)]
    assert junk({"url": "mugs.example/a"}) == []
    assert junk({"site": "other.example", "url": "https://mugs.example/a"}) == []

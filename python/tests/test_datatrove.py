"""The datatrove steps, run by datatrove itself (from PyPI)."""

from __future__ import annotations

import gzip
import json
import pickle

import pytest

from conftest import FIXTURES, clustered_corpus, read_jsonl, require, run_cli, write_jsonl

require("datatrove")
from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

import deboil  # noqa: E402
from deboil.datatrove import DeboilClean, DeboilDedup  # noqa: E402


def documents(records: list[dict]) -> list[Document]:
    return [Document(text=r["text"], id=r["id"], metadata={"url": r.get("url")}) for r in records]


def test_clean_step_cleans_with_the_site_from_the_url():
    records = read_jsonl(FIXTURES / "syndicated.jsonl")
    step = DeboilClean(removals_key="deboil_removals", batch_size=3)
    out = list(step.run(iter(documents(records))))
    want = deboil.Cleaner().clean_batch([r["text"] for r in records], [r.get("url") for r in records])
    assert [d.text for d in out] == [t for t, _ in want]
    assert [d.metadata["deboil_removals"] for d in out] == [r for _, r in want]
    # The site's own rules ran (caucasuswatch.de pages).
    assert any(rule.startswith("caucasuswatch.") for d in out for rule, _, _ in d.metadata["deboil_removals"])
    stats = step.stats.to_dict()["stats"]
    assert stats["total"] == stats["forwarded"] == len(records)
    assert stats["removed_caucasuswatch.see-also"] == 4


def test_clean_step_takes_the_site_field_first_as_the_cli_does(deboil_bin, tmp_path):
    # Records with a site field and no url (as ../shared/data's pages): in
    # datatrove's metadata both are fields; the step read only "url", so
    # rules scoped to the site (learned ones, a site's rule file) never ran.
    records = read_jsonl(FIXTURES / "syndicated.jsonl")
    for r in records:
        r["site"] = deboil.site_of(r.pop("url"))
    path = tmp_path / "sited.jsonl"
    write_jsonl(path, records)
    docs = [Document(text=r["text"], id=r["id"], metadata={"site": r["site"], "lang": r["lang"]}) for r in records]
    out = list(DeboilClean(drop_empty=False).run(iter(docs)))
    want = tmp_path / "clean.jsonl"
    r = run_cli(deboil_bin, "clean", str(path), "-o", str(want), "-q")
    assert r.returncode == 0, r.stderr
    assert [d.text for d in out] == [d["text"] for d in read_jsonl(want)]
    assert any(d.text != r["text"] for d, r in zip(out, records))
    # A site field that names no site gives way to the url, as in the CLI.
    doc = Document(text=records[1]["text"], id="x", metadata={"site": " ", "url": "https://caucasuswatch.de/a"})
    assert [d.text for d in DeboilClean().run(iter([doc]))] == [out[1].text]


def test_clean_step_drops_documents_left_empty_and_passes_options():
    docs = [Document(text="We use cookies to improve your experience.\n", id="junk"), Document(text="News.\n", id="news")]
    assert [d.id for d in DeboilClean().run(iter(docs))] == ["news"]
    docs = [Document(text="We use cookies to improve your experience.\n", id="junk")]
    assert [d.text for d in DeboilClean(drop_empty=False, disable=["en.*"]).run(iter(docs))] == [docs[0].text]
    with pytest.raises(deboil.RuleError):
        DeboilClean(rule_texts=["[[rule]]\nid = 1\n"])


def test_steps_survive_pickling():
    step = pickle.loads(pickle.dumps(DeboilClean(disable=["en.cookie-notice"])))
    doc = Document(text="Story.\n\nWe use cookies to improve your experience.\n", id="a")
    assert [d.text for d in step.run(iter([doc]))] == [doc.text.rstrip("\n") + "\n"]
    dedup = pickle.loads(pickle.dumps(DeboilDedup(threshold=0.8)))
    assert dedup.deduper_args == {"threshold": 0.8}


def test_dedup_step_drops_or_marks_copies():
    docs, clusters = clustered_corpus(80)
    kept = list(DeboilDedup(batch_size=50).run(iter(Document(text=d["text"], id=d["id"]) for d in docs)))
    dropped = {i for c in clusters for i in c} - {d.id for d in kept}
    assert len(kept) == len(docs) - sum(len(c) - 1 for c in clusters)
    assert len(dropped) == sum(len(c) - 1 for c in clusters)
    marked = list(DeboilDedup(mark=True).run(iter(Document(text=d["text"], id=d["id"]) for d in docs)))
    assert len(marked) == len(docs)
    by_id = {d.id: d.metadata for d in marked}
    for c in clusters:
        reps = [i for i in c if by_id[i]["dup_of"] is None]
        assert len(reps) == 1
        assert all(by_id[i]["dup_of"] == reps[0] for i in c - {reps[0]})
        assert all(by_id[i]["cluster_size"] == len(c) for i in c)
    assert sum(m["cluster_size"] == 1 for m in by_id.values()) == len(docs) - sum(len(c) for c in clusters)


def test_dedup_step_keeps_the_newest_by_a_metadata_field(deboil_bin, tmp_path):
    # keep="newest:FIELD" compares doc.metadata[FIELD] (a dotted path into
    # nested metadata too), as `deboil dedup --keep newest:FIELD` compares
    # the record's field; it kept the first document, whatever its date.
    records = read_jsonl(FIXTURES / "syndicated.jsonl")
    dates = {"004_011d1d95fb55c242": 2019, "recrawl-004": 2024}
    for r in records:
        r["meta"] = {"date": dates.get(r["id"])}
    path = tmp_path / "dated.jsonl"
    write_jsonl(path, records)
    for field in ["meta.date", "date"]:
        docs = [
            Document(text=r["text"], id=r["id"], metadata=r["meta"] if field == "date" else {"meta": r["meta"]})
            for r in records
        ]
        kept = [d.id for d in DeboilDedup(keep=f"newest:{field}").run(iter(docs))]
        assert "recrawl-004" in kept and "004_011d1d95fb55c242" not in kept, kept
    want = tmp_path / "kept.jsonl"
    r = run_cli(deboil_bin, "dedup", str(path), "--keep-template-lines", "--keep", "newest:meta.date",
                "-o", str(want), "-q")
    assert r.returncode == 0, r.stderr
    assert kept == [d["id"] for d in read_jsonl(want)]


def test_a_datatrove_pipeline_gives_what_deboil_run_gives(deboil_bin, tmp_path):
    # JSONL in datatrove's reader: fields other than text and id land in
    # metadata, so `url` is metadata["url"], the site.
    src = tmp_path / "in"
    src.mkdir()
    records = read_jsonl(FIXTURES / "syndicated.jsonl")
    write_jsonl(src / "part.jsonl", records)
    out = tmp_path / "out"
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(src)),
            DeboilClean(),
            DeboilDedup(preset="cleaned"),
            JsonlWriter(str(out), output_filename="kept.jsonl.gz"),
        ],
        tasks=1,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    with gzip.open(out / "kept.jsonl.gz", "rt", encoding="utf-8") as f:
        got = [json.loads(line) for line in f]

    want_path = tmp_path / "run.jsonl"
    r = run_cli(deboil_bin, "run", str(src / "part.jsonl"), "--keep-template-lines", "-o", str(want_path), "-q")
    assert r.returncode == 0, r.stderr
    want = read_jsonl(want_path)
    assert [(d["id"], d["text"]) for d in got] == [(d["id"], d["text"]) for d in want]
    assert len(want) < len(records)

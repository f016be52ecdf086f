"""Cleaner: the same text and removals as `deboil clean`, in parallel."""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from pathlib import Path

import pytest

import deboil
from conftest import FIXTURES, read_jsonl, run_cli

COOKIES = "We use cookies to improve your experience."


def cli_site(record: dict, directory: str) -> str:
    """A record's site as the CLI takes it: `site`, else `url`, else
    `metadata.url`, else the directory's name."""
    for value in (record.get("site"), record.get("url"), (record.get("metadata") or {}).get("url")):
        if value and deboil.site_of(value):
            return value
    return directory


def test_removals_are_rule_ids_and_character_offsets():
    # Multibyte characters before the junk: byte and character offsets differ.
    text = f"Grüße aus Köln — ein Überblick\n\nThe café reopened — après the floods.\n\n{COOKIES}\n\nMore.\n"
    cleaned, removals = deboil.Cleaner().clean(text, "example.com")
    assert cleaned == "Grüße aus Köln — ein Überblick\n\nThe café reopened — après the floods.\n\nMore.\n"
    assert [r[0] for r in removals] == ["en.cookie-notice"]
    _, start, end = removals[0]
    assert text[start:end] == COOKIES


@pytest.mark.parametrize("name", ["seeds.jsonl", "syndicated.jsonl"])
def test_clean_batch_gives_what_the_cli_gives(deboil_bin, tmp_path, name):
    path = FIXTURES / name
    records = read_jsonl(path)
    out, explain = tmp_path / "out.jsonl", tmp_path / "explain.jsonl"
    r = run_cli(deboil_bin, "clean", str(path), "-o", str(out), "--explain", str(explain), "-q")
    assert r.returncode == 0, r.stderr
    want_texts = [rec["text"] for rec in read_jsonl(out)]
    want_removals: dict[str, list] = {}
    for e in read_jsonl(explain):
        want_removals.setdefault(e["id"], []).append((e["rule"], e["char_start"], e["char_end"]))

    sites = [cli_site(rec, path.parent.name) for rec in records]
    got = deboil.Cleaner().clean_batch([rec["text"] for rec in records], sites)
    assert [t for t, _ in got] == want_texts
    for rec, (_, removals) in zip(records, got):
        assert removals == want_removals.get(rec["id"], []), rec["id"]
    assert any(removals for _, removals in got), "the fixture has junk"


def test_clean_batch_equals_clean_one_by_one():
    records = read_jsonl(FIXTURES / "syndicated.jsonl")
    texts = [r["text"] for r in records]
    sites = [r.get("url") for r in records]
    c = deboil.Cleaner()
    assert c.clean_batch(texts, sites) == [c.clean(t, s) for t, s in zip(texts, sites)]
    assert c.clean_batch(texts) == [c.clean(t) for t in texts]
    assert c.clean_batch([]) == []


def test_sites_scope_rules_and_urls_give_their_host():
    c = deboil.Cleaner()
    text = "Title\n\nBody text.\n\nSiehe auch\n"
    for site in ("caucasuswatch.de", "https://www.CaucasusWatch.de/x/y?z"):
        assert c.clean(text, site) == ("Title\n\nBody text.\n", [("caucasuswatch.see-also", 19, 29)])
    # Another site, or none: the site's own rule does not run. The common
    # rule wants a mark after a bare "Siehe auch" (a manual's section
    # header reads the same), so the bare line stays and "Siehe auch:" goes.
    assert c.clean(text, "other.org")[1] == []
    marked = "Title\n\nBody text.\n\nSiehe auch:\n"
    assert c.clean(marked, "other.org")[1] == [("de.see-also", 19, 30)]
    assert c.clean(marked)[1] == [("de.see-also", 19, 30)]
    assert deboil.site_of("https://u@News.B.org:80/x") == "news.b.org"
    assert deboil.site_of(" Local News ") == "local_news"


def test_sites_must_match_texts_in_length():
    with pytest.raises(ValueError, match="texts and sites differ in length: 2 texts, 1 sites"):
        deboil.Cleaner().clean_batch(["a", "b"], ["x.org"])


def test_rule_files_texts_toggles_and_builtins(tmp_path):
    rule = '[[rule]]\nid = "t.promo"\nreason = "promo"\ncontains = ["buy our mug"]\n'
    (tmp_path / "a.toml").write_text(rule)
    text = "Story.\n\nBuy our mug today\n"
    for c in (
        deboil.Cleaner(tmp_path / "a.toml"),
        deboil.Cleaner([str(tmp_path)]),  # a directory: every *.toml inside
        deboil.Cleaner(rule_texts=[rule]),
    ):
        assert "t.promo" in c.rule_ids
        assert c.clean(text) == ("Story.\n", [("t.promo", 8, 25)])
    assert deboil.Cleaner(rule_texts=[rule], disable=["t.*"]).clean(text)[0] == text
    assert deboil.Cleaner(rule_texts=[rule], default_rules=False).rule_ids == ["t.promo"]
    # Built-ins: a short repeated line goes unless switched off.
    doubled = "Photo: A\nPhoto: A\n"
    assert deboil.Cleaner().clean(doubled)[0] == "Photo: A\n"
    assert deboil.Cleaner(no_builtin=["repeated-line"]).clean(doubled)[0] == doubled
    assert deboil.Cleaner(repeated_line_words=1).clean(doubled)[0] == doubled
    with pytest.raises(ValueError, match="unknown built-in cleanup `nope`"):
        deboil.Cleaner(no_builtin=["nope"])
    with pytest.raises(ValueError, match="rules must be a path"):
        deboil.Cleaner(rules=42)


def test_rule_errors_carry_the_clis_message(deboil_bin, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "a"\nreason = "r"\nregex = [\'(unclosed\']\n')
    r = run_cli(deboil_bin, "clean", "--rules", str(bad), str(FIXTURES / "seeds.jsonl"), "-o", str(tmp_path / "o"))
    assert r.returncode == 2
    with pytest.raises(deboil.RuleError) as e:
        deboil.Cleaner(bad)
    assert r.stderr.strip() == f"deboil: error: {e.value}"
    assert (e.value.file, e.value.line, e.value.col) == (str(bad), 4, 11)
    assert isinstance(e.value, ValueError)

    missing = tmp_path / "missing.toml"
    r = run_cli(deboil_bin, "clean", "--rules", str(missing), str(FIXTURES / "seeds.jsonl"), "-o", str(tmp_path / "o"))
    with pytest.raises(deboil.RuleError) as e:
        deboil.Cleaner(missing)
    assert r.stderr.strip() == f"deboil: error: {e.value}"
    assert e.value.line == 0

    with pytest.raises(deboil.RuleError, match=r"^<rule_texts\[0\]>:4:11: bad regex"):
        deboil.Cleaner(rule_texts=[bad.read_text()])


def test_clean_batch_releases_the_gil():
    # With a switch interval this long, no thread is made to hand the GIL
    # over: the main thread can only count while the batch runs if
    # clean_batch released it.
    c = deboil.Cleaner()
    texts = [f"Story {i}.\n\n{COOKIES}\n\n" + "Words of the article. " * 200 for i in range(1000)]
    started, done = threading.Event(), threading.Event()
    result = []

    def work():
        started.set()
        result.append(c.clean_batch(texts))
        done.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        t = threading.Thread(target=work)
        t.start()
        started.wait()
        counted = 0
        while not done.is_set():
            counted += 1
            time.sleep(0)  # lets the GIL go, so the worker can return
        t.join()
    finally:
        sys.setswitchinterval(old)
    assert len(result[0]) == len(texts)
    assert counted > 0, "the main thread never ran while clean_batch worked"


def test_a_negative_repeated_line_words_is_a_value_error():
    """It raised OverflowError, pyo3's for a negative unsigned count."""
    with pytest.raises(ValueError, match="repeated_line_words -1 is negative; give 0 or more"):
        deboil.Cleaner(repeated_line_words=-1)
    assert deboil.Cleaner(repeated_line_words=0).clean("a\n\na\n") is not None


@pytest.mark.parametrize("place, call", [
    ("texts[1]", lambda bad: deboil.Cleaner().clean_batch(["ok", bad])),
    ("sites[1]", lambda bad: deboil.Cleaner().clean_batch(["ok", "ok"], ["a.org", bad])),
    ("texts[2]", lambda bad: deboil.MinHasher().sign_batch(["ok", "ok", bad])),
    ("ids[1]", lambda bad: deboil.Deduper().add(["a", bad], ["ok", "ok"])),
    ("texts[1]", lambda bad: deboil.Deduper().add(["a", "b"], ["ok", bad])),
    ("newest[0]", lambda bad: deboil.Deduper(keep="newest").add(["a"], ["ok"], newest=[bad])),
    ("pages[1]", lambda bad: deboil.learn(["ok", bad], ["a.org", "a.org"])),
    ("sites[0]", lambda bad: deboil.learn(["ok"], [bad])),
    ("rule_texts[1]", lambda bad: deboil.Cleaner(rule_texts=["", bad])),
])
def test_a_bad_string_in_a_batch_is_named_by_its_place(place, call):
    """A lone surrogate (`"\\ud800"`, which `deboil clean` refuses naming
    the record's line) or a value that is no str raised pyo3's error naming
    the argument only: which of a batch's texts was bad was lost."""
    with pytest.raises(ValueError, match=re.escape(f"{place}: ") + ".*surrogates not allowed"):
        call("x \ud800 y")
    with pytest.raises(TypeError, match=re.escape(f"{place}: ") + ".*'bytes'"):
        call(b"x")
    if not place.startswith(("sites", "newest")):  # None is no site / no value there
        with pytest.raises(TypeError, match=re.escape(f"{place}: ") + ".*'None'"):
            call(None)


def test_a_str_given_for_a_batch_is_refused():
    with pytest.raises(TypeError, match="texts must be a sequence of str, not a str"):
        deboil.Cleaner().clean_batch("abc")
    with pytest.raises(TypeError, match="ids must be a sequence of str, not a str"):
        deboil.Deduper().add("ab", ["x", "y"])
    # A set or a dict has an order of its own: sites would go to other texts.
    with pytest.raises(TypeError, match="sites must be a sequence of str, not a set"):
        deboil.Cleaner().clean_batch(["a", "b"], {"x.org", "y.org"})
    with pytest.raises(TypeError, match="texts must be a sequence of str, not a dict"):
        deboil.MinHasher().sign_batch({"a": 1})
    assert len(deboil.Cleaner().clean_batch(("a", "b"), ["x.org", None])) == 2

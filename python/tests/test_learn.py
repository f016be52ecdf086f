"""learn: the same rules as `deboil learn`, usable by a Cleaner."""

from __future__ import annotations

import re
import subprocess

import pytest

import deboil
from conftest import FIXTURES, read_jsonl, run_cli


def test_learn_gives_the_clis_rule_file(deboil_bin, tmp_path):
    path = FIXTURES / "learn" / "pages.jsonl"
    out = tmp_path / "learned.toml"
    r = run_cli(deboil_bin, "learn", str(path), "-o", str(out), "-q")
    assert r.returncode == 0, r.stderr
    records = read_jsonl(path)
    sites = [rec.get("site") or rec.get("url") or path.parent.name for rec in records]
    toml = deboil.learn([rec["text"] for rec in records], sites)
    assert toml == out.read_text(encoding="utf-8")
    assert "learned.dailybugle.example.1" in toml


def test_learned_rules_clean_new_pages():
    pages = [
        f"Story number {i} tells its own tale of the day.\nFollow the Example Gazette on the bridge channel\n"
        for i in range(6)
    ]
    toml = deboil.learn(pages, ["https://news.example/a"] * 6)
    c = deboil.Cleaner(rule_texts=[toml], default_rules=False)
    page = "A new story.\nFollow the Example Gazette on the bridge channel\n"
    text, removals = c.clean(page, "news.example")
    assert text == "A new story.\n"
    assert removals[0][0].startswith("learned.news.example.")
    # Too few pages: nothing learned.
    assert "[[rule]]" not in deboil.learn(pages[:4], ["news.example"] * 4)
    assert "[[rule]]" in deboil.learn(pages[:4], ["news.example"] * 4, min_site_pages=4)


def test_learn_checks_its_arguments():
    with pytest.raises(ValueError, match="pages and sites differ in length: 1 pages, 0 sites"):
        deboil.learn(["x"], [])
    with pytest.raises(ValueError, match="min_share 2 is not in"):
        deboil.learn([], [], min_share=2.0)


@pytest.mark.parametrize("kwargs, message", [
    ({"min_pages": 0}, "min_pages 0 is under 2, the least `deboil learn --learn-min-pages` takes"),
    ({"min_pages": 1}, "min_pages 1 is under 2, the least `deboil learn --learn-min-pages` takes"),
    ({"min_pages": -3}, "min_pages -3 is under 2"),
    ({"min_share": 0.0}, "min_share 0 is not in (0, 1], as `deboil learn --learn-min-share` takes"),
    ({"min_share": -0.5}, "min_share -0.5 is not in (0, 1]"),
    ({"min_site_pages": -1}, "min_site_pages -1 is negative; give 0 or more"),
    ({"min_words": -1}, "min_words -1 is negative; give 0 or more"),
])
def test_learn_takes_what_the_cli_takes(deboil_bin, tmp_path, kwargs, message):
    """learn(min_pages=0 or 1, min_share=0) learned where `deboil learn`
    refuses those values, and a negative count raised OverflowError."""
    with pytest.raises(ValueError, match=re.escape(message)):
        deboil.learn(["x"], ["news.example"], **kwargs)
    flag = {"min_pages": "--learn-min-pages", "min_share": "--learn-min-share"}.get(next(iter(kwargs)))
    if flag:
        page = tmp_path / "p.jsonl"
        page.write_text('{"id": "a", "text": "x"}\n')
        cli = subprocess.run([deboil_bin, "learn", f"{flag}={next(iter(kwargs.values()))}", str(page)],
                             capture_output=True, text=True)
        assert cli.returncode == 64 or cli.returncode == 2, cli.stderr
        assert "invalid value" in cli.stderr, cli.stderr

"""Cleaner and MinHasher pickle (Spark, multiprocessing and datatrove ship
objects to workers by pickling them) and come back working the same."""

from __future__ import annotations

import multiprocessing
import pickle

import numpy as np

import deboil

RULE = """
[[rule]]
id = "local.promo"
reason = "a shop's promotion"
equals = ["Shop our summer sale now"]
[[rule.example]]
input = "Shop our summer sale now"
output = ""
"""

TEXT = "A storm hit the coast on Monday.\nShop our summer sale now\nWe use cookies to improve your experience.\nRoads reopened.\n"


def test_cleaner_pickles_with_its_rule_files_read(tmp_path):
    path = tmp_path / "local.toml"
    path.write_text(RULE, encoding="utf-8")
    cleaner = deboil.Cleaner(str(path), disable=["en.cookie-notice"])
    data = pickle.dumps(cleaner)
    # The rule file's text travels in the pickle: workers need not see it.
    path.unlink()
    again = pickle.loads(data)
    assert again.rule_ids == cleaner.rule_ids
    assert "local.promo" in again.rule_ids
    assert again.clean(TEXT) == cleaner.clean(TEXT)
    cleaned, removals = again.clean(TEXT)
    assert "summer sale" not in cleaned
    # The disabled rule stays disabled: the cookie line is kept.
    assert "cookies" in cleaned
    assert [r[0] for r in removals] == ["local.promo"]


def test_cleaner_pickle_keeps_rule_texts_and_builtins():
    cleaner = deboil.Cleaner(rule_texts=[RULE], default_rules=False, no_builtin=["repeated-line"])
    again = pickle.loads(pickle.dumps(cleaner))
    assert again.rule_ids == ["local.promo"]
    text = "Same line here.\nSame line here.\n"
    assert again.clean(text) == cleaner.clean(text)
    assert again.clean(text)[0] == text


def _clean_in_worker(args):
    cleaner, text = args
    return cleaner.clean(text)


def test_cleaner_runs_in_a_process_pool():
    cleaner = deboil.Cleaner(rule_texts=[RULE])
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        got = pool.map(_clean_in_worker, [(cleaner, TEXT)] * 2)
    assert got == [cleaner.clean(TEXT)] * 2


def test_minhasher_pickles_with_its_settings():
    for hasher in (deboil.MinHasher("word:5", 64, "classic"), deboil.MinHasher()):
        again = pickle.loads(pickle.dumps(hasher))
        assert (again.shingle, again.num_perm) == (hasher.shingle, hasher.num_perm)
        texts = ["the quick brown fox jumps over the lazy dog " * 3, "another text entirely, with words"]
        assert np.array_equal(again.sign_batch(texts), hasher.sign_batch(texts))

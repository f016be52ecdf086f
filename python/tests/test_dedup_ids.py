"""Deduper tells documents apart by position: an id added twice is two
documents, and deciding warns, as `deboil dedup` does, since `clusters()` and
`duplicate_of()` then name two documents by one id."""

from __future__ import annotations

import warnings

import pytest

import deboil

STORY = (
    "The council met on Monday and decided that the old bridge over the river "
    "will be rebuilt in the spring, after years of debate."
)
OTHER = "A recipe for bread: flour, water, salt and yeast, left to rise overnight in a warm kitchen."


def test_an_id_added_twice_is_two_documents_and_warns_once():
    d = deboil.Deduper()
    d.add(["a", "b"], [STORY, OTHER])
    # The same id in a later batch (a re-crawl, or a batch added twice).
    d.add(["c", "a", "a"], ["something else entirely, on its own and unlike the rest", STORY, OTHER])
    assert len(d) == 5
    with pytest.warns(UserWarning, match=r"2 documents repeat an earlier document's id \(first: \"a\", "
                                         r"documents 0 and 3 in the order added\)"):
        dup_of = d.duplicate_of()
    assert dup_of == [None, None, None, "a", "b"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Decided once: no second warning.
        assert [len(c) for c in d.clusters()] == [2, 2]


def test_unique_ids_do_not_warn_and_an_error_filter_raises():
    d = deboil.Deduper()
    d.add(["a", "b"], [STORY, STORY])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert d.kept() == [True, False]
    strict = deboil.Deduper()
    strict.add(["x", "x"], [STORY, OTHER])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match=r"1 document repeats .*first: \"x\", documents 0 and 1"):
            strict.clusters()

"""MinHasher, band_keys, similarity, containment, optimal_bands."""

from __future__ import annotations

import random
import re
import subprocess

import numpy as np
import pytest

import deboil
from conftest import clustered_corpus, story

TEXT = "The council met on Monday and decided that the old bridge over the river will be rebuilt."


def test_sign_batch_is_a_uint32_matrix_equal_to_sign():
    m = deboil.MinHasher()
    texts = [TEXT, TEXT.upper(), "Something else entirely, about the weather.", ""]
    sigs = m.sign_batch(texts)
    assert sigs.dtype == np.uint32 and sigs.shape == (4, 128)
    for t, row in zip(texts, sigs):
        assert np.array_equal(m.sign(t), row)
    # Normalised: case does not matter.
    assert np.array_equal(sigs[0], sigs[1])
    assert m.sign_batch([]).shape == (0, 128)
    assert deboil.MinHasher("word:3", 64).sign_batch([TEXT]).shape == (1, 64)
    assert (m.num_perm, m.shingle) == (128, "char:7")


def test_shingle_counts_come_with_the_signatures():
    sigs, counts = deboil.MinHasher().sign_batch(["abcdefgh", "", "abcdefgh abcdefgh"], shingles=True)
    assert counts.dtype == np.uint32
    # Distinct 7-grams: `abcdefg` and `bcdefgh` recur in the third text.
    assert list(counts) == [2, 0, 9]
    assert sigs.shape == (3, 128)


def test_similarity_of_copies_and_of_other_texts():
    m = deboil.MinHasher()
    a, b, c = m.sign_batch([TEXT, TEXT + " It will open in spring.", "Weather: sunny, later some rain."])
    assert deboil.similarity(a, a) == 1.0
    assert 0.5 < deboil.similarity(a, b) < 1.0
    assert deboil.similarity(a, c) < 0.2
    # Rows of 2-D arrays: one similarity per row.
    sims = deboil.similarity(np.stack([a, a]), np.stack([b, c]))
    assert sims.shape == (2,)
    assert sims[0] == deboil.similarity(a, b) and sims[1] == deboil.similarity(a, c)
    with pytest.raises(ValueError, match="different shapes"):
        deboil.similarity(a, np.stack([a, b]))


def test_containment_finds_an_abridged_copy():
    m = deboil.MinHasher()
    full = story(random.Random(1), 300)
    short = full[: len(full) // 3]
    sigs, counts = m.sign_batch([full, short], shingles=True)
    j = deboil.similarity(sigs[0], sigs[1])
    c = deboil.containment(sigs[0], sigs[1], int(counts[0]), int(counts[1]))
    assert j < 0.5 < 0.8 < c
    many = deboil.containment(sigs[:1], sigs[1:], counts[:1], counts[1:])
    assert many.shape == (1,) and many[0] == c
    # An empty text is similar only to another empty one, given its count.
    e = m.sign("")
    assert deboil.similarity(e, sigs[1], 0, int(counts[1])) == 0.0
    assert deboil.similarity(e, e, 0, 0) == 1.0


def test_band_keys_match_for_copies_and_follow_the_bands():
    m = deboil.MinHasher()
    sigs = m.sign_batch([TEXT, TEXT.lower(), "Weather: sunny, later some rain."])
    keys = deboil.band_keys(sigs, 25, 5)
    assert keys.dtype == np.uint64 and keys.shape == (3, 25)
    assert np.array_equal(keys[0], keys[1])
    assert not np.any(keys[0] == keys[2])
    # A band's key depends on its rows only.
    changed = sigs.copy()
    changed[0, 5] ^= 1
    k2 = deboil.band_keys(changed, 25, 5)
    assert k2[0, 0] == keys[0, 0] and k2[0, 1] != keys[0, 1]
    with pytest.raises(deboil.SettingsError, match="bands 30 x rows 5 exceeds num_perm 128"):
        deboil.band_keys(sigs, 30, 5)
    with pytest.raises(ValueError, match="bands -1 is negative"):
        deboil.band_keys(sigs, -1, 5)


def test_optimal_bands_are_those_dedup_picks():
    assert deboil.optimal_bands(0.5, 128) == (25, 5)
    assert "25 bands x 5 rows" in deboil.Deduper().settings
    b, r = deboil.optimal_bands(0.8, 128)
    assert f"{b} bands x {r} rows" in deboil.Deduper(threshold=0.8).settings
    with pytest.raises(deboil.SettingsError, match="threshold 0 is not in"):
        deboil.optimal_bands(0.0)


def test_candidates_by_band_keys_find_the_known_clusters():
    # LSH by hand, as a Spark job does it: documents sharing a band key are
    # candidates, verified on their signatures.
    docs, clusters = clustered_corpus(60)
    m = deboil.MinHasher()
    sigs = m.sign_batch([d["text"] for d in docs])
    keys = deboil.band_keys(sigs, 25, 5)
    buckets: dict[tuple[int, int], list[int]] = {}
    for i, row in enumerate(keys):
        for band, key in enumerate(row):
            buckets.setdefault((band, int(key)), []).append(i)
    edges = set()
    for members in buckets.values():
        for x in members[1:]:
            if deboil.similarity(sigs[members[0]], sigs[x]) >= 0.5:
                edges.add((docs[members[0]]["id"], docs[x]["id"]))
    found: dict[str, set[str]] = {}
    for a, b in edges:
        merged = found.get(a, {a}) | found.get(b, {b})
        for x in merged:
            found[x] = merged
    assert {frozenset(s) for s in found.values()} == {frozenset(c) for c in clusters}


def test_bad_settings_raise():
    with pytest.raises(deboil.SettingsError, match="expected word:N or char:N"):
        deboil.MinHasher("chars:7")
    with pytest.raises(deboil.SettingsError, match="N must be 1 to 64"):
        deboil.MinHasher("char:0")
    with pytest.raises(deboil.SettingsError, match="num_perm 0 is not in 8 to 1024"):
        deboil.MinHasher(num_perm=0)
    with pytest.raises(deboil.SettingsError, match="expected oph or classic"):
        deboil.MinHasher(scheme="x")


def test_out_of_range_sizes_raise_not_panic():
    """Sizes past what the command takes are settings errors, not a Rust
    panic (an overflow) or an allocation of terabytes or a search that
    never ends."""
    sigs = np.zeros((2, 128), dtype=np.uint32)
    with pytest.raises(deboil.SettingsError, match="exceeds num_perm 128"):
        deboil.band_keys(sigs, 2**62, 8)
    with pytest.raises(deboil.SettingsError, match="num_perm 1099511627776 is not in 8 to 1024"):
        deboil.MinHasher("char:7", 2**40)
    with pytest.raises(deboil.SettingsError, match="num_perm 1048576 is not in 8 to 1024"):
        deboil.optimal_bands(0.5, 2**20)
    with pytest.raises(deboil.SettingsError, match="num_perm 100000 is not in 8 to 1024"):
        deboil.Deduper(num_perm=100000)
    with pytest.raises(deboil.SettingsError, match="exceeds --num-perm 128"):
        deboil.Deduper(bands=2**62, rows=8)


@pytest.mark.parametrize("num_perm", [-1, 0, 1, 7, 1025, 65535])
def test_num_perm_is_taken_in_the_clis_range(deboil_bin, tmp_path, num_perm):
    """MinHasher and Deduper took 1 to 65535 (and a negative count raised
    OverflowError) where `deboil dedup --num-perm` takes 8 to 1024, and the
    message called 65535 the command's limit."""
    want = f"num_perm {num_perm} is not in 8 to 1024, the range `deboil dedup --num-perm` takes"
    for make in (lambda: deboil.MinHasher(num_perm=num_perm),
                 lambda: deboil.Deduper(num_perm=num_perm),
                 lambda: deboil.optimal_bands(0.5, num_perm)):
        with pytest.raises(ValueError, match=re.escape(want)):
            make()
    page = tmp_path / "p.jsonl"
    page.write_text('{"id": "a", "text": "x"}\n')
    cli = subprocess.run([deboil_bin, "dedup", f"--num-perm={num_perm}", str(page)],
                         capture_output=True, text=True)
    assert cli.returncode != 0
    assert "8..=1024" in cli.stderr, cli.stderr


@pytest.mark.parametrize("num_perm", [8, 1024])
def test_num_perm_at_the_ends_of_the_range_is_taken(num_perm):
    assert deboil.MinHasher(num_perm=num_perm).num_perm == num_perm
    deboil.Deduper(num_perm=num_perm)


SIGS = np.zeros((2, 128), dtype=np.uint32)


@pytest.mark.parametrize("value", [2**64, 2**63, -(2**63) - 1, -(2**64),
                                   pytest.param(10**5000, id="10**5000")])
@pytest.mark.parametrize("name, call", [
    ("num_perm", lambda v: deboil.MinHasher(num_perm=v)),
    ("num_perm", lambda v: deboil.Deduper(num_perm=v)),
    ("num_perm", lambda v: deboil.optimal_bands(0.5, v)),
    ("bands", lambda v: deboil.Deduper(bands=v, rows=5)),
    ("rows", lambda v: deboil.Deduper(bands=25, rows=v)),
    ("bands", lambda v: deboil.band_keys(SIGS, v, 5)),
    ("rows", lambda v: deboil.band_keys(SIGS, 25, v)),
    ("repeated_line_words", lambda v: deboil.Cleaner(repeated_line_words=v)),
    ("min_site_pages", lambda v: deboil.learn(["x"], ["news.example"], min_site_pages=v)),
    ("min_pages", lambda v: deboil.learn(["x"], ["news.example"], min_pages=v)),
    ("min_words", lambda v: deboil.learn(["x"], ["news.example"], min_words=v)),
    ("shingles_a", lambda v: deboil.similarity(SIGS[0], SIGS[1], v, 1)),
    ("shingles_b", lambda v: deboil.containment(SIGS[0], SIGS[1], 1, v)),
    ("shingles_a[1]", lambda v: deboil.similarity(SIGS, SIGS, [1, v], [1, 1])),
])
def test_an_int_past_64_bits_is_a_value_error_naming_its_argument(name, call, value):
    """Past i64 / u64 every integer argument raised pyo3's OverflowError,
    where the same argument's other bad values are ValueErrors naming it."""
    with pytest.raises(ValueError) as e:
        call(value)
    assert not isinstance(e.value, OverflowError)
    assert str(e.value).startswith(f"{name} "), str(e.value)
    if value < 10**100:
        assert f"{name} {value} " in str(e.value), str(e.value)


@pytest.mark.parametrize("value, message", [
    (-1, "shingles_a -1 is negative; give 0 or more"),
    (2**32, "shingles_a 4294967296 is too large; give at most 4294967295"),
])
def test_a_shingle_count_out_of_uint32_is_a_value_error(value, message):
    """One count out of range was a TypeError (no list), one in a list an
    OverflowError."""
    with pytest.raises(ValueError, match=re.escape(message)):
        deboil.containment(SIGS[0], SIGS[1], value, 1)
    with pytest.raises(ValueError, match=re.escape(message.replace("shingles_a", "shingles_a[0]"))):
        deboil.containment(SIGS, SIGS, np.array([value, 1], dtype=object), [1, 1])
    assert deboil.containment(SIGS[0], SIGS[1], 2**32 - 1, 0) >= 0

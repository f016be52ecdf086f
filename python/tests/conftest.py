"""Shared fixtures: the repository's files, the CLI to compare with, and a
corpus with known clusters."""

from __future__ import annotations

import importlib
import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(path: Path, records: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


@pytest.fixture(scope="session")
def deboil_bin() -> str:
    """The `deboil` binary to compare with: $DEBOIL_BIN (python/run_tests.sh
    sets it; a missing one fails), else one on PATH, else the tests that
    need it are skipped."""
    path = os.environ.get("DEBOIL_BIN")
    if path:
        if not os.access(path, os.X_OK):
            pytest.fail(f"DEBOIL_BIN={path} is not an executable")
        return path
    found = shutil.which("deboil")
    if not found:
        pytest.skip("no deboil binary: set DEBOIL_BIN (python/run_tests.sh does)")
    return found


def require(module: str):
    """Imports an optional library the adapters need: skipped without it,
    unless $DEBOIL_REQUIRE_ADAPTERS is set (python/run_tests.sh sets it,
    where a missing library is a failure)."""
    if os.environ.get("DEBOIL_REQUIRE_ADAPTERS"):
        return importlib.import_module(module)
    return pytest.importorskip(module)


def run_cli(deboil_bin: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [deboil_bin, *args], capture_output=True, text=True, check=False, timeout=300
    )


WORDS = (
    "council bridge river spring harbour market station school library museum "
    "minister election budget court police weather storm festival concert team "
    "match season player coach hospital doctor nurse village mayor road traffic "
    "train airport flight price energy power water farm harvest forest park "
    "street tower garden theatre film book author teacher student science study"
).split()


def story(rng: random.Random, n_words: int) -> str:
    """A made-up article: sentences of random words, so two stories share
    little but their vocabulary."""
    sentences = []
    left = n_words
    while left > 0:
        k = min(left, rng.randint(8, 16))
        s = " ".join(rng.choice(WORDS) for _ in range(k))
        sentences.append(s[0].upper() + s[1:] + ".")
        left -= k
    return " ".join(sentences)


def edit(rng: random.Random, text: str, changes: int) -> str:
    """A near copy: a few words replaced."""
    words = text.split(" ")
    for _ in range(changes):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


def clustered_corpus(n_stories: int, seed: int = 7) -> tuple[list[dict], list[set[str]]]:
    """Documents `{"id", "text"}` and the clusters they were made with: each
    story has 0 to 3 copies (exact, lightly edited, or with a line added),
    shuffled among the rest."""
    rng = random.Random(seed)
    docs: list[dict] = []
    clusters: list[set[str]] = []
    for i in range(n_stories):
        base = story(rng, rng.randint(120, 260))
        members = [{"id": f"s{i}", "text": base}]
        for j in range(rng.choice([0, 0, 1, 2, 3])):
            kind = rng.choice(["exact", "edit", "extra"])
            text = {
                "exact": base,
                "edit": edit(rng, base, 3),
                "extra": base + "\nUpdated on Monday with comments.",
            }[kind]
            members.append({"id": f"s{i}-copy{j}", "text": text})
        docs.extend(members)
        if len(members) > 1:
            clusters.append({m["id"] for m in members})
    rng.shuffle(docs)
    return docs, clusters

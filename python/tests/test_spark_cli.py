"""`python -m deboil.spark` as a user runs it from a virtual environment:
no PYSPARK_PYTHON set, and a `python3` on PATH that lacks the wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import FIXTURES, read_jsonl, require

require("pyspark")

ARTICLE = ("The city council met on Tuesday to discuss the new budget for the coming "
           "year, which includes funding for schools and roads and parks.")


def run(args, tmp_path):
    # The python3 PATH gives has no deboil: local workers must not use it.
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "python3").write_text("#!/bin/sh\necho 'not the venv python' >&2\nexit 1\n")
    (fake / "python3").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    env["PATH"] = f"{fake}{os.pathsep}{env.get('PATH', '')}"
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    return subprocess.run([sys.executable, "-m", "deboil.spark", *args], env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_command_runs_from_a_venv_and_stops_on_lines_that_are_not_json(tmp_path):
    path = tmp_path / "in.jsonl"
    with open(path, "w") as f:
        f.write(json.dumps({"id": "a", "text": ARTICLE}) + "\n")
        f.write("{not json\n")
        f.write(json.dumps({"id": "b", "text": ARTICLE + " Updated."}) + "\n")
        f.write("also not json\n")
        f.write(json.dumps({"id": "c", "text": "Rain in the north, sun in the south, all week."}) + "\n")
    r = run([str(path), str(tmp_path / "out"), "--master", "local[2]"], tmp_path)
    assert r.returncode == 2, r.stderr[-3000:]
    assert "2 lines that are not JSON objects, the first in" in r.stderr
    assert "in.jsonl: '{not json'" in r.stderr
    assert not (tmp_path / "out").exists()
    r = run([str(path), str(tmp_path / "kept"), "--master", "local[2]", "--skip-bad"], tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "skipped 2 lines that are not JSON objects" in r.stderr
    kept = [d for part in sorted((tmp_path / "kept").glob("part-*")) for d in read_jsonl(part)]
    assert sorted(d["id"] for d in kept) == ["a", "c"]
    assert all("_corrupt_record" not in d for d in kept)


def test_records_without_a_text_are_kept_and_counted(tmp_path):
    # A record without the text field (a typo in --text-field makes it
    # every record) was signed as an empty text: all such records were
    # exact copies of the first, and all but one were dropped, silently.
    seeds = read_jsonl(FIXTURES / "seeds.jsonl")
    path = tmp_path / "in.jsonl"
    with open(path, "w") as f:
        for d in seeds:
            f.write(json.dumps({"id": d["id"], "body": d["text"]}) + "\n")
        f.write(json.dumps({"id": "null", "text": None}) + "\n")
    r = run([str(path), str(tmp_path / "kept"), "--master", "local[2]"], tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "warning: 6 records without the text field 'text' (missing or null): kept" in r.stderr
    kept = [d for part in sorted((tmp_path / "kept").glob("part-*")) for d in read_jsonl(part)]
    assert sorted(d["id"] for d in kept) == sorted([d["id"] for d in seeds] + ["null"])

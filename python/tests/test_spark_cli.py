"""`python -m deboil.spark` as a user runs it from a virtual environment:
no PYSPARK_PYTHON set, and a `python3` on PATH that lacks the wheel."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

from conftest import FIXTURES, read_jsonl, require, run_cli, story

require("pyspark")

ARTICLE = ("The city council met on Tuesday to discuss the new budget for the coming "
           "year, which includes funding for schools and roads and parks.")


def run(args, tmp_path, *spark_conf: str):
    # The python3 PATH gives has no deboil: local workers must not use it.
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "python3").write_text("#!/bin/sh\necho 'not the venv python' >&2\nexit 1\n")
    (fake / "python3").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    env["PATH"] = f"{fake}{os.pathsep}{env.get('PATH', '')}"
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    if spark_conf:
        env["PYSPARK_SUBMIT_ARGS"] = " ".join(f"--conf {c}" for c in spark_conf) + " pyspark-shell"
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
    # Named by its line, as deboil names a bad record (only its file was).
    assert "2 lines that are not JSON objects, the first at" in r.stderr
    assert "in.jsonl:2: '{not json'" in r.stderr
    assert not (tmp_path / "out").exists()
    r = run([str(path), str(tmp_path / "kept"), "--master", "local[2]", "--skip-bad"], tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "skipped 2 lines that are not JSON objects, the first at" in r.stderr
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


def test_a_duplicate_of_a_record_without_an_id_is_marked_by_its_line(deboil_bin, tmp_path):
    """A record with no id the command takes (missing, null, empty,
    boolean) was named by its JSON text, `null` or `true`: `--mark` wrote
    `"dup_of": null` on its duplicates, as on a kept record, where `deboil
    dedup --mark` writes its FILE:LINE. Read in small splits, so that the
    line numbers run across blocks."""
    rng = random.Random(3)
    records = [{"id": f"f{i}", "text": story(rng, 40)} for i in range(60)]
    a, b = story(rng, 60), story(rng, 60)
    records[1:1] = [{"text": a}, {"id": None, "text": a + " Updated."}]
    records[45:45] = [{"id": True, "text": b}, {"id": "", "text": b + " Updated."},
                      {"id": [1], "text": b + " Updated again."}]
    lines = ["", *(json.dumps(r) for r in records[:30]), "", *(json.dumps(r) for r in records[30:])]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    cli = run_cli(deboil_bin, "dedup", "--mark", "-q", str(path))
    assert cli.returncode == 0, cli.stderr
    want = {d["text"]: d["dup_of"] for d in map(json.loads, cli.stdout.splitlines())}
    r = run([str(path), str(tmp_path / "out"), "--master", "local[2]", "--mark"], tmp_path,
            "spark.sql.files.maxPartitionBytes=4000", "spark.sql.files.openCostInBytes=0")
    assert r.returncode == 0, r.stderr[-3000:]
    got = {d["text"]: d["dup_of"] for part in (tmp_path / "out").glob("part-*") for d in read_jsonl(part)}
    assert len(got) == len(records)
    # The command names the file as given, Spark by its URI.
    prefix = path.as_uri().replace("file:///", "file:/")
    got = {t: d.replace(prefix, str(path)).replace(path.as_uri(), str(path)) if isinstance(d, str) else d
           for t, d in got.items()}
    assert sorted(v for v in want.values() if v) == [f"{path}:3", f"{path}:48", f"{path}:48"]
    assert got == want


def test_the_id_and_text_fields_are_read_as_the_command_reads_them():
    """`--text-field content.body` and `--id-field meta.id` read top-level
    keys of that name only: every record was textless (kept, compared with
    none) and had the id `null`."""
    from deboil.spark import _parse_lines

    rows = [("f", 0, '{"meta": {"id": 7}, "content": {"body": "x"}}'), ("f", 0, "  "),
            ("f", 0, '{"meta.id": "top", "meta": {"id": 1}, "content": {"body": ["y"]}}'),
            ("f", 9, '{"meta": {"id": ""}, "content": {}}')]
    got = [t[1:] for t in _parse_lines(rows, "meta.id", "content.body")]
    assert got == [(0, 0, rows[0][2], True, "7", "x"),
                   (0, 2, rows[2][2], True, '"top"', '["y"]'),
                   (9, 0, rows[3][2], True, None, None)]


def test_bad_settings_stop_before_spark_starts(tmp_path):
    """A bad `--shingle` was not checked on the driver: Spark started and
    every worker failed with a Python traceback (`deboil dedup` refuses it
    at once); `max_per_bucket` under 1 paired documents out of their
    buckets."""
    import pytest

    import deboil
    from deboil.spark import dedup

    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a", "text": ARTICLE}) + "\n")
    for flags, message in [(["--shingle", "chars:7"], "`chars:7`: expected word:N or char:N"),
                           (["--num-perm", "2000"], "num_perm 2000 is not in 8 to 1024")]:
        r = run([str(path), str(tmp_path / "out"), *flags], tmp_path)
        assert r.returncode == 2, r.stderr[-3000:]
        assert f"python -m deboil.spark: error: {message}" in r.stderr, r.stderr[-3000:]
        assert "Traceback" not in r.stderr and not (tmp_path / "out").exists()
    # Checked before the DataFrame is touched.
    with pytest.raises(deboil.SettingsError, match="expected word:N or char:N"):
        dedup(None, shingle="chars:7")
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match=f"max_per_bucket {bad!r} is not a count of 1 or more"):
            dedup(None, max_per_bucket=bad)

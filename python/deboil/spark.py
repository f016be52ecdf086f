"""Near-duplicate detection on Spark (``pip install pyspark``), with deboil's
signatures: the clusters ``deboil dedup --keep-template-lines`` finds, on a
cluster engine you already run.

1. **Signatures per partition**: each partition's texts go to the wheel in
   batches (one Rust call per batch: ``MinHasher.sign_batch`` and
   ``band_keys``); a signature is kept as its values' low bytes, which is
   all verification reads (``num_perm`` bytes a document).
2. **Candidates by Spark's shuffle**: band key -> documents, grouped by
   Spark SQL; in each bucket a document is paired with the (at most
   ``max_per_bucket``) documents before it, as ``deboil dedup`` does.
3. **Verification on signatures**: each pair is joined with its two
   signatures and kept when its similarity (Jaccard, or containment with a
   Jaccard floor) reaches the threshold, computed by the wheel a partition
   at a time.
4. **Connected components** of the verified pairs with large-star /
   small-star (Kiveris et al., 2014) in DataFrame operations; each
   component is a cluster whose first document (input order) is kept.

Only signing and verification run Python; the shuffles are Spark SQL's.

>>> from pyspark.sql import SparkSession
>>> from deboil.spark import dedup
>>> spark = SparkSession.builder.getOrCreate()                       # doctest: +SKIP
>>> docs = spark.read.json("corpus/*.jsonl")                          # doctest: +SKIP
>>> marked = dedup(docs, threshold=0.5)     # docs + dup_of, cluster_size  # doctest: +SKIP
>>> marked.filter("dup_of IS NULL").drop("dup_of", "cluster_size").write.json("kept/")  # doctest: +SKIP

Or ``python -m deboil.spark INPUT OUTPUT`` (``--help``), which reads the
lines as text and writes the kept ones as read. Unlike ``deboil
dedup``, components are not split into stars: on text where weak matches
chain (short texts sharing boilerplate), clean first and prefer
containment with its Jaccard floor. Site template lines are not left out of
the signatures: clean the texts with the rules first where sites repeat
junk.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from typing import Any, Iterable, Iterator, Optional

import numpy as np

import deboil

#: Documents signed per call into the wheel.
SIGN_BATCH = 2000
#: Candidate pairs verified per call into the wheel.
VERIFY_BATCH = 20000


def _settings(
    threshold: Optional[float],
    measure: Optional[str],
    min_jaccard: Optional[float],
    num_perm: int,
    bands: Optional[int],
    rows: Optional[int],
    shingle: str = "char:7",
    max_per_bucket: int = 64,
) -> tuple[str, float, float, int, int]:
    """Resolved as ``deboil dedup`` resolves them (raw-text preset):
    ``(measure, threshold, min_jaccard, bands, rows)``. Bad settings raise
    here, on the driver: a bad ``shingle`` failed in every worker, and a
    ``max_per_bucket`` under 1 paired documents out of their buckets."""
    d = deboil.Deduper(threshold=threshold, measure=measure, min_jaccard=min_jaccard,
                       num_perm=num_perm, bands=bands, rows=rows, shingle=shingle)
    if isinstance(max_per_bucket, bool) or not isinstance(max_per_bucket, int) or max_per_bucket < 1:
        raise ValueError(f"max_per_bucket {max_per_bucket!r} is not a count of 1 or more")
    return d.measure, d.threshold, d.min_jaccard, d.bands, d.rows


def _sign_partition(rows: Iterable[tuple[int, Optional[str]]], shingle: str, num_perm: int,
                    bands: int, band_rows: int) -> Iterator[tuple[int, bytes, int, list[int]]]:
    """``(index, text)`` -> ``(index, low bytes, shingle count, band keys)``,
    the keys as signed 64-bit integers (Spark's long). Each band's keys are
    hashed with the band as seed, so keys of different bands do not meet
    (a chance meeting only adds a candidate, which is verified). A
    document without a text (null, or no text field) gets no band key: it
    is compared with none and kept, as signing it as an empty text made all
    such documents copies of the first."""
    hasher = deboil.MinHasher(shingle, num_perm)
    batch: list[tuple[int, Optional[str]]] = []

    def flush() -> Iterator[tuple[int, bytes, int, list[int]]]:
        sigs, counts = hasher.sign_batch([t or "" for _, t in batch], shingles=True)
        keys = deboil.band_keys(sigs, bands, band_rows)
        low = sigs.astype(np.uint8)
        for (idx, t), lo, n, k in zip(batch, low, counts, keys.view(np.int64)):
            yield idx, lo.tobytes(), int(n), k.tolist() if t is not None else []

    for row in rows:
        batch.append(row)
        if len(batch) == SIGN_BATCH:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def _verify_partition(pairs: Iterable[tuple[int, int, bytes, int, bytes, int]], measure: str,
                      threshold: float, min_jaccard: float) -> Iterator[tuple[int, int]]:
    """Pairs with both signatures -> the pairs at or above the threshold,
    estimated as ``deboil dedup`` estimates them."""
    batch: list[tuple[int, int, bytes, int, bytes, int]] = []

    def flush() -> Iterator[tuple[int, int]]:
        # Low bytes widened back: the estimates compare low bytes only.
        a = np.stack([np.frombuffer(p[2], dtype=np.uint8) for p in batch]).astype(np.uint32)
        b = np.stack([np.frombuffer(p[4], dtype=np.uint8) for p in batch]).astype(np.uint32)
        na = [p[3] for p in batch]
        nb = [p[5] for p in batch]
        sims = deboil.similarity(a, b, na, nb)
        if measure == "containment":
            cont = deboil.containment(a, b, na, nb)
            sims = np.where(sims < min_jaccard, 0.0, cont)
        for p, s in zip(batch, sims):
            if s >= threshold:
                yield p[0], p[1]

    for p in pairs:
        batch.append(p)
        if len(batch) == VERIFY_BATCH:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def connected_components(edges: Any, max_rounds: int = 100) -> Any:
    """Connected components of a DataFrame of edges (two long columns,
    ``u`` and ``v``), by large-star and small-star rounds (Kiveris et al.,
    2014) until nothing changes: a DataFrame ``(node, root)`` for every node
    with an edge, ``root`` the smallest node of its component (itself for
    the smallest). Each round's edges are checkpointed locally, so plans do
    not grow with the rounds."""
    from pyspark.sql import functions as F

    def undirected(e: Any) -> Any:
        return e.union(e.select(F.col("v").alias("u"), F.col("u").alias("v")))

    current = (edges.select(F.least("u", "v").alias("u"), F.greatest("u", "v").alias("v"))
               .where("u != v").distinct().localCheckpoint())
    for _ in range(max_rounds):
        # Large star: every neighbour above u joins the smallest of u and
        # its neighbours.
        both = undirected(current)
        mins = both.groupBy("u").agg(F.min("v").alias("m"))
        large = (both.join(mins, "u").where("v > u")
                 .select(F.col("v").alias("u"), F.least("u", "m").alias("v")).distinct())
        # Small star: each node, seen from its larger neighbours' side,
        # joins the smallest of them and itself.
        down = large.select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v")).distinct()
        smin = down.groupBy("u").agg(F.min("v").alias("m"))
        small = (down.join(smin, "u").select(F.col("v").alias("u"), F.col("m").alias("v"))
                 .where("u != v").union(smin.select("u", F.col("m").alias("v")))
                 .distinct().localCheckpoint())
        unchanged = small.exceptAll(current).isEmpty() and current.exceptAll(small).isEmpty()
        current = small
        if unchanged:
            break
    else:
        raise RuntimeError(f"connected components did not converge in {max_rounds} rounds")
    # Each node now points at its component's smallest node.
    return (current.select(F.col("u").alias("node"), F.col("v").alias("root"))
            .union(current.select(F.col("v").alias("node"), F.col("v").alias("root")))
            .groupBy("node").agg(F.min("root").alias("root")))


def dedup(df: Any, *, id_col: str = "id", text_col: str = "text", shingle: str = "char:7",
          num_perm: int = 128, threshold: Optional[float] = None, measure: Optional[str] = None,
          min_jaccard: Optional[float] = None, bands: Optional[int] = None,
          rows: Optional[int] = None, max_per_bucket: int = 64, keep_order: bool = False) -> Any:
    """``df`` with two columns added: ``dup_of`` (the id of the document
    kept for its cluster, or null for a kept document) and
    ``cluster_size`` (1 for a document alone). Settings and defaults as
    ``deboil dedup``'s (Jaccard 0.5, ``char:7``, 128 values, the bands
    tuned for the threshold). Of each cluster the first document (in the
    order of ``df``'s partitions and rows) is kept. A row whose text is
    null is compared with none (kept, ``cluster_size`` 1). A row whose id
    is null and that has duplicates fails the job (their ``dup_of`` would be
    null, as a kept row's). ``keep_order``: the
    result in ``df``'s order (a sort: one more shuffle of the documents).

    ``df`` is read twice (for the texts, then to join the results back):
    its rows must come back in the same partitions, as a file read does;
    persist a ``df`` computed by a non-deterministic plan first."""
    from pyspark.sql import functions as F

    measure, threshold, min_jaccard, bands, rows = _settings(
        threshold, measure, min_jaccard, num_perm, bands, rows, shingle, max_per_bucket)
    spark = df.sparkSession
    idx = "__deboil_index"
    # Increasing in input order (partition, then row): "first" is the
    # smallest index.
    with_idx = df.withColumn(idx, F.monotonically_increasing_id())
    texts = with_idx.select(idx, text_col).rdd.map(tuple)
    signed = spark.createDataFrame(
        texts.mapPartitions(lambda part: _sign_partition(part, shingle, num_perm, bands, rows)),
        "i long, low binary, n long, keys array<long>").persist()
    # Buckets of two or more, each document paired with the (at most
    # max_per_bucket) documents before it, as deboil dedup does.
    pairs = (signed.select("i", F.explode("keys").alias("k"))
             .groupBy("k").agg(F.array_sort(F.array_distinct(F.collect_list("i"))).alias("d"))
             .where(F.size("d") > 1)
             .select(F.explode(F.expr(
                 f"flatten(transform(sequence(1, size(d) - 1), x -> transform("
                 f"sequence(greatest(0, x - {int(max_per_bucket)}), x - 1), "
                 f"y -> named_struct('a', d[y], 'b', d[x]))))")).alias("p"))
             .select("p.a", "p.b").distinct())
    sig = signed.select("i", "low", "n")
    with_sigs = (pairs.join(sig.toDF("a", "low_a", "n_a"), "a")
                 .join(sig.toDF("b", "low_b", "n_b"), "b")
                 .select("a", "b", "low_a", "n_a", "low_b", "n_b"))
    verified = with_sigs.rdd.map(tuple).mapPartitions(
        lambda part: _verify_partition(part, measure, threshold, min_jaccard))
    edges = spark.createDataFrame(verified, "u long, v long")
    labels = connected_components(edges)                            # (node, root)
    sizes = labels.groupBy("root").agg(F.count("*").alias("cluster_size"))
    root_ids = with_idx.select(F.col(idx).alias("root"), F.col(id_col).alias("root_id"))
    facts = (labels.join(sizes, "root").join(root_ids, "root")
             .select(F.col("node").alias(idx),
                     # A duplicate of a row with a null id would read as
                     # kept (dup_of null): the job fails instead.
                     F.when(F.col("node") != F.col("root"), F.coalesce(F.col("root_id"), F.raise_error(
                         F.lit(f"deboil.spark.dedup: a row whose {id_col} is null has duplicates, "
                               f"which dup_of cannot name: give every row an id")))).alias("dup_of"),
                     "cluster_size"))
    out = (with_idx.join(facts, idx, "left")
           .withColumn("cluster_size", F.coalesce(F.col("cluster_size"), F.lit(1))))
    if keep_order:
        out = out.orderBy(idx)
    return out.drop(idx)


_MARKS = ("dup_of", "cluster_size")
_WS = " \t\n\r"


def _without_marks(raw: str) -> str:
    """``raw`` (a JSON object) without its top-level ``dup_of`` and
    ``cluster_size`` members, every other member as written: marking a
    record marked before replaces the two, as ``deboil dedup --mark`` does
    (a key written twice is read differently by different JSON readers)."""
    # Made here: a decoder at module level does not pickle, and Spark
    # pickles this module's globals when it runs as ``python -m``.
    decoder = json.JSONDecoder()
    end = len(raw.rstrip(_WS))
    i = len(raw) - len(raw.lstrip(_WS)) + 1  # past the "{"
    kept = []
    while True:
        while raw[i] in _WS:
            i += 1
        if raw[i] == "}":
            break
        start = i
        key, i = decoder.raw_decode(raw, i)
        while raw[i] in _WS + ":":
            i += 1
        _, i = decoder.raw_decode(raw, i)
        if key not in _MARKS:
            kept.append(raw[start:i])
        while raw[i] in _WS:
            i += 1
        if raw[i] == ",":
            i += 1
    assert raw[i] == "}" and i + 1 == end
    return "{" + ",".join(kept) + "}"


def _field(rec: dict, field: str) -> Any:
    """The value of ``field`` in ``rec`` as ``deboil`` reads
    ``--id-field``/``--text-field``: a key named by the whole field, else a
    dotted path into nested objects."""
    if field in rec:
        return rec[field]
    value: Any = rec
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


class _NumberText(str):
    """A JSON number's text as written in the record."""


def _id_json(value: Any) -> Optional[str]:
    """An id as ``deboil`` takes it, as JSON text: a non-empty string, or a
    number as written; ``None`` where the command names the record
    ``FILE:LINE`` instead (missing, null, empty, boolean, array or object)."""
    if isinstance(value, _NumberText):
        return str(value)
    if isinstance(value, str) and value:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return json.dumps(value)
    return None


def _parse_lines(rows: Iterable[Any], id_field: str, text_field: str,
                 strip_marks: bool = False) -> Iterator[tuple[str, int, int, str, bool, Optional[str], Optional[str]]]:
    """``(file, block, line)`` -> ``(file, block, position of the line in
    its block, line, is a JSON object, id as JSON text or None, text)``,
    the line without its old marks with ``strip_marks``. A block's lines
    come in file order, so positions count every line; blank lines are
    then left out, as Spark's JSON reader leaves them."""
    at: Optional[tuple[str, int]] = None
    pos = 0
    for file, block, raw in rows:
        if (file, block) != at:
            at, pos = (file, block), 0
        else:
            pos += 1
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw)
        except ValueError:
            rec = None
        if not isinstance(rec, dict):
            yield file, block, pos, raw, False, None, None
            continue
        if strip_marks and any(k in rec for k in _MARKS):
            raw = _without_marks(raw)
        text = _field(rec, text_field)
        if text is not None and not isinstance(text, str):
            text = json.dumps(text, ensure_ascii=False)  # as Spark read it: a string
        ident = _field(rec, id_field)
        if isinstance(ident, (int, float)) and not isinstance(ident, bool):
            # As written (1e3, 7.50), as the command takes a number id, not
            # as Python's float prints it (1000.0, 7.5).
            ident = _NumberText(_field(json.loads(raw, parse_int=_NumberText, parse_float=_NumberText), id_field))
        yield file, block, pos, raw, True, _id_json(ident), text


def _line_numbers(lines: Any) -> Any:
    """A column giving each parsed line's number in its file: the lines of
    its file's earlier blocks (Spark's splits, counted here) plus its place
    in its own."""
    from pyspark.sql import functions as F

    counts = sorted(lines.groupBy("file", "block").count().collect())
    before, last, total = {}, None, 0
    for file, block, n in counts:
        if file != last:
            last, total = file, 0
        before[f"{block}:{file}"] = total
        total += n
    offsets = F.create_map(*[F.lit(x) for kv in before.items() for x in kv])
    return offsets[F.concat_ws(":", F.col("block").cast("string"), "file")] + F.col("pos") + 1


def _line_ids(lines: Any, parsed: Any) -> Any:
    """``parsed`` with each missing id made ``FILE:LINE`` (as JSON text), as
    ``deboil`` names a record without one: a duplicate of such a record was
    marked ``"dup_of": null``, as if kept."""
    from pyspark.sql import functions as F

    name = F.concat_ws(":", "file", _line_numbers(lines).cast("string"))
    # A JSON string: the file's name escaped as JSON escapes it.
    as_json = F.regexp_extract(F.to_json(F.array(name)), r"^\[(.*)\]$", 1)
    return parsed.withColumn("id", F.coalesce("id", as_json))


def main(argv: Optional[list[str]] = None) -> int:
    """``python -m deboil.spark INPUT OUTPUT``: JSONL in, the kept
    documents' lines out as read (a Spark output directory of text parts,
    ``part-*.txt``)."""
    p = argparse.ArgumentParser(prog="python -m deboil.spark", description=main.__doc__)
    p.add_argument("input", help="JSONL files (a path or glob Spark reads)")
    p.add_argument("output", help="output directory (JSONL in Spark's text parts, part-*.txt)")
    p.add_argument("--id-field", default="id")
    p.add_argument("--text-field", default="text")
    p.add_argument("--shingle", default="char:7")
    p.add_argument("--num-perm", type=int, default=128)
    p.add_argument("--threshold", type=float)
    p.add_argument("--similarity", choices=["jaccard", "containment"])
    p.add_argument("--min-jaccard", type=float)
    p.add_argument("--bands", type=int)
    p.add_argument("--rows", type=int)
    p.add_argument("--mark", action="store_true", help="write every document with dup_of and cluster_size added before its closing brace")
    p.add_argument("--keep-order", action="store_true", help="write the documents in input order (one more shuffle)")
    p.add_argument("--clusters", help="also write the clusters (JSONL directory): representative, members")
    p.add_argument("--master", help="Spark master (default: as spark-submit or the environment sets it)")
    p.add_argument("--skip-bad", action="store_true",
                   help="leave out lines that are not JSON objects (counted on stderr) instead of stopping")
    a = p.parse_args(argv)
    try:
        # Before Spark starts, as `deboil dedup` checks its options.
        _settings(a.threshold, a.similarity, a.min_jaccard, a.num_perm, a.bands, a.rows, a.shingle)
    except ValueError as e:
        print(f"python -m deboil.spark: error: {e}", file=sys.stderr)
        return 2

    from pyspark.sql import SparkSession, functions as F

    # Local workers run `python3` from PATH unless told otherwise, which need
    # not be the interpreter holding the wheel (a venv): they failed with
    # "No module named 'deboil'". Run locally, they run this one. Under
    # spark-submit (a gateway port set) the cluster's settings stand.
    local = a.master.startswith("local") if a.master else "PYSPARK_GATEWAY_PORT" not in os.environ
    if local and "PYSPARK_PYTHON" not in os.environ:
        os.environ["PYSPARK_PYTHON"] = sys.executable

    # A session already running (a notebook, a test) is used and left running.
    ours = SparkSession.getActiveSession() is None
    builder = SparkSession.builder.appName("deboil-dedup")
    if a.master:
        builder = builder.master(a.master)
    spark = builder.getOrCreate()
    # Read as text lines and parsed here for the two fields the job needs:
    # the kept lines are written as read (Spark's JSON reader would infer a
    # schema: columns sorted, types widened, nulls dropped). Persisted: the
    # lines are counted, then read twice by dedup, then written.
    # Each line's file and split (block), for the number that names a
    # record without an id.
    lines = spark.read.text(a.input).select(F.col("_metadata.file_path").alias("file"),
                                            F.col("_metadata.file_block_start").alias("block"), "value")
    parse = functools.partial(_parse_lines, id_field=a.id_field, text_field=a.text_field,
                              strip_marks=a.mark)
    df = spark.createDataFrame(lines.rdd.mapPartitions(parse),
                               "file string, block long, pos long, raw string, ok boolean, id string, "
                               "text string").persist()
    bad = df.filter(~F.col("ok"))
    n = bad.count()
    if n:
        # The first by file and line, named FILE:LINE as deboil names one.
        first = (bad.select("file", _line_numbers(lines).alias("line"), "raw")
                 .orderBy("file", "line").first())
        where = (f"{n} line{'s' if n > 1 else ''} that are not JSON objects, the first at "
                 f"{first[0]}:{first[1]}: {first[2][:80]!r}")
        if not a.skip_bad:
            if ours:
                spark.stop()
            print(f"python -m deboil.spark: error: {where} (--skip-bad leaves them out)", file=sys.stderr)
            return 2
        print(f"python -m deboil.spark: skipped {where}", file=sys.stderr)
    df = df.filter("ok")
    if df.filter(F.col("id").isNull()).limit(1).count():
        df = _line_ids(lines, df)
    df = df.select("raw", "id", "text")
    df = df.filter("ok").select("raw", "id", "text")
    textless = df.filter(F.col("text").isNull()).count()
    if textless:
        print(f"python -m deboil.spark: warning: {textless} record{'s' if textless > 1 else ''} without "
              f"the text field {a.text_field!r} (missing or null): kept, compared with no other",
              file=sys.stderr)
    marked = dedup(df, id_col="id", text_col="text", shingle=a.shingle,
                   num_perm=a.num_perm, threshold=a.threshold, measure=a.similarity,
                   min_jaccard=a.min_jaccard, bands=a.bands, rows=a.rows,
                   keep_order=a.keep_order).cache()
    # Ids are carried as their JSON text, so they are written as they were
    # read (a number stays a number).
    if a.clusters:
        (marked.filter("cluster_size > 1")
         .withColumn("representative", F.coalesce("dup_of", "id"))
         .groupBy("representative").agg(F.concat_ws(",", F.collect_list("id")).alias("members"))
         .select(F.concat(F.lit('{"representative":'), "representative",
                          F.lit(',"members":['), "members", F.lit("]}")))
         .write.mode("error").text(a.clusters))
    if a.mark:
        # As deboil dedup --mark: the two fields added before the closing
        # brace (old ones taken out on reading), the others left as written.
        head = F.regexp_extract("raw", r"(?s)^(.*)\}\s*$", 1)
        out = marked.select(F.concat(
            head, F.when(head.rlike(r"^\s*\{\s*$"), F.lit("")).otherwise(F.lit(",")),
            F.lit('"dup_of":'), F.coalesce("dup_of", F.lit("null")),
            F.lit(',"cluster_size":'), F.col("cluster_size").cast("string"), F.lit("}")))
    else:
        out = marked.filter("dup_of IS NULL").select("raw")
    out.write.mode("error").text(a.output)
    if ours:
        spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

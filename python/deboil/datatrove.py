"""deboil as datatrove pipeline steps (``pip install datatrove``).

- :class:`DeboilClean` cleans ``doc.text`` with deboil's rules, the site
  taken from ``doc.metadata["site"]``, else ``doc.metadata["url"]`` (its
  host), as the CLI takes it from a document's ``site``, else its ``url``;
  batches are cleaned in parallel.
- :class:`DeboilDedup` drops exact and near duplicates among the documents
  of its task (in memory, as ``deboil dedup`` does), or marks them.

>>> from datatrove.executor import LocalPipelineExecutor
>>> from datatrove.pipeline.readers import JsonlReader
>>> from datatrove.pipeline.writers import JsonlWriter
>>> from deboil.datatrove import DeboilClean, DeboilDedup
>>> LocalPipelineExecutor([JsonlReader("in/"), DeboilClean(), DeboilDedup(preset="cleaned"),
...                        JsonlWriter("out/")], tasks=1).run()  # doctest: +SKIP

The steps hold their settings, not the compiled objects, when pickled (as
datatrove's executors send steps to their workers): each worker compiles
its own.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Optional

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.batching import batched
from datatrove.utils.typeshelper import StatHints

import deboil
from deboil._site import site_as_the_cli, str_or_none


class DeboilClean(PipelineStep):
    """Cleans each document's text with deboil's rules.

    ``cleaner_args``: the arguments of :class:`deboil.Cleaner` (``rules``,
    ``enable``, ``disable``, ``rule_texts``, ...). ``site_key``: the metadata
    field giving the site, a URL (its host) or a site name; by default
    ``site``, else ``url``, as the CLI takes a record's site field, else
    its URL (datatrove's JSONL reader puts both in the metadata). ``batch_size``:
    documents cleaned together, in parallel. ``removals_key``: when set, the
    metadata field that receives the removals, ``[(rule_id, start, end)]``
    in characters of the original text. ``drop_empty``: drop documents that
    cleaning left empty. Counts each rule's removals in the step's stats.
    """

    name = "🧽 deboil clean"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        *,
        site_key: Optional[str] = None,
        batch_size: int = 1000,
        removals_key: Optional[str] = None,
        drop_empty: bool = True,
        **cleaner_args: Any,
    ):
        super().__init__()
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.site_key = site_key
        self.batch_size = batch_size
        self.removals_key = removals_key
        self.drop_empty = drop_empty
        self.cleaner_args = cleaner_args
        # Compiled now, so that a bad rule file fails at once.
        self._cleaner: Optional[deboil.Cleaner] = deboil.Cleaner(**cleaner_args)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_cleaner"] = None
        return state

    def _site(self, metadata: dict) -> Optional[str]:
        if self.site_key is None:
            return site_as_the_cli(metadata)
        return str_or_none(metadata.get(self.site_key))

    @property
    def cleaner(self) -> deboil.Cleaner:
        if self._cleaner is None:
            self._cleaner = deboil.Cleaner(**self.cleaner_args)
        return self._cleaner

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is None:
            return
        for batch in batched(data, self.batch_size):
            with self.track_time("batch"):
                sites = [self._site(doc.metadata) for doc in batch]
                results = self.cleaner.clean_batch([doc.text for doc in batch], sites)
            for doc, (text, removals) in zip(batch, results):
                self.stat_update(StatHints.total)
                for rule, n in Counter(r[0] for r in removals).items():
                    self.stat_update(f"removed_{rule}", value=n)
                if self.removals_key:
                    doc.metadata[self.removals_key] = removals
                doc.text = text
                if self.drop_empty and not text.strip():
                    self.stat_update(StatHints.dropped)
                    continue
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(doc)
                yield doc


def _newest(metadata: dict, field: str) -> Optional[str]:
    """The ``newest:`` field's value in ``metadata`` as the CLI reads it
    from a record: a key named by the whole field, else a dotted path into
    nested dicts; a string as it is, any other value as JSON (numbers then
    compare by value), ``None`` (or no such key) as no value."""
    value: Any = metadata.get(field)
    if field not in metadata:
        value = metadata
        for part in field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    if value is None or isinstance(value, str):
        return value
    try:
        return json.dumps(value)
    except TypeError:
        return str(value)  # a datetime: its ISO-like text compares as text


class DeboilDedup(PipelineStep):
    """Drops exact and near duplicates among the documents of one task.

    ``deduper_args``: the arguments of :class:`deboil.Deduper` (``preset``,
    ``threshold``, ``measure``, ``keep``, ...). The documents of the task
    are held until its input ends (the decisions need them all), signed in
    parallel batches of ``batch_size``, then passed on in input order: the
    singletons and each cluster's representative, or, with ``mark=True``,
    every document with ``metadata["dup_of"]`` (the representative's id or
    ``None``) and ``metadata["cluster_size"]``. Documents are told apart by
    ``doc.id``. ``keep="newest:FIELD"`` keeps the document with the
    greatest ``doc.metadata[FIELD]`` (a dotted path into nested metadata
    too), as ``deboil dedup --keep newest:FIELD`` compares the record's
    field. Duplicates across tasks are not found: give the step one
    task, or run ``deboil dedup`` or the Spark job over the whole corpus.
    """

    name = "🫂 deboil dedup"
    type = "🫂 - DEDUP"

    def __init__(self, *, mark: bool = False, batch_size: int = 10_000, **deduper_args: Any):
        super().__init__()
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.mark = mark
        self.batch_size = batch_size
        self.deduper_args = deduper_args
        deboil.Deduper(**deduper_args)  # fails at once on bad settings

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is None:
            return
        deduper = deboil.Deduper(**self.deduper_args)
        keep = self.deduper_args.get("keep")
        # keep="newest:FIELD" compares that metadata field, as `deboil dedup
        # --keep newest:FIELD` compares the record's field.
        field = keep[len("newest:"):] if isinstance(keep, str) and keep.startswith("newest:") else None
        docs: list[Document] = []
        for batch in batched(data, self.batch_size):
            with self.track_time("batch"):
                ids, texts = [doc.id for doc in batch], [doc.text for doc in batch]
                if field is None:
                    deduper.add(ids, texts)
                else:
                    deduper.add(ids, texts, newest=[_newest(doc.metadata, field) for doc in batch])
            docs.extend(batch)
        dup_of = deduper.duplicate_of()
        sizes = deduper.cluster_sizes()
        stats = deduper.stats()
        self.stat_update("exact_dropped", value=stats["exact_dropped"])
        self.stat_update("near_dropped", value=stats["near_dropped"])
        self.stat_update("clusters", value=stats["clusters"])
        for doc, dup, size in zip(docs, dup_of, sizes):
            self.stat_update(StatHints.total)
            if self.mark:
                doc.metadata["dup_of"] = dup
                doc.metadata["cluster_size"] = size
            elif dup is not None:
                self.stat_update(StatHints.dropped)
                continue
            self.stat_update(StatHints.forwarded)
            yield doc


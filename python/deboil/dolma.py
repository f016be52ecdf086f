"""deboil as a Dolma tagger (``pip install dolma``): junk spans in Dolma's
attribute format, for Dolma's mixer to drop or keep.

Importing this module registers the tagger ``deboil_junk`` (the embedded
rules plus those named by ``$DEBOIL_RULES``, paths separated by ``:``)::

    dolma tag --documents 'data/documents/*.jsonl.gz' --experiment deboil \\
        --taggers deboil_junk --tagger_modules deboil.dolma

For each document it writes, under ``attributes/deboil/``:

- ``deboil__deboil_junk__junk``: one ``[start, end, 1.0]`` span per
  removal (character offsets into ``text``, as ``Cleaner.clean`` gives);
- ``deboil__deboil_junk__doc_junk_fraction``: ``[0, len(text), share]``,
  the share of the text's characters inside those spans.

The site is ``metadata["site"]``, else ``metadata["url"]`` (its host), as
the CLI takes a record's ``site``, else its ``url``. Other rule sets get a
tagger of their own name with :func:`register_tagger`. A span a mixer removes
(``span_replacement`` on ``...__junk``) takes the junk text itself; the
whitespace deboil also trims around it stays.
"""

from __future__ import annotations

import os
from typing import Any, Optional, Type

from dolma import add_tagger
from dolma.core.data_types import DocResult, DocumentWithMetadata, Span
from dolma.core.taggers import BaseTaggerWithMetadata

import deboil
from deboil._site import site_as_the_cli


class DeboilJunkTagger(BaseTaggerWithMetadata):
    """Tags the junk deboil's rules remove. Subclasses set ``cleaner_args``
    (the arguments of :class:`deboil.Cleaner`)."""

    cleaner_args: dict = {}

    def __init__(self) -> None:
        args = dict(self.cleaner_args)
        if "rules" not in args and os.environ.get("DEBOIL_RULES"):
            args["rules"] = [p for p in os.environ["DEBOIL_RULES"].split(os.pathsep) if p]
        self.cleaner = deboil.Cleaner(**args)

    @property
    def defaults(self) -> list[str]:
        # Every document gets both attributes, empty lists included.
        return ["junk", "doc_junk_fraction"]

    def predict(self, doc: DocumentWithMetadata) -> DocResult:  # type: ignore[override]
        meta = doc.metadata or {}
        _, removals = self.cleaner.clean(doc.text, site_as_the_cli(meta))
        spans = [Span(start=s, end=e, type="junk", score=1.0) for _, s, e in removals]
        n = len(doc.text)
        junk = sum(e - s for _, s, e in removals)
        spans.append(Span(start=0, end=n, type="doc_junk_fraction", score=junk / n if n else 0.0))
        return DocResult(doc=doc, spans=spans)


def register_tagger(name: str, **cleaner_args: Any) -> Type[DeboilJunkTagger]:
    """Registers a Dolma tagger ``name`` that cleans with
    ``deboil.Cleaner(**cleaner_args)``; the rules are checked now, so a bad
    rule file fails here, not in Dolma's workers."""
    deboil.Cleaner(**cleaner_args)
    cls = type(f"DeboilJunkTagger_{name}", (DeboilJunkTagger,), {"cleaner_args": cleaner_args})
    return add_tagger(name)(cls)


add_tagger("deboil_junk")(DeboilJunkTagger)


def junk_spans(text: str, site: Optional[str] = None, cleaner: Optional[deboil.Cleaner] = None) -> list[list]:
    """The ``junk`` attribute of one text, as the tagger writes it."""
    _, removals = (cleaner or deboil.Cleaner()).clean(text, site)
    return [[s, e, 1.0] for _, s, e in removals]

"""Which site a document's metadata names, shared by the datatrove and Dolma
adapters so that both agree with the CLI."""

from __future__ import annotations

from typing import Any, Optional

import deboil


def str_or_none(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


def site_as_the_cli(metadata: dict) -> Optional[str]:
    """The site field when it names one, else the URL when it is one: the
    order in which ``deboil clean`` reads a record's ``site`` and ``url``
    (a ``url`` without ``://`` gives no host there, so none here either)."""
    site = str_or_none(metadata.get("site"))
    if site and deboil.site_of(site):
        return site
    url = str_or_none(metadata.get("url"))
    return url if url and "://" in url else None

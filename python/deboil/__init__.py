"""deboil: strip recurring site junk from scraped news text and find
duplicate articles, from Python.

The engine is deboil's Rust core (the same as the ``deboil`` command's);
batch calls release the GIL and run on all cores (``RAYON_NUM_THREADS``
sets how many threads).

>>> import deboil
>>> cleaner = deboil.Cleaner()
>>> text, removals = cleaner.clean("Body.\\n\\nWe use cookies to improve your experience.\\n")
>>> text
'Body.\\n'
>>> removals
[('en.cookie-notice', 7, 49)]
"""

from deboil._native import (
    Cleaner,
    Cluster,
    Deduper,
    MinHasher,
    RuleError,
    SettingsError,
    __version__,
    band_keys,
    containment,
    learn,
    optimal_bands,
    similarity,
    site_of,
)

__all__ = [
    "Cleaner",
    "Cluster",
    "Deduper",
    "MinHasher",
    "RuleError",
    "SettingsError",
    "__version__",
    "band_keys",
    "containment",
    "learn",
    "optimal_bands",
    "similarity",
    "site_of",
]

"""Type stubs of deboil's Rust extension (re-exported by ``deboil``)."""

from __future__ import annotations

import os
from typing import Literal, Optional, Sequence, Tuple, Union, overload

import numpy as np
import numpy.typing as npt

__version__: str

StrPath = Union[str, "os.PathLike[str]"]
Removal = Tuple[str, int, int]
"""``(rule_id, start, end)``: character offsets into the original text."""

class RuleError(ValueError):
    """A rule file that cannot be read or compiled (``file:line:col: message``)."""

    file: str
    line: int
    """1-based; 0 when no place in the file is to blame."""
    col: int

class SettingsError(ValueError):
    """Deduplication or MinHash settings that do not fit together."""

def site_of(site: str) -> str:
    """The site name deboil uses for a site field or a URL (its host)."""

class Cleaner:
    """Cleans texts with deboil's rules and built-in cleanups.

    ``rules``: rule files or directories of them. ``rule_texts``: rule files'
    contents (such as ``learn``'s). ``enable``/``disable``: rule id globs.
    ``default_rules``: include the embedded rules. ``no_builtin``: built-in
    cleanups to switch off. Raises ``RuleError``.
    """

    def __init__(
        self,
        rules: Optional[Union[StrPath, Sequence[StrPath]]] = None,
        *,
        enable: Sequence[str] = (),
        disable: Sequence[str] = (),
        rule_texts: Sequence[str] = (),
        default_rules: bool = True,
        no_builtin: Sequence[str] = (),
        repeated_line_words: int = 12,
    ) -> None: ...
    @property
    def rule_ids(self) -> list[str]:
        """The ids of the rules that are switched on, in load order."""
    def clean(self, text: str, site: Optional[str] = None) -> Tuple[str, list[Removal]]:
        """The cleaned text and its removals; ``site``: a site name or a URL."""
    def clean_batch(
        self, texts: Sequence[str], sites: Optional[Sequence[Optional[str]]] = None
    ) -> list[Tuple[str, list[Removal]]]:
        """``clean`` of each text, in parallel with the GIL released."""

def learn(
    pages: Sequence[str],
    sites: Sequence[Optional[str]],
    *,
    min_site_pages: int = 5,
    min_pages: int = 2,
    min_share: float = 0.05,
    min_words: int = 3,
) -> str:
    """Each site's recurring junk as a rule file's text (TOML)."""

class MinHasher:
    """MinHash signatures as ``deboil dedup`` computes them."""

    def __init__(self, shingle: str = "char:7", num_perm: int = 128, scheme: str = "oph") -> None: ...
    @property
    def num_perm(self) -> int: ...
    @property
    def shingle(self) -> str: ...
    def sign(self, text: str) -> npt.NDArray[np.uint32]:
        """One text's signature, shape ``(num_perm,)``."""
    @overload
    def sign_batch(self, texts: Sequence[str], *, shingles: Literal[False] = False) -> npt.NDArray[np.uint32]:
        """Signatures, shape ``(len(texts), num_perm)``, in parallel with the GIL released."""
    @overload
    def sign_batch(
        self, texts: Sequence[str], *, shingles: Literal[True]
    ) -> Tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
        """Signatures and each text's count of distinct shingles."""

def band_keys(signatures: npt.NDArray[np.uint32], bands: int, rows: int) -> npt.NDArray[np.uint64]:
    """LSH band keys, shape ``(n, bands)``."""

def optimal_bands(threshold: float, num_perm: int = 128) -> Tuple[int, int]:
    """``(bands, rows)`` as ``deboil dedup`` tunes them for a Jaccard threshold."""

Counts = Union[int, Sequence[int], npt.NDArray[np.uint32]]

def similarity(
    a: npt.NDArray[np.uint32],
    b: npt.NDArray[np.uint32],
    shingles_a: Optional[Counts] = None,
    shingles_b: Optional[Counts] = None,
) -> Union[float, npt.NDArray[np.float64]]:
    """Estimated Jaccard similarity: a float for 1-D signatures, an array for 2-D rows."""

def containment(
    a: npt.NDArray[np.uint32],
    b: npt.NDArray[np.uint32],
    shingles_a: Counts,
    shingles_b: Counts,
) -> Union[float, npt.NDArray[np.float64]]:
    """Estimated containment (shared shingles over the smaller text's)."""

class Cluster:
    """Two or more documents: the kept one and its copies."""

    @property
    def representative(self) -> str:
        """The id of the document kept."""
    @property
    def members(self) -> list[Tuple[str, float]]:
        """``(id, similarity to the representative)``, in the order added."""
    @property
    def exact(self) -> bool:
        """Whether all members have the same normalised text."""
    def __len__(self) -> int: ...

class Deduper:
    """Exact and near-duplicate documents, found in memory."""

    def __init__(
        self,
        *,
        preset: str = "raw",
        shingle: str = "char:7",
        num_perm: int = 128,
        scheme: str = "oph",
        threshold: Optional[float] = None,
        measure: Optional[str] = None,
        min_jaccard: Optional[float] = None,
        bands: Optional[int] = None,
        rows: Optional[int] = None,
        keep: str = "first",
        verify: str = "signature",
    ) -> None: ...
    @property
    def settings(self) -> str:
        """The settings in one line, LSH bands x rows included."""
    @property
    def bands(self) -> int: ...
    @property
    def rows(self) -> int: ...
    @property
    def threshold(self) -> float: ...
    @property
    def measure(self) -> str: ...
    @property
    def min_jaccard(self) -> float: ...
    def add(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        newest: Optional[Sequence[Optional[str]]] = None,
    ) -> None:
        """Adds documents in order (signed in parallel, GIL released)."""
    def __len__(self) -> int: ...
    def clusters(self) -> list[Cluster]:
        """The clusters; the first call decides (no more documents after it).
        Documents are told apart by position: deciding warns (``UserWarning``)
        when an id was added twice, since clusters name documents by id."""
    def kept(self) -> list[bool]: ...
    def duplicate_of(self) -> list[Optional[str]]: ...
    def cluster_sizes(self) -> list[int]: ...
    def stats(self) -> dict[str, int]: ...

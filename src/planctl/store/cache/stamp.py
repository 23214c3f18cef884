"""The reader's stamp: what, besides a file's bytes, decides what the file loads to.

Every entry's key holds it, so an entry is only ever found by the code that could
have written it. It used to hold planctl's version, read from the package's
`__init__` - an import upward, from store to the top of the package - and a
version says nothing about a developer's edit. The stamp is made at or below the
store's layer instead: the size and modification time of each module of `core/`
(the model: its classes and their fields), `format/` (the reader) and this
package (the codec), found by path, never imported; plus msgspec's version (the
library that writes and reads entries). A release changes those files (pip writes
them anew, with new times), and so does an edit, a checkout or a reinstall: the
cache is invalidated whenever planctl's reading can have changed, without a version
bump and without reading any module's text (one `scandir` per package folder, under 1 ms).
"""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

_PACKAGE = Path(__file__).resolve().parent.parent.parent  # src/planctl
_FOLDERS = ("core", "format", "store/cache")

_stamp: str | None = None


def _folder_stamp(folder: Path, prefix: str = "") -> list[str]:
    """Its modules and, recursively, its subpackages' (core/timescale/ holds model classes)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    found = []
    for e in entries:
        if e.name.endswith(".py"):
            st = e.stat()
            found.append(f"{prefix}{e.name}:{st.st_size}:{st.st_mtime_ns}")
        elif e.is_dir(follow_symlinks=False) and e.name != "__pycache__":
            found += _folder_stamp(Path(e.path), f"{prefix}{e.name}/")
    return found


def loader_stamp() -> str:
    """The stamp (computed once per process): modules by size and time, msgspec's version."""
    global _stamp
    if _stamp is None:
        parts = [f"msgspec {msgspec.__version__}"]
        for folder in _FOLDERS:  # a module added to one of them is covered with no change here
            parts += [f"{folder}/{part}" for part in _folder_stamp(_PACKAGE / folder)]
        _stamp = ",".join(parts)
    return _stamp


def code_stamp(folder: str) -> str:
    """The stamp of one more folder of the package (e.g. "history"): what kept state
    (state.py) computed by that code is keyed by besides the reader's stamp."""
    return ",".join(_folder_stamp(_PACKAGE / folder))

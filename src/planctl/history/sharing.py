"""One object for each recommendation and action that consecutive versions have in common.

A commit changes a few actions of a plan; read from git, every version would otherwise
be a whole new set of objects, equal to the last version's but for those few. Read
through a `SharedObjects` (store.gitstore.plan_versions(..., share=SharedObjects())),
a recommendation or action whose encoded bytes were decoded before is the very object
decoded then. That saves decoding it and the memory of a copy, and lets the audit
trail pair unchanged actions (and compare unchanged recommendations) by identity,
at C speed, before it compares any field (history/audit.py's `_match`).

It works on decoded objects and the bytes they came from, never on the codec's layout
(the store's codec hands it both, through its `Interner` protocol). Equal bytes decode
to equal objects, so sharing changes no plan, only how many objects hold it.

Bounded: two generations of at most `limit` entries each (the newest generation is
kept when the table fills; an entry still in use is promoted back into it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

T = TypeVar("T")

LIMIT = 512  # entries per generation: a version's 40 recommendations and 200 actions fit;
# 2048 held 11 MB more at 1,000 commits (keys are whole encoded recommendations) for ~5% CPU


class SharedObjects:
    """A bounded table of decoded objects by their encoded bytes (a store.cache.Interner)."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._memo: dict[bytes, object] = {}
        self._older: dict[bytes, object] = {}

    def shared(self, key: bytes, build: Callable[[], T]) -> T:
        """The object kept for `key`, else `build()`, kept from now on."""
        found = self._memo.get(key)
        if found is not None:
            return cast(T, found)  # kept by this very method, for these bytes: built by `build`
        found = self._older.get(key)
        if found is None:
            found = build()
        if len(self._memo) >= self.limit:
            self._older, self._memo = self._memo, {}
        self._memo[key] = found
        return cast(T, found)

"""Versions from git kept in parts: each version as its plan's own fields and its
recommendations, each recommendation written once along a walk.

A history reads every version of a plan; a commit changes a recommendation or two.
An entry per version (entries.py) held the whole plan each time: 100 KB for 200
actions, read and digested at every commit of a history. Here a version's entry holds
its plan's own fields, the digest of each of its recommendations' bytes (codec.py's
`split`), and the bytes of only those recommendations the version before it in the
walk did not have: the others are the previous version's, which the walk has just read.
Read through history/sharing.py's table, a recommendation seen at the commit before is
the very object decoded then: nothing is decoded for it.

One file per version, not one per recommendation as well: a cold history of 1,000
commits wrote 4,000 recommendation files (a note added to an action shifts the lines of
every later action, so their bytes change), and creating files was most of its system
time. A walk that reads the versions in another order (resuming from a later commit)
may find a recommendation neither in the entry nor in its previous version: a miss, and
the version is read from git again and kept again for that order.

The same checks as any entry: a damaged, missing or forged entry is a miss, and the
version is read from git again. Each recommendation's bytes are checked against the
digest that names them, so they can only ever stand for the bytes they were named after.
"""

from __future__ import annotations

import msgspec

from .codec import Interner, Loaded, encode, join, split
from .entries import digest, entry_key, entry_path, read_payload, write_entry
from .folder import enabled, usable

Parts = dict[bytes, bytes]  # a version's recommendations' bytes by their digest

# (the version as codec.split gives it, its recommendations' digests in order, the
# (digest, bytes) of those the version before it in the walk did not have)
_ENTRY = msgspec.msgpack.Decoder(tuple[bytes, tuple[bytes, ...], tuple[tuple[bytes, bytes], ...]])
_ENCODER = msgspec.msgpack.Encoder()


def _version_key(repo_path: str, blob: str, plan_id: str) -> str:
    return entry_key(b"", repo_path, blob, f"\0parts-in-walk\0{plan_id}")


class WalkParts:
    """The versions of one walk over a history, kept and read in parts; decoded through
    `share`. Holds each plan's last version's recommendations (bytes): bounded by the
    plan files of the history, one version each."""

    def __init__(self, share: Interner) -> None:
        self._share = share
        self._last: dict[str, Parts] = {}  # plan id -> its previous version's parts

    def read(self, repo_path: str, blob: str, plan_id: str) -> Loaded | None:
        """The kept version of the plan at this blob; None on a miss."""
        payload = read_payload(_version_key(repo_path, blob, plan_id))
        if payload is None:
            return None
        last = self._last.get(plan_id, {})
        try:
            version, digests, new = _ENTRY.decode(payload)
            parts = {d: data for d, data in new if digest(data) == d}
            parts.update((d, last[d]) for d in digests if d not in parts)  # KeyError: a miss
            result = join(version, self._share, parts.get)
        except Exception:  # noqa: BLE001 - a missing part or a damaged entry: a miss, read it again
            return None
        self._last[plan_id] = parts
        return result

    def has(self, repo_path: str, blob: str, plan_id: str) -> bool:
        """Whether the version may be kept already (its entry is there: `read` decides)."""
        return enabled() and entry_path(_version_key(repo_path, blob, plan_id)).exists()

    def keep(self, repo_path: str, blob: str, plan_id: str, result: Loaded) -> Loaded:
        """Keep `result` (load_text's, for this blob) in parts, and return it decoded through
        `share`, so that it shares objects with the versions around it."""
        payload = encode(result)
        return result if payload is None else self.keep_encoded(repo_path, blob, plan_id, payload)

    def keep_encoded(self, repo_path: str, blob: str, plan_id: str, payload: bytes) -> Loaded:
        """`keep`, given the result as encoded (codec.encode) where it was read."""
        version, named = split(payload, digest)
        last = self._last.get(plan_id, {})
        if enabled():
            key = _version_key(repo_path, blob, plan_id)
            target = entry_path(key)
            if usable(target):
                new = tuple((d, data) for d, data in named if d not in last)
                write_entry(target, key, _ENCODER.encode((version, tuple(d for d, _ in named), new)))
        parts = dict(named)
        self._last[plan_id] = parts
        return join(version, self._share, parts.get)

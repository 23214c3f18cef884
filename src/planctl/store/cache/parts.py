"""Versions from git kept in parts: each recommendation once, each version as a list of them.

A history reads every version of a plan; a commit changes a recommendation or two.
An entry per version (entries.py) held the whole plan each time: 100 KB for 200
actions, read and digested at every commit of a history. Here a version's entry holds
its plan's own fields and the digest of each of its recommendations' bytes (codec.py's
`split`), and each recommendation is an entry of its own, found by that digest and
written once. Read through history/sharing.py's table, a recommendation seen at the
commit before is the very object decoded then: no file is read for it.

The same checks as any entry: a damaged, missing or forged part is a miss, and the
version is read from git again. A part is also checked against the digest that names
it, so a part can only ever stand for the bytes it was named after.
"""

from __future__ import annotations

import os

from .codec import Interner, Loaded, encode, join, split
from .entries import digest, entry_key, entry_path, read_payload, write_entry
from .folder import cache_dir, enabled, usable


def _version_key(repo_path: str, blob: str, plan_id: str) -> str:
    return entry_key(b"", repo_path, blob, f"\0parts\0{plan_id}")


def _part_key(d: bytes) -> str:
    return entry_key(b"", "\0recommendation", digest_of_data=d)


def _part(d: bytes) -> bytes | None:
    data = read_payload(_part_key(d))
    return data if data is not None and digest(data) == d else None


def read_version(repo_path: str, blob: str, plan_id: str, share: Interner) -> Loaded | None:
    """The kept version of the plan at this blob, decoded through `share`; None on a miss."""
    payload = read_payload(_version_key(repo_path, blob, plan_id))
    if payload is None:
        return None
    try:
        return join(payload, share, _part)
    except Exception:  # noqa: BLE001 - a missing part or a damaged entry: a miss, read it again
        return None


# Parts this process has written or found written, by (cache folder, digest): a history
# meets each recommendation at many commits, and looking for its file on disc at each
# one cost more than the rest of keeping the version. Bounded: cleared when full.
_kept: set[tuple[str, bytes]] = set()
_KEPT_MAX = 100_000


def keep_version(repo_path: str, blob: str, plan_id: str, result: Loaded,
                 share: Interner) -> Loaded:
    """Keep `result` (load_text's, for this blob) in parts, and return it decoded through
    `share`, so that it shares objects with the versions around it."""
    payload = encode(result)
    if payload is None:
        return result
    version, parts = split(payload, digest)
    if enabled():
        folder = str(cache_dir())
        if len(_kept) > _KEPT_MAX:
            _kept.clear()
        for d, data in parts:
            if (folder, d) in _kept:
                continue
            key = _part_key(d)
            target = entry_path(key)
            if usable(target):
                if not os.path.exists(target):
                    write_entry(target, key, data)
                _kept.add((folder, d))
        key = _version_key(repo_path, blob, plan_id)
        target = entry_path(key)
        if usable(target):
            write_entry(target, key, version)
    fetched = dict(parts)
    return join(version, share, fetched.get)

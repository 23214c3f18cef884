"""One entry per file content: its key, its checked reading and writing, `load_cached`.

An entry file is: MAGIC, a line with FORMAT_VERSION and the key, BLAKE2b (32 bytes)
of the payload, the payload (codec.py). It is found by its key (`entry_key`), a
digest of everything the loaded result depends on.
"""

from __future__ import annotations

import os
from collections.abc import Callable

# hashlib's, though `import hashlib` loads OpenSSL first (~3 ms a start): CPython's
# `_blake2` would skip that, but it is private (docs/benchmarks.md, "0.4: start-up").
from hashlib import blake2b as blake2b  # (index.py hashes with it too)
from pathlib import Path
from typing import Any

from .codec import Loaded, decode, encode
from .folder import cache_dir, enabled, usable, usable_dir, write_atomically
from .stamp import loader_stamp

# The entry format: header, digest, codec.py's payload. Bump it when either changes
# (the reader's and the model's code are keyed separately, by the stamp).
FORMAT_VERSION = 7  # 7: the model as msgspec Structs, encoded as arrays (0.4.1)
MAGIC = b"planctl-cache\n"
DIGEST = 32  # bytes of BLAKE2b over the payload


def digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=DIGEST).digest()


def entry_key(data: bytes, path: str, content_id: str | None = None, key_extra: str = "",
              digest_of_data: bytes | None = None) -> str:
    """The entry's name: everything the loaded result depends on.

    The path is part of the key because the plan, its id (the file's stem by
    default) and every problem carry it. digest_of_data: `digest(data)`, when the
    caller has it already.
    """
    h = _keyed().copy()
    for part in (key_extra, path):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    if content_id is not None:
        h.update(b"id:" + content_id.encode("utf-8", "surrogateescape"))
    else:
        h.update(b"data:" + (digest_of_data or digest(data)))
    return str(h.hexdigest())


_KEYED: list[Any] = []  # the hash of what every key starts with (the stamp: ~5 KB), once


def _keyed() -> Any:
    """blake2b fed with the format and the reader's stamp: copied for each key, so a history
    of 1,000 versions and 40,000 parts hashes the stamp once, not once per entry."""
    if not _KEYED:
        h = blake2b(digest_size=20)
        for part in (str(FORMAT_VERSION), loader_stamp()):
            h.update(part.encode("utf-8", "surrogateescape") + b"\0")
        _KEYED.append(h)
    return _KEYED[0]


def entry_path(key: str) -> Path:
    return cache_dir() / f"v{FORMAT_VERSION}" / key


_folders: dict[Path, str | None] = {}  # cache_dir() -> its entries' folder, if usable


def _entry_file(key: str) -> str | None:
    """entry_path(key) as a string, when its folders are usable (usable(entry_path(key))),
    made without pathlib: a history reads thousands of entries, 20 us of paths each."""
    root = cache_dir()
    if root not in _folders:
        folder = root / f"v{FORMAT_VERSION}"
        _folders[root] = str(folder) if usable_dir(root) and usable_dir(folder) else None
    folder_name = _folders[root]
    return None if folder_name is None else os.path.join(folder_name, key)


def _header(key: str) -> bytes:
    return MAGIC + f"{FORMAT_VERSION} {key}\n".encode()


def entry_payload(path: Path | str, key: str) -> bytes | None:
    """An entry's payload, checked against its header and digest; None if it is not whole."""
    try:
        with open(path, "rb") as fh:
            blob = fh.read()
    except OSError:
        return None
    header = _header(key)
    if not blob.startswith(header) or len(blob) < len(header) + DIGEST:
        return None
    payload = blob[len(header) + DIGEST:]
    if digest(payload) != blob[len(header):len(header) + DIGEST]:
        return None
    return payload


def read_entry(path: Path, key: str) -> Loaded | None:
    """The decoded entry, or None when it is missing, damaged, truncated or stale."""
    payload = entry_payload(path, key)
    if payload is None:
        return None
    try:
        return decode(payload)
    except Exception:  # noqa: BLE001 - any undecodable entry is a miss, never an error
        return None


def read_payload(key: str) -> bytes | None:
    """The payload of entry `key`, undecoded, or None on a miss: the same checks as
    read_entry (the cache on, a usable folder, header, digest)."""
    if not enabled():
        return None
    target = _entry_file(key)
    return None if target is None else entry_payload(target, key)


def write_entry(path: Path, key: str, payload: bytes) -> None:
    """Write atomically; a cache that cannot be written is skipped."""
    write_atomically(path, [_header(key), digest(payload), payload])


# What the folder loads of this process gave, by path: (digest of the bytes, result). An
# edit loads the folder, then reads the file it edits: the same bytes, already decoded.
# Bounded; the results are the plans the command holds anyway.
_loaded: dict[str, tuple[bytes, Loaded]] = {}
_LOADED_MAX = 4096


def remember(path: str, data_digest: bytes, result: Loaded) -> None:
    if len(_loaded) >= _LOADED_MAX:
        _loaded.clear()
    _loaded[path] = (data_digest, result)


def _parse(data: bytes, path: str, plan_id: str | None = None) -> Loaded:
    from ...format.reader import load_text  # on a miss only: a warm run never imports the parser

    plan, problems, is_comparison = load_text(data, path, plan_id)
    return plan, problems, is_comparison


def load_cached(data: bytes | Callable[[], bytes], path: str, *, content_id: str | None = None,
                key_extra: str = "", plan_id: str | None = None, use: bool | None = None) -> Loaded:
    """`load.load_text(data, path, plan_id)`, from the cache when this content was read before.

    content_id: an id that already names the bytes (a git blob id), which saves
    hashing them - with it, `data` may be a function returning the bytes, called
    only on a miss; key_extra: anything else the result depends on. Returns
    (Plan | None, problems, is_comparison_file), exactly as load_text does.
    """
    if callable(data) and content_id is None:
        data = data()

    def parse() -> Loaded:
        return _parse(data() if callable(data) else data, path, plan_id)

    if not (enabled() if use is None else use):
        return parse()
    data_digest = None
    if content_id is None and not key_extra and plan_id is None and isinstance(data, bytes):
        data_digest = digest(data)
        seen = _loaded.get(path)
        if seen is not None and seen[0] == data_digest:  # an edit reading what the folder load read
            plan, problems, is_comparison = seen[1]
            return plan, list(problems), is_comparison
    key = entry_key(b"" if callable(data) else data, path, content_id,
                    f"{key_extra}\0{plan_id or ''}", data_digest)
    target = entry_path(key)
    if not usable(target):
        return parse()
    found = read_entry(target, key)
    if found is not None:
        return found
    result = parse()
    payload = encode(result)
    if payload is not None:
        write_entry(target, key, payload)
    return result

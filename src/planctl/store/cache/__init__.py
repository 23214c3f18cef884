"""The parse cache: each plan file is read once per content.

An entry maps (the file's bytes, its path, the cache format and the reader's stamp)
to what `format.reader.load_text` returned for them: the plan, its problems (with
their lines) and whether it is a comparison file. Entries live in
`$XDG_CACHE_HOME/planctl` (default `~/.cache/planctl`): the plans of a folder in one
index file per set of `--plans` paths (index.py: a file whose stat is unchanged is
not even read), versions from git one entry per blob (entries.py's `load_cached`),
and what a walk over a history found, as of the commit it stopped at (state.py: the
completion dates from git).

Threat model and format. A payload is MessagePack written and read by msgspec
straight into the model's frozen Structs (codec.py); nothing in an entry can
name a class or a function, so a forged entry cannot run code (never pickle: a
cache restored by a CI job from another branch must not). An entry is never
trusted blindly: its header (magic, format, key) and a BLAKE2b digest of the
payload are checked before it is decoded, and anything damaged, truncated, stale
or undecodable is ignored and rebuilt. The key holds the reader's stamp
(stamp.py: the modules of core/, format/ and this package, by size and time, and
msgspec's version), so an entry is only decoded by the code that wrote it. The
folder is created 0700 and is used only when it belongs to the user and no one
else can write to it (folder.py). Entries are written to a temporary file and
renamed into place, so a reader never sees half an entry; there is no fsync (a
torn entry after a crash fails its digest and is rebuilt).

Why msgspec and not the generated codec it replaced (marshal of tuples, decoders
built with `exec`). Measured: a warm `planctl overdue --format json` over 20,000
actions in 200 files (bench/generate.py), 7 runs each interleaved with the old
code on a busy 2-core machine, user+sys CPU: old 0.61 s (0.54-0.66), msgspec 0.64 s
(0.58-0.69), ratio 1.04 (0.93-1.28): within the noise, so speed does not pay for
generated code. Its cost is memory: peak RSS 100.5 MB against 69.6 MB (1.44x),
because marshal shares each repeated string (a plan id in every action, lead names,
statuses) and msgpack decodes a new string for each occurrence.

`--no-cache` or PLANCTL_NO_CACHE=1 turns the cache off; so does `use_cache(False)`.
"""

from __future__ import annotations

import contextlib

from .codec import Interner, Loaded, decode, encode
from .entries import (
    FORMAT_VERSION,
    MAGIC,
    entry_key,
    entry_path,
    load_cached,
    read_entry,
    read_payload,
    write_entry,
)
from .folder import cache_dir, enabled, use_cache
from .index import INDEX_MAGIC, Index
from .stamp import code_stamp
from .state import LogEnds, WalkState, decode_plan, encode_plan, read_state, write_state

__all__ = ["FORMAT_VERSION", "INDEX_MAGIC", "MAGIC", "Index", "Interner", "LogEnds", "Loaded", "WalkState",
           "cache_dir", "clear", "code_stamp", "decode", "decode_plan", "enabled", "encode",
           "encode_plan", "entry_key", "entry_path", "load_cached", "read_entry", "read_payload",
           "read_state", "use_cache", "write_entry", "write_state"]


def clear() -> int:
    """Remove every entry; the number removed (for tests and `rm -r`-shy users)."""
    removed = 0
    for child in cache_dir().glob("v*/*"):
        with contextlib.suppress(OSError):
            child.unlink()
            removed += 1
    return removed

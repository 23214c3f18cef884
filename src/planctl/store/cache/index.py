"""The folder index: one file per set of plan paths, so a warm run reads no plan file.

A warm run over 200 (or 2,000) plan files read as many entries and hashed every
file's bytes to find them. The index holds, for each file of one `--plans` set, its
stat, the digest of its bytes and its entry, in one file: a file whose stat is
unchanged is served without being read. When the stat differs the bytes are hashed
and, if they are the same, the entry still serves.

A stat is recorded as trustworthy only where it can tell two writes apart (see
`trustworthy`): by its ctime, which every write sets and no user tool sets back
(`cp -p`, `rsync -t` and `touch -r` set the mtime), with a fraction of a second (a
whole-second ctime - ext2/ext3, FAT, many network and FUSE mounts - cannot tell two
writes in one second apart), not on Windows (st_ctime is the creation time there),
and at least a second before this run started reading (as git smudges the racy
entries of its index: a write in the same tick as the one read would keep the
ctime). Any other row is stored with its stat smudged, so it never matches and the
file's bytes are hashed on every run until its stat can be trusted.

Layout: header, the entries, the table (msgpack: written time and, per file, stat,
digest of its bytes, and its entry's offset, length and check), then BLAKE2b of the
table and its length (8 bytes). An entry's check is its CRC-32 (`entry_check`): it
only has to catch damage to bytes this index wrote, which a CRC does (zip and PNG
check the same way), and a warm run checks every entry it serves - 15 MB at 20,000
actions, 6 ms as CRC-32 against 24 ms as BLAKE2b. What names a file's contents (the
digest of its bytes, entry keys) stays BLAKE2b. An entry is read (pread), checked and decoded only
when its file is served, so the entries of 100,000 actions are never all in memory
beside the plans decoded from them. A new entry goes straight into the next index
file (a temporary file, renamed into place at the end); the entries served are
copied from the file that was read (still open, even if replaced), never encoded again.
"""

from __future__ import annotations

import contextlib
import os
import time
import zlib
from collections.abc import Callable
from typing import BinaryIO

import msgspec

from .codec import Loaded, decode, encode
from .entries import DIGEST, FORMAT_VERSION, blake2b, digest, entry_key, entry_path, entry_payload, remember
from .folder import cache_dir, enabled, remove_dead_temps, usable
from .stamp import loader_stamp

INDEX_MAGIC = b"planctl-index\n"
# A ctime with a fraction of a second comes from a clock that ticks in less than a
# second (the kernel's 1-10 ms, exFAT's 10 ms): a second before the run is past any tick.
_RACY_NS = 1_000_000_000
_SMUDGED = -1  # the ctime of a stat that must not be trusted: no real stat has it

StatKey = tuple[int, int, int, int, int]
# per file: (stat, digest of its bytes, entry offset, entry length, entry check)
Row = tuple[StatKey, bytes, int, int, bytes]
_TABLE = msgspec.msgpack.Decoder(tuple[int, dict[str, Row]])
_ENCODER = msgspec.msgpack.Encoder()


def entry_check(entry: bytes) -> bytes:
    """What the table keeps to catch a damaged entry (see the module's docstring)."""
    return zlib.crc32(entry).to_bytes(4, "big")


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def trustworthy(st: os.stat_result, started_ns: int) -> bool:
    """Whether an unchanged stat proves the bytes read after `started_ns` are unchanged."""
    if os.name == "nt":  # st_ctime is the creation time: a rewrite keeps it
        return False
    ctime = st.st_ctime_ns
    if ctime % 1_000_000_000 == 0:  # whole seconds: two writes in one second look alike
        return False
    return ctime < started_ns - _RACY_NS


def recorded(st: os.stat_result, started_ns: int) -> StatKey:
    """The stat to store for a file read in this run: smudged when it cannot be trusted."""
    key = stat_key(st)
    if trustworthy(st, started_ns):
        return key
    return (key[0], key[1], _SMUDGED, key[3], key[4])


def parse_file(data: bytes, path: str) -> Loaded:
    from ...format.reader import load_text  # on a miss only: a warm run never imports the parser

    plan, problems, is_comparison = load_text(data, path)
    return plan, problems, is_comparison


class Miss(msgspec.Struct, frozen=True):
    """A file the index cannot serve: its bytes are to be read (see Index.lookup)."""

    path: str
    data: bytes
    digest: bytes
    stat: StatKey  # as it is to be recorded


class _Served(msgspec.Struct):
    """A file of this run: its stat and digest, and where its entry is (an offset in the
    next index file), or the result decoded from the old one (to be copied over)."""

    stat: StatKey
    digest: bytes
    where: tuple[int, int, bytes] | None
    result: Loaded | None


class Index:
    """The index for one set of plan paths: `load` serves a file, `save` writes what
    changed (and closes the files; `close` alone gives up)."""

    def __init__(self, roots: list[str], use: bool | None = None) -> None:
        self.on = enabled() if use is None else use
        self.old: dict[str, Row] = {}
        self.new: dict[str, _Served] = {}
        self.changed = False
        self.started_ns = time.time_ns()  # before any file of this run is read
        self.fd: int | None = None  # the index read
        self.end = 0  # where its entries end (its table starts)
        self.out: BinaryIO | None = None  # the next index, while it is written
        self.size = 0  # of the next index's entries so far
        if not self.on:
            return
        h = blake2b(digest_size=20)
        for part in (str(FORMAT_VERSION), loader_stamp(), *roots):
            h.update(part.encode("utf-8", "surrogateescape") + b"\0")
        self.key = h.hexdigest()
        self.path = cache_dir() / f"v{FORMAT_VERSION}" / f"index-{self.key}"
        self.tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        if not usable(self.path):
            self.on = False
            return
        self._open()

    def _header(self) -> bytes:
        return INDEX_MAGIC + f"{FORMAT_VERSION} {self.key}\n".encode()

    def _open(self) -> None:
        """Read the table; keep the file open for the entries. Anything wrong: no index."""
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return
        try:
            header = self._header()
            end = os.fstat(fd).st_size
            trailer = os.pread(fd, DIGEST + 8, end - DIGEST - 8)
            size = int.from_bytes(trailer[DIGEST:], "big")
            start = end - DIGEST - 8 - size
            if (len(trailer) != DIGEST + 8 or start < len(header)
                    or os.pread(fd, len(header), 0) != header):
                raise ValueError
            table = os.pread(fd, size, start)
            if len(table) != size or digest(table) != trailer[:DIGEST]:
                raise ValueError
            _written_ns, files = _TABLE.decode(table)
        except Exception:  # noqa: BLE001 - a damaged index is a miss, never an error
            os.close(fd)
            return
        self.fd, self.old, self.end = fd, files, start

    def _entry(self, old: Row) -> bytes | None:
        """An old entry's bytes, checked against their check; None if they do not match."""
        offset, length = old[2], old[3]
        start = len(self._header())
        if self.fd is None or offset < 0 or length < 0 or offset + length > self.end - start:
            return None
        try:
            data = os.pread(self.fd, length, start + offset)
        except (OSError, OverflowError):
            return None
        if len(data) != length or entry_check(data) != old[4]:
            return None
        return data

    def load(self, path: str, st: os.stat_result, read: Callable[[], bytes | None]) -> Loaded | None:
        """load_text's (plan, problems, is_comparison) for the file at `path` with stat `st`;
        `read` gives its bytes (None when they cannot be read: then None is returned)."""
        found = self.lookup(path, st, read)
        if not isinstance(found, Miss):
            return found
        result = parse_file(found.data, path)
        return self.complete(found, result, encode(result) if self.on else None)

    def lookup(self, path: str, st: os.stat_result,
               read: Callable[[], bytes | None]) -> Loaded | Miss | None:
        """What `load` gives when the cache has it; else the Miss to read (`complete` it with
        what the file's bytes give, in the order of the lookups)."""
        if not self.on:
            data = read()
            return None if data is None else Miss(path, data, b"", (0, 0, 0, 0, 0))
        key = stat_key(st)
        old = self.old.get(path)
        if old is not None and old[0] == key:  # stored unsmudged: it was trustworthy when read
            found = self._served(path, old, key)
            if found is not None:
                return found
        data = read()
        if data is None:
            return None
        data_digest = digest(data)
        key = recorded(st, self.started_ns)
        if old is not None and old[1] == data_digest:
            found = self._served(path, old, key)
            if found is not None:
                self.changed = True  # the stat changed (or was smudged): write it down again
                return found
        miss = Miss(path, data, data_digest, key)
        stored = self._written_by_an_edit(miss)
        return miss if stored is None else self.complete(miss, *stored)

    def complete(self, miss: Miss, result: Loaded, entry: bytes | None) -> Loaded:
        """Record what a missed file's bytes gave (`entry`: its encoded result, or None)."""
        if not self.on:
            return result
        self.changed = True
        where = None if entry is None else self._append(entry)
        if where is not None:
            self.new[miss.path] = _Served(miss.stat, miss.digest, where, None)
        remember(miss.path, miss.digest, result)
        return result

    @staticmethod
    def _written_by_an_edit(miss: Miss) -> tuple[Loaded, bytes] | None:
        """(result, entry) for a file the index does not have, from the entry an edit wrote
        when it read back what it had written."""
        key = entry_key(miss.data, miss.path, None, "\0", miss.digest)
        payload = entry_payload(entry_path(key), key)
        if payload is not None:
            try:
                return decode(payload), payload
            except Exception:  # noqa: BLE001 - an undecodable entry is parsed again
                pass
        return None

    def _served(self, path: str, old: Row, key: StatKey) -> Loaded | None:
        entry = self._entry(old)
        if entry is None:
            return None
        try:
            found = decode(entry)
        except Exception:  # noqa: BLE001 - an undecodable entry is parsed again
            return None
        self.new[path] = _Served(key, old[1], None, found)
        remember(path, old[1], found)
        return found

    def _start(self) -> BinaryIO | None:
        """The next index file, opened once; None when it cannot be written (the cache is
        then simply not updated this time)."""
        if self.out is None:
            remove_dead_temps(self.path.parent)
            try:
                fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC
                             | getattr(os, "O_NOFOLLOW", 0), 0o600)
                self.out = os.fdopen(fd, "wb")
                self.out.write(self._header())
            except OSError:
                self.on = False
                self.close()
        return self.out

    def _append(self, entry: bytes) -> tuple[int, int, bytes] | None:
        """Add an entry to the next index file: (offset, length, check), or None."""
        out = self._start()
        if out is None:
            return None
        try:
            out.write(entry)
        except OSError:
            self.on = False
            self.close()
            return None
        where = (self.size, len(entry), entry_check(entry))
        self.size += len(entry)
        return where

    def save(self) -> None:
        """Write the index if a file was parsed, changed or went away (atomically)."""
        try:
            if self.on and (self.changed or self.new.keys() != self.old.keys()):
                self._finish()
        finally:
            self.close()

    def _table(self) -> dict[str, Row] | None:
        """The rows of the next index, the entries served copied into it; None if it failed."""
        table: dict[str, Row] = {}
        for path, served in self.new.items():
            where = served.where
            if where is None:  # served: its bytes as written, else encoded again
                entry = self._entry(self.old[path]) or (
                    None if served.result is None else encode(served.result))
                where = None if entry is None else self._append(entry)
                if not self.on:
                    return None
            if where is not None:
                table[path] = (served.stat, served.digest, *where)
        return table

    def _finish(self) -> None:
        table = self._table()
        if table is None:
            return
        packed = _ENCODER.encode((time.time_ns(), table))
        out = self._start()  # nothing parsed or served (only files gone): start it now
        if out is None:
            return
        try:
            out.write(packed)
            out.write(digest(packed) + len(packed).to_bytes(8, "big"))
            out.close()
            self.out = None
            os.replace(self.tmp, self.path)
        except OSError:
            pass  # close() removes the unfinished file

    def close(self) -> None:
        """Close what is open; a next index not renamed into place is removed."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.out is not None:
            with contextlib.suppress(OSError):
                self.out.close()
            self.out = None
            with contextlib.suppress(OSError):
                os.unlink(self.tmp)

"""The parse cache: each plan file is read once per content.

An entry maps (the file's bytes, its path, planctl's version, the cache format
and the model's shape) to what `format.reader.load_text` returned for them: the plan,
its problems (with their lines) and whether it is a comparison file. Entries
live in `$XDG_CACHE_HOME/planctl` (default `~/.cache/planctl`): the plans of a
folder in one index file per set of `--plans` paths (`Index`, below: a file whose
stat is unchanged is not even read), versions from git one entry per blob
(`load_cached`).

Threat model and format. An entry is plain data (tuples, strings, numbers)
written with `marshal` and rebuilt into the model's frozen dataclasses by
a codec derived here from the model's own field types; nothing in an entry can
name a class or a function, so a forged entry cannot run code, unlike a
pickle (the decoders are generated from the model's field names and types only).
marshal is also the fastest format we measured (see docs/benchmarks.md): faster
to write and read than pickle or JSON. An entry is
never trusted blindly: its header (magic, format, planctl version, key) and a
BLAKE2b digest of the payload are checked before it is decoded, and anything
damaged, truncated, stale or undecodable is ignored and rebuilt. The folder is
created 0700 and is used only when it belongs to the user and no one else can
write to it. Entries are written to a temporary file and renamed into place,
so a reader never sees half an entry; there is no fsync (a torn entry after a
crash fails its digest and is rebuilt).

`--no-cache` or PLANCTL_NO_CACHE=1 turns the cache off; so does `use_cache(False)`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import marshal
import os
import sys
import types
import typing
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date
from pathlib import Path

from .. import __version__
from ..core.errors import Problem
from ..core.model import Plan

try:  # hashlib's own BLAKE2b, without hashlib loading OpenSSL (5-12 ms of every warm run)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

# The entry format: header, digest, marshal of the tuples _build_codec's functions
# make. Bump it when that encoding changes (the model's shape is keyed separately).
FORMAT_VERSION = 4
MAGIC = b"planctl-cache\n"
_DIGEST = 32  # bytes of BLAKE2b over the payload

# None: decided by PLANCTL_NO_CACHE; True/False: set by --no-cache (see use_cache).
_ENABLED: ContextVar[bool | None] = ContextVar("planctl_cache_enabled", default=None)


def enabled() -> bool:
    flag = _ENABLED.get()
    if flag is not None:
        return flag
    return os.environ.get("PLANCTL_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


@contextlib.contextmanager
def use_cache(flag: bool | None):
    """Within the block the cache is on (True) or off (False); None: as the environment says.

    It reaches every load inside the block, the git history's too (--no-cache).
    """
    token = _ENABLED.set(flag)
    try:
        yield
    finally:
        _ENABLED.reset(token)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec: a relative XDG_CACHE_HOME is invalid and must be ignored.
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "planctl"


_checked: dict[str, bool] = {}


def _usable_dir(folder: Path) -> bool:
    """Create the folder 0700; use it only if it is ours and nobody else can write to it."""
    key = str(folder)
    if key in _checked:
        return _checked[key]
    ok = False
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(folder)
        import stat

        ok = stat.S_ISDIR(st.st_mode) and not st.st_mode & 0o022
        if hasattr(os, "getuid"):
            ok = ok and st.st_uid == os.getuid()
    except OSError:
        ok = False
    _checked[key] = ok
    return ok


# -- the codec: model dataclasses <-> plain tuples ------------------------------
#
# A dataclass is the tuple of its fields in order; a date is its ordinal; a tuple of
# such things a tuple; text and numbers themselves. The codec is derived from the
# model's own field types, so a field added to the model is stored without touching
# this file; a type it cannot store raises TypeError (the cache is then off and
# loading stays correct). The model's shape (classes, fields, types) is part of each
# entry's key, and FORMAT_VERSION changes with the encoding, so an entry is never
# decoded into a shape it was not written for.
#
# Each class's encoder and decoder is one generated function (as dataclasses and
# namedtuple generate theirs), from the field names and types only, never from an
# entry: a warm run at 20,000 actions rebuilds ~100,000 objects, and straight-line
# code builds each one about twice as fast as dict(zip()) plus a conversion loop
# (docs/benchmarks.md). Objects are rebuilt as unpickling rebuilds
# them (__dict__ filled, no constructor): the constructors of frozen dataclasses set
# each field through object.__setattr__. _build_codec refuses a class with
# __post_init__ or __slots__, and the round-trip test checks that every field
# arrives, so nothing a constructor would do is skipped.

_PLAIN = (str, int, bool, float, type(None))


def _conversions(tp, src: str, names: dict, depth: int) -> tuple[str, str] | None:
    """(encode, decode) expressions turning `src` into plain data and back, or None where
    the value is stored as it is (text, numbers, booleans, None and tuples of those)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp in _PLAIN:
        return None
    if tp is date:
        return f"{src}.toordinal()", f"_day({src})"
    if dataclasses.is_dataclass(tp):
        n = names[tp]
        return f"_enc_{n}({src})", f"_dec_{n}({src})"
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1 and len(args) == 2:
            conv = _conversions(inner[0], src, names, depth)
            if conv is None:
                return None
            return tuple(f"(None if {src} is None else {c})" for c in conv)
        if all(a in _PLAIN for a in args):
            return None
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = f"_x{depth}"
        conv = _conversions(args[0], item, names, depth + 1)
        if conv is None:
            return None
        enc, dec = conv
        return (f"tuple([{enc} for {item} in {src}])",
                f"(tuple([{dec} for {item} in {src}]) if {src} else ())")
    raise TypeError(f"cache: cannot store a field of type {tp!r}")


def _class_source(cls, names: dict) -> tuple[str, str]:
    """The sources of _enc_N and _dec_N for one dataclass (N: its number in `names`)."""
    if "__post_init__" in vars(cls) or "__slots__" in vars(cls):
        raise TypeError(f"cache: {cls.__name__} needs its constructor; decode it with it")
    hints = _type_hints(cls)
    n = names[cls]
    enc_items, dec_items = [], []
    for i, f in enumerate(dataclasses.fields(cls)):
        conv = _conversions(hints[f.name], f"d[{f.name!r}]", names, 0)
        enc_items.append(conv[0] if conv else f"d[{f.name!r}]")
        conv = _conversions(hints[f.name], f"v[{i}]", names, 0)
        dec_items.append(f"    d[{f.name!r}] = {conv[1] if conv else f'v[{i}]'}\n")
    # Fields are stored one by one, in field order, as the constructor stores them: the
    # instance dict then shares its keys with the class's other instances (PEP 412), a
    # third of the size of a dict filled by update() - 58 MB less at 100,000 actions -
    # and no slower. No length check per object: the model's shape is part of every
    # entry's key, and a short tuple fails with IndexError (a miss) anyway.
    return (f"def _enc_{n}(o):\n    d = o.__dict__\n    return ({', '.join(enc_items)},)\n",
            f"def _dec_{n}(v):\n    o = _new(_cls_{n})\n    d = o.__dict__\n"
            f"{''.join(dec_items)}    return o\n")


def _type_hints(cls) -> dict:
    """typing.get_type_hints(cls) for a dataclass, each distinct annotation evaluated once:
    get_type_hints compiles every field's annotation string, about 180 of them (a third
    of a warm `planctl status`), of which some 30 differ."""
    try:
        return {f.name: _annotation(f.type, cls.__module__) if isinstance(f.type, str) else f.type
                for f in dataclasses.fields(cls)}
    except Exception:  # noqa: BLE001 - anything unusual: as typing itself reads it
        return typing.get_type_hints(cls)


@functools.lru_cache(maxsize=256)
def _annotation(text: str, module: str):
    return eval(text, vars(sys.modules[module]))  # noqa: S307 - the model's own annotations


def _model_classes(cls: type, found: dict[type, None]) -> dict[type, None]:
    """Every dataclass a Plan holds, leaves first, by walking the field types."""
    if cls in found:
        return found
    for hint in _type_hints(cls).values():
        stack = [hint]
        while stack:
            tp = stack.pop()
            if dataclasses.is_dataclass(tp) and tp is not cls:
                _model_classes(tp, found)
            stack += [a for a in typing.get_args(tp) if a is not Ellipsis]
    found[cls] = None
    return found


def _build_codec():
    """(encode a Plan, decode a Plan, fingerprint of the model's shape), or TypeError when
    the model has a field the cache cannot store."""
    classes = list(_model_classes(Plan, {}))
    names = {cls: i for i, cls in enumerate(classes)}
    sources = [_class_source(cls, names) for cls in classes]
    code = compile("".join(dec for _, dec in sources), "<planctl cache codec>", "exec")
    namespace = _codec_namespace(code, names)
    shape = [f"{cls.__module__}.{cls.__qualname__}.{f.name}: {f.type}"
             for cls in classes for f in dataclasses.fields(cls)]
    fingerprint = blake2b("\n".join(shape).encode(), digest_size=8).hexdigest()
    n = names[Plan]
    global _compiled
    _compiled = (code, names)
    encoders = "".join(enc for enc, _ in sources)

    def encode_plan(plan):
        # Compiled on the first encode: a warm run only decodes (compiling is ~40% of
        # building the codec, which is ~4% of a warm `planctl status`).
        if f"_enc_{n}" not in namespace:
            exec(compile(encoders, "<planctl cache codec>", "exec"), namespace)  # noqa: S102
        return namespace[f"_enc_{n}"](plan)

    return encode_plan, namespace[f"_dec_{n}"], fingerprint


_compiled = None  # (the codec's code, class -> number), for plan_decoder


def _codec_namespace(code, names: dict) -> dict:
    namespace = {"_new": object.__new__, "_day": date.fromordinal,
                 **{f"_cls_{i}": cls for cls, i in names.items()}}
    exec(code, namespace)  # noqa: S102 - generated from the model's fields, see above
    return namespace


def plan_decoder(wrap: dict[type, Callable[[Callable], Callable]]) -> Callable | None:
    """A decoder of a Plan's plain tuple in which each class of `wrap` is decoded by
    wrap[cls](its plain decoder): the history shares the objects of unchanged actions
    between versions this way. None when the cache cannot encode the model."""
    if _get_codec()[1] is None or _compiled is None:
        return None
    code, names = _compiled
    namespace = _codec_namespace(code, names)
    for cls, wrapper in wrap.items():  # the decoders call each other by these names
        namespace[f"_dec_{names[cls]}"] = wrapper(namespace[f"_dec_{names[cls]}"])
    return namespace[f"_dec_{names[Plan]}"]


_codec = None


def _get_codec():
    global _codec
    if _codec is None:
        try:
            _codec = _build_codec()
        except TypeError:  # a model field of a type we cannot encode: no cache, still correct
            _codec = (None, None, "")
    return _codec


def encode(result) -> bytes | None:
    """marshal bytes of load_text's (plan, problems, is_comparison); None if it cannot be encoded."""
    enc_plan, _, _ = _get_codec()
    if enc_plan is None:
        return None
    plan, problems, is_comparison = result
    try:
        data = (None if plan is None else enc_plan(plan),
                tuple((p.path, p.line, p.column, p.code, p.message, p.severity) for p in problems),
                bool(is_comparison))
        return marshal.dumps(data)
    except (ValueError, TypeError, AttributeError):
        return None


def decode(payload: bytes):
    _, dec_plan, _ = _get_codec()
    plan, problems, is_comparison = marshal.loads(payload)
    return (None if plan is None else dec_plan(plan),
            [Problem(*p) for p in problems],
            bool(is_comparison))


# -- entries ---------------------------------------------------------------------


_STAMP: str | None = None


def loader_stamp() -> str:
    """Size and mtime of the modules that decide what a file loads to, so that a loader
    changed without a version bump (a developer's edit, a reinstall) never meets old entries."""
    global _STAMP
    if _STAMP is None:
        # Every module of the format and the core, by path (a warm run never imports the
        # YAML reader); a module added there is covered without a change here.
        package = Path(__file__).resolve().parent.parent
        parts = []
        for folder in ("format", "core"):
            try:
                found = sorted((e.name, e.stat()) for e in os.scandir(package / folder)
                               if e.name.endswith(".py"))
            except OSError:
                found = []
            parts += [f"{name}:{st.st_size}:{st.st_mtime_ns}" for name, st in found]
        _STAMP = ",".join(parts)
    return _STAMP


def entry_key(data: bytes, path: str, content_id: str | None = None, key_extra: str = "",
              digest: bytes | None = None) -> str:
    """The entry's name: everything the loaded result depends on.

    The path is part of the key because the plan, its id (the file's stem by
    default) and every problem carry it. digest: BLAKE2b (32 bytes) of `data`, when
    the caller has it already.
    """
    _, _, fingerprint = _get_codec()
    h = blake2b(digest_size=20)
    for part in (str(FORMAT_VERSION), __version__, fingerprint, loader_stamp(), key_extra, path):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    if content_id is not None:
        h.update(b"id:" + content_id.encode("utf-8", "surrogateescape"))
    else:
        h.update(b"data:" + (digest or blake2b(data, digest_size=32).digest()))
    return h.hexdigest()


def _header(key: str) -> bytes:
    return MAGIC + f"{FORMAT_VERSION} {__version__} {key}\n".encode()


def read_entry(path: Path, key: str):
    """The decoded entry, or None when it is missing, damaged, truncated or stale."""
    payload = _entry_payload(path, key)
    if payload is None:
        return None
    try:
        return decode(payload)
    except Exception:  # noqa: BLE001 - any undecodable entry is a miss, never an error
        return None


def _entry_payload(path: Path, key: str) -> bytes | None:
    """An entry's payload, checked against its header and digest; None if it is not whole."""
    try:
        with open(path, "rb") as fh:
            blob = fh.read()
    except OSError:
        return None
    header = _header(key)
    if not blob.startswith(header) or len(blob) < len(header) + _DIGEST:
        return None
    digest = blob[len(header) : len(header) + _DIGEST]
    payload = blob[len(header) + _DIGEST :]
    if blake2b(payload, digest_size=_DIGEST).digest() != digest:
        return None
    return payload


def read_plain(key: str):
    """The entry `key` as plain tuples (marshal's), not decoded, or None on a miss: the same
    checks as read_entry (the cache on, a usable folder, header, digest)."""
    target = entry_path(key)
    if not enabled() or not _usable_dir(target.parent.parent) or not _usable_dir(target.parent):
        return None
    payload = _entry_payload(target, key)
    if payload is None:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def write_entry(path: Path, key: str, payload: bytes) -> None:
    """Write atomically (temporary file + rename); a cache that cannot be written is skipped."""
    _write_atomically(path, [_header(key), blake2b(payload, digest_size=_DIGEST).digest(), payload])


def _write_atomically(path: Path, parts: list[bytes]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.writelines(parts)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def entry_path(key: str) -> Path:
    return cache_dir() / f"v{FORMAT_VERSION}" / key


# What the folder loads of this process gave, by path: (digest of the bytes, result). An
# edit loads the folder, then reads the file it edits: the same bytes, already decoded.
# Bounded; the results are the plans the command holds anyway.
_loaded: dict[str, tuple[bytes, tuple]] = {}
_LOADED_MAX = 4096


def _remember(path: str, digest: bytes, result) -> None:
    if len(_loaded) >= _LOADED_MAX:
        _loaded.clear()
    _loaded[path] = (digest, result)


def load_cached(data: bytes, path: str, *, content_id: str | None = None, key_extra: str = "",
                plan_id: str | None = None, use: bool | None = None):
    """`load.load_text(data, path, plan_id)`, from the cache when this content was read before.

    content_id: an id that already names the bytes (a git blob id), which saves
    hashing them - with it, `data` may be a function returning the bytes, called
    only on a miss; key_extra: anything else the result depends on. Returns
    (Plan | None, problems, is_comparison_file), exactly as load_text does.
    """
    from ..format.reader import load_text

    if callable(data) and content_id is None:
        data = data()

    def parse():
        return load_text(data() if callable(data) else data, path, plan_id)

    if not (enabled() if use is None else use):
        return parse()
    digest = None
    if content_id is None and not key_extra and plan_id is None:
        digest = blake2b(data, digest_size=_DIGEST).digest()
        seen = _loaded.get(path)
        if seen is not None and seen[0] == digest:  # an edit reading the file the folder load read
            plan, problems, is_comparison = seen[1]
            return plan, list(problems), is_comparison
    key = entry_key(data, path, content_id, f"{key_extra}\0{plan_id or ''}", digest)
    target = entry_path(key)
    folder = target.parent
    if not _usable_dir(folder.parent) or not _usable_dir(folder):
        return parse()
    found = read_entry(target, key)
    if found is not None:
        return found
    result = parse()
    payload = encode(result)
    if payload is not None:
        write_entry(target, key, payload)
    return result


# -- the folder index: one file per set of plan paths ----------------------------
#
# A warm run over 200 (or 2,000) plan files read as many entries and hashed every
# file's bytes to find them. The index holds, for each file of one `--plans` set, its
# stat, the digest of its bytes and its entry, in one file: a file whose stat is
# unchanged is served without being read. A stat is trusted only when the file was
# last changed well before the index was written (as git does for its index): a file
# rewritten within the filesystem's timestamp granularity, at the same size, is
# hashed again. When the stat differs the bytes are hashed and, if they are the same,
# the entry still serves.
#
# Layout: header, the entries, the table (marshal: written time and, per file, stat,
# digest of its bytes, and its entry's offset, length and digest), then BLAKE2b of the
# table and its length (8 bytes). An entry is read (pread), checked and decoded only
# when its file is served, so the entries of 100,000 actions (~30 MB) are never all
# in memory beside the plans decoded from them. A new entry goes straight into the
# next index file (a temporary file, renamed into place at the end); the entries
# served are copied from the file that was read (still open, even if replaced),
# never encoded again.

INDEX_MAGIC = b"planctl-index\n"
_RACY_NS = 2_000_000_000  # coarse filesystems stamp to 1-2 s


def _stat_key(st: os.stat_result) -> tuple:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def _parse(data: bytes, path: str):
    from ..format.reader import load_text  # on a miss only: a warm run never imports the parser

    return load_text(data, path)


class Index:
    """The index for one set of plan paths: `load` serves a file, `save` writes what
    changed (and closes the files; `close` alone gives up)."""

    def __init__(self, roots: list[str], use: bool | None = None) -> None:
        self.on = enabled() if use is None else use
        self.old: dict = {}  # path -> (stat, digest, offset, length, entry digest)
        self.new: dict = {}  # path -> (stat, digest, offset in the next file or None, decoded)
        self.changed = False
        self.written_ns = 0
        self.fd: int | None = None  # the index read
        self.out = None  # the next index, while it is written
        self.size = 0  # of the next index's entries so far
        if not self.on:
            return
        h = blake2b(digest_size=20)
        _, _, fingerprint = _get_codec()
        for part in (str(FORMAT_VERSION), __version__, fingerprint, loader_stamp(), *roots):
            h.update(part.encode("utf-8", "surrogateescape") + b"\0")
        self.key = h.hexdigest()
        self.path = cache_dir() / f"v{FORMAT_VERSION}" / f"index-{self.key}"
        self.tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        if not _usable_dir(self.path.parent.parent) or not _usable_dir(self.path.parent):
            self.on = False
            return
        self._open()

    def _header(self) -> bytes:
        return INDEX_MAGIC + f"{FORMAT_VERSION} {__version__} {self.key}\n".encode()

    def _open(self) -> None:
        """Read the table; keep the file open for the entries. Anything wrong: no index."""
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return
        try:
            header = self._header()
            end = os.fstat(fd).st_size
            trailer = os.pread(fd, _DIGEST + 8, end - _DIGEST - 8)
            size = int.from_bytes(trailer[_DIGEST:], "big")
            start = end - _DIGEST - 8 - size
            if (len(trailer) != _DIGEST + 8 or start < len(header)
                    or os.pread(fd, len(header), 0) != header):
                raise ValueError
            table = os.pread(fd, size, start)
            if len(table) != size or blake2b(table, digest_size=_DIGEST).digest() != trailer[:_DIGEST]:
                raise ValueError
            written_ns, files = marshal.loads(table)
            if type(written_ns) is not int or type(files) is not dict:
                raise ValueError
        except Exception:  # noqa: BLE001 - a damaged index is a miss, never an error
            os.close(fd)
            return
        self.fd, self.written_ns = fd, written_ns
        self.old = {path: v for path, v in files.items() if type(v) is tuple and len(v) == 5}
        self.end = start  # entries lie between the header and the table

    def _entry(self, old: tuple) -> bytes | None:
        """An old entry's bytes, checked against their digest; None if they do not match."""
        try:
            offset, length = old[2], old[3]
            if offset < 0 or length < 0 or offset + length > self.end - len(self._header()):
                return None
            data = os.pread(self.fd, length, len(self._header()) + offset)
        except (OSError, TypeError, ValueError, OverflowError):
            return None
        if len(data) != length or blake2b(data, digest_size=_DIGEST).digest() != old[4]:
            return None
        return data

    def load(self, path: str, st: os.stat_result, read: Callable[[], bytes | None]):
        """load_text's (plan, problems, is_comparison) for the file at `path` with stat `st`;
        `read` gives its bytes (None when they cannot be read: then None is returned)."""
        if not self.on:
            data = read()
            return None if data is None else _parse(data, path)
        stat_key = _stat_key(st)
        old = self.old.get(path)
        if old is not None and old[0] == stat_key and st.st_mtime_ns < self.written_ns - _RACY_NS:
            found = self._served(path, old, stat_key)
            if found is not None:
                return found
        data = read()
        if data is None:
            return None
        digest = blake2b(data, digest_size=_DIGEST).digest()
        if old is not None and old[1] == digest:
            found = self._served(path, old, stat_key)
            if found is not None:
                self.changed = True  # the stat changed (or is racy): write it down again
                return found
        result, entry = self._entry_for(data, path, digest)
        self.changed = True
        where = None if entry is None else self._append(entry)
        if where is not None:
            self.new[path] = (stat_key, digest, where, None)
        _remember(path, digest, result)
        return result

    @staticmethod
    def _entry_for(data: bytes, path: str, digest: bytes):
        """(result, entry bytes) for a file the index does not have: the entry an edit
        wrote when it read back what it had written, else parsed now."""
        key = entry_key(data, path, None, "\0", digest)
        payload = _entry_payload(entry_path(key), key)
        if payload is not None:
            try:
                return decode(payload), payload
            except Exception:  # noqa: BLE001 - an undecodable entry is parsed again
                pass
        result = _parse(data, path)
        return result, encode(result)

    def _served(self, path: str, old: tuple, stat_key: tuple):
        entry = self._entry(old)
        if entry is None:
            return None
        try:
            found = decode(entry)
        except Exception:  # noqa: BLE001 - an undecodable entry is parsed again
            return None
        self.new[path] = (stat_key, old[1], None, found)
        _remember(path, old[1], found)
        return found

    def _start(self) -> bool:
        """Open the next index file (once); False when it cannot be written (the cache is
        then simply not updated this time)."""
        if self.out is None:
            _remove_dead_temps(self.path.parent)
            try:
                fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC
                             | getattr(os, "O_NOFOLLOW", 0), 0o600)
                self.out = os.fdopen(fd, "wb")
                self.out.write(self._header())
            except OSError:
                self.on = False
                self.close()
                return False
        return True

    def _append(self, entry: bytes) -> tuple | None:
        """Add an entry to the next index file: (offset, length, digest), or None."""
        if not self._start():
            return None
        try:
            self.out.write(entry)
        except OSError:
            self.on = False
            self.close()
            return None
        where = (self.size, len(entry), blake2b(entry, digest_size=_DIGEST).digest())
        self.size += len(entry)
        return where

    def save(self) -> None:
        """Write the index if a file was parsed, changed or went away (atomically)."""
        try:
            if self.on and (self.changed or self.new.keys() != self.old.keys()):
                self._finish()
        finally:
            self.close()

    def _finish(self) -> None:
        import time

        table = {}
        for path, (stat_key, digest, where, result) in self.new.items():
            if where is None:  # served: its bytes as written, else encoded again
                entry = self._entry(self.old[path]) or encode(result)
                where = None if entry is None else self._append(entry)
                if not self.on:
                    return
            if where is not None:
                table[path] = (stat_key, digest, *where)
        packed = marshal.dumps((time.time_ns(), table))
        if not self._start():  # nothing parsed or served (only files gone): start it now
            return
        try:
            self.out.write(packed)
            self.out.write(blake2b(packed, digest_size=_DIGEST).digest()
                           + len(packed).to_bytes(8, "big"))
            self.out.close()
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


def _remove_dead_temps(folder: Path) -> None:
    """Remove the unfinished files of writers that were killed (kill -9, power cut): they
    are named after their process, and that process is gone. One pass over one folder."""
    import re

    from .atomic import process_alive

    name = re.compile(r"\.(?:index-)?[0-9a-f]+\.([0-9]{1,10})\.tmp")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        found = name.fullmatch(entry.name)
        if found is not None and not process_alive(int(found.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def clear() -> int:
    """Remove every entry; the number removed (for tests and `rm -r`-shy users)."""
    removed = 0
    for child in (cache_dir()).glob("v*/*"):
        with contextlib.suppress(OSError):
            child.unlink()
            removed += 1
    return removed


if __name__ == "__main__":  # pragma: no cover - `python -m planctl.store.cache` shows where it is
    print(cache_dir(), file=sys.stdout)

"""The parse cache: each plan file is read once per content.

An entry maps (the file's bytes, its path, planctl's version, the cache format
and the model's shape) to what `format.reader.load_text` returned for them: the plan,
its problems (with their lines) and whether it is a comparison file. Entries
live in `$XDG_CACHE_HOME/planctl` (default `~/.cache/planctl`).

Threat model and format. An entry is plain data (tuples, strings, numbers)
written with `marshal` and rebuilt into the model's frozen dataclasses by
a codec derived here from the model's own field types; nothing in an entry can
name a class or a function, so a forged entry cannot run code, unlike a
pickle. marshal is also the fastest format we measured (see
docs/benchmarks.md): faster to write and read than pickle or JSON. An entry is
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
import marshal
import os
import sys
import types
import typing
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date
from hashlib import blake2b
from pathlib import Path

from .. import __version__
from ..core.errors import Problem
from ..core.model import Plan

# The entry format: header, digest, marshal of the tuples _build_codec's functions
# make. Bump it when that encoding changes (the model's shape is keyed separately).
FORMAT_VERSION = 3
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
# Written out per class: a dataclass is the tuple of its fields in order, rebuilt
# through its constructor; a date is its ordinal; a tuple of such things a tuple;
# text and numbers themselves. Each codec names the fields it covers: when the
# model gains or loses a field, _build_codec refuses it (the cache is off, loading
# stays correct) and tests/test_cache.py fails naming the field, until the codec
# below is taught it. The model's shape (classes, fields, types) is part of each
# entry's key, and FORMAT_VERSION changes with the encoding, so an entry is never
# decoded into a shape it was not written for.


_day = date.fromordinal
_new = object.__new__
_PLAIN = (str, int, bool, float, type(None))


def _rebuild(cls, fields: dict):
    """An instance of cls with these field values, stored as its constructor would store them.

    Unpickling builds frozen dataclasses the same way (pickle's BUILD updates
    __dict__). Their constructors set each field through object.__setattr__, which
    made a warm run at 20,000 actions about 60 ms slower (docs/benchmarks.md).
    _build_codec refuses a class with __post_init__ or __slots__, and the round-trip
    test checks that every field arrives, so nothing a constructor would do is skipped.
    """
    o = _new(cls)
    o.__dict__.update(fields)
    return o


def _value_codec(tp, classes: dict) -> tuple[Callable, Callable] | None:
    """(encode, decode) for one field type; None where the value is stored as it is
    (text, numbers, booleans, None and tuples of those). TypeError for a type the
    cache cannot store, which turns the cache off (loading stays correct)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp in _PLAIN:
        return None
    if tp is date:
        return date.toordinal, _day
    if dataclasses.is_dataclass(tp):
        return classes[tp]
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1 and len(args) == 2:
            codec = _value_codec(inner[0], classes)
            if codec is None:
                return None
            enc, dec = codec
            return (lambda v: None if v is None else enc(v)), (lambda v: None if v is None else dec(v))
        if all(a in _PLAIN for a in args):
            return None
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        codec = _value_codec(args[0], classes)
        if codec is None:
            return None
        enc, dec = codec
        return (lambda v: tuple(map(enc, v))), (lambda v: tuple(map(dec, v)) if v else ())
    raise TypeError(f"cache: cannot store a field of type {tp!r}")


def _class_codec(cls, classes: dict) -> None:
    """Fill classes[cls] with (encode, decode): a dataclass is the tuple of its fields in
    order. Classes are set up leaves first; a class refers to others through `classes`,
    so the closures below look them up once, when built."""
    hints = typing.get_type_hints(cls)
    fields = [f.name for f in dataclasses.fields(cls)]
    codecs = [_value_codec(hints[name], classes) for name in fields]
    plain = all(c is None for c in codecs)
    if "__post_init__" in vars(cls) or "__slots__" in vars(cls):
        raise TypeError(f"cache: {cls.__name__} needs its constructor; decode it with it")
    names = tuple(fields)
    # Only the fields that need converting are touched one by one; the rest go through
    # dict(zip()) at C speed (a warm run decodes ~100,000 objects at 20,000 actions).
    convert = tuple((i, name, c[0], c[1]) for i, (name, c) in enumerate(zip(fields, codecs, strict=True))
                    if c is not None)

    if plain:
        def enc(o):
            d = o.__dict__
            return tuple([d[n] for n in names])

        def dec(v):
            return _rebuild(cls, dict(zip(names, v, strict=True)))
    else:
        def enc(o):
            d = o.__dict__
            out = [d[n] for n in names]
            for i, _, to_plain, _ in convert:
                out[i] = to_plain(out[i])
            return tuple(out)

        def dec(v):
            d = dict(zip(names, v, strict=True))
            for i, name, _, from_plain in convert:
                d[name] = from_plain(v[i])
            return _rebuild(cls, d)
    classes[cls] = (enc, dec)


def _model_classes(cls: type, found: dict[type, None]) -> dict[type, None]:
    """Every dataclass a Plan holds, leaves first, by walking the field types."""
    if cls in found:
        return found
    for hint in typing.get_type_hints(cls).values():
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
    the model has a field the cache cannot store. The codec is derived from the model's
    own field types, so a field added to the model is stored without touching this file;
    the shape is part of every entry's key, so no entry meets a shape it was not written for."""
    classes: dict = {}
    shape = []
    for cls in _model_classes(Plan, {}):
        _class_codec(cls, classes)
        shape += [f"{cls.__module__}.{cls.__qualname__}.{f.name}: {f.type}"
                  for f in dataclasses.fields(cls)]
    fingerprint = blake2b("\n".join(shape).encode(), digest_size=8).hexdigest()
    return classes[Plan][0], classes[Plan][1], fingerprint


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
        from ..core import errors, model, names, timescale, validations
        from ..format import reader, yamlsafe

        parts = []
        for module in (reader, yamlsafe, validations, names, timescale, model, errors):
            try:
                st = os.stat(module.__file__)
                parts.append(f"{st.st_size}:{st.st_mtime_ns}")
            except (OSError, TypeError):
                parts.append("?")
        _STAMP = ",".join(parts)
    return _STAMP


def entry_key(data: bytes, path: str, content_id: str | None = None, key_extra: str = "") -> str:
    """The entry's name: everything the loaded result depends on.

    The path is part of the key because the plan, its id (the file's stem by
    default) and every problem carry it.
    """
    _, _, fingerprint = _get_codec()
    h = blake2b(digest_size=20)
    for part in (str(FORMAT_VERSION), __version__, fingerprint, loader_stamp(), key_extra, path):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    if content_id is not None:
        h.update(b"id:" + content_id.encode("utf-8", "surrogateescape"))
    else:
        h.update(b"data:" + blake2b(data, digest_size=32).digest())
    return h.hexdigest()


def _header(key: str) -> bytes:
    return MAGIC + f"{FORMAT_VERSION} {__version__} {key}\n".encode()


def read_entry(path: Path, key: str):
    """The decoded entry, or None when it is missing, damaged, truncated or stale."""
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
    try:
        return decode(payload)
    except Exception:  # noqa: BLE001 - any undecodable entry is a miss, never an error
        return None


def write_entry(path: Path, key: str, payload: bytes) -> None:
    """Write atomically (temporary file + rename); a cache that cannot be written is skipped."""
    blob = _header(key) + blake2b(payload, digest_size=_DIGEST).digest() + payload
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def entry_path(key: str) -> Path:
    return cache_dir() / f"v{FORMAT_VERSION}" / key


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
    key = entry_key(data, path, content_id, f"{key_extra}\0{plan_id or ''}")
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

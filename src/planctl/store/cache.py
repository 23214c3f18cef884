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
import operator
import os
import sys
import types
import typing
from contextvars import ContextVar
from datetime import date
from hashlib import blake2b
from pathlib import Path

from .. import __version__
from ..core.errors import Problem

# The entry format: header, digest, marshal of the tuples _build_codec's functions
# make. Bump it when that encoding changes (the model's shape is keyed separately).
FORMAT_VERSION = 2
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
# Generic over dataclasses.fields, from each field's type: a dataclass becomes the
# tuple of its fields in order (rebuilt through its constructor), a date its
# ordinal, a tuple of such things a tuple, text and numbers themselves. A field
# added to the model is encoded with no change here; a field of a type this does
# not know stops the cache (loading stays correct) and fails tests/test_cache.py.
# The shape (every class, field and type) is part of each entry's key, so entries
# written for another shape are never decoded; FORMAT_VERSION changes with the
# encoding itself.

_ATOMS = (str, int, bool, float, type(None))


def _is_atom(tp) -> bool:
    return tp in _ATOMS


def _union_parts(tp) -> tuple:
    return typing.get_args(tp) if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union \
        else (tp,)


def _converters(tp, classes: dict, shape: list):
    """(encode, decode) for values of type tp; None for a value kept as it is."""
    parts = [t for t in _union_parts(tp) if t is not type(None)]
    if all(_is_atom(t) for t in parts):
        return None
    if len(parts) != 1:
        raise TypeError(f"cache: cannot encode a union of {tp}")
    tp = parts[0]  # None passes through both ways (see _class_codec)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is date:
        return date.toordinal, date.fromordinal
    if dataclasses.is_dataclass(tp):
        return _class_codec(tp, classes, shape)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _converters(args[0], classes, shape)
        if item is None:
            return None
        enc_item, dec_item = item
        return (lambda v: tuple([None if x is None else enc_item(x) for x in v]),
                lambda v: tuple([None if x is None else dec_item(x) for x in v]))
    if origin is tuple and args:
        items = [_converters(a, classes, shape) for a in args]
        if all(i is None for i in items):
            return None
        raise TypeError(f"cache: cannot encode {tp}")
    if origin is dict and all(_is_atom(a) for a in args):
        return None
    raise TypeError(f"cache: cannot encode {tp}")


def _class_codec(cls: type, classes: dict, shape: list):
    """(encode, decode) of one dataclass, made once per class (the model's classes nest)."""
    if cls in classes:
        return classes[cls]
    # Filled in below; a class that contains itself would find these first.
    slot: list = [None, None]
    classes[cls] = (lambda o: slot[0](o), lambda v: slot[1](v))
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls)]
    converted = []
    for i, f in enumerate(fields):
        if not f.init:
            raise TypeError(f"cache: {cls.__name__}.{f.name} is not set by the constructor")
        shape.append(f"{cls.__module__}.{cls.__qualname__}.{f.name}: {hints[f.name]}")
        conv = _converters(hints[f.name], classes, shape)
        if conv is not None:
            converted.append((i, *conv))
    get_all = operator.attrgetter(*(f.name for f in fields))
    single = len(fields) == 1

    def encode_obj(o):
        values = (get_all(o),) if single else get_all(o)
        if not converted:
            return values
        values = list(values)
        for i, enc, _ in converted:
            if values[i] is not None:
                values[i] = enc(values[i])
        return tuple(values)

    def decode_obj(v):
        if converted:
            v = list(v)
            for i, _, dec in converted:
                if v[i] is not None:
                    v[i] = dec(v[i])
        return cls(*v)

    slot[:] = [encode_obj, decode_obj]
    classes[cls] = (encode_obj, decode_obj)
    return encode_obj, decode_obj


def _build_codec():
    """(encode a Plan, decode a Plan, fingerprint of the model's shape)."""
    from ..core.model import Plan

    shape: list[str] = []
    encode_plan, decode_plan = _class_codec(Plan, {}, shape)
    fingerprint = blake2b("\n".join(shape).encode(), digest_size=8).hexdigest()
    return encode_plan, decode_plan, fingerprint


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
    hashing them; key_extra: anything else the result depends on. Returns
    (Plan | None, problems, is_comparison_file), exactly as load_text does.
    """
    from ..format.reader import load_text

    if not (enabled() if use is None else use):
        return load_text(data, path, plan_id)
    key = entry_key(data, path, content_id, f"{key_extra}\0{plan_id or ''}")
    target = entry_path(key)
    folder = target.parent
    if not _usable_dir(folder.parent) or not _usable_dir(folder):
        return load_text(data, path, plan_id)
    found = read_entry(target, key)
    if found is not None:
        return found
    result = load_text(data, path, plan_id)
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

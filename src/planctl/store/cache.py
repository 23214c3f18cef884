"""The parse cache: each plan file is read once per content.

An entry maps (the file's bytes, its path, planctl's version, the cache format
and the model's shape) to what `load.load_text` returned for them: the plan,
its problems (with their lines) and whether it is a comparison file. Entries
live in `$XDG_CACHE_HOME/planctl` (default `~/.cache/planctl`).

Threat model and format. An entry is plain data (tuples, strings, numbers)
written with `marshal` and rebuilt into the model's frozen dataclasses by
code generated here from the model's own field types; nothing in an entry can
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
from contextvars import ContextVar
from datetime import date
from pathlib import Path

from .. import __version__
from ..core.errors import Problem

try:  # hashlib would also load OpenSSL, a noticeable part of a warm run's start
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b

FORMAT_VERSION = 1
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


def _model_classes() -> dict[str, type]:
    from ..core import model, timescale

    classes = {}
    for module in (model, timescale):
        for name, obj in vars(module).items():
            if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == module.__name__:
                classes[name] = obj
    return classes


_ATOMS = {"str", "int", "bool", "float", "None"}


def _top_level_union(annotation: str) -> list[str]:
    """'tuple[str | None, ...] | None' -> ['tuple[str | None, ...]', 'None']."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(annotation):
        depth += (ch == "[") - (ch == "]")
        if ch == "|" and depth == 0:
            parts.append(annotation[start:i].strip())
            start = i + 1
    return parts + [annotation[start:].strip()]


def _field_code(annotation: str, expr: str, classes: dict[str, type], encode: bool) -> str | None:
    """Python source that encodes (or decodes) the value `expr` of this annotation; None: unknown."""
    parts = _top_level_union(annotation)
    optional = "None" in parts and len(parts) > 1
    core = [p for p in parts if p != "None"] if optional else parts
    if all(p in _ATOMS for p in core):
        return expr
    if len(core) != 1:
        return None
    kind = core[0]
    if kind == "date":
        code = f"{expr}.toordinal()" if encode else f"_fromordinal({expr})"
    elif kind in classes:
        code = f"_{'enc' if encode else 'dec'}_{kind}({expr})"
    elif kind.startswith("tuple[") and kind.endswith(", ...]"):
        inner = kind[len("tuple["):-len(", ...]")]
        if all(p in _ATOMS for p in _top_level_union(inner)):
            return expr
        item = _field_code(inner, "x", classes, encode)
        if item is None:
            return None
        code = f"(tuple([{item} for x in {expr}]) if {expr} else ())"
    else:
        return None
    return f"(None if {expr} is None else {code})" if optional else code


def _build_codec():
    """Encoders and decoders generated from the model's field types (fast, and never stale)."""
    classes = _model_classes()
    namespace: dict = {"_fromordinal": date.fromordinal, "_new": object.__new__, **classes}
    lines = []
    shape = []
    for name, cls in sorted(classes.items()):
        enc, dec = [], []
        fields = dataclasses.fields(cls)
        for i, f in enumerate(fields):
            ann = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", repr(f.type))
            shape.append(f"{name}.{f.name}:{ann}")
            e = _field_code(ann, f"o.{f.name}", classes, True)
            d = _field_code(ann, f"v[{i}]", classes, False)
            if e is None or d is None or not f.init:
                raise TypeError(f"cache: cannot encode {name}.{f.name}: {ann}")
            enc.append(e)
            dec.append(d)
        lines.append(f"def _enc_{name}(o):\n    return ({', '.join(enc)},)")
        if hasattr(cls, "__post_init__") or not hasattr(cls, "__dict__") or "__slots__" in vars(cls):
            lines.append(f"def _dec_{name}(v):\n    return {name}({', '.join(dec)})")
        else:
            # What __init__ would store, without its per-field object.__setattr__ (2x faster).
            items = ", ".join(f"{f.name!r}: {d}" for f, d in zip(fields, dec, strict=True))
            lines.append(f"def _dec_{name}(v):\n    o = _new({name})\n"
                         f"    o.__dict__.update({{{items}}})\n    return o")
    exec(compile("\n".join(lines), "<planctl.store.cache codec>", "exec"), namespace)  # noqa: S102 - our own code
    fingerprint = blake2b("\n".join(shape).encode(), digest_size=8).hexdigest()
    return namespace["_enc_Plan"], namespace["_dec_Plan"], fingerprint


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
        from ..core import errors, model, timescale
        from ..format import reader as load

        parts = []
        for module in (load, timescale, model, errors):
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

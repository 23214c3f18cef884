"""Where the cache lives and whether it is on: the folder, its checks, atomic writes."""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

# None: decided by PLANCTL_NO_CACHE; True/False: set by --no-cache (see use_cache).
_ENABLED: ContextVar[bool | None] = ContextVar("planctl_cache_enabled", default=None)


def enabled() -> bool:
    flag = _ENABLED.get()
    if flag is not None:
        return flag
    return os.environ.get("PLANCTL_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


@contextlib.contextmanager
def use_cache(flag: bool | None) -> Iterator[None]:
    """Within the block the cache is on (True) or off (False); None: as the environment says.

    It reaches every load inside the block, the git history's too (--no-cache).
    """
    token = _ENABLED.set(flag)
    try:
        yield
    finally:
        _ENABLED.reset(token)


_dirs: dict[tuple[str, str | None], Path] = {}  # by the variables it is made of: 40 us each


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    said = (base, os.environ.get("HOME"))
    found = _dirs.get(said)
    if found is None:
        # The XDG spec: a relative XDG_CACHE_HOME is invalid and must be ignored.
        root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
        found = _dirs[said] = root / "planctl"
    return found


checked: dict[str, bool] = {}  # folder -> usable, decided once per process


def usable_dir(folder: Path) -> bool:
    """Create the folder 0700; use it only if it is ours and nobody else can write to it."""
    key = str(folder)
    if key in checked:
        return checked[key]
    ok = False
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(folder)
        ok = stat.S_ISDIR(st.st_mode) and not st.st_mode & 0o022
        if hasattr(os, "getuid"):
            ok = ok and st.st_uid == os.getuid()
    except OSError:
        ok = False
    checked[key] = ok
    return ok


def usable(path: Path) -> bool:
    """Whether an entry or index at `path` may be used: its folder and the one above it."""
    return usable_dir(path.parent.parent) and usable_dir(path.parent)


def write_atomically(path: Path, parts: list[bytes]) -> None:
    """Write atomically (temporary file + rename); a cache that cannot be written is skipped."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.writelines(parts)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


_TEMP_NAME = re.compile(r"\.(?:index-)?[0-9a-f]+\.([0-9]{1,10})\.tmp")


def remove_dead_temps(folder: Path) -> None:
    """Remove the unfinished files of writers that were killed (kill -9, power cut): they
    are named after their process, and that process is gone. One pass over one folder."""
    from ..atomic import process_alive  # only when an index is written: a warm run skips it

    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        found = _TEMP_NAME.fullmatch(entry.name)
        if found is not None and not process_alive(int(found.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)

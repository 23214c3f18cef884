"""atomic_write: a file is either its old contents or its new contents, never half of each.

The one writer every command uses (edits, reports, imports). The temp file lives
in the target's folder so that os.replace is a rename on one file system; it is
fsynced first so a crash cannot leave an empty file, and removed on any failure.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable


def umask_mode() -> int:
    """The mode a new file gets from the user's umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(
    path: str | os.PathLike,
    data: bytes | str,
    *,
    mode: int | None = None,
    owner: tuple[int, int] | None = None,
    unchanged: Callable[[], bool] | None = None,
    replace: bool = True,
) -> bool:
    """Write `data` (str is UTF-8) to `path` atomically.

    mode: the new file's permission bits (default: the existing file's, else the umask's).
    owner: (uid, gid) to keep, when running as root.
    unchanged: checked just before the rename; when it says False (someone else saved the
    file meanwhile) nothing is written and the result is False.
    replace: False refuses to replace a file that exists (FileExistsError), even one that
    appeared while writing.
    """
    target = os.fspath(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if mode is None:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = umask_mode()
    folder, name = os.path.split(target)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{secrets.token_hex(4)}.planctl-tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
            os.fchmod(fd, mode)
            if owner is not None and os.geteuid() == 0:
                with contextlib.suppress(OSError):
                    os.fchown(fd, *owner)
            os.fsync(fd)
        finally:
            os.close(fd)
        if unchanged is not None and not unchanged():
            os.unlink(tmp)
            return False
        if replace:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)  # fails if the file exists, unlike a rename
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(folder or ".")
    return True


def _fsync_dir(folder: str) -> None:
    """Make the rename itself durable, where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)

"""atomic_write: a file is either its old contents or its new contents, never half of each.

The one writer every command uses (edits, reports, imports). The temp file lives
in the target's folder so that os.replace is a rename on one file system; it is
fsynced first so a crash cannot leave an empty file, and removed on any failure.

`output_target` and `write_output` are `-o FILE` for report and import: atomic
replace is for regular files only. Standard output (`-`, `/dev/stdout`), character
devices (`/dev/null`) and pipes are written into, never replaced; a symbolic link
is refused rather than replaced by a file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import stat
import sys
from collections.abc import Callable

import msgspec

from ..core.errors import OutputError, UsageError


def umask_mode() -> int:
    """The mode a new file gets from the user's umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(
    path: str | os.PathLike[str],
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
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        try:
            # Held until the temp file is renamed or removed: a sweep by another process
            # (another machine, another PID namespace) sees it is in use.
            fcntl.flock(fd, fcntl.LOCK_EX)
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
            os.fchmod(fd, mode)
            if owner is not None and os.geteuid() == 0:
                with contextlib.suppress(OSError):
                    os.fchown(fd, *owner)
            os.fsync(fd)
            if unchanged is not None and not unchanged():
                os.unlink(tmp)
                return False
            if replace:
                os.replace(tmp, target)
            else:
                os.link(tmp, target)  # fails if the file exists, unlike a rename
                os.unlink(tmp)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(folder or ".")
    remove_stale_temps(folder or ".")
    return True


# -- leftovers: temp files of writers that were killed before their rename -----------------


TEMP_SUFFIX = ".planctl-tmp"
GITIGNORE_PATTERN = "*" + TEMP_SUFFIX  # what `planctl init` puts in .gitignore
_TEMP_NAME = re.compile(r"\..+\.([0-9]{1,10})\.[0-9a-f]{8}" + re.escape(TEMP_SUFFIX))


def process_alive(pid: int) -> bool:
    """Whether a process `pid` may exist here (a process we may not signal exists)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's, or not a PID we can judge: keep the file
    return True


def _remove_if_unused(path: str, st: os.stat_result) -> bool:
    """Unlink the file at path when it is still `st` and no writer holds its lock."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        now = os.fstat(fd)
        if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a writer still has it (its PID is in another namespace or host)
            return False
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def remove_stale_temps(folder: str) -> list[str]:
    """Remove the temp files that killed planctl writers left in `folder`; their names.

    Only files named as atomic_write names them, regular files (never links) owned by
    us, whose writer's PID is not alive and whose lock nobody holds. Best effort: a
    file that cannot be judged is kept.
    """
    removed: list[str] = []
    try:
        entries = os.scandir(folder)
    except OSError:
        return removed
    with entries:
        for entry in entries:  # one folder, one pass: bounded by its size
            found = _TEMP_NAME.fullmatch(entry.name)
            if found is None:
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
                continue
            if process_alive(int(found.group(1))):
                continue
            if _remove_if_unused(entry.path, st):
                removed.append(entry.name)
    return removed


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


# -- -o FILE: what the path names decides how it is written -------------------------------


# A Struct, not a dataclass (made in C at import): writing the cache's index, which a
# warm `status` may do, imports this module.
class Output(msgspec.Struct, frozen=True):
    """Where `-o` writes. kind: "stdout" (`-`), "fd" (a path naming one of our own open
    descriptors, such as /dev/stdout), "stream" (a character device or a pipe), "file"
    (a regular file, replaced atomically) or "new" (nothing there yet; folders are made)."""

    path: str
    kind: str
    fd: int | None = None

    @property
    def is_stream(self) -> bool:
        return self.kind in ("stdout", "fd", "stream")


_MAX_LINKS = 40  # as the kernel's own limit on following links
_OWN_FD = re.compile(r"/proc/(\d+)/fd/(\d+)")


def _own_descriptor(path: str) -> int | None:
    """The descriptor N when `path` leads to /proc/self/fd/N (/dev/stdout, /dev/fd/1 ...).

    Writing to the descriptor itself keeps what the shell set up: `>> summary.md`
    appends, where reopening the path would write from the start.
    """
    current = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        folder, name = os.path.split(current)
        current = os.path.join(os.path.realpath(folder), name)
        found = _OWN_FD.fullmatch(current)
        if found and int(found.group(1)) == os.getpid():
            return int(found.group(2))
        try:
            link = os.readlink(current)
        except OSError:  # not a link, or nothing there
            return None
        current = os.path.join(os.path.dirname(current), link)
    return None


def output_target(written: str) -> Output:
    """What `-o written` names, or UsageError when planctl will not write there."""
    if written == "-":
        return Output(written, "stdout", 1)
    fd = _own_descriptor(written)
    if fd is not None:
        return Output(written, "fd", fd)
    try:
        st = os.lstat(written)
    except FileNotFoundError:
        return Output(written, "new")
    except OSError as exc:
        raise OutputError(f"cannot write {written!r}: {exc.strerror or exc}") from None
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        try:
            mode = os.stat(written).st_mode
        except OSError:
            mode = 0
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):  # nothing is replaced: write through
            return Output(written, "stream")
        # Replacing the file would replace the link with a file; writing through it would
        # write wherever someone pointed it. Neither is what `-o` promises: say so.
        raise UsageError(f"refusing to write to {written!r}: it is a symbolic link (to "
                         f"{os.readlink(written)!r}); give the file it points to, or '-o -' "
                         "for standard output")
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return Output(written, "stream")
    if stat.S_ISREG(mode):
        return Output(written, "file")
    what = "a folder" if stat.S_ISDIR(mode) else "a block device" if stat.S_ISBLK(mode) else \
        "a socket" if stat.S_ISSOCK(mode) else "not a file"
    raise UsageError(f"refusing to write to {written!r}: it is {what}; planctl writes to files, "
                     "standard output ('-o -'), character devices and pipes")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_output(out: Output, data: bytes | str, *, replace: bool = True) -> None:
    """Write to an `output_target`: streams are written into, files atomically replaced.

    replace=False refuses a regular file that exists (FileExistsError); streams are
    never "replaced", so they are written whatever `replace` says. OSError on failure.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if out.kind == "stdout":
        stream = getattr(sys.stdout, "buffer", None)
        if stream is None:  # a text-only stdout (some embedding); the data is UTF-8
            sys.stdout.write(payload.decode("utf-8"))
            return
        sys.stdout.flush()
        stream.write(payload)
        stream.flush()
    elif out.kind == "fd":
        for text in (sys.stdout, sys.stderr):  # what Python buffered goes first
            with contextlib.suppress(Exception):
                text.flush()
        assert out.fd is not None, "an fd output names its descriptor"
        _write_all(out.fd, payload)
    elif out.kind == "stream":
        # No O_CREAT, no O_TRUNC, no rename: the device or pipe stays what it is.
        fd = os.open(out.path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
        try:
            _write_all(fd, payload)
        finally:
            os.close(fd)
    else:
        folder = os.path.dirname(out.path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        atomic_write(out.path, payload, replace=replace)

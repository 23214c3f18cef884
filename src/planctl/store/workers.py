"""Work on the machine's other cores: forked copies of planctl that read plan files.

Two shapes, both for first (cold) runs, when nothing is in the cache yet:

- `read_all`: many plan files to read (a folder of 200 councils' plans spends four
  fifths of a cold run in the YAML reader, one file after another on one core). Copies
  forked from this process (planctl is already imported in them: no start-up cost)
  take the files from the front of the list while this process takes them from the
  back, until the two meet.
- `Ahead`: a first history run, a pipeline of two stages: a copy reads the versions in
  walk order while this process keeps and compares those before them.

A copy sends each result as the cache encodes it (codec.encode: msgpack of the model,
never a pickle), decoded here, so a plan read by a copy is exactly the plan a warm run
serves from the cache, and the results are put back in order. Copies are started with
`fork` and joined by pipes only: no helper thread in this process, which is busy
reading too (the pool of concurrent.futures hands work and results over on threads of
this process, which waited for the reader's hold on the interpreter: the copy read a
quarter of the files instead of half).

Only where `fork` is the platform's own way to start a process (Linux): macOS and
Windows start workers by importing planctl again, which costs what it would save on
most folders, so they read one file at a time as before. So does PLANCTL_JOBS=1.
Whatever goes wrong in a copy (an exception, a copy killed, a result that cannot be
decoded), that file is read again here, so a problem or a traceback is always this
process's own.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from .cache.codec import Loaded, decode, encode

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkContext
    from multiprocessing.process import BaseProcess
    from multiprocessing.sharedctypes import SynchronizedArray

# Below this many bytes to read, starting a copy costs more than it saves: forking a
# planctl process takes 5-10 ms, and libyaml plus the reader take about 6 ms per
# 35 KB file (docs/benchmarks.md, "0.4.2: first runs on two cores").
MIN_BYTES = 256 * 1024
MAX_JOBS = 8  # bounded: each copy holds a whole planctl process in memory
JOBS_ENV = "PLANCTL_JOBS"
_PIPE_BYTES = 1 << 20  # a copy may send this much before it waits for this process to read
_LOCK_WAIT = 10.0  # seconds: the list's lock is held for microseconds, unless its holder died

Parse = Callable[[bytes, str], Loaded]
_ITEM, _NONE, _END = b"i", b"n", b"e"  # what a message from a copy is


def jobs_wanted() -> int | None:
    """PLANCTL_JOBS as a number of processes, None when unset; ValueError, with what to
    write, when it is not a whole number from 1."""
    raw = os.environ.get(JOBS_ENV, "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{JOBS_ENV} must be a whole number of processes from 1 "
                         f"(1: read one file at a time); it is {raw[:20]!r}")
    return int(raw)


def _processes() -> int:
    """How many processes may read at once, this one included (1: no copies)."""
    if sys.platform != "linux":
        return 1
    try:
        wanted = jobs_wanted()
    except ValueError:
        return 1  # the command line refused it before any file was read (cli.py)
    if wanted is None:
        try:
            wanted = len(os.sched_getaffinity(0))  # the cores it may run on (taskset, cgroups)
        except (AttributeError, OSError):
            wanted = os.cpu_count() or 1
    return min(wanted, MAX_JOBS)


def _fork_context() -> ForkContext:
    with contextlib.suppress(OSError, ValueError):  # what was buffered is written once, here
        sys.stdout.flush()
        sys.stderr.flush()
    # Imported here: only a first run over much to read starts copies (start-up stays lean).
    import multiprocessing  # noqa: PLC0415

    return multiprocessing.get_context("fork")


def _start(context: ForkContext, target: Callable[..., None], *args: object
           ) -> tuple[BaseProcess, Connection] | None:
    """A copy running target(*args, its end of a pipe), and this process's end; None when
    no process can be had (ulimit -u): the work is then done here, as without copies."""
    try:
        mine, theirs = context.Pipe(duplex=False)
    except OSError:  # out of file descriptors
        return None
    process = context.Process(target=target, args=(*args, theirs), daemon=True, name="planctl-copy")
    try:
        process.start()
    except OSError:
        mine.close()
        theirs.close()
        return None
    theirs.close()
    import fcntl  # noqa: PLC0415 - copies are forked on Linux only

    with contextlib.suppress(OSError, AttributeError):  # a larger pipe, where the system allows
        fcntl.fcntl(mine.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    return process, mine


def _stop_all(started: dict[Connection, BaseProcess]) -> None:
    for conn, process in started.items():
        _stop(process, conn)
    started.clear()


def _stop(process: BaseProcess, conn: Connection) -> None:
    conn.close()
    if process.is_alive():
        process.kill()
    process.join()


def _in_copy() -> None:
    # Ctrl-C is the parent's to handle (it stops the copies); a copy must not print a
    # traceback of its own, nor flush output the parent had not yet written. What it
    # inherited is left out of its collections: they would touch (and so copy) every page.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdout = sys.stderr = None
    gc.freeze()


def _send_end(conn: Connection) -> None:
    with contextlib.suppress(OSError):
        conn.send_bytes(_END)
        conn.close()


# -- many files: copies from the front, this process from the back ---------------------------

def read_all(jobs: Sequence[tuple[bytes, str]], parse: Parse,
             want_entries: bool) -> list[tuple[Loaded, bytes | None]]:
    """Each (bytes, path) of `jobs` read by `parse`: (result, its cache entry or None), in
    order. `want_entries`: encode the entry of a file read here too (for the cache)."""
    out: list[tuple[Loaded, bytes | None] | None] = [None] * len(jobs)

    def here(i: int) -> None:
        data, path = jobs[i]
        result = parse(data, path)
        out[i] = (result, encode(result) if want_entries else None)

    copies = _processes() - 1
    if len(jobs) < 2 or sum(len(data) for data, _ in jobs) < MIN_BYTES:
        copies = 0
    started: dict[Connection, BaseProcess] = {}
    if copies > 0:
        context = _fork_context()
        try:
            # [the next file from the front, the first file taken from the back]: the copies
            # take from the front, this process from the back, under the array's lock.
            ends = context.Array("q", [0, len(jobs)])
        except (OSError, ImportError):  # no shared memory or semaphores (some containers)
            copies = 0
        for _ in range(min(copies, len(jobs) - 1)):
            copy = _start(context, _read_front, jobs, parse, ends)
            if copy is None:
                break
            started[copy[1]] = copy[0]
    try:
        if started:
            while (i := _take(ends, front=False)) is not None:
                here(i)
                _collect(started, out, timeout=0)
            while started:
                _collect(started, out, timeout=None)
    except TimeoutError:  # the list's lock is lost: stop the copies, read what is left here
        _stop_all(started)
    except BaseException:  # Ctrl-C, a bug met here: stop the copies, then go on raising
        _stop_all(started)
        raise
    for i, done in enumerate(out):  # all of them without copies; else what a copy could not read
        if done is None:
            here(i)
    return out  # type: ignore[return-value]


def _take(ends: SynchronizedArray[int], front: bool) -> int | None:
    """The next file to read from the front (a copy) or the back (this process); None once
    the two have met. TimeoutError when the lock stays held: a copy was killed holding it
    (it is held for a few instructions), so nobody may take from the list any more."""
    lock = ends.get_lock()
    if not lock.acquire(timeout=_LOCK_WAIT):
        raise TimeoutError
    try:
        if ends[0] >= ends[1]:
            return None
        if front:
            ends[0] += 1
            return int(ends[0] - 1)
        ends[1] -= 1
        return int(ends[1])
    finally:
        lock.release()


def _read_front(jobs: Sequence[tuple[bytes, str]], parse: Parse, ends: SynchronizedArray[int],
                conn: Connection) -> None:
    """In a copy: read files from the front, sending each one's place and entry (None when
    the parent must read it itself), then the end."""
    _in_copy()
    try:
        while (i := _take(ends, front=True)) is not None:
            try:
                entry = encode(parse(*jobs[i]))
            except Exception:  # noqa: BLE001 - read again in the parent, which reports it
                entry = None
            conn.send_bytes(i.to_bytes(4, "big") + (_NONE if entry is None else _ITEM + entry))
    except TimeoutError:  # the list's lock is lost (see _take): the parent reads the rest
        pass
    finally:
        _send_end(conn)


def _collect(started: dict[Connection, BaseProcess], out: list[tuple[Loaded, bytes | None] | None],
             timeout: float | None) -> None:
    """Take what the copies have sent (waiting up to `timeout`; None: until one sends)."""
    from multiprocessing.connection import wait  # noqa: PLC0415 - imported by _fork_context

    ready = {id(conn) for conn in wait(list(started), timeout)}
    for conn in [conn for conn in started if id(conn) in ready]:
        try:
            message = conn.recv_bytes()
        except (EOFError, OSError):  # the copy died: what it did not send is read here
            message = _END
        if message[:1] == _END:
            _stop(started.pop(conn), conn)
            continue
        i, kind, entry = int.from_bytes(message[:4], "big"), message[4:5], message[5:]
        if kind == _ITEM:
            with contextlib.suppress(Exception):  # never trusted blindly: else read here
                out[i] = (decode(entry), entry)


# -- one stage ahead: a copy makes items in order, this process uses them -------------------

MIN_AHEAD = 32  # items: fewer are made here at once (starting a copy costs 5-10 ms)


class Ahead:
    """A pipeline of two stages on two cores: a forked copy of this process runs `make`
    and sends each item (bytes, or None) it yields, in order, while this process uses
    the items before it. The pipe holds only what is sent and not yet taken, so the copy
    runs at most a pipe's worth ahead and memory stays bounded. The copy stops at the
    first exception (this process then makes the rest itself, and meets the same
    exception in its own code); `close` stops it at any time."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self._process, self._conn = process, conn
        self.taken = 0  # items taken so far

    @classmethod
    def start(cls, make: Callable[[], Iterator[bytes | None]], items: int) -> Ahead | None:
        """The copy started; None where it would not pay (fewer than MIN_AHEAD items, one
        core, PLANCTL_JOBS=1, not Linux) or cannot start."""
        if items < MIN_AHEAD or _processes() < 2:
            return None
        copy = _start(_fork_context(), _make_ahead, make)
        return None if copy is None else cls(*copy)

    def take(self) -> tuple[bool, bytes | None]:
        """(True, the next item) or (False, None) once the copy has stopped (it ended, or
        met an exception, or died): the items from here on are this process's to make."""
        if self._conn.closed:
            return False, None
        try:
            message = self._conn.recv_bytes()
        except (EOFError, OSError):  # the copy died (killed, out of memory)
            message = _END
        if message[:1] == _END:
            self.close()
            return False, None
        self.taken += 1
        return True, (message[1:] if message[:1] == _ITEM else None)

    def close(self) -> None:
        """Stop the copy (if it still runs) and wait for it to end."""
        _stop(self._process, self._conn)


def _make_ahead(make: Callable[[], Iterator[bytes | None]], conn: Connection) -> None:
    """In the copy: send each item, then the end (also after an exception: see Ahead)."""
    _in_copy()
    try:
        for item in make():
            conn.send_bytes(_NONE if item is None else _ITEM + item)
    except BaseException:  # noqa: BLE001, S110 - the parent makes the rest, and meets it itself
        pass
    _send_end(conn)

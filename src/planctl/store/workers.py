"""Reading many plan files on several cores: the first run over a folder of plans.

A first (cold) run over 200 plan files spends four fifths of its time in the YAML
reader, one file after another on one core. When there is enough to read (MIN_BYTES)
and more than one core to read it on, the files are handed, in order, to worker
processes forked from this one (planctl is already imported in them: no start-up
cost), while this process reads from the other end of the list until the two meet.
A worker returns the file's cache entry (codec.encode: msgpack of the model, never a
pickle), decoded here: a plan read by a worker is exactly the plan a warm run serves
from the cache, and the results are put back in the files' order.

Only where `fork` is the platform's own way to start a process (Linux): macOS and
Windows start workers by importing planctl again, which costs what it would save on
most folders, so they read one file at a time as before. So does PLANCTL_JOBS=1.
Whatever goes wrong in a worker (an exception, a worker killed, a result that cannot
be decoded), that file is read again here, so a problem or a traceback is always this
process's own.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from .cache.codec import Loaded, decode, encode

if TYPE_CHECKING:
    from concurrent.futures import Future
    from concurrent.futures.process import ProcessPoolExecutor
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

# Below this many bytes to read, starting a worker costs more than it saves: forking a
# planctl process takes 5-10 ms, and libyaml plus the reader take about 6 ms per
# 35 KB file (docs/benchmarks.md, "0.4.2: cold reads on two cores").
MIN_BYTES = 256 * 1024
MAX_JOBS = 8  # past this, the one process decoding the results is the bottleneck
JOBS_ENV = "PLANCTL_JOBS"

Parse = Callable[[bytes, str], Loaded]


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


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may run on (taskset, cgroups)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _forking_allowed() -> bool:
    """Fork is the way to start a worker here, and PLANCTL_JOBS does not say 1."""
    if sys.platform != "linux":
        return False
    try:
        wanted = jobs_wanted()
    except ValueError:
        return False  # the command line refused it before any file was read (cli.py)
    return (wanted or _cores()) > 1


def _workers(jobs: Sequence[tuple[bytes, str]]) -> int:
    """How many worker processes to start beside this one (0: read here, one at a time)."""
    if sys.platform != "linux" or len(jobs) < 2 or sum(len(d) for d, _ in jobs) < MIN_BYTES:
        return 0
    try:
        wanted = jobs_wanted()
    except ValueError:
        wanted = 1  # the command line refused it before any file was read (cli.py)
    processes = min(wanted or _cores(), MAX_JOBS, len(jobs))
    return max(processes - 1, 0)


def _in_worker() -> None:
    # Ctrl-C is the parent's to handle (it stops the workers); a worker must not print
    # a traceback of its own, nor flush output the parent had not yet written.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdout = sys.stderr = None


def _entry_of(parse: Parse, data: bytes, path: str) -> bytes | None:
    """In a worker: the file's cache entry; None when the parent must read it itself."""
    try:
        return encode(parse(data, path))
    except Exception:  # noqa: BLE001 - read again in the parent, which reports it
        return None


def read_all(jobs: Sequence[tuple[bytes, str]], parse: Parse,
             want_entries: bool) -> list[tuple[Loaded, bytes | None]]:
    """Each (bytes, path) of `jobs` read by `parse`: (result, its cache entry or None), in
    order. `want_entries`: encode the entry of a file read here too (for the cache)."""
    out: list[tuple[Loaded, bytes | None] | None] = [None] * len(jobs)

    def here(i: int) -> None:
        data, path = jobs[i]
        result = parse(data, path)
        out[i] = (result, encode(result) if want_entries else None)

    workers = _workers(jobs)
    if not workers:
        for i in range(len(jobs)):
            here(i)
        return out  # type: ignore[return-value]
    with contextlib.suppress(OSError, ValueError):  # what was buffered is written once, here
        sys.stdout.flush()
        sys.stderr.flush()
    # Imported here: only a cold run over a large folder starts workers (start-up stays lean).
    import multiprocessing  # noqa: PLC0415
    from concurrent.futures.process import ProcessPoolExecutor  # noqa: PLC0415

    pool = ProcessPoolExecutor(workers, multiprocessing.get_context("fork"), _in_worker)
    try:
        _share(pool, workers, jobs, parse, here, out)
    except BaseException:  # Ctrl-C, a bug met here: stop without waiting for the workers
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    # Every file is read: the workers are idle and end at once, so no thread of this pool
    # is left when the next fork comes.
    pool.shutdown(wait=True)
    return out  # type: ignore[return-value]


def _share(pool: ProcessPoolExecutor, workers: int, jobs: Sequence[tuple[bytes, str]], parse: Parse,
           here: Callable[[int], None], out: list[tuple[Loaded, bytes | None] | None]) -> None:
    """The workers take files from the front, a few at a time; this process takes them from
    the back, one at a time, until the two meet. Nothing is submitted that may have to be
    taken back (a cancelled future trips the pool when a worker dies)."""
    front, back = 0, len(jobs)
    running: dict[int, Future[bytes | None]] = {}
    broken = False

    def collect(i: int) -> None:
        entry = _result(running.pop(i))
        if entry is not None:
            try:
                out[i] = (decode(entry), entry)
                return
            except Exception:  # noqa: BLE001 - never trusted blindly: read it here instead
                pass
        here(i)

    while front < back:
        while not broken and front < back and len(running) < 2 * workers:
            try:
                running[front] = pool.submit(_entry_of, parse, *jobs[front])
            except RuntimeError:  # BrokenProcessPool: a worker died; the rest are read here
                broken = True
                break
            front += 1
        if front < back:
            back -= 1
            here(back)
        for i in [i for i, future in running.items() if future.done()]:
            collect(i)
    for i in sorted(running):
        collect(i)


def _result(future: Future[bytes | None]) -> bytes | None:
    try:
        return future.result()
    except Exception:  # noqa: BLE001 - a worker killed (BrokenProcessPool), cancelled: read here
        return None


# -- one stage ahead: a forked copy makes items in order, this process uses them ------------

MIN_AHEAD = 32  # items: fewer are made here at once (starting a copy costs 5-10 ms)
_ITEM, _NONE, _END = b"i", b"n", b"e"  # what a message from the copy is


class Ahead:
    """A pipeline of two stages on two cores: a forked copy of this process runs `make`
    and sends each item (bytes, or None) it yields, in order, while this process uses
    the items before it. The pipe holds only what is sent and not yet taken, so the copy
    runs at most about one item ahead and memory stays bounded. The copy stops at the
    first exception (this process then makes the rest itself, and meets the same
    exception in its own code); `close` stops it at any time."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self._process, self._conn = process, conn
        self.taken = 0  # items taken so far

    @classmethod
    def start(cls, make: Callable[[], Iterator[bytes | None]], items: int) -> Ahead | None:
        """The copy started; None where it would not pay (fewer than MIN_AHEAD items, one
        core, PLANCTL_JOBS=1, not Linux) or cannot start."""
        if items < MIN_AHEAD or not _forking_allowed():
            return None
        with contextlib.suppress(OSError, ValueError):  # what was buffered is written once, here
            sys.stdout.flush()
            sys.stderr.flush()
        import multiprocessing  # noqa: PLC0415 - only a long first walk over a history starts one

        context = multiprocessing.get_context("fork")
        mine, theirs = context.Pipe(duplex=False)
        process = context.Process(target=_make_ahead, args=(make, theirs), daemon=True,
                                  name="planctl-ahead")
        try:
            process.start()
        except OSError:  # no process to be had (ulimit -u): made here, as without a copy
            mine.close()
            theirs.close()
            return None
        theirs.close()
        return cls(process, mine)

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
        self._conn.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join()


def _make_ahead(make: Callable[[], Iterator[bytes | None]], conn: Connection) -> None:
    """In the copy: send each item, then the end (also after an exception: see Ahead)."""
    _in_worker()
    try:
        for item in make():
            conn.send_bytes(_NONE if item is None else _ITEM + item)
    except BaseException:  # noqa: BLE001, S110 - the parent makes the rest, and meets it itself
        pass
    with contextlib.suppress(OSError):
        conn.send_bytes(_END)
        conn.close()

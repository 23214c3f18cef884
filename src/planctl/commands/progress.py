"""A progress bar for long work: shown on a terminal's stderr, and nothing in pipes.

Data goes to stdout, so the bar never mixes with it; when stderr is not a
terminal (CI logs, cron mail, `2> file`) the items pass through untouched.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def shows_progress() -> bool:
    """True when a bar would be seen: stderr is a terminal that can redraw a line."""
    stream = sys.stderr
    try:
        interactive = stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False
    return interactive and os.environ.get("TERM") != "dumb"


def progress(iterable: Iterable[T], total: int | None = None, description: str = "Working") -> Iterator[T]:
    """Yield each item of `iterable`, drawing a Rich bar on stderr when it is a terminal.

    `total` is the number of items when known (len() is tried otherwise); the bar
    disappears when the work is done so that only the command's messages stay.
    """
    if not shows_progress():
        yield from iterable
        return
    if total is None:
        try:
            total = len(iterable)  # type: ignore[arg-type]
        except TypeError:
            total = None
    from rich.console import Console  # only a terminal pays for the bar
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        for item in iterable:
            yield item
            bar.advance(task)

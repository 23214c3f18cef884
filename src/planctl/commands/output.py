"""Where a command's output goes: stdout, or a file written atomically (-o FILE).

Imported only by commands that write a file or a binary format, so `planctl
status` on a terminal never loads it.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import click

from ..errors import UsageError, safe_text


def refuse_binary_on_terminal(fmt: str) -> None:
    """xlsx and docx are zip files: on a terminal they are noise, and can upset it."""
    if sys.stdout.isatty():
        raise UsageError(f"--format {fmt} writes a binary file; give -o FILE.{fmt} "
                         f"(or redirect stdout to a file)")


def write_stdout(data: bytes) -> None:
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a text-only stdout (some embedding, the test runner)
        sys.stdout.write(data.decode("utf-8", "surrogateescape"))
        return
    sys.stdout.flush()
    stream.write(data)
    stream.flush()


def write_file(output: Path, data: bytes, what: str) -> None:
    """Write through the project's one atomic writer, and say so on stderr."""
    from ..atomic import atomic_write

    try:
        atomic_write(output, data)
    except OSError as exc:
        raise UsageError(f"cannot write {str(output)!r}: {exc.strerror or exc}") from None
    click.echo(f"wrote {what} to {safe_text(str(output))}", err=True)


@contextlib.contextmanager
def captured_text():
    """Collect what a text renderer writes to stdout, for -o FILE."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        yield buffer

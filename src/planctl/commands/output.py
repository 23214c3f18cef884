"""Where a command's output goes: stdout, or `-o FILE` through store.atomic's one
output mechanism (devices and pipes written into, regular files replaced atomically).

Imported only by commands that write a file or a binary format, so `planctl
status` on a terminal never loads it.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator

import click

from ..core.errors import OutputError, UsageError, safe_text
from ..store.atomic import Output, output_target, write_output


def target_of(output: str | None) -> Output:
    """The `-o` target; no -o is standard output."""
    return output_target(output if output is not None else "-")


def refuse_binary_on_terminal(fmt: str, target: Output) -> None:
    """xlsx and docx are zip files: on a terminal they are noise, and can upset it."""
    if target.kind == "stdout" and sys.stdout.isatty():
        raise UsageError(f"--format {fmt} writes a binary file; give -o FILE.{fmt} "
                         f"(or redirect stdout to a file)")


def write(target: Output, data: bytes, what: str) -> None:
    """Write the bytes; say so on stderr unless they went to standard output."""
    try:
        write_output(target, data)
    except BrokenPipeError:
        raise  # the reader went away (| head): the closed pipe's status, not "cannot write"
    except OSError as exc:
        raise OutputError(f"cannot write {target.path!r}: {exc.strerror or exc}") from None
    if target.kind != "stdout":
        # One line: a newline in the name must not forge a line of its own (ESC, CR did not).
        click.echo(f"wrote {what} to {safe_text(target.path, one_line=True)}", err=True)


@contextlib.contextmanager
def captured_text() -> Iterator[io.StringIO]:
    """Collect what a text renderer writes to stdout, for -o FILE."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        yield buffer

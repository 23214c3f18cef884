"""What the terminal can show: colour or not, and how wide it is.

The rules are the usual ones (and Rich's): --color/--no-color decide when given;
otherwise colour only on a terminal, FORCE_COLOR turns it on anywhere, NO_COLOR
keeps bold and dim but drops colours, TERM=dumb means no styling. Width is
COLUMNS, else the terminal's, else 80. Kept free of Rich, whose import alone
costs more than the rest of `planctl status`.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # Rich is imported only where a view draws with it
    from rich.console import Console


@dataclass(frozen=True)
class Terminal:
    file: TextIO
    styled: bool  # SGR sequences may be written
    no_color: bool  # ... but only bold and dim (NO_COLOR)
    width: int
    unicode: bool  # box-drawing characters can be encoded


def terminal(color: bool | None, file: TextIO | None = None) -> Terminal:
    out = file or sys.stdout
    env = os.environ
    if color is not None:
        styled = color
    elif env.get("FORCE_COLOR"):
        styled = True
    else:
        try:
            styled = out.isatty() and env.get("TERM", "") not in ("dumb", "unknown")
        except (AttributeError, ValueError):
            styled = False
    no_color = color is not True and bool(env.get("NO_COLOR"))
    try:
        width = int(env["COLUMNS"])
    except (KeyError, ValueError):
        try:
            width = os.get_terminal_size(out.fileno()).columns
        except (AttributeError, ValueError, OSError):
            width = 80
    encoding = (getattr(out, "encoding", None) or "utf-8").lower().replace("-", "")
    return Terminal(out, styled, no_color, width if width > 0 else 80, encoding.startswith("utf"))


def cell_len(text: str) -> int:
    """Columns the text takes in a terminal: wide (CJK) characters take two, combining none."""
    if text.isascii():
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def make_console(color: bool | None, file: TextIO | None = None) -> Console:
    """A Rich Console for the few views that draw with Rich (compare); Rich is imported here."""
    from rich.console import Console

    out = file or sys.stdout
    # The width by planctl's rules: Rich reads COLUMNS=0 as no room and prints nothing at all.
    # None leaves Rich's own rules (a terminal? NO_COLOR?) to decide.
    return Console(file=out, highlight=False, emoji=False, markup=False,
                   width=terminal(color, out).width,
                   force_terminal=True if color is True else None,
                   no_color=True if color is False else None)

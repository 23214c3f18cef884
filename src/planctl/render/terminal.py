"""What the terminal can show: colour or not, and how wide it is.

Whether to style, decided here only (`styling`), first rule that applies wins:
1. --color / --no-color, when given: colour on / plain (--color also over NO_COLOR);
2. FORCE_COLOR set and not empty: `0`, `false`, `no`, `off` (any case) mean plain,
   as in Node's chalk and supports-color; any other value styles anywhere, even a
   pipe or TERM=dumb (a CI log that shows colour);
3. otherwise style only on a terminal whose TERM is not `dumb` (nor `unknown`).
Then NO_COLOR (set and not empty) keeps bold and dim but drops the colours, unless
--color was given. Width is COLUMNS, else the terminal's, else 80. Kept free of
Rich, whose import alone costs more than the rest of `planctl status`.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from typing import TYPE_CHECKING, TextIO

import msgspec

if TYPE_CHECKING:  # Rich is imported only where a view draws with it
    from rich.console import Console


class Terminal(msgspec.Struct, frozen=True):
    file: TextIO
    styled: bool  # SGR sequences may be written
    no_color: bool  # ... but only bold and dim (NO_COLOR)
    width: int
    unicode: bool  # box-drawing characters can be encoded


_OFF = ("0", "false", "no", "off")


def styling(color: bool | None, out: TextIO) -> tuple[bool, bool]:
    """(styled, no_color) by the rules in this module's docstring."""
    env = os.environ
    force = env.get("FORCE_COLOR", "").strip().lower()
    if color is not None:
        styled = color
    elif force:
        styled = force not in _OFF
    else:
        try:
            styled = out.isatty() and env.get("TERM", "") not in ("dumb", "unknown")
        except (AttributeError, ValueError):
            styled = False
    return styled, styled and color is not True and bool(env.get("NO_COLOR"))


def terminal(color: bool | None, file: TextIO | None = None) -> Terminal:
    out = file or sys.stdout
    env = os.environ
    styled, no_color = styling(color, out)
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
    # Width and styling by planctl's rules, not Rich's own (Rich reads COLUMNS=0 as no room
    # and prints nothing at all, and FORCE_COLOR=0 as "force").
    shown = terminal(color, out)
    return Console(file=out, highlight=False, emoji=False, markup=False, width=shown.width,
                   force_terminal=shown.styled, no_color=shown.no_color)

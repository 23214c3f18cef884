"""Terminal tables with Rich: wrapped text, fitted to the width, status words in colour."""

from __future__ import annotations

import sys

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import safe_text
from . import View

STATUS_STYLES = {
    "completed": "blue",
    "dropped": "bright_black",
    "overdue": "bold red",
    "due-soon": "yellow",
    "on-track": "green",
    "no-date": "dim",
}


def make_console(color: bool | None, file=None) -> Console:
    """A Console per invocation. Rich decides colour from NO_COLOR, FORCE_COLOR and isatty,
    unless --color/--no-color says otherwise."""
    kwargs = {"file": file or sys.stdout, "highlight": False, "emoji": False, "markup": False}
    if color is True:
        kwargs["force_terminal"] = True
    elif color is False:
        kwargs["no_color"] = True
    return Console(**kwargs)


def render_table(view: View, color: bool | None) -> None:
    console = make_console(color)
    if not any(section.rows for section in view.sections):
        console.print(Text(view.empty))
    first = True
    for section in view.sections:
        if not section.rows:
            continue
        if section.title and not first:
            console.print()
        first = False
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False,
                      title=Text(safe_text(section.title), style="bold") if section.title else None,
                      title_justify="left")
        table.expand = any(c.wrap for c in section.columns)
        for col in section.columns:
            table.add_column(col.header, overflow="fold", no_wrap=not col.wrap,
                             justify=col.justify, ratio=col.wrap or None,
                             min_width=12 if col.wrap else None)
        for cells, status in zip(section.rows, section.statuses, strict=True):
            row = []
            for col, cell in zip(section.columns, cells, strict=True):
                style = STATUS_STYLES.get(status or "", "") if col.status else ""
                row.append(Text(safe_text(cell), style=style))
            table.add_row(*row)
        console.print(table)
    if view.summary:
        console.print(Text(safe_text(view.summary)))

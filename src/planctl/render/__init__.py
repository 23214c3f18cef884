"""Renderers: one View (sections of rows) drawn as a table, CSV or Markdown.

Which renderer draws a command's result is looked up by format name in
render/formats.py; JSON is one formatter among the others (docs/json.md).
"""

from __future__ import annotations

import msgspec

SHORT = 70  # characters of a long text a table shows in a cell of its own (then "…")


def short_text(text: str, limit: int = SHORT) -> str:
    """A long text cut to `limit` characters, "…" after: where a table names an action
    beside other columns (the dashboard's filters, `returns apply`)."""
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


class Column(msgspec.Struct, frozen=True):
    header: str
    wrap: int = 0  # > 0: long text that wraps, with this share of the spare width
    status: bool = False  # the cell is a status word, coloured in tables
    justify: str = "left"


class Section(msgspec.Struct):
    title: str | None
    columns: list[Column]
    rows: list[list[str]] = msgspec.field(default_factory=list)
    statuses: list[str | None] = msgspec.field(default_factory=list)  # per row, for colour

    def add(self, cells: list[str], status: str | None = None) -> None:
        self.rows.append(cells)
        self.statuses.append(status)


class View(msgspec.Struct):
    sections: list[Section]
    summary: str | None = None
    empty: str = "Nothing to show."
    group_header: str = "group"  # CSV column that carries each section's title


"""CSV that is safe to open in Excel: formula-like cells are neutralised (OWASP)."""

from __future__ import annotations

import csv
import sys

from . import View

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A leading quote stops Excel and LibreOffice from reading the cell as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_rows(out, header: list[str], rows: list[list[str]]) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])


def render_csv(view: View) -> None:
    grouped = len(view.sections) > 1 or any(s.title for s in view.sections)
    columns = view.sections[0].columns if view.sections else []
    header = ([view.group_header] if grouped else []) + [c.header for c in columns]
    rows = [([s.title or ""] if grouped else []) + r for s in view.sections for r in s.rows]
    write_rows(sys.stdout, header, rows)

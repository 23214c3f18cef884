"""CSV that is safe to open in Excel: formula-like cells are neutralised (OWASP)."""

from __future__ import annotations

import csv
import sys
from typing import TextIO

from ..core.errors import safe_text
from . import View

# OWASP's list, plus a newline and the full-width forms some spreadsheet locales
# also read as the start of a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: str) -> str:
    """A leading quote stops Excel and LibreOffice from reading the cell as a formula.

    Leading spaces do not hide a formula from every spreadsheet, so they are looked past."""
    return "'" + value if value.lstrip(" ").startswith(_FORMULA_START) else value


def write_rows(out: TextIO, header: list[str], rows: list[list[str]]) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    # Control characters made visible too: a CSV is often read in a terminal first.
    writer.writerow([safe_cell(safe_text(h)) for h in header])
    for row in rows:
        writer.writerow([safe_cell(safe_text(c)) for c in row])


def render_csv(view: View) -> None:
    grouped = len(view.sections) > 1 or any(s.title for s in view.sections)
    columns = view.sections[0].columns if view.sections else []
    header = ([view.group_header] if grouped else []) + [c.header for c in columns]
    rows = [([s.title or ""] if grouped else []) + r for s in view.sections for r in s.rows]
    write_rows(sys.stdout, header, rows)

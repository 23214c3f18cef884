"""Output formats by name: one registry for every command's --format (as jrnl's exporters).

A command returns a typed result (StatusResult, Report, ...) whose class names
its `shape`: what it can give a formatter.

  view     .view() -> View (table, csv, markdown) and .data() -> dict (json)
  actions  a view whose rows are actions: also .sheet() -> the xlsx Actions sheet
  own      .data() for json, and .table(settings) that draws its own terminal layout
  report   the committee report (render/report.py) in every report format

FORMATTERS[shape] lists, in the order --format's error message names them, the
formatters that serve the shape. A formatter is `fn(result, settings)`; it writes
text to stdout and returns None, or returns the whole output as bytes. Each
imports its renderer when called, so `planctl status` loads only the table.

To add a format: give it a Format (extensions, aliases, binary) in FORMATS and a
function under each shape it serves in FORMATTERS; docs/architecture.md has more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.errors import UsageError


@dataclass(frozen=True)
class Format:
    name: str
    extensions: tuple[str, ...] = ()  # -o FILE.ext chooses the format (report)
    aliases: tuple[str, ...] = ()  # other names --format accepts (report)
    binary: bool = False  # a zip file: never written to a terminal


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("table"),
    Format("json", (".json",)),
    Format("csv", (".csv",)),
    Format("markdown", (".md", ".markdown"), ("md",)),
    Format("html", (".html", ".htm"), ("htm",)),
    Format("ics", (".ics",), ("ical", "icalendar")),
    Format("xlsx", (".xlsx",), ("excel",), binary=True),
    Format("docx", (".docx",), ("word",), binary=True),
)}


# -- the formatters: each imports what it draws with --------------------------------------


def _table(result, settings) -> None:
    from .table import render_table

    render_table(result.view(), settings.color)


def _csv(result, settings) -> None:
    from .csv import render_csv

    render_csv(result.view())


def _markdown(result, settings) -> None:
    from .markdown import render_markdown

    render_markdown(result.view())


def _json(result, settings) -> None:
    from .json import json_out

    json_out(result.data())


def _own_table(result, settings) -> None:
    result.table(settings)


def _actions_xlsx(result, settings) -> bytes:
    from .report_xlsx import render_rows

    return render_rows(*result.sheet())


def _report_markdown(result, settings) -> bytes:
    from .report_md import render

    return render(result.report).encode("utf-8")


def _report_html(result, settings) -> bytes:
    from .report_html import render

    return render(result.report).encode("utf-8")


def _report_csv(result, settings) -> bytes:
    from .report_csv import render

    return render(result.report)


def _report_json(result, settings) -> bytes:
    from .report import render_json

    return render_json(result.report).encode("utf-8")


def _report_ics(result, settings) -> bytes:
    from .report_ics import render

    return render(result.report, result.stamp, as_tasks=result.ics_tasks)


def _report_xlsx(result, settings) -> bytes:
    from .report_xlsx import render

    return render(result.report)


def _report_docx(result, settings) -> bytes:
    from .report_docx import render

    return render(result.report)


Formatter = Callable[[Any, Any], "bytes | None"]

_VIEW: dict[str, Formatter] = {"table": _table, "json": _json, "csv": _csv, "markdown": _markdown}

FORMATTERS: dict[str, dict[str, Formatter]] = {
    "view": _VIEW,
    "actions": {**_VIEW, "xlsx": _actions_xlsx},
    "own": {"table": _own_table, "json": _json},
    "report": {"markdown": _report_markdown, "html": _report_html, "csv": _report_csv,
               "json": _report_json, "ics": _report_ics, "xlsx": _report_xlsx,
               "docx": _report_docx},
}


def names(shape: str) -> tuple[str, ...]:
    """The formats a result of this shape can be written in."""
    return tuple(FORMATTERS[shape])


def choose(shape: str, written: str | None, default: str = "table") -> str:
    """--format as given (default: table), refused unless the shape has a formatter for it."""
    fmt = (written or default).lower()
    if fmt not in FORMATTERS[shape]:
        raise UsageError(f"--format {fmt!r} is not available here; "
                         f"choose from {', '.join(names(shape))}")
    return fmt


def formatter(shape: str, fmt: str) -> Formatter:
    return FORMATTERS[shape][fmt]

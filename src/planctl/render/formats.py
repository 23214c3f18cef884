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
from datetime import date, datetime
from typing import Any, Protocol

import msgspec

from ..core.errors import UsageError
from ..core.jsondoc import JSONDict
from . import View


class Format(msgspec.Struct, frozen=True):
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


# -- what each shape gives a formatter (commands/ implements them) -------------------------


class Settings(Protocol):
    @property
    def color(self) -> bool | None: ...  # --color/--no-color, None when not given


class ShowsView(Protocol):  # shape "view"
    def view(self) -> View: ...
    def data(self) -> JSONDict: ...


class ShowsActions(ShowsView, Protocol):  # shape "actions": render_rows' arguments
    def sheet(self) -> tuple[list[JSONDict], str | None, str, str, date]: ...


class DrawsItself(Protocol):  # shape "own"
    def data(self) -> JSONDict: ...
    def table(self, settings: Any) -> None: ...  # the command's own Settings, whatever it keeps


class CarriesReport(Protocol):  # shape "report"
    @property
    def report(self) -> JSONDict: ...
    @property
    def stamp(self) -> datetime: ...
    @property
    def ics_tasks(self) -> bool: ...


# -- the formatters: each imports what it draws with --------------------------------------


def _table(result: ShowsView, settings: Settings) -> None:
    from .table import render_table

    render_table(result.view(), settings.color)


def _csv(result: ShowsView, settings: Settings) -> None:
    from .csv import render_csv

    render_csv(result.view())


def _markdown(result: ShowsView, settings: Settings) -> None:
    from .markdown import render_markdown

    render_markdown(result.view())


def _json(result: ShowsView | DrawsItself, settings: Settings) -> None:
    from .json import json_out

    json_out(result.data())


def _own_table(result: DrawsItself, settings: Settings) -> None:
    result.table(settings)


def _actions_xlsx(result: ShowsActions, settings: Settings) -> bytes:
    from .report_xlsx import render_rows

    return render_rows(*result.sheet())


def _report_markdown(result: CarriesReport, settings: Settings) -> bytes:
    from .report_md import render

    return render(result.report).encode("utf-8")


def _report_html(result: CarriesReport, settings: Settings) -> bytes:
    from .report_html import render

    return render(result.report).encode("utf-8")


def _report_csv(result: CarriesReport, settings: Settings) -> bytes:
    from .report_csv import render

    return render(result.report)


def _report_json(result: CarriesReport, settings: Settings) -> bytes:
    from .report import render_json

    return render_json(result.report).encode("utf-8")


def _report_ics(result: CarriesReport, settings: Settings) -> bytes:
    from .report_ics import render

    return render(result.report, result.stamp, as_tasks=result.ics_tasks)


def _report_xlsx(result: CarriesReport, settings: Settings) -> bytes:
    from .report_xlsx import render

    return render(result.report)


def _report_docx(result: CarriesReport, settings: Settings) -> bytes:
    from .report_docx import render

    return render(result.report)


# The result is of the shape the formatter is listed under (the Protocols above): Any here,
# since one table holds the formatters of every shape.
Formatter = Callable[[Any, Settings], "bytes | None"]

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

"""An .xlsx workbook -> rows of cell texts, after the bomb guard has passed it."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

from ...core.errors import PlanctlError, UsageError
from ...core.importing.columns import find_header
from ...core.importing.formulas import FormulaCell
from ...core.importing.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from .zipguard import Formulas, cannot_read, check_zip, scan_parts

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

_T = TypeVar("_T")


class Progress(Protocol):
    """A progress bar over an iterable (commands/progress.py's `progress`)."""

    def __call__(self, iterable: Iterable[_T], total: int | None = ..., description: str = ...,
                 ) -> Iterator[_T]: ...


class _Sheet(Protocol):
    """What the importer uses of a read-only worksheet (the stubs type its iter_rows as
    Worksheet's, with a self it does not accept)."""

    @property
    def title(self) -> str: ...

    @property
    def max_row(self) -> int | None: ...

    @property
    def max_column(self) -> int | None: ...

    def calculate_dimension(self) -> str: ...

    def reset_dimensions(self) -> None: ...

    def iter_rows(self, *, values_only: Literal[True]) -> Iterable[tuple[object, ...]]: ...


def cell_text(value: object) -> str:
    """A cell as text: dates day-first (27/10/2012), whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")


def read_xlsx(path: Path, sheet: str | None, progress: Progress | None) -> tuple[list[list[str]], str]:
    """(rows, where they came from) of the named sheet, else of the first sheet that looks
    like an action plan, else of the first sheet."""
    check_zip(path)
    try:
        formulas = scan_parts(path)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        # zipfile's own refusals: a bad CRC, a part shorter than its directory says ...
        raise cannot_read(path, str(exc) or type(exc).__name__) from None

    import openpyxl  # lazily: only imports of spreadsheets pay for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except PlanctlError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to parse a hostile file is "cannot read"
        raise cannot_read(path, _exception_text(exc)) from None
    try:
        return _pick_sheet(book, path, sheet, progress, formulas)
    finally:
        book.close()


def _pick_sheet(book: Workbook, path: Path, sheet: str | None,
                progress: Progress | None, formulas: Formulas) -> tuple[list[list[str]], str]:
    if sheet is not None and sheet not in book.sheetnames:
        raise UsageError(f"no sheet {sheet!r} in {path.name}; sheets: {', '.join(book.sheetnames)}")
    names = [sheet] if sheet is not None else book.sheetnames
    first: tuple[list[list[str]], str] | None = None
    for name in names:
        where = f"{path.name}, sheet {name!r}"
        try:
            ws = book[name]
            rows = _sheet_rows(ws, where, progress)
            _mark_formulas(rows, name, formulas.get(getattr(ws, "_worksheet_path", ""), {}))
        except PlanctlError:
            raise
        except Exception as exc:  # noqa: BLE001 - as above
            raise cannot_read(path, f"sheet {name!r}: {_exception_text(exc)}") from None
        if first is None:
            first = (rows, where)
        if sheet is not None or find_header(rows, {}) is not None:
            return rows, where  # the first sheet that looks like an action plan
    return first or ([], path.name)


def _exception_text(exc: Exception) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _mark_formulas(rows: list[list[str]], sheet: str, cells: dict[tuple[int, int], bool]) -> None:
    """Mark each formula cell with its reference and whether a value was saved with it
    (openpyxl reads both "no value saved" and "saved empty" as empty)."""
    from openpyxl.utils import get_column_letter

    # As Excel writes a reference: Sheet1!B2, 'Action plan'!B2 (a quote inside doubled).
    name = sheet if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet) else "'{}'".format(
        sheet.replace("'", "''"))
    for (row, column), saved in cells.items():
        if 1 <= row <= len(rows) and 1 <= column <= len(rows[row - 1]):
            ref = f"{name}!{get_column_letter(column)}{row}"
            rows[row - 1][column - 1] = FormulaCell(rows[row - 1][column - 1], ref, saved)


def _sheet_rows(ws: _Sheet, where: str, progress: Progress | None) -> list[list[str]]:
    """The sheet's cells as text, counting rows and columns as they come."""
    declared_rows, declared_columns = ws.max_row, ws.max_column
    if (declared_rows or 0) > MAX_ROWS or (declared_columns or 0) > MAX_COLUMNS:
        raise UsageError(
            f"{where} says it spans {declared_rows or 0:,} rows and {declared_columns or 0:,} columns "
            f"({ws.calculate_dimension()}), more than {MAX_ROWS:,} rows or {MAX_COLUMNS} columns, the "
            "limit for import (docs/import.md, Limits); delete the empty rows and columns around "
            "the table in Excel and save it, or save the table as CSV")
    # Read the cells as written, not padded or cut to the size the sheet declares.
    ws.reset_dimensions()
    cells: Iterable[tuple[object, ...]] = ws.iter_rows(values_only=True)
    if progress is not None:
        cells = progress(cells, declared_rows, f"Reading {ws.title}")
    rows = [_row_text(values, number, where) for number, values in enumerate(cells, start=1)]
    width = max((len(row) for row in rows), default=0)
    for row in rows:  # every row as wide as the widest, as the sheet shows them
        row.extend([""] * (width - len(row)))
    return rows


def _row_text(values: tuple[object, ...], number: int, where: str) -> list[str]:
    from openpyxl.utils import get_column_letter

    if number > MAX_ROWS:
        raise UsageError(f"{where}: more than {MAX_ROWS:,} rows, the limit of rows for import "
                         "(docs/import.md, Limits)")
    if len(values) > MAX_COLUMNS:
        raise UsageError(f"{where}: row {number} has a cell in column {len(values)}, more than "
                         f"{MAX_COLUMNS} columns, the limit of columns for import")
    row = [cell_text(v) for v in values]
    for column, text in enumerate(row):
        if len(text) > MAX_CELL_CHARS:
            raise UsageError(f"{where}: cell {get_column_letter(column + 1)}{number} is longer than "
                             f"{MAX_CELL_CHARS:,} characters, the limit of one cell for import")
    return row

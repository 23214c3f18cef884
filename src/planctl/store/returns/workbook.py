"""A filled return read back: the workbook `returns make` wrote, as the lead sent it.

Everything in it is untrusted: it went out by email and came back, maybe re-saved by
Excel or LibreOffice (which rewrite the whole file). So the zip and XML are bounded by
import's bomb guard (store/importer/zipguard.py) before openpyxl reads anything,
formula cells are treated as `import` treats them (no saved value: refused; a saved
value: used, with a warning), sizes are bounded (core/returns.py), columns are found by
their headings (case and spaces aside), and every cell is read or refused here, naming
the file, sheet and cell (`returns/hos-ops.xlsx: Actions!F7: '31.13.26' is not a date`).
A refused cell refuses the whole return: nothing of it is applied.

Dates: a date cell is a date whatever the workbook's date system (1900 or 1904: openpyxl
reads `workbookPr date1904`), provided it shows its day (a cell showing "Mar-27" is
what a spreadsheet makes of "March 2027": its day is not the lead's). A date typed as
text is read with planctl's own UK reader (day first, never a locale's order).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ...core import returns as layout
from ...core.errors import PlanctlError, UsageError
from ...core.returns_apply import Filled, Return, ReturnRow, ReturnState
from ...core.timescale import PATTERNS, TimescaleError, parse_date
from ...format.reader import RAG_WORDS
from ..importer.xlsx import cell_text
from ..importer.zipguard import check_zip, scan_parts

_HEX40 = re.compile(r"[0-9a-f]{40}")
_DRIVE = re.compile(r"[A-Za-z]:")


class ReturnError(UsageError):
    """A return that cannot be read: nothing of it is applied (exit 2)."""


def _fold(heading: object) -> str:
    return " ".join(str(heading or "").split()).casefold()


def _sheet_ref(sheet: str) -> str:
    return sheet if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet) else "'{}'".format(
        sheet.replace("'", "''"))


def safe_plan_path(written: str) -> str | None:
    """The plan file's path when it stays inside the plans folder as written (relative, "/"
    separators, no "..", no drive, no backslash, no control character), else None. Where a
    symlink leads is checked against the folder itself when the path is used."""
    if not written or len(written) > 1000 or "\\" in written or written.startswith("/") \
            or _DRIVE.match(written) or any(ord(c) < 0x20 or c == "\x7f" for c in written):
        return None
    parts = written.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    return written


@dataclass
class _Book:
    """The workbook open for reading, and what is said about it."""

    name: str
    book: Any
    formulas: dict[str, dict[tuple[int, int], bool]]
    warnings: list[str]

    def fail(self, where: str, message: str) -> ReturnError:
        return ReturnError(f"{self.name}: {where}: {message}" if where else f"{self.name}: {message}")

    def rows(self, sheet: str, limit: int) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells) of a sheet, formula cells checked, bounded."""
        ws = self.book[sheet]
        ws.reset_dimensions()
        part = getattr(ws, "_worksheet_path", "")
        formulas = self.formulas.get(part, {})
        for n, row in enumerate(ws.iter_rows(), 1):
            if n > limit:
                raise self.fail(f"{_sheet_ref(sheet)}!A{n}", f"more than {limit:,} rows, the "
                                "limit of a return")
            cells = list(row)
            for c in cells:
                col = getattr(c, "column", None)
                if col is None:
                    continue
                saved = formulas.get((n, col))
                if saved is not None:
                    ref = f"{_sheet_ref(sheet)}!{c.coordinate}"
                    if not saved:
                        raise self.fail(ref, "a formula with no saved value; type the value "
                                        "itself (open and save the workbook in Excel or "
                                        "LibreOffice, or paste values)")
                    self.warnings.append(f"{self.name}: {ref}: a formula cell; the value the "
                                         "workbook saved with it was read")
            yield n, cells


def _text(book: _Book, cell: Any, sheet: str) -> str:
    value = getattr(cell, "value", None)
    out = cell_text(value).strip()
    if len(out) > layout.MAX_CELL_CHARS:
        raise book.fail(f"{_sheet_ref(sheet)}!{cell.coordinate}", f"longer than "
                        f"{layout.MAX_CELL_CHARS:,} characters, the limit of one cell of a return")
    return out


# -- the hidden sheet ------------------------------------------------------------------


def _state(book: _Book) -> tuple[ReturnState, dict[str, dict[str, str]]]:
    sheet = layout.STATE_SHEET
    keys: dict[str, str] = {}
    heading: list[str] | None = None
    records: dict[str, dict[str, str]] = {}
    for n, cells in book.rows(sheet, layout.MAX_ROWS + len(layout.STATE_KEYS) + 2):
        texts = [_text(book, c, sheet) for c in cells]
        if heading is None:
            first = _fold(texts[0]) if texts else ""
            if first == "id":
                heading = [_fold(t) for t in texts]
                missing = [f for f in layout.ROW_FIELDS if f not in heading]
                if missing:
                    raise book.fail(f"{sheet}!A{n}", f"the hidden sheet has no {missing[0]!r} "
                                    "column; the return was altered (make a new one)")
            elif first in layout.STATE_KEYS and len(texts) > 1:
                keys[first] = texts[1]
            continue
        record = {f: (texts[heading.index(f)] if heading.index(f) < len(texts) else "")
                  for f in layout.ROW_FIELDS}
        if not any(record.values()):
            continue
        record["_where"] = f"{sheet}!A{n}"
        if record["id"] in records:
            raise book.fail(f"{sheet}!A{n}", f"ID {record['id']!r} is recorded twice in the "
                            "hidden sheet, so its rows cannot be told apart; make a new return")
        records[record["id"]] = record
    return _read_state(book, keys), records


def _read_state(book: _Book, keys: dict[str, str]) -> ReturnState:
    sheet = layout.STATE_SHEET
    for key in ("format", "commit", "lead", "made"):
        if not keys.get(key):
            raise book.fail(sheet, f"the hidden sheet has no {key!r}; the return was altered or "
                            "not made by 'planctl returns make' (make a new one)")
    if keys["format"] != str(layout.FORMAT_VERSION):
        raise book.fail(sheet, f"format {keys['format']!r}: this planctl reads returns of "
                        f"format {layout.FORMAT_VERSION}; make the return again with this planctl")
    commit = keys["commit"].lower()
    if not _HEX40.fullmatch(commit):
        raise book.fail(sheet, f"commit {keys['commit'][:60]!r} is not a commit id (40 hex "
                        "digits); the return was altered (make a new one)")
    try:
        made = date.fromisoformat(keys["made"])
        by = date.fromisoformat(keys["by"]) if keys.get("by") else None
    except ValueError:
        raise book.fail(sheet, "the days it was made and wanted back are not ISO dates; the "
                        "return was altered (make a new one)") from None
    return ReturnState(layout.FORMAT_VERSION, commit, keys["lead"], made, by)


# -- the Actions sheet -----------------------------------------------------------------


def _columns(book: _Book, cells: list[Any]) -> dict[str, int]:
    sheet = layout.ACTIONS_SHEET
    found: dict[str, int] = {}
    for i, c in enumerate(cells):
        name = _fold(getattr(c, "value", None))
        if name in found:
            raise book.fail(f"{sheet}!{c.coordinate}", f"two columns are headed "
                            f"{getattr(c, 'value', '')!r}")
        if name:
            found[name] = i
    out = {}
    for heading in layout.COLUMNS:
        if heading.casefold() not in found:
            raise book.fail(f"{sheet}!1", f"no column headed {heading!r}; the headings were "
                            "changed (keep planctl's headings, or make a new return)")
        out[heading] = found[heading.casefold()]
    return out


def _shows_day(cell: Any) -> bool:
    """Whether a date cell's format shows its day (General or a d/dd code), so the day is
    the one the lead saw or typed."""
    fmt = str(getattr(cell, "number_format", "") or "General")
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", fmt).lower()
    return fmt == "General" or "d" in bare


def _completed(book: _Book, cell: Any, ref: str) -> date | None:
    value = getattr(cell, "value", None)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime | date):
        if not _shows_day(cell):
            raise book.fail(ref, f"the date cell shows only the month ({cell.number_format}); "
                            "type the day it was completed, e.g. 14/01/2026")
        return value.date() if isinstance(value, datetime) else value
    if not isinstance(value, str):
        kind = "a yes/no value" if isinstance(value, bool) else "a number"
        raise book.fail(ref, f"{cell_text(value)!r} is {kind}, not a date; type the date, "
                        "e.g. 14/01/2026")
    typed = " ".join(value.split())
    try:
        day = parse_date(typed)
    except TimescaleError as exc:
        raise book.fail(ref, str(exc)) from None
    m = PATTERNS.date.fullmatch(typed)
    if m is None or m["mon_m"]:
        raise book.fail(ref, f"{typed!r} is not one day; give the day it was completed, "
                        "e.g. 14/01/2026")
    return day


def _new_due(book: _Book, cell: Any, ref: str) -> str | None:
    value = getattr(cell, "value", None)
    if isinstance(value, datetime | date):
        if not _shows_day(cell):
            raise book.fail(ref, f"the cell holds a date shown as a month ({cell.number_format}): "
                            "a spreadsheet turns 'March 2027' into 1 March 2027; type the new "
                            "date as text, e.g. 'March 2027' or '31/03/2027'")
        day = value.date() if isinstance(value, datetime) else value
        return day.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise book.fail(ref, f"{cell_text(value)!r} is a number, not a date; type the new date, "
                        "e.g. 'March 2027' or '31/03/2027'")
    return _text(book, cell, layout.ACTIONS_SHEET) or None


def _filled(book: _Book, cells: list[Any], cols: dict[str, int], n: int) -> Filled:
    sheet = layout.ACTIONS_SHEET

    def cell(heading: str) -> Any:
        i = cols[heading]
        return cells[i] if i < len(cells) else None

    def ref(heading: str) -> str:
        from openpyxl.utils import get_column_letter

        return f"{sheet}!{get_column_letter(cols[heading] + 1)}{n}"

    def text(heading: str) -> str | None:
        c = cell(heading)
        return (_text(book, c, sheet) or None) if c is not None else None

    rating = text(layout.RATING)
    if rating is not None:
        colour = RAG_WORDS.get(rating.casefold())
        if colour is None:
            raise book.fail(ref(layout.RATING), f"{rating[:80]!r} is not a rating; pick red, "
                            "amber, green or blue")
        rating = colour
    c_done, c_due = cell(layout.COMPLETED_ON), cell(layout.NEW_DUE_DATE)
    return Filled(
        progress=text(layout.PROGRESS_UPDATE), rating=rating,
        completed=_completed(book, c_done, ref(layout.COMPLETED_ON)) if c_done is not None else None,
        new_due=_new_due(book, c_due, ref(layout.NEW_DUE_DATE)) if c_due is not None else None,
        reason=text(layout.REASON), evidence=text(layout.EVIDENCE),
        cells={h: ref(h) for h in layout.LEAD_COLUMNS})


def _owned_edits(book: _Book, cells: list[Any], cols: dict[str, int], n: int,
                 record: dict[str, str]) -> None:
    """A warning for each owned cell that no longer holds what the return was made with
    (the edit is ignored: planctl's columns are the plan's, not the lead's)."""
    from openpyxl.utils import get_column_letter

    def shown(heading: str) -> Any:
        i = cols[heading]
        return getattr(cells[i], "value", None) if i < len(cells) else None

    due = shown(layout.DUE)
    due_text = (due.date() if isinstance(due, datetime) else due).isoformat() \
        if isinstance(due, date | datetime) else ""
    checks = [
        (layout.ACTION, " ".join(cell_text(shown(layout.ACTION)).split()),
         " ".join(record["text"].split())),
        (layout.DUE, due_text, record["due"]),
        (layout.STATUS, _fold(cell_text(shown(layout.STATUS))).replace("-", " "),
         _fold(record["status"]).replace("-", " ")),
        (layout.COUNCIL_RATING, _fold(cell_text(shown(layout.COUNCIL_RATING))),
         _fold(record["rag"])),
    ]
    for heading, now, was in checks:
        if heading == layout.DUE and not isinstance(due, date | datetime) and not record["due"]:
            continue  # "TBC" or empty: no date either way
        if now != was:
            where = f"{layout.ACTIONS_SHEET}!{get_column_letter(cols[heading] + 1)}{n}"
            book.warnings.append(f"{book.name}: {where}: the {heading} column is planctl's; the "
                                 "change made there is ignored (say it in Progress update)")


def _rows(book: _Book, records: dict[str, dict[str, str]]) -> tuple[ReturnRow, ...]:
    sheet = layout.ACTIONS_SHEET
    rows: list[ReturnRow] = []
    cols: dict[str, int] | None = None
    seen: set[str] = set()
    for n, cells in book.rows(sheet, layout.MAX_ROWS + 1):
        if cols is None:
            cols = _columns(book, cells)
            continue
        from openpyxl.utils import get_column_letter

        id_ref = f"{sheet}!{get_column_letter(cols[layout.ID] + 1)}{n}"
        id_cell = cells[cols[layout.ID]] if cols[layout.ID] < len(cells) else None
        ident = _text(book, id_cell, sheet) if id_cell is not None else ""
        filled = _filled(book, cells, cols, n)
        if not ident:
            if not filled.empty:
                raise book.fail(id_ref, "a row without an ID is filled in; only the rows the "
                                "return was made with can be read")
            continue
        record = records.get(ident)
        if record is None or ident in seen:
            why = "is in two rows" if ident in seen else "is not one this return was made with"
            raise book.fail(id_ref, f"ID {ident[:40]!r} {why} (rows "
                            "cannot be added or copied; make a new return)")
        seen.add(ident)
        plan = safe_plan_path(record["plan"])
        if plan is None:
            raise book.fail(record["_where"], f"plan file {record['plan'][:80]!r} is not a "
                            "path inside the plans folder; the return was altered")
        _owned_edits(book, cells, cols, n, record)
        owned = {h: (f"{sheet}!{get_column_letter(cols[h] + 1)}{n}",
                     cell_text(getattr(cells[cols[h]], "value", None)) if cols[h] < len(cells) else "")
                 for h in (layout.RECOMMENDATION, layout.TIMESCALE)}
        rows.append(ReturnRow(n, ident, plan, record["action"],
                              {k: v for k, v in record.items() if not k.startswith("_")},
                              filled, id_ref, owned))
    if cols is None:
        raise book.fail(sheet, "the Actions sheet is empty")
    return tuple(rows)


# -- the day it was saved ----------------------------------------------------------------


def _saved(book: _Book, state: ReturnState, sent: datetime | None,
           mtime: float | None) -> tuple[date, str]:
    """The day the return was saved: the email's Date (its own zone), else the workbook's
    own "modified" stamp (UTC, shown in the local zone) unless it is still the one planctl
    wrote when it made the return, else the file's modification time; never before the
    return was made."""
    made_stamp = datetime.combine(state.made, datetime.min.time())
    modified = getattr(book.book.properties, "modified", None)
    if sent is not None:
        day, how = sent.date(), "the email's Date"
    elif isinstance(modified, datetime) and modified.replace(tzinfo=None) != made_stamp:
        stamp = modified if modified.tzinfo else modified.replace(tzinfo=UTC)
        day, how = stamp.astimezone().date(), "the workbook's last-saved time"
    elif mtime is not None:
        day, how = datetime.fromtimestamp(mtime).date(), "the file's modification time"
    else:
        day, how = state.made, "the day the return was made"
    if day < state.made:
        book.warnings.append(f"{book.name}: {how} ({day.isoformat()}) is before the return was "
                             f"made ({state.made.isoformat()}); its notes are dated "
                             f"{state.made.isoformat()}")
        day, how = state.made, "the day the return was made"
    return day, how


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old container (.xls, an encrypted .xlsx)


# -- the door ------------------------------------------------------------------------------


def read_return(data: bytes, name: str, *, sent: datetime | None = None,
                sender: str | None = None, mtime: float | None = None) -> Return:
    """The return in `data` (an xlsx), or ReturnError naming the file, sheet and cell.

    name: how messages name it. sent, sender: the email's Date and From when it came in
    one. mtime: the file's modification time (the day it was saved, when the workbook
    does not say)."""
    if data.startswith(_OLE):  # what Excel saves a workbook with a password to open as
        raise ReturnError(f"{name}: the workbook is password-protected (or an old .xls file); "
                          "ask the lead to save it without a password, as .xlsx, and send it again")
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", os.path.basename(name.replace("\\", "/")))[-80:]
    with tempfile.TemporaryDirectory(prefix="planctl-return-") as tmp:
        path = Path(tmp) / (base if base.lower().endswith(".xlsx") else base + ".xlsx")
        path.write_bytes(data)
        try:
            check_zip(path)
            formulas = scan_parts(path)
        except PlanctlError as exc:
            said = str(exc).replace(f"{path.name}: ", "").replace(path.name, "")
            raise ReturnError(f"{name}: {said.strip(': ')}") from None
        except Exception as exc:  # noqa: BLE001 - a hostile file: "cannot read", never a traceback
            raise ReturnError(f"{name}: cannot read workbook: {exc or type(exc).__name__}") from None
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - as above
            raise ReturnError(f"{name}: cannot read workbook: {exc or type(exc).__name__}") from None
        try:
            return _read(_Book(name, wb, formulas, []), sent, sender, mtime)
        except PlanctlError:
            raise
        except Exception as exc:  # noqa: BLE001 - as above
            raise ReturnError(f"{name}: cannot read workbook: {exc or type(exc).__name__}") from None
        finally:
            wb.close()


def _read(book: _Book, sent: datetime | None, sender: str | None, mtime: float | None) -> Return:
    names = book.book.sheetnames
    if layout.STATE_SHEET not in names:
        raise book.fail("", f"not a planctl return: it has no hidden {layout.STATE_SHEET!r} "
                        "sheet (returns are made by 'planctl returns make'; a copy of the rows "
                        "in another workbook cannot be read back)")
    if layout.ACTIONS_SHEET not in names:
        raise book.fail("", f"it has no {layout.ACTIONS_SHEET!r} sheet (was it renamed?)")
    state, records = _state(book)
    rows = _rows(book, records)
    saved, how = _saved(book, state, sent, mtime)
    return Return(book.name, state, rows, saved, how, sender, sent, tuple(book.warnings))

"""Spreadsheet rows (CSV or XLSX) -> plan YAML text that passes `planctl check`.

Councils keep action plans as Word or Excel tables: a few title rows, then a
header (No / Recommendation / Action / Timescale / Lead Person / Progress / RAG),
then one row per action where the number and recommendation cells are filled
only on the first row of each recommendation (merged cells). `build_plan`
turns such rows into plan YAML; only `read_rows` touches files.

Decisions (documented in docs/import.md):
- every timescale is kept as written; one that planctl cannot read becomes
  `due: "To be confirmed (as written: ...)"`, so it is still shown, `check`
  warns about it (W104) and the plan has no error;
- a progress word (Completed, In progress, Done, ...) or a Blue RAG becomes a
  status; other progress text becomes `progress:` (the latest position) and a
  Red/Amber/Green/Blue rating becomes `rag:`, beside the status planctl computes
  from dates; what fits neither is kept as an update dated the import date;
- a cell with one line per action of a split row gives each action its line;
- a lead cell left empty under a lead in the same recommendation takes that
  lead (a merged cell); a timescale is never copied down, since a wrong date
  is worse than a missing one.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from ..core.errors import ERROR, InternalError, PlanctlError, UsageError
from ..core.names import normalise_progress
from ..core.timescale import TimescaleError, date_or_none, parse_date, parse_timescale
from ..format import writer

FIELDS = {
    "id": "the recommendation number (a numbered row starts a recommendation)",
    "recommendation": "the recommendation's text",
    "action": "the action's text",
    "lead": "who leads the action (several: one per line or separated by ';')",
    "due": "the timescale, kept as written",
    "progress": "a progress word (becomes the status) or the latest position (progress:)",
    "rag": "the council's RAG rating (rag:); Blue/B also makes the action completed",
    "evidence": "what proves completion",
    "start": "when work begins (start:), a date or a month",
    "theme": "the recommendation's theme, workstream or priority area (theme:)",
    "measure": "a success measure's text (measures:)",
    "baseline": "a success measure's baseline, as written",
    "target": "a success measure's target, as written",
    "actual": "a success measure's latest figure or outcome achieved, as written",
    "ignore": "skip this column",
}

# Header names as councils write them, compared with letters and digits only.
_KNOWN = {
    "id": ["no", "number", "ref", "refno", "reference", "recno", "recommendationno",
           "recommendationnumber", "item", "itemno"],
    "recommendation": ["recommendation", "recommendations", "areaforimprovement",
                       "areasforimprovement", "areafordevelopment", "areasfordevelopment",
                       "inspectionrecommendation", "issue"],
    "action": ["action", "actions", "actionrequired", "actionsrequired", "actiontobetaken",
               "actionstobetaken", "keyactions", "proposedaction", "actionplanned"],
    "lead": ["lead", "leads", "leadofficer", "leadperson", "leadofficers", "responsibility",
             "responsible", "responsibleofficer", "responsibleperson", "owner", "actionowner",
             "who", "bywhom"],
    "due": ["timescale", "timescales", "bywhen", "when", "date", "plannedcompletiondate",
            "completiondate", "targetdate", "deadline", "due", "duedate", "targetcompletiondate",
            "timeframe"],
    "progress": ["progress", "status", "progressupdate", "update", "currentposition",
                 "progresstodate", "comments", "commentary"],
    "rag": ["rag", "ragstatus", "ragrating", "brag", "bragstatus", "ragassessment", "rating"],
    "evidence": ["evidence", "evidenceofcompletion", "evidenceofimpact"],
    "start": ["start", "startdate", "datestarted", "commencing", "from",
              "plannedstartdate", "begin"],
    "theme": ["theme", "themes", "workstream", "workstreams", "priorityarea", "priorityareas",
              "keytheme", "strategictheme", "area", "keyarea"],
    "measure": ["successmeasure", "successmeasures", "measureofsuccess", "measuresofsuccess",
                "successcriteria", "successindicator", "successindicators", "measure",
                "measures", "performancemeasure", "kpi", "indicator", "howwillweknow"],
    "baseline": ["baseline", "baselinedata", "baselineposition", "startingpoint"],
    "target": ["target", "targets", "targetposition", "targetoutcome"],
    "actual": ["actual", "actuals", "actualposition", "latestposition", "currentperformance",
               "achieved", "outcomeachieved"],
    # "Outcome" beside measure, baseline or target columns is what was achieved (actual);
    # on its own it is the outcome sought (the measure): resolved in build_plan.
    "outcome": ["outcome", "outcomes", "expectedoutcome", "expectedoutcomes", "desiredoutcome"],
}
HEADER_FIELDS = {name: f for f, names in _KNOWN.items() for name in names}

_RAG = {"r": "Red", "red": "Red", "a": "Amber", "amber": "Amber", "g": "Green", "green": "Green",
        "b": "Blue", "blue": "Blue", "ag": "Amber/Green", "ra": "Red/Amber"}
_REC_NUMBER = re.compile(r"^\(?\s*(?:rec(?:ommendation)?\.?\s*)?(\d{1,3})\s*[.):]?\s*\)?$", re.I)
_SUB_NUMBER = re.compile(r"^\(?\s*(\d{1,3})\s*(?:\.\s*(\d{1,2})|\(?\s*([a-z])\s*\)?)\s*\)?\.?$", re.I)
_TEXT_NUMBER = re.compile(r"^(\d{1,3})[.)]\s+(?=\S)")
_ACTION_PREFIX = re.compile(r"^\(\s*(\d{0,3}[a-z])\s*\)\s*|^(\d{0,3}[a-z])\)\s+", re.I)
_COMPLETED_ON = re.compile(
    # Possessive (*+, ++): separators are never given back, so a long cell cannot backtrack.
    r"^(?:completed?|done|closed|achieved)\b[\s:,.;\-\u2013(]*+(?:on\s++)?(?P<when>[^()]+?)\)?\.?$",
    re.I)
_COLUMN_LETTERS = re.compile(r"^[A-Z]{1,2}$")
WIDTH = 88


class ImportProblem(PlanctlError):
    """The rows cannot become a plan (no header, an unknown --map field ...)."""


@dataclass
class Imported:
    text: str  # the plan YAML
    notes: list[str] = field(default_factory=list)  # what the user must know, one line each
    recommendations: int = 0
    actions: int = 0
    leads: int = 0
    warnings: list[str] = field(default_factory=list)  # what `check` says about the result


# -- reading files ---------------------------------------------------------------------------


def cell_text(value) -> str:
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


# Limits (docs/import.md, "Limits"): many times what a council plan needs (hundreds of rows,
# a dozen columns), low enough that a hostile file is refused in a second or two and well
# under 200 MB, before its cells are read.
MAX_ROWS = 10_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 32_767  # the most Excel itself keeps in one cell
MAX_CSV_BYTES = 5 * 2**20
MAX_ACTIONS = 10_000
MAX_LEADS = 50  # in one cell (or one line of a cell split into actions)
MAX_PLAN_CHARS = 3_000_000  # the text of all actions together, under load's 4 MB per file
MAX_XLSX_BYTES = 20 * 2**20  # a workbook's parts together, uncompressed
MAX_XLSX_PARTS = 10_000
MAX_RATIO = 200  # uncompressed/compressed size of a part over 1 MB: a decompression bomb
MAX_CELLS = 100_000  # in one sheet, written or formatted: each costs openpyxl ~10 µs
MAX_XML_ELEMENTS = 600_000  # in all parts of a workbook together
MAX_XML_DEPTH = 64
MAX_CELL_ELEMENTS = 1_000  # rich-text runs and the like inside one cell or shared string
_MB = 2**20

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252")
_ENCODING_HINT = "say which with --encoding (" + ", ".join(ENCODINGS) + ") or save it as CSV UTF-8"


def read_rows(path: Path, sheet: str | None = None, progress=None, *, encoding: str | None = None,
              notes: list[str] | None = None) -> tuple[list[list[str]], str]:
    """(rows of cell texts, a description of where they came from) for a .csv or .xlsx file.

    `encoding` is the CSV file's encoding when the user states it; what the user must know
    about the reading (the encoding chosen) is appended to `notes`.
    """
    suffix = path.suffix.lower()
    try:
        with open(path, "rb") as f:
            head = f.read(4) if suffix not in (".csv", ".tsv", ".txt") else b""
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    is_ole = head.startswith(b"\xd0\xcf\x11\xe0")  # a compound file: .xls, or an encrypted .xlsx
    if suffix in (".xlsx", ".xlsm") and is_ole:
        raise UsageError(f"cannot read workbook: {path.name} is password-protected (Excel keeps an "
                         "encrypted workbook in an old-style container) or an .xls file renamed; "
                         "save it without a password as .xlsx or CSV")
    if suffix in (".xlsx", ".xlsm") or head.startswith(b"PK"):
        if encoding is not None:
            raise UsageError("--encoding is for CSV files; a workbook says its own")
        return _read_xlsx(path, sheet, progress)
    if suffix == ".xls" or is_ole:
        raise UsageError(f"{path.name} is an old Excel 97-2003 file; save it as .xlsx or CSV first")
    if sheet:
        raise UsageError("--sheet is for .xlsx files; a CSV file has one table")
    return _read_csv(path, encoding, notes if notes is not None else []), path.name


# -- CSV -----------------------------------------------------------------------------------


def _read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes, refusing more than `limit`; a device or a pipe is read up to it too."""
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise UsageError(f"{path.name} is larger than {limit // _MB} MB, the limit of file size for "
                         "import (docs/import.md, Limits); import the table in parts")
    return data


def _line_col(text: str) -> tuple[int, int]:
    """(line, column) just after `text`, counting line ends as an editor does."""
    line = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    last = max(text.rfind("\n"), text.rfind("\r"))
    return line, len(text) - last


def _bad_bytes(name: str, data: bytes, codec: str, exc: UnicodeDecodeError, why: str) -> UsageError:
    prefix = data[:exc.start].decode(codec, errors="replace")
    line, col = _line_col(prefix)
    shown = data[exc.start:exc.end][:4].hex(" ")
    return UsageError(f"{name}:{line}:{col}: {why}: byte(s) {shown} at byte {exc.start + 1} cannot be "
                      f"read as {codec}; fix that character, or {_ENCODING_HINT}")


def decode_text(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str | None]:
    """(the file's text, a note naming the encoding when it was not UTF-8).

    Decided once for the whole file, never per line: the stated --encoding; else a byte
    order mark; else UTF-8 when the whole file is UTF-8; else Windows-1252 (Excel's
    "CSV" on Windows) when the file has no UTF-8 character at all; a file that is UTF-8
    with stray bytes elsewhere is refused at the first of them.
    """
    note = None
    boms = [(b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
            (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")]
    if encoding is not None:
        codec = "utf-8-sig" if encoding == "utf-8" else encoding  # a UTF-8 BOM is never text
        if codec == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise UsageError(f"{name} has no byte order mark to say which UTF-16 it is; "
                             "give --encoding utf-16-le (Windows) or utf-16-be")
        why = f"not {encoding} as --encoding says"
    else:
        codec = next((c for bom, c in boms if data.startswith(bom)), None)
        why = f"not {codec} as its byte order mark says"
        if codec is None:
            if b"\x00" in data:
                at = data.index(b"\x00")
                line, col = _line_col(data[:at].decode("latin-1"))
                raise UsageError(f"{name}:{line}:{col}: a NUL byte: the file is not text in an encoding "
                                 f"planctl can tell (UTF-16 without a byte order mark?); {_ENCODING_HINT}")
            try:
                return data.decode("utf-8"), None
            except UnicodeDecodeError as exc:
                first_bad = exc
            if _has_utf8_sequence(data):
                raise _bad_bytes(name, data, "utf-8", first_bad,
                                 "not UTF-8 here, though the file has UTF-8 characters elsewhere")
            codec = "cp1252"
            why = "not Windows-1252 either (nor UTF-8)"
            note = (f"{name} is not UTF-8; read it as Windows-1252 (Excel's CSV on Windows); "
                    "if that is wrong, give --encoding")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _bad_bytes(name, data, codec, exc, why) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line, col = _line_col(text[:text.index("\x00")])
        raise UsageError(f"{name}:{line}:{col}: a NUL character, which is not text; "
                         f"is the encoding right? {_ENCODING_HINT}")
    return text, note


# A UTF-8 multibyte character: a lead byte and its continuation bytes, shortest forms only.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")


def _has_utf8_sequence(data: bytes) -> bool:
    return _UTF8_SEQUENCE.search(data) is not None


def _read_csv(path: Path, encoding: str | None, notes: list[str]) -> list[list[str]]:
    data = _read_bytes(path, MAX_CSV_BYTES)
    text, note = decode_text(data, path.name, encoding)
    del data
    if note:
        notes.append(note)
    sample = text[:4096]  # the sniffer is quadratic in a line's length: a short sample bounds it
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    # Only the delimiter is sniffed: the sniffer misjudges doubled quotes ("" inside a cell).
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    rows: list[list[str]] = []
    previous_limit = csv.field_size_limit(MAX_CELL_CHARS)  # process-wide: put back below
    try:
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                if "field limit" in str(exc):
                    raise UsageError(
                        f"{path.name}:{line}: a cell longer than {MAX_CELL_CHARS:,} characters, the "
                        "limit of one cell for import (a quote \" left open makes the rest of the "
                        "file one cell)") from None
                raise UsageError(f"{path.name}:{line}: cannot read the CSV: {exc}") from None
            if len(rows) == MAX_ROWS:
                raise UsageError(f"{path.name}:{line}: more than {MAX_ROWS:,} rows, the limit of rows "
                                 "for import (docs/import.md, Limits); import the table in parts")
            if len(row) > MAX_COLUMNS:
                if row[MAX_COLUMNS:].count("") != len(row) - MAX_COLUMNS:
                    raise UsageError(
                        f"{path.name}:{line}: a cell in column {len(row)} ({_letter(len(row) - 1)}), "
                        f"more than {MAX_COLUMNS} columns, the limit of columns for import "
                        "(docs/import.md, Limits)")
                del row[MAX_COLUMNS:]  # empty cells past the limit: a wide range saved as CSV
            rows.append([c.replace("\r\n", "\n").replace("\r", "\n") for c in row])
    finally:
        csv.field_size_limit(previous_limit)
    return rows


# -- XLSX ----------------------------------------------------------------------------------


class _TooBig(Exception):
    """Raised inside the XML scan; becomes a UsageError naming the part and the limit."""


def _cannot_read(path: Path, detail: str) -> UsageError:
    return UsageError(f"cannot read workbook: {path.name}: {detail}")


def _check_zip(path: Path) -> None:
    """Refuse, from the zip's own directory, a workbook too big or too compressed to read."""
    import zipfile

    if not path.is_file():
        raise _cannot_read(path, "not a regular file")
    try:
        with open(path, "rb") as f:
            end = zipfile._EndRecData(f)  # the directory's size before zipfile lists every part
            if end is None:
                raise _cannot_read(path, "not a zip file (an .xlsx workbook is one)")
            if end[zipfile._ECD_SIZE] > MAX_XLSX_PARTS * 512:
                raise UsageError(f"{path.name}: more than {MAX_XLSX_PARTS:,} parts, the limit of parts "
                                 "in a workbook for import (docs/import.md, Limits)")
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _cannot_read(path, str(exc) or type(exc).__name__) from None
    if len(infos) > MAX_XLSX_PARTS:
        raise UsageError(f"{path.name}: {len(infos):,} parts, more than {MAX_XLSX_PARTS:,}, the limit "
                         "of parts in a workbook for import (docs/import.md, Limits)")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _cannot_read(path, f"part {info.filename!r} is encrypted; save the workbook without "
                               "a password")
        total += info.file_size
        if total > MAX_XLSX_BYTES:
            size = sum(i.file_size for i in infos)
            raise UsageError(f"{path.name}: its parts unpack to {size / _MB:,.1f} MB, more than "
                             f"{MAX_XLSX_BYTES // _MB} MB, the limit of uncompressed size for import "
                             "(docs/import.md, Limits)")
        if info.file_size > _MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise UsageError(f"{path.name}: part {info.filename!r} unpacks {ratio:,} "
                             f"times its packed size, more than {MAX_RATIO} times, the limit of "
                             "uncompressed size for a compressed part (a decompression bomb?)")


def _scan_parts(path: Path) -> None:
    """Read every XML part once with a counting parser: refuse entity declarations, bad XML,
    too many rows, columns, cells or elements, before openpyxl builds anything from it."""
    import zipfile

    budget = [MAX_XML_ELEMENTS]  # elements left for the whole workbook
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            with archive.open(info) as part:
                start = part.read(64)
                if not start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                    continue  # not XML (a picture ...): openpyxl's read-only mode does not open it
                try:
                    _scan_xml(part, start, budget)
                except _TooBig as exc:
                    raise UsageError(f"{path.name}: part {info.filename!r}: {exc} "
                                     "(docs/import.md, Limits)") from None
                except _XMLError as exc:
                    raise _cannot_read(path, f"part {info.filename!r}: {exc}") from None


class _XMLError(Exception):
    pass


def _column_number(ref: str) -> int:
    number = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            number = number * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            number = number * 26 + ord(ch) - 96
        else:
            break
        if number > 18_278:  # past XFD already: the limit is far below
            break
    return number


def _row_number(ref: str, default: int) -> int:
    digits = ref.strip()
    if not (digits.isascii() and digits.isdigit()):
        return default  # not a row number: openpyxl refuses it, or counts as planctl does
    return int(digits) if len(digits) < 10 else MAX_ROWS + 1


def _scan_xml(part, start: bytes, budget: list[int]) -> None:
    """One streaming pass in constant memory (expat, fed 64 KB at a time).

    Counts what openpyxl would build: rows, cells per row and in all, the elements
    inside one cell or shared string, every element of the workbook, and nesting.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    s = {"depth": 0, "root": None, "rows": 0, "row": 0, "row_cells": 0, "cells": 0, "column": 0,
         "in_data": 0, "in_cell": 0, "cell_elements": 0, "chars": 0, "strings": 0}

    def start_element(name, attrs):
        local = name.rpartition(" ")[2]
        s["depth"] += 1
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooBig(f"more than {MAX_XML_ELEMENTS:,} XML elements in the workbook, the limit "
                          "for import")
        if s["depth"] > MAX_XML_DEPTH:
            raise _XMLError(f"elements nested more than {MAX_XML_DEPTH} deep")
        if s["root"] is None:
            s["root"] = local
        if s["in_cell"]:
            s["cell_elements"] += 1
            if s["cell_elements"] > MAX_CELL_ELEMENTS:
                raise _TooBig(f"row {s['row']:,}: more than {MAX_CELL_ELEMENTS:,} pieces of text in "
                              "one cell")
        elif s["root"] == "worksheet" and local == "sheetData":
            s["in_data"] = s["depth"]
        elif s["in_data"] and local == "row":
            s["rows"] += 1
            s["row"] = _row_number(attrs.get("r", ""), s["row"] + 1)
            s["row_cells"] = s["column"] = 0
            if s["row"] > MAX_ROWS or s["rows"] > MAX_ROWS:
                raise _TooBig(f"a row numbered {max(s['row'], s['rows']):,}, more than {MAX_ROWS:,} "
                              "rows, the limit of rows for import; delete the rows below the table")
        elif s["in_data"] and local == "c":
            s["cells"] += 1
            s["row_cells"] += 1
            ref = attrs.get("r")
            s["column"] = _column_number(ref) if ref else s["column"] + 1
            if s["column"] > MAX_COLUMNS or s["row_cells"] > MAX_COLUMNS:
                column = max(s["column"], s["row_cells"])
                raise _TooBig(f"row {s['row']:,} has a cell in column {column:,}, more than "
                              f"{MAX_COLUMNS} columns, the limit of columns for import; delete the "
                              "columns right of the table")
            if s["cells"] > MAX_CELLS:
                raise _TooBig(f"more than {MAX_CELLS:,} cells (written or formatted) in a sheet, the "
                              "limit of cells for import")
            s["in_cell"] = s["depth"]
            s["cell_elements"] = s["chars"] = 0
        elif s["root"] == "sst" and local == "si":
            s["strings"] += 1
            if s["strings"] > MAX_CELLS:
                raise _TooBig(f"more than {MAX_CELLS:,} shared strings, more than the limit of cells "
                              "for import")
            s["in_cell"] = s["depth"]
            s["cell_elements"] = s["chars"] = 0

    def end_element(name):
        if s["in_cell"] == s["depth"]:
            s["in_cell"] = 0
        if s["in_data"] == s["depth"]:
            s["in_data"] = 0
        s["depth"] -= 1

    def characters(data):
        if s["in_cell"]:
            s["chars"] += len(data)
            if s["chars"] > MAX_CELL_CHARS:
                raise _TooBig(f"a cell (row {s['row']:,}) or shared string longer than "
                              f"{MAX_CELL_CHARS:,} characters, the limit of one cell for import")

    def no_entities(*args):
        raise _XMLError("it declares XML entities, which a workbook never needs")

    parser.StartElementHandler = start_element
    parser.EndElementHandler = end_element
    parser.CharacterDataHandler = characters
    parser.EntityDeclHandler = no_entities
    parser.ExternalEntityRefHandler = no_entities
    try:
        chunk = start
        while chunk:
            parser.Parse(chunk, False)
            chunk = part.read(65536)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise _XMLError(f"bad XML: {exc}") from None


def _read_xlsx(path: Path, sheet: str | None, progress) -> tuple[list[list[str]], str]:
    import zipfile

    _check_zip(path)
    try:
        _scan_parts(path)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        # zipfile's own refusals: a bad CRC, a part shorter than its directory says ...
        raise _cannot_read(path, str(exc) or type(exc).__name__) from None

    import openpyxl  # lazily: only imports of spreadsheets pay for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except PlanctlError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to parse a hostile file is "cannot read"
        raise _cannot_read(path, _exception_text(exc)) from None
    try:
        if sheet is not None:
            if sheet not in book.sheetnames:
                raise UsageError(f"no sheet {sheet!r} in {path.name}; sheets: {', '.join(book.sheetnames)}")
            names = [sheet]
        else:
            names = book.sheetnames
        first: tuple[list[list[str]], str] | None = None
        for name in names:
            where = f"{path.name}, sheet {name!r}"
            try:
                rows = _sheet_rows(book[name], where, progress)
            except PlanctlError:
                raise
            except Exception as exc:  # noqa: BLE001 - as above
                raise _cannot_read(path, f"sheet {name!r}: {_exception_text(exc)}") from None
            if first is None:
                first = (rows, where)
            if sheet is not None or _find_header(rows, {}) is not None:
                return rows, where  # the first sheet that looks like an action plan
        return first or ([], path.name)
    finally:
        book.close()


def _exception_text(exc: Exception) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _sheet_rows(ws, where: str, progress) -> list[list[str]]:
    """The sheet's cells as text, counting rows and columns as they come."""
    from openpyxl.utils import get_column_letter

    declared_rows, declared_columns = ws.max_row, ws.max_column
    if (declared_rows or 0) > MAX_ROWS or (declared_columns or 0) > MAX_COLUMNS:
        raise UsageError(
            f"{where} says it spans {declared_rows or 0:,} rows and {declared_columns or 0:,} columns "
            f"({ws.calculate_dimension()}), more than {MAX_ROWS:,} rows or {MAX_COLUMNS} columns, the "
            "limit for import (docs/import.md, Limits); delete the empty rows and columns around "
            "the table in Excel and save it, or save the table as CSV")
    # Read the cells as written, not padded or cut to the size the sheet declares.
    ws.reset_dimensions()
    cells = ws.iter_rows(values_only=True)
    if progress is not None:
        cells = progress(cells, declared_rows, f"Reading {ws.title}")
    rows: list[list[str]] = []
    width = 0
    for number, values in enumerate(cells, start=1):
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
        width = max(width, len(row))
        rows.append(row)
    for row in rows:  # every row as wide as the widest, as the sheet shows them
        row.extend([""] * (width - len(row)))
    return rows


# -- columns -------------------------------------------------------------------------------


def header_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def parse_mappings(mappings: Sequence[str]) -> dict[str, str]:
    """--map 'COLUMN=field' -> {header_key or column letter: field}."""
    out: dict[str, str] = {}
    for written in mappings:
        column, sep, target = written.rpartition("=")
        target = target.strip().lower().replace("-", "_")
        target = {"text": "action", "timescale": "due", "status": "progress", "no": "id",
                  "number": "id", "report_to": "ignore", "skip": "ignore"}.get(target, target)
        if not sep or not column.strip():
            raise UsageError(f"--map {written!r}: write COLUMN=FIELD, e.g. --map 'Lead Officer=lead'")
        if target not in FIELDS:
            raise UsageError(f"--map {written!r}: {target!r} is not a field; fields: {', '.join(FIELDS)}")
        column = column.strip()
        out[column if _COLUMN_LETTERS.match(column) else header_key(column)] = target
    return out


def _letter(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _columns(row: Sequence[str], overrides: dict[str, str]) -> dict[int, str]:
    """{column index: field} for a candidate header row."""
    found: dict[int, str] = {}
    for i, cell in enumerate(row):
        key = header_key(cell)
        target = overrides.get(_letter(i)) or (overrides.get(key) if key else None)
        if target is None and key:
            target = HEADER_FIELDS.get(key)
        if target is not None:
            found[i] = target
    return found


def _find_header(rows: list[list[str]], overrides: dict[str, str]) -> int | None:
    for i, row in enumerate(rows[:60]):
        fields = set(_columns(row, overrides).values())
        if "action" in fields and len(fields - {"ignore", "outcome"}) >= 2:
            return i
    return None


# -- grouping -------------------------------------------------------------------------------


@dataclass
class _Action:
    row: int
    text: str
    explicit_id: str | None = None
    due: str = ""
    leads: list[str] = field(default_factory=list)
    lead_from_above: bool = False
    progress: str = ""
    rag: str = ""
    evidence: str = ""
    status_safe: bool = True  # False: progress and RAG may only become an update
    start: str = ""
    measures: list[dict] = field(default_factory=list)


@dataclass
class _Rec:
    id: str | None
    text: str
    row: int
    actions: list[_Action] = field(default_factory=list)
    theme: str = ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _lines(text: str) -> list[str]:
    return [_one_line(x) for x in text.split("\n") if x.strip()]


def _split_leads(text: str) -> list[str]:
    return [n for n in (_one_line(x) for x in re.split(r"[\n;]", text)) if n]


def build_plan(
    rows: list[list[str]],
    *,
    source: str,
    today: date,
    mappings: Sequence[str] = (),
    title: str | None = None,
    authority: str | None = None,
    published: date | None = None,
    plan_id: str | None = None,
) -> Imported:
    """Plan YAML from a table's rows; raises ImportProblem when no plan can be made."""
    overrides = parse_mappings(mappings)
    header_at = _find_header(rows, overrides)
    if header_at is None:
        raise ImportProblem(
            f"{source}: found no header row with an action column in the first 60 rows; expected "
            "columns such as No, Recommendation, Action, Lead, Timescale, Progress, RAG. "
            "Name yours with --map 'COLUMN=FIELD' (fields: " + ", ".join(FIELDS) + ")")
    header = rows[header_at]
    columns = _columns(header, overrides)
    measured = {"measure", "baseline", "target"} & set(columns.values())
    columns = {i: ("actual" if measured else "measure") if f == "outcome" else f
               for i, f in columns.items()}
    present = {header_key(c) for c in header} | {_letter(i) for i in range(len(header))}
    unknown = [c for c in overrides if c not in present]
    if unknown:
        names = ", ".join(repr(_one_line(c)) for c in header if c.strip())
        raise UsageError(f"--map names no column of the header on row {header_at + 1}: "
                         f"{', '.join(unknown)}; its columns are {names}")
    notes: list[str] = []
    used: dict[str, int] = {}
    for i, target in sorted(columns.items()):
        if target == "ignore":
            continue
        if target in used:
            notes.append(f"column {_letter(i)} {header[i]!r} also looks like {target!r} (column "
                         f"{_letter(used[target])} is used); it was not imported: "
                         f"use --map '{header[i]}=FIELD' to say what it is")
            continue
        used[target] = i
    unmapped = [i for i, cell in enumerate(header) if cell.strip() and i not in columns]
    for i in unmapped:
        notes.append(f"column {_letter(i)} {_one_line(header[i])!r} was not imported "
                     f"(use --map '{_one_line(header[i])}=FIELD' to import it)")
    missing = [f for f in ("id", "recommendation", "lead", "due") if f not in used]
    if missing:
        notes.append(f"no column for {', '.join(missing)} (name one with --map 'COLUMN=FIELD')")
    title_lines = [_one_line(c) for r in rows[:header_at] for c in r if c.strip()]

    def cell(row: list[str], name: str) -> str:
        i = used.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    recs: list[_Rec] = []
    total_actions = total_chars = 0
    header_keys = {header_key(c) for c in header if c.strip()}
    for offset, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if not any(c.strip() for c in row):
            continue
        keys = {header_key(c) for c in row if c.strip()}
        if len(keys) >= 2 and keys <= header_keys:
            continue  # the header repeated on each printed page
        try:
            added, chars = _add_row(recs, offset, {name: cell(row, name) for name in used}, notes)
        except ImportProblem as exc:
            raise ImportProblem(f"{source}: {exc}") from None
        total_actions, total_chars = total_actions + added, total_chars + chars
        if total_actions > MAX_ACTIONS:
            raise ImportProblem(f"{source}: row {offset}: more than {MAX_ACTIONS:,} actions, the limit "
                                "of actions for import (docs/import.md, Limits); import the table in parts")
        if total_chars > MAX_PLAN_CHARS:
            raise ImportProblem(
                f"{source}: row {offset}: the plan would hold more than {MAX_PLAN_CHARS // 10**6} million "
                "characters of text, the limit of plan size for import (a cell shared by several "
                "actions is copied into each; docs/import.md, Limits)")

    actions = [a for r in recs for a in r.actions]
    if not actions:
        raise ImportProblem(f"{source}: no actions under the header on row {header_at + 1}")
    data, lead_count = _plan_data(recs, notes, source, today, title, authority, published,
                                  title_lines)
    text = render_yaml(data, _preamble(source, header_at + 1, today))
    warnings = verify(text, source, plan_id, data)
    return Imported(text, notes, len(recs), len(actions), lead_count, warnings)


def _add_row(recs: list[_Rec], row_no: int, cells: dict[str, str], notes: list[str]) -> tuple[int, int]:
    """Add the row's actions; returns (actions added, characters of text they hold)."""
    number = _one_line(cells.get("id", ""))
    rec_text = _one_line(cells.get("recommendation", ""))
    explicit = None
    rec_id = None
    if (m := _REC_NUMBER.match(number)) and number:
        rec_id = m.group(1)
    elif m := _SUB_NUMBER.match(number):
        rec_id = m.group(1)
        explicit = f"{m.group(1)}.{m.group(2)}" if m.group(2) else f"{m.group(1)}{m.group(3).lower()}"
    elif number:
        notes.append(f"row {row_no}: the number {number!r} is not a recommendation number; "
                     "the row was read as the next action")
    if rec_id is None and rec_text and (m := _TEXT_NUMBER.match(rec_text)):
        rec_id, rec_text = m.group(1), rec_text[m.end():]

    current = recs[-1] if recs else None
    if rec_id is not None and (current is None or current.id != rec_id):
        current = _Rec(rec_id, rec_text, row_no)
        recs.append(current)
    elif rec_id is None and rec_text and (current is None or _one_line(current.text) != rec_text):
        current = _Rec(None, rec_text, row_no)  # numbered later by position
        recs.append(current)
    elif current is None:
        current = _Rec(None, "", row_no)
        recs.append(current)
        notes.append(f"row {row_no}: an action before any recommendation; "
                     "it starts a recommendation of its own")
    if rec_text and not current.text:
        current.text = rec_text
    theme = _one_line(cells.get("theme", ""))
    if theme and not current.theme:
        current.theme = theme
    elif theme and lead_group(theme) != lead_group(current.theme):
        notes.append(f"row {row_no}: theme {theme!r} differs from {current.theme!r} given "
                     "above for the same recommendation; a theme belongs to a recommendation, "
                     "so the first was kept")

    action_cell = cells.get("action", "")
    due_cell, lead_cell, progress_cell = (cells.get(k, "") for k in ("due", "lead", "progress"))
    texts = _lines(action_cell)
    dues, leads = _lines(due_cell), _lines(lead_cell)
    progresses = _lines(progress_cell)
    if not texts:
        if due_cell or lead_cell or progress_cell or cells.get("rag"):
            if not current.actions and current.text:
                texts = [current.text]  # the recommendation is its own action
            else:
                notes.append(f"row {row_no}: a timescale, lead or progress with no action text; "
                             "the row was skipped")
                return 0, 0
        else:
            return 0, 0
    # One cell per recommendation holding several paragraphs (copied from Word): split it
    # into actions only when the timescales or leads line up one per paragraph.
    parts = len(texts)
    if parts > 1 and parts not in (len(dues), len(leads)):
        texts, parts = [" ".join(texts)], 1
    # Cells shared by the row's actions are made once: their copies are one string each.
    whole_due = _one_line(due_cell)
    per_line = parts > 1 and len(leads) == parts
    whole_leads = [] if per_line else _bounded_leads(lead_cell, row_no)
    rag, evidence = _one_line(cells.get("rag", "")), _one_line(cells.get("evidence", ""))
    # Other cells shared by the row's actions: one line each when their lines line up with
    # the actions, instead of every action getting every line.
    split = {k: _lines(cells.get(k, "")) for k in ("rag", "evidence", "start")}
    measure_cells = {k: cells.get(k, "") for k in ("measure", "baseline", "target", "actual")}
    measure_lines = {k: _lines(v) for k, v in measure_cells.items()}
    size = 0
    for i, text in enumerate(texts):
        act = _Action(row_no, text)
        if parts > 1:
            act.due = dues[i] if len(dues) == parts else whole_due
            if per_line:
                act.leads = _bounded_leads(leads[i], row_no)
            else:
                act.leads = list(whole_leads)
            act.progress = progresses[i] if len(progresses) == parts else ""
        else:
            act.due = whole_due
            act.leads = list(whole_leads)
            act.progress = _one_line(progress_cell)
        act.rag, act.evidence = rag, evidence
        act.start = _one_line(cells.get("start", ""))
        if parts > 1:
            own = {k: v[i] for k, v in split.items() if len(v) == parts}
            act.rag = own.get("rag", act.rag)
            act.evidence = own.get("evidence", act.evidence)
            act.start = own.get("start", act.start)
        act.measures = _measures(measure_cells, measure_lines, parts, i)
        size += (len(act.text) + len(act.due) + len(act.progress) + len(act.rag)
                 + len(act.evidence) + sum(map(len, act.leads))
                 + sum(len(v or "") for m in act.measures for v in m.values()))
        shared_rag = act.rag and len(split["rag"]) != parts
        if parts > 1 and (shared_rag or (progress_cell and len(progresses) != parts)):
            # One progress or RAG cell for several actions: it is not safe to give all of
            # them its status, so the first keeps it as an update.
            act.status_safe = False
            if i == 0:
                shared = " / ".join(x for x in (_one_line(progress_cell), act.rag) if x)
                notes.append(f"row {row_no}: the progress/RAG {shared!r} covers {parts} actions; "
                             "kept as an update of the first, not as a status")
                act.progress = _one_line(progress_cell)
            else:
                act.rag = act.progress = ""
        if prefix := _ACTION_PREFIX.match(act.text):
            written = prefix.group(1) or prefix.group(2)
            act.explicit_id = written if written[0].isdigit() else None
            if act.explicit_id is None and current.id:
                act.explicit_id = current.id + written.lower()
            act.text = act.text[prefix.end():].strip() or act.text
        if explicit and i == 0:
            act.explicit_id = explicit
        if not act.leads and current.actions and current.actions[-1].leads:
            act.leads = list(current.actions[-1].leads)
            act.lead_from_above = True
        current.actions.append(act)
    return len(texts), size


def _measures(cells: dict[str, str], lines: dict[str, list[str]], parts: int, i: int) -> list[dict]:
    """The success measures of the i-th of `parts` actions of a row.

    A split row (parts > 1) whose measure cells have one line per action gives each action
    its line; cells that do not line up go to the first action only (a measure is not
    copied to actions it may not belong to). In one action, a measure cell of several lines
    is several measures, with baseline, target and actual lines matched to them when their
    counts agree (otherwise each is kept whole on the first measure)."""
    if not any(lines.values()):
        return []
    if parts > 1:
        if all(len(v) in (0, parts) for v in lines.values()):
            texts = {k: [v[i]] if v else [] for k, v in lines.items()}
        elif i == 0:
            texts = {k: [_one_line(c)] if c.strip() else [] for k, c in cells.items()}
        else:
            return []
    else:
        texts = lines
    names = texts["measure"] or ["(measure)"]
    out = []
    for n, name in enumerate(names):
        m: dict = {"text": name}
        for k in ("baseline", "target", "actual"):
            values = texts[k]
            if len(values) == len(names):
                value = values[n]
            elif n == 0 and values:
                value = " / ".join(values)
            else:
                continue
            m[k] = value
        out.append(m)
    return out


def _bounded_leads(cell: str, row_no: int) -> list[str]:
    leads = _split_leads(cell)
    if len(leads) > MAX_LEADS:
        raise ImportProblem(f"row {row_no}: {len(leads):,} leads in one cell, more than {MAX_LEADS}, "
                            "the limit of leads for one action in import (docs/import.md, Limits)")
    return leads


# -- leads, statuses, timescales -> data -----------------------------------------------------


def lead_group(name: str) -> str:
    """Names that differ only in case, punctuation or spacing are one lead."""
    return " ".join(re.sub(r"[^\w]+", " ", name.casefold().replace("'s ", "s ")).split())


_YAML_RESOLVER = yaml.resolver.Resolver()


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.sub(r"[^0-9a-z]+", " ", ascii_name.lower()).split())[:48].strip("-")


def _canonical_leads(recs: list[_Rec], notes: list[str]) -> tuple[dict[str, str], list[dict]]:
    """({written name: canonical name}, [lead entries]) with variants merged as aliases."""
    counts: Counter[str] = Counter()
    groups: dict[str, list[str]] = {}
    for act in (a for r in recs for a in r.actions):
        for name in act.leads:
            counts[name] += 1
            variants = groups.setdefault(lead_group(name), [])
            if name not in variants:
                variants.append(name)
    canonical: dict[str, str] = {}
    entries: list[dict] = []
    keys: set[str] = set()
    for variants in groups.values():
        best = max(variants, key=lambda v: (counts[v], -variants.index(v)))
        key = slug(best) or "lead"
        if _YAML_RESOLVER.resolve(yaml.ScalarNode, key, (True, False)) != "tag:yaml.org,2002:str":
            key = f"lead-{key}"  # a bare 2024, no or 2012-10-27 would read back as no string
        base, n = key, 2
        while key in keys:
            key, n = f"{base}-{n}", n + 1
        keys.add(key)
        seen = {" ".join(best.casefold().split())}
        aliases = []
        for v in variants:
            canonical[v] = best
            norm = " ".join(v.casefold().split())
            if norm not in seen:  # case and spacing already match without an alias
                seen.add(norm)
                aliases.append(v)
        if len(variants) > 1:
            others = ", ".join(repr(v) for v in variants if v != best)
            notes.append(f"lead {best!r} also written {others}: merged as one lead ({key})")
        entries.append({"key": key, "name": best, "aliases": aliases})
    return canonical, entries


def _status(act: _Action, today: date, notes: list[str]) -> tuple[dict, list[str]]:
    """({status, completed, progress, rag} fields, update texts) from the progress and RAG
    cells: a progress word is a status; other progress text is the latest position
    (`progress:`); a colour is the council's rating (`rag:`). A cell shared by several
    actions (not status_safe) stays an update of the first."""
    fields: dict = {}
    updates: list[str] = []
    written = act.progress
    if written and act.status_safe:
        found = normalise_progress(written)
        m = _COMPLETED_ON.match(written)
        if found:
            if found != "not-started":
                fields["status"] = found
        elif m:
            try:
                when = parse_date(m.group("when").strip())
            except TimescaleError:
                updates.append(written)
            else:
                if when <= today:
                    fields["status"], fields["completed"] = "completed", when.isoformat()
                else:
                    fields["progress"] = written
        else:
            fields["progress"] = written
    elif written:
        updates.append(written)
    if act.rag:
        colour = _RAG.get(act.rag.casefold().strip(" ."))
        if colour == "Blue" and "status" not in fields and act.status_safe:
            fields["status"] = "completed"
        if colour in ("Red", "Amber", "Green", "Blue") and act.status_safe:
            fields["rag"] = colour.lower()
        elif colour != "Blue" or fields.get("status") != "completed":
            label = colour or act.rag
            updates.append(f"RAG rating in the imported plan: {label}")
            if colour is None:
                notes.append(f"row {act.row}: RAG {act.rag!r} is not Red, Amber, Green or Blue; "
                             "kept as an update")
    return fields, updates


def _theme_key(title: str, keys: dict[str, str], data: dict) -> str:
    key = slug(title) or "theme"
    if _YAML_RESOLVER.resolve(yaml.ScalarNode, key, (True, False)) != "tag:yaml.org,2002:str":
        key = f"theme-{key}"
    base, n = key, 2
    while key in keys.values():
        key, n = f"{base}-{n}", n + 1
    data.setdefault("themes", {})[key] = title
    return key


def _start(act: _Action, due: str | None, published: date | None, notes: list[str]) -> str | None:
    """The start as written when planctl reads it as one start date agreeing with the due."""
    if not act.start:
        return None
    from ..format.reader import parse_start

    try:
        start = parse_start(act.start, published)
    except TimescaleError as exc:
        notes.append(f"row {act.row}: the start {act.start!r} was not imported ({exc})")
        return None
    try:
        in_due = parse_timescale(due, published).start if due else None
    except TimescaleError:
        in_due = None
    if in_due is not None and in_due != start:
        notes.append(f"row {act.row}: the start {act.start!r} disagrees with the start in the "
                     f"timescale {due!r}; the timescale's was kept")
        return None
    return act.start


def _timescale(act: _Action, published: date | None, notes: list[str]) -> tuple[str | None, str | None]:
    """(due as written or a TBC standing for it, a comment for the YAML) for one action."""
    if not act.due:
        return None, None
    try:
        parse_timescale(act.due, published)
    except TimescaleError as exc:
        reason = str(exc).split("; accepted forms")[0]
        if "relative to publication" in reason:
            reason = reason.replace("the plan has no plan.inspection.published date",
                                    "no --published date was given")
        notes.append(f"row {act.row}: cannot read the timescale {act.due!r} ({reason}); "
                     "kept as 'To be confirmed (as written: ...)': write a date there")
        return f"To be confirmed (as written: {act.due})", f"timescale as written could not be read: {reason}"
    return act.due, None


def _plan_data(recs, notes, source, today, title, authority, published, title_lines):
    canonical, lead_entries = _canonical_leads(recs, notes)
    copied = [a.row for r in recs for a in r.actions if a.lead_from_above]
    if copied:
        notes.append(f"{len(copied)} action(s) had an empty lead cell and took the lead of the action "
                     f"above (merged cells): row(s) {', '.join(map(str, sorted(set(copied))))}")
    data: dict = {"plan": {"title": title or (" - ".join(
        t for t in title_lines[:4] if date_or_none(t) is None) or f"Action plan imported from {source}")}}
    if authority:
        data["plan"]["authority"] = authority
    if published:
        data["plan"]["inspection"] = {"published": published.isoformat()}
    if lead_entries:
        data["leads"] = {e["key"]: ({"name": e["name"], "aliases": e["aliases"]} if e["aliases"]
                                    else e["name"]) for e in lead_entries}
    data["recommendations"] = []
    theme_keys: dict[str, str] = {}  # lead_group(title) -> key: "Front door", "front door" one theme
    used_rec_ids: set[str] = set()
    for pos, rec in enumerate(recs, 1):
        rec_id = rec.id or str(pos)
        if rec_id in used_rec_ids:
            notes.append(f"row {rec.row}: recommendation number {rec_id!r} appears again; "
                         f"numbered {pos} instead")
            rec_id = str(pos)
            n = 2
            while rec_id in used_rec_ids:
                rec_id, n = f"{pos}-{n}", n + 1
        used_rec_ids.add(rec_id)
        fallback = rec.actions[0].text if rec.actions else f"Recommendation {rec_id}"
        out_rec: dict = {"id": rec_id, "text": rec.text or fallback}
        if rec.theme:
            group = lead_group(rec.theme)
            if group not in theme_keys:
                theme_keys[group] = _theme_key(rec.theme, theme_keys, data)
            out_rec["theme"] = theme_keys[group]
        out_actions = []
        for apos, act in enumerate(rec.actions, 1):
            out: dict = {}
            default = f"{rec_id}.{apos}"
            if act.explicit_id and act.explicit_id != default:
                out["id"] = act.explicit_id
            out["text"] = act.text
            due, comment = _timescale(act, published, notes)
            if comment:
                out["#"] = comment
            if due:
                out["due"] = due
            leads = [canonical[n] for n in dict.fromkeys(act.leads)]
            leads = list(dict.fromkeys(leads))
            if leads:
                out["lead"] = leads[0] if len(leads) == 1 else leads
            start = _start(act, due, published, notes)
            if start:
                out["start"] = start
            status, updates = _status(act, today, notes)
            out.update(status)
            if act.measures:
                out["measures"] = act.measures
            if act.evidence:
                out["evidence"] = act.evidence
            if updates:  # one update each: a progress note and a rating are not run together
                out["updates"] = [{"date": today.isoformat(), "text": u} for u in updates]
            out_actions.append(out)
        if out_actions:  # none: check warns that the recommendation has no actions
            out_rec["actions"] = out_actions
        data["recommendations"].append(out_rec)
    _unique_action_ids(data, notes)
    return data, len(lead_entries)


def _unique_action_ids(data: dict, notes: list[str]) -> None:
    seen: set[str] = set()
    for rec in data["recommendations"]:
        for pos, act in enumerate(rec.get("actions", ()), 1):
            default = f"{rec['id']}.{pos}"
            written = act.get("id", default)
            if written in seen:
                fresh, n = default, 2
                while fresh in seen:
                    fresh, n = f"{default}-{n}", n + 1
                notes.append(f"action number {written!r} appears twice; the second is {fresh!r}")
                act["id"] = fresh
                written = fresh
            seen.add(written)
            if act.get("id") == default:
                del act["id"]


# -- YAML text -------------------------------------------------------------------------------

# One writer for every value planctl puts in a plan (format/writer.py): the same quoting
# rules for import, init and the edit commands.
_printable = writer.printable
yaml_scalar = writer.scalar


def scalar_lines(key: str, value: str, indent: int) -> list[str]:
    """`key: value`, quoted where YAML would type it or misread it, folded when long."""
    pad = " " * indent
    head = f"{pad}{key}: " if key else f"{pad}- "
    if len(head) + len(value) > WIDTH and all(_printable(ch) for ch in value) and value == _one_line(value):
        body_pad = " " * (indent + 2)
        lines, line = [], ""
        for word in value.split(" "):
            if line and len(body_pad) + len(line) + 1 + len(word) > WIDTH:
                lines.append(body_pad + line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(body_pad + line)
        return [f"{head}>-", *lines]
    return [head + writer.scalar(value)]


def _comment(text: str) -> str:
    return "".join(ch if _printable(ch) else "?" for ch in _one_line(text))


def render_yaml(data: dict, preamble: Sequence[str]) -> str:
    out = [f"# {_comment(line)}" if line else "#" for line in preamble]
    plan = data["plan"]
    out.append("plan:")
    out += scalar_lines("title", plan["title"], 2)
    if "authority" in plan:
        out += scalar_lines("authority", plan["authority"], 2)
    if "inspection" in plan:
        out += ["  inspection:", *scalar_lines("published", plan["inspection"]["published"], 4)]
    if data.get("leads"):
        out += ["", "leads:"]
        for key, lead in data["leads"].items():
            if isinstance(lead, str):
                out += scalar_lines(key, lead, 2)
            else:
                out += [f"  {key}:", *scalar_lines("name", lead["name"], 4), "    aliases:"]
                for alias in lead["aliases"]:
                    out += scalar_lines("", alias, 6)
    if data.get("themes"):
        out += ["", "themes:"]
        for key, title in data["themes"].items():
            out += scalar_lines(key, title, 2)
    out += ["", "recommendations:"]
    for rec in data["recommendations"]:
        first = scalar_lines("id", rec["id"], 4)
        out += ["  - " + first[0].lstrip(), *first[1:], *scalar_lines("text", rec["text"], 4)]
        if "theme" in rec:
            out += scalar_lines("theme", rec["theme"], 4)
        if rec.get("actions"):
            out.append("    actions:")
        for act in rec.get("actions", ()):
            lines = _action_lines(act)
            out += ["      - " + lines[0].lstrip(), *lines[1:]]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _action_lines(act: dict) -> list[str]:
    lines: list[str] = []
    for key, value in act.items():
        if key == "#":
            lines.append(f"        # {_comment(value)}")
        elif key == "updates":
            lines.append("        updates:")
            for u in value:
                lines += ["          - " + scalar_lines("date", u["date"], 12)[0].lstrip(),
                          *scalar_lines("text", u["text"], 12)]
        elif key == "measures":
            lines.append("        measures:")
            for m in value:
                items = [line for k, v in m.items() for line in scalar_lines(k, v, 12)]
                lines += ["          - " + items[0].lstrip(), *items[1:]]
        elif isinstance(value, list):
            lines.append(f"        {key}:")
            for item in value:
                lines += scalar_lines("", item, 10)
        else:
            lines += scalar_lines(key, value, 8)
    if lines[0].lstrip().startswith("#"):  # a comment cannot open the list item
        lines.append(lines.pop(0))
    return lines


def _preamble(source: str, header_row: int, today: date) -> list[str]:
    return [
        f"Imported by `planctl import` from {source} (header on row {header_row}) on "
        f"{today.day} {calendar.month_name[today.month]} {today.year}.",
        "Timescales are as written in the source. Progress notes are kept as progress:",
        "and RAG ratings as rag:; what could not be placed is kept as updates dated",
        f"{today.isoformat()}. Check it with `planctl check`; planctl computes overdue,",
        "due-soon and on-track from the dates, beside the plan's own rating.",
        "",
    ]


def _without_comments(data: dict) -> dict:
    copy = dict(data)
    copy["recommendations"] = [
        {**rec, **({"actions": [{k: v for k, v in a.items() if k != "#"} for a in rec["actions"]]}
                   if "actions" in rec else {})}
        for rec in data["recommendations"]]
    return copy


def verify(text: str, source: str, plan_id: str | None, data: dict) -> list[str]:
    """The text must read back as the data and pass check; returns check's warnings."""
    from ..format.reader import load_text

    reread = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if reread != _without_comments(data):
        raise InternalError("internal error: the imported YAML does not read back as written; "
                           "please report it with the source file")
    name = f"{plan_id or 'imported'}.yaml"
    plan, problems, _ = load_text(text, name, plan_id)
    errors = [p for p in problems if p.severity == ERROR]
    if errors and all(p.code in ("E006", "E009") for p in errors):  # too big or too many
        raise ImportProblem(f"the imported plan is more than planctl check reads in one file "
                            f"({errors[0].message}); import the table in parts (fewer rows per file)")
    if plan is None or errors:
        first = errors[0].for_check() if errors else "no plan"
        raise InternalError(f"internal error: the imported plan does not pass check ({first}); "
                           "please report it with the source file")
    return [p.for_check().split(": ", 1)[1] for p in problems if p.severity != ERROR
            and p.severity != "strict"]


def summarise_warnings(warnings: Iterable[str]) -> list[str]:
    """'W106 ...' messages counted per code, for one line each on stderr."""
    by_code = Counter(w.split(" ", 1)[0] for w in warnings)
    meaning = {"W104": "have a timescale to be confirmed", "W106": "have no timescale",
               "W107": "have no lead", "W103": "are due before the inspection was published",
               "W105": "recommendation(s) have no actions"}
    return [f"{n} {'action(s) ' if code != 'W105' else ''}{meaning.get(code, 'warning(s) ' + code)}"
            for code, n in sorted(by_code.items())]

"""The bomb guard: refuse a workbook too big, too compressed or too deep before openpyxl
builds anything from it.

Two passes, each bounded: the zip's own directory (sizes and ratios of its parts, its
size read from the end-of-central-directory record before zipfile lists every part),
then one streaming count of every XML part (rows, columns, cells, elements, depth,
entity declarations) with expat, in constant memory. The same pass notes every formula
cell and whether the workbook saved its value (openpyxl reads a formula with no saved
value as an empty cell, which the importer must not take for one).
"""

from __future__ import annotations

import errno
import os
import struct
import zipfile
from pathlib import Path
from typing import BinaryIO, NoReturn, Protocol
from xml.parsers import expat

from ...core.errors import UsageError
from ...core.importing.limits import (
    MAX_CELL_CHARS,
    MAX_CELL_ELEMENTS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_XLSX_BYTES,
    MAX_XLSX_PARTS,
    MAX_XML_DEPTH,
    MAX_XML_ELEMENTS,
    MB,
)

# The zip format's end records (APPNOTE.TXT 4.3.14-4.3.16), as zipfile reads them.
_END = struct.Struct("<4s4H2LH")  # ... entries, directory size, directory offset, comment length
_END_SIGNATURE = b"PK\x05\x06"
_END64_LOCATOR = struct.Struct("<4sLQL")  # signature, disk of the zip64 record, its offset, disks
_END64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_END64 = struct.Struct("<4sQ2H2L4Q")  # ... entries on this disk, entries, directory size, offset
_END64_SIGNATURE = b"PK\x06\x06"
_MAX_COMMENT = 1 << 16  # zipfile looks this far back (a comment is at most 0xFFFF bytes)


def cannot_read(path: Path, detail: str) -> UsageError:
    return UsageError(f"cannot read workbook: {path.name}: {detail}")


class _TooBig(Exception):
    """Raised inside the XML scan; becomes a UsageError naming the part and the limit."""


class _XMLError(Exception):
    """Raised inside the XML scan; becomes "cannot read workbook" naming the part."""


def check_zip(path: Path) -> None:
    """Refuse, from the zip's own directory, a workbook too big or too compressed to read."""
    if not path.is_file():
        raise cannot_read(path, "not a regular file")
    try:
        with open(path, "rb") as f:
            size = directory_size(f)  # the directory's size before zipfile lists every part
        if size is None:
            raise cannot_read(path, "not a zip file (an .xlsx workbook is one)")
        if size > MAX_XLSX_PARTS * 512:
            raise UsageError(f"{path.name}: more than {MAX_XLSX_PARTS:,} parts, the limit of parts "
                             "in a workbook for import (docs/import.md, Limits)")
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise cannot_read(path, str(exc) or type(exc).__name__) from None
    if len(infos) > MAX_XLSX_PARTS:
        raise UsageError(f"{path.name}: {len(infos):,} parts, more than {MAX_XLSX_PARTS:,}, the limit "
                         "of parts in a workbook for import (docs/import.md, Limits)")
    _check_parts(path, infos)


def _check_parts(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise cannot_read(path, f"part {info.filename!r} is encrypted; save the workbook without "
                              "a password")
        total += info.file_size
        if total > MAX_XLSX_BYTES:
            size = sum(i.file_size for i in infos)
            raise UsageError(f"{path.name}: its parts unpack to {size / MB:,.1f} MB, more than "
                             f"{MAX_XLSX_BYTES // MB} MB, the limit of uncompressed size for import "
                             "(docs/import.md, Limits)")
        if info.file_size > MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise UsageError(f"{path.name}: part {info.filename!r} unpacks {ratio:,} "
                             f"times its packed size, more than {MAX_RATIO} times, the limit of "
                             "uncompressed size for a compressed part (a decompression bomb?)")


def directory_size(f: BinaryIO) -> int | None:
    """The size of the zip's central directory as its end record says, or None when there is
    no end record (not a zip). Reads at most the last 64 KB and a few records, as zipfile does
    to find the directory: the end record ends the file, or a comment of up to 64 KB follows it."""
    f.seek(0, 2)
    file_size = f.tell()
    if file_size < _END.size:
        return None
    f.seek(file_size - _END.size)
    data = f.read(_END.size)
    if data[:4] == _END_SIGNATURE and data[-2:] == b"\x00\x00":
        at = file_size - _END.size
    else:
        search_from = max(file_size - _MAX_COMMENT - _END.size, 0)
        f.seek(search_from)
        data = f.read(_MAX_COMMENT + _END.size)
        start = data.rfind(_END_SIGNATURE)
        if start < 0 or len(data) - start < _END.size:
            return None
        data, at = data[start:start + _END.size], search_from + start
    size: int = _END.unpack(data)[5]
    return _zip64_directory_size(f, at, size)


def _zip64_directory_size(f: BinaryIO, end_at: int, size: int) -> int:
    """The directory's size from the zip64 end record, when a locator precedes the end record."""
    locator_at = end_at - _END64_LOCATOR.size
    if locator_at < 0:
        return size
    f.seek(locator_at)
    data = f.read(_END64_LOCATOR.size)
    signature, disk, _, disks = _END64_LOCATOR.unpack(data)
    if signature != _END64_LOCATOR_SIGNATURE:
        return size
    if disk != 0 or disks > 1:
        raise zipfile.BadZipFile("zipfiles that span multiple disks are not supported")
    record_at = locator_at - _END64.size
    if record_at < 0:  # no room for the record: refused as zipfile's seek before it refuses it
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
    f.seek(record_at)
    record = _END64.unpack(f.read(_END64.size))
    return int(record[8]) if record[0] == _END64_SIGNATURE else size


class _Part(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


# Per worksheet part (its name in the zip): (row, column) of each formula cell -> whether
# a value is saved with it: a <v> with text, or an empty one in a text cell (t="str", a
# formula giving ""). openpyxl writes every formula with an empty <v> and no type.
Formulas = dict[str, dict[tuple[int, int], bool]]


def scan_parts(path: Path) -> Formulas:
    """Read every XML part once with a counting parser: refuse entity declarations, bad XML,
    too many rows, columns, cells or elements, before openpyxl builds anything from it.
    Returns the formula cells of each worksheet part."""
    budget = _Budget(MAX_XML_ELEMENTS)
    formulas: Formulas = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            with archive.open(info) as part:
                start = part.read(64)
                if not start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                    continue  # not XML (a picture ...): openpyxl's read-only mode does not open it
                counter = _XmlCounter(budget)
                try:
                    counter.scan(part, start)
                except _TooBig as exc:
                    raise UsageError(f"{path.name}: part {info.filename!r}: {exc} "
                                     "(docs/import.md, Limits)") from None
                except _XMLError as exc:
                    raise cannot_read(path, f"part {info.filename!r}: {exc}") from None
                if counter.formulas:
                    formulas[info.filename] = counter.formulas
    return formulas


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


class _Budget:
    """Elements left for the whole workbook, shared by the scans of its parts."""

    def __init__(self, elements: int) -> None:
        self.elements = elements


class _XmlCounter:
    """One streaming pass over a part in constant memory (expat, fed 64 KB at a time).

    Counts what openpyxl would build: rows, cells per row and in all, the elements
    inside one cell or shared string, every element of the workbook, and nesting.
    """

    def __init__(self, budget: _Budget) -> None:
        self.budget = budget
        self.depth = 0
        self.root: str | None = None
        self.rows = self.row = self.row_cells = self.cells = self.column = 0
        self.in_data = 0  # the depth of <sheetData>, 0 outside it
        self.in_cell = 0  # the depth of the cell or shared string being read, 0 outside one
        self.cell_elements = self.chars = self.strings = 0
        self.formulas: dict[tuple[int, int], bool] = {}
        self.cell_formula = self.cell_value = False  # the cell being read has <f>, a saved value
        self.cell_text = False  # ... is typed as text (t="str")
        self.in_value = 0  # the depth of the cell's <v>, 0 outside it

    def scan(self, part: _Part, start: bytes) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self.start_element
        parser.EndElementHandler = self.end_element
        parser.CharacterDataHandler = self.characters
        parser.EntityDeclHandler = _no_entities
        parser.ExternalEntityRefHandler = _no_entities
        try:
            chunk = start
            while chunk:
                parser.Parse(chunk, False)
                chunk = part.read(65536)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise _XMLError(f"bad XML: {exc}") from None

    def start_element(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        self._count_element()
        if self.root is None:
            self.root = local
        if self.in_cell:
            self.cell_elements += 1
            if self.cell_elements > MAX_CELL_ELEMENTS:
                raise _TooBig(f"row {self.row:,}: more than {MAX_CELL_ELEMENTS:,} pieces of text in "
                              "one cell")
            if self.depth == self.in_cell + 1:  # a child of the cell: <f> formula, <v> value
                self.cell_formula = self.cell_formula or local == "f"
                if local == "v":
                    self.in_value = self.depth
                    self.cell_value = self.cell_value or self.cell_text
        elif self.root == "worksheet" and local == "sheetData":
            self.in_data = self.depth
        elif self.in_data and local == "row":
            self._start_row(attrs)
        elif self.in_data and local == "c":
            self._start_cell(attrs)
        elif self.root == "sst" and local == "si":
            self._start_string()

    def _count_element(self) -> None:
        self.depth += 1
        self.budget.elements -= 1
        if self.budget.elements < 0:
            raise _TooBig(f"more than {MAX_XML_ELEMENTS:,} XML elements in the workbook, the limit "
                          "for import")
        if self.depth > MAX_XML_DEPTH:
            raise _XMLError(f"elements nested more than {MAX_XML_DEPTH} deep")

    def _start_row(self, attrs: dict[str, str]) -> None:
        self.rows += 1
        self.row = _row_number(attrs.get("r", ""), self.row + 1)
        self.row_cells = self.column = 0
        if self.row > MAX_ROWS or self.rows > MAX_ROWS:
            raise _TooBig(f"a row numbered {max(self.row, self.rows):,}, more than {MAX_ROWS:,} "
                          "rows, the limit of rows for import; delete the rows below the table")

    def _start_cell(self, attrs: dict[str, str]) -> None:
        self.cells += 1
        self.row_cells += 1
        ref = attrs.get("r")
        self.column = _column_number(ref) if ref else self.column + 1
        if self.column > MAX_COLUMNS or self.row_cells > MAX_COLUMNS:
            column = max(self.column, self.row_cells)
            raise _TooBig(f"row {self.row:,} has a cell in column {column:,}, more than "
                          f"{MAX_COLUMNS} columns, the limit of columns for import; delete the "
                          "columns right of the table")
        if self.cells > MAX_CELLS:
            raise _TooBig(f"more than {MAX_CELLS:,} cells (written or formatted) in a sheet, the "
                          "limit of cells for import")
        self.in_cell = self.depth
        self.cell_elements = self.chars = 0
        self.cell_formula = self.cell_value = False
        self.cell_text = attrs.get("t") == "str"

    def _start_string(self) -> None:
        self.strings += 1
        if self.strings > MAX_CELLS:
            raise _TooBig(f"more than {MAX_CELLS:,} shared strings, more than the limit of cells "
                          "for import")
        self.in_cell = self.depth
        self.cell_elements = self.chars = 0

    def end_element(self, name: str) -> None:
        if self.in_value == self.depth:
            self.in_value = 0
        if self.in_cell == self.depth:
            self.in_cell = 0
            if self.cell_formula and self.in_data:
                self.formulas[(self.row, self.column)] = self.cell_value
                self.cell_formula = False
        if self.in_data == self.depth:
            self.in_data = 0
        self.depth -= 1

    def characters(self, data: str) -> None:
        if self.in_value and data.strip():
            self.cell_value = True
        if self.in_cell:
            self.chars += len(data)
            if self.chars > MAX_CELL_CHARS:
                raise _TooBig(f"a cell (row {self.row:,}) or shared string longer than "
                              f"{MAX_CELL_CHARS:,} characters, the limit of one cell for import")


def _no_entities(*args: object) -> NoReturn:
    raise _XMLError("it declares XML entities, which a workbook never needs")

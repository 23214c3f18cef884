"""A table file -> rows of cell texts: CSV or XLSX by its name and first bytes."""

from __future__ import annotations

from pathlib import Path

from ...core.errors import UsageError
from .csv import read_csv
from .xlsx import Progress, read_xlsx

_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_OLE = b"\xd0\xcf\x11\xe0"  # a compound file: .xls, or an encrypted .xlsx


def read_rows(path: Path, sheet: str | None = None, progress: Progress | None = None, *,
              encoding: str | None = None, notes: list[str] | None = None) -> tuple[list[list[str]], str]:
    """(rows of cell texts, a description of where they came from) for a .csv or .xlsx file.

    `encoding` is the CSV file's encoding when the user states it; what the user must know
    about the reading (the encoding chosen) is appended to `notes`.
    """
    suffix = path.suffix.lower()
    head = _head(path, suffix)
    is_ole = head.startswith(_OLE)
    if suffix in _WORKBOOK_SUFFIXES and is_ole:
        raise UsageError(f"cannot read workbook: {path.name} is password-protected (Excel keeps an "
                         "encrypted workbook in an old-style container) or an .xls file renamed; "
                         "save it without a password as .xlsx or CSV")
    if suffix in _WORKBOOK_SUFFIXES or head.startswith(b"PK"):
        if encoding is not None:
            raise UsageError("--encoding is for CSV files; a workbook says its own")
        return read_xlsx(path, sheet, progress)
    if suffix == ".xls" or is_ole:
        raise UsageError(f"{path.name} is an old Excel 97-2003 file; save it as .xlsx or CSV first")
    if sheet:
        raise UsageError("--sheet is for .xlsx files; a CSV file has one table")
    return read_csv(path, encoding, notes if notes is not None else []), path.name


def _head(path: Path, suffix: str) -> bytes:
    """The first bytes of a file named as a workbook; the file is opened either way, so one
    that cannot be read is refused first."""
    try:
        with open(path, "rb") as f:
            return f.read(4) if suffix not in _TEXT_SUFFIXES else b""
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None

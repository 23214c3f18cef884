"""A CSV file -> rows of cell texts, bounded by bytes, rows, columns and cell length."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from ...core.errors import UsageError
from ...core.importing.columns import column_letter
from ...core.importing.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_CSV_BYTES, MAX_ROWS
from .text import decode_text, read_bytes


class _Reader(Protocol):
    """What the importer uses of csv.reader's reader."""

    @property
    def line_num(self) -> int: ...

    def __next__(self) -> list[str]: ...


def read_csv(path: Path, encoding: str | None, notes: list[str]) -> list[list[str]]:
    data = read_bytes(path, MAX_CSV_BYTES)
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
        for line, row in _numbered(reader, path):
            if len(rows) == MAX_ROWS:
                raise UsageError(f"{path.name}:{line}: more than {MAX_ROWS:,} rows, the limit of rows "
                                 "for import (docs/import.md, Limits); import the table in parts")
            rows.append([c.replace("\r\n", "\n").replace("\r", "\n") for c in _bounded(row, path, line)])
    finally:
        csv.field_size_limit(previous_limit)
    return rows


def _numbered(reader: _Reader, path: Path) -> Iterator[tuple[int, list[str]]]:
    """(the line a row starts on, the row), a row the csv module refuses named by its line."""
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise UsageError(
                    f"{path.name}:{line}: a cell longer than {MAX_CELL_CHARS:,} characters, the "
                    "limit of one cell for import (a quote \" left open makes the rest of the "
                    "file one cell)") from None
            raise UsageError(f"{path.name}:{line}: cannot read the CSV: {exc}") from None
        yield line, row


def _bounded(row: list[str], path: Path, line: int) -> list[str]:
    if len(row) > MAX_COLUMNS:
        if row[MAX_COLUMNS:].count("") != len(row) - MAX_COLUMNS:
            raise UsageError(
                f"{path.name}:{line}: a cell in column {len(row)} ({column_letter(len(row) - 1)}), "
                f"more than {MAX_COLUMNS} columns, the limit of columns for import "
                "(docs/import.md, Limits)")
        del row[MAX_COLUMNS:]  # empty cells past the limit: a wide range saved as CSV
    return row


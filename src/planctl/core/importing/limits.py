"""The limits of import (docs/import.md, "Limits"), in one list.

Many times what a council plan needs (hundreds of rows, a dozen columns), low enough
that a hostile file is refused in a second or two and well under 200 MB, before its
cells are read.
"""

from __future__ import annotations

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
MB = 2**20

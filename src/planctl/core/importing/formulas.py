"""Formula cells: a workbook written by a script keeps formulas with no saved value.

openpyxl reads such a cell as empty, and an empty action cell makes the action take
the recommendation's text: a wrong fact, silently. The workbook reader marks every
formula cell (`FormulaCell`); the cells the import reads (the mapped columns under
the header, and the title rows above it when no --title is given) are checked here:
a formula with no saved value is refused with its cell reference, a saved value is
used and noted.
"""

from __future__ import annotations

from . import ImportProblem
from .columns import Header


class FormulaCell(str):
    """A formula cell's saved value as text ("" when none was saved), with its place."""

    ref: str  # Sheet1!B2
    saved: bool

    def __new__(cls, text: str, ref: str, saved: bool) -> FormulaCell:
        cell = super().__new__(cls, text)
        cell.ref, cell.saved = ref, saved
        return cell


def check_formulas(rows: list[list[str]], header: Header, *, title_rows: bool,
                   notes: list[str]) -> None:
    """Refuse a formula with no saved value in a cell the import reads; note saved ones."""
    read: list[FormulaCell] = []
    if title_rows:
        read += [c for row in rows[:header.at] for c in row if isinstance(c, FormulaCell)]
    for row in rows[header.at:]:
        cells = (row[i] for i in header.used.values() if i < len(row))
        read += [c for c in cells if isinstance(c, FormulaCell)]
    unsaved = [c.ref for c in read if not c.saved]
    if unsaved:
        more = f" (and {len(unsaved) - 1} more cell(s) like it)" if len(unsaved) > 1 else ""
        raise ImportProblem(f"{unsaved[0]}: a formula with no saved value{more}; open and save the "
                            "workbook in Excel or LibreOffice, or paste values")
    if read:
        more = f" and {len(read) - 1} more" if len(read) > 1 else ""
        notes.append(f"{read[0].ref}{more}: formula cell(s); the values the workbook saved when it "
                     "was last calculated were imported")

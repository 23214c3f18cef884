"""Which row is the header and which field each column holds (--map overrides)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import UsageError
from . import ImportProblem
from .cells import one_line

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
    # on its own it is the outcome sought (the measure): resolved in map_header.
    "outcome": ["outcome", "outcomes", "expectedoutcome", "expectedoutcomes", "desiredoutcome"],
}
HEADER_FIELDS = {name: f for f, names in _KNOWN.items() for name in names}
_ALIASES = {"text": "action", "timescale": "due", "status": "progress", "no": "id",
            "number": "id", "report_to": "ignore", "skip": "ignore"}
_COLUMN_LETTERS = re.compile(r"^[A-Z]{1,2}$")
HEADER_SEARCH = 60  # rows looked at for the header


def header_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def parse_mappings(mappings: Sequence[str]) -> dict[str, str]:
    """--map 'COLUMN=field' -> {header_key or column letter: field}."""
    out: dict[str, str] = {}
    for written in mappings:
        column, sep, target = written.rpartition("=")
        target = target.strip().lower().replace("-", "_")
        target = _ALIASES.get(target, target)
        if not sep or not column.strip():
            raise UsageError(f"--map {written!r}: write COLUMN=FIELD, e.g. --map 'Lead Officer=lead'")
        if target not in FIELDS:
            raise UsageError(f"--map {written!r}: {target!r} is not a field; fields: {', '.join(FIELDS)}")
        column = column.strip()
        out[column if _COLUMN_LETTERS.match(column) else header_key(column)] = target
    return out


def column_letter(index: int) -> str:
    """The spreadsheet's name of the column at 0-based `index`: A, B ... Z, AA ..."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def header_columns(row: Sequence[str], overrides: dict[str, str]) -> dict[int, str]:
    """{column index: field} for a candidate header row."""
    found: dict[int, str] = {}
    for i, cell in enumerate(row):
        key = header_key(cell)
        target = overrides.get(column_letter(i)) or (overrides.get(key) if key else None)
        if target is None and key:
            target = HEADER_FIELDS.get(key)
        if target is not None:
            found[i] = target
    return found


def find_header(rows: list[list[str]], overrides: dict[str, str]) -> int | None:
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        fields = set(header_columns(row, overrides).values())
        if "action" in fields and len(fields - {"ignore", "outcome"}) >= 2:
            return i
    return None


@dataclass
class Header:
    """The header row found and the column each field is read from."""

    at: int  # 0-based index of the header row
    cells: list[str]
    used: dict[str, int]  # field -> column index
    notes: list[str] = field(default_factory=list)  # columns not imported, fields missing

    @property
    def row_number(self) -> int:
        return self.at + 1

    def cell(self, row: list[str], name: str) -> str:
        i = self.used.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""


def map_header(rows: list[list[str]], mappings: Sequence[str], source: str) -> Header:
    """The header and its columns; notes name the columns left out and the fields missing."""
    overrides = parse_mappings(mappings)
    at = find_header(rows, overrides)
    if at is None:
        raise ImportProblem(
            f"{source}: found no header row with an action column in the first {HEADER_SEARCH} rows; "
            "expected columns such as No, Recommendation, Action, Lead, Timescale, Progress, RAG. "
            "Name yours with --map 'COLUMN=FIELD' (fields: " + ", ".join(FIELDS) + ")")
    cells = rows[at]
    columns = _resolve_outcome(header_columns(cells, overrides))
    _check_mappings(cells, overrides, at)
    header = Header(at, cells, {})
    _use_columns(header, columns)
    missing = [f for f in ("id", "recommendation", "lead", "due") if f not in header.used]
    if missing:
        header.notes.append(f"no column for {', '.join(missing)} (name one with --map 'COLUMN=FIELD')")
    return header


def _resolve_outcome(columns: dict[int, str]) -> dict[int, str]:
    measured = {"measure", "baseline", "target"} & set(columns.values())
    return {i: ("actual" if measured else "measure") if f == "outcome" else f
            for i, f in columns.items()}


def _check_mappings(cells: list[str], overrides: dict[str, str], at: int) -> None:
    present = {header_key(c) for c in cells} | {column_letter(i) for i in range(len(cells))}
    unknown = [c for c in overrides if c not in present]
    if unknown:
        names = ", ".join(repr(one_line(c)) for c in cells if c.strip())
        raise UsageError(f"--map names no column of the header on row {at + 1}: "
                         f"{', '.join(unknown)}; its columns are {names}")


def _use_columns(header: Header, columns: dict[int, str]) -> None:
    """The first column of each field is used; a second of the same field, and a column
    of no field, are left out with a note."""
    cells = header.cells
    for i, target in sorted(columns.items()):
        if target == "ignore":
            continue
        if target in header.used:
            header.notes.append(
                f"column {column_letter(i)} {cells[i]!r} also looks like {target!r} (column "
                f"{column_letter(header.used[target])} is used); it was not imported: "
                f"use --map '{cells[i]}=FIELD' to say what it is")
            continue
        header.used[target] = i
    for i, cell in enumerate(cells):
        if cell.strip() and i not in columns:
            header.notes.append(f"column {column_letter(i)} {one_line(cell)!r} was not imported "
                                f"(use --map '{one_line(cell)}=FIELD' to import it)")

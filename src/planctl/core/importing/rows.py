"""Rows under the header -> recommendations and their actions (merged cells, split rows)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import ImportProblem
from .cells import lines, one_line, split_leads
from .columns import Header, header_key
from .leads import lead_group
from .limits import MAX_ACTIONS, MAX_LEADS, MAX_PLAN_CHARS

_REC_NUMBER = re.compile(r"^\(?\s*(?:rec(?:ommendation)?\.?\s*)?(\d{1,3})\s*[.):]?\s*\)?$", re.I)
_SUB_NUMBER = re.compile(r"^\(?\s*(\d{1,3})\s*(?:\.\s*(\d{1,2})|\(?\s*([a-z])\s*\)?)\s*\)?\.?$", re.I)
_TEXT_NUMBER = re.compile(r"^(\d{1,3})[.)]\s+(?=\S)")
_ACTION_PREFIX = re.compile(r"^\(\s*(\d{0,3}[a-z])\s*\)\s*|^(\d{0,3}[a-z])\)\s+", re.I)
_MEASURE_PARTS = ("baseline", "target", "actual")


@dataclass
class DraftAction:
    """An action as its row wrote it, before it becomes the plan's fields."""

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
    measures: list[dict[str, str]] = field(default_factory=list)

    def size(self) -> int:
        """Characters of text it holds (copies of a shared cell count each time)."""
        return (len(self.text) + len(self.due) + len(self.progress) + len(self.rag)
                + len(self.evidence) + sum(map(len, self.leads))
                + sum(len(v or "") for m in self.measures for v in m.values()))


@dataclass
class DraftRec:
    id: str | None
    text: str
    row: int
    actions: list[DraftAction] = field(default_factory=list)
    theme: str = ""


def group_rows(rows: list[list[str]], header: Header, source: str, notes: list[str]) -> list[DraftRec]:
    """The recommendations of the rows under the header, within the limits of import."""
    recs: list[DraftRec] = []
    total_actions = total_chars = 0
    header_keys = {header_key(c) for c in header.cells if c.strip()}
    for offset, row in enumerate(rows[header.at + 1:], start=header.at + 2):
        if not any(c.strip() for c in row):
            continue
        keys = {header_key(c) for c in row if c.strip()}
        if len(keys) >= 2 and keys <= header_keys:
            continue  # the header repeated on each printed page
        cells = {name: header.cell(row, name) for name in header.used}
        try:
            added, chars = add_row(recs, offset, cells, notes)
        except ImportProblem as exc:
            raise ImportProblem(f"{source}: {exc}") from None
        total_actions, total_chars = total_actions + added, total_chars + chars
        _within_limits(source, offset, total_actions, total_chars)
    return recs


def _within_limits(source: str, row_no: int, actions: int, chars: int) -> None:
    if actions > MAX_ACTIONS:
        raise ImportProblem(f"{source}: row {row_no}: more than {MAX_ACTIONS:,} actions, the limit "
                            "of actions for import (docs/import.md, Limits); import the table in parts")
    if chars > MAX_PLAN_CHARS:
        raise ImportProblem(
            f"{source}: row {row_no}: the plan would hold more than {MAX_PLAN_CHARS // 10**6} million "
            "characters of text, the limit of plan size for import (a cell shared by several "
            "actions is copied into each; docs/import.md, Limits)")


def add_row(recs: list[DraftRec], row_no: int, cells: Mapping[str, str],
            notes: list[str]) -> tuple[int, int]:
    """Add the row's actions; returns (actions added, characters of text they hold)."""
    rec_id, rec_text, explicit = _numbers(cells, row_no, notes)
    current = _recommendation(recs, rec_id, rec_text, row_no, notes)
    _take_theme(current, one_line(cells.get("theme", "")), row_no, notes)
    texts = _action_texts(cells, current, row_no, notes)
    if not texts:
        return 0, 0
    split = _SplitRow.of(cells, texts, row_no)
    size = 0
    for i in range(split.parts):
        act = split.action(i)
        size += act.size()
        split.share_status(act, i, notes)
        _number_action(act, current, explicit if i == 0 else None)
        if not act.leads and current.actions and current.actions[-1].leads:
            act.leads = list(current.actions[-1].leads)
            act.lead_from_above = True
        current.actions.append(act)
    return split.parts, size


def _numbers(cells: Mapping[str, str], row_no: int,
             notes: list[str]) -> tuple[str | None, str, str | None]:
    """(the recommendation number, its text, the first action's own number) of a row."""
    number = one_line(cells.get("id", ""))
    rec_text = one_line(cells.get("recommendation", ""))
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
    return rec_id, rec_text, explicit


def _recommendation(recs: list[DraftRec], rec_id: str | None, rec_text: str, row_no: int,
                    notes: list[str]) -> DraftRec:
    """The recommendation the row belongs to: a new number or text starts one."""
    current = recs[-1] if recs else None
    if rec_id is not None and (current is None or current.id != rec_id):
        current = DraftRec(rec_id, rec_text, row_no)
        recs.append(current)
    elif rec_id is None and rec_text and (current is None or one_line(current.text) != rec_text):
        current = DraftRec(None, rec_text, row_no)  # numbered later by position
        recs.append(current)
    elif current is None:
        current = DraftRec(None, "", row_no)
        recs.append(current)
        notes.append(f"row {row_no}: an action before any recommendation; "
                     "it starts a recommendation of its own")
    if rec_text and not current.text:
        current.text = rec_text
    return current


def _take_theme(current: DraftRec, theme: str, row_no: int, notes: list[str]) -> None:
    if theme and not current.theme:
        current.theme = theme
    elif theme and lead_group(theme) != lead_group(current.theme):
        notes.append(f"row {row_no}: theme {theme!r} differs from {current.theme!r} given "
                     "above for the same recommendation; a theme belongs to a recommendation, "
                     "so the first was kept")


def _action_texts(cells: Mapping[str, str], current: DraftRec, row_no: int,
                  notes: list[str]) -> list[str]:
    """The row's action texts; none when the row adds no action."""
    texts = lines(cells.get("action", ""))
    if texts:
        return texts
    if not any(cells.get(k, "") for k in ("due", "lead", "progress", "rag")):
        return []
    if not current.actions and current.text:
        return [current.text]  # the recommendation is its own action
    notes.append(f"row {row_no}: a timescale, lead or progress with no action text; "
                 "the row was skipped")
    return []


@dataclass
class _SplitRow:
    """A row's cells for its actions: one action, or several when the action cell holds
    one paragraph per action; a cell whose lines line up with them gives each its line."""

    row: int
    cells: Mapping[str, str]
    texts: list[str]
    dues: list[str]
    leads: list[str]
    progresses: list[str]
    per_line: bool  # the lead cell has one line per action
    whole_leads: list[str]
    split: dict[str, list[str]]  # rag, evidence and start, line by line
    measure_cells: dict[str, str]
    measure_lines: dict[str, list[str]]

    @classmethod
    def of(cls, cells: Mapping[str, str], texts: list[str], row_no: int) -> _SplitRow:
        dues, leads = lines(cells.get("due", "")), lines(cells.get("lead", ""))
        # One cell per recommendation holding several paragraphs (copied from Word): split it
        # into actions only when the timescales or leads line up one per paragraph.
        if len(texts) > 1 and len(texts) not in (len(dues), len(leads)):
            texts = [" ".join(texts)]
        per_line = len(texts) > 1 and len(leads) == len(texts)
        measure_cells = {k: cells.get(k, "") for k in ("measure", *_MEASURE_PARTS)}
        return cls(
            row_no, cells, texts, dues, leads, lines(cells.get("progress", "")), per_line,
            # Cells shared by the row's actions are made once: their copies are one string each.
            [] if per_line else bounded_leads(cells.get("lead", ""), row_no),
            {k: lines(cells.get(k, "")) for k in ("rag", "evidence", "start")},
            measure_cells, {k: lines(v) for k, v in measure_cells.items()})

    @property
    def parts(self) -> int:
        return len(self.texts)

    def whole(self, name: str) -> str:
        return one_line(self.cells.get(name, ""))

    def action(self, i: int) -> DraftAction:
        act = DraftAction(self.row, self.texts[i], due=self.whole("due"), leads=list(self.whole_leads),
                          progress=self.whole("progress"), rag=self.whole("rag"),
                          evidence=self.whole("evidence"), start=self.whole("start"))
        if self.parts > 1:
            self._own_lines(act, i)
        act.measures = measures(self.measure_cells, self.measure_lines, self.parts, i)
        return act

    def _own_lines(self, act: DraftAction, i: int) -> None:
        """The i-th line of each cell whose lines line up with the actions."""
        if len(self.dues) == self.parts:
            act.due = self.dues[i]
        if self.per_line:
            act.leads = bounded_leads(self.leads[i], self.row)
        act.progress = self.progresses[i] if len(self.progresses) == self.parts else ""
        own = {k: v[i] for k, v in self.split.items() if len(v) == self.parts}
        act.rag = own.get("rag", act.rag)
        act.evidence = own.get("evidence", act.evidence)
        act.start = own.get("start", act.start)

    def share_status(self, act: DraftAction, i: int, notes: list[str]) -> None:
        """One progress or RAG cell for several actions: it is not safe to give all of them
        its status, so the first keeps it as an update."""
        shared_rag = act.rag and len(self.split["rag"]) != self.parts
        shared_progress = self.cells.get("progress", "") and len(self.progresses) != self.parts
        if self.parts == 1 or not (shared_rag or shared_progress):
            return
        act.status_safe = False
        if i == 0:
            shared = " / ".join(x for x in (self.whole("progress"), act.rag) if x)
            notes.append(f"row {self.row}: the progress/RAG {shared!r} covers {self.parts} actions; "
                         "kept as an update of the first, not as a status")
            act.progress = self.whole("progress")
        else:
            act.rag = act.progress = ""


def _number_action(act: DraftAction, current: DraftRec, explicit: str | None) -> None:
    """An action's own number: from the number cell, or from a '(a)' or '1b)' before its text."""
    if prefix := _ACTION_PREFIX.match(act.text):
        written = prefix.group(1) or prefix.group(2)
        act.explicit_id = written if written[0].isdigit() else None
        if act.explicit_id is None and current.id:
            act.explicit_id = current.id + written.lower()
        act.text = act.text[prefix.end():].strip() or act.text
    if explicit:
        act.explicit_id = explicit


def measures(cells: dict[str, str], cell_lines: dict[str, list[str]], parts: int,
             i: int) -> list[dict[str, str]]:
    """The success measures of the i-th of `parts` actions of a row.

    A split row (parts > 1) whose measure cells have one line per action gives each action
    its line; cells that do not line up go to the first action only (a measure is not
    copied to actions it may not belong to). In one action, a measure cell of several lines
    is several measures, with baseline, target and actual lines matched to them when their
    counts agree (otherwise each is kept whole on the first measure)."""
    if not any(cell_lines.values()):
        return []
    if parts > 1:
        if all(len(v) in (0, parts) for v in cell_lines.values()):
            texts = {k: [v[i]] if v else [] for k, v in cell_lines.items()}
        elif i == 0:
            texts = {k: [one_line(c)] if c.strip() else [] for k, c in cells.items()}
        else:
            return []
    else:
        texts = cell_lines
    names = texts["measure"] or ["(measure)"]
    return [_measure(texts, names, n) for n in range(len(names))]


def _measure(texts: dict[str, list[str]], names: list[str], n: int) -> dict[str, str]:
    m = {"text": names[n]}
    for k in _MEASURE_PARTS:
        values = texts[k]
        if len(values) == len(names):
            m[k] = values[n]
        elif n == 0 and values:
            m[k] = " / ".join(values)
    return m


def bounded_leads(cell: str, row_no: int) -> list[str]:
    leads = split_leads(cell)
    if len(leads) > MAX_LEADS:
        raise ImportProblem(f"row {row_no}: {len(leads):,} leads in one cell, more than {MAX_LEADS}, "
                            "the limit of leads for one action in import (docs/import.md, Limits)")
    return leads

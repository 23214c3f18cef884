"""Progress and RAG cells -> status, completed, progress and rag fields, or updates."""

from __future__ import annotations

import re
from datetime import date

from ..names import normalise_progress
from ..timescale import TimescaleError, parse_date
from .rows import DraftAction

_RAG = {"r": "Red", "red": "Red", "a": "Amber", "amber": "Amber", "g": "Green", "green": "Green",
        "b": "Blue", "blue": "Blue", "ag": "Amber/Green", "ra": "Red/Amber"}
_COMPLETED_ON = re.compile(
    # Possessive (*+, ++): separators are never given back, so a long cell cannot backtrack.
    r"^(?:completed?|done|closed|achieved)\b[\s:,.;\-\u2013(]*+(?:on\s++)?(?P<when>[^()]+?)\)?\.?$",
    re.I)


def status_fields(act: DraftAction, today: date, notes: list[str]) -> tuple[dict[str, str], list[str]]:
    """({status, completed, progress, rag} fields, update texts) from the progress and RAG
    cells: a progress word is a status; other progress text is the latest position
    (`progress:`); a colour is the council's rating (`rag:`). A cell shared by several
    actions (not status_safe) stays an update of the first."""
    fields: dict[str, str] = {}
    updates: list[str] = []
    if act.progress and act.status_safe:
        _from_progress(act.progress, today, fields, updates)
    elif act.progress:
        updates.append(act.progress)
    if act.rag:
        _from_rag(act, fields, updates, notes)
    return fields, updates


def _from_progress(written: str, today: date, fields: dict[str, str], updates: list[str]) -> None:
    found = normalise_progress(written)
    if found:
        if found != "not-started":
            fields["status"] = found
        return
    m = _COMPLETED_ON.match(written)
    if not m:
        fields["progress"] = written
        return
    try:
        when = parse_date(m.group("when").strip())
    except TimescaleError:
        updates.append(written)
        return
    if when <= today:
        fields["status"], fields["completed"] = "completed", when.isoformat()
    else:
        fields["progress"] = written


def _from_rag(act: DraftAction, fields: dict[str, str], updates: list[str], notes: list[str]) -> None:
    colour = _RAG.get(act.rag.casefold().strip(" ."))
    if colour == "Blue" and "status" not in fields and act.status_safe:
        fields["status"] = "completed"
    if colour in ("Red", "Amber", "Green", "Blue") and act.status_safe:
        fields["rag"] = colour.lower()
    elif colour != "Blue" or fields.get("status") != "completed":
        updates.append(f"RAG rating in the imported plan: {colour or act.rag}")
        if colour is None:
            notes.append(f"row {act.row}: RAG {act.rag!r} is not Red, Amber, Green or Blue; "
                         "kept as an update")

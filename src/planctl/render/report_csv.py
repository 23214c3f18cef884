"""The report as CSV: one row per action with every field, for Excel.

UTF-8 with a byte order mark (Excel otherwise reads UTF-8 as ANSI), CRLF line
ends, and every cell neutralised by safe_cell (OWASP CSV injection) after
control characters are made visible.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from ..core.errors import safe_text
from ..core.jsondoc import JSONDict
from .csv import safe_cell
from .views import signoff_text

COLUMNS = ["as_at", "plan", "recommendation", "id", "text", "leads", "report_to", "timescale",
           "due", "status", "days_overdue", "progress", "completed", "evidence", "repeat",
           "reported", "milestones", "latest_update_date", "latest_update_by", "latest_update",
           "updates", "file", "line"]


# Only when some action carries them (so reports of other plans are unchanged).
CARRIED = ["start", "theme", "rag", "progress_note", "measures", "ref", "recommendation_ref",
           "signoff"]


def _measures(items: list[JSONDict]) -> str:
    return "\n".join(m["text"] + "".join(f"; {k} {m[k]}" for k in ("baseline", "target", "actual")
                                         if m[k] is not None) for m in items)


def carried_columns(actions: list[JSONDict]) -> list[str]:
    return [c for c in CARRIED if any(c in a for a in actions)]


def carried_cells(a: JSONDict, columns: list[str]) -> list[str]:
    cells = []
    for c in columns:
        value = a.get(c)
        cells.append("" if value is None else _measures(value) if c == "measures"
                     else signoff_text(a) if c == "signoff" else str(value))
    return cells


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def row_cells(a: JSONDict, as_at: date | None) -> list[str]:
    latest = a["latest_update"] or {}
    milestones = "; ".join(
        f"{_d(m['due'])} {m['text']}".strip() + (" (done)" if m["done"] else "")
        for m in a["milestones"])
    updates = "\n".join(
        f"{_d(u['date'])}" + (f" ({u['by']})" if u["by"] else "") + f": {u['text']}"
        for u in a["updates"])
    return [
        _d(as_at), a["plan"], a["recommendation"], a["id"], a["text"], "; ".join(a["leads"]),
        "; ".join(a["report_to"]), a["timescale"] or "", _d(a["due"]), a["status"],
        str(a["days_overdue"]), a["progress"], _d(a["completed"]), "; ".join(a["evidence"]),
        a["repeat"] or "", "; ".join(_d(d) for d in a["reported"]), milestones,
        _d(latest.get("date")), latest.get("by") or "", latest.get("text") or "", updates,
        a["file"], str(a["line"]),
    ]


def render(report: JSONDict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    extra = carried_columns(report["actions"])
    writer.writerow(COLUMNS + extra)
    for a in report["actions"]:
        writer.writerow([safe_cell(safe_text(c)) for c in row_cells(a, report["as_at"])
                         + carried_cells(a, extra)])
    return out.getvalue().encode("utf-8-sig")

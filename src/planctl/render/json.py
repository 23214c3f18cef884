"""JSON output: the shapes documented in docs/json.md. Keys lower_snake, ISO dates."""

from __future__ import annotations

import json
import sys
from datetime import date

from ..evaluate import Row


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def action_dict(row: Row, today: date | None = None) -> dict:
    """The action object of status, overdue and upcoming (docs/json.md)."""
    a = row.action
    latest = a.latest_update(today)
    return {
        "plan": a.plan,
        "recommendation": a.recommendation,
        "id": a.id,
        "text": a.text,
        "leads": list(a.leads),
        "due": iso(row.due),
        "timescale": a.timescale_text or None,
        "status": row.status,
        "days_overdue": row.days_overdue,
        "progress": a.progress,
        "report_to": list(a.report_to),
        "latest_update": (
            {"date": iso(latest.date), "text": latest.text, "by": latest.by} if latest else None
        ),
    }


def json_out(data: dict) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")

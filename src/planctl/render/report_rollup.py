"""The report's roll-up table (one row per plan) as plain cells, shared by the HTML page,
the Markdown report and the Word paper, so that all three say the same thing."""

from __future__ import annotations

from ..core.jsondoc import JSONDict
from .views import show_date

TITLE = "Plans at a glance"
HEADERS = ["Authority", "Plan", "Inspection", "Actions", "% complete", "Overdue", "Due soon",
           "Slipped", "Last update"]
NUMBERS = frozenset({3, 4, 5, 6, 7})  # right-aligned columns
UNKNOWN = "-"  # slipped, where the plans' history could not be read


def inspection(row: JSONDict) -> str:
    """"Ofsted: ILACS (published 1 Jun 2025)", from what the plan gives."""
    said = ": ".join(x for x in (row["inspectorate"], row["inspection"]) if x)
    if row["published"]:
        said += f" (published {show_date(row['published'])})"
    return said.strip()


def cells(row: JSONDict) -> list[str]:
    """One plan's row as plain text (each format escapes it its own way)."""
    slipped = UNKNOWN if row["slipped"] is None else str(row["slipped"])
    return [row["authority"], row["plan"], inspection(row), str(row["actions"]),
            f"{row['percent_complete']}%", str(row["overdue"]), str(row["due_soon"]), slipped,
            show_date(row["last_update"]) or "none"]


def note(rows: list[JSONDict]) -> str:
    """What the columns count, and why a slipped figure may be missing."""
    text = ("One row per plan. Slipped: actions whose deadline was moved later, from the "
            "plans' git history; last update: the newest dated progress update.")
    if any(r["slipped"] is None for r in rows):
        text += f" {UNKNOWN}: not known (the plans are not in git)."
    return text

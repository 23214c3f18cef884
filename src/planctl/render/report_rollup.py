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


# -- a report of several plans opens with one heading; each plan's own facts come last -------

PLANS_TITLE = "The plans"
PLAN_HEADERS = ["Plan", "Title", "Version", "Owner", "File"]


def headline(report: JSONDict) -> tuple[str, str]:
    """(title, line under it) of a report of several plans, in place of a header per plan
    (26 of them would fill the first pages)."""
    rows = report["rollup"]
    authorities = list(dict.fromkeys(r["authority"] for r in rows))
    title = (f"{authorities[0]}: action plans" if len(authorities) == 1
             else f"Action plans of {len(authorities)} authorities")
    line = (f"{len(rows)} plans, progress as at {show_date(report['as_at'])}. Each plan's "
            f"figures are under {TITLE}; its version, owner and file under {PLANS_TITLE}, "
            "at the end.")
    return title, line


def plan_cells(plan: JSONDict) -> list[str]:
    """One plan's own facts (a row of "The plans"), as plain text."""
    version = plan["version"] or ""
    if plan["updated"]:
        version = f"{version} (updated {show_date(plan['updated'])})".strip()
    return [plan["id"], plan["title"], version, plan["owner"] or "", plan["file"]]

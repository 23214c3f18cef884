"""The trends from git (history.trends) in the Word paper: tables, since Word cannot take
the HTML report's inline SVG.

- status counts: one numbered row per point (meeting or commit date, then the as-at date);
- council ratings: one row per action, one narrow column per point (headed by the point's
  number in the first table), each cell shaded and lettered R, A, G or B, so that it reads
  in greyscale print and without colour; at most WORD_POINTS columns (the latest);
- measures: per measure, its value at each point as written, with why a value is not a
  number when it is not.

`paper` is render.report_docx.Paper (passed in, not imported: that module calls this one).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import Any, Protocol

from ..core.jsondoc import JSONDict
from ..core.words import count
from .charts import day_of, point_name
from .views import show_date

WORD_POINTS = 12  # rating columns that fit a portrait page at 9 pt
# Pale fills, so the black letter stays readable in print.
RATING_SHADES = {"red": ("F4B6BD", "R"), "amber": ("FFE08A", "A"), "green": ("B9E0C2", "G"),
                 "blue": ("B8D3F0", "B"), "unrated": ("ECEEF1", "\u2013")}
COUNTS = [("total", "Total"), ("completed", "Done"), ("overdue", "Overdue"),
          ("due_soon", "Due soon"), ("on_track", "On track"), ("no_date", "No date"),
          ("dropped", "Dropped")]


class PaperLike(Protocol):
    def heading(self, words: str, level: int = 1) -> Any: ...
    def para(self, words: str = "", bold: bool = False, italic: bool = False) -> Any: ...
    def table(self, headers: list[str], rows: Sequence[Sequence[object]], widths_cm: list[float],
              statuses: Sequence[str | None] | None = None, status_col: int | None = None,
              right: AbstractSet[int] = frozenset()) -> Any: ...
    def shade(self, cell: Any, colour: str | None) -> None: ...


def trends(paper: PaperLike, report: JSONDict, many: bool) -> None:
    """The "Trends" part of the paper (nothing outside git)."""
    found = report.get("trends")
    if not found or not found["points"]:
        return
    points = found["points"]
    paper.heading("Trends", 1)
    basis = ("each committee meeting (its git tag)" if found["basis"] == "meetings"
             else "each date the plan changed in git (no meeting tags)")
    dropped = found["dropped"]
    lost = (f" {count(dropped['count'], 'earlier point')} ({show_date(day_of(dropped['from']))} "
            f"to {show_date(day_of(dropped['to']))}) not shown." if dropped["count"] else "")
    paper.para(f"At {basis}, and as at {show_date(day_of(points[-1]['date']))}.{lost}",
               italic=True)
    rows = [[str(n + 1), point_name(p), *(str(p[k]) for k, _ in COUNTS)]
            for n, p in enumerate(points)]
    paper.table(["#", "Point", *(w for _, w in COUNTS)], rows,
                [0.7, 2.7, *[1.9] * (len(COUNTS) - 1), 2.2], right=set(range(2, 2 + len(COUNTS))) | {0})
    _ratings(paper, found, many)
    _measures(paper, found, many)


def _ratings(paper: PaperLike, found: JSONDict, many: bool) -> None:
    strips = found["ratings"]
    paper.heading("Council ratings and deadline moves", 2)
    if not strips:
        paper.para("No action has a council rating or a moved deadline in this period.")
        return
    points = found["points"]
    first = max(0, len(points) - WORD_POINTS)
    shown = range(first, len(points))
    note = (f" The latest {WORD_POINTS} of {len(points)} points are shown (all are in the HTML "
            "and JSON reports)." if first else "")
    paper.para("Columns: the points numbered above, oldest first. R red, A amber, G green, "
               "B blue, \u2013 no rating, blank: not in the plan then. Moves: the commits that "
               f"moved the action's deadline.{note}", italic=True)
    cells_cm = 0.62
    text_cm = 17.0 - 1.3 - 1.6 - cells_cm * len(shown)
    rows = []
    for s in strips:
        letters = [RATING_SHADES[r][1] if r in RATING_SHADES else "" for r in
                   (s["ratings"][i] for i in shown)]
        rows.append([f"{s['plan']}:{s['id']}" if many else s["id"], s["text"], *letters,
                     str(s["deadline_moves"])])
    table = paper.table(["ID", "Action", *(str(i + 1) for i in shown), "Moves"], rows,
                        [1.3, text_cm, *[cells_cm] * len(shown), 1.6],
                        right={0, 2 + len(shown)})
    for row, s in zip(table.rows[1:], strips, strict=True):
        for col, i in enumerate(shown):
            rating = s["ratings"][i]
            if rating in RATING_SHADES:
                paper.shade(row.cells[2 + col], RATING_SHADES[rating][0])


def _measures(paper: PaperLike, found: JSONDict, many: bool) -> None:
    measures = found["measures"]
    if not measures:
        return
    points = found["points"]
    paper.heading("Measures", 2)
    paper.para("Each measure's actual value at each point, as written; a value that is not a "
               "single number says why.", italic=True)
    for m in measures:
        action = f"{m['plan']}:{m['action']}" if many else m["action"]
        refs = "; ".join(f"{k} {m[k]['text']}" for k in ("baseline", "target") if m[k])
        paper.para(f"{m['measure']} (action {action})" + (f": {refs}" if refs else ""), bold=True)
        rows = []
        for n, (p, v) in enumerate(zip(points, m["values"], strict=True)):
            if v is None:
                continue
            note = "" if v["plotted"] else (v["why"] or f"not in {m['unit'] or 'the same unit'}")
            rows.append([str(n + 1), point_name(p), v["text"], note])
        paper.table(["#", "Point", "Actual", "Not a figure because"], rows, [0.8, 5.7, 5.5, 5.0],
                    right={0})

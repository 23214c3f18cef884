"""The report as a Word document (python-docx): the committee paper, ready for a template.

Portrait pages for the narrative (summary, progress by recommendation as a
table, overdue by lead, coming up, changes, findings), then a landscape
section for the full action table, whose columns are sized for their content
(ID narrow, action text wide) so that no word is broken across lines. The
classification is in every page's header and footer, with "Page N of M"
fields that Word fills in. Plan text goes through `t` (xml_text: control
characters and every character XML forbids made visible: Word's XML cannot
hold them); python-docx escapes the rest. python-docx is imported inside `render`: only this output loads it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from typing import TYPE_CHECKING, Any

from ..core.errors import OutputError
from ..core.jsondoc import JSONDict
from .report import CHANGE_TITLES, change_detail, lead_label, signoff_title
from .trends_docx import trends
from .views import cited, due_cell, show_date, shown_words
from .xmltext import xml_text

if TYPE_CHECKING:
    from docx.section import Section
    from docx.table import Table
    from docx.text.paragraph import Paragraph

Cells = Sequence[Sequence[object]]  # a table's rows, each cell shown as its text

STATUS_WORDS = {"completed": "Completed", "dropped": "Dropped", "overdue": "Overdue",
                "due-soon": "Due soon", "on-track": "On track", "no-date": "No date"}
# Cell shading per status (pale, so black text stays readable in print).
SHADES = {"completed": "DCE9F7", "overdue": "F8D7DB", "due-soon": "FFEDB8",
          "on-track": "DCF0E0", "no-date": "ECEEF1", "dropped": "ECEEF1"}
# The council's rating (`rag:`) on the shade of the status of the same colour.
RATING_STATUS = {"red": "overdue", "amber": "due-soon", "green": "on-track", "blue": "completed"}
BAR_CELLS = 10
# The most actions a Word paper is written for (docs/report.md): about 250 landscape pages
# of the action table, written in well under a minute and 250 MB.
MAX_PAPER_ACTIONS = 5000


def t(value: object) -> str:
    """Every text on its way into the paper: what XML cannot hold made visible."""
    return xml_text(value)


def long_date(d: date | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else ""


class Paper:
    """A python-docx Document with the few building blocks the paper needs."""

    def __init__(self, marking: str | None) -> None:
        from docx import Document
        from docx.shared import Cm, Pt

        self.doc = Document()
        self.Cm, self.Pt = Cm, Pt
        style = self.doc.styles["Normal"]
        style.font.name = "Arial"
        style.font.size = Pt(10.5)
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4, not US Letter
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Cm(2.0))
        section.top_margin = section.bottom_margin = Cm(2.0)
        self.marking = marking
        self._header_footer(section)

    # -- page furniture ----------------------------------------------------------------

    def _field(self, paragraph: Paragraph, instruction: str) -> None:
        """A Word field (PAGE, NUMPAGES): Word computes its value when it lays out pages."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, instruction), ("separate", None),
                           (None, "1"), ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            elif text == "1":
                el = OxmlElement("w:t")
                el.text = "1"
            else:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = f" {text} "
            run._r.append(el)

    def _header_footer(self, section: Section) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        if self.marking:
            p = section.header.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(t(self.marking))
            run.bold = True
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if self.marking:
            footer.add_run(t(self.marking)).bold = True
            footer = section.footer.add_paragraph()
            footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        footer.add_run("Page ")
        self._field(footer, "PAGE")
        footer.add_run(" of ")
        self._field(footer, "NUMPAGES")

    def landscape(self) -> float:
        """A new landscape section; returns its text width in cm. Header and footer are
        linked to the previous section's, so the marking carries on."""
        from docx.enum.section import WD_ORIENT, WD_SECTION

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = self.Cm(29.7), self.Cm(21.0)
        return 29.7 - 4.0

    def portrait(self) -> float:
        from docx.enum.section import WD_ORIENT, WD_SECTION

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = self.Cm(21.0), self.Cm(29.7)
        return 21.0 - 4.0

    # -- content -----------------------------------------------------------------------

    def heading(self, words: str, level: int = 1) -> Paragraph:
        heading: Paragraph = self.doc.add_heading(t(words), level)  # python-docx leaves it untyped
        return heading

    def para(self, words: str = "", bold: bool = False, italic: bool = False) -> Paragraph:
        p = self.doc.add_paragraph()
        run = p.add_run(t(words))
        run.bold, run.italic = bold, italic
        return p

    def table(self, headers: list[str], rows: Cells, widths_cm: list[float],
              statuses: Sequence[str | None] | None = None, status_col: int | None = None,
              right: AbstractSet[int] = frozenset()) -> Table:
        """A table whose column widths Word honours: fixed layout, width on every cell."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        widths_cm = fit_first_column(headers, rows, widths_cm)
        table: Table = self.doc.add_table(rows=1, cols=len(headers))  # python-docx leaves it untyped
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        table._tbl.tblPr.append(layout)
        widths = [self.Cm(w) for w in widths_cm]
        for i, col in enumerate(table.columns):
            col.width = widths[i]

        # Any: python-docx names its cell class privately (docx.table._Cell).
        def fill(cells: Sequence[Any], values: Sequence[object], bold: bool = False,
                 shade: str | None = None, shade_col: int | None = None) -> None:
            for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
                cell.width = widths[i]
                p = cell.paragraphs[0]
                run = p.add_run(t(value))
                run.bold = bold
                run.font.size = self.Pt(9)
                if i in right:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                self.shade(cell, shade if shade_col is None or i == shade_col else None)

        head = table.rows[0]
        fill(head.cells, headers, bold=True, shade="D9DEE4")
        # The header row repeats on each page the table runs onto.
        tr_pr = head._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        for n, values in enumerate(rows):
            status = statuses[n] if statuses else None
            row = table.add_row()  # type: ignore[no-untyped-call]  # python-docx leaves it unannotated
            fill(row.cells, values, shade=SHADES.get(status or ""), shade_col=status_col)
        keep_rows_whole(table)
        self.doc.add_paragraph()
        return table

    def shade(self, cell: Any, colour: str | None) -> None:
        """Fill one table cell (python-docx has no call for it)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        if colour:
            shd = OxmlElement("w:shd")
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:color"), "auto")
            shd.set(qn("w:fill"), colour)
            cell._tc.get_or_add_tcPr().append(shd)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def keep_rows_whole(table: Table) -> None:
    """No row is split across two pages (w:cantSplit): a row read in two halves, the
    second under a repeated header, is easily misread as two actions."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for row in table.rows:
        cant = OxmlElement("w:cantSplit")
        cant.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(cant)


CM_PER_CHAR = 0.2  # 9 pt Arial, a little over the average character
CELL_PADDING_CM = 0.45


def fit_first_column(headers: list[str], rows: Cells, widths: list[float]) -> list[float]:
    """Widen the first (id) column to its longest unbreakable piece, taking the room from
    the wide second column (which keeps at least half its width), so that no id is split
    inside a word. Word may break a line after a hyphen or a space, so "thurrock-2012-slac:3.10"
    (several plans reported) needs room for "slac:3.10", not for all of it."""
    pieces = (p for v in [headers[0], *(r[0] for r in rows)]
              for p in re.split(r"(?<=[-\s])", t(v)))
    longest = max((len(p.strip()) for p in pieces), default=0)
    need = longest * CM_PER_CHAR + CELL_PADDING_CM
    if len(widths) < 2 or need <= widths[0]:
        return widths
    extra = min(need - widths[0], widths[1] / 2)
    return [widths[0] + extra, widths[1] - extra, *widths[2:]]


def _ref(a: JSONDict, many: bool) -> str:
    return f"{a['plan']}:{a['id']}" if many else a["id"]


def text_bar(done: int, late: int, total: int) -> str:
    if total <= 0:
        return "\u2591" * BAR_CELLS
    a = round(BAR_CELLS * done / total)
    b = round(BAR_CELLS * (done + late) / total) - a
    if late and not b and a < BAR_CELLS:
        b = 1
    return "\u2588" * a + "\u2592" * b + "\u2591" * (BAR_CELLS - a - b)


def front(paper: Paper, report: JSONDict) -> None:
    if report.get("rollup"):  # several plans: one heading; each plan's facts at the end
        from .report_rollup import headline

        title, line = headline(report)
        paper.heading(title, 0)
        paper.para(f"Progress report as at {long_date(report['as_at'])}", bold=True)
        paper.para(line)
        return
    for plan in report["plans"]:
        paper.heading(plan["title"], 0)
        lead = f"Progress report as at {long_date(report['as_at'])}"
        paper.para(f"{plan['authority']}: {lead}" if plan["authority"] else lead, bold=True)
        ins = plan["inspection"]
        facts = [("Inspection", ": ".join(x for x in (ins["by"], ins["kind"]) if x)
                  + (f" (report published {show_date(ins['published'])})"
                     if ins["published"] else "")),
                 ("Plan version", (plan["version"] or "")
                  + (f" (updated {show_date(plan['updated'])})" if plan["updated"] else "")),
                 ("Plan owner", plan["owner"] or ""),
                 ("Status as at", show_date(report["as_at"]))]
        paper.table(["Item", "Detail"], [[k, v] for k, v in facts if v.strip()], [4.0, 13.0])


def summary(paper: Paper, report: JSONDict) -> None:
    s = report["summary"]
    paper.heading("Summary", 1)
    paper.para(f"{s['total']} actions: {s['completed']} completed ({s['percent_complete']}% "
               f"complete), {s['overdue']} overdue, {s['open']} still open.")
    rows: list[list[str]] = []
    statuses: list[str | None] = []
    for key, status in (("completed", "completed"), ("overdue", "overdue"),
                        ("due_soon", "due-soon"), ("on_track", "on-track"),
                        ("no_date", "no-date"), ("dropped", "dropped")):
        rows.append([STATUS_WORDS[status], str(s[key])])
        statuses.append(status)
        if key == "completed" and "awaiting_signoff" in s:  # of them, counted apart
            rows.append(["of which awaiting sign-off", str(s["awaiting_signoff"])])
            statuses.append(None)
    rows.append(["Total", str(s["total"])])
    statuses.append(None)
    paper.table(["Status", "Actions"], rows, [5.0, 3.0], statuses, status_col=0, right={1})


def rollup(paper: Paper, report: JSONDict) -> None:
    """The roll-up, one row per plan: only in a report of several plans (landscape: nine
    columns)."""
    from . import report_rollup as r

    rows = report.get("rollup")
    if not rows:
        return
    paper.landscape()
    paper.heading(r.TITLE, 1)
    paper.para(r.note(rows), italic=True)
    paper.table(r.HEADERS, [r.cells(row) for row in rows],
                [4.2, 3.2, 5.4, 1.8, 2.0, 1.8, 1.8, 1.8, 3.7],
                ["overdue" if row["overdue"] else None for row in rows], status_col=5,
                right=r.NUMBERS)
    paper.portrait()


def rollup_plans(paper: Paper, report: JSONDict) -> None:
    """The plans' own facts (version, owner, file) in a report of several plans."""
    from . import report_rollup as r

    if not report.get("rollup"):
        return
    paper.heading(r.PLANS_TITLE, 1)
    paper.table(r.PLAN_HEADERS, [r.plan_cells(p) for p in report["plans"]],
                [3.0, 9.5, 4.0, 5.2, 4.0])


def recommendations(paper: Paper, report: JSONDict, many: bool) -> None:
    paper.heading("Progress by recommendation", 1)
    paper.para("Bar: \u2588 completed, \u2592 overdue, \u2591 other open or dropped.", italic=True)
    rows = [[f"{r['plan']}:{r['id']}" if many else r["id"], cited(r["text"], r),
             f"{r['completed']} of {r['total']}", str(r["overdue"]),
             f"{text_bar(r['completed'], r['overdue'], r['total'])} {r['percent_complete']}%"]
            for r in report["recommendations"]]
    statuses = ["overdue" if r["overdue"] else None for r in report["recommendations"]]
    paper.table(["Rec", "Recommendation", "Done", "Overdue", "Progress"], rows,
                [1.3, 8.0, 2.0, 2.1, 3.6], statuses, status_col=3, right={2, 3})


def overdue(paper: Paper, report: JSONDict, many: bool) -> None:
    paper.heading("Overdue actions by lead", 1)
    groups = report["overdue_by_lead"]
    if not groups:
        paper.para(f"Nothing is overdue as at {show_date(report['as_at'])}.")
        return
    paper.para("Most late first under each lead; an action with two leads is under both.",
               italic=True)
    for g in groups:
        paper.heading(f"{lead_label(report, g)} ({g['count']} overdue)", 2)
        rows = [[_ref(a, many), cited(a["text"], a), a["timescale"] or "", show_date(a["due"]),
                 str(a["days_overdue"])] for a in g["actions"]]
        paper.table(["ID", "Action", "Timescale", "Due", "Days late"], rows,
                    [1.3, 8.6, 2.6, 2.5, 2.0], right={4})


def upcoming(paper: Paper, report: JSONDict, many: bool) -> None:
    up = report["upcoming"]
    paper.heading(f"Due in the next {up['days']} days", 1)
    if not up["actions"]:
        paper.para(f"Nothing falls due between {show_date(up['from'])} and "
                   f"{show_date(up['until'])}.")
        return
    rows = [[_ref(a, many), cited(a["text"], a), "; ".join(a["leads"]) or "(no lead)", show_date(a["due"]),
             STATUS_WORDS.get(a["status"], a["status"])] for a in up["actions"]]
    paper.table(["ID", "Action", "Lead", "Due", "Status"], rows, [1.3, 6.9, 3.8, 2.5, 2.5],
                [a["status"] for a in up["actions"]], status_col=4)


def changes(paper: Paper, report: JSONDict, many: bool) -> None:
    ch = report["changes"]
    if ch is None:
        return
    paper.heading(f"Changes since {ch['since']}", 1)
    if ch.get("commit"):
        paper.para(f"Compared with commit {ch['commit']} of {show_date(ch['commit_date'])}.",
                   italic=True)
    for kind, title in CHANGE_TITLES.items():
        items = ch.get(kind) or []
        paper.heading(f"{title} ({len(items)})", 2)
        if not items:
            paper.para("None.")
            continue
        rows = [[_ref(i, many), i["text"], "; ".join(i["leads"]), change_detail(kind, i)]
                for i in items]
        paper.table(["ID", "Action", "Lead", "Detail"], rows, [1.3, 8.2, 3.5, 4.0])


def signoff(paper: Paper, report: JSONDict, many: bool) -> None:
    """Completed (since the last meeting) but not yet signed off: only where required."""
    section = report.get("signoff")
    if section is None:
        return
    paper.heading(signoff_title(section), 1)
    if not section["awaiting"]:
        paper.para("None: every completed action is signed off.")
        return
    rows = [[_ref(a, many), cited(a["text"], a), "; ".join(a["leads"]) or "(no lead)"]
            for a in section["awaiting"]]
    paper.table(["ID", "Action", "Lead"], rows, [1.3, 12.2, 3.5])


def findings(paper: Paper, report: JSONDict) -> None:
    if not report["findings"]:
        return
    paper.heading("The inspection's findings", 1)
    for f in report["findings"]:
        paper.para(f"Grades, best first: {', '.join(f['scale'])}.", italic=True)
        for area in f["areas"]:
            paper.heading(area["area"], 2)
            paper.table(["Judgement", "Grade"],
                        [[j["name"], j["grade"]] for j in area["judgements"]], [12.0, 5.0])


# The full action table, landscape (25.7 cm of text width): ids narrow, the action and
# its latest update wide. A row is never split (w:cantSplit), so the update, often the
# longest text, gets the room that keeps rows short: at 3 cm an update of 200 characters
# made a row of 13 lines and a page of two actions.
ACTION_WIDTHS = [1.3, 8.2, 3.0, 2.4, 2.4, 2.6, 5.8]
# ... and with the council's own rating and position beside planctl's status.
RATED_WIDTHS = [1.3, 5.0, 2.8, 2.2, 2.1, 2.4, 1.8, 3.4, 4.7]


def action_table(paper: Paper, report: JSONDict, many: bool) -> None:
    paper.heading("All actions", 1)
    # The council's words only when the plan gives them, so other papers keep their room.
    rated = any(a.get("rag") or a.get("progress_note") for a in report["actions"])
    paper.para(f"Every action with its status as at {show_date(report['as_at'])}, computed by "
               "planctl from the dates" + (", the council's own rating (RAG) and position,"
                                           if rated else "")
               + " and its latest update.", italic=True)
    rows: list[list[str]] = []
    statuses: list[str | None] = []
    for a in report["actions"]:
        u = a["latest_update"]
        latest = (f"{show_date(u['date'])}" + (f" ({u['by']})" if u["by"] else "")
                  + f": {u['text']}") if u else ""
        status = shown_words(a, STATUS_WORDS.get(a["status"], a["status"]))
        if a["status"] == "overdue":
            status += f", {a['days_overdue']} days late"
        council = [a.get("rag") or "", a.get("progress_note") or ""] if rated else []
        rows.append([_ref(a, many), cited(a["text"], a), "; ".join(a["leads"]) or "(no lead)",
                     a["timescale"] or "", due_cell(a), status, *council, latest])
        statuses.append(a["status"])
    headers = ["ID", "Action", "Lead", "Timescale", "Due",
               f"Status (planctl, as at {show_date(report['as_at'])})",
               *(["Council RAG", "Council's position"] if rated else []), "Latest update"]
    table = paper.table(headers, rows, RATED_WIDTHS if rated else ACTION_WIDTHS, statuses,
                        status_col=5)
    if rated:
        for row, a in zip(table.rows[1:], report["actions"], strict=True):
            paper.shade(row.cells[6], SHADES.get(RATING_STATUS.get(a.get("rag") or "", "")))


def check_size(report: JSONDict) -> None:
    """Refuse a paper too long to read before building it: python-docx holds the whole
    document in memory (200,000 actions took 1.7 GB and over 5 minutes), and no
    committee reads thousands of pages. The workbook and the CSV stream any size."""
    total = len(report["actions"])
    if total > MAX_PAPER_ACTIONS:
        raise OutputError(
            f"the Word paper holds at most {MAX_PAPER_ACTIONS:,} actions and these plans have "
            f"{total:,}: use --format xlsx or --format csv for every action, or --plan to "
            "report one plan")


def render(report: JSONDict) -> bytes:
    check_size(report)
    many = len(report["plans"]) > 1
    paper = Paper(report["classification"])
    title = report["plans"][0]["title"] if not many else "Action plans"
    paper.doc.core_properties.title = t(title)[:250]
    paper.doc.core_properties.author = "planctl"
    front(paper, report)
    summary(paper, report)
    rollup(paper, report)
    recommendations(paper, report, many)
    overdue(paper, report, many)
    upcoming(paper, report, many)
    changes(paper, report, many)
    signoff(paper, report, many)
    trends(paper, report, many)
    findings(paper, report)
    paper.landscape()
    action_table(paper, report, many)
    rollup_plans(paper, report)
    paper.para(f"Produced by planctl from {', '.join(p['file'] for p in report['plans'])}, as "
               f"at {show_date(report['as_at'])}. Statuses are computed from each action's "
               "timescale and progress on that date.", italic=True)
    return paper.save()

"""The report as an Excel workbook (openpyxl): Actions, Summary and, with --since, Changes.

What a CSV cannot do for Excel users, this does: ids are text cells ("1.10"
stays "1.10", never the number 1.1), dates are date cells shown dd/mm/yyyy,
status and RAG are words on matching fills, the header row is frozen and
filtered, long text wraps in columns wide enough to read, and the plan's
classification is printed in every page's header and footer.

Every text cell goes through `text` (control characters made visible, then
csv.safe_cell, the CSV renderer's guard) and is stored as a string cell, so
no cell can start a formula, now or after the sheet is saved as CSV.
openpyxl is imported inside the functions: only these outputs load it.
"""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING

from ..core.errors import safe_text
from ..core.jsondoc import JSONDict
from .csv import safe_cell

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell, MergedCell

UK_DATE = "dd/mm/yyyy"
MAX_CELL = 32767  # Excel's limit on the characters in a cell
STATUS_WORDS = {"completed": "Completed", "dropped": "Dropped", "overdue": "Overdue",
                "due-soon": "Due soon", "on-track": "On track", "no-date": "No date"}
RAG = {"overdue": "Red", "due-soon": "Amber", "on-track": "Green", "completed": "Blue",
       "no-date": "Grey", "dropped": "Grey"}
# (fill, text colour) per status: pale fills with dark text, readable in print and on screen.
FILLS = {"completed": ("DCE9F7", "0E3F75"), "overdue": ("F8D7DB", "8C0F1D"),
         "due-soon": ("FFEDB8", "6B4500"), "on-track": ("DCF0E0", "1C5A2A"),
         "no-date": ("ECEEF1", "3D4450"), "dropped": ("ECEEF1", "3D4450")}
HEADER_FILL = "1F3B57"
FONT = "Calibri"  # the workbook's default: a Font without a name falls back to a serif


def text(value: object) -> str:
    """A string cell's value: visible controls, no formula start, within Excel's limit."""
    out = safe_cell(safe_text("" if value is None else str(value)))
    return out if len(out) <= MAX_CELL else out[: MAX_CELL - 1] + "\u2026"


def header_footer_text(value: str, limit: int) -> str:
    """Text for a page header or footer, where '&' starts a code (&P, &D ...). Excel refuses
    a file whose header or footer is over 255 characters, so each part is kept short (cut
    before '&' is doubled, so that no lone '&' is left to start a code)."""
    out, used = [], 0
    words = " ".join(safe_text(value, one_line=True).split())
    for i, ch in enumerate(words):
        piece = "&&" if ch == "&" else ch
        if used + len(piece) > limit - (1 if i < len(words) - 1 else 0):
            out.append("\u2026")
            break
        out.append(piece)
        used += len(piece)
    return "".join(out)


class Sheet:
    """One worksheet laid out as a table: header row, typed cells, widths, print setup."""

    def __init__(self, wb: Workbook, title: str, first: bool = False) -> None:
        from openpyxl.worksheet.worksheet import Worksheet

        ws = wb.active if first else wb.create_sheet()
        assert isinstance(ws, Worksheet)  # a new workbook holds worksheets only (no charts)
        self.ws = ws
        self.ws.title = title
        self.row = 0
        self.chars: dict[int, float] = {}  # column -> width, to size wrapped rows

    def put(self, col: int, value: object, *, bold: bool = False, fmt: str | None = None,
            status: str | None = None, wrap: bool = True) -> Cell | MergedCell:
        from openpyxl.styles import Alignment, Font, PatternFill

        cell = self.ws.cell(row=self.row, column=col)
        if isinstance(value, date):
            cell.value = value
            cell.number_format = fmt or UK_DATE
        elif isinstance(value, int | float) and not isinstance(value, bool):
            cell.value = value
            if fmt:
                cell.number_format = fmt
        elif value is None or value == "":
            pass
        else:
            cell.value = text(value)
            cell.data_type = "s"  # a string, whatever it looks like
        colour = None
        if status in FILLS:
            fill, colour = FILLS[status]
            cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
        if bold or colour:
            cell.font = Font(name=FONT, size=11, bold=bold or status == "overdue", color=colour)
        cell.alignment = Alignment(wrap_text=wrap, vertical="top")
        if wrap and isinstance(cell.value, str):
            self._fit_height(col, cell.value)
        return cell

    def _fit_height(self, col: int, value: str) -> None:
        """Row height for wrapped text: neither LibreOffice nor every Excel sizes rows
        of a generated file on opening, so long text would be cut off or overlap."""
        per_line = max(1.0, self.chars.get(col, 10) * 1.2 - 1)
        lines = sum(max(1, -(-len(part) // int(per_line))) for part in value.split("\n"))
        if lines > 1:
            dims = self.ws.row_dimensions[self.row]
            dims.height = min(409, max(dims.height or 0, 15 * lines))  # 409: Excel's maximum

    def line(self, *values: object, bold: bool = False) -> None:
        self.row += 1
        for i, v in enumerate(values, 1):
            self.put(i, v, bold=bold)

    def heading(self, words: str, size: int = 12) -> None:
        from openpyxl.styles import Font

        self.row += 1
        cell = self.put(1, words, wrap=False)
        cell.font = Font(name=FONT, bold=True, size=size)

    def table_header(self, headers: list[str]) -> int:
        from openpyxl.styles import Font, PatternFill

        self.row += 1
        for i, h in enumerate(headers, 1):
            cell = self.put(i, h)
            cell.font = Font(name=FONT, size=11, bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
        return self.row

    def widths(self, widths: list[float]) -> None:
        from openpyxl.utils import get_column_letter

        for i, w in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
            self.chars[i] = w

    def page(self, marking: str | None, title: str, landscape: bool = True) -> None:
        ws = self.ws
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        fit = ws.sheet_properties.pageSetUpPr
        assert fit is not None  # a new worksheet has its page setup properties
        fit.fitToPage = True
        ws.print_options.gridLines = False
        for hf in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
            assert hf is not None  # a new worksheet has every header and footer
            if marking:
                hf.center.text = header_footer_text(marking, 60)
                hf.center.font = "Arial,Bold"
            hf.left.text = header_footer_text(title, 80)
            hf.left.size = 8
        for hf in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
            assert hf is not None
            if marking:
                hf.center.text = header_footer_text(marking, 60)
                hf.center.font = "Arial,Bold"
            hf.right.text = "Page &P of &N"
            hf.right.size = 8


def _ref(a: JSONDict, many: bool) -> str:
    return f"{a['plan']}:{a['id']}" if many else a["id"]


ACTION_COLUMNS = [  # header, width in characters
    ("Plan", 16), ("Rec", 6), ("ID", 7), ("Action", 50), ("Lead", 22), ("Timescale", 16),
    ("Due", 11), ("Status", 11), ("RAG", 7), ("Days late", 6), ("Progress", 11),
    ("Completed", 11), ("Report to", 16), ("Latest update", 11), ("Update by", 14),
    ("Latest update text", 45),
]


def action_row(a: JSONDict) -> list[object]:
    latest = a.get("latest_update") or {}
    return [a["plan"], a["recommendation"], a["id"], a["text"], "; ".join(a["leads"]),
            a.get("timescale") or "", a["due"], STATUS_WORDS.get(a["status"], a["status"]),
            RAG.get(a["status"], ""), a["days_overdue"] if a["status"] == "overdue" else None,
            (a.get("progress") or "").replace("-", " "), a.get("completed"),
            "; ".join(a.get("report_to_names") or a.get("report_to") or []),
            latest.get("date"), latest.get("by") or "", latest.get("text") or ""]


def actions_sheet(wb: Workbook, actions: list[JSONDict], marking: str | None, title: str,
                  first: bool = True, name: str = "Actions") -> None:
    sheet = Sheet(wb, name, first=first)
    # One plan: its id in every row is noise, and the printed page needs the room.
    many = len({a["plan"] for a in actions}) > 1
    skip = 0 if many else 1
    columns = ACTION_COLUMNS[skip:]
    headers = [h for h, _ in columns]
    sheet.widths([w for _, w in columns])
    top = sheet.table_header(headers)
    status_col, rag_col = headers.index("Status") + 1, headers.index("RAG") + 1
    for a in actions:
        sheet.row += 1
        for i, v in enumerate(action_row(a)[skip:], 1):
            sheet.put(i, v, status=a["status"] if i in (status_col, rag_col) else None)
    ws = sheet.ws
    ws.freeze_panes = ws.cell(row=top + 1, column=1).coordinate
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A{top}:{last}{max(sheet.row, top)}"
    ws.print_title_rows = f"{top}:{top}"
    sheet.page(marking, title)


def summary_sheet(wb: Workbook, report: JSONDict, title: str) -> None:
    sheet = Sheet(wb, "Summary")
    sheet.widths([30, 70, 12, 12, 12, 12])
    many = len(report["plans"]) > 1
    sheet.heading(title, 14)
    sheet.line("Progress as at", report["as_at"])
    if report["classification"]:
        sheet.line("Classification", report["classification"])
    for p in report["plans"]:
        ins = p["inspection"]
        who = ": ".join(x for x in (ins["by"], ins["kind"]) if x)
        sheet.line("Plan", f"{p['title']} ({p['id']})")
        if p["authority"]:
            sheet.line("Authority", p["authority"])
        if who:
            sheet.line("Inspection", who)
        if ins["published"]:
            sheet.line("Report published", ins["published"])
        if p["version"]:
            sheet.line("Plan version", p["version"])
    s = report["summary"]
    sheet.row += 1
    sheet.heading("Actions by status")
    sheet.table_header(["Status", "Actions", "RAG"])
    for key, status in (("completed", "completed"), ("overdue", "overdue"),
                        ("due_soon", "due-soon"), ("on_track", "on-track"),
                        ("no_date", "no-date"), ("dropped", "dropped")):
        sheet.row += 1
        sheet.put(1, STATUS_WORDS[status], status=status)
        sheet.put(2, s[key])
        sheet.put(3, RAG[status], status=status)
    sheet.line("Total", s["total"], bold=True)
    sheet.row += 1
    sheet.put(1, "Complete")
    sheet.put(2, s["percent_complete"] / 100, fmt="0%")
    sheet.row += 1
    sheet.heading("Overdue by lead")
    groups = report["overdue_by_lead"]
    if not groups:
        sheet.line("Nothing is overdue.")
    else:
        sheet.table_header(["Lead", "Overdue", "Most days late"])
        for g in sorted(groups, key=lambda g: (-g["count"], g["lead"].casefold())):
            sheet.line(g["lead"], g["count"], max(a["days_overdue"] for a in g["actions"]))
    sheet.row += 1
    sheet.heading("Progress by recommendation")
    sheet.table_header(["Rec", "Recommendation", "Actions", "Completed", "Overdue", "Complete"])
    for r in report["recommendations"]:
        sheet.row += 1
        sheet.put(1, f"{r['plan']}:{r['id']}" if many else r["id"])
        sheet.put(2, r["text"])
        sheet.put(3, r["total"])
        sheet.put(4, r["completed"])
        sheet.put(5, r["overdue"], status="overdue" if r["overdue"] else None)
        sheet.put(6, r["percent_complete"] / 100, fmt="0%")
    sheet.page(report["classification"], title, landscape=False)


CHANGE_TITLES = {"completed": "Completed", "slipped": "Deadline moved later", "added": "Added",
                 "dropped": "Dropped"}


def changes_sheet(wb: Workbook, report: JSONDict, title: str) -> None:
    ch = report["changes"]
    sheet = Sheet(wb, "Changes")
    sheet.widths([20, 8, 60, 26, 12, 12, 10, 22])
    many = len(report["plans"]) > 1
    where = f" (commit {ch['commit']})" if ch.get("commit") else ""
    sheet.heading(f"Changes since {ch['since']}{where}", 13)
    top = sheet.table_header(["Change", "ID", "Action", "Lead", "Was due", "Now due",
                              "Days later", "Detail"])
    for kind, word in CHANGE_TITLES.items():
        for i in ch.get(kind) or []:
            sheet.row += 1
            detail = ""
            if kind == "dropped":
                detail = "removed from the plan" if i.get("removed") else "marked dropped"
            elif kind == "completed":
                on = i.get("completed_on")
                detail = f"completed on {on:%d/%m/%Y}" if on else "completed (no date given)"
            elif kind == "added" and i.get("status"):
                detail = STATUS_WORDS.get(i["status"], i["status"])
            values = [word, _ref(i, many), i["text"], "; ".join(i["leads"]), i.get("was"),
                      i.get("now") or i.get("due"), i.get("days"), detail]
            for col, v in enumerate(values, 1):
                sheet.put(col, v)
    ws = sheet.ws
    ws.freeze_panes = ws.cell(row=top + 1, column=1).coordinate
    ws.auto_filter.ref = f"A{top}:H{max(sheet.row, top)}"
    ws.print_title_rows = f"{top}:{top}"
    sheet.page(report["classification"], title)


def workbook_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_title(report: JSONDict) -> str:
    return report["plans"][0]["title"] if len(report["plans"]) == 1 else "Action plans"


def render(report: JSONDict) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    title = report_title(report)
    actions_sheet(wb, report["actions"], report["classification"], title)
    summary_sheet(wb, report, title)
    if report["changes"] is not None:
        changes_sheet(wb, report, title)
    wb.properties.title = safe_text(title, one_line=True)[:250]
    wb.properties.creator = "planctl"
    return workbook_bytes(wb)


def render_rows(actions: list[JSONDict], marking: str | None, title: str, sheet: str) -> bytes:
    """status / overdue / upcoming: the chosen actions, as the report's Actions sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    actions_sheet(wb, actions, marking, title, name=sheet)
    wb.properties.creator = "planctl"
    return workbook_bytes(wb)

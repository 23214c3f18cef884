"""The report as an Excel workbook (openpyxl): Actions, Summary and, with --since, Changes.

What a CSV cannot do for Excel users, this does: ids are text cells ("1.10"
stays "1.10", never the number 1.1), dates are date cells shown dd/mm/yyyy,
status words on matching fills, the header row is frozen and filtered, long
text wraps in columns wide enough to read, and the plan's classification is
printed in every page's header and footer. The council's own rating and
position sit beside the status planctl computes, each headed as whose it is.

The workbook is written streaming (openpyxl's write-only mode): each row goes to
disk as it is made, so memory does not grow with the number of actions. Column
widths and the frozen header are therefore set before the first row.

Every text cell goes through `text` (control characters and what XML forbids made
visible by xml_text, then csv.safe_cell, the CSV renderer's guard) and is stored
as a string cell, so no cell can start a formula, now or after the sheet is saved
as CSV. openpyxl is imported inside the functions: only these outputs load it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ..core.jsondoc import JSONDict
from .csv import safe_cell
from .report import CHANGE_TITLES, change_detail, lead_label
from .views import TO_BE_CONFIRMED, cited, show_date, shown_words
from .xmltext import xml_text

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell

UK_DATE = "dd/mm/yyyy"
MAX_CELL = 32767  # Excel's limit on the characters in a cell
STATUS_WORDS = {"completed": "Completed", "dropped": "Dropped", "overdue": "Overdue",
                "due-soon": "Due soon", "on-track": "On track", "no-date": "No date"}
# planctl's colour for each computed status (headed "Colour (planctl)", never "RAG").
COLOURS = {"overdue": "Red", "due-soon": "Amber", "on-track": "Green", "completed": "Blue",
           "no-date": "Grey", "dropped": "Grey"}
# (fill, text colour) per status: pale fills with dark text, readable in print and on screen.
FILLS = {"completed": ("DCE9F7", "0E3F75"), "overdue": ("F8D7DB", "8C0F1D"),
         "due-soon": ("FFEDB8", "6B4500"), "on-track": ("DCF0E0", "1C5A2A"),
         "no-date": ("ECEEF1", "3D4450"), "dropped": ("ECEEF1", "3D4450")}
# The council's rating (`rag:`) on the fill of the status of the same colour.
RATING_FILLS = {"red": "overdue", "amber": "due-soon", "green": "on-track", "blue": "completed"}
HEADER_FILL = "1F3B57"
FONT = "Calibri"  # the workbook's default: a Font without a name falls back to a serif
MAX_ROW_HEIGHT = 409  # Excel's maximum


def text(value: object) -> str:
    """A string cell's value: visible controls, no formula start, within Excel's limit."""
    out = safe_cell(xml_text(value))
    return out if len(out) <= MAX_CELL else out[: MAX_CELL - 1] + "\u2026"


def header_footer_text(value: str, limit: int) -> str:
    """Text for a page header or footer, where '&' starts a code (&P, &D ...). Excel refuses
    a file whose header or footer is over 255 characters, so each part is kept short (cut
    before '&' is doubled, so that no lone '&' is left to start a code)."""
    out, used = [], 0
    words = " ".join(xml_text(value, one_line=True).split())
    for i, ch in enumerate(words):
        piece = "&&" if ch == "&" else ch
        if used + len(piece) > limit - (1 if i < len(words) - 1 else 0):
            out.append("\u2026")
            break
        out.append(piece)
        used += len(piece)
    return "".join(out)


@dataclass(frozen=True)
class Styled:
    """A cell with a look: bold, a number format, a status's fill, a header's."""

    value: object
    bold: bool = False
    fmt: str | None = None
    status: str | None = None
    wrap: bool = True
    size: int = 11
    header: bool = False


class Styles:
    """Each distinct look built once: the same objects for every cell that has it."""

    def __init__(self) -> None:
        self.cache: dict[tuple[object, ...], tuple[Any, Any, Any]] = {}

    def get(self, s: Styled) -> tuple[Any, Any, Any]:
        key = (s.bold, s.status, s.wrap, s.size, s.header)
        if key not in self.cache:
            from openpyxl.styles import Alignment, Font, PatternFill

            fill = font = None
            if s.header:
                font = Font(name=FONT, size=11, bold=True, color="FFFFFF")
                fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
            elif s.status in FILLS:
                shade, colour = FILLS[s.status]
                fill = PatternFill("solid", start_color=shade, end_color=shade)
                font = Font(name=FONT, size=s.size, bold=s.bold or s.status == "overdue",
                            color=colour)
            elif s.bold or s.size != 11:
                font = Font(name=FONT, size=s.size, bold=s.bold)
            self.cache[key] = (font, fill, Alignment(wrap_text=s.wrap, vertical="top"))
        return self.cache[key]


class Sheet:
    """One write-only worksheet laid out as a table: typed cells, widths, print setup.
    Rows are appended in order and written out at once (`add`)."""

    def __init__(self, wb: Workbook, title: str, widths: list[float],
                 freeze_below: int | None = None) -> None:
        from openpyxl.utils import get_column_letter

        self.ws: Any = wb.create_sheet(title)  # a WriteOnlyWorksheet (untyped in the stubs)
        self.row = 0
        self.styles = Styles()
        self.chars: dict[int, float] = {}  # column -> width, to size wrapped rows
        # Before the first row: a streamed sheet writes its columns and panes first.
        for i, w in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
            self.chars[i] = w
        if freeze_below is not None:
            self.ws.freeze_panes = f"A{freeze_below + 1}"

    def cell(self, col: int, value: object) -> Cell:
        from openpyxl.cell.cell import WriteOnlyCell

        s = value if isinstance(value, Styled) else Styled(value)
        cell: Cell = WriteOnlyCell(self.ws)  # a function returning a Cell, in the stubs
        v = s.value
        if isinstance(v, date):
            cell.value = v
            cell.number_format = s.fmt or UK_DATE
        elif isinstance(v, int | float) and not isinstance(v, bool):
            cell.value = v
            if s.fmt:
                cell.number_format = s.fmt
        elif v is not None and v != "":
            cell.value = text(v)
            cell.data_type = "s"  # a string, whatever it looks like
        font, fill, alignment = self.styles.get(s)
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        cell.alignment = alignment
        return cell

    def add(self, *values: object) -> int:
        """Append one row; returns its number."""
        self.row += 1
        cells = [self.cell(i, v) for i, v in enumerate(values, 1)]
        lines = max((self._lines(i, c.value) for i, c in enumerate(cells, 1)
                     if c.alignment.wrap_text and isinstance(c.value, str)), default=1)
        if lines > 1:
            # Neither LibreOffice nor every Excel sizes the rows of a generated file on
            # opening, so long text would be cut off or overlap: the height is given.
            self.ws.row_dimensions[self.row].height = min(MAX_ROW_HEIGHT, 15 * lines)
        self.ws.append(cells)
        self.ws.row_dimensions.pop(self.row, None)  # written: keep memory flat
        return self.row

    def _lines(self, col: int, value: str) -> int:
        per_line = int(max(1.0, self.chars.get(col, 10) * 1.2 - 1))
        return sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))

    def heading(self, words: str, size: int = 12) -> None:
        self.add(Styled(words, bold=True, size=size, wrap=False))

    def table_header(self, headers: list[str]) -> int:
        return self.add(*(Styled(h, header=True) for h in headers))

    def filter(self, top: int, columns: int) -> None:
        from openpyxl.utils import get_column_letter

        self.ws.auto_filter.ref = f"A{top}:{get_column_letter(columns)}{max(self.row, top)}"
        self.ws.print_title_rows = f"{top}:{top}"

    def page(self, marking: str | None, title: str, landscape: bool = True) -> None:
        ws = self.ws
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = False
        for hf in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
            if marking:
                hf.center.text = header_footer_text(marking, 60)
                hf.center.font = "Arial,Bold"
            hf.left.text = header_footer_text(title, 80)
            hf.left.size = 8
        for hf in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
            if marking:
                hf.center.text = header_footer_text(marking, 60)
                hf.center.font = "Arial,Bold"
            hf.right.text = "Page &P of &N"
            hf.right.size = 8


def _ref(a: JSONDict, many: bool) -> str:
    return f"{a['plan']}:{a['id']}" if many else a["id"]


def status_heading(as_at: date | None) -> str:
    """planctl's computed status, named as planctl's and dated: never mistaken for the
    council's own rating beside it."""
    return f"Status (planctl, as at {show_date(as_at)})" if as_at else "Status (planctl)"


ACTION_COLUMNS = [  # header, width in characters ("Status" is status_heading's)
    ("Plan", 16), ("Rec", 6), ("ID", 7), ("Action", 50), ("Lead", 22), ("Timescale", 16),
    ("Due", 11), ("Status", 14), ("Colour (planctl)", 9), ("Days late", 6),
    ("Council RAG", 9), ("Council's position", 40), ("Progress", 11),
    ("Completed", 11), ("Report to", 16), ("Latest update", 11), ("Update by", 14),
    ("Latest update text", 45),
]


def action_row(a: JSONDict) -> list[object]:
    latest = a.get("latest_update") or {}
    status, rating = a["status"], a.get("rag")
    return [a["plan"], a["recommendation"], a["id"], a["text"], "; ".join(a["leads"]),
            a.get("timescale") or "", a["due"] or (TO_BE_CONFIRMED if a.get("due_to_be_confirmed") else None),
            Styled(shown_words(a, STATUS_WORDS.get(status, status or "")), status=status),
            Styled(COLOURS.get(status, ""), status=status),
            a["days_overdue"] if status == "overdue" else None,
            Styled(rating, status=RATING_FILLS.get(rating or "")) if rating else None,
            a.get("progress_note") or "",
            (a.get("progress") or "").replace("-", " "), a.get("completed"),
            "; ".join(a.get("report_to_names") or a.get("report_to") or []),
            latest.get("date"), latest.get("by") or "", latest.get("text") or ""]


def _with_ref(row: list[Any], ref: Any, cites: bool) -> list[Any]:
    """The row with the Ref cell after the Action one (index 3), when the plan cites."""
    return [*row[:4], ref, *row[4:]] if cites else row


def actions_sheet(wb: Workbook, actions: list[JSONDict], marking: str | None, title: str,
                  as_at: date | None, name: str = "Actions") -> None:
    # One plan: its id in every row is noise, and the printed page needs the room.
    many = len({a["plan"] for a in actions}) > 1
    skip = 0 if many else 1
    # A Ref column after Action only when the plan cites its sources (else the sheet is as before).
    cites = any(a.get("ref") or a.get("recommendation_ref") for a in actions)
    columns = _with_ref(ACTION_COLUMNS, ("Ref", 14), cites)[skip:]
    headers = [status_heading(as_at) if h == "Status" else h for h, _ in columns]
    sheet = Sheet(wb, name, [w for _, w in columns], freeze_below=1)
    top = sheet.table_header(headers)
    for a in actions:
        ref = a.get("ref") or a.get("recommendation_ref") or ""
        sheet.add(*_with_ref(action_row(a), ref, cites)[skip:])
    sheet.filter(top, len(headers))
    sheet.page(marking, title)


SUMMARY_STATUSES = (("completed", "completed"), ("overdue", "overdue"), ("due_soon", "due-soon"),
                    ("on_track", "on-track"), ("no_date", "no-date"), ("dropped", "dropped"))


def _plan_lines(sheet: Sheet, p: JSONDict) -> None:
    ins = p["inspection"]
    who = ": ".join(x for x in (ins["by"], ins["kind"]) if x)
    sheet.add("Plan", f"{p['title']} ({p['id']})")
    for label, value in (("Authority", p["authority"]), ("Inspection", who),
                         ("Report published", ins["published"]), ("Plan version", p["version"])):
        if value:
            sheet.add(label, value)


def summary_sheet(wb: Workbook, report: JSONDict, title: str) -> None:
    sheet = Sheet(wb, "Summary", [30, 70, 12, 12, 12, 12])
    many = len(report["plans"]) > 1
    sheet.heading(title, 14)
    sheet.add("Progress as at", report["as_at"])
    if report["classification"]:
        sheet.add("Classification", report["classification"])
    for p in report["plans"]:
        _plan_lines(sheet, p)
    s = report["summary"]
    sheet.add()
    sheet.heading("Actions by status (planctl)")
    sheet.table_header(["Status", "Actions", "Colour (planctl)"])
    for key, status in SUMMARY_STATUSES:
        sheet.add(Styled(STATUS_WORDS[status], status=status), s[key],
                  Styled(COLOURS[status], status=status))
        if key == "completed" and "awaiting_signoff" in s:  # of them, where sign-off is required
            sheet.add("of which awaiting sign-off", s["awaiting_signoff"])
    sheet.add(Styled("Total", bold=True), Styled(s["total"], bold=True))
    sheet.add("Complete", Styled(s["percent_complete"] / 100, fmt="0%"))
    sheet.add()
    sheet.heading("Overdue by lead")
    groups = report["overdue_by_lead"]
    if not groups:
        sheet.add("Nothing is overdue.")
    else:
        sheet.table_header(["Lead", "Overdue", "Most days late"])
        for g in sorted(groups, key=lambda g: (-g["count"], g["lead"].casefold())):
            sheet.add(lead_label(report, g), g["count"], max(a["days_overdue"] for a in g["actions"]))
    sheet.add()
    sheet.heading("Progress by recommendation")
    sheet.table_header(["Rec", "Recommendation", "Actions", "Completed", "Overdue", "Complete"])
    for r in report["recommendations"]:
        sheet.add(f"{r['plan']}:{r['id']}" if many else r["id"], cited(r["text"], r), r["total"],
                  r["completed"], Styled(r["overdue"], status="overdue" if r["overdue"] else None),
                  Styled(r["percent_complete"] / 100, fmt="0%"))
    sheet.page(report["classification"], title, landscape=False)


def changes_sheet(wb: Workbook, report: JSONDict, title: str) -> None:
    ch = report["changes"]
    sheet = Sheet(wb, "Changes", [20, 8, 60, 26, 12, 12, 10, 40], freeze_below=2)
    many = len(report["plans"]) > 1
    where = f" (commit {ch['commit']})" if ch.get("commit") else ""
    sheet.heading(f"Changes since {ch['since']}{where}", 13)
    top = sheet.table_header(["Change", "ID", "Action", "Lead", "Was due", "Now due",
                              "Days later", "Detail"])
    for kind, word in CHANGE_TITLES.items():
        for i in ch.get(kind) or []:
            # The Detail column says what the paper and the page say (one source).
            detail = change_detail(kind, i) or (
                STATUS_WORDS.get(i["status"], i["status"]) if i.get("status") else "")
            sheet.add(word, _ref(i, many), i["text"], "; ".join(i["leads"]), i.get("was"),
                      i.get("now") or i.get("due"), i.get("days"), detail)
    sheet.filter(top, 8)
    sheet.page(report["classification"], title)


def new_workbook() -> Workbook:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.properties.creator = "planctl"
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_title(report: JSONDict) -> str:
    return report["plans"][0]["title"] if len(report["plans"]) == 1 else "Action plans"


def render(report: JSONDict) -> bytes:
    wb = new_workbook()
    title = report_title(report)
    actions_sheet(wb, report["actions"], report["classification"], title, report["as_at"])
    summary_sheet(wb, report, title)
    if report["changes"] is not None:
        changes_sheet(wb, report, title)
    wb.properties.title = xml_text(title, one_line=True)[:250]
    return workbook_bytes(wb)


def render_rows(actions: list[JSONDict], marking: str | None, title: str, sheet: str,
                as_at: date | None = None) -> bytes:
    """status / overdue / upcoming: the chosen actions, as the report's Actions sheet."""
    wb = new_workbook()
    actions_sheet(wb, actions, marking, title, as_at, name=sheet)
    return workbook_bytes(wb)

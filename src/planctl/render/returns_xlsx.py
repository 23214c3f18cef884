"""A lead's return as an xlsx workbook (openpyxl), laid out as core/returns.py says.

Who reads it: a service manager who never opens a terminal. The first sheet says in
plain words what to fill in and by when; the Actions sheet has one row per open action,
planctl's columns locked (sheet protection without a password: it prevents accidents,
not attacks) and the lead's columns unlocked, typed and validated; a "veryHidden" sheet
records what `returns apply` needs to read it back.

Every text planctl writes goes through report_xlsx.text (what XML forbids made visible,
no formula start), the hidden sheet's too: `cell_text` is that function, for `apply` to
compare a plan's value now with what the return recorded.

Which actions go to whom, and the files' names, are worked out here too (pure: plans
and a date in, returns out), so that `returns make` and `remind --attach-returns` cut
the same returns.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from ..core import returns as layout
from ..core.evaluate import Row, evaluate
from ..core.model import Plan
from ..core.names import fold_name
from ..core.query import lead_spellings
from .report_xlsx import (
    FONT,
    HEADER_FILL,
    MAX_ROW_HEIGHT,
    STATUS_WORDS,
    UK_DATE,
    header_footer_text,
    text,
)
from .views import TO_BE_CONFIRMED, show_date

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

cell_text = text  # the one function every text cell of a return goes through

RATINGS = ("red", "amber", "green", "blue")
LONG_DATE = "d mmm yyyy"  # 27 Oct 2012: no reader can take it for 10/27
# Windows refuses these as a file's name, whatever the extension (case aside).
RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                      *(f"lpt{i}" for i in range(10))})
MAX_STEM = 80  # characters of a return's file name before ".xlsx"
WIDTHS = {layout.ID: 9, layout.RECOMMENDATION: 30, layout.ACTION: 46, layout.TIMESCALE: 16,
          layout.DUE: 14, layout.STATUS: 12, layout.COUNCIL_RATING: 10,
          layout.PROGRESS_UPDATE: 46, layout.RATING: 10, layout.COMPLETED_ON: 14,
          layout.NEW_DUE_DATE: 15, layout.REASON: 32, layout.EVIDENCE: 32}
INSTRUCTIONS_WIDTH = 72  # one column of words, within an A4 portrait page
LEAD_FILL = "FFF8DC"  # a pale yellow: the cells to fill in
LEAD_HEADER_FILL = "1C5A2A"
# A fixed moment for the workbook's created/modified stamps and the zip entries' times:
# the same plans, commit and day give the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ReturnRow:
    id: str  # the ID cell's text: the action's id, or plan:id when the return spans plans
    plan_file: str  # relative to the plans folder, "/" separators
    row: Row


@dataclass(frozen=True)
class LeadReturn:
    """One lead's return: who, their open actions, and the file's name."""

    key: str  # the key in leads:, or the name as written for a lead not in leads:
    name: str
    emails: tuple[str, ...]
    rows: tuple[ReturnRow, ...]
    file_name: str = ""

    @property
    def title(self) -> str:
        plans = {r.row.plan.id: r.row.plan for r in self.rows}
        return next(iter(plans.values())).title if len(plans) == 1 else "Action plans"

    @property
    def plans(self) -> list[Plan]:
        return list({r.row.plan.id: r.row.plan for r in self.rows}.values())


def slug(value: str, limit: int = 40) -> str:
    """Lower-case ASCII letters, digits and hyphens (accents dropped, not the letters)."""
    return re.sub(r"[^a-z0-9]+", "-", fold_name(value)).strip("-")[:limit].strip("-")


def file_stem(key: str, name: str) -> str:
    """`key-name` as a slug: safe on every system (no reserved name, no character Windows
    refuses, no slash, bounded), never empty."""
    k, n = slug(key), slug(name)
    stem = k if not n or n == k else n if not k else f"{k}-{n}"
    stem = (stem or "lead")[:MAX_STEM].strip("-")
    return f"lead-{stem}" if stem in RESERVED else stem


def name_files(returns: Sequence[LeadReturn]) -> list[LeadReturn]:
    """Each return with its file name; two leads that slug alike get -2, -3 ... in the
    order of their keys, so the names do not depend on the order the plans were read."""
    from dataclasses import replace

    used: set[str] = set()
    out = []
    for ret in sorted(returns, key=lambda r: (r.key.casefold(), r.key, r.name)):
        stem = file_stem(ret.key, ret.name)
        chosen, n = stem, 1
        while chosen.casefold() in used:  # bounded: one more than the returns at most
            n += 1
            chosen = f"{stem}-{n}"
        used.add(chosen.casefold())
        out.append(replace(ret, file_name=f"{chosen}.xlsx"))
    return out


def plan_file(plan: Plan, folders: Sequence[str]) -> str:
    """The plan's file relative to the --plans folder holding it ("/" separators)."""
    from pathlib import Path

    path = Path(plan.path).absolute()
    for folder in folders:
        root = Path(folder).absolute()
        if root == path:
            return path.name
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.name


def lead_returns(plans: Sequence[Plan], day: date, folders: Sequence[str],
                 wanted: frozenset[str] | None = None) -> list[LeadReturn]:
    """One return per lead with an open action (not completed, not dropped), named; an
    action with two leads is in both. `wanted`: core.query.resolve_leads's spellings."""
    found: dict[str, tuple[str, list[str], list[Row]]] = {}
    for row in evaluate(plans, day):
        if not row.open:
            continue
        for name, key in zip(row.action.leads, row.action.lead_keys, strict=False):
            if wanted is not None and not lead_spellings((name,), (key,), row.plan)[0] & wanted:
                continue
            lead = next((x for x in row.plan.leads if key is not None and x.key == key), None)
            ident = lead.key if lead else name
            shown, emails, rows = found.setdefault(ident, (lead.name if lead else name, [], []))
            if lead and lead.email and lead.email not in emails:
                emails.append(lead.email)
            if not rows or rows[-1] is not row:  # a lead written twice on one action: one row
                rows.append(row)
    out = []
    for ident, (shown, emails, rows) in found.items():
        many = len({r.plan.id for r in rows}) > 1
        files = {r.plan.id: plan_file(r.plan, folders) for r in rows}
        out.append(LeadReturn(ident, shown, tuple(emails), tuple(
            ReturnRow(r.action.ref if many else r.action.id, files[r.plan.id], r)
            for r in rows)))
    return name_files(out)


# -- the workbook ------------------------------------------------------------------


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    return {
        "head": Font(name=FONT, bold=True, color="FFFFFF"),
        "head_fill": PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL),
        "lead_fill_head": PatternFill("solid", start_color=LEAD_HEADER_FILL,
                                      end_color=LEAD_HEADER_FILL),
        "lead_fill": PatternFill("solid", start_color=LEAD_FILL, end_color=LEAD_FILL),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "open": Protection(locked=False),
        "font": Font(name=FONT),
        "title": Font(name=FONT, size=14, bold=True),
        "bold": Font(name=FONT, bold=True),
    }


def _recommendation(row: Row) -> str:
    rec = next((r for r in row.plan.recommendations if r.id == row.action.recommendation), None)
    return f"{rec.id}. {' '.join(rec.text.split())}" if rec else row.action.recommendation


def _due(row: Row) -> object:
    if row.due is not None:
        return row.due
    timescale = row.action.timescale
    return TO_BE_CONFIRMED if timescale is not None and timescale.tbc else None


def _rag_lines(ret: LeadReturn) -> list[str]:
    """The plans' own meanings of the ratings (rag_key:); none when the plans give none
    (planctl does not invent what a council's colours mean)."""
    meanings: dict[str, str] = {}
    for plan in ret.plans:
        for m in plan.rag_key:
            meanings.setdefault(m.colour, m.meaning)
    return [f"        {c}: {' '.join(meanings[c].split())}" for c in RATINGS if c in meanings]


def instructions(ret: LeadReturn, made: date, by: date | None) -> list[str]:
    """The first sheet's words, for someone who has never seen planctl."""
    when = (f"Please send it back by {show_date(by)}." if by is not None else
            "Please send it back by the date given in the email it came with.")
    n = len(ret.rows)
    rag = _rag_lines(ret)
    return [
        f"Your return: {ret.name}",
        "",
        f"This workbook lists the {n} open action{'s' if n != 1 else ''} you lead in "
        f"\"{ret.title}\", as at {show_date(made)}.",
        when,
        "",
        "What to do",
        "1. Open the Actions sheet. Each row is one action.",
        "2. Fill in the yellow columns for each action where you have news:",
        "    Progress update: what has been done since the last update, and what happens next.",
        "    Rating: pick red, amber, green or blue from the list" + (":" if rag else "."),
        *rag,
        f"    Completed on: the date the action was completed (for example {made:%d/%m/%Y}), "
        "only if it is.",
        "    New due date: only if the new date has been agreed: a date or a month "
        "(for example March 2027).",
        "    Reason for new date: why the date moved. A new due date is not accepted without it.",
        "    Evidence: where the proof is: a document's name or a link.",
        "3. Leave a cell empty when you have nothing to add: an empty cell changes nothing.",
        "",
        "Please do not",
        "\u2022 change the grey columns (ID to Council rating): they are locked to prevent "
        "accidents;",
        "\u2022 add, delete or re-order rows, or rename the sheets;",
        "\u2022 copy the rows into another workbook: this file carries details needed to read it back.",
        "",
        "When you have finished",
        "Save the file, keep its name, and reply to the email with this file attached.",
        when,
    ]


def _instructions_sheet(wb: Workbook, ret: LeadReturn, made: date, by: date | None,
                        st: dict[str, Any]) -> None:
    ws = wb.active
    assert ws is not None  # a new Workbook has one sheet
    ws.title = layout.INSTRUCTIONS_SHEET
    ws.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    ws.sheet_view.showGridLines = False
    headings = {"What to do", "Please do not", "When you have finished"}
    from openpyxl.styles import Alignment

    for i, line in enumerate(instructions(ret, made, by), 1):
        words = line.lstrip(" ")
        c = ws.cell(i, 1, text(words) or None)
        c.font = st["title"] if i == 1 else st["bold"] if line in headings else st["font"]
        # Indented as a list, wrapped lines too (leading spaces would indent the first only).
        c.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left",
                                indent=(len(line) - len(words)) // 2)
        ws.row_dimensions[i].height = 15 * lines(line, INSTRUCTIONS_WIDTH) + (6 if i == 1 else 0)
    ws.protection.sheet = True  # nothing to type here
    _page(ws, ret, landscape=False)


def lines(value: object, width: float) -> int:
    """The lines a wrapped cell of this width needs (neither LibreOffice nor every Excel
    sizes the rows of a generated file on opening: the height is given)."""
    per_line = int(max(1.0, width * 1.2 - 1))
    return sum(max(1, -(-len(part) // per_line)) for part in str(value).split("\n"))


def _page(ws: Worksheet, ret: LeadReturn, landscape: bool = True) -> None:
    """A4, one page wide, the plans' classification in the header and footer."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    marking = next((p.classification for p in ret.plans if p.classification), None)
    for hf in (ws.oddHeader, ws.oddFooter):
        if marking:
            hf.center.text = header_footer_text(marking, 60)  # type: ignore[union-attr]
        hf.left.text = header_footer_text(f"Return: {ret.name}", 80)  # type: ignore[union-attr]
    ws.oddFooter.right.text = "Page &P of &N"  # type: ignore[union-attr]


def _owned_values(r: ReturnRow, made: date) -> list[object]:
    row = r.row
    return [r.id, _recommendation(row), " ".join(row.action.text.split()),
            row.action.timescale_text, _due(row), STATUS_WORDS.get(row.status, row.status),
            row.action.rag or ""]


def _validations(ws: Worksheet, last: int, made: date) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    col = {name: get_column_letter(i) for i, name in enumerate(layout.COLUMNS, 1)}
    rating = DataValidation(type="list", formula1=f"\"{','.join(RATINGS)}\"", allow_blank=True,
                            showErrorMessage=True, errorTitle="Rating",
                            error="Pick red, amber, green or blue from the list.",
                            promptTitle="Rating", prompt="red, amber, green or blue",
                            showInputMessage=True)
    done = DataValidation(type="date", operator="between", formula1="1", formula2="2958465",
                          allow_blank=True, showErrorMessage=True, errorTitle="Completed on",
                          error=f"Type a date, for example {made:%d/%m/%Y}.",
                          promptTitle="Completed on",
                          prompt=f"The date it was completed, e.g. {made:%d/%m/%Y}",
                          showInputMessage=True)
    new_due = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="200",
                             allow_blank=True, showInputMessage=True, promptTitle="New due date",
                             prompt="A date or a month, e.g. March 2027; give the reason too")
    for dv, name in ((rating, layout.RATING), (done, layout.COMPLETED_ON),
                     (new_due, layout.NEW_DUE_DATE)):
        dv.add(f"{col[name]}2:{col[name]}{last}")
        ws.add_data_validation(dv)


def _cell_styles(wb: Workbook, st: dict[str, Any]) -> dict[str, str]:
    """The looks of the action rows as named styles: one assignment per cell instead of
    five (a cell's font, fill, alignment, protection and format each cost a hash)."""
    from openpyxl.styles import NamedStyle

    looks = {"owned": ("General", False), "id": ("@", False), "date": (LONG_DATE, False),
             "lead_text": ("@", True), "lead_date": (UK_DATE, True),
             "lead_rating": ("General", True)}
    names = {}
    for key, (fmt, lead) in looks.items():
        style = NamedStyle(name=f"planctl {key.replace('_', ' ')}", font=st["font"],
                           alignment=st["wrap"], number_format=fmt)
        if lead:
            style.fill = st["lead_fill"]
            style.protection = st["open"]
        wb.add_named_style(style)
        names[key] = style.name
    return names


def _actions_sheet(wb: Workbook, ret: LeadReturn, made: date, st: dict[str, Any]) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(layout.ACTIONS_SHEET)
    owned = len(layout.OWNED_COLUMNS)
    for i, name in enumerate(layout.COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS[name]
        c = ws.cell(1, i, name)
        c.font = st["head"]
        c.fill = st["head_fill"] if i <= owned else st["lead_fill_head"]
        c.alignment = st["wrap"]
    ws.row_dimensions[1].height = 30  # two lines: "Council rating", "Reason for new date"
    ws.freeze_panes = "B2"
    looks = _cell_styles(wb, st)
    lead_looks = [looks["lead_date" if name == layout.COMPLETED_ON else
                        "lead_rating" if name == layout.RATING else "lead_text"]
                  for name in layout.LEAD_COLUMNS]
    for n, r in enumerate(ret.rows, 2):
        values = _owned_values(r, made)
        tall = max(lines(v, WIDTHS[h]) for v, h in zip(values, layout.COLUMNS, strict=False))
        # Room to type in the lead's cells: three lines at least.
        ws.row_dimensions[n].height = min(MAX_ROW_HEIGHT, 15 * max(3, tall))
        for i, value in enumerate(values, 1):
            c = ws.cell(n, i, value if isinstance(value, date) else text(value) or None)
            c.style = looks["date" if isinstance(value, date) else "id" if i == 1 else "owned"]
        for i, look in enumerate(lead_looks, owned + 1):
            ws.cell(n, i).style = look
    _validations(ws, max(2, len(ret.rows) + 1), made)
    ws.protection.sheet = True
    # Leads may still widen columns, resize rows and filter: nothing that changes a value.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.print_title_rows = "1:1"
    _page(ws, ret)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(layout.COLUMNS))}{len(ret.rows) + 1}"


def _state_sheet(wb: Workbook, ret: LeadReturn, commit: str, made: date,
                 by: date | None) -> None:
    ws = wb.create_sheet(layout.STATE_SHEET)
    ws.sheet_state = "veryHidden"
    state = {"format": layout.FORMAT_VERSION, "commit": commit, "lead": ret.key,
             "made": made.isoformat(), "by": by.isoformat() if by else ""}
    for i, key in enumerate(layout.STATE_KEYS, 1):
        ws.cell(i, 1, key)
        value = state[key]
        ws.cell(i, 2, value if isinstance(value, int) else text(value) or None)
    top = len(layout.STATE_KEYS) + 2
    for i, field in enumerate(layout.ROW_FIELDS, 1):
        ws.cell(top, i, field)
    for n, r in enumerate(ret.rows, top + 1):
        a = r.row.action
        keys = [k if k is not None else name for name, k in zip(a.leads, a.lead_keys, strict=False)]
        values = {"id": r.id, "plan": r.plan_file, "action": a.id, "text": a.text,
                  "due": r.row.due.isoformat() if r.row.due else "", "status": r.row.status,
                  "leads": "; ".join(keys), "rag": a.rag or "", "progress": a.progress}
        for i, field in enumerate(layout.ROW_FIELDS, 1):
            c = ws.cell(n, i, text(values[field]) or None)
            c.number_format = "@"
    ws.protection.sheet = True


def workbook(ret: LeadReturn, commit: str, made: date, by: date | None) -> Workbook:
    from openpyxl import Workbook

    wb = Workbook()
    st = _styles()
    _instructions_sheet(wb, ret, made, by, st)
    _actions_sheet(wb, ret, made, st)
    _state_sheet(wb, ret, commit, made, by)
    wb.active = 0  # opens on the instructions: read first
    from openpyxl.workbook.protection import WorkbookProtection

    # No password: sheets cannot be renamed, deleted, moved or unhidden by accident.
    wb.security = WorkbookProtection(lockStructure=True)
    stamp = datetime.combine(made, time(0), UTC).replace(tzinfo=None)
    wb.properties.creator = "planctl"
    wb.properties.title = text(f"Return: {ret.name}")
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.lastModifiedBy = "planctl"
    return wb


_MODIFIED = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")


def steady_zip(data: bytes, made: date) -> bytes:
    """The same xlsx with every zip entry dated ZIP_TIME and the workbook's "modified"
    stamp the day it was made (openpyxl stamps both with the time of saving), in the
    same order: equal inputs give equal bytes."""
    stamp = f"{made.isoformat()}T00:00:00Z".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            part = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                part = _MODIFIED.sub(lambda m: m.group(1) + stamp + m.group(2), part)
            dst.writestr(entry, part)
    return out.getvalue()


def render(ret: LeadReturn, commit: str, made: date, by: date | None) -> bytes:
    """The return's bytes: the same for the same return, commit and days."""
    out = io.BytesIO()
    workbook(ret, commit, made, by).save(out)
    return steady_zip(out.getvalue(), made)


def render_all(returns: Iterable[LeadReturn], commit: str, made: date,
               by: date | None) -> Iterable[tuple[LeadReturn, bytes]]:
    for ret in returns:
        yield ret, render(ret, commit, made, by)

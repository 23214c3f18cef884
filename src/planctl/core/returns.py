"""The layout of a lead's return: the contract between `returns make` and `returns apply`.

A return is an xlsx workbook with three sheets. It goes out by email and comes back filled in,
maybe re-saved by Excel or LibreOffice, so `apply` finds columns by their headings and treats
everything in the workbook as untrusted input (docs/returns.md).
"""

from __future__ import annotations

from typing import Final

from .importing.limits import MAX_XLSX_BYTES

FORMAT_VERSION: Final = 1

INSTRUCTIONS_SHEET: Final = "Instructions"
ACTIONS_SHEET: Final = "Actions"
# Hidden from the lead ("veryHidden": not offered by Excel's Unhide); read back by `apply`.
STATE_SHEET: Final = "planctl"

# Columns planctl fills and locks, in order (headings exactly as shown).
ID: Final = "ID"
RECOMMENDATION: Final = "Recommendation"
ACTION: Final = "Action"
TIMESCALE: Final = "Timescale"
DUE: Final = "Due"
STATUS: Final = "Status"
COUNCIL_RATING: Final = "Council rating"
OWNED_COLUMNS: Final = (ID, RECOMMENDATION, ACTION, TIMESCALE, DUE, STATUS, COUNCIL_RATING)

# Columns the lead fills, in order (headings exactly as shown).
PROGRESS_UPDATE: Final = "Progress update"
RATING: Final = "Rating"
COMPLETED_ON: Final = "Completed on"
NEW_DUE_DATE: Final = "New due date"
REASON: Final = "Reason for new date"
EVIDENCE: Final = "Evidence"
LEAD_COLUMNS: Final = (PROGRESS_UPDATE, RATING, COMPLETED_ON, NEW_DUE_DATE, REASON, EVIDENCE)

COLUMNS: Final = OWNED_COLUMNS + LEAD_COLUMNS

# The hidden sheet: key/value rows first (column A the key, column B the value) ...
STATE_KEYS: Final = (
    "format",   # FORMAT_VERSION
    "commit",   # the 40-hex commit of the plans' repository the return was cut from
    "lead",     # the lead's key (as in `leads:`; for a lead not in `leads:`, the name as written)
    "made",     # the day the return was made, ISO 8601
    "by",       # the day it is wanted back, ISO 8601, or empty
)
# ... then a blank row, then a heading row of ROW_FIELDS and one row per action row of the
# Actions sheet, keyed by the text of that row's ID cell.
ROW_FIELDS: Final = (
    "id",              # the visible ID cell's text (unique within the return)
    "plan",            # the plan file, relative to the plans folder, with "/" separators
    "action",          # the action's id in that plan at the commit
    "text",            # the action's text at the commit
    "due",             # its due date at the commit, ISO 8601, or empty
    "status",          # planctl's status as at "made"
    "leads",           # its leads' keys at the commit, joined by "; "
    "rag",             # the council rating at the commit, or empty
    "progress",        # its progress at the commit
)

# Text in every sheet, the hidden one's too, is written through render.returns_xlsx.cell_text
# (control characters and what XML forbids made visible; a "'" before a leading =, +, -, @,
# their full-width forms, a tab or a line break, so that no cell starts a formula): compare
# a plan's value with a recorded one by passing it through the same function. LibreOffice
# keeps the hidden sheet hidden but saves "veryHidden" back as "hidden": both are hidden.

# Bounds on what `apply` reads (the same spirit as `import`'s limits).
MAX_ROWS: Final = 5_000
MAX_CELL_CHARS: Final = 10_000

# Bounds on reading returns out of saved emails (store/returns/mail.py).
MAX_MAIL_BYTES: Final = 200 * 2**20     # one .eml or one mbox file
MAX_MESSAGE_BYTES: Final = 50 * 2**20   # one message of an mbox
MAX_MESSAGES: Final = 10_000            # messages in one mbox
MAX_MAIL_PARTS: Final = 1_000           # MIME parts in one message, forwarded ones included
MAX_MAIL_DEPTH: Final = 10              # messages forwarded inside messages
MAX_ATTACHMENT_BYTES: Final = MAX_XLSX_BYTES  # one xlsx attachment: what `import` reads
XLSX_MIME: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

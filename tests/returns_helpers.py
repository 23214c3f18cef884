"""Shared by the returns apply tests: a small plan in git, returns made by planctl, filled
with openpyxl the way a lead fills them."""

from __future__ import annotations

import email.message
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl

PLAN = """\
plan:
  title: Test plan
  inspection:
    published: 2026-01-05
leads:
  hos-ops:
    name: Head of Operations
    email: ops@council.example
  sian:
    name: Sian Jones
  qa:
    name: QA Manager
    email: qa@council.example
recommendations:
  - text: Improve referrals
    actions:
      - text: Audit referrals to the front door
        due: By 30.9.26
        lead: hos-ops
      - text: Train the duty team on thresholds
        due: By 31.10.26
        lead: hos-ops
      - text: Report to the board every quarter
        due: Quarterly from 30.9.26
        lead: hos-ops
      - text: Joint review with partners
        due: By 30.11.26
        lead: [hos-ops, qa]
      - text: Write the new threshold guidance
        due: By 31.12.26
        lead: sian
"""

TODAY = "2026-12-07"
MADE = "2026-10-01"


def commit_all(git, message: str, date: str = "2026-09-01T10:00:00+01:00") -> None:
    git("add", "-A")
    git("commit", "-q", "-m", message, date=date)


RET = "out/hos-ops-head-of-operations.xlsx"  # the return `make` writes for hos-ops


def apply(run, *args: str):
    """`planctl returns apply ARGS` as at TODAY, on a terminal wide enough for every column."""
    return run("returns", "apply", *args, "--today", TODAY, env={"COLUMNS": "400"})


def second_plan(tmp_path: Path, action: str) -> Path:
    """plans/q.yaml: a second plan file of the same council's Head of Operations."""
    other = tmp_path / "plans" / "q.yaml"
    other.write_text(f"""plan:
  title: Workforce plan
leads:
  hos-ops:
    name: Head of Operations
    email: ops@council.example
recommendations:
  - text: Develop the workforce
    actions:
      - text: {action}
        due: By 31.12.26
        lead: hos-ops
""")
    return other


def setup_plan(tmp_path: Path, git, text: str = PLAN) -> Path:
    plans = tmp_path / "plans"
    plans.mkdir(exist_ok=True)
    path = plans / "p.yaml"
    path.write_text(text, encoding="utf-8")
    commit_all(git, "Plan as agreed")
    return path


def make(run, out: str = "out", made: str = MADE) -> Path:
    r = run("returns", "make", "-o", out, "--today", made)
    assert r.exit_code == 0, r.stderr
    return Path(out)


def set_modified(path: Path, stamp: str) -> None:
    """The workbook's last-saved time (docProps/core.xml), as Excel writes it on save."""
    src = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            zout.writestr(info, data)
    path.write_bytes(out.getvalue())


def fill(path: Path, cells: dict[str, dict[str, object]], out: Path | None = None, *,
         saved: str | None = "2026-10-14T09:30:00Z", formats: dict[str, str] | None = None,
         epoch1904: bool = False) -> Path:
    """Fill the return: {ID: {column heading: value}}; saved: the last-saved stamp."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Actions"]
    heads = {c.value: c.column for c in ws[1]}
    rows = {ws.cell(r, heads["ID"]).value: r for r in range(2, ws.max_row + 1)}
    for ident, values in cells.items():
        for heading, value in values.items():
            c = ws.cell(rows[ident], heads[heading])
            c.value = value
            if formats and heading in formats:
                c.number_format = formats[heading]
    if epoch1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        wb.epoch = CALENDAR_MAC_1904
    target = out or path
    wb.save(target)
    if saved:
        set_modified(target, saved)
    return target


def cell_of(path: Path, ident: str, heading: str) -> str:
    """'Actions!J3': where a row's column is in the return."""
    from openpyxl.utils import get_column_letter

    wb = openpyxl.load_workbook(path)
    ws = wb["Actions"]
    heads = {c.value: c.column for c in ws[1]}
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, heads["ID"]).value == ident)
    return f"Actions!{get_column_letter(heads[heading])}{row}"


def head_message(tmp_path: Path) -> tuple[str, str, str, str]:
    """(author, author email, committer, full message) of HEAD."""
    out = subprocess.run(["git", "log", "-1", "--format=%an%x00%ae%x00%cn%x00%B"], cwd=tmp_path,
                         capture_output=True, text=True, check=True).stdout
    an, ae, cn, body = out.split("\0")
    return an, ae, cn, body


def commit_count(tmp_path: Path) -> int:
    out = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=tmp_path,
                         capture_output=True, text=True, check=True).stdout
    return int(out)


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def eml(tmp_path: Path, attachment: Path, sender: str, date: str, name: str) -> Path:
    """A saved email (.eml) from `sender`, dated `date`, with the return attached."""
    msg = email.message.EmailMessage()
    msg["From"] = sender
    msg["To"] = "plans@council.example"
    msg["Subject"] = "Re: your return"
    msg["Date"] = date
    msg.set_content("Attached.")
    msg.add_attachment(attachment.read_bytes(), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       filename=attachment.name)
    path = tmp_path / name
    path.write_bytes(bytes(msg))
    return path

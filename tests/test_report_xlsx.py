"""report --format xlsx and status/overdue/upcoming --format xlsx, read back with openpyxl
(cell types, values, number formats, fills, freeze, filter, header/footer) and, for the
formula guard, with the raw XML of the sheets."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from datetime import date, datetime

import pytest
import yaml

from conftest import BUNDLED, planctl_exe
from planctl.core.evaluate import evaluate, summarise
from planctl.store.files import load_paths

openpyxl = pytest.importorskip("openpyxl")

AS_AT = "2012-10-09"
DAY = date(2012, 10, 9)
STATUS = "Status (planctl, as at 9 Oct 2012)"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def xlsx(run, *args) -> bytes:
    result = run("report", "--today", AS_AT, "--format", "xlsx", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def table(ws) -> list[dict]:
    """The sheet's rows as dicts keyed by the header row, with the cells themselves."""
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[0]]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def test_actions_sheet_has_typed_cells_words_fills_freeze_and_filter(run, bundled):
    wb = workbook(xlsx(run))
    assert wb.sheetnames[:2] == ["Actions", "Summary"]
    ws = wb["Actions"]
    rows = table(ws)
    expected = {r.action.id: r for r in evaluate(load_paths([BUNDLED]).plans, DAY)}
    assert [r["ID"].value for r in rows] == list(expected)
    fills = {}
    for r in rows:
        row = expected[r["ID"].value]
        assert r["ID"].data_type == "s" and r["Rec"].data_type == "s"
        assert r["Action"].value == row.action.text
        if row.due:
            assert r["Due"].value == datetime.combine(row.due, datetime.min.time())
            assert r["Due"].number_format == "dd/mm/yyyy"
        else:
            assert r["Due"].value is None
        word = {"on-track": "On track", "due-soon": "Due soon", "no-date": "No date"}.get(
            row.status, row.status.capitalize())
        assert r[STATUS].value == word
        assert r["Colour (planctl)"].value == {"overdue": "Red", "on-track": "Green", "completed": "Blue",
                                  "due-soon": "Amber"}[row.status]
        assert r["Days late"].value == (row.days_overdue if row.status == "overdue" else None)
        fills.setdefault(row.status, set()).add(r[STATUS].fill.fgColor.rgb)
        assert r["Action"].alignment.wrap_text
    # One fill per status, and a different one for each.
    assert all(len(f) == 1 for f in fills.values())
    assert len({next(iter(f)) for f in fills.values()}) == len(fills) >= 3
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{len(rows) + 1}"
    widths = {c.value: ws.column_dimensions[c.column_letter].width for c in ws[1]}
    assert widths["Action"] >= 4 * widths["ID"]
    assert "PUBLIC" in ws.oddHeader.center.text and "PUBLIC" in ws.oddFooter.center.text


def test_ids_stay_text_so_1_10_never_becomes_1_1(run, write_plan):
    actions = "".join(f"      - {{id: '1.{n}', text: Action {n}, due: 1.12.12}}\n"
                      for n in (1, 2, 10))
    write_plan("plan: {title: T}\nrecommendations:\n  - text: R\n    actions:\n" + actions)
    ws = workbook(xlsx(run))["Actions"]
    ids = [r["ID"] for r in table(ws)]
    assert [c.value for c in ids] == ["1.1", "1.2", "1.10"]
    assert {c.data_type for c in ids} == {"s"}


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x.invalid\",\"click\")", "+1+1", "-2+3",
                                  "@SUM(A1)", "\uff1dSUM(A1)", "  =1+1", "\t=1", "\r=1"])
def test_no_cell_can_start_a_formula(run, write_plan, text):
    plan = {"plan": {"title": text, "classification": text}, "leads": {"x": {"name": text}},
            "recommendations": [{"text": text, "actions": [
                {"text": text, "due": "1.9.12", "lead": "x",
                 "updates": [{"date": "2012-09-01", "text": text}]}]}]}
    write_plan(yaml.safe_dump(plan, allow_unicode=True))
    data = xlsx(run)
    wb = workbook(data)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.lstrip(" ").startswith(FORMULA_STARTS), cell.value
                    seen += text.strip() in cell.value
    assert seen >= 3  # the text is there, neutralised, in the action, rec and update cells
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def test_summary_sheet_counts_and_overdue_by_lead(run, bundled):
    ws = workbook(xlsx(run))["Summary"]
    rows = evaluate(load_paths([BUNDLED]).plans, DAY)
    s = summarise(rows)
    values = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r[0]}
    assert values["Overdue"][0] == s.overdue and values["Completed"][0] == s.completed
    assert values["On track"][0] == s.on_track and values["Total"][0] == s.total
    late = {}
    for r in rows:
        if r.status == "overdue":
            for lead in r.action.leads:
                late[lead] = late.get(lead, 0) + 1
    for lead, n in late.items():
        assert values[lead][0] == n, lead


def test_changes_sheet_lists_what_changed_since_a_revision(run, bundled, git_repo):
    git_repo("add", "plans")
    git_repo("commit", "-qm", "agreed", date="2012-08-20T10:00:00")
    text = bundled.read_text(encoding="utf-8")
    old = "        due: By 14.9.12\n        lead: Service Manager FST\n"
    assert old in text
    bundled.write_text(text.replace(old, old + "        status: completed\n", 1), encoding="utf-8")
    git_repo("commit", "-qam", "progress", date="2012-10-01T10:00:00")
    wb = workbook(xlsx(run, "--since", "HEAD~1"))
    assert "Changes" in wb.sheetnames
    rows = [r for r in wb["Changes"].iter_rows(values_only=True) if r[0] == "Completed"]
    assert [r[1] for r in rows] == ["3.1"]
    assert "Changes" not in workbook(xlsx(run)).sheetnames


def test_overdue_and_upcoming_write_xlsx_with_o(run, bundled, tmp_path):
    rows = evaluate(load_paths([BUNDLED]).plans, DAY)
    out = tmp_path / "late.xlsx"
    result = run("overdue", "--today", AS_AT, "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    ids = [r["ID"].value for r in table(workbook(out.read_bytes())["Overdue"])]
    assert sorted(ids) == sorted(r.action.id for r in rows if r.status == "overdue")
    out2 = tmp_path / "next.xlsx"
    assert run("upcoming", "--today", AS_AT, "--days", "60", "--format", "xlsx",
               "-o", str(out2)).exit_code == 0
    ids = {r["ID"].value for r in table(workbook(out2.read_bytes())["Upcoming"])}
    assert ids == {r.action.id for r in rows
                   if r.open and r.due and 0 <= (r.due - DAY).days <= 60}
    out3 = tmp_path / "all.xlsx"
    assert run("status", "--today", AS_AT, "--format", "xlsx", "-o", str(out3)).exit_code == 0
    assert len(table(workbook(out3.read_bytes())["Actions"])) == len(rows)
    # -o for a text format writes the same text as stdout.
    out4 = tmp_path / "late.csv"
    assert run("overdue", "--today", AS_AT, "--format", "csv", "-o", str(out4)).exit_code == 0
    assert out4.read_text(encoding="utf-8") == run("overdue", "--today", AS_AT,
                                                   "--format", "csv").stdout


def test_status_never_writes_into_the_plans_folder(run, bundled):
    result = run("status", "--today", AS_AT, "--format", "xlsx", "-o", "plans/x.xlsx")
    assert result.exit_code == 2 and "plans folder" in result.stderr
    assert not (bundled.parent / "x.xlsx").exists()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("args", [["overdue", "--format", "xlsx"],
                                  ["report", "--format", "xlsx"], ["report", "--format", "docx"]])
def test_binary_formats_are_refused_on_a_terminal(bundled, tmp_path, args):
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([*planctl_exe(), *args, "--today", AS_AT], stdout=follower,
                              stderr=subprocess.PIPE, cwd=tmp_path, timeout=120)
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 2
    assert b"writes a binary file; give -o FILE" in proc.stderr


def test_page_header_and_footer_stay_within_excels_limit(run, write_plan):
    import re

    title = "Plan & " * 80
    write_plan(yaml.safe_dump({"plan": {"title": title, "classification": "Official & sensitive"},
                               "recommendations": [{"text": "R", "actions": [
                                   {"text": "A", "due": "1.9.12"}]}]}))
    data = xlsx(run)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [z.read(n).decode("utf-8") for n in z.namelist()
                  if n.startswith("xl/worksheets/sheet")]
    parts = [re.sub(r"&amp;", "&", m) for x in sheets
             for m in re.findall(r"<(?:odd|even|first)(?:Header|Footer)>(.*?)</", x)]
    assert parts and all(len(p) <= 255 for p in parts)  # Excel refuses longer ones
    assert all("OFFICIAL && SENSITIVE" in p for p in parts)  # '&' doubled: text, not a code
    ws = workbook(data)["Actions"]
    assert ws.oddHeader.center.text.replace("&&", "&") == "OFFICIAL & SENSITIVE"

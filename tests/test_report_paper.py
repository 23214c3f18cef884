"""The committee paper says what the council said (issue 21, item 3) and holds any text.

Opened as a member would (openpyxl for the workbook, python-docx for the paper, the CSV
as Excel reads it): the council's own rating and position beside the status planctl
computes, each headed as whose it is; the reason a deadline moved in every format; and
every character XML cannot hold shown as an escape instead of a crash.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

openpyxl = pytest.importorskip("openpyxl")
docx = pytest.importorskip("docx")

AS_AT = "2012-10-09"
STATUS = "Status (planctl, as at 9 Oct 2012)"

# 1.1 is on track by its date (due 2013) but the council rates it red; 1.2 is overdue by
# date and rated green; 1.3 has no rating at all.
RATED = """\
plan: {id: p, title: Rated plan}
recommendations:
  - text: Improve supervision
    actions:
      - text: Audit supervision files
        due: By 31.3.13
        lead: Head of Service
        rag: red
        progress: Auditor not yet appointed; recruitment failed twice
      - text: Train managers
        due: By 14.9.12
        lead: Head of Service
        rag: green
        progress: Training booked for November
      - text: Publish the policy
        due: By 31.12.12
        lead: Head of Service
"""


def report(run, fmt: str, *args: str) -> bytes:
    result = run("report", "--today", AS_AT, "--format", fmt, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def sheet_rows(data: bytes, name: str = "Actions") -> list[dict]:
    ws = openpyxl.load_workbook(io.BytesIO(data))[name]
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[0]]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def test_xlsx_shows_the_councils_rating_beside_planctls_status(run, write_plan):
    write_plan(RATED)
    rows = {r["ID"].value: r for r in sheet_rows(report(run, "xlsx"))}
    audit, train, policy = rows["1.1"], rows["1.2"], rows["1.3"]
    # The council said red; planctl, by the date, says on track: both, each under its name.
    assert audit["Council RAG"].value == "red"
    assert audit[STATUS].value == "On track"
    assert audit["Council's position"].value.startswith("Auditor not yet appointed")
    assert train["Council RAG"].value == "green" and train[STATUS].value == "Overdue"
    assert policy["Council RAG"].value is None and policy["Council's position"].value is None
    # No column headed RAG holds planctl's colour: "Green" would contradict the council.
    for r in rows.values():
        for header, cell in r.items():
            if "RAG" in header:
                assert cell.value in (None, "red", "green"), (header, cell.value)
    # The council's red is shown on the red (overdue) fill.
    assert audit["Council RAG"].fill.fgColor.rgb == train[STATUS].fill.fgColor.rgb


def test_status_xlsx_heads_the_status_as_planctls(run, write_plan):
    write_plan(RATED)
    result = run("status", "--today", AS_AT, "--format", "xlsx")
    assert result.exit_code == 0, result.stderr
    rows = {r["ID"].value: r for r in sheet_rows(result.stdout_bytes)}
    assert rows["1.1"][STATUS].value == "On track" and rows["1.1"]["Council RAG"].value == "red"


def test_docx_shows_the_councils_rating_beside_planctls_status(run, write_plan):
    write_plan(RATED)
    doc = docx.Document(io.BytesIO(report(run, "docx")))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "ID"
                 and "Council RAG" in [c.text for c in t.rows[0].cells])
    header = [c.text for c in table.rows[0].cells]
    assert STATUS in header and "Council's position" in header
    rows = {r.cells[0].text: dict(zip(header, [c.text for c in r.cells], strict=True))
            for r in table.rows[1:]}
    assert rows["1.1"]["Council RAG"] == "red" and rows["1.1"][STATUS] == "On track"
    assert rows["1.1"]["Council's position"].startswith("Auditor not yet appointed")
    assert rows["1.3"]["Council RAG"] == ""
    for t in doc.tables:
        head = [c.text for c in t.rows[0].cells]
        for r in t.rows[1:]:
            for h, c in zip(head, r.cells, strict=True):
                assert not ("RAG" in h and c.text == "Green"), (h, c.text)


def test_csv_gives_the_councils_rating_and_position(run, write_plan):
    write_plan(RATED)
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(report(run, "csv").decode("utf-8-sig")))}
    assert rows["1.1"]["rag"] == "red" and rows["1.1"]["status"] == "on-track"
    assert rows["1.1"]["progress_note"].startswith("Auditor not yet appointed")


# -- the reason a deadline moved, in the workbook as in the paper and the page -------------


def test_xlsx_changes_sheet_gives_the_reason_a_deadline_moved(run, bundled, git_repo):
    git_repo("add", "plans")
    git_repo("commit", "-qm", "agreed", date="2012-08-20T10:00:00")
    result = run("reschedule", "3.1", "2012-12-14", "--reason", "auditor off sick")
    assert result.exit_code == 0, result.stderr
    git_repo("commit", "-qam", "moved", date="2012-10-01T10:00:00")
    ws = openpyxl.load_workbook(io.BytesIO(report(run, "xlsx", "--since", "HEAD~1")))["Changes"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[1]  # the first row says since when
    moved = [dict(zip(header, r, strict=True)) for r in rows[2:] if r[0] == "Deadline moved later"]
    assert [r["ID"] for r in moved] == ["3.1"]
    assert "reason: auditor off sick" in moved[0]["Detail"]


# -- characters XML cannot hold ---------------------------------------------------------

# One of each class: C0 controls (but tab, LF, CR), U+FFFE/U+FFFF, the noncharacters
# U+FDD0-U+FDEF and U+nFFFE/U+nFFFF of the other planes.
FORBIDDEN = {"\x01": "\\x01", "\x0b": "\\x0b", "\x1f": "\\x1f", "\ufffe": "\\ufffe",
             "\uffff": "\\uffff", "\ufdd0": "\\ufdd0", "\ufdef": "\\ufdef",
             "\U0001fffe": "\\U0001fffe", "\U0010ffff": "\\U0010ffff"}


def _hostile_plan(write_plan, ch: str) -> None:
    word = f'"odd\\U{ord(ch):08x}text"'  # a YAML escape, read back as the character itself
    write_plan(f"""\
plan: {{id: p, title: {word}, classification: {word}, authority: {word}}}
leads: {{x: {{name: {word}}}}}
recommendations:
  - text: {word}
    actions:
      - text: {word}
        due: By 14.9.12
        lead: x
        rag: red
        progress: {word}
        updates: [{{date: 2012-09-01, text: {word}, by: {word}}}]
""")


@pytest.mark.parametrize("ch", list(FORBIDDEN), ids=[f"U+{ord(c):04X}" for c in FORBIDDEN])
def test_xlsx_and_docx_show_what_xml_cannot_hold_as_an_escape(run, write_plan, ch):
    _hostile_plan(write_plan, ch)
    assert run("check").exit_code == 0  # the plan is valid: the outputs must cope
    seen = f"odd{FORBIDDEN[ch]}text"
    rows = sheet_rows(report(run, "xlsx"))
    assert rows[0]["Action"].value == seen
    assert rows[0]["Council's position"].value == seen
    assert rows[0]["Latest update text"].value == seen
    paper = report(run, "docx")
    doc = docx.Document(io.BytesIO(paper))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert seen in cells
    assert any(seen in p.text for p in doc.paragraphs)
    with zipfile.ZipFile(io.BytesIO(paper)) as z:
        header = b"".join(z.read(n) for n in z.namelist() if n.startswith("word/header"))
    assert FORBIDDEN[ch].encode() in header  # the classification (upper case) on every page


# -- bounded exports ----------------------------------------------------------------------


def test_a_paper_too_long_to_read_is_refused_pointing_to_xlsx_and_csv(run, write_plan, tmp_path):
    from planctl.render.report_docx import MAX_PAPER_ACTIONS

    n = MAX_PAPER_ACTIONS + 1
    write_plan("plan: {id: big, title: Big}\nrecommendations:\n  - text: R\n    actions:\n"
               + "".join(f"      - {{text: Action {i}, due: 1.12.13}}\n" for i in range(n)))
    target = tmp_path / "paper.docx"
    result = run("report", "--today", AS_AT, "-o", str(target))
    assert result.exit_code == 5
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("planctl: error: ")
    assert f"{MAX_PAPER_ACTIONS:,}" in lines[0] and f"{n:,}" in lines[0]
    assert "--format xlsx" in lines[0] and "--format csv" in lines[0]
    assert not target.exists()
    # The workbook, written streaming, takes every action.
    rows = sheet_rows(report(run, "xlsx"))
    assert len(rows) == n and rows[-1]["Action"].value == f"Action {n - 1}"

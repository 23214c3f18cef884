"""report --format docx: read back with python-docx (headings, tables, sections) and with
the raw WordprocessingML (ElementTree) for what python-docx does not model: fields,
fixed table layout, the header and footer parts."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from xml.etree import ElementTree

import pytest
import yaml

from conftest import BUNDLED
from planctl.core.evaluate import evaluate
from planctl.store.files import load_paths

docx = pytest.importorskip("docx")

AS_AT = "2012-10-09"
DAY = date(2012, 10, 9)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def paper(run, *args) -> bytes:
    result = run("report", "--today", AS_AT, "--format", "docx", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def test_headings_summary_and_overdue_by_lead(run, bundled):
    doc = docx.Document(io.BytesIO(paper(run)))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(
        ("Heading", "Title"))]
    names = [t for _, t in headings]
    for h in ("Summary", "Progress by recommendation", "Overdue actions by lead",
              "Due in the next 30 days", "All actions", "The inspection's findings"):
        assert h in names, h
    rows = evaluate(load_paths([BUNDLED]).plans, DAY)
    late = {}
    for r in rows:
        if r.status == "overdue":
            for lead in r.action.leads:
                late[lead] = late.get(lead, 0) + 1
    for lead, n in late.items():
        assert ("Heading 2", f"{lead} ({n} overdue)") in headings
    summary = next(t for t in doc.tables if t.rows[0].cells[0].text == "Status")
    counts = {r.cells[0].text: r.cells[1].text for r in summary.rows[1:]}
    assert counts["Overdue"] == str(sum(r.status == "overdue" for r in rows))
    assert counts["Total"] == str(len(rows))


def test_the_action_table_is_landscape_with_room_for_the_text(run, bundled):
    data = paper(run)
    doc = docx.Document(io.BytesIO(data))
    rows = evaluate(load_paths([BUNDLED]).plans, DAY)
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:2] == ["ID", "Action"]
                 and len(t.columns) == 7)
    assert [r.cells[0].text for r in table.rows[1:]] == [r.action.id for r in rows]
    statuses = {r.cells[0].text: r.cells[5].text for r in table.rows[1:]}
    for r in rows:
        word = statuses[r.action.id]
        assert word.split(",")[0].lower().replace(" ", "-") == r.status
    widths = [c.width for c in table.rows[1].cells]
    assert widths[1] >= 5 * widths[0]  # ID narrow, action text wide
    # No column is narrower than the longest word its header or status needs (~2 cm).
    assert min(widths[2:]) >= docx.shared.Cm(2.4)
    from docx.enum.section import WD_ORIENT

    sections = doc.sections
    assert sections[0].orientation == WD_ORIENT.PORTRAIT
    assert sections[-1].orientation == WD_ORIENT.LANDSCAPE
    assert sections[-1].page_width > sections[-1].page_height
    # Word honours the widths only with a fixed layout.
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = ElementTree.fromstring(z.read("word/document.xml"))
    layouts = [el.get(f"{W}type") for el in body.iter(f"{W}tblLayout")]
    assert layouts and set(layouts) == {"fixed"}


def test_marking_and_page_numbers_in_header_and_footer(run, bundled):
    data = paper(run)
    doc = docx.Document(io.BytesIO(data))
    for section in doc.sections:
        assert "PUBLIC" in section.header.paragraphs[0].text
        assert "PUBLIC" in " ".join(p.text for p in section.footer.paragraphs)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        footers = [ElementTree.fromstring(z.read(n)) for n in z.namelist()
                   if n.startswith("word/footer")]
    instructions = {el.text.strip() for f in footers for el in f.iter(f"{W}instrText")}
    assert {"PAGE", "NUMPAGES"} <= instructions


def test_control_characters_and_markup_in_plan_text_survive_as_text(run, write_plan):
    text = "Audit <b>files</b> & \x1b[31mrecords\x07"
    write_plan(yaml.safe_dump({"plan": {"title": text, "classification": "OFFICIAL"},
                               "recommendations": [{"text": text, "actions": [
                                   {"text": text, "due": "1.9.12"}]}]}))
    doc = docx.Document(io.BytesIO(paper(run)))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Audit <b>files</b> & \\x1b[31mrecords\\x07" in cells
    assert doc.sections[0].header.paragraphs[0].text == "OFFICIAL"


def test_changes_since_appear_in_the_paper(run, bundled, git_repo):
    git_repo("add", "plans")
    git_repo("commit", "-qm", "agreed", date="2012-08-20T10:00:00")
    text = bundled.read_text(encoding="utf-8")
    old = "        due: By 14.9.12\n        lead: Service Manager FST\n"
    bundled.write_text(text.replace(old, old + "        status: completed\n", 1), encoding="utf-8")
    git_repo("commit", "-qam", "progress", date="2012-10-01T10:00:00")
    doc = docx.Document(io.BytesIO(paper(run, "--since", "HEAD~1")))
    names = [p.text for p in doc.paragraphs]
    assert "Changes since HEAD~1" in names and "Completed (1)" in names


def test_ids_of_several_plans_get_a_column_wide_enough(run, bundled, write_plan):
    write_plan(yaml.safe_dump({"plan": {"title": "Second", "id": "second-plan-2013"},
                               "recommendations": [{"text": "R", "actions": [
                                   {"id": "10.12", "text": "Audit", "due": "1.9.12"}]}]}),
               name="second.yaml")
    doc = docx.Document(io.BytesIO(paper(run)))
    table = next(t for t in doc.tables if len(t.columns) == 7
                 and t.rows[0].cells[0].text == "ID")
    refs = [r.cells[0].text for r in table.rows[1:]]
    assert "second-plan-2013:10.12" in refs
    # Word may break after the hyphens, so the widest piece is "2013:10.12" (or
    # "slac:13.2"): about 2.5 cm of 9 pt text with the padding; the action text keeps the rest.
    first, second = table.rows[1].cells[0].width, table.rows[1].cells[1].width
    assert first >= docx.shared.Cm(2.4) and second >= docx.shared.Cm(7.0)


def test_a_moved_deadline_in_the_paper_says_by_how_long_and_why(run, bundled, git_repo):
    """The Word paper says what the HTML page says of a slipped deadline: one day, not
    "1 days", and the reason the edit recorded."""
    git_repo("add", "plans")
    git_repo("commit", "-qm", "agreed", date="2012-08-20T10:00:00")
    moved = run("reschedule", "1.2", "28.10.12", "--reason", "Board met a day late",
                "--today", AS_AT, "--commit")
    assert moved.exit_code == 0, moved.stderr
    doc = docx.Document(io.BytesIO(paper(run, "--since", "HEAD~1")))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "27 Oct 2012 to 28 Oct 2012 (1 day later); reason: Board met a day late" in cells

"""planctl import: council action plans from Excel and CSV become plans that pass check."""

from __future__ import annotations

import csv
import json
import os
import pty
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BUNDLED
from planctl.commands.progress import progress
from planctl.format.plan_yaml import scalar_lines
from planctl.format.writer import scalar as yaml_scalar
from planctl.store.files import load_paths

TITLE_ROWS = [
    ["OFSTED INSPECTION"],
    ["Safeguarding and Looked After Children"],
    [datetime(2012, 7, 27)],
    [],
]
HEADER = ["Ref", "Area for Improvement", "Action Required", "Planned Completion Date",
          "Lead Officer", "Progress", "R/A/G", "Budget"]


def council_rows():
    """Rows shaped like a real council plan (the table part only)."""
    return [
        HEADER,
        ["1", "Ensure that agreement to commence a CAF is reached", "IRT to record all CAF "
         "recommendations onto a data base", "27.7.12", "Service Manager FST", "Completed", "B", "nil"],
        ["(1a)", None, "SM FST to report monthly", "Report to SMT 27.10.12", None, None, "A", None],
        ["(1b)", None, "SM QA to audit", "By 27.10.12 and 27.3.13", "Service Manager, QA",
         "Audit tool agreed; sample drawn", "G", None],
        [None, None, None, None, None, None, None, None],
        HEADER,  # repeated on every printed page
        ["2", "Ensure the SARC pathway is understood", "Communication plan issued", "Ongoing",
         "service manager qa", "In progress", None, None],
        [None, None, "Random telephone survey, reported to LSCB", datetime(2012, 10, 27),
         "Designated Nurse", None, "R", None],
        ["3", 'Ensure referrers get a "written" response: always', "Audit of compliance",
         "Immediate", "SM FST; Designated Nurse", "Complete 14.9.12", None, None],
    ]


def write_xlsx(path: Path, rows, merge=()):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["This workbook holds the action plan on the next sheet"])
    ws = book.create_sheet("Action plan")
    for row in [*TITLE_ROWS, *rows]:
        ws.append(row)
    for cells in merge:
        ws.merge_cells(cells)
    book.save(path)
    return path


def write_csv(path: Path, rows, encoding="utf-8", delimiter=","):
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def only_plan(path: Path):
    result = load_paths([path])
    assert not result.errors, result.errors
    (plan,) = result.plans
    return plan, result


@pytest.fixture
def council_xlsx(tmp_path):
    # Recommendation 1's text cell merged down over its sub-actions, as in Word/Excel plans.
    return write_xlsx(tmp_path / "ofsted action plan.xlsx", council_rows(), merge=["B6:B8"])


def test_xlsx_council_plan_becomes_a_plan_that_passes_check(run, council_xlsx, tmp_path):
    result = run("import", str(council_xlsx), "-o", "plans/ofsted.yaml",
                 "--today", "2012-10-09", "--published", "27.7.12")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    plan, loaded = only_plan(tmp_path / "plans" / "ofsted.yaml")
    assert plan.id == "ofsted"
    assert plan.title == "OFSTED INSPECTION - Safeguarding and Looked After Children"
    assert [r.id for r in plan.recommendations] == ["1", "2", "3"]
    actions = {a.id: a for a in plan.actions}
    assert list(actions) == ["1.1", "1a", "1b", "2.1", "2.2", "3.1"]
    assert plan.recommendations[0].text == "Ensure that agreement to commence a CAF is reached"
    assert plan.recommendations[2].text == 'Ensure referrers get a "written" response: always'
    # Timescales as written: two dates are two milestones, Ongoing has none.
    assert actions["1b"].timescale.text == "By 27.10.12 and 27.3.13"
    assert [m.due for m in actions["1b"].milestones] == [date(2012, 10, 27), date(2013, 3, 27)]
    assert actions["2.1"].timescale.ongoing
    assert actions["2.2"].timescale.deadlines[0].due == date(2012, 10, 27)  # a date-typed cell
    assert actions["3.1"].timescale.deadlines[0].due == date(2012, 7, 27)  # Immediate
    # Statuses only where safe; progress text is the latest position, a colour the rating.
    assert actions["1.1"].progress == "completed"
    assert actions["2.1"].progress == "in-progress"
    assert (actions["3.1"].progress, actions["3.1"].completed) == ("completed", date(2012, 9, 14))
    assert actions["1a"].progress == "not-started"
    assert (actions["1a"].rag, actions["1a"].updates) == ("amber", ())
    assert (actions["1b"].progress_note, actions["1b"].rag) == ("Audit tool agreed; sample drawn",
                                                               "green")
    assert actions["1.1"].rag == "blue" and actions["2.2"].rag == "red"
    # One lead for case/punctuation variants; an empty lead cell under a lead is a merged cell.
    assert actions["1b"].leads == actions["2.1"].leads
    assert actions["1a"].leads == ("Service Manager FST",)
    assert actions["3.1"].leads == ("SM FST", "Designated Nurse")
    assert len(plan.leads) == 4
    assert "merged as one lead" in result.stderr
    # What could not be mapped is said.
    assert "'Budget' was not imported" in result.stderr
    check = run("check", "--plans", "plans")
    assert check.exit_code == 0, check.stdout


def test_import_to_stdout_is_the_same_plan(run, council_xlsx, tmp_path):
    result = run("import", str(council_xlsx), "--today", "2012-10-09", "--published", "27.7.12")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Imported by `planctl import`")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "p.yaml").write_text(result.stdout, encoding="utf-8")
    shown = run("show", "1b", "--format", "json", "--today", "2012-10-09")
    assert shown.exit_code == 0, shown.stderr
    action = json.loads(shown.stdout)["action"]
    assert action["timescale"] == "By 27.10.12 and 27.3.13"
    assert action["due"] == "2012-10-27"


def test_unreadable_timescale_is_kept_and_warned(run, tmp_path):
    rows = [["No", "Recommendation", "Action", "Timescale", "Lead"],
            ["1", "Improve supervision", "Revise the policy", "End of term", "HoS"],
            ["", "", "Train managers", "Immediate", "HoS"]]
    source = write_csv(tmp_path / "plan.csv", rows)
    result = run("import", str(source), "-o", "plans/p.yaml", "--today", "9.10.12")
    assert result.exit_code == 0, result.stderr
    assert "'End of term'" in result.stderr and "row 2" in result.stderr
    assert "no --published date" in result.stderr  # Immediate needs the publication date
    plan, loaded = only_plan(tmp_path / "plans" / "p.yaml")
    first, second = plan.actions
    assert "End of term" in first.timescale.text and first.timescale.tbc
    assert "Immediate" in second.timescale.text
    assert {p.code for p in loaded.problems} == {"W104"}
    check = run("check")
    assert check.exit_code == 0
    assert check.stdout.count("W104") == 2


def test_word_style_cells_with_paragraphs_split_into_actions(run, tmp_path):
    # Copied from a Word table: one row per recommendation, numbered in its text,
    # several paragraphs per cell; saved by Excel as Windows-1252 with semicolons.
    rows = [
        ["Recommendation", "Action", "Timescale", "Lead Person", "Progress"],
        ["1. Ensure that records are up to date \u2013 within 24 hours",
         "Training for all staff\nAudit of compliance\nReport on audit to DMT",
         "By 14.9.12\nBy 27.1.13\nBy 27.3.13", "Service Manager Performance", "COMPLETED"],
        ["2. Ensure a written response", "Audit of compliance\nReport on audit",
         "By 14.9.12\nBy 27.10.12", "Service Manager FST\nService Manager QA", ""],
    ]
    source = write_csv(tmp_path / "plan.csv", rows, encoding="cp1252", delimiter=";")
    result = run("import", str(source), "-o", "plans/p.yaml", "--today", "9.10.12")
    assert result.exit_code == 0, result.stderr
    plan, _ = only_plan(tmp_path / "plans" / "p.yaml")
    assert [r.id for r in plan.recommendations] == ["1", "2"]
    assert plan.recommendations[0].text == "Ensure that records are up to date \u2013 within 24 hours"
    assert [(a.id, a.text, a.timescale.text) for a in plan.recommendations[0].actions] == [
        ("1.1", "Training for all staff", "By 14.9.12"),
        ("1.2", "Audit of compliance", "By 27.1.13"),
        ("1.3", "Report on audit to DMT", "By 27.3.13")]
    assert [a.leads for a in plan.recommendations[1].actions] == [
        ("Service Manager FST",), ("Service Manager QA",)]
    # One COMPLETED for three actions is not safe as a status: kept as an update of the first.
    first = plan.recommendations[0].actions
    assert [a.progress for a in first] == ["not-started"] * 3
    assert first[0].updates[0].text == "COMPLETED"
    assert "covers 3 actions" in result.stderr


def test_map_names_columns_and_unknown_fields_are_refused(run, tmp_path):
    rows = [["Item", "What we will do", "Officer responsible", "Target", "Notes"],
            ["1", "Set up the panel", "Head of Service", "31.10.12", "see minutes"]]
    source = write_csv(tmp_path / "plan.csv", rows)
    plain = run("import", str(source), "--today", "9.10.12")
    assert plain.exit_code == 2
    assert "--map" in plain.stderr and "header" in plain.stderr
    mapped = run("import", str(source), "--today", "9.10.12", "--map", "what we will do=action",
                 "--map", "Officer Responsible=lead", "--map", "D=due", "-o", "plans/p.yaml")
    assert mapped.exit_code == 0, mapped.stderr
    assert "'Notes' was not imported" in mapped.stderr
    plan, _ = only_plan(tmp_path / "plans" / "p.yaml")
    (action,) = plan.actions
    assert (action.text, action.leads, action.timescale.text) == (
        "Set up the panel", ("Head of Service",), "31.10.12")
    missing = run("import", str(source), "--map", "what we will do=action", "--map", "Owner=lead")
    assert missing.exit_code == 2
    assert "owner" in missing.stderr and "'Officer responsible'" in missing.stderr
    bad = run("import", str(source), "--map", "Notes=comments")
    assert bad.exit_code == 2
    assert "'comments' is not a field" in bad.stderr


def test_output_is_never_overwritten_without_force(run, council_xlsx, tmp_path):
    target = tmp_path / "plans" / "p.yaml"
    target.parent.mkdir()
    target.write_text("# mine\n", encoding="utf-8")
    refused = run("import", str(council_xlsx), "-o", str(target))
    assert refused.exit_code == 2
    assert "--force" in refused.stderr
    assert target.read_text(encoding="utf-8") == "# mine\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["p.yaml"]  # no temp file left
    forced = run("import", str(council_xlsx), "-o", str(target), "--force", "--published", "27.7.12")
    assert forced.exit_code == 0, forced.stderr
    assert only_plan(target)[0].title.startswith("OFSTED")


def test_not_a_spreadsheet_is_a_clear_error(run, tmp_path):
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    result = run("import", "old.xls")
    assert result.exit_code == 2
    assert ".xlsx or CSV" in result.stderr
    empty = write_csv(tmp_path / "empty.csv", [["Action", "Lead"]])
    result = run("import", str(empty))
    assert result.exit_code == 2
    assert "no actions" in result.stderr
    assert "Traceback" not in result.stderr


def bundled_rows():
    """The bundled plan exported as a council would keep it: one row per action."""
    plan, _ = only_plan(BUNDLED)
    rows = [["No", "Recommendation", "Action", "Timescale", "Lead Officer", "Progress"]]
    for rec in plan.recommendations:
        for i, a in enumerate(rec.actions):
            rows.append([rec.id if i == 0 else "", rec.text if i == 0 else "", a.text,
                         a.timescale_text, "; ".join(a.leads),
                         "Completed" if a.progress == "completed" else ""])
    return plan, rows


def test_round_trip_of_the_bundled_plan(run, tmp_path):
    original, rows = bundled_rows()
    source = write_csv(tmp_path / "export.csv", rows)
    result = run("import", str(source), "-o", "plans/again.yaml", "--published", "2012-07-27",
                 "--today", "2012-10-09")
    assert result.exit_code == 0, result.stderr
    again, _ = only_plan(tmp_path / "plans" / "again.yaml")

    def shape(plan):
        return [(r.id, r.text, [(a.id, a.text, a.timescale_text, a.leads, a.progress,
                                 [d.due for d in a.timescale.deadlines]) for a in r.actions])
                for r in plan.recommendations]

    assert shape(again) == shape(original)
    assert sum(1 for _ in again.actions) == 62


def test_xlsx_with_the_bundled_plan_and_a_sheet_option(run, tmp_path):
    _, rows = bundled_rows()
    path = write_xlsx(tmp_path / "plan.xlsx", rows)
    result = run("import", str(path), "--sheet", "Action plan", "--published", "27.7.12")
    assert result.exit_code == 0, result.stderr
    assert "62 actions" in result.stderr
    wrong = run("import", str(path), "--sheet", "Plan")
    assert wrong.exit_code == 2
    assert "Action plan" in wrong.stderr


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=120))
def test_every_text_reads_back_exactly(text):
    assert yaml.safe_load(f"k: {yaml_scalar(text)}") == {"k": text}
    one_line = " ".join(text.split())
    block = "\n".join(scalar_lines("k", one_line, 2))
    assert yaml.safe_load("m:\n" + block) == {"m": {"k": one_line}}


def test_progress_is_silent_in_pipes_and_drawn_on_a_terminal(capfd, monkeypatch):
    assert list(progress(range(5), 5, "Counting")) == [0, 1, 2, 3, 4]
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    leader, follower = pty.openpty()
    terminal = os.fdopen(follower, "w", encoding="utf-8")
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv("TERM", "xterm")
    assert list(progress(range(3), 3, "Counting")) == [0, 1, 2]
    terminal.flush()
    drawn = os.read(leader, 65536).decode("utf-8", "replace")
    terminal.close()
    os.close(leader)
    assert "Counting" in drawn


def _save_formula_values(path: Path, values: dict[str, str]) -> None:
    """Give formula cells saved values, as Excel or LibreOffice write them on saving
    (`<c r="C6" t="str"><f>...</f><v>text</v></c>`); openpyxl writes formulas without."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as book:
        parts = {info.filename: book.read(info) for info in book.infolist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/"):
            text = data.decode("utf-8")
            for ref, value in values.items():
                text = re.sub(rf'<c r="{ref}"([^>]*)><f>(.*?)</f>(?:<v\s*/>|<v></v>)?',
                              lambda m, value=value, ref=ref: (
                                  f'<c r="{ref}"{m.group(1)} t="str"><f>{m.group(2)}</f>'
                                  f"<v>{value}</v>"), text)
            parts[name] = text.encode("utf-8")
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)


def _formula_rows():
    rows = council_rows()
    rows[1][2] = '="IRT to record all CAF "&"recommendations onto a data base"'  # C6: the action
    rows[1][7] = "=1+1"  # H6: Budget, a column not imported
    return rows


def test_a_formula_with_no_saved_value_is_refused_with_its_cell(run, tmp_path):
    """openpyxl (and other scripts) write formulas with no saved value: read as empty, the
    action would have silently become the recommendation's text."""
    path = write_xlsx(tmp_path / "scripted.xlsx", _formula_rows())
    result = run("import", str(path), "-o", "plans/p.yaml", "--today", "2012-10-09")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "planctl: error: 'Action plan'!C6: a formula with no saved value; open and save the "
        "workbook in Excel or LibreOffice, or paste values"]
    assert not (tmp_path / "plans" / "p.yaml").exists()


def test_a_formula_with_a_saved_value_is_imported_and_noted(run, tmp_path):
    path = write_xlsx(tmp_path / "saved.xlsx", _formula_rows())
    _save_formula_values(path, {"C6": "IRT to record all CAF recommendations onto a data base"})
    result = run("import", str(path), "-o", "plans/p.yaml", "--today", "2012-10-09")
    assert result.exit_code == 0, result.stderr
    assert "'Action plan'!C6: formula cell(s); the values the workbook saved" in result.stderr
    plan, _ = only_plan(tmp_path / "plans" / "p.yaml")
    first = next(iter(plan.actions))
    assert first.text == "IRT to record all CAF recommendations onto a data base"
    assert first.text != plan.recommendations[0].text


def test_a_formula_saved_as_empty_reads_as_the_empty_cell_excel_shows(run, tmp_path):
    """A saved empty value (`=IF(...,"",...)`) is what Excel shows: it is not refused as
    "no saved value" (which saving again could never fix)."""
    rows = council_rows()
    rows[1][5] = '=IF(1=1,"","Completed")'  # F6: Progress, saved empty
    path = write_xlsx(tmp_path / "empty.xlsx", rows)
    _save_formula_values(path, {"F6": ""})
    result = run("import", str(path), "-o", "plans/p.yaml", "--today", "2012-10-09")
    assert result.exit_code == 0, result.stderr
    assert "'Action plan'!F6: formula cell(s)" in result.stderr

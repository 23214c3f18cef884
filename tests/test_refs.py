"""`ref:` on recommendations and actions (issue 22, section 4): where each comes from (a
report paragraph, a regulation, a work package), read as written, shown by `show`, JSON and
every report format, and searched by `status --ref`. A plan without it prints as before."""

from __future__ import annotations

import json

import pytest

from planctl.format.reader import load_text

PLAN = """\
plan:
  id: p
  title: Improvement plan
recommendations:
  - id: "1"
    text: Improve the quality of plans
    ref: Para 4.2
    actions:
      - text: Audit the plans
        due: 31.12.12
        lead: Jo Bloggs
        ref: Reg 13(2)
      - text: Train the staff
        due: 1.10.12
  - id: "2"
    text: Strengthen the front door
    actions:
      - text: MASH live
        due: 1.11.12
        ref: WP-07
      - text: Uncited work
        due: 1.12.12
"""

TODAY = ("--today", "2012-10-09")


def read(text: str):
    """The plan and its errors (the sample's actions without a lead are warnings, not ours)."""
    plan, problems, _ = load_text(text, "plans/p.yaml")
    return plan, [p.for_check() for p in problems if p.code.startswith("E")]


def test_ref_is_read_as_written_and_is_not_the_actions_plan_id():
    plan, problems = read(PLAN)
    assert problems == []
    rec1, rec2 = plan.recommendations
    assert (rec1.cites, rec2.cites) == ("Para 4.2", None)
    a11, a12, a21, a22 = plan.actions
    assert [a.cites for a in plan.actions] == ["Reg 13(2)", None, "WP-07", None]
    assert a11.ref == "p:1.1"  # the action's own plan:id, as before
    assert plan.cites_of(a12) == "Para 4.2" and plan.cites_of(a21) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("[a, b]", "plans/p.yaml:12:14: E010 action 1.1 ref must be text, found a list"),
    ("{para: 4}", "plans/p.yaml:12:14: E010 action 1.1 ref must be text, found a mapping"),
    ('""', "plans/p.yaml:12:14: E014 action 1.1 ref is empty"),
    ('"Para 4\\nand 5"', "plans/p.yaml:12:14: E028 action 1.1 ref must be one line"),
    ('"Para 4\\u2028and 5"', "plans/p.yaml:12:14: E028 action 1.1 ref must be one line"),
    ("x" * 201, "plans/p.yaml:12:14: E028 action 1.1 ref is 201 characters, over 200"),
])
def test_a_ref_that_is_not_one_short_line_of_text_is_a_located_error(value, expected):
    _, problems = read(PLAN.replace("ref: Reg 13(2)", f"ref: {value}"))
    assert any(p.startswith(expected) for p in problems), problems


def test_a_recommendations_bad_ref_is_located_too(run, write_plan):
    write_plan(PLAN.replace("ref: Para 4.2", "ref:\n      - a\n      - b"))
    result = run("check")
    assert result.exit_code != 0
    assert "plans/p.yaml:8:7: E010 recommendation 1 ref must be text, found a list" in result.output


def test_a_number_is_read_as_the_characters_written():
    plan, problems = read(PLAN.replace("ref: WP-07", "ref: 4.10"))
    assert problems == [] and list(plan.actions)[2].cites == "4.10"


def test_200_characters_are_enough():
    plan, problems = read(PLAN.replace("ref: Reg 13(2)", "ref: " + "x" * 200))
    assert problems == [] and next(plan.actions).cites == "x" * 200


def test_show_gives_the_actions_ref_and_its_recommendations(run, write_plan):
    write_plan(PLAN)
    out = run("show", "1.1", *TODAY).output
    assert any(line.split() == ["Ref", "Reg", "13(2)"] for line in out.splitlines()), out
    assert any(line.split() == ["Recommendation", "ref", "Para", "4.2"]
               for line in out.splitlines()), out
    out = run("show", "2.2", *TODAY).output
    assert "Ref" not in out
    out = run("show", "1", *TODAY).output
    assert any(line.split() == ["Ref", "Para", "4.2"] for line in out.splitlines()), out
    data = json.loads(run("show", "1", *TODAY, "--format", "json").output)
    assert data["recommendation"]["ref"] == "Para 4.2"
    assert data["recommendation"]["actions"][0]["ref"] == "Reg 13(2)"


def test_json_has_ref_keys_only_when_given(run, write_plan):
    write_plan(PLAN)
    actions = json.loads(run("status", *TODAY, "--format", "json").output)["actions"]
    got = [(a.get("ref"), a.get("recommendation_ref")) for a in actions]
    assert got == [("Reg 13(2)", "Para 4.2"), (None, "Para 4.2"), ("WP-07", None), (None, None)]
    assert "ref" not in actions[3] and "recommendation_ref" not in actions[3]
    recs = json.loads(run("status", *TODAY, "--by-rec", "--format", "json").output)["recommendations"]
    assert recs[0]["ref"] == "Para 4.2" and "ref" not in recs[1]


def _ids(result) -> list[str]:
    assert result.exit_code == 0, result.output + result.stderr
    return [a["id"] for a in json.loads(result.output)["actions"]]


def test_status_ref_finds_the_actions_own_ref_or_its_recommendations(run, write_plan):
    write_plan(PLAN)
    assert _ids(run("status", *TODAY, "--ref", "para 4", "--format", "json")) == ["1.1", "1.2"]
    assert _ids(run("status", *TODAY, "--ref", "REG  13", "--format", "json")) == ["1.1"]
    assert _ids(run("status", *TODAY, "--ref", "wp-07", "--ref", "13(2)",
                    "--format", "json")) == ["1.1", "2.1"]
    assert _ids(run("status", *TODAY, "--ref", "para 9", "--format", "json")) == []
    # overdue and upcoming share the filter
    assert _ids(run("overdue", *TODAY, "--ref", "Para 4", "--format", "json")) == ["1.2"]
    assert _ids(run("upcoming", *TODAY, "--days", "60", "--ref", "wp",
                    "--format", "json")) == ["2.1"]


def test_status_ref_refuses_empty_text(run, write_plan):
    write_plan(PLAN)
    result = run("status", *TODAY, "--ref", " ")
    assert result.exit_code == 2
    assert "--ref needs some text" in result.stderr


def test_every_report_format_shows_the_refs(run, write_plan, tmp_path):
    import csv
    import io

    import docx
    import openpyxl

    write_plan(PLAN)
    md = run("report", *TODAY, "--format", "markdown").output
    assert "| Improve the quality of plans (ref: Para 4.2) |" in md
    assert "| Train the staff (ref: Para 4.2) |" in md  # overdue: its recommendation's ref
    html = run("report", *TODAY, "--format", "html").output
    assert "Improve the quality of plans (ref: Para 4.2)</td>" in html
    assert "Train the staff (ref: Para 4.2)</td>" in html
    rows = list(csv.DictReader(io.StringIO(run("report", *TODAY, "--format", "csv").output.lstrip("\ufeff"))))
    assert [(r["id"], r["ref"], r["recommendation_ref"]) for r in rows] == [
        ("1.1", "Reg 13(2)", "Para 4.2"), ("1.2", "", "Para 4.2"), ("2.1", "WP-07", ""), ("2.2", "", "")]
    report = json.loads(run("report", *TODAY, "--format", "json").output)
    assert report["recommendations"][0]["ref"] == "Para 4.2"
    assert report["actions"][0]["ref"] == "Reg 13(2)"

    assert run("report", *TODAY, "-o", str(tmp_path / "r.xlsx")).exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    sheet = book["Actions"]
    header = [c.value for c in next(sheet.iter_rows())]
    assert header[header.index("Action") + 1] == "Ref"
    by_id = {r[1]: r[header.index("Ref")] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_id == {"1.1": "Reg 13(2)", "1.2": "Para 4.2", "2.1": "WP-07", "2.2": None}
    summary = [c for row in book["Summary"].iter_rows(values_only=True) for c in row]
    assert "Improve the quality of plans (ref: Para 4.2)" in summary

    assert run("report", *TODAY, "-o", str(tmp_path / "r.docx")).exit_code == 0
    paper = docx.Document(str(tmp_path / "r.docx"))
    cells = [c.text for t in paper.tables for row in t.rows for c in row.cells]
    assert "Improve the quality of plans (ref: Para 4.2)" in cells
    assert "Train the staff (ref: Para 4.2)" in cells


def _every_output(run, tmp_path) -> dict[str, object]:
    import docx
    import openpyxl

    out: dict[str, object] = {}
    for fmt in ("markdown", "html", "csv", "json"):
        out[f"report {fmt}"] = run("report", *TODAY, "--format", fmt).output
    for cmd in ("status", "overdue"):
        for fmt in ("table", "json", "csv"):
            out[f"{cmd} {fmt}"] = run(cmd, *TODAY, "--format", fmt).output
    out["show"] = run("show", "1.1", *TODAY).output
    assert run("report", *TODAY, "-o", str(tmp_path / "r.xlsx")).exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    out["xlsx"] = [[c for c in row] for ws in book.worksheets for row in ws.iter_rows(values_only=True)]
    assert run("report", *TODAY, "-o", str(tmp_path / "r.docx")).exit_code == 0
    paper = docx.Document(str(tmp_path / "r.docx"))
    out["docx"] = [c.text for t in paper.tables for row in t.rows for c in row.cells]
    return out


def test_a_plan_without_ref_prints_exactly_as_before(run, write_plan, tmp_path):
    """No Ref line, column or key appears for a plan that writes no ref: (the golden files
    pin the bytes of the bundled plan's outputs)."""
    plain = PLAN.replace("    ref: Para 4.2\n", "").replace("        ref: Reg 13(2)\n", "")
    plain = plain.replace("        ref: WP-07\n", "")
    write_plan(plain)
    without = _every_output(run, tmp_path)
    for name, text in without.items():
        assert "ref" not in str(text).casefold().replace("p.yaml", ""), name
    header = [c for c in without["xlsx"] if c and c[0] == "Rec"]
    assert header and all("Ref" not in row for row in header)


def test_ref_comes_back_from_the_cache(write_plan):
    from planctl.store import cache
    from planctl.store.files import load_paths

    path = write_plan(PLAN)
    fresh = load_paths([path], use_cache=False).plans
    load_paths([path])  # fills the cache
    assert list(cache.cache_dir().glob("v*/*"))
    cached = load_paths([path]).plans
    assert cached == fresh
    assert [a.cites for a in cached[0].actions] == ["Reg 13(2)", None, "WP-07", None]
    assert cached[0].recommendations[0].cites == "Para 4.2"

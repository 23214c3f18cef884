"""Leads belong to an authority, and a roll-up of many plans (issue 23, section 4).

Real plan files in tmp_path, read by planctl: what the user sees in `leads`, `status
--lead AUTHORITY:LEAD`, `overdue --by-lead`, JSON keys, the roll-up and the errors.
"""

from __future__ import annotations

import textwrap
from datetime import date

from conftest import as_json
from planctl.core.rollup import authority_of, rollup
from planctl.format.reader import load_text


def plan_text(plan_id: str, authority: str | None, lead: str, *, done: bool = False,
              due: str = "2026-01-31", updated: str | None = None,
              inspectorate: str = "Ofsted") -> str:
    auth = f"  authority: {authority}\n" if authority else ""
    update = (f"        updates:\n          - date: {updated}\n            text: Work started\n"
              if updated else "")
    status = "        status: completed\n        completed: 2026-01-10\n" if done else ""
    return (f"plan:\n  id: {plan_id}\n  title: {plan_id} plan\n{auth}"
            f"  inspection:\n    by: {inspectorate}\n    kind: Children's services\n"
            "    published: 2025-06-01\n"
            "recommendations:\n  - id: '1'\n    text: Improve supervision\n    actions:\n"
            f"      - text: Audit supervision records\n        due: {due}\n"
            f"        lead: {lead}\n{status}{update}"
            "      - text: Train managers\n        due: 2026-12-31\n"
            f"        lead: {lead}\n")


def load(text: str, name: str = "p.yaml"):
    plan, problems, _ = load_text(textwrap.dedent(text).encode(), name)
    assert plan is not None, problems
    return plan


def test_rollup_one_row_per_plan_with_its_figures():
    north = load(plan_text("north", "Northmoor Borough Council", "Head of Service",
                           updated="2026-02-01", due="2026-02-10"), "north.yaml")
    south = load(plan_text("south", None, "Head of Service", done=True,
                           inspectorate="CQC"), "south.yaml")
    rows = rollup([south, north], date(2026, 3, 1), slipped={"north": 1})
    assert [r.authority for r in rows] == ["Northmoor Borough Council", "south"]
    n, s = rows
    assert (n.actions, n.overdue, n.percent_complete, n.slipped) == (2, 1, 0, 1)
    assert n.last_update == date(2026, 2, 1) and n.inspectorate == "Ofsted"
    assert (s.completed, s.percent_complete, s.slipped, s.authority_given) == (1, 50, 0, False)
    assert s.last_update is None and s.inspectorate == "CQC"
    assert authority_of(south) == "south"
    d = n.as_dict()
    assert d["last_update"] == "2026-02-01" and d["authority"] == "Northmoor Borough Council"


def test_rollup_slipped_unknown_without_history():
    plan = load(plan_text("north", "Northmoor Borough Council", "Head of Service"))
    (row,) = rollup([plan], date(2026, 3, 1))
    assert row.slipped is None and row.as_dict()["slipped"] is None


def test_last_update_ignores_updates_after_the_as_at_date():
    plan = load(plan_text("north", "Northmoor", "Head of Service", updated="2026-02-01"))
    assert rollup([plan], date(2026, 1, 15))[0].last_update is None


# -- the roll-up in the report ------------------------------------------------------------


def two_councils(write_plan):
    write_plan(plan_text("north", "Northmoor Borough Council", "Head of Service",
                         updated="2026-02-01", due="2026-02-10"), "north.yaml")
    write_plan(plan_text("south", "Southmere City Council", "Head of Service", done=True,
                         inspectorate="CQC"), "south.yaml")


def test_report_json_has_a_rollup_for_several_plans(write_plan, run):
    two_councils(write_plan)
    report = as_json(run("report", "--today", "2026-03-01", "--format", "json"))
    rows = {r["authority"]: r for r in report["rollup"]}
    assert set(rows) == {"Northmoor Borough Council", "Southmere City Council"}
    north = rows["Northmoor Borough Council"]
    assert (north["actions"], north["overdue"], north["last_update"]) == (2, 1, "2026-02-01")
    assert north["slipped"] is None  # not in git: not known, never 0
    assert rows["Southmere City Council"]["inspectorate"] == "CQC"


def test_report_of_one_plan_has_no_rollup(write_plan, run):
    write_plan(plan_text("north", "Northmoor Borough Council", "Head of Service"))
    report = as_json(run("report", "--today", "2026-03-01", "--format", "json"))
    assert "rollup" not in report


def test_rollup_in_markdown_html_and_word(write_plan, run, tmp_path):
    import docx

    two_councils(write_plan)
    md = run("report", "--today", "2026-03-01").stdout
    assert "## Plans at a glance" in md
    assert "| Northmoor Borough Council | north | Ofsted: Children's services" in md
    run("report", "--today", "2026-03-01", "-o", str(tmp_path / "r.html"))
    page = (tmp_path / "r.html").read_text()
    section = page.split('<section id="rollup">')[1].split("</section>")[0]
    assert "Southmere City Council" in section and "Northmoor Borough Council" in section
    run("report", "--today", "2026-03-01", "-o", str(tmp_path / "r.docx"))
    paper = docx.Document(str(tmp_path / "r.docx"))
    texts = [[c.text for c in t.rows[0].cells] for t in paper.tables]
    assert ["Authority", "Plan", "Inspection", "Actions", "% complete", "Overdue", "Due soon",
            "Slipped", "Last update"] in texts


def test_rollup_counts_slipped_deadlines_from_git(write_plan, run, git_repo, tmp_path):
    two_councils(write_plan)
    git_repo("add", "plans")
    git_repo("commit", "-q", "-m", "Plans agreed", date="2026-01-05T10:00:00+00:00")
    path = tmp_path / "plans" / "north.yaml"
    path.write_text(path.read_text().replace("due: 2026-02-10", "due: 2026-04-30"))
    git_repo("commit", "-q", "-am", "Audit later: staff shortage", date="2026-02-05T10:00:00+00:00")
    report = as_json(run("report", "--today", "2026-03-01", "--format", "json"))
    rows = {r["plan"]: r["slipped"] for r in report["rollup"]}
    assert rows == {"north": 1, "south": 0}
    # As at a date before the move, it had not slipped yet.
    earlier = as_json(run("report", "--today", "2026-01-20", "--format", "json"))
    assert {r["plan"]: r["slipped"] for r in earlier["rollup"]}["north"] == 0

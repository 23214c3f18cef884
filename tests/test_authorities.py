"""Leads belong to an authority, and a roll-up of many plans (issue 23, section 4).

Real plan files in tmp_path, read by planctl: what the user sees in `leads`, `status
--lead AUTHORITY:LEAD`, `overdue --by-lead`, JSON keys, the roll-up and the errors.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

from conftest import ROOT, as_json
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


# -- leads belong to an authority -----------------------------------------------------------


def council_plan(plan_id: str, authority: str | None, lead: str = "Head of Service",
                 email: str | None = None, due: str = "2026-01-31", title: str = "") -> str:
    """A plan whose lead is declared under `leads:` (with an email when given); its first
    action is overdue on 1 March 2026, its second open and not due."""
    auth = f"  authority: {authority}\n" if authority else ""
    mail = f"\n    email: {email}" if email else ""
    return (f"plan:\n  id: {plan_id}\n  title: {title or plan_id + ' plan'}\n{auth}"
            f"leads:\n  hos:\n    name: {json.dumps(lead)}{mail}\n"
            "recommendations:\n  - id: '1'\n    text: Improve supervision\n    actions:\n"
            f"      - text: {plan_id} audit of supervision\n        due: {due}\n        lead: hos\n"
            f"      - text: {plan_id} training\n        due: 2026-12-31\n        lead: hos\n")


TODAY = ("--today", "2026-03-01")


def three_files(write_plan):
    """Northmoor in two plan files (children's and adults'), Southmere in one: each names a
    "Head of Service"."""
    write_plan(council_plan("north-children", "Northmoor Borough Council",
                            email="hos.children@northmoor.example"), "north-children.yaml")
    write_plan(council_plan("north-adults", "Northmoor Borough Council",
                            email="hos.children@northmoor.example"), "north-adults.yaml")
    write_plan(council_plan("south", "Southmere City Council", email="hos@southmere.example",
                            due="2026-06-30"), "south.yaml")


def test_leads_keeps_the_same_role_in_two_councils_apart(write_plan, run):
    three_files(write_plan)
    out = as_json(run("leads", *TODAY, "--format", "json"))["leads"]
    heads = {e["authority"]: e for e in out if e["lead"] == "Head of Service"}
    assert set(heads) == {"Northmoor Borough Council", "Southmere City Council"}
    # Two plan files of one council share their lead: 4 actions, 2 overdue.
    assert (heads["Northmoor Borough Council"]["total"],
            heads["Northmoor Borough Council"]["overdue"]) == (4, 2)
    assert (heads["Southmere City Council"]["total"],
            heads["Southmere City Council"]["overdue"]) == (2, 0)
    assert set(out[0]) >= {"lead", "key", "authority", "total", "open", "overdue", "due_soon",
                           "completed"}


def test_leads_table_shows_the_authority_when_there_are_several(write_plan, run):
    three_files(write_plan)
    result = run("leads", *TODAY, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Authority,Lead,Open,Overdue,Due soon,Completed,Total"
    assert "Northmoor Borough Council,Head of Service,4,2,0,0,4" in lines
    assert "Southmere City Council,Head of Service,2,0,0,0,2" in lines
    table = run("leads", *TODAY, "--format", "table", env={"COLUMNS": "120"}).stdout
    assert "Authority" in table and "Southmere City Council" in table


def test_leads_table_of_one_authority_has_no_authority_column(write_plan, run):
    write_plan(council_plan("north-children", "Northmoor Borough Council"), "a.yaml")
    write_plan(council_plan("north-adults", "Northmoor Borough Council"), "b.yaml")
    lines = run("leads", *TODAY, "--format", "csv").stdout.splitlines()
    assert lines == ["Lead,Open,Overdue,Due soon,Completed,Total",
                     "Head of Service,4,2,0,0,4"]


def test_an_ambiguous_lead_is_refused_with_the_choices(write_plan, run):
    three_files(write_plan)
    result = run("status", *TODAY, "--lead", "head of service")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("planctl: error: ")
    assert "several authorities" in result.stderr
    assert ("'Northmoor Borough Council:Head of Service', "
            "'Southmere City Council:Head of Service'") in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_status_lead_authority_colon_lead(write_plan, run):
    three_files(write_plan)
    # Matched as names are: case and spaces aside.
    got = as_json(run("status", *TODAY, "--lead", "northmoor  borough council:HEAD OF SERVICE",
                      "--format", "json"))
    assert sorted(a["plan"] for a in got["actions"]) == ["north-adults", "north-adults",
                                                         "north-children", "north-children"]
    south = as_json(run("status", *TODAY, "--lead", "Southmere City Council:hos",
                        "--format", "json"))
    assert {a["plan"] for a in south["actions"]} == {"south"}


def test_plan_filter_makes_a_bare_name_unambiguous(write_plan, run):
    three_files(write_plan)
    got = as_json(run("status", *TODAY, "--plan", "south", "--lead", "Head of Service",
                      "--format", "json"))
    assert {a["plan"] for a in got["actions"]} == {"south"}


def test_unknown_lead_within_an_authority_is_refused(write_plan, run):
    three_files(write_plan)
    result = run("status", *TODAY, "--lead", "Southmere City Council:Head of Servce")
    assert result.exit_code == 2
    assert "no lead 'Head of Servce' in Southmere City Council" in result.stderr
    assert "did you mean 'Head of Service'" in result.stderr


def test_authority_matched_without_accents(write_plan, run):
    write_plan(council_plan("mon", "Cyngor Sir Ynys Môn"), "mon.yaml")
    write_plan(council_plan("south", "Southmere City Council"), "south.yaml")
    got = as_json(run("status", *TODAY, "--lead", "cyngor sir ynys mon:head of service",
                      "--format", "json"))
    assert {a["plan"] for a in got["actions"]} == {"mon"}


def test_plans_without_authority_share_their_leads_as_before_and_are_warned(write_plan, run):
    # Whether two files that name no authority are one council's or two cannot be told:
    # they are read as before 0.4 (one council), with a warning on each that says how to say.
    write_plan(council_plan("north", None), "north.yaml")
    write_plan(council_plan("south", None), "south.yaml")
    out = as_json(run("leads", *TODAY, "--format", "json"))["leads"]
    heads = [e for e in out if e["lead"] == "Head of Service"]
    assert [e["authority"] for e in heads] == ["(no authority)"]  # one lead, not two
    got = as_json(run("status", *TODAY, "--lead", "Head of Service", "--format", "json"))
    assert {a["plan"] for a in got["actions"]} == {"north", "south"}
    said = run("check").stdout
    for name in ("north.yaml", "south.yaml"):
        assert f"{name}:1:1: W143 no `authority:`" in said
    assert "Add `authority: NAME` under `plan:`" in said


def test_a_named_council_and_plans_without_authority_are_apart(write_plan, run):
    write_plan(council_plan("north", "Northmoor Borough Council"), "north.yaml")
    write_plan(council_plan("south", None), "south.yaml")
    out = as_json(run("leads", *TODAY, "--format", "json"))["leads"]
    assert sorted(e["authority"] for e in out if e["lead"] == "Head of Service") == [
        "(no authority)", "Northmoor Borough Council"]
    refused = run("status", *TODAY, "--lead", "Head of Service")
    assert refused.exit_code == 2 and "(no authority):Head of Service" in refused.stderr
    got = as_json(run("status", *TODAY, "--lead", "(no authority):Head of Service",
                      "--format", "json"))
    assert {a["plan"] for a in got["actions"]} == {"south"}
    assert "W143" not in run("check").stdout  # only one plan names no authority


def test_a_lead_whose_name_holds_a_colon_still_works(write_plan, run):
    write_plan(council_plan("north", "Northmoor Borough Council", lead="Head of Service: Adults"),
               "north.yaml")
    write_plan(council_plan("south", "Southmere City Council"), "south.yaml")
    got = as_json(run("status", *TODAY, "--lead", "Head of Service: Adults", "--format", "json"))
    assert {a["plan"] for a in got["actions"]} == {"north"}
    # The first colon splits only where what is before it is an authority.
    got = as_json(run("status", *TODAY, "--lead",
                      "Northmoor Borough Council:Head of Service: Adults", "--format", "json"))
    assert {a["plan"] for a in got["actions"]} == {"north"}


def test_overdue_by_lead_groups_by_authority(write_plan, run):
    write_plan(council_plan("north", "Northmoor Borough Council"), "north.yaml")
    write_plan(council_plan("south", "Southmere City Council"), "south.yaml")
    groups = as_json(run("overdue", *TODAY, "--by-lead", "--format", "json"))["leads"]
    assert [(g["authority"], g["lead"], g["count"]) for g in groups] == [
        ("Northmoor Borough Council", "Head of Service", 1),
        ("Southmere City Council", "Head of Service", 1)]
    md = run("overdue", *TODAY, "--by-lead", "--format", "markdown").stdout
    assert "Head of Service - Northmoor Borough Council (1)" in md
    assert "Head of Service - Southmere City Council (1)" in md


def test_report_groups_overdue_by_authority_scoped_lead(write_plan, run):
    write_plan(council_plan("north", "Northmoor Borough Council"), "north.yaml")
    write_plan(council_plan("south", "Southmere City Council"), "south.yaml")
    report = as_json(run("report", *TODAY, "--format", "json"))
    assert [(g["authority"], g["count"]) for g in report["overdue_by_lead"]] == [
        ("Northmoor Borough Council", 1), ("Southmere City Council", 1)]
    md = run("report", *TODAY).stdout
    assert "### Head of Service - Southmere City Council (1 overdue)" in md


def test_remind_sends_each_councils_lead_their_own_actions(write_plan, run):
    write_plan(council_plan("north", "Northmoor Borough Council", email="hos@northmoor.example"),
               "north.yaml")
    write_plan(council_plan("south", "Southmere City Council", email="hos@southmere.example"),
               "south.yaml")
    result = run("remind", *TODAY, "--from", "plans@region.example", "--dry-run")
    assert result.exit_code == 0, result.stderr
    messages = result.stdout.split("To: ")[1:]
    assert len(messages) == 2
    by_to = {m.splitlines()[0]: m for m in messages}
    north = next(m for to, m in by_to.items() if "northmoor" in to)
    south = next(m for to, m in by_to.items() if "southmere" in to)
    assert "north audit" in north and "south audit" not in north
    assert "south audit" in south and "north audit" not in south


# -- the worked example: examples/councils ---------------------------------------------------

EXAMPLES = ROOT / "examples"


def example_councils(tmp_path) -> Path:
    """A copy of examples/councils outside git (the roll-up's slipped is then unknown)."""
    target = tmp_path / "councils"
    shutil.copytree(EXAMPLES / "councils", target)
    return target


def make_councils():
    spec = importlib.util.spec_from_file_location("make_councils", EXAMPLES / "make_councils.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_plans_are_as_the_script_writes_them():
    result = subprocess.run([sys.executable, str(EXAMPLES / "make_councils.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_example_plans_pass_check(tmp_path, run):
    folder = example_councils(tmp_path)
    result = run("check", "--plans", str(folder))
    assert result.exit_code == 0, result.stdout + result.stderr
    said = result.stdout + result.stderr
    assert "26 plans" in said and "0 errors, 0 warnings" in said


def test_example_report_rolls_up_every_council(tmp_path, run):
    folder = example_councils(tmp_path)
    councils = {c[0] for c in make_councils().COUNCILS}
    report = as_json(run("report", "--plans", str(folder), "--today", "2026-03-01",
                         "--format", "json"))
    rows = report["rollup"]
    assert len(rows) == 26 and len(councils) >= 20
    assert {r["authority"] for r in rows} == councils
    assert {r["inspectorate"] for r in rows} == {"Ofsted", "CQC", "Ofsted and CQC",
                                                  "HMI Probation"}
    assert all(5 <= r["actions"] <= 25 for r in rows)
    assert any(r["overdue"] for r in rows) and any(r["percent_complete"] == 100 for r in rows)
    # Each row's figures are what `status` says of that plan alone, on that date.
    for row in rows[:: 5]:
        alone = as_json(run("status", "--plans", str(folder), "--today", "2026-03-01",
                            "--plan", row["plan"], "--format", "json"))["summary"]
        assert (row["actions"], row["overdue"], row["due_soon"], row["completed"]) == (
            alone["total"], alone["overdue"], alone["due_soon"], alone["completed"])
    md = run("report", "--plans", str(folder), "--today", "2026-03-01").stdout
    assert "## Plans at a glance" in md and "| Dunmere Council | dunmere |" in md


def test_example_leads_keep_each_councils_head_of_service(tmp_path, run):
    folder = example_councils(tmp_path)
    leads = as_json(run("leads", "--plans", str(folder), "--today", "2026-03-01",
                        "--format", "json"))["leads"]
    heads = [e for e in leads if e["lead"] == "Head of Service"]
    assert len(heads) == len({e["authority"] for e in heads}) >= 20
    northmoor = next(e for e in heads if e["authority"] == "Northmoor Borough Council")
    # One lead across Northmoor's two plan files: the same actions `--lead` finds.
    found = as_json(run("status", "--plans", str(folder), "--today", "2026-03-01", "--lead",
                        "Northmoor Borough Council:Head of Service", "--format", "json"))
    assert {a["plan"] for a in found["actions"]} == {"northmoor", "northmoor-yjs"}
    assert northmoor["total"] == len(found["actions"])
    ambiguous = run("status", "--plans", str(folder), "--today", "2026-03-01",
                    "--lead", "Head of Service")
    assert ambiguous.exit_code == 2
    assert "'Ashdown Vale Council:Head of Service'" in ambiguous.stderr
    table = run("leads", "--plans", str(folder), "--today", "2026-03-01",
                env={"COLUMNS": "160"}).stdout
    assert table.splitlines()[0].split()[:2] == ["Authority", "Lead"]


def test_report_of_several_plans_opens_with_one_heading(write_plan, run, tmp_path):
    import docx

    two_councils(write_plan)
    md = run("report", "--today", "2026-03-01").stdout
    assert md.startswith("# Action plans of 2 authorities\n")
    assert md.count("\n# ") == 0  # no heading per plan before the summary
    annex = md.split("## The plans")[1]
    assert "| north | north plan |" in annex and "plans/south.yaml" in annex
    run("report", "--today", "2026-03-01", "-o", str(tmp_path / "r.html"))
    page = (tmp_path / "r.html").read_text()
    assert page.count("<h1>") == 1 and "<h1>Action plans of 2 authorities</h1>" in page
    assert '<section id="plans">' in page
    run("report", "--today", "2026-03-01", "-o", str(tmp_path / "r.docx"))
    paper = docx.Document(str(tmp_path / "r.docx"))
    assert paper.paragraphs[0].text == "Action plans of 2 authorities"
    assert ["Plan", "Title", "Version", "Owner", "File"] in [
        [c.text for c in t.rows[0].cells] for t in paper.tables]


def test_ambiguity_error_names_ten_choices_and_counts_the_rest(tmp_path, run):
    folder = example_councils(tmp_path)
    result = run("status", "--plans", str(folder), "--today", "2026-03-01",
                 "--lead", "Head of Service")
    assert result.exit_code == 2
    assert result.stderr.count(":Head of Service'") == 10
    assert "and 14 more (see 'planctl leads')" in result.stderr


def test_example_dashboard_has_the_rollup_and_the_plan_filter(tmp_path, run):
    from html.parser import HTMLParser

    folder = example_councils(tmp_path)
    args = ("--plans", str(folder), "--today", "2026-03-01")
    data = as_json(run("dashboard", *args, "--format", "json"))
    plan_ids = sorted(p.stem for p in folder.glob("*.yaml"))
    assert len(data["rollup"]) == 26
    assert {r["authority"] for r in data["rollup"]} == {c[0] for c in make_councils().COUNCILS}
    # The dashboard's roll-up is the report's, for the same plans and date.
    report = as_json(run("report", *args, "--format", "json"))
    assert data["rollup"] == report["rollup"]
    assert sorted(p["value"] for p in data["filters"]["plans"]) == plan_ids
    leads = data["filters"]["leads"]
    assert "Northmoor Borough Council: Head of Service" in leads
    assert "Southmere City Council: Head of Service" in leads

    class Page(HTMLParser):
        def __init__(self):
            super().__init__()
            self.select, self.options, self.links, self.text = None, [], [], []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "select":
                self.select = a.get("id")
            elif tag == "option" and self.select == "f-plan":
                self.options.append(a.get("value"))
            elif tag == "a" and (a.get("href") or "").startswith("#view?plan="):
                self.links.append(a["href"].removeprefix("#view?plan="))

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None

        def handle_data(self, data):
            self.text.append(data)

    result = run("dashboard", *args, "-o", str(tmp_path / "d.html"))
    assert result.exit_code == 0, result.stderr
    page = Page()
    page.feed((tmp_path / "d.html").read_text(encoding="utf-8"))
    assert "Plans at a glance" in "".join(page.text)
    assert set(plan_ids) <= set(page.options)  # the plan filter offers every plan
    assert sorted(page.links) == plan_ids  # each roll-up row opens its plan's view

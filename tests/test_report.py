"""planctl report: the committee paper in Markdown, JSON, CSV and iCalendar, and -o FILE.

Expected figures are computed here from the plan itself (its YAML, or
evaluate() row by row), never copied from the report's output.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from conftest import BUNDLED
from planctl.core.evaluate import evaluate
from planctl.store.atomic import atomic_write
from planctl.store.files import load_paths

AS_AT = "2012-10-09"
DAY = date(2012, 10, 9)
SECTIONS_MD = ["## Summary", "## Progress by recommendation", "## Overdue actions by lead",
               "## Due in the next 30 days", "## Latest update on each open action",
               "## The inspection's findings"]


@pytest.fixture(scope="module")
def rows():
    """The bundled plan judged as at the committee's date, row by row."""
    return evaluate(load_paths([BUNDLED]).plans, DAY)


@pytest.fixture(scope="module")
def source():
    return yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))


def per_recommendation(rows) -> dict[str, tuple[int, int, int]]:
    """rec id -> (total, completed, overdue), counted from the rows."""
    out: dict[str, list[int]] = {}
    for r in rows:
        t = out.setdefault(r.action.recommendation, [0, 0, 0])
        t[0] += 1
        t[1] += r.status == "completed"
        t[2] += r.status == "overdue"
    return {k: tuple(v) for k, v in out.items()}


def report(run, *args: str):
    result = run("report", "--today", AS_AT, *args)
    assert result.exit_code == 0, result.stderr
    return result


# -- the bundled plan, format by format ---------------------------------------------------


def test_yaml_and_evaluation_agree_on_the_headline_figures(rows, source):
    # The independent sources the other tests lean on.
    written_completed = sum(1 for rec in source["recommendations"] for a in rec["actions"]
                            if str(a.get("status", "")).lower() == "completed")
    assert len(rows) == 62 == sum(len(rec["actions"]) for rec in source["recommendations"])
    assert written_completed == 6 == sum(r.status == "completed" for r in rows)
    assert sum(r.status == "overdue" for r in rows) == 19


def test_markdown_is_the_default_with_every_section_in_order(run, bundled, rows):
    out = report(run).stdout
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines[0] == lines[-1] == "**PUBLIC**"  # the marking, top and bottom
    positions = [out.index(heading + "\n") for heading in SECTIONS_MD]
    assert positions == sorted(positions)
    assert "# Ofsted inspection of safeguarding and looked after children" in out
    assert "**Thurrock Council**: progress report as at 9 Oct 2012" in out
    assert "| Plan version | 1.1 (updated 20 Aug 2012) |" in out
    assert "| Plan owner | Head of Care and Targeted Outcomes |" in out
    assert "Ofsted: Safeguarding and looked after children (published 27 Jul 2012)" in out
    assert "62 actions: 6 completed (10% complete), 19 overdue, 56 still open." in out
    assert "| Overdue | 19 |" in out and "| **Total** | **62** |" in out


def test_markdown_figures_per_recommendation_match_the_plan(run, bundled, rows):
    out = report(run).stdout
    expected = per_recommendation(rows)
    table = out.split("## Progress by recommendation")[1].split("\n## ")[0]
    found = {}
    for line in table.splitlines():
        m = re.match(r"\| (\d+) \| .* \| (\d+) of (\d+) \| (\d+) \| (\S+) (\d+)% \|$", line)
        if m:
            rec, done, total, late, bar, pct = m.groups()
            found[rec] = (int(total), int(done), int(late))
            assert len(bar) == 10 and bar.count("\u2588") == round(10 * int(done) / int(total))
            assert int(pct) == round(100 * int(done) / int(total))
            assert ("\u2592" in bar) == (int(late) > 0)  # overdue always shows in the bar
    assert found == expected and len(found) == 19


def test_markdown_overdue_by_lead_and_upcoming_match_the_rows(run, bundled, rows):
    out = report(run).stdout
    per_lead = Counter(lead for r in rows if r.status == "overdue" for lead in r.action.leads)
    overdue = out.split("## Overdue actions by lead")[1].split("\n## ")[0]
    headings = dict(re.findall(r"^### (.+) \((\d+) overdue\)$", overdue, re.M))
    assert {k: int(v) for k, v in headings.items()} == dict(per_lead)
    soon = {r.action.id for r in rows if r.open and r.due and DAY <= r.due <= DAY + timedelta(30)}
    upcoming = out.split("## Due in the next 30 days")[1].split("\n## ")[0]
    assert set(re.findall(r"^\| (\d+\.\d+) \|", upcoming, re.M)) == soon
    assert "Open actions due from 9 Oct 2012 to 8 Nov 2012." in upcoming
    # No update is recorded in the bundled plan: every open action is named as lacking one.
    updates = out.split("## Latest update on each open action")[1].split("\n## ")[0]
    assert f"No update recorded for {sum(r.open for r in rows)} open actions" in updates


def test_markdown_findings_carry_every_judgement(run, bundled, source):
    out = report(run).stdout
    findings = out.split("## The inspection's findings")[1]
    for area in source["findings"]["areas"]:
        assert f"### {area['area']}" in findings
        for j in area["judgements"]:
            assert f"| {j['name']} | {j['grade']} |" in findings


def test_json_has_the_same_content_as_the_html(run, bundled, rows, source):
    data = json.loads(report(run, "--format", "json").stdout)
    assert data["as_at"] == AS_AT and data["classification"] == "PUBLIC"
    assert data["plans"][0]["inspection"] == {"by": "Ofsted",
                                              "kind": "Safeguarding and looked after children",
                                              "published": "2012-07-27"}
    s = data["summary"]
    assert (s["total"], s["completed"], s["overdue"], s["open"], s["percent_complete"]) == (
        62, 6, 19, 56, 10)
    recs = {r["id"]: (r["total"], r["completed"], r["overdue"]) for r in data["recommendations"]}
    assert recs == per_recommendation(rows)
    late = {(g["lead"], a["id"]) for g in data["overdue_by_lead"] for a in g["actions"]}
    assert late == {(lead, r.action.id) for r in rows if r.status == "overdue"
                    for lead in r.action.leads}
    assert all(g["count"] == len(g["actions"]) for g in data["overdue_by_lead"])
    assert data["upcoming"]["until"] == "2012-11-08"
    assert [a["id"] for a in data["latest_updates"]] == [r.action.id for r in rows if r.open]
    assert data["changes"] is None and data["timeline"] is None  # no --since; not a git repo
    assert [a["area"] for a in data["findings"][0]["areas"]] == [
        a["area"] for a in source["findings"]["areas"]]
    assert len(data["actions"]) == 62
    a31 = next(a for a in data["actions"] if a["id"] == "3.1")
    assert (a31["due"], a31["status"], a31["days_overdue"]) == ("2012-09-14", "overdue", 25)
    assert a31["milestones"] == [{"due": "2012-09-14", "text": "", "done": False, "done_on": None}]


def test_csv_has_one_row_per_action_with_every_field(run, bundled, rows):
    raw = report(run, "--format", "csv").stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    assert b"\r\n" in raw
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(table) == 62
    assert {"plan", "recommendation", "id", "text", "leads", "report_to", "timescale", "due",
            "status", "days_overdue", "progress", "completed", "evidence", "repeat", "reported",
            "milestones", "latest_update", "updates", "file", "line"} <= set(table[0])
    by_id = {r["id"]: r for r in table}
    for r in rows:
        got = by_id[r.action.id]
        assert got["status"] == r.status
        assert got["due"] == (r.due.isoformat() if r.due else "")
        assert got["leads"] == "; ".join(r.action.leads)
    assert by_id["8.6"]["repeat"] == "quarterly"
    assert by_id["1.4"]["report_to"] == "DMT; LSCB"


def test_ics_tasks_has_a_valid_vtodo_per_open_action_with_a_due_date(run, bundled, rows):
    from icalendar import Calendar

    raw = report(run, "--format", "ics", "--ics-tasks").stdout_bytes
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)  # CRLF only
    assert max(len(line) for line in lines) <= 75  # folded, in octets
    cal = Calendar.from_ical(raw)
    assert cal["VERSION"] == "2.0" and "PRODID" in cal
    todos = [t for t in cal.walk("VTODO") if t["STATUS"] not in ("COMPLETED", "CANCELLED")]
    expected = {r.action.id: r for r in rows if r.open and r.due}
    assert len(todos) == len(expected) == 56
    uids = [str(t["UID"]) for t in todos]
    assert len(set(uids)) == len(uids)
    for todo in todos:
        for prop in ("UID", "DTSTAMP", "DUE", "SUMMARY", "DESCRIPTION"):
            assert prop in todo, prop
        action_id = str(todo["SUMMARY"]).split()[0]
        row = expected[action_id]
        assert str(todo["UID"]) == f"thurrock-2012-slac/{action_id}@planctl"
        assert todo.decoded("DUE") == row.due and todo["DUE"].params.get("VALUE") == "DATE"
        desc = str(todo["DESCRIPTION"])
        assert "Lead: " + "; ".join(row.action.leads) in desc and "thurrock-2012-slac" in desc
    # Stable: a later export names the same tasks, so calendars update rather than duplicate.
    again = Calendar.from_ical(report(run, "--format", "ics", "--ics-tasks").stdout_bytes)
    assert [str(t["UID"]) for t in again.walk("VTODO")
            if t["STATUS"] not in ("COMPLETED", "CANCELLED")] == uids


def test_a_later_date_changes_the_figures(run, bundled):
    later = json.loads(run("report", "--today", "2013-06-01", "--format", "json").stdout)
    assert later["summary"]["overdue"] > 19 and later["as_at"] == "2013-06-01"


# -- -o FILE ------------------------------------------------------------------------------


@pytest.mark.parametrize("name, start", [
    ("paper.md", b"**PUBLIC**"), ("paper.html", b"<!DOCTYPE html>"), ("paper.htm", b"<!DOCTYPE html>"),
    ("actions.csv", b"\xef\xbb\xbfas_at,"), ("report.json", b"{"), ("deadlines.ics", b"BEGIN:VCALENDAR"),
    ("actions.xlsx", b"PK\x03\x04"), ("paper.docx", b"PK\x03\x04"),
])
def test_output_file_format_follows_the_extension(run, bundled, tmp_path, name, start):
    (tmp_path / "out").mkdir()
    result = report(run, "-o", f"out/{name}")
    assert result.stdout == ""
    assert f"to out/{name}" in result.stderr
    assert (tmp_path / "out" / name).read_bytes().startswith(start)
    assert [p.name for p in (tmp_path / "out").iterdir()] == [name]  # no temp file left


def test_format_option_wins_over_the_extension(run, bundled, tmp_path):
    report(run, "--format", "json", "-o", "paper.txt")
    assert json.loads((tmp_path / "paper.txt").read_text())["summary"]["total"] == 62


def test_unknown_extension_without_format_is_a_usage_error(run, bundled, tmp_path):
    result = run("report", "--today", AS_AT, "-o", "paper.odt")
    assert result.exit_code == 2
    assert "cannot tell the format from 'paper.odt'" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "paper.odt").exists()


def test_output_replaces_a_file_keeping_its_permissions(run, bundled, tmp_path):
    target = tmp_path / "paper.md"
    target.write_text("old")
    target.chmod(0o640)
    report(run, "-o", "paper.md")
    assert target.read_text(encoding="utf-8").startswith("**PUBLIC**")
    assert target.stat().st_mode & 0o777 == 0o640


def test_output_never_overwrites_a_plan(run, bundled, tmp_path):
    before = bundled.read_bytes()
    result = run("report", "--today", AS_AT, "--format", "markdown", "-o", str(bundled))
    assert result.exit_code == 2 and "refusing" in result.stderr
    assert bundled.read_bytes() == before
    # Nor anything else under the plans folder, where it would be read as a plan next time.
    result = run("report", "--today", AS_AT, "-o", "plans/paper.html")
    assert result.exit_code == 2 and "plans folder" in result.stderr
    assert not (tmp_path / "plans" / "paper.html").exists()


def test_output_never_overwrites_a_plan_kept_elsewhere(run, tmp_path):
    # A plan file given with --plans, and a plan-shaped YAML that is not being read at all.
    other = tmp_path / "elsewhere"
    other.mkdir()
    plan = other / "p.yaml"
    shutil.copy(BUNDLED, plan)
    spare = tmp_path / "spare.yaml"
    shutil.copy(BUNDLED, spare)
    for target in (plan, spare):
        result = run("report", "--plans", str(plan), "--today", AS_AT, "--format", "md",
                     "-o", str(target))
        assert result.exit_code == 2 and "refusing" in result.stderr, target
        assert target.read_bytes() == BUNDLED.read_bytes()


def test_atomic_write_cleans_up_when_it_fails(tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(OSError):
        atomic_write(folder, "text")  # cannot replace a directory with a file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder"]
    atomic_write(tmp_path / "new.txt", "caf\u00e9")
    assert (tmp_path / "new.txt").read_bytes() == "caf\u00e9".encode()
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o666 & ~umask


# -- --plan ---------------------------------------------------------------------------------


def test_plan_option_reports_on_one_plan(run, bundled, write_plan):
    write_plan("""\
        plan: {title: Second plan, classification: official}
        recommendations:
          - text: Do better
            actions:
              - {text: One thing, due: 1.10.12}
        """, "second.yaml")
    both = json.loads(report(run, "--format", "json").stdout)
    assert both["summary"]["total"] == 63 and both["classification"] == "OFFICIAL / PUBLIC"
    one = json.loads(report(run, "--format", "json", "--plan", "second").stdout)
    assert one["summary"] == {**one["summary"], "total": 1, "overdue": 1}
    assert [p["id"] for p in one["plans"]] == ["second"]
    md = report(run, "--plan", "second", "--plan", "thurrock-2012-slac").stdout
    assert "| second:1 |" in md  # ids carry their plan when there are several
    missing = run("report", "--today", AS_AT, "--plan", "nope")
    assert missing.exit_code == 2 and "no plan 'nope'" in missing.stderr


# -- --since (git history) -------------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_since_lists_completed_slipped_added_and_dropped(run, bundled, git_repo):
    git_repo("add", "plans")
    git_repo("commit", "-qm", "plan as agreed", date="2012-08-20T10:00:00")
    git_repo("tag", "agreed")
    edit(bundled, "        due: By 14.9.12\n        lead: Service Manager FST\n",
         "        due: By 14.9.12\n        lead: Service Manager FST\n        status: completed\n")
    edit(bundled, "        due: Report to SMT 27.10.12\n        lead: Service Manager FST\n",
         "        due: Report to SMT 27.11.12\n        lead: Service Manager FST\n")
    edit(bundled, "      - text: SM QA to audit\n", "      - text: SM QA to audit\n"
         "        status: dropped\n")
    edit(bundled, "\n# Appendix 1", "\n  - id: \"20\"\n    text: A new recommendation\n"
         "    actions:\n      - {text: A new action, due: 1.12.12}\n\n# Appendix 1")
    git_repo("commit", "-qam", "progress", date="2012-10-01T10:00:00")
    data = json.loads(report(run, "--format", "json", "--since", "agreed").stdout)
    ch = data["changes"]
    assert ch["since"] == "agreed"
    assert [i["id"] for i in ch["completed"]] == ["3.1"]
    assert [(i["id"], i["was"], i["now"], i["days"]) for i in ch["slipped"]] == [
        ("1.2", "2012-10-27", "2012-11-27", 31)]
    assert [i["id"] for i in ch["added"]] == ["20.1"]
    assert [(i["id"], i["removed"]) for i in ch["dropped"]] == [("1.4", False)]
    md = report(run, "--since", "agreed").stdout
    assert "## Changes since agreed" in md
    assert "- 1.2: SM FST to report monthly. (from 27 Oct 2012 to 27 Nov 2012, 31 days)" in md
    html = report(run, "--since", "agreed", "--format", "html").stdout
    assert '<section id="changes">' in html and "31 days later" in html


def test_since_counts_an_action_taken_out_of_the_plan_as_dropped(run, bundled, git_repo):
    git_repo("add", "plans")
    git_repo("commit", "-qm", "plan as agreed", date="2012-08-20T10:00:00")
    edit(bundled, "      - text: SM QA to audit\n        due: Report to DMT & LSCB 27.2.13\n"
         "        lead: Service Manager QA\n        report_to: [DMT, LSCB]\n", "")
    data = json.loads(report(run, "--format", "json", "--since", "HEAD").stdout)
    assert [(i["id"], i["removed"]) for i in data["changes"]["dropped"]] == [("1.4", True)]
    assert data["summary"]["total"] == 61


def test_since_takes_a_date_and_names_the_commit_for_a_revision(run, bundled, git_repo):
    git_repo("add", "plans")
    git_repo("commit", "-qm", "plan as agreed", date="2012-08-20T10:00:00")
    edit(bundled, "        due: By 14.9.12\n        lead: Service Manager FST\n",
         "        due: By 14.9.12\n        lead: Service Manager FST\n        status: completed\n")
    git_repo("commit", "-qam", "3.1 done", date="2012-09-20T10:00:00")
    by_date = json.loads(report(run, "--format", "json", "--since", "2012-09-01").stdout)
    assert [i["id"] for i in by_date["changes"]["completed"]] == ["3.1"]
    by_rev = json.loads(report(run, "--format", "json", "--since", "HEAD~1").stdout)
    assert by_rev["changes"]["commit_date"] == "2012-08-20"
    assert by_rev["changes"]["commit"] == git_repo("rev-parse", "--short=7", "HEAD~1").strip()
    # Nothing changed since the last commit.
    now = json.loads(report(run, "--format", "json", "--since", "HEAD").stdout)
    assert all(now["changes"][k] == [] for k in ("completed", "slipped", "added", "dropped"))


def test_timeline_counts_each_version_from_git_history(run, bundled, git_repo):
    agreed = load_paths([BUNDLED]).plans
    git_repo("add", "plans")
    git_repo("commit", "-qm", "plan as agreed", date="2012-08-20T10:00:00")
    edit(bundled, "        due: By 14.9.12\n        lead: Service Manager FST\n",
         "        due: By 14.9.12\n        lead: Service Manager FST\n        status: completed\n")
    git_repo("commit", "-qam", "3.1 done", date="2012-09-20T10:00:00")
    data = json.loads(report(run, "--format", "json").stdout)
    points = data["timeline"]
    assert [p["date"] for p in points] == ["2012-08-20", "2012-09-20", AS_AT]

    def counts(plans, day):
        c = Counter(r.status for r in evaluate(plans, day))
        return {"completed": c["completed"], "overdue": c["overdue"],
                "open": sum(c.values()) - c["completed"] - c["dropped"]}

    now = load_paths([bundled]).plans
    expected = [counts(agreed, date(2012, 8, 20)), counts(now, date(2012, 9, 20)), counts(now, DAY)]
    assert [{k: p[k] for k in ("completed", "overdue", "open")} for p in points] == expected
    assert points[-1]["completed"] == data["summary"]["completed"] == 7
    html = report(run, "--format", "html").stdout
    chart = html.split('<section id="timeline">')[1].split("</section>")[0]
    assert f">overdue {points[-1]['overdue']}</text>" in chart and chart.count("<path ") == 3
    # As at a date before the history begins: only the as-at point, and nothing to draw.
    early = json.loads(run("report", "--today", "2012-08-01", "--format", "json").stdout)
    assert [(p["date"], p["completed"]) for p in early["timeline"]] == [
        ("2012-08-01", early["summary"]["completed"])]
    assert '<section id="timeline">' not in run("report", "--today", "2012-08-01",
                                                "--format", "html").stdout


def test_since_outside_git_is_a_clear_error(run, bundled):
    result = run("report", "--today", AS_AT, "--since", "HEAD~1")
    assert result.exit_code == 4
    assert result.stderr.startswith("planctl: error: ") and "Traceback" not in result.stderr


# -- Word, through pandoc ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed "
                    "(apt-get install pandoc) so the Word conversion is not checked")
def test_markdown_converts_to_word_with_pandoc(run, bundled, tmp_path):
    report(run, "-o", "paper.md")
    subprocess.run(["pandoc", "paper.md", "-o", "paper.docx"], check=True, cwd=tmp_path,
                   capture_output=True, timeout=120)
    with zipfile.ZipFile(tmp_path / "paper.docx") as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    md = (tmp_path / "paper.md").read_text(encoding="utf-8")
    tables = len(re.findall(r"^\|---", md, re.M))
    assert body.count("<w:tbl>") == tables  # every pipe table became a Word table
    assert "Progress by recommendation" in body and "Service Manager Workforce Development" in body
    assert "\\" not in re.sub(r"<[^>]+>", "", body)  # no Markdown escape leaks into the text


# -- the target date: the deadline an action had, whatever its status now ----------------

TARGETS = """\
plan: {id: p, title: T}
recommendations:
  - text: R
    actions:
      - text: Completed three weeks late
        due: By 14.9.12
        status: completed
        completed: 2012-10-05
      - text: Two milestones, the first met
        milestones:
          - {due: 2012-09-01, text: draft, done: true}
          - {due: 2012-12-01, text: final}
      - text: Dropped
        due: By 1.11.12
        status: dropped
      - text: Reported monthly
        due: 1.9.12
        repeat: monthly
"""


def test_json_gives_the_target_date_also_for_completed_and_dropped_actions(run, write_plan):
    import json

    write_plan(TARGETS)

    def data(*args: str) -> dict:
        result = run(*args, "--today", "2012-10-09", "--format", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    report = data("report")
    for actions in (data("status")["actions"], report["actions"],
                    report["latest_updates"]):
        by_id = {a["id"]: a for a in actions}
        if "1.1" in by_id:
            assert by_id["1.1"]["due"] is None  # unchanged: nothing is due of a completed action
            assert by_id["1.1"]["target"] == "2012-09-14"
        assert by_id["1.2"]["target"] == "2012-12-01"  # the last milestone, not the next
        if "1.3" in by_id:
            assert by_id["1.3"]["due"] is None and by_id["1.3"]["target"] == "2012-11-01"
        assert by_id["1.4"]["target"] is None  # a repeating action has no last date
    done = {a["id"]: a for a in report["actions"]}["1.1"]
    assert done["completed"] > done["target"]  # so "completed late?" has an answer
    assert data("show", "1.1")["action"]["target"] == "2012-09-14"
    late = data("overdue")["actions"]
    assert [(a["id"], a["due"], a["target"]) for a in late] == [("1.4", "2012-09-01", None)]


# Report JSON is written by msgspec where it writes what the json module wrote; these are
# the values where the two could differ: awkward text (NUL, DEL, C1 and bidi controls,
# U+2028, emoji, lone surrogates from file names), dates of every year, datetimes, floats
# of every spelling, ints past 64 bits, keys that are not strings.
_awkward = st.lists(st.characters() | st.sampled_from(
    "\x00\x1f\x7f\x85\x9f\"\\/\u061c\u200f\u202e\u2028\u2029\u2066\ufeff\U0001f600\udc80\ud800"),
    max_size=8).map("".join)
_report_leaves = (st.none() | st.booleans() | st.integers() | st.integers(-(2**70), 2**70)
                  | _awkward | st.dates() | st.datetimes() | st.floats())
_report_values = st.recursive(
    _report_leaves,
    lambda inner: (st.lists(inner, max_size=4) | st.tuples(inner, inner)
                   | st.dictionaries(_awkward, inner, max_size=4)
                   | st.dictionaries(st.integers() | st.booleans() | st.none(), inner, max_size=2)),
    max_leaves=25)


@given(st.dictionaries(_awkward, _report_values, max_size=4))
def test_report_json_is_the_json_modules_text(report):
    from planctl.render.report import _TERMINAL_UNSAFE, jsonable, render_json

    expected = json.dumps(jsonable(report), indent=2, ensure_ascii=False)
    assert render_json(report) == expected.translate(_TERMINAL_UNSAFE) + "\n"


_alike_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | _awkward | st.dates(),
    lambda inner: (st.lists(inner, max_size=4) | st.tuples(inner, inner)
                   | st.dictionaries(_awkward, inner, max_size=4)),
    max_leaves=25)


@given(st.dictionaries(_awkward, _alike_values, max_size=4))
def test_report_json_written_by_msgspec_is_the_json_modules_text(report):
    # Only what msgspec writes itself (but lone surrogates): the bytes of json.dumps.
    from planctl.render.report import _TERMINAL_UNSAFE, _writes_alike, jsonable, render_json

    assert _writes_alike(report)
    expected = json.dumps(jsonable(report), indent=2, ensure_ascii=False)
    assert render_json(report) == expected.translate(_TERMINAL_UNSAFE) + "\n"


def test_a_real_report_is_written_by_msgspec(bundled):
    # A report's numbers are counts and its dates dates: nothing sends it to the slow
    # json module (a float added to the report would, and this says so).
    from planctl.loading.plans import open_plans
    from planctl.loading.settings import Settings
    from planctl.render.report import _TERMINAL_UNSAFE, _writes_alike, build_report, jsonable, render_json

    loaded = open_plans(Settings(plans=(str(bundled.parent),), today="2012-10-09"))
    report = build_report(loaded.plans, loaded.day, upcoming_days=400)
    assert report["actions"] and _writes_alike(report)
    expected = json.dumps(jsonable(report), indent=2, ensure_ascii=False)
    assert render_json(report) == expected.translate(_TERMINAL_UNSAFE) + "\n"

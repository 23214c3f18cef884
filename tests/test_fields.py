"""The fields real plans carry (issue 14): start, progress, rag, measures, themes, rag_key,
a lead's organisation; `check` comparing the rating with the status; `status --by-theme`;
`show`, JSON, CSV and the report; `planctl rate`; and import of such columns."""

from __future__ import annotations

import json
from datetime import date

import yaml

from planctl.format.reader import load_text

PLAN = """\
plan:
  title: Improvement plan
  inspection: {published: 2013-03-01}
  rag_key:
    Red: off track
    blue: complete and evidence checked
themes:
  lead: Leadership and governance
  front: Front door
leads:
  dcs: {name: Director of Children's Services, organisation: Council}
  nurse: {name: Designated Nurse, organisation: Clinical Commissioning Group}
recommendations:
  - text: Improve leadership
    theme: lead
    actions:
      - text: Board reviews performance
        due: 30.4.13
        lead: dcs
        rag: Green
        progress: Terms of reference drafted
        measures:
          - {text: Audits rated good, baseline: "62%", target: "85%", actual: "70%"}
      - text: Later work
        start: June 2013
        due: 31.5.13
        lead: nurse
        rag: B
  - text: Front door
    theme: front
    actions:
      - text: MASH live
        due: 31.3.13
        lead: dcs
  - text: Other
    actions:
      - text: Something else
        due: 31.12.13
        lead: dcs
"""


def read(text: str):
    plan, problems, _ = load_text(text, "plans/p.yaml")
    return plan, [p.for_check() for p in problems]


def test_each_field_is_read():
    plan, problems = read(PLAN)
    assert problems == []
    first, later, mash, _ = plan.actions
    assert (first.rag, first.progress_note) == ("green", "Terms of reference drafted")
    assert [(m.text, m.baseline, m.target, m.actual) for m in first.measures] == [
        ("Audits rated good", "62%", "85%", "70%")]
    assert later.rag == "blue" and later.start == date(2013, 6, 1)  # a month starts on day 1
    assert mash.rag is None and mash.measures == () and mash.progress_note is None
    assert [(t.key, t.title) for t in plan.themes] == [("lead", "Leadership and governance"),
                                                       ("front", "Front door")]
    assert [r.theme for r in plan.recommendations] == ["lead", "front", None]
    assert [(m.colour, m.meaning) for m in plan.rag_key] == [
        ("red", "off track"), ("blue", "complete and evidence checked")]
    assert [lead.organisation for lead in plan.leads] == ["Council", "Clinical Commissioning Group"]


def test_a_start_date_or_timescale_and_before_it_nothing_is_due(run, write_plan):
    for written, expected in (("1.6.13", date(2013, 6, 1)), ("From June 2013", date(2013, 6, 1)),
                              ("w/c 14.1.13", date(2013, 1, 14)), ("2013-06-03", date(2013, 6, 3))):
        plan, problems = read(PLAN.replace("start: June 2013", f"start: {written}"))
        assert problems == [] and list(plan.actions)[1].start == expected, written
    write_plan(PLAN.replace("start: June 2013", "start: July 2013"))
    # 1.2 was due 31.5.13 but starts in July: on 15 June 2013 it is not overdue yet.
    out = json.loads(run("status", "--today", "2013-06-15", "--format", "json").stdout)
    status = {a["id"]: a["status"] for a in out["actions"]}
    assert status["1.2"] == "on-track" and status["1.1"] == "overdue"
    out = json.loads(run("status", "--today", "2013-07-02", "--format", "json").stdout)
    assert out["actions"][1]["status"] == "overdue"


def test_errors_are_located(write_plan):
    bad = (PLAN.replace("rag: Green", "rag: purple")
           .replace("theme: front", "theme: fornt")
           .replace("start: June 2013\n        due: 31.5.13", "start: June 2013\n        due: From July 2013")
           .replace("      - text: MASH live\n", "      - text: MASH live\n        start: soonish\n")
           .replace("  rag_key:\n", "  rag_key:\n    purple: odd\n"))
    _, problems = read(bad)
    text = "\n".join(problems)
    assert "plans/p.yaml:21:14: E026 action 1.1 rag 'purple' is not one of red, amber, green, blue" in text
    assert ("plans/p.yaml:26:16: E025 action 1.2 start 'June 2013' (01 June 2013) disagrees with "
            "the start in its due 'From July 2013' (01 July 2013)") in text
    assert ("plans/p.yaml:31:12: E027 recommendation 2 theme 'fornt' is not a key of themes:; "
            "did you mean 'front'?") in text
    assert "W123 action 2.1 start 'soonish' is not one start date" in text
    assert "plans/p.yaml:5:5: E026 plan.rag_key 'purple'" in text
    _, problems = read(PLAN.replace("progress: Terms", "progres: Terms"))
    assert any("E012 unknown key 'progres'" in p and "did you mean 'progress'" in p for p in problems)
    _, problems = read(PLAN.replace("rag: Green", "x-rag: whatever"))
    assert problems == []


def test_check_warns_where_the_rating_and_the_status_disagree(run, write_plan):
    write_plan(PLAN.replace("      - text: MASH live\n        due: 31.3.13",
                            "      - text: MASH live\n        due: 31.3.13\n        rag: blue"))
    result = run("check", "--today", "2013-05-01")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert ("plans/p.yaml:17:9: W130 action 1.1 is rated green but is overdue (1 day, due "
            "30 April 2013) as at 01 May 2013") in lines
    assert any(line.startswith("plans/p.yaml:32:9: W130 action 2.1 is rated blue but is overdue")
               for line in lines)
    assert any(line.startswith("plans/p.yaml:24:9: W131 action 1.2 is rated blue (complete) but its "
                               "status is on-track") for line in lines)
    # As at an earlier date nothing disagrees but the blue rating of open 1.2.
    early = run("check", "--today", "2013-03-15").stdout
    assert "W130" not in early and "W131 action 1.2" in early
    assert run("check", "--today", "2013-05-01", "--strict").exit_code == 1


def test_status_by_theme(run, write_plan):
    write_plan(PLAN)
    result = run("status", "--by-theme", "--today", "2013-05-01", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = result.stdout.splitlines()
    assert rows[0] == "theme,ID,Action,Lead,Timescale,Due,Status,Late,RAG"
    assert [r.split(",")[0] for r in rows[1:]] == [
        "Leadership and governance (2)", "Leadership and governance (2)", "Front door (1)",
        "(no theme) (1)"]
    data = json.loads(run("status", "--by-theme", "--today", "2013-05-01", "--format", "json").stdout)
    assert [(t["theme"], t["title"], t["count"]) for t in data["themes"]] == [
        ("lead", "Leadership and governance", 2), ("front", "Front door", 1), (None, "(no theme)", 1)]
    assert data["summary"]["total"] == 4


def test_show_prints_the_fields(run, write_plan):
    write_plan(PLAN)
    out = run("show", "1.1", "--today", "2013-05-01").stdout
    assert "Theme         Leadership and governance (lead)" in out
    assert "Council RAG   green" in out
    assert "Position      Terms of reference drafted" in out
    assert "Measure       Audits rated good (baseline 62%, target 85%, actual 70%)" in out
    assert "Organisation  Council" in out
    later = run("show", "1.2", "--today", "2013-05-01").stdout
    assert "Starts" in later and "1 Jun 2013" in later
    assert "blue - complete and evidence checked" in later
    plain = run("show", "3.1", "--today", "2013-05-01").stdout
    for word in ("Theme", "Council RAG", "Position", "Measure", "Starts"):
        assert word not in plain


def test_json_carries_the_fields_only_when_present(run, write_plan):
    write_plan(PLAN)
    data = json.loads(run("status", "--today", "2013-05-01", "--format", "json").stdout)
    first, later, mash, other = data["actions"]
    assert first["rag"] == "green" and first["theme"] == "lead"
    assert first["progress_note"] == "Terms of reference drafted"
    assert first["measures"] == [{"text": "Audits rated good", "baseline": "62%", "target": "85%",
                                  "actual": "70%"}]
    assert later["start"] == "2013-06-01"
    assert mash["theme"] == "front" and "rag" not in mash and "measures" not in mash
    assert not {"theme", "rag", "start", "progress_note", "measures"} & other.keys()
    leads = json.loads(run("leads", "--today", "2013-05-01", "--format", "json").stdout)["leads"]
    assert {e["lead"]: e["organisation"] for e in leads}["Designated Nurse"] == \
        "Clinical Commissioning Group"


def test_report_groups_by_theme_and_carries_the_fields(run, write_plan):
    write_plan(PLAN)
    report = json.loads(run("report", "--today", "2013-05-01", "--format", "json").stdout)
    assert [(t["theme"], t["total"], t["overdue"]) for t in report["themes"]] == [
        ("lead", 2, 1), ("front", 1, 1), (None, 1, 0)]
    assert report["plans"][0]["rag_key"] == {"red": "off track",
                                             "blue": "complete and evidence checked"}
    assert report["actions"][0]["rag"] == "green"
    md = run("report", "--today", "2013-05-01", "--format", "markdown").stdout
    assert "## Progress by theme" in md and "| Front door | 0 of 1 | 1 |" in md
    assert ("| 1.1 | Board reviews performance | overdue | green | Terms of reference drafted | "
            "Audits rated good (baseline 62%, target 85%, actual 70%) |") in md
    html = run("report", "--today", "2013-05-01", "--format", "html").stdout
    assert '<section id="themes"><h2>Progress by theme</h2>' in html
    assert "<section id=\"positions\">" in html and "Terms of reference drafted" in html
    csv_text = run("report", "--today", "2013-05-01", "--format", "csv").stdout
    header = csv_text.splitlines()[0]
    assert header.endswith(",line,start,theme,rag,progress_note,measures")


def test_plans_without_the_fields_have_no_theme_section(run, bundled):
    report = json.loads(run("report", "--today", "2012-10-09", "--format", "json").stdout)
    assert "themes" not in report
    md = run("report", "--today", "2012-10-09", "--format", "markdown").stdout
    assert "by theme" not in md and "rating and position" not in md
    assert "themes" not in run("report", "--today", "2012-10-09", "--format", "html").stdout.split(
        "<style>")[0]


def test_rate_sets_rag_and_changes_only_its_lines(run, write_plan):
    path = write_plan(PLAN)
    before = path.read_bytes()
    dry = run("rate", "2.1", "amber", "--dry-run")
    assert dry.exit_code == 0 and path.read_bytes() == before
    assert "+        rag: amber" in dry.stdout
    result = run("rate", "1.1", "R", "--reason", "Audit slipped", "--on", "2013-05-01")
    assert result.exit_code == 0, result.stderr
    old, new = before.decode().splitlines(), path.read_text().splitlines()
    # Line 20 `rag: Green` becomes `rag: red`; the update is added at the end of action 1.1
    # (lines 17-23); every other line is as it was.
    assert new[:19] == old[:19] and new[19] == "        rag: red" and new[20:23] == old[20:23]
    assert new[23:26] == ["        updates:", "          - date: 2013-05-01",
                          "            text: 'Rated red (was green): Audit slipped'"]
    assert new[26:] == old[23:]
    plan, problems = read(path.read_text())
    first = next(iter(plan.actions))
    assert first.rag == "red" and problems == []
    assert first.updates[-1].text == "Rated red (was green): Audit slipped"
    refused = run("rate", "1.1", "purple")
    assert refused.exit_code == 2 and "purple" in refused.stderr
    assert "rag: red" in path.read_text()


COUNCIL_CSV = ("Children's Services Improvement Plan,,,,,,,,,,,,\n"
               "No,Priority area,Recommendation,Action,Lead Officer,Start,Timescale,"
               "Success measure,Baseline,Target,Outcome,Progress,RAG\n") + """\
1,Front door,Improve the quality of referrals,"a) Audit referrals
b) Train partners","Head of MASH
Designated Nurse","April 2013
June 2013","30.6.13
30.9.13","Referrals with a clear reason
Partners trained","48%
0","80%
200","61%
120","Audit complete; report to LSCB
Two sessions held","G
A"
,,,c) Publish threshold guidance,Head of MASH,,31.7.13,,,,,Draft circulated,Green
2,Leadership,Strengthen oversight,Board reviews monthly,DCS,,Monthly,Audits good,62%,85%,70%,In progress,A
"""


def test_import_maps_council_columns_and_splits_shared_cells(run, tmp_path):
    (tmp_path / "council.csv").write_text(COUNCIL_CSV, encoding="utf-8")
    result = run("import", "council.csv", "-o", "plans/council.yaml", "--published", "1.3.13",
                 "--today", "2013-05-01")
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load((tmp_path / "plans" / "council.yaml").read_text(encoding="utf-8"))
    assert data["themes"] == {"front-door": "Front door", "leadership": "Leadership"}
    assert [r["theme"] for r in data["recommendations"]] == ["front-door", "leadership"]
    a, b, c = data["recommendations"][0]["actions"]
    # Each action of the split row has its own line of every multi-line cell.
    assert (a["text"], a["start"], a["progress"], a["rag"]) == (
        "Audit referrals", "April 2013", "Audit complete; report to LSCB", "green")
    assert a["measures"] == [{"text": "Referrals with a clear reason", "baseline": "48%",
                              "target": "80%", "actual": "61%"}]
    assert (b["text"], b["start"], b["progress"], b["rag"]) == (
        "Train partners", "June 2013", "Two sessions held", "amber")
    assert b["measures"] == [{"text": "Partners trained", "baseline": "0", "target": "200",
                              "actual": "120"}]
    assert (c["progress"], c["rag"]) == ("Draft circulated", "green") and "updates" not in c
    (d,) = data["recommendations"][1]["actions"]
    assert (d["status"], d["rag"]) == ("in-progress", "amber") and "updates" not in d
    check = run("check", "--today", "2013-05-01")
    assert check.exit_code == 0, check.stdout


def test_import_outcome_alone_is_the_measure(run, tmp_path):
    (tmp_path / "p.csv").write_text("No,Action,Lead,Timescale,Outcome,Workstream\n"
                                    "1,Audit files,HoS,30.6.13,Files meet standard,Quality\n",
                                    encoding="utf-8")
    result = run("import", "p.csv", "--today", "2013-05-01")
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load(result.stdout)
    (action,) = data["recommendations"][0]["actions"]
    assert action["measures"] == [{"text": "Files meet standard"}]
    assert data["themes"] == {"quality": "Quality"}


def test_the_fields_come_back_from_the_cache(write_plan):
    from planctl.store import cache
    from planctl.store.files import load_paths

    path = write_plan(PLAN)
    fresh = load_paths([path], use_cache=False).plans
    load_paths([path])  # fills the cache
    assert list(cache.cache_dir().glob("v*/*"))
    assert load_paths([path]).plans == fresh  # read from it


# -- a timescale planctl cannot read is shown everywhere as a TBC is --------------------------

TBC_OR_UNREAD = """\
plan:
  title: Improvement plan
  inspection: {published: 2026-01-10}
recommendations:
  - text: Improve
    actions:
      - {text: Known deadline, lead: Ann, due: 30.6.26}
      - {text: The one in question, lead: Bob, due: DUE}
"""
_COMMANDS = ([("status", fmt) for fmt in ("table", "json", "csv", "markdown")]
             + [("show", fmt) for fmt in ("table", "json")]
             + [("upcoming", "table"), ("leads", "json")]
             + [("report", fmt) for fmt in ("md", "html", "csv", "json", "ics")])


def _outputs(run, write_plan, due: str) -> dict[str, str]:
    write_plan(TBC_OR_UNREAD.replace("DUE", due))
    out = {}
    for command, fmt in _COMMANDS:
        args = [command, *(["1.2"] if command == "show" else []), "--format", fmt]
        result = run(*args, "--today", "2026-03-01", "--no-color")
        assert result.exit_code == 0, (command, fmt, result.stderr)
        out[f"{command} {fmt}"] = result.stdout
    return out


def test_an_unreadable_due_is_shown_in_every_output_exactly_as_a_tbc_is(run, write_plan, tmp_path):
    """Status, show, upcoming, leads, the report in every text format and the calendar: the
    action whose due cannot be read reads as the TBC one (its words aside), never as a date."""
    tbc = _outputs(run, write_plan, "to be decided")  # TBC, in as many letters as the other
    unread = _outputs(run, write_plan, "at some point")
    for name, text in unread.items():
        assert text.replace("at some point", "to be decided") == tbc[name], name
    for name in ("status table", "status json", "show table", "report csv"):
        assert "at some point" in unread[name], name  # the words as written are shown


def _workbook_and_paper_text(run, tmp_path) -> list[str]:
    import docx
    import openpyxl

    assert run("report", "--today", "2026-03-01", "-o", str(tmp_path / "r.xlsx")).exit_code == 0
    assert run("report", "--today", "2026-03-01", "-o", str(tmp_path / "r.docx")).exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row]
    paper = docx.Document(str(tmp_path / "r.docx"))
    texts = [p.text for p in paper.paragraphs]
    texts += [c.text for t in paper.tables for row in t.rows for c in row.cells]
    return cells + ["--"] + texts


def test_an_unreadable_due_is_in_the_workbook_and_the_paper_as_a_tbc_is(run, write_plan, tmp_path):
    write_plan(TBC_OR_UNREAD.replace("DUE", "to be decided"))
    tbc = _workbook_and_paper_text(run, tmp_path)
    write_plan(TBC_OR_UNREAD.replace("DUE", "at some point"))
    unread = _workbook_and_paper_text(run, tmp_path)
    assert any("at some point" in t for t in unread)
    assert [t.replace("at some point", "to be decided") for t in unread] == tbc

"""Trends from git (issue 23, section 2): status counts, rating strips, deadline moves and
measures at each meeting or commit, in the report's JSON, HTML and Word forms; and how a
measure's value is read as a number (core/measures.py)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planctl.core.measures import read_value

PLAN = """\
plan:
  title: Improvement plan
  inspection: {published: 2013-03-01}
leads:
  dcs: {name: Director of Children's Services}
recommendations:
  - text: Improve leadership
    actions:
      - text: Board reviews performance
        due: 30.4.13
        lead: dcs
        rag: red
        measures:
          - {text: Audits rated good, baseline: "62%", target: "85%", actual: "60%"}
      - text: MASH live
        due: 31.3.13
        lead: dcs
"""
# Each commit: (date, message, replacements in the plan's text)
STEPS = [
    ("2013-04-10T10:00:00+01:00", "April update", [("rag: red", "rag: amber"),
                                                   ('actual: "60%"', 'actual: "71%"'),
                                                   ("due: 30.4.13", "due: 31.5.13")]),
    ("2013-05-10T10:00:00+01:00", "May update", [("rag: amber", "rag: green"),
                                                 ('actual: "71%"', 'actual: "not yet measured"'),
                                                 ("due: 31.5.13", "due: 30.6.13")]),
]


def commit_history(tmp_path, git_repo):
    """The plan committed on 10 March 2013, then changed twice: its rating red -> amber ->
    green, its deadline moved twice, its measure 60% -> 71% -> "not yet measured"."""
    plans = tmp_path / "plans"
    plans.mkdir()
    path = plans / "p.yaml"
    path.write_text(PLAN, encoding="utf-8")
    git_repo("add", "plans")
    git_repo("commit", "-q", "-m", "Plan as agreed", date="2013-03-10T10:00:00+00:00")
    for when, message, edits in STEPS:
        text = path.read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
        git_repo("commit", "-q", "-am", message, date=when)
    return path


@pytest.fixture
def history(tmp_path, git_repo):
    commit_history(tmp_path, git_repo)
    return git_repo


def report_json(run, *extra: str) -> dict:
    result = run("report", "--today", "2013-06-01", "--format", "json", *extra)  # last wins
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_json_trends_per_commit(history, run):
    trends = report_json(run)["trends"]
    assert trends["basis"] == "commits"
    points = trends["points"]
    assert [(p["kind"], p["date"]) for p in points] == [
        ("commit", "2013-03-10"), ("commit", "2013-04-10"), ("commit", "2013-05-10"),
        ("now", "2013-06-01")]
    # each point judged as at its own date: MASH live (due 31 March) overdue from April
    assert [p["overdue"] for p in points] == [0, 1, 1, 1]
    assert trends["dropped"]["count"] == 0
    (strip,) = trends["ratings"]  # MASH live: never rated, never moved: no strip
    assert strip["id"] == "1.1" and strip["ratings"] == ["red", "amber", "green", "green"]
    assert (strip["deadline_moves"], strip["moved_later"]) == (2, 2)
    (measure,) = trends["measures"]
    assert measure["measure"] == "Audits rated good" and measure["unit"] == "%"
    assert [(v["text"], v["number"], v["plotted"]) for v in measure["values"]] == [
        ("60%", 60, True), ("71%", 71, True), ("not yet measured", None, False),
        ("not yet measured", None, False)]
    assert (measure["baseline"]["number"], measure["target"]["number"]) == (62, 85)


def test_json_trends_per_meeting(history, run):
    """With meeting tags: one point per meeting day (two bodies on one day: one point), a
    tag after the as-at date left out, then the report's own plans."""
    history("tag", "-a", "committee-2013-04-15", "-m", "April committee", "HEAD~1")
    history("tag", "lscb-2013-04-15", "HEAD~1")
    history("tag", "committee-2013-05-20", "HEAD")
    history("tag", "committee-2013-07-01", "HEAD")
    trends = report_json(run)["trends"]
    assert trends["basis"] == "meetings"
    assert [(p["kind"], p["date"], p["label"]) for p in trends["points"]] == [
        ("meeting", "2013-04-15", "committee-2013-04-15, lscb-2013-04-15"),
        ("meeting", "2013-05-20", "committee-2013-05-20"), ("now", "2013-06-01", "as at")]
    assert trends["ratings"][0]["ratings"] == ["amber", "green", "green"]


def test_points_are_bounded_and_the_dropped_ones_named(history, run, tmp_path):
    """More commits than MAX_POINTS: the latest are kept, the earlier counted with dates."""
    from planctl.history.trends import MAX_POINTS

    path = tmp_path / "plans" / "p.yaml"
    for day in range(MAX_POINTS + 2):
        path.write_text(path.read_text(encoding="utf-8") + f"# note {day}\n", encoding="utf-8")
        when = date(2013, 5, 10) + timedelta(days=day)
        history("commit", "-q", "-am", f"note {day}", date=f"{when}T12:00:00+00:00")
    trends = report_json(run, "--today", "2013-07-01")["trends"]
    assert len(trends["points"]) == MAX_POINTS
    # 10 March, 10 April, then 26 days from 10 May (10 May twice: one point); one place
    # is the as-at date's
    seen = 2 + (MAX_POINTS + 2)
    assert trends["dropped"]["count"] == seen - (MAX_POINTS - 1)
    assert trends["dropped"]["from"] == "2013-03-10"
    assert trends["points"][0]["date"] > trends["dropped"]["to"]


def test_no_trends_outside_git(write_plan, run):
    write_plan(PLAN)
    assert report_json(run)["trends"] is None


def test_a_renumbered_action_keeps_its_strip(history, run, tmp_path):
    """An action inserted before 1.1 renumbers it 1.2: its ratings and moves follow it."""
    path = tmp_path / "plans" / "p.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "    actions:\n", "    actions:\n      - text: A new first action\n        due: 31.12.13\n"
        "        lead: dcs\n        rag: blue\n", 1)
    path.write_text(text, encoding="utf-8")
    history("commit", "-q", "-am", "New first action", date="2013-05-20T10:00:00+00:00")
    ratings = {s["id"]: s for s in report_json(run)["trends"]["ratings"]}
    assert ratings["1.2"]["text"] == "Board reviews performance"
    assert ratings["1.2"]["ratings"] == ["red", "amber", "green", "green", "green"]
    assert ratings["1.2"]["deadline_moves"] == 2
    assert ratings["1.1"]["ratings"] == [None, None, None, "blue", "blue"]  # not in the plan yet


def test_a_value_in_another_unit_is_listed_not_plotted(history, run, tmp_path):
    path = tmp_path / "plans" / "p.yaml"
    text = path.read_text(encoding="utf-8").replace('actual: "not yet measured"',
                                                    'actual: "3.2 days"')
    path.write_text(text, encoding="utf-8")
    history("commit", "-q", "-am", "Measured in days", date="2013-05-20T10:00:00+00:00")
    (measure,) = report_json(run)["trends"]["measures"]
    assert measure["unit"] == "day"  # the latest number's unit
    assert [(v["text"], v["plotted"]) for v in measure["values"]] == [
        ("60%", False), ("71%", False), ("not yet measured", False), ("3.2 days", True),
        ("3.2 days", True)]
    assert not measure["baseline"]["plotted"] and not measure["target"]["plotted"]


# -- the HTML report's charts: what a screen reader reads ------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def trends_svgs(run, tmp_path) -> tuple[str, list[ET.Element]]:
    out = tmp_path / "report.html"
    result = run("report", "--today", "2013-06-01", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    section = re.search(r'<section id="trends">.*?</section>', page, re.S)
    assert section, "no Trends section"
    svgs = [ET.fromstring(s) for s in re.findall(r"<svg .*?</svg>", section[0], re.S)]
    return section[0], svgs


def spoken(svg: ET.Element) -> tuple[str, str]:
    """The accessible name and description, as aria-labelledby gives them."""
    ids = svg.get("aria-labelledby", "").split()
    found = {e.get("id"): "".join(e.itertext()) for e in svg.iter() if e.get("id") in ids}
    assert svg.get("role") == "img" and len(found) == 2, svg.attrib
    title, desc = (found[i] for i in ids)
    return title, desc


def test_html_trends_read_aloud(history, run, tmp_path):
    section, svgs = trends_svgs(run, tmp_path)
    status, strip, measure = svgs
    title, desc = spoken(status)
    assert title == "Actions by status at each change to the plan"
    assert desc.startswith("10 Mar 2013 (")
    assert desc.endswith("as at 1 Jun 2013: 2 actions, 1 overdue, 1 on track")
    title, desc = spoken(strip)
    assert title == "Council rating of action 1.1 at each point"
    assert [part.split(": ")[1] for part in desc.split("; ")] == ["Red", "Amber", "Green", "Green"]
    # the letters are drawn, not only the colours
    assert [t.text for t in strip.iter(f"{SVG}text")] == ["R", "A", "G", "G"]
    title, desc = spoken(measure)
    assert title == "Audits rated good (action 1.1): actual value at each point"
    assert "10 Apr 2013" in desc and ": 71%;" in desc
    assert "as at 1 Jun 2013: not yet measured (not plotted: no number)" in desc
    assert "target 85%" in desc and "baseline 62%" in desc
    # no style attribute or element: the dashboard's CSP allows hashed elements only
    assert "style=" not in section and "<style" not in section


def test_a_value_that_is_not_a_number_is_not_plotted_as_zero(history, run, tmp_path):
    section, (_, _, measure) = trends_svgs(run, tmp_path)
    said = ["".join(d.itertext()) for d in measure.iter(f"{SVG}circle")]  # one dot a value
    assert [re.sub(r"\(\w+\)", "", t) for t in said] == ["10 Mar 2013 : 60%", "10 Apr 2013 : 71%"]
    (line,) = measure.iter(f"{SVG}path")
    assert len(re.findall(r"[ML]", line.get("d"))) == 2  # two values joined, nothing after
    assert "<li>as at 1 Jun 2013: not yet measured (no number)</li>" in section


def test_plan_text_in_the_charts_is_escaped(tmp_path, git_repo, run):
    hostile = PLAN.replace("Audits rated good", "<script>alert(1)</script> & \u202egood")
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "p.yaml").write_text(hostile, encoding="utf-8")
    git_repo("add", "plans")
    git_repo("commit", "-q", "-m", "Plan", date="2013-03-10T10:00:00+00:00")
    section, svgs = trends_svgs(run, tmp_path)
    assert "<script>" not in section and "&lt;script&gt;" in section
    assert "\u202e" not in section  # a bidi control is shown, not obeyed
    title, _ = spoken(svgs[-1])
    assert title.startswith("<script>alert(1)</script> & ")


# -- the Word paper ---------------------------------------------------------------------


def test_docx_trends_tables(history, run, tmp_path):
    import docx

    out = tmp_path / "paper.docx"
    result = run("report", "--today", "2013-06-01", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    doc = docx.Document(str(out))
    texts = [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]
    counts = next(t for t in texts if t[0][:2] == ["#", "Point"] and "Overdue" in t[0])
    assert counts[1][:4] == ["1", "10 Mar 2013 (" + counts[1][1].split("(")[1], "2", "0"]
    assert counts[-1] == ["4", "as at 1 Jun 2013", "2", "0", "1", "0", "1", "0", "0"]
    ratings = next(t for t in texts if t[0][:2] == ["ID", "Action"] and t[0][-1] == "Moves")
    assert ratings[1] == ["1.1", "Board reviews performance", "R", "A", "G", "G", "2"]
    table = doc.tables[texts.index(ratings)]
    fills = [c._tc.xpath("./w:tcPr/w:shd/@w:fill") for c in table.rows[1].cells[2:6]]
    assert fills == [["F4B6BD"], ["FFE08A"], ["B9E0C2"], ["B9E0C2"]]
    measures = next(t for t in texts if t[0] == ["#", "Point", "Actual", "Not a figure because"])
    assert [r[2:] for r in measures[1:]] == [["60%", ""], ["71%", ""],
                                            ["not yet measured", "no number"],
                                            ["not yet measured", "no number"]]


# -- reading a measure's value ----------------------------------------------------------


@pytest.mark.parametrize(("text", "number", "unit"), [
    ("71%", Decimal(71), "%"), ("3.2 days", Decimal("3.2"), "day"), ("1,204", Decimal(1204), ""),
    ("£1.2m", Decimal(1_200_000), "£"), ("£900k", Decimal(900_000), "£"),
    ("50 per cent", Decimal(50), "%"), ("-5%", Decimal(-5), "%"), (".5", Decimal("0.5"), ""),
    ("12,345.67", Decimal("12345.67"), ""), ("1 day", Decimal(1), "day"),
])
def test_a_figure_reads_as_a_number(text, number, unit):
    r = read_value(text)
    assert (r.number, r.unit, r.why) == (number, unit, None)


@pytest.mark.parametrize(("text", "why"), [
    ("not yet measured", "no number"), ("62% (45/73)", "more than one number"),
    ("45 of 73", "more than one number"), ("3-5 days", "more than one number"),
    ("2013-03-31", "more than one number"), ("1,20", "a comma that is not a thousands separator"),
    ("0,5", "a comma that is not a thousands separator"),
    ("<5%", "a comparison or an estimate, not a figure"),
    ("about 70%", "a comparison or an estimate, not a figure"),
    ("within 45 days", "a comparison or an estimate, not a figure"),
    ("\u0663", "digits other than 0-9"), ("", "empty"), ("1st", "an ordinal, not a figure"),
    ("£3 days", "money with another unit"),
])
def test_anything_but_one_figure_is_text(text, why):
    r = read_value(text)
    assert (r.number, r.why) == (None, why)


_UNITS = st.sampled_from(["", "%", " days", " working days", " pupils", " per cent"])


def _uk(n: int, frac: str) -> str:
    return f"{n:,}" + (f".{frac}" if frac else "")


@given(st.integers(0, 10**12), st.from_regex(r"[0-9]{0,3}", fullmatch=True), _UNITS)
def test_any_uk_figure_reads_back(n, frac, unit):
    """Every number written with UK thousands separators, a decimal part and a unit reads
    back as itself (plus the unit)."""
    r = read_value(_uk(n, frac) + unit)
    assert r.number == Decimal(f"{n}.{frac}" if frac else str(n))
    assert r.unit == ("%" if unit.strip() in ("%", "per cent") else
                      unit.strip().removesuffix("s"))


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.sampled_from([" ", "/", " of ", " (", "-"]))
def test_two_numbers_are_never_one(a, b, sep):
    """A value holding two numbers is text, whichever way they are joined."""
    assert read_value(f"{a}%{sep}{b}").number is None


@given(st.text(max_size=60))
def test_any_text_reads_without_error_and_words_never_as_numbers(text):
    r = read_value(text)
    assert (r.number is None) == (r.why is not None)
    if not re.search(r"[0-9]", text):
        assert r.number is None



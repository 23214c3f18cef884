"""Loading plans: what people typed is what they get, and every problem says where."""

import inspect
import json
import textwrap
from datetime import date

import pytest

from planctl.core.model import NamedDate
from planctl.core.timescale import Timescale, parse_timescale
from planctl.format.reader import load_text
from planctl.store.files import load_paths


def load(text: str, path: str = "plans/p.yaml"):
    plan, problems, _ = load_text(textwrap.dedent(text), path)
    return plan, problems


MINIMAL = """\
plan:
  title: T
  version: 1.10
leads:
  NO: Norway Office
  sm-qa:
    name: Service Manager QA
    aliases: [SM QA]
recommendations:
  - id: 3
    text: R
    actions:
      - id: 3.10
        text: A
        due: 2012-10-27
        lead: NO
      - id: 3.1
        text: B
        due: By 27.10.12
        lead: SM QA
        status: no
"""


def test_implicit_typing_never_changes_what_was_typed():
    plan, problems = load(MINIMAL.replace("        status: no\n", ""))
    assert [p.message for p in problems] == []
    assert plan.version == "1.10"
    actions = list(plan.actions)
    assert [a.id for a in actions] == ["3.10", "3.1"]
    assert plan.recommendations[0].id == "3"
    assert actions[0].leads == ("Norway Office",)  # the lead key NO, not False
    assert actions[1].leads == ("Service Manager QA",)  # resolved through its alias
    assert actions[0].timescale.first_due == date(2012, 10, 27)


def test_status_no_is_an_error_not_a_boolean():
    _, problems = load(MINIMAL)
    assert [(p.code, p.line, p.column) for p in problems] == [("E021", 21, 17)]
    assert "'no' is not one of not-started, in-progress, completed, dropped" in problems[0].message


def test_duplicate_keys_are_errors_with_both_lines():
    _, problems = load("""\
        plan:
          title: T
          title: U
        recommendations: []
        """)
    assert [(p.code, p.line, p.column) for p in problems] == [("E013", 3, 3)]
    assert "duplicate key 'title' in plan (first on line 2)" in problems[0].message


def test_unknown_keys_suggest_the_nearest():
    _, problems = load("""\
        plan: {title: T}
        recommendations:
          - text: R
            actions:
              - text: A
                due: 1.1.13
                lead: x
                stauts: done
        """)
    codes = [(p.code, p.line, p.message) for p in problems if p.code == "E012"]
    assert codes == [("E012", 8, "unknown key 'stauts' in action 1.1; did you mean 'status'?")]


def test_x_keys_are_left_for_the_user():
    plan, problems = load("plan: {title: T, x-sharepoint: 42}\nrecommendations: []\n")
    assert problems == [] and plan.title == "T"


def test_all_problems_are_collected_not_just_the_first():
    _, problems = load("""\
        plan: {title: T}
        recommendations:
          - text: R
            actions:
              - text: A
                due: 31.9.12
              - text: B
                due: 10/27/12
              - due: 1.1.13
        """)
    # The two dues planctl cannot read are warnings (their deadlines are to be confirmed).
    assert [(p.code, p.line, p.severity) for p in problems if p.code in ("W123", "E011")] == [
        ("W123", 6, "warning"), ("W123", 8, "warning"), ("E011", 9, "error")]


def test_default_ids_follow_positions():
    plan, _ = load("""\
        plan: {title: T}
        recommendations:
          - text: R1
            actions: [{text: a, due: 1.1.13}]
          - text: R2
            actions: [{text: b, due: 1.1.13}, {text: c, due: 1.1.13}]
        """)
    assert [a.id for a in plan.actions] == ["1.1", "2.1", "2.2"]


def test_duplicate_action_ids_name_the_first():
    _, problems = load("""\
        plan: {title: T}
        recommendations:
          - text: R
            actions:
              - {id: "3.10", text: a, due: 1.1.13}
              - {id: 3.10, text: b, due: 1.1.13}
        """)
    assert [(p.code, p.line) for p in problems if p.severity == "error"] == [("E030", 6)]
    assert any("first on line 5" in p.message for p in problems)


def test_unknown_lead_is_a_warning_and_shown_as_written():
    plan, problems = load("""\
        plan: {title: T}
        leads: {sm-qa: Service Manager QA}
        recommendations:
          - text: R
            actions: [{text: a, due: 1.1.13, lead: Service Manger QA}]
        """)
    assert [(p.code, p.severity) for p in problems] == [("W101", "warning")]
    assert "did you mean 'Service Manager QA'?" in problems[0].message
    assert next(plan.actions).leads == ("Service Manger QA",)


def test_python_tags_are_refused_and_nothing_runs():
    _, problems = load("""\
        plan: {title: !!python/object/apply:os.system [echo hacked]}
        recommendations: []
        """)
    assert problems and problems[0].code in ("E002", "E010")


def test_yaml_syntax_error_has_its_position():
    _, problems = load('plan: {title: "T}\nrecommendations: []\n')
    assert problems[0].code == "E001" and problems[0].line >= 1


def test_empty_file_and_top_level_list_say_what_a_plan_needs():
    _, empty = load("# only a comment\n")
    assert "needs at least 'plan:'" in empty[0].message
    _, listed = load("- a\n- b\n")
    assert listed[0].code == "E010" and "found a list" in listed[0].message


def test_status_synonyms(tmp_path):
    for written, expected in [("In progress", "in-progress"), ("COMPLETED", "completed"),
                              ("done", "completed"), ("started", "in-progress"),
                              ("cancelled", "dropped"), ("Not_Started", "not-started")]:
        plan, problems = load(f"plan: {{title: T}}\nrecommendations: [{{text: R, actions: "
                              f"[{{text: a, due: 1.1.13, status: {written}}}]}}]\n")
        assert next(plan.actions).progress == expected, written


def test_immediate_without_publication_is_to_be_confirmed_with_a_warning():
    plan, problems = load("plan: {title: T}\nrecommendations: [{text: R, actions: "
                          "[{text: a, due: Immediate}]}]\n")
    assert problems[0].code == "W123" and "plan.inspection.published" in problems[0].message
    assert next(plan.actions).timescale == Timescale("Immediate", tbc=True)


def test_problems_in_several_files_are_all_reported(write_plan, tmp_path):
    write_plan("plan: {title: A}\nrecommendations: [{text: R, actions: [{text: a, completed: 31.9.12}]}]\n",
               "a.yaml")
    write_plan("plan: {title: B}\nrecommendations: [{text: R, actions: [{text: a, completed: 10/27/12}]}]\n",
               "b.yaml")
    result = load_paths([tmp_path / "plans"])
    assert sorted((p.path.rsplit("/", 1)[-1], p.code) for p in result.errors) == [
        ("a.yaml", "E020"), ("b.yaml", "E020")]


def test_same_plan_id_in_two_files_is_an_error(write_plan, tmp_path):
    write_plan("plan: {title: A, id: same}\nrecommendations: []\n", "a.yaml")
    write_plan("plan: {title: B, id: same}\nrecommendations: []\n", "b.yaml")
    result = load_paths([tmp_path / "plans"])
    assert [p.code for p in result.errors] == ["E032"]


def test_bom_and_crlf_load(write_plan, tmp_path):
    path = tmp_path / "plans" / "crlf.yaml"
    path.parent.mkdir()
    path.write_bytes(b"\xef\xbb\xbfplan:\r\n  title: T\r\nrecommendations: []\r\n")
    result = load_paths([path])
    assert result.problems == () and result.plans[0].title == "T"


def test_many_warnings_do_not_stop_a_valid_plan_but_many_errors_do():
    actions = "".join(f"      - {{text: a{i}, due: 1.1.13}}\n" for i in range(300))  # no lead: W107
    plan, problems = load("plan: {title: T}\nrecommendations:\n  - text: R\n    actions:\n" + actions)
    assert plan is not None and len(list(plan.actions)) == 300
    assert {p.code for p in problems} == {"W107"}
    unread = "".join(f"      - {{text: a{i}, lead: x, due: 31.9.12}}\n" for i in range(300))
    plan, problems = load("plan: {title: T}\nrecommendations:\n  - text: R\n    actions:\n" + unread)
    assert plan is not None and [p.code for p in problems] == ["W123"] * 300  # warnings: it reads
    bad = "".join(f"      - {{text: a{i}, completed: 31.9.12}}\n" for i in range(300))
    _, problems = load("plan: {title: T}\nrecommendations:\n  - text: R\n    actions:\n" + bad)
    assert problems[-1].code == "E009" and sum(p.code == "E020" for p in problems) == 200


# -- positions are editor lines; YAML syntax errors say what is wrong where -----------

LINE_BREAKS_IN_A_VALUE = """\
plan:
  title: T
leads:
  pcf: Paul
recommendations:
  - id: "1"
    text: R
    actions:
      - text: "Pasted{brk}from Word{brk}and more{brk}text"
        lead: Nobody
        due: By 31.9.12
"""


@pytest.mark.parametrize("brk", ["\u2028", "\u2029", "\u0085"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_problems_after_a_unicode_line_break_are_on_the_editors_line(brk, newline):
    """YAML counts U+2028, U+2029 and U+0085 as line breaks; editors, grep and git do not."""
    text = LINE_BREAKS_IN_A_VALUE.format(brk=brk).replace("\n", newline)
    plan, problems = load(text)
    assert sorted((p.line, p.column, p.code) for p in problems) == [(10, 15, "W101"), (11, 14, "W123")]
    action = next(plan.actions)
    assert (action.line, action.column) == (9, 9)


def test_a_syntax_error_after_an_unquoted_line_separator_names_it():
    text = LINE_BREAKS_IN_A_VALUE.format(brk="\u2028").replace('"Pasted', "Pasted").replace('text"', "text")
    _, problems = load(text)
    assert [(p.code, p.line) for p in problems] == [("E001", 9)]
    assert problems[0].message.endswith(
        "(line 9 column 21 has a U+2028 LINE SEPARATOR, which YAML reads as a line break; "
        "put the value in quotes)")


MISSING_COLON = {
    "between keys": ("""\
        plan:
          title: T
        recommendations:
          - text: R
            actions:
              - text: A
                lead pcf
                due: 1.1.13
        """, 7, 9, "lead"),
    "last key": ("""\
        plan:
          title: T
        recommendations:
          - text: R
            actions:
              - text: A
                lead pcf
        """, 7, 9, "lead"),
    "key alone": ("""\
        plan:
          title: T
          owner
          version: 2
        recommendations: []
        """, 3, 3, "owner"),
    "top level": ("""\
        plan:
          title: T
        recommendations
        """, 3, 1, "recommendations"),
    "before a key": ("""\
        plan:
          title The plan
          owner: Jo
        recommendations: []
        """, 2, 3, "title"),
}


@pytest.mark.parametrize("case", MISSING_COLON, ids=list(MISSING_COLON))
def test_a_key_without_its_colon_is_reported_on_its_own_line(case):
    text, line, column, key = MISSING_COLON[case]
    _, problems = load(text)
    assert [(p.code, p.line, p.column, p.message) for p in problems] == [
        ("E001", line, column, f"YAML syntax: missing ':' after {key!r}?")]


def test_other_syntax_errors_keep_the_parsers_words():
    _, problems = load("""\
        plan:
          title: T
        recommendations:
          - text: [R
        """)
    assert [p.code for p in problems] == ["E001"]
    assert "missing ':'" not in problems[0].message


# -- open_plans: settings -> the plans and the date they are judged at (planctl.loading) ---------


def test_open_plans_says_where_the_date_came_from(bundled, monkeypatch):
    from planctl.loading.plans import open_plans
    from planctl.loading.settings import Settings

    plans = (str(bundled.parent),)
    at = open_plans(Settings(plans=plans, today="9.10.12")).at
    assert at is not None and (at.day, at.source, at.notes) == (date(2012, 10, 9), "--today", ())
    monkeypatch.setenv("PLANCTL_TODAY", "2012-11-01")
    assert open_plans(Settings(plans=plans)).at.source == "PLANCTL_TODAY"
    monkeypatch.delenv("PLANCTL_TODAY")
    loaded = open_plans(Settings(plans=plans))
    assert loaded.at.source == "clock" and loaded.day == date.today()
    assert open_plans(Settings(plans=plans), judge=False).at is None


def test_open_plans_returns_the_later_commits_note_and_prints_nothing(committed, git_repo, capsys):
    from planctl.loading.plans import open_plans
    from planctl.loading.settings import Settings

    text = committed.read_text(encoding="utf-8")
    committed.write_text(text.replace("due: By 27.1.13", "due: By 28.2.13", 1), encoding="utf-8")
    git_repo("commit", "-q", "-am", "4.2 a month later", date="2012-10-01T10:00:00+01:00")
    loaded = open_plans(Settings(today="2012-09-01"))
    assert len(loaded.notes) == 1 and "changed in git after 2012-09-01" in loaded.notes[0]
    as_of = open_plans(Settings(as_of="2012-09-01"))
    assert (as_of.at.source, as_of.day, as_of.notes) == ("--as-of date", date(2012, 9, 1), ())
    revision = open_plans(Settings(as_of="committee-2012-09"))
    assert (revision.at.source, revision.day) == ("--as-of revision", date(2012, 8, 1))
    assert capsys.readouterr() == ("", "")


# -- a timescale planctl cannot read: the deadline is to be confirmed (W123) -------------------

UNCLEAR = """\
plan:
  title: T
  inspection: {published: 2026-01-10}
recommendations:
  - text: R
    actions:
      - text: Known deadline
        due: By 30.6.26
        lead: Ann
      - text: Written as TBC
        due: TBC
        lead: Bob
      - text: Written as nobody can read
        due: by the Feast of St Swithin
        lead: Cat
"""


def _json_actions(run, *args):
    result = run("status", "--today", "2026-03-01", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return {a["id"]: a for a in json.loads(result.stdout)["actions"]}


def test_an_unreadable_due_leaves_the_plan_readable_with_that_deadline_to_be_confirmed(run, write_plan):
    write_plan(UNCLEAR)
    table = run("status", "--today", "2026-03-01", "--no-color")
    assert table.exit_code == 0, table.stderr  # was 3: one timescale stopped the whole plan
    rows = {line.split()[0]: line for line in table.stdout.splitlines() if line[:3] in ("1.1", "1.2", "1.3")}
    assert "30 Jun 2026" in rows["1.1"] and "on-track" in rows["1.1"]
    assert rows["1.2"].split()[-1] == rows["1.3"].split()[-1] == "no-date"  # as TBC is shown
    actions = _json_actions(run)
    assert (actions["1.1"]["due"], actions["1.1"]["status"]) == ("2026-06-30", "on-track")
    tbc, unread = actions["1.2"], actions["1.3"]
    assert unread["timescale"] == "by the Feast of St Swithin"  # as written, never rewritten
    same = {k for k in tbc if k not in ("id", "text", "timescale", "lead", "leads", "line")}
    assert {k: unread[k] for k in same} == {k: tbc[k] for k in same}
    assert unread["due"] is None and unread["status"] == "no-date"


def test_a_deadline_to_be_confirmed_says_so_where_people_read_the_due_date(run, write_plan):
    """TBC and an unreadable timescale read "to be confirmed" under Due and in show, not a
    blank a reader could take for a missing value; the JSON keeps due null (a contract)."""
    write_plan(UNCLEAR)
    table = run("status", "--today", "2026-03-01", "--no-color", env={"COLUMNS": "120"})
    rows = {line.split()[0]: line for line in table.stdout.splitlines() if line[:3] in ("1.1", "1.2", "1.3")}
    assert "to be confirmed" in rows["1.2"] and "to be confirmed" in rows["1.3"]
    assert "to be confirmed" not in rows["1.1"]
    shown = run("show", "1.3", "--today", "2026-03-01", "--no-color")
    assert any(line.split()[:2] == ["Next", "due"] and line.endswith("to be confirmed")
               for line in shown.stdout.splitlines())
    actions = _json_actions(run)
    assert actions["1.3"]["due"] is None and actions["1.3"]["due_to_be_confirmed"] is True
    assert actions["1.2"]["due_to_be_confirmed"] is True and "due_to_be_confirmed" not in actions["1.1"]
    import openpyxl

    assert run("report", "--today", "2026-03-01", "-o", "paper.xlsx").exit_code == 0
    sheet = openpyxl.load_workbook("paper.xlsx")["Actions"]
    header = [c.value for c in sheet[1]]
    due = {row[header.index("ID")]: row[header.index("Due")]
           for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert due["1.3"] == due["1.2"] == "to be confirmed"


def test_check_warns_w123_located_and_strict_makes_it_fail(run, write_plan):
    write_plan(UNCLEAR)
    result = run("check")
    assert result.exit_code == 0
    [line] = [x for x in result.stdout.splitlines() if "W123" in x]
    assert line.startswith("plans/p.yaml:14:14: W123 action 1.3 due: no date in timescale "
                           "'by the Feast of St Swithin'")
    assert "its deadline is to be confirmed (as 'TBC' is) until it is written in a form planctl reads" in line
    assert line.endswith("'ongoing', 'TBC'") and "accepted forms: 2012-10-27, 27.10.12" in line
    assert "W104 action 1.3" not in result.stdout  # one warning: it is not a TBC written
    assert "0 errors, 2 warnings" in result.stderr  # W104 for 1.2, W123 for 1.3
    strict = run("check", "--strict")
    assert strict.exit_code == 1 and line in strict.stdout.splitlines()
    data = json.loads(run("check", "--format", "json").stdout)
    [w123] = [p for p in data["problems"] if p["code"] == "W123"]
    assert (w123["line"], w123["column"], w123["severity"]) == (14, 14, "warning")


def test_an_unreadable_milestone_makes_the_actions_deadline_to_be_confirmed():
    plan, problems = load("""\
        plan: {title: T, inspection: {published: 2026-01-10}}
        recommendations:
          - text: R
            actions:
              - text: A
                lead: x
                milestones:
                  - {due: 30.4.26, text: Draft, done: true}
                  - {due: soonish, text: Final}
        """)
    assert [(p.code, p.line, p.column, p.severity) for p in problems] == [("W123", 9, 19, "warning")]
    assert "milestone due: no date in timescale 'soonish'" in problems[0].message
    assert "the action's deadline is to be confirmed" in problems[0].message
    action = next(plan.actions)
    # Which deadline is next cannot be known: not "completed" when the draft is done.
    assert action.timescale == Timescale("Draft 30.4.26; Final soonish", tbc=True)
    assert action.milestones == ()
    _, problems = load("""\
        plan: {title: T, inspection: {published: 2026-01-10}}
        recommendations:
          - text: R
            actions:
              - text: A
                lead: x
                milestones: [{due: By 30.4.26 and 30.6.26}]
        """)
    assert [p.code for p in problems] == ["W123"]
    assert "a milestone needs exactly one date" in problems[0].message


def test_an_unreadable_start_is_unknown_with_a_warning_and_the_deadline_stands():
    plan, problems = load("""\
        plan: {title: T, inspection: {published: 2026-01-10}}
        recommendations:
          - text: R
            actions:
              - {text: A, lead: x, start: after the review, due: 30.9.26}
        """)
    assert [(p.code, p.line, p.column) for p in problems] == [("W123", 5, 35)]
    assert problems[0].message.startswith("action 1.1 start 'after the review' is not one start date")
    assert "its start is unknown and it is judged by its deadline alone" in problems[0].message
    action = next(plan.actions)
    assert action.start is None and action.timescale.first_due == date(2026, 9, 30)


def test_a_repeat_whose_due_cannot_be_read_waits_for_its_first_date():
    plan, problems = load("""\
        plan: {title: T, inspection: {published: 2026-01-10}}
        recommendations:
          - text: R
            actions:
              - {text: A, lead: x, due: when the board next meets, repeat: quarterly}
        """)
    assert [p.code for p in problems] == ["W123"]  # not E022 as well: the date is unknown
    action = next(plan.actions)
    assert action.repeat == "quarterly" and action.timescale.tbc


@pytest.mark.parametrize("key, value", [("completed", "31.9.12"), ("updated", "soon"),
                                        ("published", "next week"), ("update", "last Tuesday"),
                                        ("reported", "31.9.12")])
def test_dates_that_are_facts_stay_errors(key, value):
    action = {"completed": f"completed: {value}", "reported": f"reported: [{value}]",
              "update": f"updates: [{{date: {value}, text: n}}]"}.get(key, "due: 1.1.13")
    meta = {"updated": f", updated: {value}", "published": f", inspection: {{published: {value}}}"}
    plan, problems = load(f"plan: {{title: T{meta.get(key, '')}}}\nrecommendations: "
                          f"[{{text: R, actions: [{{text: a, lead: x, {action}}}]}}]\n")
    assert [p.code for p in problems if p.severity == "error"] == ["E020"]
    assert "W123" not in {p.code for p in problems}


# -- plan.dates: named dates that timescales count from -----------------------------------

_TAKES_ANCHORS = "anchors" in inspect.signature(inspect.unwrap(parse_timescale)).parameters
needs_anchors = pytest.mark.skipif(
    not _TAKES_ANCHORS, reason="core.timescale.parse_timescale has no `anchors` parameter yet "
    "(branch f-ts adds it; until it is merged, 'within N months of <event>' is not read)")

DATED = """\
plan:
  title: T
  inspection: {published: 2026-01-10}
  dates:
    The Letter: 2026-03-02
    plan   accepted: 10.4.26
    revisit: 15 January 2027
recommendations:
  - text: R
    actions:
      - {text: a, lead: x}
"""


def test_plan_dates_are_read_with_their_names_normalised():
    plan, problems = load(DATED)
    assert [p.code for p in problems] == ["W106"]  # the action's missing due, nothing else
    assert plan.dates == (NamedDate("letter", date(2026, 3, 2)),
                          NamedDate("plan accepted", date(2026, 4, 10)),
                          NamedDate("revisit", date(2027, 1, 15)))
    assert dict(plan.anchors) == {"letter": date(2026, 3, 2), "plan accepted": date(2026, 4, 10),
                                  "revisit": date(2027, 1, 15)}
    assert hash(plan.anchors) == hash(load(DATED)[0].anchors)  # parse_timescale caches by it
    assert load(MINIMAL)[0].dates == ()


@pytest.mark.parametrize("dates, want", [
    ("{letter: next week}", (5, 19, "E020", "plan.dates.letter: 'next week' is not a date")),
    ("{letter: March 2026}", (5, 19, "E020", "plan.dates.letter: 'March 2026' is a month; an "
                                             "event's date needs its day")),
    ("{letter: 2026-03-02, the letter: 2026-03-09}", (5, 31, "E013", "plan.dates 'the letter' and "
                                                      "'letter' name the same event ('letter')")),
    ("{The  LETTER: 2026-03-02, letter: 2026-03-09}", (5, 36, "E013", "name the same event")),
    ("{the: 2026-03-02}", (5, 11, "E014", "plan.dates 'the' names no event")),
    ("[letter, 2026-03-02]", (5, 10, "E010", "plan.dates must be a mapping of event: date, found a list")),
    ("{letter: 2026-03-02, letter: 2026-03-09}", (5, 31, "E013", "duplicate key 'letter' in plan.dates")),
])
def test_plan_dates_problems_are_located_errors(dates, want):
    _, problems = load("plan:\n  title: T\n  inspection: {published: 2026-01-10}\n\n"
                       f"  dates: {dates}\nrecommendations: [{{text: R, actions: "
                       "[{text: a, lead: x}]}]\n")
    got = [(p.line, p.column, p.code, p.message) for p in problems if p.code != "W106"]
    assert len(got) == 1 and got[0][:3] == want[:3] and want[3] in got[0][3], got


def test_plan_dates_reach_check_and_status(run, write_plan):
    write_plan(DATED)
    assert run("check").exit_code == 0
    write_plan(DATED.replace("revisit: 15 January 2027", "revisit: soon"))
    check = run("check")
    assert check.exit_code == 1
    assert "plans/p.yaml:7:14: E020 plan.dates.revisit: 'soon' is not a date" in check.stdout


def _dated_plan(due_key: str) -> str:
    return DATED.replace("- {text: a, lead: x}", "- {text: a, lead: x, " + due_key + "}")


@needs_anchors
def test_a_timescale_counts_from_the_plans_named_date(run, write_plan):
    write_plan(_dated_plan("due: within 6 months of the letter"))
    actions = _json_actions(run)
    assert actions["1.1"]["due"] == "2026-09-02"  # from the letter (2 March), not publication
    write_plan(_dated_plan("milestones: [{due: within 2 months of plan accepted, text: Draft}]"))
    assert _json_actions(run)["1.1"]["due"] == "2026-06-10"


@needs_anchors
def test_an_event_the_plan_does_not_date_leaves_the_deadline_to_be_confirmed(run, write_plan):
    write_plan(_dated_plan("due: within 6 months of the joint review"))
    action = _json_actions(run)["1.1"]
    assert action["due"] is None and action["status"] == "no-date"
    assert "1.1" in run("check").stdout  # said, located, never counted from publication


@needs_anchors
def test_edits_read_the_named_dates_as_the_loader_does(run, write_plan):
    path = write_plan(_dated_plan("due: within 6 months of the letter"))
    assert run("note", "1.1", "Started", "--today", "2026-03-05").exit_code == 0
    assert "within 6 months of the letter" in path.read_text(encoding="utf-8")
    assert _json_actions(run)["1.1"]["due"] == "2026-09-02"


def test_a_plans_named_dates_are_a_hashable_mapping_equal_by_their_dates():
    """Anchors (core/model.py) is written by hand, not a dataclass: it must still read as a
    mapping and compare and hash by its pairs."""
    from planctl.core.model import Anchors

    a = Anchors((("letter", date(2026, 3, 2)), ("plan accepted", date(2026, 4, 10))))
    same = Anchors((("letter", date(2026, 3, 2)), ("plan accepted", date(2026, 4, 10))))
    other = Anchors((("letter", date(2026, 4, 7)),))
    assert a["letter"] == date(2026, 3, 2) and list(a) == ["letter", "plan accepted"] and len(a) == 2
    assert a.get("review") is None and "plan accepted" in a
    assert a == same and hash(a) == hash(same) and a != other and Anchors() != other
    assert len({a, same, other}) == 2
    assert repr(other) == "Anchors(pairs=(('letter', datetime.date(2026, 4, 7)),))"

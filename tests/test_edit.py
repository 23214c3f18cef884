"""The editing core: exact text edits that keep every other byte, validated, written safely."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import textwrap
from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from planctl.core.errors import PlanctlError, UsageError
from planctl.core.model import Update
from planctl.core.timescale import parse_date
from planctl.format.reader import load_text
from planctl.store import atomic
from planctl.store.changes import read_timescale
from planctl.store.edits import Edit, apply_file
from planctl.store.rewrite import edit_bytes

DAY = date(2012, 10, 1)

HEADER = """\
# A plan written by hand: comments, blank lines and odd quoting must survive.
plan:
  title: 'Test plan'      # single-quoted on purpose
  inspection:
    published: 2012-07-27
leads:
  sm-qa:
    name: Service Manager QA
    aliases: [SM QA]
  sm-fst: Service Manager FST

recommendations:
  - id: "1"
    text: First recommendation
    actions:
"""


def plan_text(actions: str, after: str = "") -> str:
    return HEADER + textwrap.indent(textwrap.dedent(actions), " " * 6) + after


def action(data: bytes, action_id: str, path: str = "plans/p.yaml"):
    plan, problems, _ = load_text(data, path)
    assert plan is not None, problems
    assert not [p for p in problems if p.severity == "error"], problems
    return next(a for a in plan.actions if a.id == action_id)


def action_lines(text: str, first_line: int) -> tuple[int, int]:
    """0-based (start, end) of an action's lines: its first line and the lines indented under it."""
    lines = text.splitlines()
    start = first_line - 1
    dash = len(lines[start]) - len(lines[start].lstrip(" -")) - 2
    end = start
    for i in range(start + 1, len(lines)):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(lines[i]) - len(lines[i].lstrip()) <= dash:
            break
        end = i
    return start, end


def assert_only_action_changed(old: bytes, new: bytes, action_id: str) -> None:
    """Every line before and after the action is byte-for-byte the same (line endings included)."""
    first = action(old, action_id).line
    start, end = action_lines(old.decode("utf-8-sig"), first)
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    assert new_lines[:start] == old_lines[:start]
    tail = len(old_lines) - end - 1
    assert new_lines[len(new_lines) - tail:] == old_lines[end + 1:]


def do(source: str | bytes, action_id: str, kind: str, **fields):
    data = source.encode() if isinstance(source, str) else source
    result = edit_bytes(data, "plans/p.yaml", action_id, Edit(kind, fields.pop("on", DAY), **fields))
    assert_only_action_changed(data, result.new, action_id)
    return result


SIMPLE = plan_text("""\
- text: Audit of compliance   # trailing comment
  due: By 14.9.12
  lead: SM QA

- text: "Report to DMT"
  due: 'By 27.10.12'
  lead: sm-fst
""", after="\n# the end\n")


# -- what each edit writes -------------------------------------------------------


def test_done_adds_status_and_date_after_the_action_and_nothing_else():
    result = do(SIMPLE, "1.1", "done", evidence=("Audit report, 1 Oct",))
    assert result.new.decode() == SIMPLE.replace(
        "  lead: SM QA\n",
        "  lead: SM QA\n"
        "        status: completed\n        completed: 2012-10-01\n"
        "        evidence: Audit report, 1 Oct\n", 1)
    a = action(result.new, "1.1")
    assert (a.progress, a.completed, a.evidence) == ("completed", DAY, ("Audit report, 1 Oct",))
    assert result.subject == "completed 2012-10-01"


def test_done_replaces_an_existing_status_where_it_stands_keeping_its_comment():
    text = plan_text("""\
    - text: A
      status: In progress     # since September
      due: By 14.9.12
      lead: SM QA
    """)
    new = do(text, "1.1", "done").new.decode()
    assert "        status: completed     # since September\n" in new
    assert new.count("status:") == 1
    assert action(new.encode(), "1.1").completed == DAY


def test_done_on_a_recurring_action_records_a_report_and_leaves_its_status():
    text = plan_text("""\
    - text: Quarterly report to CPC
      due: First report by 31.12.12
      repeat: quarterly
      reported:
        - 2012-12-20    # late by a week
      lead: SM QA
    """)
    result = do(text, "1.1", "done", on=date(2013, 3, 30))
    a = action(result.new, "1.1")
    assert a.reported == (date(2012, 12, 20), date(2013, 3, 30))
    assert a.progress == "not-started"
    assert "          - 2012-12-20    # late by a week\n          - 2013-03-30\n" in result.new.decode()
    assert result.subject == "reported 2013-03-30"


def test_done_on_explicit_milestones_closes_the_next_open_one():
    text = plan_text("""\
    - text: Two reports
      lead: SM QA
      milestones:
        - {due: 27.3.13, text: Follow up}
        - due: 27.10.12
          text: Initial report
    """)
    first = do(text, "1.1", "done", on=date(2012, 10, 20))
    a = action(first.new, "1.1")
    assert [(m.text, m.done, m.done_on) for m in a.milestones] == [
        ("Initial report", True, date(2012, 10, 20)), ("Follow up", False, None)]
    assert "            text: Initial report\n            done: 2012-10-20\n" in first.new.decode()
    second = do(first.new, "1.1", "done", on=date(2013, 3, 1))
    assert "{due: 27.3.13, text: Follow up, done: 2013-03-01}" in second.new.decode()
    assert all(m.done for m in action(second.new, "1.1").milestones)
    with pytest.raises(UsageError, match="every milestone"):
        do(second.new, "1.1", "done")


def test_done_on_a_timescale_with_several_dates_reports_the_next_date():
    text = plan_text("""\
    - text: Activity reports
      due: Initial report by 27.10.12, with follow up by 27.3.13
      lead: SM QA
    """)
    first = do(text, "1.1", "done", on=date(2012, 10, 26))
    a = action(first.new, "1.1")
    assert a.reported == (date(2012, 10, 26),)
    assert [m.done for m in a.milestones] == [True, False]
    assert first.subject == "milestone due 2012-10-27 (Initial report) done 2012-10-26"
    second = do(first.new, "1.1", "done", on=date(2013, 3, 1))
    assert "reported: [2012-10-26, 2013-03-01]" in second.new.decode()
    with pytest.raises(UsageError, match="already reported"):
        do(second.new, "1.1", "done")


def test_done_twice_is_refused():
    once = do(SIMPLE, "1.1", "done").new
    with pytest.raises(UsageError, match="already completed on 2012-10-01"):
        do(once, "1.1", "done")


def test_start_sets_in_progress_and_is_a_no_op_when_already_started():
    result = do(SIMPLE, "1.2", "start")
    assert action(result.new, "1.2").progress == "in-progress"
    again = do(result.new, "1.2", "start")
    assert not again.changed


def test_start_refuses_to_reopen_a_completed_action():
    with pytest.raises(UsageError, match="is completed"):
        do(do(SIMPLE, "1.1", "done").new, "1.1", "start")


def test_drop_records_the_reason_as_an_update():
    result = do(SIMPLE, "1.2", "drop", text="Merged into 1.1", by="Head of CATO")
    a = action(result.new, "1.2")
    assert a.progress == "dropped"
    assert a.updates == (Update(DAY, "Dropped: Merged into 1.1", "Head of CATO"),)
    assert result.trailers == (("Reason", "Merged into 1.1"),)


def test_note_appends_to_block_flow_empty_and_missing_updates():
    text = plan_text("""\
    - text: Block list
      updates:
        - date: 2012-09-01
          text: first
    - text: Indentless list
      updates:
      - date: 2012-09-01
        text: first
    - text: Flow list
      updates: [{date: 2012-09-01, text: first}]
    - text: Empty flow list
      updates: []
    - text: Empty value
      updates:
    - text: Null value
      updates: ~
    - text: No updates at all
      lead: SM QA
    """)
    for i in range(1, 8):
        aid = f"1.{i}"
        result = do(text, aid, "note", text="Chased: reply due #3", by="Jo")
        a = action(result.new, aid)
        assert a.updates[-1] == Update(DAY, "Chased: reply due #3", "Jo")
        assert len(a.updates) == (2 if i <= 3 else 1)


def test_note_text_that_needs_quoting_reads_back_exactly():
    awkward = ['- a list?', 'key: value', 'it\'s "quoted"', 'null', '~', '#hash', 'tab\there',
               'back\\slash', 'bell\x07', 'line\nbreak', 'café – naïve 😀', 'yes', '3.10',
               '[flow]', '{x}', '@at', '`tick`', '%pc', '& amp', '* star', '! bang', '| pipe', '> gt']
    text = plan_text("""\
    - {text: Flow action, lead: SM QA}
    - text: Block action
    """)
    for words in awkward:
        for aid in ("1.1", "1.2"):
            result = do(text, aid, "note", text=words)
            assert action(result.new, aid).updates[-1].text == words.strip()


def test_reschedule_moves_the_date_inside_the_timescale_and_records_the_old_one():
    result = do(SIMPLE, "1.1", "reschedule", value="2012-11-30", text="Sample delayed")
    a = action(result.new, "1.1")
    assert a.timescale.text == "By 30.11.12"
    assert a.updates[-1].text == "Rescheduled from By 14.9.12 to By 30.11.12: Sample delayed"
    assert "        due: By 30.11.12\n" in result.new.decode()


def test_reschedule_of_a_timescale_with_several_dates_moves_the_next_open_one():
    text = plan_text("""\
    - text: Activity reports
      due: Initial report by 27.10.12, with follow up by 27.3.13
      reported: [2012-10-26]
    """)
    result = do(text, "1.1", "reschedule", value="30.4.13", text="Board moved")
    a = action(result.new, "1.1")
    assert [d.due for d in a.timescale.deadlines] == [date(2012, 10, 27), date(2013, 4, 30)]


def test_reschedule_of_a_relative_or_missing_timescale_writes_the_date():
    text = plan_text("""\
    - text: Now
      due: Immediate
    - text: No date
      due: TBC
    """)
    for aid in ("1.1", "1.2"):
        result = do(text, aid, "reschedule", value="1.12.12", text="Agreed at DMT")
        assert action(result.new, aid).timescale.first_due == date(2012, 12, 1)


def test_reschedule_of_explicit_milestones_moves_the_next_open_one():
    text = plan_text("""\
    - text: Two reports
      milestones:
        - {due: 27.10.12, text: Initial, done: 2012-10-20}
        - {due: 27.3.13, text: Follow up}
    """)
    result = do(text, "1.1", "reschedule", value="2013-05-31", text="late")
    a = action(result.new, "1.1")
    assert [m.due for m in a.milestones] == [date(2012, 10, 27), date(2013, 5, 31)]
    assert a.updates[-1].text == "Rescheduled milestone Follow up from 27.3.13 to 31.5.13: late"


def test_reschedule_refuses_a_date_that_breaks_the_order_of_milestones():
    text = plan_text("""\
    - text: Activity reports
      due: Initial report by 27.10.12, with follow up by 27.3.13
    """)
    with pytest.raises(UsageError, match="backwards"):
        do(text, "1.1", "reschedule", value="1.6.13", text="late")


def reschedule_to(due: str, typed: str, reported: str = "") -> tuple[str, list[date]]:
    """(the `due:` written, its deadlines) after rescheduling an action with that due."""
    text = plan_text(f"- text: An action\n  due: '{due}'\n{reported}")
    result = do(text, "1.1", "reschedule", value=typed, text="Agreed at DMT")
    a = action(result.new, "1.1")
    assert a.updates[-1].text == f"Rescheduled from {due} to {a.timescale.text}: Agreed at DMT"
    return a.timescale.text, [d.due for d in a.timescale.deadlines]


@pytest.mark.parametrize("typed, deadline", [
    ("By end of January 2013", date(2013, 1, 31)),
    ("end of March 2013", date(2013, 3, 31)),
    ("Q4 2012/13", date(2013, 3, 31)),
    ("October 2013", date(2013, 10, 31)),
    ("By 31 May 2013", date(2013, 5, 31)),
])
def test_reschedule_takes_every_form_due_takes_and_writes_it_as_typed(typed, deadline):
    # docs/editing.md: DATE is any form `due:` accepts. A form that is not one day is what
    # the person wrote, so it is the new timescale, word for word.
    assert reschedule_to("By 14.9.12", typed) == (typed, [deadline])


@pytest.mark.parametrize("typed", ["TBC", "ongoing", "Quarterly", "31.9.12", "next week"])
def test_reschedule_refuses_a_new_date_that_gives_no_one_deadline(typed):
    with pytest.raises(UsageError, match="the new date"):
        reschedule_to("By 14.9.12", typed)


@pytest.mark.parametrize("old, typed, written", [
    ("By 05.09.12", "31.5.13", "By 31.05.13"),      # zero-padded stays padded
    ("By 5.9.12", "31.05.2013", "By 31.5.13"),       # not padded, two-digit year
    ("By 05.09.12", "1.12.12", "By 01.12.12"),
    ("By 27/10/2012", "31.5.13", "By 31/5/2013"),    # separator and four-digit year kept
    ("By 27-10-12", "2013-05-31", "By 31-5-13"),
    ("By 2012-10-27", "31.5.13", "By 2013-05-31"),
    ("By 27 October 2012", "31.5.13", "By 31 May 2013"),  # written-out month
    ("By 27th Oct 2012", "31.5.13", "By 31st May 2013"),  # ordinal and short month
    ("By 2nd October 2012", "23.5.13", "By 23rd May 2013"),
    ("Complete by 27.10.12", "31 May 2013", "Complete by 31.5.13"),
    ("1.9.12 - 30.9.12", "31.5.13", "1.9.12 - 31.5.13"),  # a range of days keeps its start
])
def test_reschedule_writes_a_bare_date_in_the_style_of_the_old_one(old, typed, written):
    assert reschedule_to(old, typed) == (written, [parse_date(typed)])


@pytest.mark.parametrize("old", [
    "By end of March 2013", "March 2013", "Oct-12", "Q3 2012/13",
    "Spring term 2013", "within 3 months", "Immediate", "TBC"])
def test_reschedule_never_leaves_words_around_a_date_they_no_longer_fit(old):
    # Once `By end of 31.5.13` went to every report and calendar; a month, a quarter, a
    # range of months or a relative form is not spliced into: a plain date replaces it.
    assert reschedule_to(old, "31.5.13") == ("By 31 May 2013", [date(2013, 5, 31)])


@pytest.mark.parametrize("old, typed, reported, written, first", [
    ("By end of October 2012 and again by 27.3.13", "1.12.12", "",
     "By 1 December 2012 and again by 27.3.13", date(2012, 12, 1)),
    ("Initial report by 27.10.12, with follow up by 27.3.13", "By end of May 2013",
     "  reported: [2012-10-26]\n", "Initial report by 27.10.12, with follow up by 31.5.13",
     date(2012, 10, 27)),
    # A start stays a start: only the month that was the deadline gives way.
    ("From June 2013 to March 2014", "30.11.13", "", "From June 2013 to 30 November 2013",
     date(2013, 11, 30)),
    ("April - June 2013", "31.5.13", "", "April - 31 May 2013", date(2013, 5, 31)),
    # The series starts at the new date (it once read "from 31.5.13": first due 31.8.13).
    ("Quarterly from 31.12.12", "31.5.13", "", "Quarterly from 31.12.12, first by 31.5.13",
     date(2013, 5, 31)),
])
def test_reschedule_of_one_date_among_words_keeps_the_others(old, typed, reported, written, first):
    due, deadlines = reschedule_to(old, typed, reported)
    assert (due, deadlines[0]) == (written, first)


def test_reschedule_refuses_what_it_cannot_write_so_that_it_reads_right():
    with pytest.raises(UsageError, match="edit its due: by hand"):
        reschedule_to("Report in Q3 2012/13 and Q4 2012/13", "1.12.12")


def test_reschedule_of_an_explicit_milestone_written_as_a_month():
    text = plan_text("""\
    - text: Two reports
      milestones:
        - {due: end of October 2012, text: Initial}
        - {due: 27.3.13, text: Follow up}
    """)
    result = do(text, "1.1", "reschedule", value="1.12.12", text="late")
    assert "- {due: 1 December 2012, text: Initial}" in result.new.decode()
    assert action(result.new, "1.1").updates[-1].text == (
        "Rescheduled milestone Initial from end of October 2012 to 1 December 2012: late")


OLD_DUES = st.sampled_from([
    "By {d}", "{d}", "Complete by {d}", "By end of {m}", "{m}", "end of {m}", "By the end of {m}",
    "Q3 2012/13", "Spring term 2013", "within 3 months", "within 40 working days", "Immediate",
    "TBC", "ongoing", "April - {m}", "{d} - {d2}", "Initial report by {d}, with follow up by {d2}",
    "By end of {m} and again by {d2}", "Quarterly", "Quarterly from {d}", "Monthly, first by {d}"])
DAY_STYLES = st.sampled_from(["{x.day}.{x.month}.{y2}", "{x.day:02d}.{x.month:02d}.{y2}",
                              "{x.day}/{x.month}/{x.year}", "{x.day}-{x.month}-{y2}", "{x:%Y-%m-%d}",
                              "{x.day} {x:%B} {x.year}", "{x.day} {x:%b} {x.year}",
                              "{x.day}th {x:%b} {x.year}"])
SOME_DAYS = st.dates(date(2012, 8, 1), date(2014, 12, 31))


def _written(style: str, day: date) -> str:
    return style.format(x=day, y2=f"{day.year % 100:02d}")


@settings(max_examples=200, deadline=None)
@given(old=OLD_DUES, style=DAY_STYLES, typed_style=DAY_STYLES,
       days=st.lists(SOME_DAYS, min_size=3, max_size=3))
def test_any_reschedule_writes_a_due_that_reads_as_exactly_the_new_date(old, style, typed_style, days):
    """Property: whatever the old timescale and however the new date is typed, the `due:`
    written reads (with the loader's own reading) as the new date, or the edit is refused
    with a reason; never a due that reads otherwise."""
    first, second, new = sorted(days)[0], sorted(days)[1], days[2]
    due = old.format(d=_written(style, first), d2=_written(style, second), m=f"{first:%B %Y}")
    text = plan_text(f"- text: An action\n  due: '{due}'\n")
    data = text.encode()
    plan, problems, _ = load_text(data, "plans/p.yaml")
    assume(plan is not None and not [p for p in problems if p.severity == "error"])
    before = action(data, "1.1")
    try:
        result = edit_bytes(data, "plans/p.yaml", "1.1",
                            Edit("reschedule", DAY, text="why", value=_written(typed_style, new)))
    except UsageError as exc:
        # Refused only where no writing can be right: dates out of order, a start after
        # the new date, a form with no date to move.
        assert any(r in str(exc) for r in ("backwards", "by hand", "starts")), exc
        return
    after = action(result.new, "1.1")
    dues = [d.due for d in after.timescale.deadlines]
    old_dues = [d.due for d in before.timescale.deadlines]
    if before.repeat or after.repeat:
        assert dues[0] == new
    elif len(old_dues) > 1:
        assert dues == [new if d == old_dues[0] and i == 0 else d for i, d in enumerate(old_dues)]
    else:
        assert dues == [new]
    # Re-reading the written text alone (not the edit's own model) gives the same.
    plan = load_text(result.new, "p")[0]
    assert [d.due for d in read_timescale(after.timescale.text, plan).deadlines] == dues


def test_assign_resolves_known_leads_and_warns_with_the_nearest_for_unknown_ones():
    known = do(SIMPLE, "1.1", "assign", value="sm-fst")
    a = action(known.new, "1.1")
    assert (a.leads, a.lead_keys, known.warnings) == (("Service Manager FST",), ("sm-fst",), ())
    unknown = do(SIMPLE, "1.1", "assign", value="Service Manger QA")
    assert action(unknown.new, "1.1").leads == ("Service Manger QA",)
    assert "did you mean 'Service Manager QA'" in unknown.warnings[0]


def test_assign_replaces_a_list_of_leads():
    text = plan_text("""\
    - text: Shared
      lead:
        - SM QA      # first
        - sm-fst
      due: By 1.1.13
    """)
    a = action(do(text, "1.1", "assign", value="SM QA").new, "1.1")
    assert a.leads == ("Service Manager QA",)


# -- layouts that must survive ----------------------------------------------------------


def test_crlf_and_bom_are_kept_and_new_lines_use_crlf():
    data = b"\xef\xbb\xbf" + SIMPLE.replace("\n", "\r\n").encode()
    result = do(data, "1.1", "done")
    assert result.new.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in result.new.replace(b"\r\n", b"")
    assert action(result.new, "1.1").progress == "completed"


def test_flow_style_action_gets_flow_keys():
    text = plan_text("""\
    - {text: "Flow, with comma", due: By 14.9.12, lead: SM QA}   # one line
    - text: next
    """)
    result = do(text, "1.1", "done", evidence=("a, b", "c"))
    line = result.new.decode().splitlines()[15]
    assert line == ('      - {text: "Flow, with comma", due: By 14.9.12, lead: SM QA, status: completed, '
                    "completed: 2012-10-01, evidence: ['a, b', c]}   # one line")


def test_last_action_of_a_file_without_a_final_newline():
    text = plan_text("- text: last\n  due: By 1.1.13").rstrip("\n")
    result = do(text, "1.1", "note", text="x")
    assert action(result.new, "1.1").updates[-1].text == "x"
    assert not result.new.endswith(b"\n")


def test_folded_text_and_four_space_indentation():
    text = HEADER + (
        "        - text: >-\n"
        "              Folded text\n"
        "              over two lines\n"
        "\n"
        "          due: By 1.1.13\n"
        "          lead: SM QA\n")
    result = do(text, "1.1", "start")
    assert "          lead: SM QA\n          status: in-progress\n" in result.new.decode()


def test_evidence_that_was_one_value_becomes_a_list():
    text = plan_text("""\
    - text: A
      evidence: Minutes of DMT   # the first proof
      due: By 1.1.13
    """)
    result = do(text, "1.1", "done", evidence=("Audit",))
    assert action(result.new, "1.1").evidence == ("Minutes of DMT", "Audit")


def test_an_action_reached_through_an_alias_is_refused_untouched():
    text = plan_text("""\
    - &shared {text: Shared, due: By 1.1.13}
    """) + """\
  - id: "2"
    text: Second
    actions:
      - *shared
"""
    with pytest.raises(PlanctlError):
        edit_bytes(text.encode(), "plans/p.yaml", "2.1", Edit("done", DAY))


def test_a_plan_with_errors_is_not_edited():
    text = plan_text("- text: A\n  status: finished-ish\n")
    with pytest.raises(PlanctlError, match="has errors"):
        edit_bytes(text.encode(), "plans/p.yaml", "1.1", Edit("done", DAY))


def test_an_edit_that_would_give_an_invalid_plan_is_refused():
    # A date load.py reads differently from what we meant (year 12 AD): the check catches it.
    with pytest.raises(PlanctlError, match="did not read back|invalid"):
        edit_bytes(SIMPLE.encode(), "plans/p.yaml", "1.1", Edit("done", date(12, 1, 1)))


def test_text_that_is_empty_or_not_utf8_is_refused():
    with pytest.raises(UsageError, match="empty"):
        do(SIMPLE, "1.1", "note", text="   ")
    with pytest.raises(UsageError, match="UTF-8"):
        do(SIMPLE, "1.1", "note", text="bad \udcff byte")


# -- the file: atomic, locked, safe -----------------------------------------------------------


@pytest.fixture
def plan_file(tmp_path) -> Path:
    path = tmp_path / "plans" / "p.yaml"
    path.parent.mkdir()
    path.write_text(SIMPLE)
    path.chmod(0o640)
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "p.yaml")


def test_write_keeps_the_mode_and_leaves_no_temp_file(plan_file):
    apply_file(plan_file, "1.1", Edit("done", DAY))
    assert stat.S_IMODE(plan_file.stat().st_mode) == 0o640
    assert leftovers(plan_file.parent) == []
    assert action(plan_file.read_bytes(), "1.1").progress == "completed"


def test_dry_run_writes_nothing(plan_file):
    before = plan_file.read_bytes()
    result = apply_file(plan_file, "1.1", Edit("done", DAY), dry_run=True)
    assert plan_file.read_bytes() == before
    assert "+        status: completed" in result.diff()


def test_a_read_only_file_is_refused_untouched(plan_file):
    plan_file.chmod(0o444)
    with pytest.raises(PlanctlError, match="read-only") as exc:
        apply_file(plan_file, "1.1", Edit("done", DAY))
    assert plan_file.read_text() == SIMPLE
    assert len(exc.value.lines()) == 1


class _FullDisk:
    """The os module, except that write fails as on a full disk (an injected fault)."""

    def __getattr__(self, name):
        return getattr(os, name)

    @staticmethod
    def write(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_leaves_the_file_and_no_temp_file(plan_file, monkeypatch):
    monkeypatch.setattr(atomic, "os", _FullDisk())
    with pytest.raises(PlanctlError, match="No space left on device; the file is unchanged"):
        apply_file(plan_file, "1.1", Edit("note", DAY, text="x" * 1000))
    monkeypatch.undo()
    assert plan_file.read_text() == SIMPLE
    assert leftovers(plan_file.parent) == []


def _mount(*args: str) -> bool:
    try:
        return subprocess.run(["mount", *args], capture_output=True).returncode == 0
    except OSError:
        return False


@pytest.fixture
def tiny_fs(tmp_path):
    """A 4 KiB tmpfs (root only): a real full disk."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    if os.geteuid() != 0 or not _mount("-t", "tmpfs", "-o", "size=4k", "tmpfs", str(folder)):
        pytest.skip("cannot mount a tmpfs here")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_a_real_full_disk(tiny_fs):
    path = tiny_fs / "p.yaml"
    path.write_text(SIMPLE)
    filler = tiny_fs / "filler"
    with pytest.raises(OSError), open(filler, "wb") as f:
        f.write(b"x" * 8192)
        f.flush()
        os.fsync(f.fileno())
    with pytest.raises(PlanctlError, match="No space left on device") as exc:
        apply_file(path, "1.1", Edit("note", DAY, text="y" * 2000))
    assert len(exc.value.lines()) == 1
    assert path.read_text() == SIMPLE
    assert sorted(p.name for p in tiny_fs.iterdir()) == ["filler", "p.yaml"]


def test_a_read_only_file_system(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0 or not _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)):
        pytest.skip("cannot mount a tmpfs here")
    try:
        (folder / "p.yaml").write_text(SIMPLE)
        assert _mount("-o", "remount,ro", str(folder))
        with pytest.raises(PlanctlError, match="read-only"):
            apply_file(folder / "p.yaml", "1.1", Edit("done", DAY))
        assert (folder / "p.yaml").read_text() == SIMPLE
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_missing_folder_is_one_clear_error(tmp_path):
    with pytest.raises(PlanctlError, match="folder does not exist") as exc:
        apply_file(tmp_path / "gone" / "p.yaml", "1.1", Edit("done", DAY))
    assert len(exc.value.lines()) == 1


def test_a_change_saved_by_someone_else_meanwhile_is_kept_and_the_edit_reapplied(plan_file):
    """An editor saves the file after planctl read it: its change survives, ours is re-applied."""
    saved = []

    def someone_saves(result):
        if not saved:
            text = plan_file.read_text().replace("# the end", "# the end, edited in an editor")
            plan_file.write_text(text)
            saved.append(text)

    apply_file(plan_file, "1.1", Edit("done", DAY), before_write=someone_saves)
    final = plan_file.read_text()
    assert "# the end, edited in an editor" in final
    assert action(final.encode(), "1.1").progress == "completed"


def test_a_file_that_keeps_changing_is_refused(plan_file):
    def someone_keeps_saving(result):
        plan_file.write_text(plan_file.read_text() + "# again\n")

    with pytest.raises(PlanctlError, match="kept changing"):
        apply_file(plan_file, "1.1", Edit("done", DAY), before_write=someone_keeps_saving, tries=3)
    assert action(plan_file.read_bytes(), "1.1").progress == "not-started"
    assert leftovers(plan_file.parent) == []


def test_a_symlinked_plan_is_edited_where_it_lives(plan_file):
    link = plan_file.parent / "link.yaml"
    link.symlink_to(plan_file.name)
    apply_file(link, "1.1", Edit("done", DAY))
    assert link.is_symlink()
    assert action(plan_file.read_bytes(), "1.1").progress == "completed"


def test_text_outside_ascii_before_and_inside_the_action():
    text = plan_text("""\
    - text: Café – “quoted” 😀   # ünïcode comment
      due: By 14.9.12
    - text: naïve ☃
      lead: SM QA
      updates: [{date: 2012-09-01, text: déjà vu}]
    """)
    for aid in ("1.1", "1.2"):
        result = do(text, aid, "note", text="encore 🎉")
        assert action(result.new, aid).updates[-1].text == "encore 🎉"
    assert action(do(text, "1.2", "done").new, "1.2").progress == "completed"

"""The one YAML writer (format/writer.py), and the commands built on it: add, reopen, reasons."""

from __future__ import annotations

import textwrap

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from planctl.core.model import evolve
from planctl.format.reader import load_text
from planctl.format.writer import scalar
from test_edit_cli import action_of, changed_old_lines, plan_of

TODAY = "2012-10-09"

PLAN = """\
plan:
  title: Writer test
recommendations:
  - text: R
    actions:
      - text: {block}
        due: By 14.9.12
      - {{text: {flow}, due: By 14.9.12}}
"""

# -- the scalar writer --------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80))
def test_any_text_reads_back_exactly_with_planctl_and_with_a_yaml_1_1_reader(value):
    text = PLAN.format(block=scalar(value), flow=scalar(value, flow=True))
    # PyYAML is a YAML 1.1 reader: NO, yes, on, 3.10 and dates would be typed if left plain.
    parsed = yaml.safe_load(text)
    assert [a["text"] for a in parsed["recommendations"][0]["actions"]] == [value, value]
    assert "\n" not in scalar(value) and "\n" not in scalar(value, flow=True)
    if value.strip():
        plan, problems, _ = load_text(text, "p.yaml")
        assert plan is not None, problems
        assert [a.text for a in plan.actions] == [value.strip(), value.strip()]


@pytest.mark.parametrize("value", [
    "NO", "no", "Yes", "on", "OFF", "y", "n", "true",  # YAML 1.1 booleans
    "3.10", "1e3", "1E-3", "0x1F", "0o17", "017", "0b101", "1_000", "1:20", "+12",  # numbers
    ".inf", ".NaN", "2012-10-01", "2001-12-14 21:59:43.10 -5", "<<", "=",
])
def test_words_a_yaml_1_1_or_1_2_reader_would_type_are_quoted(value):
    written = scalar(value)
    assert written[0] in "'\"", written  # 1e3 and 0o17 are numbers in YAML 1.2 only
    assert yaml.safe_load(f"k: {written}") == {"k": value}


@pytest.mark.parametrize("value,written", [
    ("Dropped: merged", "'Dropped: merged'"),  # single quotes when enough
    ("it's #1", "'it''s #1'"),
    (" padded ", "' padded '"),
    ("from Word\u2028next", '"from Word\\Lnext"'),  # escapes for breaks and control characters
    ("a\u2029b\x85c", '"a\\Pb\\Nc"'),
    ("bell\x07", '"bell\\a"'),
    ("tab\there", '"tab\\there"'),
])
def test_plain_then_single_quotes_then_escapes(value, written):
    assert scalar(value) == written


# -- note and the writer on the bundled plan -------------------------------------------------------


def test_note_with_a_line_separator_pasted_from_word_is_written_escaped(run, bundled):
    note = "text pasted from Word\u2028second paragraph"
    result = run("note", "3.1", note, "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert action_of(bundled, "3.1").updates[-1].text == note
    assert '            text: "text pasted from Word\\Lsecond paragraph"\n' in bundled.read_text()


def test_a_note_that_yaml_1_1_would_read_as_false_is_quoted(run, bundled):
    assert run("note", "3.1", "NO", "--today", TODAY).exit_code == 0
    parsed = yaml.safe_load(bundled.read_text())
    assert parsed["recommendations"][2]["actions"][0]["updates"][-1]["text"] == "NO"


# -- done --on ---------------------------------------------------------------------------------


def test_done_on_a_date_after_today_is_refused_and_the_file_kept(run, bundled):
    old = bundled.read_bytes()
    result = run("done", "3.1", "--on", "1.4.27", "--today", TODAY)
    assert result.exit_code == 2
    assert "after today" in result.stderr and result.stderr.count("\n") == 1
    assert bundled.read_bytes() == old


# -- add ---------------------------------------------------------------------------------------


def only_insertions(old: bytes, new: bytes) -> bool:
    a, b = old.decode().splitlines(), new.decode().splitlines()
    import difflib

    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return all(op in ("equal", "insert") for op, *_ in ops)


def test_add_appends_an_action_with_the_next_number_as_new_lines_only(run, bundled):
    old = bundled.read_bytes()
    before = {a.id: a for a in plan_of(bundled).actions}
    result = run("add", "3", "Re-audit the sample", "--due", "31.3.13", "--lead", "sm-fst",
                 "--report-to", "DMT", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("3.3: added")
    assert only_insertions(old, bundled.read_bytes())
    rec = next(r for r in plan_of(bundled).recommendations if r.id == "3")
    assert [a.id for a in rec.actions] == ["3.1", "3.2", "3.3"]
    new = rec.actions[-1]
    assert (new.text, new.timescale.text, new.leads, new.report_to) == (
        "Re-audit the sample", "31.3.13", ("Service Manager FST",), ("DMT",))
    after = {a.id: a for a in plan_of(bundled).actions}
    assert all(evolve(after[i], line=a.line) == a for i, a in before.items())


def test_add_before_the_first_action_writes_ids_so_nothing_is_renumbered(run, bundled):
    old = bundled.read_bytes()
    texts = {a.id: a.text for a in plan_of(bundled).actions}
    result = run("add", "3", "Brief the team first", "--due", "1.12.12", "--before", "3.1",
                 "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    new = bundled.read_bytes()
    assert only_insertions(old, new)
    rec = next(r for r in plan_of(bundled).recommendations if r.id == "3")
    assert [(a.id, a.text) for a in rec.actions] == [
        ("3.3", "Brief the team first"), ("3.1", texts["3.1"]), ("3.2", texts["3.2"])]
    assert {a.id: a.text for a in plan_of(bundled).actions if a.recommendation != "3"} == \
        {i: t for i, t in texts.items() if not i.startswith("3.")}


def test_add_with_an_id_in_use_or_an_unknown_recommendation_is_refused(run, bundled):
    old = bundled.read_bytes()
    taken = run("add", "3", "X", "--id", "4.1", "--today", TODAY)
    assert taken.exit_code == 2 and "already an action '4.1'" in taken.stderr
    unknown = run("add", "99", "X", "--today", TODAY)
    assert unknown.exit_code == 2 and "no recommendation '99'" in unknown.stderr
    assert bundled.read_bytes() == old


def test_add_a_recommendation(run, bundled):
    count = len(plan_of(bundled).recommendations)
    old = bundled.read_bytes()
    result = run("add", "--recommendation", "Improve supervision: monthly", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert only_insertions(old, bundled.read_bytes())
    recs = plan_of(bundled).recommendations
    assert (recs[-1].id, recs[-1].text) == (str(count + 1), "Improve supervision: monthly")
    assert "has no actions" in result.stderr  # the new warning, so the user adds one
    assert run("add", str(count + 1), "First step", "--due", "TBC", "--today", TODAY).exit_code == 0
    assert action_of(bundled, f"{count + 1}.1").text == "First step"


def test_add_dry_run_writes_nothing(run, bundled):
    old = bundled.read_bytes()
    result = run("add", "3", "Re-audit", "--dry-run", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert bundled.read_bytes() == old
    assert "+      - text: Re-audit" in result.stdout


# -- reopen and reasons ----------------------------------------------------------------------------


def test_reopen_a_completed_action_keeps_the_completion_in_its_updates(run, bundled):
    assert run("done", "3.1", "--on", "1.10.12", "--today", TODAY).exit_code == 0
    old = bundled.read_bytes()
    result = run("reopen", "3.1", "--reason", "Sample incomplete", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    a = action_of(bundled, "3.1")
    assert (a.progress, a.completed) == ("in-progress", None)
    assert a.updates[-1].text == "Reopened (was completed on 2012-10-01): Sample incomplete"
    assert max(changed_old_lines(old, bundled.read_bytes())) <= a.line + 12
    refused = run("reopen", "3.2", "--reason", "x", "--today", TODAY)
    assert refused.exit_code == 2 and "nothing to reopen" in refused.stderr


@pytest.fixture
def repo(git_repo, bundled):
    git_repo("add", "plans")
    git_repo("commit", "-q", "-m", "The plan as published")
    return git_repo


@pytest.mark.parametrize("args,update", [
    (["reschedule", "3.2", "30.11.12"], "Rescheduled from By 27.10.12 to By 30.11.12: "),
    (["drop", "16.1"], "Dropped: "),
    (["assign", "3.1", "sm-qa"], "Reassigned from Service Manager FST to Service Manager QA: "),
    (["reopen", "3.1"], "Reopened (was completed on 2012-10-01): "),
])
def test_a_reason_is_kept_in_the_plan_and_as_a_commit_trailer(run, repo, bundled, args, update):
    if args[0] == "reopen":
        assert run("done", "3.1", "--on", "1.10.12", "--today", TODAY, "--commit").exit_code == 0
    reason = "DMT moved:\nsee minutes"  # two lines: one trailer line, the plan keeps both
    result = run(*args, "--reason", reason, "--today", TODAY, "--commit")
    assert result.exit_code == 0, result.stderr
    assert action_of(bundled, args[1]).updates[-1].text == update + reason
    one_line = "DMT moved: see minutes"
    assert repo("log", "-1", "--format=%(trailers:key=Reason,valueonly)").strip() == one_line
    trailers = repo("log", "-1", "--format=%(trailers:only,unfold)").strip().splitlines()
    assert trailers == [f"Reason: {one_line}", f"Plan: thurrock-2012-slac, action {args[1]}"]


def test_a_note_is_the_commit_body_and_the_plan_a_trailer(run, repo):
    result = run("note", "3.1", "Chased IRT: no reply", "--today", TODAY, "--commit")
    assert result.exit_code == 0, result.stderr
    assert repo("log", "-1", "--format=%b").startswith("Chased IRT: no reply\n\n")
    assert repo("log", "-1", "--format=%(trailers:key=Plan,valueonly)").strip() == \
        "thurrock-2012-slac, action 3.1"


def test_add_commit(run, repo, bundled):
    result = run("add", "3", "Re-audit", "--due", "31.3.13", "--today", TODAY, "--commit")
    assert result.exit_code == 0, result.stderr
    assert repo("log", "-1", "--format=%s") == "3.3: added\n"
    assert repo("status", "--porcelain", "plans").strip() == ""


def test_reopen_a_flow_action_takes_completed_out_of_the_braces(write_plan, run):
    path = write_plan("""\
        plan:
          title: Flow
        recommendations:
          - text: R
            actions:
              - {text: A, status: done, completed: 1.10.12, due: By 14.9.12}   # kept
              - {text: B, due: By 14.9.12, status: dropped, completed: 1.10.12}
        """)
    assert run("reopen", "1.1", "--reason", "No", "--today", TODAY).exit_code == 0
    assert run("reopen", "1.2", "--reason", "No", "--today", TODAY).exit_code == 0
    lines = path.read_text().splitlines()
    assert lines[5] == ("      - {text: A, status: in-progress, due: By 14.9.12, updates: "
                        "[{date: 2012-10-09, text: 'Reopened (was completed on 2012-10-01): No'}]}   # kept")
    assert lines[6] == ("      - {text: B, due: By 14.9.12, status: in-progress, updates: "
                        "[{date: 2012-10-09, text: 'Reopened (was dropped on 2012-10-01): No'}]}")


def test_a_flow_list_of_actions_gets_the_new_action_inside_it(write_plan, run):
    path = write_plan(textwrap.dedent("""\
        plan:
          title: Flow
        recommendations:
          - text: R
            actions: [{text: A, due: By 14.9.12}]
        """))
    assert run("add", "1", "B", "--due", "TBC", "--today", TODAY).exit_code == 0
    assert "actions: [{text: A, due: By 14.9.12}, {text: B, due: TBC}]" in path.read_text()
    assert [a.id for a in plan_of(path).actions] == ["1.1", "1.2"]

"""history, slippage, diff and timeline: through the CLI on a real repository, and the pure
computations on hand-made versions."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from conftest import REC3_AUDIT, as_json
from planctl.format.reader import load_text
from planctl.history.changelog import ref_matcher
from planctl.history.diff import diff
from planctl.history.slippage import slippage
from planctl.history.timeline import timeline
from planctl.store.gitstore import Commit, Version
from test_gitstore import story  # noqa: F401  (a fixture)

# -- history ------------------------------------------------------------------------------


def test_history_lists_each_commit_newest_first_with_who_and_why(story, run):  # noqa: F811
    data = as_json(run("history", "--format", "json"))
    assert [(c["date"], c["author"], c["subject"]) for c in data["commits"]] == [
        ("2012-10-09", "Carol Clark", "Extra plan withdrawn"),
        ("2012-10-08", "Carol Clark", "An extra plan"),
        ("2012-10-05", "Alice Archer", "3.2 done"),
        ("2012-10-02", "Bob Brown", "Rename the plan file"),
        ("2012-09-25", "Carol Clark", "3.1 later again; 4.1 moves to FST"),
        ("2012-09-10", "Bob Brown", "3.1 later: staff sickness"),
        ("2012-08-20", "Alice Archer", "Plan as agreed by SMT"),
    ]
    by_subject = {c["subject"]: c for c in data["commits"]}
    assert by_subject["Rename the plan file"]["plans"] == [
        {"plan": "slac-2012", "change": "renamed", "path": "plans/slac-2012.yaml",
         "from_path": "plans/slac.yaml", "actions": 3}]
    assert by_subject["Rename the plan file"]["actions"] == []
    assert [(p["plan"], p["change"]) for p in by_subject["Extra plan withdrawn"]["plans"]] == [
        ("extra", "removed")]
    fields = [(a["id"], f["field"], f["from"], f["to"])
              for a in by_subject["3.1 later again; 4.1 moves to FST"]["actions"] for f in a["fields"]]
    assert fields == [("3.1", "due", "By 30.9.12", "By 31.10.12"),
                      ("4.1", "lead", ["Service Manager QA"], ["Service Manager FST"])]
    assert len(by_subject["3.1 later: staff sickness"]["commit"]) == 7


def test_history_of_one_action(story, run):  # noqa: F811
    data = as_json(run("history", "3.1", "--format", "json"))
    changes = [(c["date"], a["change"], [(f["field"], f["from"], f["to"]) for f in a["fields"]])
               for c in data["commits"] for a in c["actions"]]
    assert changes == [
        ("2012-09-25", "changed", [("due", "By 30.9.12", "By 31.10.12")]),
        ("2012-09-10", "changed", [("due", "By 14.9.12", "By 30.9.12")]),
        ("2012-08-20", "added", [("text", None, "Audit of compliance"),
                                 ("recommendation", None, "3"), ("due", None, "By 14.9.12"),
                                 ("lead", None, ["Service Manager FST"])]),
    ]


def test_history_since_a_tag_or_a_date(story, run):  # noqa: F811
    tagged = as_json(run("history", "--since", "committee-2012-09", "--format", "json"))
    assert [c["date"] for c in tagged["commits"]][-1] == "2012-09-25"
    dated = as_json(run("history", "--since", "2012-10-05", "--format", "json"))
    assert [c["date"] for c in dated["commits"]] == ["2012-10-09", "2012-10-08", "2012-10-05"]


def test_history_table_shows_old_and_new(story, run):  # noqa: F811
    result = run("history", "3.1")
    assert result.exit_code == 0
    assert "Bob Brown: 3.1 later: staff sickness" in result.stdout
    assert "By 14.9.12" in result.stdout and "By 30.9.12" in result.stdout
    markdown = run("history", "--format", "markdown").stdout
    assert "plans/slac.yaml" in markdown and "renamed" in markdown


def test_history_of_an_unknown_action_is_an_error(story, run):  # noqa: F811
    result = run("history", "9.9")
    assert result.exit_code == 2
    assert "no action or recommendation '9.9'" in result.stderr
    # as `show` does: the nearest ids of the plans as they stand, same recommendation first
    near = run("history", "3.9")
    assert near.exit_code == 2
    assert near.stderr.rstrip().endswith("in the history of the plans; did you mean 3.2, 3.1?"), \
        near.stderr


# -- slippage -----------------------------------------------------------------------------


def test_slippage_from_the_first_commit(story, run):  # noqa: F811
    data = as_json(run("slippage", "--format", "json"))
    assert len(data["actions"]) == 1
    a = data["actions"][0]
    assert (a["plan"], a["id"], a["first_due"], a["current_due"]) == (
        "slac-2012", "3.1", "2012-09-14", "2012-10-31")
    assert a["days_slipped"] == (date(2012, 10, 31) - date(2012, 9, 14)).days == 47
    assert a["moves"] == 2
    assert [(c["date"], c["author"], c["message"], c["from"], c["to"], c["days"])
            for c in a["changes"]] == [
        ("2012-09-10", "Bob Brown", "3.1 later: staff sickness", "2012-09-14", "2012-09-30", 16),
        ("2012-09-25", "Carol Clark", "3.1 later again; 4.1 moves to FST", "2012-09-30",
         "2012-10-31", 31),
    ]


def test_slippage_since_the_last_committee(story, run):  # noqa: F811
    data = as_json(run("slippage", "--since", "committee-2012-09", "--format", "json"))
    assert [(a["id"], a["first_due"], a["days_slipped"], a["moves"]) for a in data["actions"]] == [
        ("3.1", "2012-09-30", 31, 1)]
    later = as_json(run("slippage", "--since", "committee-2012-10", "--format", "json"))
    assert later["actions"] == []
    table = run("slippage", "--since", "committee-2012-10")
    assert "No deadline moved later since committee-2012-10" in table.stdout


def test_slippage_table(story, run):  # noqa: F811
    out = run("slippage", env={"COLUMNS": "200"}).stdout
    assert "47 days" in out and "staff sickness" in out and "Carol Clark" in out


# -- diff ------------------------------------------------------------------------------------


def test_diff_between_two_committee_tags(story, run):  # noqa: F811
    data = as_json(run("diff", "committee-2012-09", "committee-2012-10", "--format", "json"))
    assert (data["from"]["date"], data["to"]["date"]) == ("2012-09-10", "2012-10-05")
    assert [(r["id"], r["from"], r["to"], r["days"]) for r in data["rescheduled"]] == [
        ("3.1", "By 30.9.12", "By 31.10.12", 31)]
    assert [(r["id"], r["from"], r["to"]) for r in data["reassigned"]] == [
        ("4.1", ["Service Manager QA"], ["Service Manager FST"])]
    assert [(r["id"], r["from"], r["to"]) for r in data["completed"]] == [
        ("3.2", "not-started", "completed")]
    assert data["added"] == data["removed"] == data["changed"] == []


def test_diff_sees_a_plan_added_and_deleted(story, run):  # noqa: F811
    data = as_json(run("diff", "committee-2012-10", "HEAD~1", "--format", "json"))
    assert [(r["plan"], r["id"], r["due"]) for r in data["added"]] == [("extra", "1.1", "By 1.12.12")]
    data = as_json(run("diff", "HEAD~1", "HEAD", "--format", "json"))
    assert [(r["plan"], r["id"]) for r in data["removed"]] == [("extra", "1.1")]


def test_diff_table_and_markdown(story, run):  # noqa: F811
    out = run("diff", "committee-2012-09", "committee-2012-10").stdout
    assert "Rescheduled (1)" in out and "+31 days" in out and "Completed (1)" in out
    md = run("diff", "committee-2012-09", "committee-2012-10", "--format", "markdown").stdout
    assert "Reassigned (1)" in md and "Service Manager FST" in md


# -- the pure computations -------------------------------------------------------------------

BASE = """\
plan:
  title: T
recommendations:
  - text: R
    actions:
      - text: A
        due: {due}
        lead: L{extra}
"""


def version(day: str, due: str, n: int, extra: str = "", subject: str = "") -> Version:
    p = load_text(BASE.format(due=due, extra=extra), "p.yaml")[0]
    when = datetime.fromisoformat(day).replace(hour=12, tzinfo=timezone(timedelta(hours=1)))
    return Version(Commit(f"{n:040x}", when, "Ann", "ann@example.invalid", subject or due), (p,))


def test_a_move_earlier_is_not_slippage_and_tbc_keeps_the_last_date():
    earlier = [version("2012-08-01", "By 1.10.12", 1), version("2012-08-02", "By 1.9.12", 2)]
    assert slippage(earlier) == []
    via_tbc = [version("2012-08-01", "By 1.10.12", 1), version("2012-08-02", "TBC", 2),
               version("2012-08-03", "By 11.10.12", 3)]
    [a] = slippage(via_tbc)
    assert (a.first_due, a.current_due, a.days_slipped, a.moves) == (
        date(2012, 10, 1), date(2012, 10, 11), 10, 1)
    assert a.changes[0].commit.date == date(2012, 8, 3)
    assert a.as_dict()["changes"][0]["date"] == "2012-08-03"


def test_moved_later_then_back_is_listed_with_no_net_slip():
    versions = [version("2012-08-01", "By 1.10.12", 1), version("2012-08-02", "By 1.11.12", 2),
                version("2012-08-03", "By 1.10.12", 3)]
    [a] = slippage(versions)
    assert (a.days_slipped, a.moves, [c.days for c in a.changes]) == (0, 2, [31, -31])


def test_the_deadline_of_several_dates_is_the_last():
    versions = [version("2012-08-01", "Report 1.9.12 and 1.10.12", 1),
                version("2012-08-02", "Report 1.9.12 and 6.10.12", 2)]
    [a] = slippage(versions)
    assert (a.first_due, a.current_due, a.days_slipped) == (date(2012, 10, 1), date(2012, 10, 6), 5)


def test_timeline_judges_each_version_at_its_commit_date():
    versions = [version("2012-09-01", "By 10.9.12", 1),
                version("2012-09-20", "By 10.9.12", 2, extra="\n        status: in-progress"),
                version("2012-09-20", "By 10.9.12", 3, extra="\n        status: completed")]
    points = [p.as_dict() for p in timeline(versions, end=date(2012, 10, 1))]
    assert [(p["date"], p["open"], p["overdue"], p["completed"]) for p in points] == [
        ("2012-09-01", 1, 0, 0),  # due soon on 1 Sep
        ("2012-09-20", 0, 0, 1),  # the day's last commit counts
        ("2012-10-01", 0, 0, 1),
    ]
    assert list(points[0]) == ["date", "commit", "total", "completed", "overdue", "due_soon",
                               "on_track", "no_date", "dropped", "open"]
    late = timeline(versions[:2], end=date(2012, 10, 1))
    assert [(p.date, p.counts.overdue) for p in late] == [
        (date(2012, 9, 1), 0), (date(2012, 9, 20), 1), (date(2012, 10, 1), 1)]


def test_diff_categories_for_reopened_and_other_changes():
    old = version("2012-08-01", "By 1.10.12", 1, extra="\n        status: completed")
    new = version("2012-08-02", "By 1.10.12", 2, extra="\n        status: in-progress\n"
                  "        evidence: [Audit report]")
    result = diff(old, new, "a", "b")
    assert [(r.id, r.old, r.new) for r in result.reopened] == [("1.1", "completed", "in-progress")]
    assert [c.as_dict() for c in result.changed] == [{"plan": "p", "id": "1.1", "text": "A", "fields": [
        {"field": "evidence", "from": [], "to": ["Audit report"]}]}]


@pytest.mark.parametrize("ref,ids", [("1.1", ["1.1"]), ("p:1.1", ["1.1"]), ("1", ["1.1"]),
                                     ("other:1.1", [])])
def test_ref_matcher(ref, ids):
    p = load_text(BASE.format(due="By 1.10.12", extra=""), "p.yaml")[0]
    match = ref_matcher(ref)
    assert [a.id for a in p.actions if match(p.id, a)] == ids


# -- the report's "changes since" (issue 21, item 4) ---------------------------------------


def test_report_names_the_removed_action_not_the_one_that_holds_its_id_now(committed, git_repo, run):
    text = committed.read_text(encoding="utf-8")
    assert text.count(REC3_AUDIT) == 1
    committed.write_text(text.replace(REC3_AUDIT, ""), encoding="utf-8")
    git_repo("commit", "-q", "-am", "The audit is no longer needed", date="2012-09-20T10:00:00+01:00")
    data = as_json(run("report", "--today", "2012-10-09", "--since", "committee-2012-09",
                       "--format", "json"))
    assert [(i["id"], i["text"][:19], i["leads"], i["removed"])
            for i in data["changes"]["dropped"]] == [
        ("3.1", "Audit of compliance", ["Service Manager FST"], True)]
    md = run("report", "--today", "2012-10-09", "--since", "committee-2012-09").stdout
    assert "Report on audit to DMT and LSCB" not in md.split("## Changes since")[1].split("\n## ")[0]


# -- a plan file deleted and restored (issue 21, item 5) ------------------------------------


def test_a_deadline_moved_across_a_plan_file_deleted_and_restored_is_followed(committed, git_repo, run):
    text = committed.read_text(encoding="utf-8")
    committed.unlink()
    git_repo("commit", "-q", "-am", "Plan withdrawn by mistake", date="2012-09-05T10:00:00+01:00")
    assert text.count("due: By 27.1.13") == 1
    committed.write_text(text.replace("due: By 27.1.13", "due: By 9.3.13"), encoding="utf-8")
    git_repo("add", "plans")
    git_repo("commit", "-q", "-m", "Plan restored; 4.2 later", date="2012-09-12T10:00:00+01:00")

    diff = as_json(run("diff", "committee-2012-09", "HEAD", "--format", "json"))
    assert [(r["id"], r["days"]) for r in diff["rescheduled"]] == [("4.2", 41)]
    slipped = as_json(run("slippage", "--since", "committee-2012-09", "--format", "json"))
    assert [(a["id"], a["days_slipped"], a["removed"], [c["message"] for c in a["changes"]])
            for a in slipped["actions"]] == [("4.2", 41, False, ["Plan restored; 4.2 later"])]
    assert [a["id"] for a in as_json(run("slippage", "--format", "json"))["actions"]] == ["4.2"]

    commits = as_json(run("history", "--format", "json"))["commits"]
    restored = commits[0]
    assert [(p["plan"], p["change"]) for p in restored["plans"]] == [
        ("thurrock-2012-slac", "restored")]
    assert [(a["id"], a["change"], [f["field"] for f in a["fields"]])
            for a in restored["actions"]] == [("4.2", "changed", ["due"])]
    followed = as_json(run("history", "4.2", "--format", "json"))["commits"]
    assert [c["subject"] for c in followed] == [
        "Plan restored; 4.2 later", "Plan withdrawn by mistake", "Plan as agreed"]

"""Reasons reach the reader (issue 13, item 3): the Reason: trailer of an edit's commit, else
the reason in the update note the edit wrote, else the commit subject; with real git."""

from __future__ import annotations

from conftest import as_json

TODAY = "2012-10-09"


def test_reschedule_commit_reason_shows_in_slippage_history_diff_and_report(committed, run):
    done = run("reschedule", "4.2", "31.3.13", "--reason", "Waiting for the new ICS release",
               "--today", TODAY, "--commit")
    assert done.exit_code == 0, done.stderr

    move = as_json(run("slippage", "--format", "json"))["actions"][0]
    assert move["id"] == "4.2"
    assert move["changes"][0]["reason"] == "Waiting for the new ICS release"
    assert move["changes"][0]["reason_source"] == "commit"
    assert "Waiting for the new ICS release" in run("slippage", "--format", "csv").stdout

    latest = as_json(run("history", "--format", "json"))["commits"][0]
    assert latest["reason"] == "Waiting for the new ICS release"
    assert latest["actions"][0]["reason"] == "Waiting for the new ICS release"

    diff = as_json(run("diff", "committee-2012-09", "HEAD", "--format", "json"))
    assert [(r["id"], r["reason"]) for r in diff["rescheduled"]] == [
        ("4.2", "Waiting for the new ICS release")]

    report = as_json(run("report", "--today", TODAY, "--since", "committee-2012-09",
                         "--format", "json"))
    assert [(s["id"], s["reason"]) for s in report["changes"]["slipped"]] == [
        ("4.2", "Waiting for the new ICS release")]
    md = run("report", "--today", TODAY, "--since", "committee-2012-09", "--format", "markdown")
    assert "reason: Waiting for the new ICS release" in md.stdout


def test_reason_from_the_update_note_when_committed_by_hand(committed, git_repo, run):
    assert run("reschedule", "4.2", "31.3.13", "--reason", "ICS release late",
               "--today", TODAY).exit_code == 0
    git_repo("commit", "-q", "-am", "Weekly update", date="2012-10-09T10:00:00+01:00")
    change = as_json(run("slippage", "--format", "json"))["actions"][0]["changes"][0]
    assert (change["reason"], change["reason_source"], change["message"]) == (
        "ICS release late", "update", "Weekly update")


def test_a_move_made_by_hand_shows_the_commit_subject(committed, git_repo, run):
    text = committed.read_text(encoding="utf-8")
    committed.write_text(text.replace("due: By 27.1.13", "due: By 28.2.13", 1), encoding="utf-8")
    git_repo("commit", "-q", "-am", "4.2 a month later", date="2012-10-09T10:00:00+01:00")
    change = as_json(run("slippage", "--format", "json"))["actions"][0]["changes"][0]
    assert (change["reason"], change["reason_source"]) == ("4.2 a month later", "subject")


def _move_by_hand(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(f"due: {old}") == 1
    path.write_text(text.replace(f"due: {old}", f"due: {new}"), encoding="utf-8")


def test_two_moves_between_meetings_each_show_their_own_reason_from_the_trailer(committed, git_repo, run):
    # Issue 21, item 4: a reason given only as a Reason: trailer reached slippage but not diff
    # or the report, and of two moves the report showed the first's reason for the whole slip.
    _move_by_hand(committed, "By 27.1.13", "By 28.2.13")
    git_repo("commit", "-q", "-am", "4.2 later\n\nReason: the supplier missed the September release",
             date="2012-09-05T10:00:00+01:00")
    _move_by_hand(committed, "By 28.2.13", "By 31.3.13")
    git_repo("commit", "-q", "-am", "4.2 later again\n\nReason: the new ICS release slipped",
             date="2012-09-20T10:00:00+01:00")
    git_repo("tag", "committee-2012-10")

    diff = as_json(run("diff", "committee-2012-09", "committee-2012-10", "--format", "json"))
    (entry,) = diff["rescheduled"]
    assert (entry["id"], entry["from"], entry["to"], entry["days"]) == (
        "4.2", "By 27.1.13", "By 31.3.13", 63)
    assert [(m["date"], m["from"], m["to"], m["days"], m["reason"], m["reason_source"])
            for m in entry["moves"]] == [
        ("2012-09-05", "By 27.1.13", "By 28.2.13", 32, "the supplier missed the September release",
         "commit"),
        ("2012-09-20", "By 28.2.13", "By 31.3.13", 31, "the new ICS release slipped", "commit")]
    assert entry["reason"] == ("the supplier missed the September release (to By 28.2.13); "
                               "the new ICS release slipped (to By 31.3.13)")
    table = run("diff", "committee-2012-09", "committee-2012-10", "--format", "markdown").stdout
    assert "| moved 2012-09-05 | By 27.1.13 | By 28.2.13 (+32 days); reason: the supplier missed" in table
    assert "| moved 2012-09-20 | By 28.2.13 | By 31.3.13 (+31 days); reason: the new ICS release" in table

    report = as_json(run("report", "--today", TODAY, "--since", "committee-2012-09",
                         "--format", "json"))
    (slip,) = report["changes"]["slipped"]
    assert [(m["now"], m["reason"]) for m in slip["moves"]] == [
        ("2013-02-28", "the supplier missed the September release"),
        ("2013-03-31", "the new ICS release slipped")]
    md = run("report", "--today", TODAY, "--since", "committee-2012-09", "--format", "markdown")
    assert ("reason: the supplier missed the September release (to 28 Feb 2013); "
            "the new ICS release slipped (to 31 Mar 2013)") in " ".join(md.stdout.split())


def test_one_move_by_hand_with_only_a_trailer_shows_the_trailer_in_diff(committed, git_repo, run):
    _move_by_hand(committed, "By 27.1.13", "By 28.2.13")
    git_repo("commit", "-q", "-am", "Weekly update\n\nReason: waiting for the ICS release",
             date="2012-09-05T10:00:00+01:00")
    diff = as_json(run("diff", "committee-2012-09", "--format", "json"))
    assert [(r["id"], r["reason"]) for r in diff["rescheduled"]] == [
        ("4.2", "waiting for the ICS release")]

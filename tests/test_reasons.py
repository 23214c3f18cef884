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

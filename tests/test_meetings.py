"""Committee meetings as git tags, against real git: `meeting`, `meetings`, and `--since last`
in report and diff."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

import pytest

from conftest import as_json

PLAN = """\
plan:
  title: Meeting test plan
  inspection:
    published: 2012-07-27
leads:
  qa: Service Manager QA
bodies:
  LSCB: Local Safeguarding Children Board
recommendations:
  - id: "1"
    text: Written responses to referrers
    actions:
      - text: Audit of compliance
        due: By 14.9.12
        lead: qa{status}
      - text: Report on audit to DMT
        due: By 27.10.12
        lead: qa
"""


@pytest.fixture
def story(tmp_path, git_repo):
    """Commits on 1 Aug; 20 Sep (1.1 completed); 9 Oct at 23:30 (+01:00, a new action);
    10 Oct at 00:30 (+01:00: still 9 Oct in UTC) and 20 Oct. Returns {label: full sha}."""
    plans = tmp_path / "plans"
    plans.mkdir()
    shas = {}

    def commit(label, when, text):
        (plans / "p.yaml").write_text(text)
        git_repo("add", "-A")
        git_repo("commit", "-q", "--allow-empty", "-m", label, date=when)
        shas[label] = git_repo("rev-parse", "HEAD").strip()

    commit("agreed", "2012-08-01T10:00:00+01:00", PLAN.format(status=""))
    done = PLAN.format(status="\n        status: completed")
    commit("done 1.1", "2012-09-20T10:00:00+01:00", done)
    more = done + "      - text: Brief the board\n        due: By 30.11.12\n        lead: qa\n"
    commit("late on the 9th", "2012-10-09T23:30:00+01:00", more)
    commit("just after midnight", "2012-10-10T00:30:00+01:00", more + "# a comment\n")
    commit("later", "2012-10-20T10:00:00+01:00", more + "# another\n")
    return shas


def tag_facts(git_repo, name):
    """(commit, tagger date as written, message) of an annotated tag."""
    out = git_repo("for-each-ref", "--format=%(*objectname)%00%(taggerdate:raw)%00%(contents)",
                   f"refs/tags/{name}")
    commit, raw, message = out.split("\0", 2)
    return commit, raw, message


def status_summary(run, day):
    result = run("status", "--as-of", day, "--today", day, env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.stderr
    return result.stdout.rstrip("\n").splitlines()[-1]


def test_meeting_tags_the_last_commit_of_the_day_in_the_committers_zone(story, run, git_repo):
    result = run("meeting", "2012-10-09", "--today", "2012-11-01")
    assert result.exit_code == 0, result.stderr
    commit, raw, message = tag_facts(git_repo, "committee-2012-10-09")
    # 23:30 +01:00 on the 9th counts; 00:30 +01:00 on the 10th does not (though 9 Oct in UTC).
    assert commit == story["late on the 9th"]
    seconds, zone = raw.split()
    tagged = datetime.fromtimestamp(int(seconds), UTC).date().isoformat()
    assert (tagged, zone) == ("2012-10-09", "+0000")
    subject, _, body = message.partition("\n")
    assert subject == "Committee meeting on 2012-10-09"
    summary = body.strip()
    assert summary == status_summary(run, "2012-10-09")
    assert summary.startswith("3 actions: 1 completed (33%)")
    assert summary in result.stdout


def test_the_summary_is_the_plans_as_they_stood_not_as_they_are(story, run, git_repo):
    # On 15 Sep nothing was completed yet (1.1 was completed on 20 Sep): overdue then.
    assert run("meeting", "2012-09-15", "--today", "2012-11-01").exit_code == 0
    commit, _, message = tag_facts(git_repo, "committee-2012-09-15")
    assert commit == story["agreed"]
    assert "2 actions: 0 completed (0%), 1 overdue" in message
    assert message.strip().endswith("as at 15 Sep 2012")


def test_body_names_the_tag_by_the_bodys_key(story, run, git_repo):
    result = run("meeting", "2012-10-09", "--body", "local safeguarding children board",
                 "--today", "2012-11-01")
    assert result.exit_code == 0, result.stderr
    _, _, message = tag_facts(git_repo, "lscb-2012-10-09")
    assert message.startswith("LSCB meeting on 2012-10-09")


def test_a_hostile_body_is_slugged_into_a_safe_tag_name_and_said(story, run, git_repo):
    result = run("meeting", "2012-10-09", "--body", "../Scrutiny..lock/ Ünïon", "--today",
                 "2012-11-01")
    assert result.exit_code == 0, result.stderr
    assert "not one of the plans' bodies" in result.stderr
    assert git_repo("tag", "--list").split() == ["scrutiny-lock-union-2012-10-09"]
    bad = run("meeting", "2012-10-09", "--body", "../..", "--today", "2012-11-01")
    assert bad.exit_code == 2
    assert "no letters or digits" in bad.stderr


def test_dry_run_tags_nothing(story, run, git_repo):
    result = run("meeting", "2012-10-09", "--dry-run", "--today", "2012-11-01")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("would tag committee-2012-10-09 on " + story["late on the 9th"][:7])
    assert git_repo("tag", "--list") == ""


def test_refusals(story, run, git_repo, tmp_path):
    before = run("meeting", "2012-07-31", "--today", "2012-11-01")
    assert before.exit_code == 4
    assert "no commit on or before 2012-07-31" in before.stderr
    future = run("meeting", "2012-11-02", "--today", "2012-11-01")
    assert future.exit_code == 2 and "after today" in future.stderr
    assert run("meeting", "2012-09-15", "--today", "2012-11-01").exit_code == 0
    again = run("meeting", "2012-09-15", "--today", "2012-11-01")
    assert again.exit_code == 4
    assert again.stderr.startswith("planctl: error: tag committee-2012-09-15 already exists")
    assert len(again.stderr.splitlines()) == 1
    assert tag_facts(git_repo, "committee-2012-09-15")[0] == story["agreed"]
    assert git_repo("tag", "--list").split() == ["committee-2012-09-15"]


def test_force_moves_an_existing_tag(story, run, git_repo):
    git_repo("tag", "-a", "-m", "by hand", "committee-2012-10-09", story["agreed"])
    result = run("meeting", "2012-10-09", "--force", "--today", "2012-11-01")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("moved tag committee-2012-10-09")
    commit, _, message = tag_facts(git_repo, "committee-2012-10-09")
    assert commit == story["late on the 9th"]
    assert "3 actions" in message


def test_not_a_git_repository(tmp_path, run, write_plan):
    write_plan(PLAN.format(status=""))
    result = run("meeting", "2012-10-09", "--today", "2012-11-01")
    assert result.exit_code == 4
    assert "not in a git repository" in result.stderr and "tags" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_meetings_lists_meeting_tags_newest_first_as_json(story, run, git_repo):
    for day in ("2012-09-15", "2012-10-09"):
        assert run("meeting", day, "--today", "2012-11-01").exit_code == 0
    assert run("meeting", "2012-10-20", "--body", "LSCB", "--today", "2012-11-01").exit_code == 0
    git_repo("tag", "v1.0")  # not a meeting tag
    git_repo("tag", "committee-2012-13-45")  # not a real date
    data = as_json(run("meetings", "--format", "json"))
    got = [(m["name"], m["date"], m["commit"], m["tagged"]) for m in data["meetings"]]
    assert got == [("lscb-2012-10-20", "2012-10-20", story["later"], "2012-10-20"),
                   ("committee-2012-10-09", "2012-10-09", story["late on the 9th"], "2012-10-09"),
                   ("committee-2012-09-15", "2012-09-15", story["agreed"], "2012-09-15")]
    assert data["meetings"][1]["summary"] == status_summary(run, "2012-10-09")
    only = as_json(run("meetings", "--body", "lscb", "--format", "json"))
    assert [m["name"] for m in only["meetings"]] == ["lscb-2012-10-20"]


def _since_line(result):
    assert result.exit_code == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line.startswith("## Changes since")]


def test_report_since_last_takes_the_latest_meeting_before_the_as_at_date(story, run):
    for day in ("2012-09-15", "2012-10-09"):
        assert run("meeting", day, "--today", "2012-11-01").exit_code == 0
    # On the day of a meeting, "last" is the one before it (its paper is being written).
    assert _since_line(run("report", "--since", "last", "--today", "2012-10-09")) == \
        ["## Changes since committee-2012-09-15"]
    assert _since_line(run("report", "--since", "last", "--today", "2012-10-10")) == \
        ["## Changes since committee-2012-10-09"]
    too_early = run("report", "--since", "last", "--today", "2012-09-15")
    assert too_early.exit_code == 4
    errors = [line for line in too_early.stderr.splitlines() if line.startswith("planctl:")]
    assert len(errors) == 1 and "git fetch --tags" in errors[0]


def test_diff_last_and_last_body(story, run):
    assert run("meeting", "2012-09-15", "--today", "2012-11-01").exit_code == 0
    assert run("meeting", "2012-10-09", "--body", "LSCB", "--today", "2012-11-01").exit_code == 0
    data = as_json(run("diff", "last", "--today", "2012-11-01", "--format", "json"))
    assert data["from"]["rev"] == "committee-2012-09-15"
    lscb = as_json(run("diff", "last:LSCB", "--today", "2012-11-01", "--format", "json"))
    assert lscb["from"]["rev"] == "lscb-2012-10-09"


def test_no_meeting_tags_says_how_to_fetch_them(story, run, tmp_path, monkeypatch):
    assert run("meeting", "2012-09-15", "--today", "2012-11-01").exit_code == 0
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-tags", f"file://{tmp_path}",
                    str(clone)], check=True, capture_output=True)
    monkeypatch.chdir(clone)
    result = run("diff", "last", "--today", "2012-11-01")
    assert result.exit_code == 4
    assert result.stderr.startswith("planctl: error: last: no meeting tag committee-YYYY-MM-DD")
    assert "git fetch --tags" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_history_since_last_shows_only_the_commits_after_the_last_meeting(story, run):
    assert run("meeting", "2012-09-15", "--today", "2012-11-01").exit_code == 0
    data = as_json(run("history", "--since", "last", "--today", "2012-11-01", "--format", "json"))
    assert data["since"] == "committee-2012-09-15"
    subjects = [c["subject"] for c in data["commits"]]
    assert "done 1.1" in subjects and "agreed" not in subjects
    table = run("history", "--since", "last", "--today", "2012-11-01")
    assert table.exit_code == 0, table.stderr
    assert "note: last is committee-2012-09-15" in table.stderr
    assert "done 1.1" in table.stdout and "agreed" not in table.stdout


def test_slippage_since_last_body_reads_the_bodys_last_meeting(story, run, git_repo, tmp_path):
    plan = tmp_path / "plans" / "p.yaml"
    plan.write_text(plan.read_text().replace("By 27.10.12", "By 30.11.12"))
    git_repo("commit", "-qam", "1.2 moved", date="2012-10-25T10:00:00+01:00")
    assert run("meeting", "2012-10-21", "--body", "LSCB", "--today", "2012-11-01").exit_code == 0
    data = as_json(run("slippage", "--since", "last:LSCB", "--today", "2012-11-01",
                       "--format", "json"))
    assert data["since"] == "lscb-2012-10-21"
    assert [(a["id"], a["days_slipped"]) for a in data["actions"]] == [("1.2", 34)]
    # Before the move was made, nothing had slipped since that meeting.
    earlier = run("slippage", "--since", "last:LSCB", "--today", "2012-10-22")
    assert earlier.exit_code == 0, earlier.stderr


@pytest.mark.parametrize("command", ["history", "slippage"])
def test_history_and_slippage_since_last_without_a_tag_say_how_to_fetch_them(story, run, command):
    result = run(command, "--since", "last", "--today", "2012-11-01")
    assert result.exit_code == 4
    assert result.stderr.startswith("planctl: error: last: no meeting tag committee-YYYY-MM-DD")
    assert "git fetch --tags" in result.stderr and len(result.stderr.splitlines()) == 1

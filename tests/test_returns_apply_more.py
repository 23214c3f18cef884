"""`planctl returns apply`: an action moved to another plan file is followed there; the
table names actions by their text; a return saved after the as-at date is dated as saved,
with a warning (issue 22, section 1, round 3)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from returns_helpers import RET, TODAY, apply, commit_all, eml, fill, make, second_plan, setup_plan


@pytest.fixture
def plan(tmp_path, git_repo):
    return setup_plan(tmp_path, git_repo)


def test_an_action_moved_to_another_plan_file_is_followed_there(run, plan, tmp_path, git_repo):
    """A block cut from one plan file and pasted into another in one commit: the row's
    change lands in the file the action is in now, as `diff` shows the move."""
    block = """      - text: Train the duty team on thresholds
        due: By 31.10.26
        lead: hos-ops
"""
    other = second_plan(tmp_path, "Recruit two social workers")
    commit_all(git_repo, "A second plan")
    make(run)
    plan.write_text(plan.read_text().replace(block, ""))
    other.write_text(other.read_text() + block)
    commit_all(git_repo, "Training belongs to the workforce plan")
    fill(Path(RET), {"p:1.2": {"Progress update": "Training booked for November",
                               "Rating": "amber"}})
    before = plan.read_bytes()
    r = apply(run, RET, "--commit")
    assert r.exit_code == 0, (r.stdout, r.stderr)
    assert "not in the plan" not in r.stdout
    assert plan.read_bytes() == before
    shown = run("show", "q:1.2", "--today", TODAY).stdout
    assert "Training booked for November" in shown and "Train the duty team" in shown
    assert "rag: amber" in other.read_text()
    files = subprocess.run(["git", "show", "--name-only", "--format=", "HEAD"], cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout.split()
    assert files == ["plans/q.yaml"]


def test_the_table_names_each_action_by_its_text_and_json_keeps_its_reference(
        run, plan, tmp_path, git_repo):
    long = ("Audit referrals to the front door, sampling every contact from the police, "
            "schools and health over the quarter")
    plan.write_text(plan.read_text().replace("Audit referrals to the front door", long))
    commit_all(git_repo, "The audit's full wording")
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "Sampling started"},
                     "1.2": {"Rating": "green"}})
    r = apply(run, RET, "--dry-run", "--format", "csv")
    assert r.exit_code == 0, r.stderr
    rows = {(x["ID"], x["Change"]): x for x in csv.DictReader(io.StringIO(r.stdout))}
    assert rows[("1.2", "rate")]["Action"] == "Train the duty team on thresholds"
    shown = rows[("1.1", "note")]["Action"]
    assert shown.endswith("…") and len(shown) <= 71 and long.startswith(shown[:-1])
    assert "p:1.1" not in r.stdout
    js = json.loads(apply(run, RET, "--dry-run", "--format", "json").stdout)
    (change, _) = js["returns"][0]["changes"]
    assert (change["action"], change["text"]) == ("p:1.1", long)


def test_a_renumbered_action_shows_where_it_is_now_beside_its_id(run, plan, tmp_path, git_repo):
    make(run)
    plan.write_text(plan.read_text().replace("    actions:\n", """    actions:
      - text: A new first action
        due: By 31.12.26
        lead: qa
""", 1))
    commit_all(git_repo, "A new action first: the others shift")
    fill(Path(RET), {"1.2": {"Progress update": "Training booked"}})
    r = apply(run, RET, "--dry-run", "--format", "csv")
    (row,) = list(csv.DictReader(io.StringIO(r.stdout)))
    assert (row["ID"], row["Action"]) == ("1.2 (now p:1.3)", "Train the duty team on thresholds")


@pytest.mark.parametrize(("saved", "source"), [
    ("2026-12-20T10:00:00Z", "the workbook's last-saved time"),
    ("email:Sun, 20 Dec 2026 10:00:00 +0000", "the email's Date"),
])
def test_a_return_saved_after_today_is_dated_today_with_a_warning(
        run, plan, tmp_path, saved, source):
    make(run)
    if saved.startswith("email:"):
        fill(Path(RET), {"1.1": {"Progress update": "From the future"}})
        target = str(eml(tmp_path, Path(RET), "ops@council.example", saved[6:], "later.eml"))
    else:
        fill(Path(RET), {"1.1": {"Progress update": "From the future"}}, saved=saved)
        target = RET
    r = apply(run, target)  # as at 2026-12-07: a note is never dated after today
    assert r.exit_code == 0, r.stderr
    text = plan.read_text()
    assert "2026-12-20" not in text and "date: 2026-12-07" in text
    name = Path(target).name
    assert (f"{source} (2026-12-20) is after today; its notes are dated today (2026-12-07)"
            in r.stderr)
    assert name in r.stderr.split("is after today")[0].splitlines()[-1]


def test_a_return_saved_before_it_was_made_is_dated_the_day_it_was_made_with_a_warning(run, plan):
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "Clock behind"}}, saved="2026-09-20T10:00:00Z")
    r = apply(run, RET)
    assert r.exit_code == 0, r.stderr
    assert "date: 2026-10-01" in plan.read_text()
    assert ("the workbook's last-saved time (2026-09-20) is before the return was made "
            "(2026-10-01); its notes are dated 2026-10-01") in r.stderr
    assert "after the as-at date" not in r.stderr


def test_a_return_saved_on_the_as_at_date_has_no_warning(run, plan):
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "Today"}}, saved="2026-12-07T10:00:00Z")
    r = apply(run, RET)
    assert r.exit_code == 0, r.stderr
    assert "date: 2026-12-07" in plan.read_text() and "as-at date" not in r.stderr


def test_an_action_of_a_plan_file_deleted_as_it_moved_is_followed(run, plan, tmp_path, git_repo):
    """The whole of a small plan merged into another: its file deleted in the same commit."""
    other = second_plan(tmp_path, "Recruit two social workers to the duty team")
    commit_all(git_repo, "A second plan")
    make(run)
    other.unlink()
    plan.write_text(plan.read_text() + """  - text: Develop the workforce
    actions:
      - text: Recruit two social workers to the duty team
        due: By 31.12.26
        lead: hos-ops
""")
    commit_all(git_repo, "The workforce plan merged into the main one")
    fill(Path(RET), {"q:1.1": {"Progress update": "One post filled"}})
    r = apply(run, RET)
    assert r.exit_code == 0, (r.stdout, r.stderr)
    assert "q:1.1 (now p:2.1)" in r.stdout
    shown = run("show", "2.1", "--today", TODAY).stdout
    assert "One post filled" in shown and "Recruit two social workers" in shown

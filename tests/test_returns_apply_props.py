"""Property: applying any set of valid filled cells gives the plan's bytes that running the
matching edit commands by hand gives (`note`, `rate`, `reschedule`, `done`), issue 22."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from returns_helpers import TODAY, fill, make, setup_plan

RET = Path("out/hos-ops-head-of-operations.xlsx")
LEAD = "Head of Operations"
SAVED = "2026-10-14"  # the stamp fill() writes: 09:30 UTC, the same day in London
IDS = ("1.1", "1.2", "1.3", "1.4")

words = st.text(st.characters(whitelist_categories=("L", "N", "Zs", "P")), min_size=1,
                max_size=25).filter(lambda t: t.strip() and t.strip()[0] not in "=+-@")
days = st.dates(dt.date(2026, 9, 1), dt.date(2026, 12, 7))
new_dues = st.dates(dt.date(2026, 11, 1), dt.date(2027, 6, 30)).map(
    lambda d: f"{d.day}.{d.month}.{d.year % 100}")


@st.composite
def row(draw: st.DrawFn) -> dict[str, object]:
    cells: dict[str, object] = {}
    if draw(st.booleans()):
        cells["Progress update"] = draw(words)
    if draw(st.booleans()):
        cells["Rating"] = draw(st.sampled_from(["red", "amber", "green", "blue"]))
    which = draw(st.sampled_from(["none", "done", "move"]))
    if which == "done":
        cells["Completed on"] = draw(days)
    elif which == "move":
        cells["New due date"] = draw(new_dues)
        cells["Reason for new date"] = draw(words)
    if draw(st.booleans()):
        cells["Evidence"] = draw(words)
    return cells


def commands(ident: str, cells: dict[str, object]) -> list[list[str]]:
    """The edit commands a person would run for one row, in apply's order."""
    out: list[list[str]] = []
    text = {k: str(v).strip() for k, v in cells.items() if isinstance(v, str)}
    if "Progress update" in text:
        out.append(["note", ident, "--on", SAVED, "--by", LEAD, "--", text["Progress update"]])
    if "Rating" in text:
        out.append(["rate", ident, text["Rating"]])
    if "New due date" in text:
        reason = text.get("Reason for new date")
        out.append(["reschedule", ident, text["New due date"],
                    *(["--reason", reason] if reason else []), "--on", SAVED, "--by", LEAD])
    done = cells.get("Completed on")
    if isinstance(done, dt.date):
        out.append(["done", ident, "--on", done.isoformat(),
                    *(["--evidence", text["Evidence"]] if "Evidence" in text else [])])
    elif "Evidence" in text:
        out.append(["note", ident, "--on", SAVED, "--by", LEAD, "--", f"Evidence: {text['Evidence']}"])
    return out


def same_as_by_hand(run, tmp_path: Path, git_repo, filled: dict[str, dict[str, object]]) -> None:
    plan = tmp_path / "plans" / "p.yaml"
    if not plan.exists():
        setup_plan(tmp_path, git_repo)
        make(run)
        shutil.copy(RET, tmp_path / "blank.xlsx")
    subprocess.run(["git", "checkout", "-q", "--", "plans"], cwd=tmp_path, check=True)
    base = plan.read_bytes()
    fill(tmp_path / "blank.xlsx", filled, RET)

    hand = tmp_path / "by-hand"
    shutil.rmtree(hand, ignore_errors=True)
    hand.mkdir()
    (hand / "p.yaml").write_bytes(base)
    all_ran = True
    for ident, cells in filled.items():
        for cmd in commands(ident, cells):
            r = run(cmd[0], "--plans", str(hand), "--today", TODAY, *cmd[1:])
            all_ran = all_ran and r.exit_code == 0

    r = run("returns", "apply", str(RET), "--today", TODAY)
    assert plan.read_text() == (hand / "p.yaml").read_text(), r.stdout
    assert (r.exit_code == 0) == all_ran, r.stdout


def test_one_return_of_every_kind_of_cell_equals_the_edit_commands(run, tmp_path, git_repo):
    same_as_by_hand(run, tmp_path, git_repo, {
        "1.1": {"Progress update": "  Fieldwork done  ", "Rating": "amber", "Evidence": "File note"},
        "1.2": {"New due date": "30.11.26", "Reason for new date": "Trainer off sick",
                "Rating": "red"},
        "1.3": {"Completed on": dt.date(2026, 9, 30), "Evidence": "Minutes"},
        "1.4": {"New due date": "5.1.27"},  # no reason: refused, as reschedule refuses it
    })


@pytest.mark.slow
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(IDS), row(), min_size=1, max_size=4))
def test_applying_filled_cells_equals_the_edit_commands_by_hand(run, tmp_path, git_repo, filled):
    same_as_by_hand(run, tmp_path, git_repo, filled)

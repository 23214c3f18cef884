"""Red team of 0.4's new commands: what a hostile or careless user did to them, and what
planctl must do instead of stating a wrong fact (each test failed before its fix)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from returns_helpers import TODAY, fill, make, setup_plan

RET = "out/hos-ops-head-of-operations.xlsx"


@pytest.fixture
def plan(tmp_path, git_repo):
    return setup_plan(tmp_path, git_repo)


@pytest.mark.parametrize("lead", ["qa", "sian", "../../etc", "Nobody At All"])
def test_a_return_whose_hidden_lead_was_changed_is_refused_not_credited(run, plan, lead):
    # The hidden sheet says whose return it is; the commit is authored by that lead and the
    # notes say "by" them. Changed to another lead (or to anyone), the update would be
    # credited to someone who never led the actions: refused, the plan untouched.
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "News"}})
    wb = openpyxl.load_workbook(RET)
    ws = wb["planctl"]
    assert ws["A3"].value == "lead"
    ws["B3"] = lead
    wb.save(RET)
    before = plan.read_bytes()
    r = run("returns", "apply", RET, "--commit", "--today", TODAY, env={"COLUMNS": "400"})
    assert r.exit_code == 2, r.stdout + r.stderr
    assert f"is not led by {lead!r}" in r.stderr
    assert "Traceback" not in r.stderr
    assert plan.read_bytes() == before

"""Each kind of failure has its own exit code, so scripts and CI can tell them apart.

0 done; 1 found (check errors, overdue --exit-code); 2 usage; 3 plans unreadable;
4 git; 5 output not writable. (70, an internal error, has no honest trigger: it is
what any unexpected exception becomes; tests/test_corpus.py checks none occurs.)
"""

from __future__ import annotations

import pytest

from planctl.core import errors

TODAY = ("--today", "2012-10-09")


def test_success_is_0(run, bundled):
    assert run("status", *TODAY).exit_code == errors.EXIT_OK == 0


def test_overdue_found_is_1(run, bundled):
    assert run("overdue", "--exit-code", *TODAY).exit_code == errors.EXIT_FOUND == 1


@pytest.mark.parametrize("args", [["status", "--today", "31.2.12"], ["show", "99.9"],
                                  ["status", "--no-such-option"], ["nosuchcommand"]])
def test_usage_errors_are_2(run, bundled, args):
    result = run(*args)
    assert result.exit_code == errors.EXIT_USAGE == 2, result.stderr
    assert result.stderr.startswith("planctl: error: ")


def test_a_plan_that_cannot_be_read_is_3(run, write_plan):
    write_plan("plan:\n  title: [unclosed\n")
    result = run("status", *TODAY)
    assert result.exit_code == errors.EXIT_PLAN == 3
    assert result.stderr.startswith("planctl: error: plans/p.yaml:")


def test_git_problems_are_4(run, bundled):
    result = run("history")  # tmp_path is not a git repository
    assert result.exit_code == errors.EXIT_GIT == 4
    assert "not in a git repository" in result.stderr


def test_output_that_cannot_be_written_is_5(run, bundled, tmp_path):
    (tmp_path / "notes.txt").write_text("a file, not a folder\n")
    result = run("report", *TODAY, "-o", str(tmp_path / "notes.txt" / "report.md"))
    assert result.exit_code == errors.EXIT_OUTPUT == 5, result.stderr
    assert result.stderr.startswith("planctl: error: cannot write")

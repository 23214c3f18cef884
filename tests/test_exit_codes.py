"""Each kind of failure has its own exit code, so scripts and CI can tell them apart.

0 done; 1 found (check errors, overdue --exit-code); 2 usage; 3 plans unreadable;
4 git; 5 output not writable; 141 a closed pipe (SIGPIPE). (70, an internal error, has
no honest trigger: it is what any unexpected exception becomes; tests/test_corpus.py
checks none occurs.)
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


def _planctl(*args: str, **kwargs):
    import subprocess

    from conftest import planctl_exe

    return subprocess.run([*planctl_exe(), *args], capture_output=True, text=True, timeout=60,
                          **kwargs)


def test_debug_keeps_the_documented_exit_codes_and_adds_the_traceback(bundled, write_plan):
    """--debug used to turn every failure into exit 1 (documented as "check found errors")."""
    usage = _planctl("--debug", "show", "99.9", *TODAY)
    assert usage.returncode == errors.EXIT_USAGE, usage.stderr
    assert usage.stderr.startswith("Traceback (most recent call last):")
    assert usage.stderr.splitlines()[-1].startswith("planctl: error: no action or recommendation")
    write_plan("plan:\n  title: [unclosed\n", "broken.yaml")
    unreadable = _planctl("--debug", "status", *TODAY)
    assert unreadable.returncode == errors.EXIT_PLAN, unreadable.stderr
    assert "Traceback" in unreadable.stderr
    assert unreadable.stderr.splitlines()[-1].startswith("planctl: error: plans/broken.yaml:")


def test_debug_is_the_option_before_the_command_not_any_argument_equal_to_it(bundled):
    """`planctl note ID -- --debug` notes the text "--debug": it asks for no traceback."""
    unknown = _planctl(*TODAY, "note", "99.9", "--", "--debug")
    assert unknown.returncode == errors.EXIT_USAGE
    assert "Traceback" not in unknown.stderr
    assert unknown.stderr.startswith("planctl: error: no action '99.9'")
    noted = _planctl(*TODAY, "note", "1.2", "--", "--debug")
    assert noted.returncode == 0, noted.stderr
    assert "text: '--debug'" in bundled.read_text(encoding="utf-8")
    after = _planctl("status", "--debug")  # after the command it is no option of status
    assert after.returncode == errors.EXIT_USAGE and "Traceback" not in after.stderr


def _closed_early(*args: str):
    """planctl writing into a pipe whose reader has gone (`| head` done reading)."""
    import subprocess

    from conftest import planctl_exe

    proc = subprocess.Popen([*planctl_exe(), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the only reader: planctl's first write finds the pipe closed
    err = proc.stderr.read()
    proc.stderr.close()
    return proc.wait(timeout=60), err


@pytest.mark.parametrize("args", [["status", "--format", "csv"],  # past stdout's buffer
                                  ["status", "--format", "json"],
                                  ["check"],  # no errors, little output: lost at the last flush
                                  ["status", "--format", "xlsx"],  # bytes, through -o's writer
                                  ["report", "--format", "html", "-o", "-"]])
def test_a_closed_pipe_ends_as_sigpipe_never_1(bundled, args):
    """1 says "check found errors"; a reader that went away is a closed pipe, as `yes | head`."""
    import signal

    code, err = _closed_early(*args, *TODAY)
    assert code == -signal.SIGPIPE, err
    assert err == b""


def test_a_closed_pipe_is_141_in_a_pipefail_shell_as_yes_head_is(bundled):
    import shutil
    import subprocess

    from conftest import planctl_exe

    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    command = " ".join(f"'{part}'" for part in [*planctl_exe(), "status", "--format", "csv", *TODAY])
    script = f"set -o pipefail; {command} | true; echo $?; yes | true; echo $?"
    # `true` reads nothing and exits at once; planctl writes only after its start-up.
    shell = subprocess.run([bash, "-c", script], capture_output=True, text=True, timeout=60)
    assert shell.stdout.split() == ["141", "141"], shell.stderr
    assert shell.stderr == ""

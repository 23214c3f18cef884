"""Shared fixtures: an isolated environment, the bundled plan, and a CLI runner.

No test reads the real home, the real clock or the user's environment: TZ is
pinned, PLANCTL_* / NO_COLOR / FORCE_COLOR are cleared, and XDG_CACHE_HOME points
into the test's temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "plans" / "thurrock-2012-slac.yaml"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    for name in list(os.environ):
        if name.startswith("PLANCTL_") or name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TZ", "Europe/London")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.invalid")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Author")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "author@example.invalid")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def bundled(tmp_path) -> Path:
    """A copy of the bundled plan in tmp_path/plans, safe to edit."""
    plans = tmp_path / "plans"
    plans.mkdir(exist_ok=True)
    target = plans / BUNDLED.name
    shutil.copy(BUNDLED, target)
    return target


@pytest.fixture
def write_plan(tmp_path):
    """write_plan(text, name="p.yaml") -> path, with the text dedented, under tmp_path/plans."""

    def write(text: str, name: str = "p.yaml") -> Path:
        plans = tmp_path / "plans"
        plans.mkdir(exist_ok=True)
        path = plans / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def run():
    """run(*args) -> click Result of `planctl args...` (stdout and stderr kept apart)."""
    from planctl.cli import cli

    def invoke(*args: str, env: dict | None = None, input: str | None = None):
        try:
            runner = CliRunner(mix_stderr=False)
        except TypeError:  # click >= 8.2 keeps stderr apart by itself
            runner = CliRunner()
        return runner.invoke(cli, list(args), env=env, input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def git_repo(tmp_path):
    """A fresh git repository in tmp_path; returns a git(*args, date=None) helper."""

    def git(*args: str, date: str | None = None, author: str | None = None) -> str:
        env = dict(os.environ)
        if date:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
        if author:
            env["GIT_AUTHOR_NAME"] = author
        out = subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True,
                             capture_output=True, text=True)
        return out.stdout

    git("init", "-q", "-b", "main")
    return git


def planctl_exe() -> list[str]:
    """The installed console script, or python -m planctl beside this interpreter."""
    exe = Path(sys.executable).parent / "planctl"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "planctl"]


# The quick run, `pytest -m "not slow"`, is what each test module says it is: a test that
# starts real processes by the dozen, a browser, kill -9, concurrent writers, a heavy
# property test or a long git history carries @pytest.mark.slow (or its module, pytestmark).
# Small git repositories, one process, a real SMTP server and the rest stay quick; CI runs all.


def as_json(result):
    """The command's JSON output, once it is known to have succeeded."""
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def committed(bundled, git_repo):
    """The bundled plan committed on 1 August 2012, tagged as the September committee saw it."""
    git_repo("add", "plans")
    git_repo("commit", "-q", "-m", "Plan as agreed", date="2012-08-01T10:00:00+01:00")
    git_repo("tag", "committee-2012-09")
    return bundled


# The bundled plan's first action of recommendation 3 (3.1), exactly as written: tests that
# delete or change it replace this text.
REC3_AUDIT = """      - text: >-
          Audit of compliance (IRT, DCT and AT) with requirement to respond to
          referrers in writing to advise the outcome of contact by IRT/DCT/AT
        due: By 14.9.12
        lead: Service Manager FST
"""

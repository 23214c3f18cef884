"""What planctl hands to git is read by git as planctl meant it: a file name is a file name
(never pathspec magic, a glob or an option), a revision is one commit (never an option or a
range), whatever the user's environment says about pathspecs. Real git, hostile names."""

from __future__ import annotations

import shutil

import pytest

from conftest import BUNDLED
from planctl.core.errors import GitError
from planctl.store import gitstore
from planctl.store.gitstore import runner

OTHER_PLAN = """\
plan:
  title: Another plan
recommendations:
  - id: "99"
    text: Something else
    actions:
      - text: One more thing
        due: By 1.12.12
        lead: Someone
"""

# Each is a name git would read as something else when given as a pathspec or argument:
# exclude magic, other magic, a glob, an option, and names a shell or a line reader trips on.
HOSTILE = [":!zz-other.yaml", ":(glob)*.yaml", ":(top)x.yaml", "*.yaml", "?.yaml", "[a-z]*.yaml",
           "-n.yaml", "--all.yaml", "a b.yaml", "new\nline.yaml", "tab\there.yaml",
           "back\\slash.yaml", '"quoted".yaml']


@pytest.fixture
def hostile_repo(tmp_path, git_repo):
    """A repository with the bundled plan and other tracked files, all committed."""

    def make(name: str):
        plans = tmp_path / "plans"
        plans.mkdir()
        plan = plans / name
        shutil.copy(BUNDLED, plan)
        (plans / "zz-other.yaml").write_text(OTHER_PLAN)
        (plans / "x.yaml").write_text(OTHER_PLAN.replace('"99"', '"98"'))
        (tmp_path / "notes.txt").write_text("notes\n")
        (tmp_path / "ci.yaml").write_text("steps: []\n")
        git_repo("add", "-A")
        git_repo("commit", "-q", "-m", "The plans as published")
        return plan

    return make


@pytest.mark.slow
@pytest.mark.parametrize("name", HOSTILE)
def test_commit_commits_only_the_plan_file_whatever_its_name(hostile_repo, git_repo, run, tmp_path,
                                                             name):
    plan = hostile_repo(name)
    # Other tracked files with changes of their own, one of them staged: none belongs in the commit.
    for other in ("plans/zz-other.yaml", "plans/x.yaml", "notes.txt", "ci.yaml"):
        with open(tmp_path / other, "a") as out:
            out.write("# changed by hand, not for planctl's commit\n")
    git_repo("add", "notes.txt")
    result = run("--plans", "plans", "done", "3.1", "--on", "2012-10-01", "--commit")
    assert result.exit_code == 0, result.stderr
    committed = git_repo("show", "-z", "--name-only", "--format=", "HEAD").strip("\0").split("\0")
    assert committed == [f"plans/{name}"]
    assert git_repo("show", f"HEAD:plans/{name}") == plan.read_text()
    status = git_repo("status", "--porcelain", "--untracked-files=no").splitlines()
    assert sorted(status) == [" M ci.yaml", " M plans/x.yaml", " M plans/zz-other.yaml", "M  notes.txt"]


@pytest.mark.slow
@pytest.mark.parametrize("name", [":!zz-other.yaml", "*.yaml", "[xz]*.yaml"])
def test_commit_refuses_only_for_the_plan_files_own_changes(hostile_repo, run, tmp_path, name):
    """The 'has changes of its own' check asks git about this file, not a pattern."""
    plan = hostile_repo(name)
    with open(tmp_path / "plans" / "zz-other.yaml", "a") as out:
        out.write("# someone else's change\n")
    result = run("--plans", "plans", "done", "3.1", "--on", "2012-10-01", "--commit")
    assert result.exit_code == 0, result.stderr
    plan.write_text(plan.read_text() + "# a hand edit\n")
    old = plan.read_bytes()
    again = run("--plans", "plans", "start", "4.1", "--commit")
    assert again.exit_code == 4 and "has changes that are not committed" in again.stderr
    assert plan.read_bytes() == old


@pytest.mark.slow
@pytest.mark.parametrize("variable", ["GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS",
                                      "GIT_NOGLOB_PATHSPECS", "GIT_ICASE_PATHSPECS"])
def test_the_users_pathspec_settings_do_not_change_what_planctl_asks_git(
        hostile_repo, git_repo, run, monkeypatch, variable):
    hostile_repo("*.yaml")
    monkeypatch.setenv(variable, "1")
    result = run("--plans", "plans", "done", "3.1", "--on", "2012-10-01", "--commit")
    assert result.exit_code == 0, result.stderr
    assert git_repo("show", "--name-only", "--format=", "HEAD").split() == ["plans/*.yaml"]
    history = run("--plans", "plans", "history", "--format", "json")
    assert history.exit_code == 0, history.stderr
    assert '"3.1"' in history.stdout  # the commit above is found through planctl's own globs


# -- revisions: one commit each, never an option or a range --------------------------------


@pytest.fixture
def two_commits(tmp_path, git_repo):
    plans = tmp_path / "plans"
    plans.mkdir()
    plan = plans / "p.yaml"
    plan.write_text(OTHER_PLAN)
    git_repo("add", "-A")
    git_repo("commit", "-q", "-m", "one")
    plan.write_text(OTHER_PLAN.replace("By 1.12.12", "By 1.1.13"))
    git_repo("commit", "-q", "-am", "two")
    return plans


@pytest.mark.slow
@pytest.mark.parametrize("rev", ["HEAD~1..HEAD", "HEAD~1...HEAD", "^HEAD", "HEAD^!", "HEAD^@",
                                 "HEAD^-1", "HEAD HEAD~1"])
def test_a_revision_that_names_more_or_less_than_one_commit_is_one_line(two_commits, run, rev):
    for args in (["status", "--as-of", rev], ["diff", rev], ["history", "--since", rev],
                 ["report", "--since", rev]):
        result = run("--plans", str(two_commits), *args)
        assert result.exit_code == 4, (args, result.stdout)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and rev in lines[0], (args, result.stderr)


def test_the_revision_guard_holds_without_the_cli(two_commits):
    """Called directly, as the report's --since and any future command do."""
    for rev in ("--output=x", "-p", "HEAD~1..HEAD", "HEAD\nHEAD", ""):
        with pytest.raises(GitError):
            gitstore.load_at([two_commits], rev)


def test_a_bare_path_never_reaches_git_as_a_pathspec(tmp_path, git_repo):
    """The runner itself refuses a pathspec without explicit magic, so a new git call that
    forgets literal() fails in its first test instead of reading ':!x' as an exclusion."""
    (tmp_path / ":!x.yaml").write_text("new\n")
    with pytest.raises(ValueError, match="bare pathspec"):
        runner.git(["status", "--porcelain", "--", ":!x.yaml"], tmp_path)
    out = runner.git(["status", "--porcelain", "--", runner.literal(":!x.yaml")], tmp_path)
    assert out == b"?? :!x.yaml\n"

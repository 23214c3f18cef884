"""planctl init: a plans folder that works at once, a pre-commit hook, and git."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml

from planctl.store.files import load_paths


def test_init_creates_a_commented_plan_that_passes_strict_check(run, tmp_path):
    result = run("init", "council", "--today", "2012-10-09", "--published", "27.7.12")
    assert result.exit_code == 0, result.stderr
    plan_file = tmp_path / "council" / "plans" / "action-plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    assert sum(line.lstrip().startswith("#") for line in text.splitlines()) >= 10
    loaded = load_paths([plan_file.parent])
    assert loaded.problems == ()
    (plan,) = loaded.plans
    assert plan.inspection.published.isoformat() == "2012-07-27"
    assert len(list(plan.actions)) >= 3
    check = run("check", "--strict", "--plans", str(plan_file.parent))
    assert check.exit_code == 0, check.stdout
    status = run("status", "--plans", str(plan_file.parent), "--today", "2012-10-09",
                 "--format", "json")
    assert status.exit_code == 0
    assert (tmp_path / "council" / ".git").is_dir()
    git = subprocess.run(["git", "-C", str(tmp_path / "council"), "status", "--porcelain"],
                         capture_output=True, text=True, check=True)
    assert "plans/" in git.stdout


def test_title_and_authority_are_written_safely(run, tmp_path):
    title = 'Children\'s services: "SEND" #1'
    result = run("init", "--name", "send-2024", "--title", title, "--authority", "yes",
                 "--no-git")
    assert result.exit_code == 0, result.stderr
    (plan,) = load_paths([tmp_path / "plans"]).plans
    assert (plan.id, plan.title, plan.authority) == ("send-2024", title, "yes")
    assert not (tmp_path / ".git").exists()


def test_init_never_overwrites(run, tmp_path):
    assert run("init", "--no-git").exit_code == 0
    plan_file = tmp_path / "plans" / "action-plan.yaml"
    plan_file.write_text("# my edits\n", encoding="utf-8")
    again = run("init", "--no-git")
    assert again.exit_code == 2
    assert "exists" in again.stderr
    assert plan_file.read_text(encoding="utf-8") == "# my edits\n"


def test_existing_pre_commit_config_is_left_alone(run, tmp_path):
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text("repos: []\n", encoding="utf-8")
    result = run("init", "--name", "second", "--no-git")
    assert result.exit_code == 0
    assert config.read_text(encoding="utf-8") == "repos: []\n"
    assert "planctl-check" in result.stderr  # the hook to add by hand


def test_pre_commit_config_runs_check_on_plan_files(run, tmp_path):
    assert run("init", "--no-git").exit_code == 0
    config = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = config["repos"][0]["hooks"]
    assert (hook["id"], hook["entry"], hook["pass_filenames"]) == ("planctl-check", "planctl check",
                                                                   False)
    files = re.compile(hook["files"])
    assert files.search("plans/action-plan.yaml") and files.search("plans/sub/x.yml")
    assert not files.search("docs/x.yaml") and not files.search("plans/notes.md")


def test_init_inside_a_repository_does_not_nest_one(run, tmp_path, git_repo):
    result = run("init", "sub")
    assert result.exit_code == 0
    assert not (tmp_path / "sub" / ".git").exists()
    assert (tmp_path / "sub" / "plans" / "action-plan.yaml").exists()


def test_bad_name_is_refused(run, tmp_path):
    result = run("init", "--name", "../escape", "--no-git")
    assert result.exit_code == 2
    assert not (tmp_path / "escape.yaml").exists()


def test_init_where_plans_exist_refuses_a_second_template(run, tmp_path, bundled):
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run("init", "--no-git")
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "there are plans in plans already" in line and "thurrock-2012-slac.yaml" in line
    assert "--name" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written, no hook either
    assert [p.name for p in (tmp_path / "plans").iterdir()] == ["thurrock-2012-slac.yaml"]
    # Naming the new plan is the way to add one; the two then load together.
    named = run("init", "--no-git", "--name", "send-2024", "--today", "2012-10-09")
    assert named.exit_code == 0, named.stderr
    assert {p.id for p in load_paths([tmp_path / "plans"]).plans} == {"thurrock-2012-slac", "send-2024"}


def test_init_names_a_few_existing_plans_and_counts_the_rest(run, tmp_path, write_plan):
    for n in range(8):
        write_plan("plan: {title: x}\nrecommendations: []\n", f"p{n}.yaml")
    result = run("init", "--no-git")
    assert result.exit_code == 2
    assert "p0.yaml" in result.stderr and "and 3 more" in result.stderr


# --- init --inspectorate: issue 21 item 7 -----------------------------------------------------

INSPECTORATES = {
    "ofsted-ilacs": ("Ofsted", "Requires improvement to be good",
                     "The experiences and progress of care leavers", "What needs to improve?"),
    "send-area": ("Ofsted and CQC", "Inconsistent experiences and outcomes",
                  "The local area partnership's SEND arrangements", "Integrated Care Board"),
    "cqc-local-authority": ("CQC", "Requires improvement", "Overall rating",
                            "Safeguarding Adults Board"),
    "hmi-probation": ("HM Inspectorate of Probation", "Requires improvement",
                      "Out-of-court disposal policy and provision", "Youth Justice Management Board"),
}


def _uncomment_findings(text: str, grade: str) -> str:
    """The template's findings block as a user fills it in: uncommented, each GRADE written."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# findings:"))
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("#"))
    return "\n".join(lines[:start] + [line[2:].replace("GRADE", grade) for line in lines[start:end]]
                     + lines[end:]) + "\n"


@pytest.mark.parametrize("body", sorted(INSPECTORATES))
def test_each_inspectorate_template_is_in_its_words_and_passes_check(run, tmp_path, body):
    by, grade, judgement, wording = INSPECTORATES[body]
    result = run("init", body, "--inspectorate", body, "--no-git", "--today", "2025-03-20",
                 "--published", "14.3.25")
    assert result.exit_code == 0, result.stderr
    plans = tmp_path / body / "plans"
    plan_file = plans / "action-plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    assert "LSCB" not in text and "Local Safeguarding Children Board" not in text
    assert wording in text and judgement in text
    (plan,) = load_paths([plans]).plans
    assert plan.inspection.by == by
    assert run("check", "--strict", "--plans", str(plans)).exit_code == 0
    # Filled in, its findings block is a valid part of the plan, on the body's own scale.
    plan_file.write_text(_uncomment_findings(text, grade), encoding="utf-8")
    check = run("check", "--strict", "--plans", str(plans))
    assert check.exit_code == 0, check.stdout + check.stderr
    findings = json.loads(run("findings", "--plans", str(plans), "--format", "json").stdout)
    [found] = findings["plans"]
    assert grade in found["scale"] and found["counts"][grade] == found["total"] > 0


def test_the_default_template_keeps_its_meaning_without_the_lscb(run, tmp_path):
    result = run("init", "--no-git", "--today", "2012-10-09", "--published", "27.7.12")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "plans" / "action-plan.yaml").read_text(encoding="utf-8")
    assert "LSCB" not in text and "SCP: Safeguarding Children Partnership" in text
    (plan,) = load_paths([tmp_path / "plans"]).plans
    assert (plan.inspection.by, plan.inspection.kind) == ("Ofsted", "Inspection of services for children")
    assert "findings:" not in text  # as before: no judgements block


def test_an_unknown_inspectorate_is_refused_with_the_choices(run, tmp_path):
    result = run("init", "--inspectorate", "ofsted", "--no-git")
    assert result.exit_code == 2
    assert "ofsted-ilacs" in result.stderr and not (tmp_path / "plans").exists()

"""Tab completion through Click: command names, action ids and lead names, in three shells."""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import planctl_exe
from planctl.store.files import load_paths


def complete(words: str, cword: int | str, shell: str = "bash", cwd=None, env=None) -> str:
    """What the installed planctl answers when the shell asks for completions."""
    environ = dict(os.environ, COMP_WORDS=words, COMP_CWORD=str(cword),
                   _PLANCTL_COMPLETE=f"{shell}_complete", **(env or {}))
    done = subprocess.run(planctl_exe(), env=environ, cwd=cwd, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def bash_values(output: str) -> list[str]:
    return [line.split(",", 1)[1] for line in output.splitlines() if line]


@pytest.fixture
def plan(bundled):
    (p,) = load_paths([bundled]).plans
    return p


def test_command_names(bundled):
    assert bash_values(complete("planctl ch", 1)) == ["check"]
    assert "status" in bash_values(complete("planctl ", 1))


@pytest.mark.slow
def test_action_ids_of_show(plan):
    wanted = [a.id for a in plan.actions if a.id.startswith("13.")]
    assert bash_values(complete("planctl show 13.", 2)) == wanted
    assert "13" in bash_values(complete("planctl show 1", 2))  # show takes recommendations too


@pytest.mark.slow
def test_action_ids_follow_plans_option(plan, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    wanted = [a.id for a in plan.actions if a.id.startswith("19.")]
    values = bash_values(complete("planctl --plans plans show 19.", 4, cwd=elsewhere.parent))
    assert values == wanted
    assert bash_values(complete("planctl show 19.", 2, cwd=elsewhere)) == []


@pytest.mark.slow
def test_lead_names(plan):
    keys = [lead.key for lead in plan.leads if lead.key.startswith("sm-")]
    assert bash_values(complete("planctl status --lead sm-", 3)) == keys
    # Typing the start of a name or an alias offers the lead's key (no spaces to quote).
    qa = next(lead for lead in plan.leads if "SM QA" in lead.aliases)
    assert bash_values(complete("planctl overdue --lead 'SM Q", 3)) == [qa.key]


@pytest.mark.slow
def test_zsh_and_fish_show_descriptions(plan):
    first = next(iter(plan.actions))
    zsh = complete(f"planctl show {first.id}", 2, shell="zsh").splitlines()
    assert zsh[:2] == ["plain", first.id]
    assert zsh[2].split()[0] == first.text.split()[0]
    fish = complete(f"planctl show {first.id}", first.id, shell="fish")
    assert fish.splitlines()[0].startswith(f"plain,{first.id}\t")


def test_no_plans_means_no_suggestions_and_no_error(tmp_path):
    assert complete("planctl show 1", 2, cwd=tmp_path).strip() == ""


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_command_prints_the_script(run, shell):
    result = run("completion", shell)
    assert result.exit_code == 0
    assert "_PLANCTL_COMPLETE" in result.stdout
    assert f"{shell}_complete" in result.stdout


@pytest.mark.slow
def test_bash_script_completes_in_a_real_bash(bundled, tmp_path, run):
    script = tmp_path / "planctl.bash"
    script.write_text(run("completion", "bash").stdout, encoding="utf-8")
    exe = planctl_exe()
    if len(exe) != 1:
        pytest.skip("needs the installed console script")
    program = (f'source "{script}"; COMP_WORDS=(planctl show 13.); COMP_CWORD=2; '
               f'PATH="{os.path.dirname(exe[0])}:$PATH" _planctl_completion planctl; '
               'printf "%s\\n" "${COMPREPLY[@]}"')
    done = subprocess.run(["bash", "--norc", "-c", program], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.split() == ["13.1", "13.2", "13.3"]


@pytest.mark.slow
def test_edit_and_history_commands_complete_ids_and_leads(plan):
    wanted = [a.id for a in plan.actions if a.id.startswith("13.")]
    assert bash_values(complete("planctl done 13.", 2)) == wanted
    assert bash_values(complete("planctl history 13.", 2)) == wanted
    assert "sm-qa" in bash_values(complete("planctl assign 3.1 sm-", 3))


@pytest.mark.slow
def test_add_completes_recommendation_ids_and_reopen_action_ids(plan):
    recs = [r.id for r in plan.recommendations if r.id.startswith("1")]
    assert bash_values(complete("planctl add 1", 2)) == recs  # recommendations only, no 1.1
    assert bash_values(complete("planctl add 3 text --before 3.", 5)) == ["3.1", "3.2"]
    assert bash_values(complete("planctl reopen 13.", 2)) == [a.id for a in plan.actions
                                                             if a.id.startswith("13.")]


def _fish_split(script: str, reply: str) -> list[str]:
    """Split one reply line as the fish script's `string split` call does (fish's own rules:
    every separator, unless --max/-m N limits it)."""
    import re
    import shlex

    line = next(line for line in script.splitlines() if "string split" in line)
    args = shlex.split(line.split("(string split", 1)[1].split(")", 1)[0])
    limit = -1
    for flag in ("--max", "-m"):
        if flag in args:
            limit = int(args[args.index(flag) + 1])
    sep = next(a for a in args if not a.startswith("-") and not re.fullmatch(r"\d+|\$\w+", a))
    return reply.split(sep, limit)


@pytest.mark.slow
def test_fish_keeps_commas_in_descriptions(run, plan):
    action = next(a for a in plan.actions if "," in " ".join(a.text.split())[:60])
    reply = complete(f"planctl show {action.id}", action.id, shell="fish").splitlines()[0]
    parts = _fish_split(run("completion", "fish").stdout, reply)
    assert parts[0] == "plain" and parts[1].split("\t")[1] == " ".join(action.text.split())[:60]
    source = subprocess.run(planctl_exe(), env=dict(os.environ, _PLANCTL_COMPLETE="fish_source"),
                            capture_output=True, text=True, timeout=60).stdout
    assert _fish_split(source, reply) == parts  # Click's own route prints the same script


@pytest.mark.slow
def test_fish_script_completes_in_a_real_fish(bundled, tmp_path, run, plan):
    import shutil

    if shutil.which("fish") is None:
        pytest.skip("fish is not installed (apt-get install fish)")
    exe = planctl_exe()
    if len(exe) != 1:
        pytest.skip("needs the installed console script")
    script = tmp_path / "planctl.fish"
    script.write_text(run("completion", "fish").stdout, encoding="utf-8")
    action = next(a for a in plan.actions if "," in " ".join(a.text.split())[:60])
    env = dict(os.environ, HOME=str(tmp_path), PATH=f"{os.path.dirname(exe[0])}:{os.environ['PATH']}")
    done = subprocess.run(["fish", "--no-config", "-c",
                           f"source {script}; complete -C'planctl show {action.id}'"],
                          cwd=bundled.parent.parent, env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[0] == f"{action.id}\t{' '.join(action.text.split())[:60]}"

"""Every command explains itself: a description and examples; planctl alone guides."""

from __future__ import annotations

import importlib.util

import pytest

from planctl.cli import COMMANDS

AVAILABLE = [name for name, target in COMMANDS.items()
             if importlib.util.find_spec(f"planctl.commands.{target.split(':')[0]}") is not None]


@pytest.mark.parametrize("name", AVAILABLE)
def test_every_command_has_a_description_and_examples(run, name):
    from planctl.cli import cli

    result = run(name, "--help")
    assert result.exit_code == 0, result.stderr
    command = cli.get_command(None, name)
    description = (command.help or "").strip().splitlines()[0]
    assert len(description) > 10
    assert " ".join(description.split()) in " ".join(result.stdout.split())
    examples = result.stdout.split("Examples:", 1)
    assert len(examples) == 2, f"{name} --help has no Examples: block"
    assert f"planctl {name}" in examples[1]


def test_planctl_alone_lists_commands_and_a_quick_start(run):
    result = run()
    assert result.exit_code == 0
    for name in ("status", "check", "show", *(n for n in ("import", "init") if n in AVAILABLE)):
        assert f"  {name} " in result.stdout
    assert "Quick start:" in result.stdout


def test_mistyped_command_gets_a_suggestion(run):
    result = run("stauts")
    assert result.exit_code == 2
    assert "did you mean 'status'?" in result.stderr
    far = run("xyzzy")
    assert far.exit_code == 2
    assert "planctl --help" in far.stderr

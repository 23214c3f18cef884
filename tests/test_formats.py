"""Output formats by name: every command's --format is looked up in one registry
(render/formats.py), and the steps under a command take their inputs as arguments."""

from __future__ import annotations

import json
from datetime import date

import pytest

from planctl.render.formats import FORMATS, FORMATTERS, names

TODAY = ("--today", "2012-10-09")

# A command for each shape of result, and whether it takes -o FILE.
BY_SHAPE = {
    "actions": (["status"], True),
    "view": (["show", "3.1"], False),
    "own": (["check"], False),
    "report": (["report"], True),
}

COMMANDS = [
    (["status"], "actions"), (["overdue"], "actions"), (["upcoming"], "actions"),
    (["leads"], "view"), (["show", "3.1"], "view"), (["findings"], "view"),
    (["history"], "view"), (["slippage"], "view"), (["diff", "HEAD"], "view"),
    (["check"], "own"), (["compare"], "own"), (["report"], "report"),
]


@pytest.mark.parametrize(("argv", "shape"), COMMANDS, ids=[" ".join(c[0]) for c in COMMANDS])
def test_an_unknown_format_lists_exactly_the_formats_the_registry_has_for_the_command(
        run, bundled, argv, shape):
    result = run(*argv, *TODAY, "--format", "yaml")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.endswith(f"'yaml' is not available {'for report' if shape == 'report' else 'here'}; "
                                  f"choose from {', '.join(names(shape))}\n")


def test_every_shape_of_result_has_a_command_here():
    assert set(BY_SHAPE) == set(FORMATTERS) == {s for _, s in COMMANDS}


@pytest.mark.parametrize(("shape", "fmt"), [(s, f) for s in FORMATTERS for f in FORMATTERS[s]],
                         ids=[f"{s}-{f}" for s in FORMATTERS for f in FORMATTERS[s]])
def test_every_registered_formatter_is_reachable_from_the_command_line(run, bundled, tmp_path,
                                                                      shape, fmt):
    argv, takes_output = BY_SHAPE[shape]
    target = tmp_path / f"out.{fmt}"
    args = [*argv, *TODAY, "--format", fmt]
    result = run(*args, "-o", str(target)) if takes_output else run(*args)
    assert result.exit_code in (0, 1), result.stderr  # check exits 1 on the plan's problems
    data = target.read_bytes() if takes_output else result.stdout.encode("utf-8")
    if fmt == "json":
        assert isinstance(json.loads(data), dict)
    elif FORMATS[fmt].binary:
        assert data.startswith(b"PK\x03\x04")  # xlsx and docx are zip files
    elif shape == "own":  # check's table: one line per problem, the counts on stderr
        assert " plan" in result.stderr
    else:
        assert "3.1" in data.decode("utf-8")


def test_the_report_takes_aliases_and_extensions_from_the_registry(run, bundled, tmp_path):
    wrong = run("report", *TODAY, "-o", str(tmp_path / "paper.odt"))
    assert wrong.exit_code == 2
    for fmt in names("report"):
        for ext in FORMATS[fmt].extensions:
            assert ext in wrong.stderr
    for fmt in names("report"):
        for alias in FORMATS[fmt].aliases:
            target = tmp_path / f"by-alias-{alias}"
            assert run("report", *TODAY, "--format", alias, "-o", str(target)).exit_code == 0
            other = tmp_path / f"by-name.{fmt}"
            assert run("report", *TODAY, "--format", fmt, "-o", str(other)).exit_code == 0
            if fmt not in ("ics", "docx", "xlsx"):  # these stamp the time or zip it
                assert target.read_bytes() == other.read_bytes()


def test_the_steps_under_a_command_take_their_inputs_as_arguments(bundled):
    """No Click context is needed: the settings are an argument, not fetched from Click."""
    from planctl.commands.options import Settings, today
    from planctl.commands.status import _rows

    s = Settings(plans=(str(bundled.parent),), today="2012-10-09")
    assert today(s) == date(2012, 10, 9)
    plans, rows, day = _rows(s, statuses=("overdue",))
    assert day == date(2012, 10, 9) and plans[0].path.endswith(bundled.name)
    assert rows and all(r.status == "overdue" for r in rows)

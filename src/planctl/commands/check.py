"""check: validate every plan, for editors, CI and pre-commit."""

from __future__ import annotations

import sys

import click

from ..core.errors import ERROR, STRICT, WARNING
from ..format.comparisons import load_comparison_files
from ..render.json import json_out
from .options import load, output_format, shared_options


@click.command()
@shared_options
@click.option("--strict", is_flag=True,
              help="Also ask for completed dates, and fail (exit 1) on warnings too.")
def check(strict):
    """Validate every plan: one line per problem, FILE:LINE:COL: CODE message.

    Exit 0 when clean, 1 when there are errors (with --strict: warnings too).
    Codes starting with E are errors, W warnings, S strict-only checks.

    \b
    Examples:
      planctl check
      planctl check --strict --plans plans/thurrock-2012-slac.yaml
      planctl check --format json | jq '.problems[] | .message'
    """
    fmt = output_format(("table", "json"))
    result = load(allow_errors=True, dates_from_git=False)
    # Comparison files (docs/findings.md) are checked with the plans.
    _, comparison_problems = load_comparison_files(result.comparison_files)
    problems = [*result.problems, *comparison_problems]
    shown = sorted(p for p in problems if strict or p.severity != STRICT)
    errors = sum(p.severity == ERROR for p in shown)
    warnings = len(shown) - errors
    if fmt == "json":
        json_out({
            "problems": [{"file": p.path, "line": p.line, "column": p.column, "code": p.code,
                          "severity": p.severity, "message": p.message} for p in shown],
            "errors": errors, "warnings": warnings,
            "plans": len(result.plans),
            "comparisons": len(result.comparison_files),
            "actions": sum(1 for p in result.plans for _ in p.actions),
        })
    else:
        for p in shown:
            click.echo(p.for_check())
        actions = sum(1 for p in result.plans for _ in p.actions)
        comparisons = (f", {len(result.comparison_files)} comparison file(s)"
                       if result.comparison_files else "")
        click.echo(f"{len(result.plans)} plan(s), {actions} actions{comparisons}: "
                   f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    failed = errors or (strict and any(p.severity in (WARNING, STRICT) for p in shown))
    if failed:
        click.get_current_context().exit(1)

"""check: validate every plan, for editors, CI and pre-commit."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import click

from ..core.errors import ERROR, STRICT, WARNING, Problem
from ..core.model import Plan
from ..core.validations import STRICT_VALIDATIONS, dated_validations, has_facts_after, validate
from ..core.words import count
from ..loading.asat import as_at
from ..loading.plans import Loaded, open_plans
from ..loading.settings import Settings
from ..store.files import load_comparison_files, read_file
from .options import output, output_format, pass_settings, print_notes, shared_options


@dataclass
class CheckResult:
    """The problems shown, and what was checked."""

    shown: list[Problem]
    plans: int
    comparisons: int
    actions: int
    shape: ClassVar[str] = "own"

    @property
    def errors(self) -> int:
        return sum(p.severity == ERROR for p in self.shown)

    def data(self) -> dict[str, Any]:
        return {
            "problems": [{"file": p.path, "line": p.line, "column": p.column, "code": p.code,
                          "severity": p.severity, "message": p.message} for p in self.shown],
            "errors": self.errors, "warnings": len(self.shown) - self.errors,
            "plans": self.plans,
            "comparisons": self.comparisons,
            "actions": self.actions,
        }

    def table(self, settings: Settings) -> None:
        """One line per problem on stdout; the counts on stderr."""
        errors = self.errors
        warnings = len(self.shown) - errors
        for p in self.shown:
            click.echo(p.for_check())
        comparisons = f", {count(self.comparisons, 'comparison file')}" if self.comparisons else ""
        click.echo(f"{count(self.plans, 'plan')}, {count(self.actions, 'action')}{comparisons}: "
                   f"{count(errors, 'error')}, {count(warnings, 'warning')}", file=sys.stderr)


def _judged(s: Settings, result: Loaded) -> list[Problem]:
    """The checks made as at --today (else the clock): the rating against the status
    (W130/W131), and recorded facts dated after today (W144-W147)."""
    rated = any(a.rag for p in result.plans for a in p.actions)
    dated = any(p.actions for p in result.plans)
    if not (rated or dated):
        return []
    at = as_at(s, result.as_of, result.paths)
    print_notes(at.notes)
    problems: list[Problem] = []
    if rated:
        from ..core.evaluate import rag_disagreements

        problems += rag_disagreements(result.plans, at.day)
    for plan in result.plans:
        if has_facts_after(plan, at.day):
            problems += _facts_after(plan, at.day, result.as_of is None)
    return problems


def _facts_after(plan: Plan, day: date, as_in_file: bool) -> list[Problem]:
    """W144-W147 for one plan, located at each date: the file is read again (only a file
    with such a date: positions are not cached). Plans read from git (--as-of) point at
    the action instead."""
    if as_in_file:
        from ..format.reader import load_text

        data, _ = read_file(Path(plan.path))
        if data is not None:
            codes = {c.code for c in dated_validations(day)}
            return [p for p in load_text(data, plan.path, plan.id, today=day)[1] if p.code in codes]
    return validate(plan, validations=dated_validations(day))


@click.command()
@shared_options
@click.option("--strict", is_flag=True,
              help="Also ask for completed dates, and fail (exit 1) on warnings too.")
@pass_settings
def check(s: Settings, strict: bool) -> None:
    """Validate every plan: one line per problem, FILE:LINE:COL: CODE message.

    Exit 0 when clean, 1 when there are errors (with --strict: warnings too).
    Codes starting with E are errors, W warnings, S strict-only checks. Where an
    action's own rating (rag:) disagrees with its status as at --today, W130/W131;
    a completion, sign-off, milestone done, report or update dated after --today
    (else the clock), W144-W147.
    A timescale planctl cannot read is W123, not an error: every command still
    reads the plan, with that action's deadline to be confirmed (as TBC); use
    --strict in CI to fail on it.

    \b
    Examples:
      planctl check
      planctl check --strict --plans plans/thurrock-2012-slac.yaml
      planctl check --format json | jq '.problems[] | .message'
      planctl check --today 2013-05-01     # ratings and recorded dates judged as at that date
    """
    fmt = output_format(s, CheckResult.shape)
    # Judged only where a rating is to be checked against the status (below).
    result = open_plans(s, allow_errors=True, dates_from_git=False, judge=False)
    # Comparison files (docs/findings.md) are checked with the plans.
    _, comparison_problems = load_comparison_files(result.comparison_files)
    problems = [*result.problems, *comparison_problems]
    if strict:  # the strict list: checks that many plans would fail, asked for here only
        problems += [p for plan in result.plans for p in validate(plan, validations=STRICT_VALIDATIONS)]
    problems += _judged(s, result)
    shown = sorted(p for p in problems if strict or p.severity != STRICT)
    output(CheckResult(shown, len(result.plans), len(result.comparison_files),
                       sum(1 for p in result.plans for _ in p.actions)), fmt, s)
    failed = any(p.severity == ERROR for p in shown) or (
        strict and any(p.severity in (WARNING, STRICT) for p in shown))
    if failed:
        click.get_current_context().exit(1)

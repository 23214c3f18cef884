"""What loading the plan files gives: the plans, the problems, the comparison files.

Apart from the reader so that a warm run, served whole by the cache, never imports
the YAML parser (format/reader.py and yamlsafe.py re-export these names).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..core.errors import ERROR, Problem
from ..core.model import Plan

# A real plan is tens of KB (docs/security.md); checked before a file is read.
MAX_FILE_BYTES = 4 * 1024 * 1024


def too_big(path: str, size: int) -> Problem:
    return Problem(path, 1, 1, "E006", f"the file is {size / 1024 / 1024:.1f} MB; planctl reads "
                   f"plan files up to {MAX_FILE_BYTES // 1024 // 1024} MB (a plan is usually "
                   "under 100 KB)")


@dataclass(frozen=True)
class LoadResult:
    plans: tuple[Plan, ...] = ()
    problems: tuple[Problem, ...] = ()
    comparison_files: tuple[str, ...] = ()  # files with a top-level `comparison:` (see compare)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]


def finish(plans: list[Plan], problems: list[Problem], comparisons: Sequence[str] = ()) -> LoadResult:
    """Checks across files (unique plan ids), then the result."""
    seen: dict[str, str] = {}
    for plan in plans:
        if plan.id in seen:
            problems.append(Problem(plan.path, 1, 1, "E032", f"plan id {plan.id!r} is also the id "
                                    f"of {seen[plan.id]}; set plan.id to tell them apart"))
        seen.setdefault(plan.id, plan.path)
    return LoadResult(tuple(plans), tuple(problems), tuple(comparisons))

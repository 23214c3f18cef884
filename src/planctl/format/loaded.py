"""What loading the plan files gives: the plans, the problems, the comparison files.

Apart from the reader so that a warm run, served whole by the cache, never imports
the YAML parser (format/reader.py and yamlsafe.py re-export these names).
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from ..core.errors import ERROR, WARNING, Problem
from ..core.model import Plan
from ..core.names import fold_name

# A real plan is tens of KB (docs/security.md); checked before a file is read.
MAX_FILE_BYTES = 4 * 1024 * 1024


def too_big(path: str, size: int) -> Problem:
    return Problem(path, 1, 1, "E006", f"the file is {size / 1024 / 1024:.1f} MB; planctl reads "
                   f"plan files up to {MAX_FILE_BYTES // 1024 // 1024} MB (a plan is usually "
                   "under 100 KB)")


class LoadResult(msgspec.Struct, frozen=True):
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
    problems.extend(_unnamed_authorities(plans))
    return LoadResult(tuple(plans), tuple(problems), tuple(comparisons))


def _lead_names(plan: Plan) -> set[str]:
    return {fold_name(n) for lead in plan.leads for n in (lead.key, lead.name, *lead.aliases)} \
        | {fold_name(n) for a in plan.actions for n in a.leads}


def _unnamed_authorities(plans: Sequence[Plan]) -> list[Problem]:
    """W143 on each plan without `authority:` that shares a lead's name with another such
    plan: they are read as one council's, as before 0.4; from 0.5 each will be a council of
    its own (core/names.py, UNNAMED_AUTHORITY)."""
    unnamed = [p for p in plans if not (p.authority or "").strip()]
    if len(unnamed) < 2:
        return []
    names = [_lead_names(p) for p in unnamed]
    out = []
    for i, plan in enumerate(unnamed):
        others = [q.path for j, q in enumerate(unnamed) if j != i and names[i] & names[j]]
        if others:
            more = f" and {len(others) - 1} more" if len(others) > 1 else ""
            out.append(Problem(
                plan.path, 1, 1, "W143", f"no `authority:`: its leads are counted with those of "
                f"{others[0]}{more} (another plan without one) as one council's; from planctl "
                "0.5 a plan without `authority:` will be a council of its own. Add "
                "`authority: NAME` under `plan:` (the same name in plans of one council)",
                WARNING))
    return out

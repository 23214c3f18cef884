"""Finding actions by id and filtering rows: pure functions over the model."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import UsageError
from .evaluate import Row
from .model import STATUS_VALUES, Action, Plan, Recommendation
from .names import close_matches, nearest_progress, normalise_name, normalise_progress


@dataclass(frozen=True)
class Found:
    plan: Plan
    action: Action | None = None
    recommendation: Recommendation | None = None


def find(plans: Sequence[Plan], ref: str, actions_only: bool = False) -> Found:
    """`3.1`, `PLAN:3.1`, or a recommendation id such as `3` (unless actions_only).

    An id shared by several plans is refused with the candidates listed.
    """
    plan_id, _, item = ref.rpartition(":")
    scope = [p for p in plans if p.id == plan_id] if plan_id else list(plans)
    if plan_id and not scope:
        raise UsageError(f"no plan {plan_id!r}; plans: {', '.join(p.id for p in plans) or 'none'}")
    found = [Found(p, action=a) for p in scope for a in p.actions if a.id == item]
    if not found and not actions_only:
        found = [Found(p, recommendation=r) for p in scope for r in p.recommendations if r.id == item]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        choices = ", ".join(f"{f.plan.id}:{item}" for f in found)
        raise UsageError(f"{item!r} is in several plans; say which: {choices}")
    ids = [f"{p.id}:{a.id}" if plan_id else a.id for p in scope for a in p.actions]
    close = close_matches(ref, ids, n=3, cutoff=0.5)
    hint = f"; nearest: {', '.join(close)}" if close else ""
    what = "action" if actions_only else "action or recommendation"
    raise UsageError(f"no {what} {ref!r}{hint}")


def _lead_matches(row: Row, wanted: str) -> bool:
    wanted_n = normalise_name(wanted)
    for name, key in zip(row.action.leads, row.action.lead_keys, strict=False):
        if wanted_n in (normalise_name(name), normalise_name(key or "")):
            return True
        lead = next((lead for lead in row.plan.leads if lead.key == key), None)
        if lead and wanted_n in {normalise_name(a) for a in lead.aliases}:
            return True
    return False


def filter_rows(
    rows: Iterable[Row],
    leads: Sequence[str] = (),
    recs: Sequence[str] = (),
    statuses: Sequence[str] = (),
    bodies: Sequence[str] = (),
    plans: Sequence[str] = (),
) -> list[Row]:
    """Rows matching every filter given; each filter matches any of its values."""
    wanted_status = set()
    for s in statuses:
        norm = s.strip().lower().replace("_", "-").replace(" ", "-")
        if norm in STATUS_VALUES:
            wanted_status.add(norm)
        elif (progress := normalise_progress(s)) in ("completed", "dropped"):
            wanted_status.add(progress)
        else:
            raise UsageError(f"--status {s!r} is not one of {', '.join(STATUS_VALUES)}"
                             + _status_hint(s))
    bodies_n = {b.casefold() for b in bodies}
    out = []
    for row in rows:
        if leads and not any(_lead_matches(row, lead) for lead in leads):
            continue
        if recs and row.action.recommendation not in recs:
            continue
        if wanted_status and row.status not in wanted_status:
            continue
        if bodies and not bodies_n & {b.casefold() for b in row.action.report_to}:
            continue
        if plans and row.plan.id not in plans:
            continue
        out.append(row)
    return out


def _status_hint(written: str) -> str:
    """Did you mean: the nearest status, else the progress word it resembles, whose status
    is one of those an open action can have."""
    norm = "-".join(written.strip().lower().replace("_", " ").replace("-", " ").split())
    close = close_matches(norm, STATUS_VALUES, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    progress = normalise_progress(written) or nearest_progress(written)
    if progress in ("completed", "dropped"):
        return f"; did you mean {progress!r}?"
    if progress:
        return (f"; {progress!r} is a progress word, not a status: an open action is overdue, "
                "due-soon, on-track or no-date")
    return ""


def check_lead_names(plans: Sequence[Plan], wanted: Sequence[str]) -> None:
    """Refuse a --lead that names nobody, with the nearest lead, rather than print nothing."""
    if not wanted:
        return
    known = {}
    for plan in plans:
        for lead in plan.leads:
            for name in (lead.key, lead.name, *lead.aliases):
                known[normalise_name(name)] = lead.name
        for action in plan.actions:
            for name in action.leads:
                known.setdefault(normalise_name(name), name)
    for w in wanted:
        if normalise_name(w) not in known:
            close = close_matches(normalise_name(w), known, cutoff=0.5)
            hint = f"; did you mean {known[close[0]]!r}?" if close else "; see 'planctl leads'"
            raise UsageError(f"no lead {w!r}{hint}")

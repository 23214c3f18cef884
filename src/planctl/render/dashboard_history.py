"""Each action's history for the dashboard, read off the versions git gave the command.

Pure: the command reads the versions (store.gitstore) once; this walks them with the
history/ functions `history` and `slippage` use (history.span follows each action by
identity, history.changes reads each move's reason, history.slippage gives the figures
`slippage --format json` prints). An action carries its deadline moves, reassignments and
status changes (completion, reopening, dropping), never every commit, so the page stays
small for long histories.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..core.evaluate import evaluate, summarise
from ..core.jsondoc import JSONDict
from ..core.model import Action, Plan, iso
from ..history.changes import due_date, move_reason, note_reason
from ..history.slippage import slippage
from ..history.span import Step, steps_between
from ..history.timeline import TimelinePoint, timeline
from ..store.gitstore import Version


def _commit(step: Step) -> JSONDict:
    c = step.commit
    if c is None:
        return {"date": None, "commit": None, "author": None}
    return {"date": iso(c.date), "commit": c.short, "author": c.author}


def _due_event(step: Step, old: Action, new: Action) -> JSONDict | None:
    was, now = due_date(old), due_date(new)
    if was == now:
        return None  # the same date (the words may differ): not a move
    reason = move_reason(step.commit, old, new)
    return {"kind": "deadline", **_commit(step), "from": iso(was), "to": iso(now),
            "from_text": old.timescale_text or None, "to_text": new.timescale_text or None,
            "days": (now - was).days if was and now else None,
            "reason": reason[0] if reason else None,
            "reason_source": reason[1] if reason else None}


def events(chain: Sequence[Step]) -> list[JSONDict]:
    """The deadline moves, reassignments and status changes of one action, oldest first."""
    out: list[JSONDict] = []
    for step in chain:
        old, new = step.old, step.new
        moved = _due_event(step, old, new)
        if moved is not None:
            out.append(moved)
        if list(old.leads) != list(new.leads):
            out.append({"kind": "lead", **_commit(step), "from": list(old.leads),
                        "to": list(new.leads), "reason": note_reason(old, new)})
        if old.progress != new.progress:
            out.append({"kind": "status", **_commit(step), "from": old.progress,
                        "to": new.progress, "completed": iso(new.completed),
                        "reason": note_reason(old, new)})
    return out


def action_histories(versions: Sequence[Version], plans: Sequence[Plan], today: date,
                     shallow: bool, commits: int) -> JSONDict:
    """Per (plan id, action id) of the newest version: its events and its slippage; how many
    actions of each plan slipped (the roll-up's figure); and the counts over time that the
    report's timeline chart shows, ending on `today`. `versions`: the plans shown, as
    committed up to `today`.

    `actions` is keyed by tuples: it is read by render.dashboard, never written as JSON.
    """
    chains = steps_between(versions)
    # As history.trail.slipped counts them for the report's roll-up: the commits, then the
    # plans shown (a move needs a commit; the plans shown say which actions are still there).
    moved = [s for s in slippage([*versions, Version(None, tuple(plans))]) if not s.removed]
    slipped = {(s.plan, s.id): s for s in moved}
    per_plan: dict[str, int] = {}
    for m in moved:
        per_plan[m.plan] = per_plan.get(m.plan, 0) + 1
    per_action: dict[tuple[str, str], JSONDict] = {}
    for key, chain in chains.items():
        found = events(chain)
        s = slipped.get(key)
        if found or s is not None:
            per_action[key] = {"events": found, "slipped": None if s is None else {
                "first_due": iso(s.first_due), "current_due": iso(s.current_due),
                "days_slipped": s.days_slipped, "moves": s.moves}}
    points = [p for p in timeline(versions) if p.date < today]
    rows = evaluate(plans, today)
    points.append(TimelinePoint(today, None, summarise(rows), sum(1 for r in rows if r.open)))
    return {"actions": per_action, "slipped_per_plan": per_plan, "shallow": shallow,
            "commits": commits, "timeline": [p.as_dict() for p in points]}

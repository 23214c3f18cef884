"""Each edit command as a pure change of the model.

The plan and the action as read, and what the file writes that the model does not
keep (format/edit_nodes.Written: which keys, the milestones' `due:` text), in; the
action as it should read afterwards, out (`dataclasses.replace`), with what to say
about it. store/rewrite.py turns the change into the file's new bytes.

No I/O, no clock, no printing: refusals are UsageErrors.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..core.errors import UsageError
from ..core.model import RAG_VALUES, Action, Plan, Update
from ..core.names import normalise_name
from ..core.timescale import Timescale, TimescaleError, parse_date
from ..format.edit_nodes import Written
from ..format.plan_dates import parse_timescale_in
from ..format.reader import RAG_WORDS
from ..format.writer import move_date


@dataclass(frozen=True)
class Edit:
    """What to do to one action. `on` is the date of the event (completion, report, update)."""

    kind: str
    on: date
    text: str | None = None  # note text; drop, reschedule, assign, reopen reason
    evidence: tuple[str, ...] = ()
    by: str | None = None
    value: str | None = None  # reschedule: the new date as typed; assign: the lead as typed



def check_text(text: str, what: str) -> str:
    """Text the user gave, refused when it cannot go into a plan."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{what} is not valid UTF-8 text") from None
    if not text.strip():
        raise UsageError(f"{what} is empty")
    return text



def resolve_lead(plan: Plan, written: str) -> tuple[str, str | None]:
    wanted = normalise_name(written)
    for lead in plan.leads:
        if wanted in {normalise_name(n) for n in (lead.key, lead.name, *lead.aliases)}:
            return lead.name, lead.key
    return written.strip(), None


def unknown_lead_note(plan: Plan, written: str, key: str | None) -> list[str]:
    if key is not None or not plan.leads:
        return []
    choices = [x for lead in plan.leads for x in (lead.key, lead.name, *lead.aliases)]
    close = difflib.get_close_matches(written, choices, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else "; add it under leads:"
    return [f"{written!r} is not one of the plan's leads{hint}"]

# -- each edit: a pure change of one action ------------------------------------------------


@dataclass
class Change:
    """The action as it should read after the edit, and what to say about it."""

    action: Action
    subject: str
    body: str = ""
    trailers: tuple[tuple[str, str], ...] = ()
    notes: list[str] = field(default_factory=list)
    spelled: dict[str, str] = field(default_factory=dict)  # words to write where the model normalises


def _update(edit: Edit, text: str) -> Update:
    return Update(edit.on, text.strip(), edit.by.strip() if edit.by else None)


def read_timescale(written: str, plan: Plan) -> Timescale:
    """A timescale read as the loader reads it in this plan (its publication, calendar, year,
    named dates)."""
    return parse_timescale_in(written, plan.inspection.published, plan.calendar, plan.year_starts,
                              plan.anchors)


def _reason(edit: Edit) -> str:
    return check_text(edit.text or "", "the reason").strip()


def _next_open(action: Action, doing: str) -> int:
    if not action.milestones and action.timescale is not None and action.timescale.tbc:
        # written, but one could not be read (W123): none is known
        raise UsageError(f"the milestones of {action.id} cannot all be read ('planctl check' "
                         "says which: W123); write their dates in a form planctl reads; "
                         "nothing was changed")
    open_ = [i for i, ms in enumerate(action.milestones) if not ms.done]
    if not open_:
        raise UsageError(f"every milestone of {action.id} is already done; {doing}")
    return open_[0]


def _done(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    if action.progress == "completed":
        when = f" on {action.completed.isoformat()}" if action.completed else ""
        raise UsageError(f"{action.id} is already completed{when}; nothing was changed")
    evidence = tuple(check_text(t, "the evidence").strip() for t in edit.evidence)
    day = edit.on.isoformat()
    if action.repeat:
        new = dataclasses.replace(action, reported=action.reported + (edit.on,))
        subject = f"reported {day}"
    elif "milestones" in shape.keys:
        i = _next_open(action, "nothing was changed")
        milestones = list(action.milestones)
        ms = milestones[i] = dataclasses.replace(milestones[i], done=True, done_on=edit.on)
        label = f" ({ms.text})" if ms.text else ""
        new = dataclasses.replace(action, milestones=tuple(milestones))
        subject = f"milestone due {ms.due.isoformat()}{label} done {day}"
    elif action.timescale is not None and len(action.timescale.deadlines) > 1:
        if len(action.reported) >= len(action.timescale.deadlines):
            raise UsageError(f"every date of {action.id}'s timescale is already reported; "
                             "nothing was changed")
        deadline = action.timescale.deadlines[len(action.reported)]
        new = dataclasses.replace(action, reported=action.reported + (edit.on,))
        label = f" ({deadline.label})" if deadline.label else ""
        subject = f"milestone due {deadline.due.isoformat()}{label} done {day}"
    else:
        new = dataclasses.replace(action, progress="completed", completed=edit.on)
        subject = f"completed {day}"
    new = dataclasses.replace(new, evidence=action.evidence + evidence)
    return Change(new, subject, trailers=tuple(("Evidence", t) for t in evidence))


def _start(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    if action.progress == "completed":
        raise UsageError(f"{action.id} is completed; to reopen it, use "
                         f"'planctl reopen {action.id} --reason TEXT'")
    return Change(dataclasses.replace(action, progress="in-progress"), "started")


def _drop(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    if action.progress == "dropped":
        raise UsageError(f"{action.id} is already dropped; nothing was changed")
    reason = _reason(edit)
    new = dataclasses.replace(action, progress="dropped",
                              updates=action.updates + (_update(edit, f"Dropped: {reason}"),))
    return Change(new, "dropped", trailers=(("Reason", reason),))


def _reopen(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    if action.progress not in ("completed", "dropped"):
        raise UsageError(f"{action.id} is {action.progress}, not completed or dropped; "
                         "there is nothing to reopen")
    reason = _reason(edit)
    was = action.progress + (f" on {action.completed.isoformat()}" if action.completed else "")
    new = dataclasses.replace(action, progress="in-progress", completed=None,
                              updates=action.updates + (_update(edit, f"Reopened (was {was}): {reason}"),))
    return Change(new, "reopened", trailers=(("Reason", reason),))


def _note(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    text = check_text(edit.text or "", "the note").strip()
    new = dataclasses.replace(action, updates=action.updates + (_update(edit, text),))
    return Change(new, f"update {edit.on.isoformat()}", body=text)


def _reschedule(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    typed = (edit.value or "").strip()
    try:
        new_date = parse_date(typed)
    except TimescaleError as exc:
        raise UsageError(f"the new date: {exc}") from None
    if action.progress == "completed":
        raise UsageError(f"{action.id} is completed; there is nothing to reschedule")
    reason = _reason(edit)
    if "milestones" in shape.keys:
        i = _next_open(action, "there is nothing to reschedule")
        old_text = shape.milestone_dues[i]
        new_due = move_date(old_text, 0, new_date, typed)
        try:
            read_timescale(new_due, plan)
        except TimescaleError as exc:
            raise UsageError(f"{action.id} cannot move to {typed}: {exc}") from None
        ms = action.milestones[i]
        milestones = list(action.milestones)
        milestones[i] = dataclasses.replace(ms, due=new_date)
        milestones.sort(key=lambda m: m.due)
        new = dataclasses.replace(action, milestones=tuple(milestones))
        what = f"milestone {ms.text} " if ms.text else "milestone "
    else:
        old_text = action.timescale_text
        if action.timescale is None or not (action.timescale.deadlines or action.timescale.start):
            new_due = typed
        elif not action.timescale.deadlines:  # "From June 2013": the start stays, a deadline joins
            new_due = f"{old_text}, by {typed}"
        else:
            # The next open date moves; a recurring action moves its first (the series start).
            index = 0 if action.repeat else min(len(action.reported), len(action.timescale.deadlines) - 1)
            due = action.timescale.deadlines[index].due
            new_due = move_date(old_text, index, new_date, typed, due)
            if new_due == typed and action.timescale.repeat:  # "Quarterly": keep the rhythm
                new_due = f"{old_text}, first by {typed}"
        try:
            timescale = read_timescale(new_due, plan)
        except TimescaleError as exc:
            raise UsageError(f"{action.id} cannot move to {typed}: {exc}") from None
        # The start and a recurring form come from the due as the loader reads it.
        repeat = action.repeat if "repeat" in shape.keys else timescale.repeat
        # An explicit `start:` stays; otherwise the start is the new due's (if it has one).
        start = action.start if "start" in shape.keys else timescale.start
        new = dataclasses.replace(action, timescale=timescale, start=start, repeat=repeat)
        what = ""
    change = f"Rescheduled {what}from {old_text or 'no date'} to {new_due}"
    new = dataclasses.replace(new, updates=new.updates + (_update(edit, f"{change}: {reason}"),))
    return Change(new, change[0].lower() + change[1:], trailers=(("Reason", reason),))


def _assign(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    written = check_text(edit.value or "", "the lead").strip()
    name, key = resolve_lead(plan, written)
    if action.leads == (name,) and action.lead_keys == (key,):
        return Change(action, f"lead {name}")
    new = dataclasses.replace(action, leads=(name,), lead_keys=(key,))
    trailers: tuple[tuple[str, str], ...] = ()
    if edit.text is not None:
        reason = _reason(edit)
        old = " and ".join(action.leads) or "no lead"
        new = dataclasses.replace(new, updates=action.updates + (
            _update(edit, f"Reassigned from {old} to {name}: {reason}"),))
        trailers = (("Reason", reason),)
    return Change(new, f"lead {name}", trailers=trailers,
                  notes=unknown_lead_note(plan, written, key), spelled={"lead": written})


def _rate(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    written = (edit.value or "").strip()
    colour = RAG_WORDS.get(written.casefold())
    if colour is None:
        raise UsageError(f"{written!r} is not a rating; use one of {', '.join(RAG_VALUES)} "
                         "(or R, A, G, B)")
    if action.rag == colour:
        return Change(action, f"rated {colour}")
    new = dataclasses.replace(action, rag=colour)
    trailers: tuple[tuple[str, str], ...] = ()
    if edit.text is not None:
        reason = _reason(edit)
        was = f" (was {action.rag})" if action.rag else ""
        new = dataclasses.replace(new, updates=action.updates + (
            _update(edit, f"Rated {colour}{was}: {reason}"),))
        trailers = (("Reason", reason),)
    return Change(new, f"rated {colour}", trailers=trailers)


CHANGES: dict[str, Callable[[Plan, Action, Written, Edit], Change]] = {
    "done": _done, "start": _start, "drop": _drop, "note": _note,
    "reschedule": _reschedule, "assign": _assign, "reopen": _reopen, "rate": _rate}

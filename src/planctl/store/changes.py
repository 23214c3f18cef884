"""Each edit command as a pure change of the model.

The plan and the action as read, and what the file writes that the model does not
keep (format/edit_nodes.Written: which keys, the milestones' `due:` text), in; the
action as it should read afterwards, out (`core.model.evolve`), with what to say
about it. store/rewrite.py turns the change into the file's new bytes.

No I/O, no clock, no printing: refusals are UsageErrors.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..core.errors import UsageError
from ..core.model import RAG_VALUES, Action, Plan, SignOff, Update, evolve
from ..core.names import normalise_name
from ..core.signoff import completed_on, described, is_completed, known_signer, not_completed_yet
from ..core.timescale import PATTERNS, Timescale, TimescaleError
from ..format.edit_nodes import Written
from ..format.plan_dates import parse_timescale_in
from ..format.reader import RAG_WORDS
from ..format.signoff import MAX_SIGNER
from ..format.writer import date_like, move_date, plain_date


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
        new = evolve(action, reported=action.reported + (edit.on,))
        subject = f"reported {day}"
    elif "milestones" in shape.keys:
        i = _next_open(action, "nothing was changed")
        milestones = list(action.milestones)
        ms = milestones[i] = evolve(milestones[i], done=True, done_on=edit.on)
        label = f" ({ms.text})" if ms.text else ""
        new = evolve(action, milestones=tuple(milestones))
        subject = f"milestone due {ms.due.isoformat()}{label} done {day}"
    elif action.timescale is not None and len(action.timescale.deadlines) > 1:
        if len(action.reported) >= len(action.timescale.deadlines):
            raise UsageError(f"every date of {action.id}'s timescale is already reported; "
                             "nothing was changed")
        deadline = action.timescale.deadlines[len(action.reported)]
        new = evolve(action, reported=action.reported + (edit.on,))
        label = f" ({deadline.label})" if deadline.label else ""
        subject = f"milestone due {deadline.due.isoformat()}{label} done {day}"
    else:
        new = evolve(action, progress="completed", completed=edit.on)
        subject = f"completed {day}"
    new = evolve(new, evidence=action.evidence + evidence)
    return Change(new, subject, trailers=tuple(("Evidence", t) for t in evidence))


def _start(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    if action.progress == "completed":
        raise UsageError(f"{action.id} is completed; to reopen it, use "
                         f"'planctl reopen {action.id} --reason TEXT'")
    return Change(evolve(action, progress="in-progress"), "started")


def _drop(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    if action.progress == "dropped":
        raise UsageError(f"{action.id} is already dropped; nothing was changed")
    reason = _reason(edit)
    new = evolve(action, progress="dropped",
                              updates=action.updates + (_update(edit, f"Dropped: {reason}"),))
    return Change(new, "dropped", trailers=(("Reason", reason),))


def _reopen(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    if action.progress not in ("completed", "dropped"):
        raise UsageError(f"{action.id} is {action.progress}, not completed or dropped; "
                         "there is nothing to reopen")
    if action.completed is not None and edit.on < action.completed:
        raise UsageError(f"--on {edit.on:%d %B %Y} is before {action.id} was completed "
                         f"({action.completed:%d %B %Y}); nothing was changed")
    reason = _reason(edit)
    was = action.progress + (f" on {action.completed.isoformat()}" if action.completed else "")
    new = evolve(action, progress="in-progress", completed=None, signed_off=None,
                              updates=action.updates + (_update(edit, f"Reopened (was {was}): {reason}"),))
    return Change(new, "reopened", trailers=(("Reason", reason),))


def _note(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    text = check_text(edit.text or "", "the note").strip()
    new = evolve(action, updates=action.updates + (_update(edit, text),))
    return Change(new, f"update {edit.on.isoformat()}", body=text)


@dataclass(frozen=True)
class _NewDate:
    """What `reschedule` was given: any form `due:` accepts, read as `due:` is read."""

    typed: str
    reading: Timescale
    day: bool  # one day ("31.5.13", "31 May 2013"): written in the style of the old date

    @property
    def due(self) -> date:
        return self.reading.deadlines[0].due

    @property
    def reading_dues(self) -> tuple[date, ...]:
        return tuple(d.due for d in self.reading.deadlines)

    def one(self, action_id: str) -> date:
        """The one date it gives, where one date of several moves."""
        if len(self.reading.deadlines) != 1:
            raise UsageError(f"{action_id}: {self.typed!r} gives several dates; give the one "
                             "date the next open deadline moves to")
        return self.due


def _new_date(typed: str, plan: Plan) -> _NewDate:
    try:
        reading = read_timescale(typed, plan)
    except TimescaleError as exc:
        raise UsageError(f"the new date: {exc}") from None
    if not reading.deadlines or reading.repeat is not None:
        raise UsageError(f"the new date: {typed!r} gives no one date to move the deadline to; "
                         "give a date (31.5.13) or a timescale with one (By end of May 2013)")
    m = PATTERNS.date.fullmatch(" ".join(typed.split()))
    return _NewDate(typed, reading, m is not None and not m["mon_m"])


def _reads_as(plan: Plan, text: str, dues: tuple[date, ...], old: Timescale | None) -> Timescale | None:
    """The text's reading when it gives exactly these deadlines (and keeps the old one's
    repeat and start), else None: a timescale is written only when it reads as the date it
    moves to."""
    try:
        reading = read_timescale(text, plan)
    except TimescaleError:
        return None
    if tuple(d.due for d in reading.deadlines) != dues:
        return None
    if old is not None and (reading.repeat, reading.start) != (old.repeat, old.start):
        return None
    return reading


def _first_reading(plan: Plan, candidates: list[str | None], dues: tuple[date, ...],
                   old: Timescale | None, refusal: str) -> tuple[str, Timescale]:
    for text in candidates:
        if text is not None and (reading := _reads_as(plan, text, dues, old)) is not None:
            return text, reading
    raise UsageError(refusal)


def _moved_due(plan: Plan, action: Action, new: _NewDate) -> tuple[str, Timescale]:
    """The action's `due:` with its next open date moved to the new one, and its reading.

    A one-date timescale becomes the form typed (when it is not a bare date), else the
    new date spliced in the old one's style (By 05.09.12 -> By 31.05.13), else a plain
    "By 31 May 2013"; words are never left around a date they no longer fit ("By end of
    31.5.13"). Every candidate is read back and must give exactly the new deadline."""
    old_text, ts = action.timescale_text, action.timescale
    refusal = (f"{action.id}: cannot write {new.typed!r} into {old_text!r} so that it reads "
               f"as due {plain_date(new.due)}; edit its due: by hand")
    plain = f"By {plain_date(new.due)}"
    if ts is None or not (ts.deadlines or ts.start):  # TBC, ongoing, no due: at all
        return _first_reading(plan, [plain if new.day else new.typed], new.reading_dues, None, refusal)
    if not ts.deadlines:  # "From June 2013": the start stays, a deadline joins
        return _first_reading(plan, [f"{old_text}, by {date_like(old_text, new.due)}"],
                              (new.due,), ts, refusal)
    # The next open date moves; a recurring action moves its first (the series start).
    index = 0 if action.repeat else min(len(action.reported), len(ts.deadlines) - 1)
    if action.repeat or len(ts.deadlines) > 1:
        new.one(action.id)
    dues = tuple(new.due if i == index else d.due for i, d in enumerate(ts.deadlines))
    due = ts.deadlines[index].due
    spliced = move_date(old_text, index, new.due, due, days_only=len(ts.deadlines) == 1)
    if ts.repeat is not None:  # "Quarterly from 31.12.12": keep the rhythm, say the first date
        return _first_reading(plan, [spliced, f"{old_text}, first by {date_like(old_text, new.due)}"],
                              (new.due,), ts, refusal)
    if len(ts.deadlines) > 1:
        if list(dues) != sorted(dues):
            raise UsageError(f"{action.id} cannot move to {new.typed}: the dates in {old_text!r} "
                             "would go backwards; milestones must be in order")
        return _first_reading(plan, [spliced], dues, ts, refusal)
    if not new.day:
        return _first_reading(plan, [new.typed], new.reading_dues, None, refusal)
    if ts.start is not None and spliced is None:
        # "From June 2013 to March 2014": the start stays, the month gives way to the day.
        kept = move_date(old_text, index, new.due, due)
        if kept is not None and (reading := _reads_as(plan, kept, dues, ts)) is not None:
            return kept, reading
    return _first_reading(plan, [spliced, plain], dues, None, refusal)


def _reschedule(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    new_date = _new_date((edit.value or "").strip(), plan)
    if action.progress == "completed":
        raise UsageError(f"{action.id} is completed; there is nothing to reschedule")
    reason = _reason(edit)
    spelled: dict[str, str] = {}
    if "milestones" in shape.keys:
        i = _next_open(action, "there is nothing to reschedule")
        new_date.one(action.id)
        old_text = shape.milestone_dues[i]
        new_due, _ = _first_reading(
            plan, [move_date(old_text, 0, new_date.due), plain_date(new_date.due)], (new_date.due,),
            None, f"{action.id}: cannot write {new_date.typed!r} into {old_text!r}; edit it by hand")
        ms = action.milestones[i]
        milestones = list(action.milestones)
        milestones[i] = evolve(ms, due=new_date.due)
        milestones.sort(key=lambda m: m.due)
        new = evolve(action, milestones=tuple(milestones))
        what = f"milestone {ms.text} " if ms.text else "milestone "
        spelled["milestone_due"] = new_due
    else:
        old_text = action.timescale_text
        new_due, timescale = _moved_due(plan, action, new_date)
        # The start and a recurring form come from the due as the loader reads it.
        repeat = action.repeat if "repeat" in shape.keys else timescale.repeat
        # An explicit `start:` stays; otherwise the start is the new due's (if it has one).
        start = action.start if "start" in shape.keys else timescale.start
        new = evolve(action, timescale=timescale, start=start, repeat=repeat)
        what = ""
    change = f"Rescheduled {what}from {old_text or 'no date'} to {new_due}"
    new = evolve(new, updates=new.updates + (_update(edit, f"{change}: {reason}"),))
    return Change(new, change[0].lower() + change[1:], trailers=(("Reason", reason),), spelled=spelled)


def _assign(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    written = check_text(edit.value or "", "the lead").strip()
    name, key = resolve_lead(plan, written)
    if action.leads == (name,) and action.lead_keys == (key,):
        return Change(action, f"lead {name}")
    new = evolve(action, leads=(name,), lead_keys=(key,))
    trailers: tuple[tuple[str, str], ...] = ()
    if edit.text is not None:
        reason = _reason(edit)
        old = " and ".join(action.leads) or "no lead"
        new = evolve(new, updates=action.updates + (
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
    new = evolve(action, rag=colour)
    trailers: tuple[tuple[str, str], ...] = ()
    if edit.text is not None:
        reason = _reason(edit)
        was = f" (was {action.rag})" if action.rag else ""
        new = evolve(new, updates=action.updates + (
            _update(edit, f"Rated {colour}{was}: {reason}"),))
        trailers = (("Reason", reason),)
    return Change(new, f"rated {colour}", trailers=trailers)


def _by_milestone(action: Action) -> str:
    return ", its last milestone's done: date" if action.completed is None else ""


def _signoff(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    if not is_completed(action):
        raise UsageError(f"{not_completed_yet(action)}; nothing was changed")
    if action.signed_off is not None:
        raise UsageError(f"{action.id} is already {described(action.signed_off)}; to record another "
                         f"sign-off, 'planctl unsign {action.id}' first; nothing was changed")
    by = check_text(edit.by or "", "--by").strip()
    if any(ch in by for ch in "\n\r\v\f\x85\u2028\u2029") or len(by) > MAX_SIGNER:
        raise UsageError(f"--by must be one line of at most {MAX_SIGNER} characters: who signs "
                         "it off (a name, a role or a board)")
    done = completed_on(action)
    if done is not None and edit.on < done:
        raise UsageError(f"--on {edit.on:%d %B %Y} is before {action.id} was completed "
                         f"({done:%d %B %Y}{_by_milestone(action)}): a sign-off follows the "
                         f"completion; give --on {done:%d.%m.%Y} or later; nothing was changed")
    evidence = check_text(edit.text, "--evidence").strip() if edit.text is not None else None
    signed = SignOff(by, edit.on, evidence)
    notes = [] if known_signer(plan, by) else [
        f"{by!r} is not one of the plan's leads or bodies; the sign-off is recorded as written"]
    trailers = (("Signed-off-on", edit.on.isoformat()),) + ((("Evidence", evidence),) if evidence else ())
    return Change(evolve(action, signed_off=signed), described(signed), notes=notes,
                  trailers=trailers)


def _unsign(plan: Plan, action: Action, shape: Written, edit: Edit) -> Change:
    if action.signed_off is None:
        raise UsageError(f"{action.id} is not signed off; nothing was changed")
    if edit.on < action.signed_off.on:  # a withdrawal dated before what it withdraws
        raise UsageError(f"--on {edit.on:%d %B %Y} is before {action.id} was signed off "
                         f"({action.signed_off.on:%d %B %Y}); nothing was changed")
    reason = edit.text.strip() if edit.text and edit.text.strip() else None
    new = evolve(action, signed_off=None)
    was = described(action.signed_off)
    if reason is not None:
        new = evolve(new, updates=action.updates + (
            _update(edit, f"Sign-off withdrawn (was {was}): {check_text(reason, 'the reason')}"),))
    return Change(new, f"sign-off withdrawn (was {was})",
                  trailers=(("Reason", reason),) if reason else ())


CHANGES: dict[str, Callable[[Plan, Action, Written, Edit], Change]] = {
    "done": _done, "start": _start, "drop": _drop, "note": _note,
    "reschedule": _reschedule, "assign": _assign, "reopen": _reopen, "rate": _rate,
    "signoff": _signoff, "unsign": _unsign}

"""`returns apply`, the pure half: a lead's return as read, and what it changes in the plan.

store/returns/workbook.py reads the workbook into `Return` (every cell read or refused
there, naming the cell); commands/returns_apply.py follows each row's action from the
commit the return was cut from to the plan now (history's identity matching) and hands
both versions here. `plan_return` decides, row by row, which edit command's change each
filled cell becomes (`note`, `rate`, `done --on`, `reschedule --reason`), which values
the plan already holds (applied before: nothing to do), and what is a conflict (the
action changed since the return was made) or refused. No I/O, no clock, no git.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from .model import Action

# What each planned change is, as the table and JSON show it.
APPLY, HELD, CONFLICT, FORCED, REFUSED, GONE = (
    "apply", "already in the plan", "conflict", "applied despite a conflict", "refused",
    "not in the plan")


@dataclass(frozen=True)
class Filled:
    """What the lead wrote in one row's own columns, read (empty cells are None)."""

    progress: str | None = None
    rating: str | None = None  # red, amber, green or blue
    completed: date | None = None
    new_due: str | None = None  # as typed (any form `due:` accepts), read by `reschedule`
    reason: str | None = None
    evidence: str | None = None
    cells: dict[str, str] = field(default_factory=dict)  # column heading -> "Actions!F7"

    @property
    def empty(self) -> bool:
        return not any((self.progress, self.rating, self.completed, self.new_due, self.reason,
                        self.evidence))


@dataclass(frozen=True)
class ReturnRow:
    """One row of the Actions sheet and its record in the hidden sheet."""

    line: int  # the row's number on the Actions sheet
    id: str  # the ID cell's text
    plan: str  # the plan file relative to the plans folder, "/" separators
    action: str  # the action's id in that file at the return's commit
    recorded: dict[str, str]  # the hidden sheet's fields (core/returns.py ROW_FIELDS)
    filled: Filled
    where: str  # "Actions!A7": the row, for messages
    # planctl's cells the hidden sheet does not record, as shown: heading -> (cell, text)
    owned: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ReturnState:
    format: int
    commit: str  # 40 hex digits
    lead: str  # the lead's key (or name as written when not in leads:)
    made: date
    by: date | None


@dataclass(frozen=True)
class Return:
    """A lead's return as read: where from, its state, its rows, and the day it was saved."""

    name: str  # what messages call it: "returns/hos-ops.xlsx", "reply.eml: hos-ops.xlsx"
    state: ReturnState
    rows: tuple[ReturnRow, ...]
    saved: date  # the day the return was saved: progress notes are dated it
    saved_from: str  # how `saved` was known: "the email's Date", "the workbook's ...", ...
    sender: str | None = None  # the From address, for a return read from an email
    sent: datetime | None = None  # the email's Date
    warnings: tuple[str, ...] = ()  # owned cells edited, formulas read ...


@dataclass(frozen=True)
class Planned:
    """One change a return asks for, and what becomes of it."""

    row: ReturnRow
    target: str  # "plan:3.1" now (or the id at the commit when gone)
    change: str  # note, rate, done, reschedule, evidence
    value: str  # what is written, as the table shows it
    status: str  # APPLY, HELD, CONFLICT, FORCED, REFUSED, GONE
    detail: str = ""  # the conflict's both values, the refusal's reason
    kind: str | None = None  # the edit command (`store.changes.CHANGES`), None: nothing to run
    on: date | None = None
    text: str | None = None
    value_arg: str | None = None
    evidence: tuple[str, ...] = ()
    by: str | None = None
    plan_id: str = ""
    action_id: str = ""  # the action's id now
    reason: str | None = None  # for the commit's Reason: trailer
    unreadable: bool = False  # a cell that cannot be read: nothing of the return applies
    action_text: str = ""  # the action's text now (as the return was made, when gone)
    followed: bool = False  # the action's plan or id changed since (renumbered, moved)

    @property
    def runs(self) -> bool:
        return self.kind is not None and self.status in (APPLY, FORCED)


@dataclass(frozen=True)
class Followed:
    """A row's action at the return's commit and now (None: no longer in the plan)."""

    old: Action
    now: Action | None
    next_due: Callable[[str], date] | None = None  # reads a New due date as `reschedule` does


def _due_text(a: Action) -> str:
    dues = "; ".join(m.due.isoformat() for m in a.milestones) if a.milestones else ""
    return a.timescale_text + (f" (milestones {dues})" if dues and not a.timescale_text else "")


def _status_text(a: Action) -> str:
    done = [m.done_on.isoformat() for m in a.milestones if m.done and m.done_on]
    extra = ""
    if a.completed:
        extra = f" on {a.completed.isoformat()}"
    elif a.reported or done:
        extra = f" (reported {', '.join([d.isoformat() for d in a.reported] + done)})"
    return a.progress + extra


def changed_since(old: Action, now: Action) -> list[str]:
    """What changed in the action since the return was made (its due, status, lead or
    text): "due: By 30.9.12 -> By 31.10.12", one each."""
    out = []
    for name, get in (("text", lambda a: " ".join(a.text.split())), ("due", _due_text),
                      ("status", _status_text), ("lead", lambda a: " and ".join(a.leads))):
        was, is_ = get(old), get(now)
        if was != is_:
            out.append(f"{name}: {was or 'none'!s} when the return was made, {is_ or 'none'!s} now")
    return out


def next_open_due(a: Action) -> date | None:
    """The deadline `reschedule` moves: the next open milestone's, else the next unreported
    date of the timescale (a recurring action's first)."""
    open_ = [m.due for m in a.milestones if not m.done]
    if a.milestones:
        return open_[0] if open_ else None
    ts = a.timescale
    if ts is None or not ts.deadlines:
        return None
    if a.repeat:
        return ts.deadlines[0].due
    return ts.deadlines[min(len(a.reported), len(ts.deadlines) - 1)].due


def completed_on(a: Action, day: date) -> bool:
    """Whether the action already records a completion (or report, or milestone) on `day`."""
    return (a.completed == day or day in a.reported
            or any(m.done and m.done_on == day for m in a.milestones))


def _has_note(a: Action, on: date, text: str) -> bool:
    wanted = " ".join(text.split())
    return any(u.date == on and " ".join(u.text.split()) == wanted for u in a.updates)


@dataclass
class _Row:
    """Planning one row: its changes in order."""

    ret: Return
    row: ReturnRow
    followed: Followed
    lead_name: str
    force: bool
    today: date
    out: list[Planned] = field(default_factory=list)

    def add(self, change: str, value: str, status: str, detail: str = "", **edit: object) -> None:
        now = self.followed.now
        old = self.followed.old
        target = f"{now.plan}:{now.id}" if now else f"{self.row.plan}:{self.row.action}"
        self.out.append(Planned(self.row, target, change, value, status, detail,
                                plan_id=now.plan if now else "", action_id=now.id if now else "",
                                action_text=(now or old).text,
                                followed=now is not None and (now.plan, now.id) != (old.plan, old.id),
                                **edit))  # type: ignore[arg-type]

    def gated(self, held: bool, extra: Sequence[str] = ()) -> tuple[str, str]:
        """The status of a change of state: held, a conflict (the action changed since the
        return was made), forced, or to apply."""
        now = self.followed.now
        assert now is not None
        if held:
            return HELD, ""
        conflicts = [*changed_since(self.followed.old, now), *extra]
        if not conflicts:
            return APPLY, ""
        return (FORCED if self.force else CONFLICT), "; ".join(conflicts)


def _note(p: _Row, change: str, text: str) -> None:
    now = p.followed.now
    assert now is not None
    on = p.ret.saved
    status = HELD if _has_note(now, on, text) else APPLY
    p.add(change, text, status, kind="note", on=on, text=text, by=p.lead_name)


def _rating(p: _Row, rating: str) -> None:
    old, now = p.followed.old, p.followed.now
    assert now is not None
    extra = ([f"rating: {old.rag or 'none'} when the return was made, {now.rag or 'none'} now"]
             if now.rag != old.rag else [])
    status, detail = p.gated(now.rag == rating, extra)
    p.add("rate", rating, status, detail, kind="rate", on=p.ret.saved, value_arg=rating)


def _completion(p: _Row, filled: Filled) -> None:
    now = p.followed.now
    assert now is not None and filled.completed is not None
    day = filled.completed
    evidence = (filled.evidence,) if filled.evidence else ()
    value = day.isoformat() + (f" (evidence: {filled.evidence})" if filled.evidence else "")
    if day > p.today:
        p.add("done", value, REFUSED, f"Completed on {day.isoformat()} is after today "
              f"({p.today.isoformat()}); a completion cannot be in the future")
        return
    held = completed_on(now, day)
    status, detail = p.gated(held)
    p.add("done", value, status, detail, kind="done", on=day, evidence=evidence)
    if held and filled.evidence and filled.evidence not in now.evidence:
        _note(p, "evidence", f"Evidence: {filled.evidence}")


def _reschedule(p: _Row, filled: Filled) -> None:
    now = p.followed.now
    assert now is not None and filled.new_due is not None
    typed = filled.new_due
    if not filled.reason:
        p.add("reschedule", typed, REFUSED, "a new due date needs its reason (the column "
              "'Reason for new date'), as 'planctl reschedule' does")
        return
    reader = p.followed.next_due
    try:
        wanted = reader(typed) if reader is not None else None
    except ValueError as exc:
        cell = filled.cells.get("New due date", p.row.where)
        p.add("reschedule", typed, REFUSED, f"{cell}: {exc}", unreadable=True)
        return
    held = wanted is not None and next_open_due(now) == wanted
    status, detail = p.gated(held)
    p.add("reschedule", f"{typed} ({filled.reason})", status, detail, kind="reschedule",
          on=p.ret.saved, text=filled.reason, value_arg=typed, by=p.lead_name,
          reason=filled.reason)


def plan_row(ret: Return, row: ReturnRow, followed: Followed | None, lead_name: str, *,
             force: bool, today: date) -> list[Planned]:
    """The changes one row asks for, in the order they are made: the progress note, the
    rating, the new date, the completion (and evidence)."""
    filled = row.filled
    if filled.empty:
        return []
    if followed is None or followed.now is None:
        p = _Row(ret, row, followed or Followed(Action("", "", row.action, ""), None), lead_name,
                 force, today)
        for change, value in (("note", filled.progress), ("rate", filled.rating),
                              ("done", filled.completed), ("reschedule", filled.new_due),
                              ("evidence", filled.evidence)):
            if value:
                p.add(change, str(value), GONE, f"action {row.action} of {row.plan} (as the "
                      "return was made) is no longer in the plan; nothing is guessed")
        return p.out
    p = _Row(ret, row, followed, lead_name, force, today)
    if filled.progress:
        _note(p, "note", filled.progress)
    if filled.rating:
        _rating(p, filled.rating)
    if filled.new_due and filled.completed:
        p.add("reschedule", filled.new_due, REFUSED, "both Completed on and New due date are "
              "filled; give one (an action completed is not rescheduled)")
        p.add("done", filled.completed.isoformat(), REFUSED, "both Completed on and New due "
              "date are filled; give one")
    elif filled.new_due:
        _reschedule(p, filled)
    elif filled.completed:
        _completion(p, filled)
    if filled.evidence and not filled.completed:
        _note(p, "evidence", f"Evidence: {filled.evidence}")
    return p.out


def plan_return(ret: Return, followed: dict[int, Followed | None], lead_name: str, *,
                force: bool, today: date) -> list[Planned]:
    """Every change of the return, row by row (`followed`: by the row's line)."""
    out: list[Planned] = []
    for row in ret.rows:
        out += plan_row(ret, row, followed.get(row.line), lead_name, force=force, today=today)
    return out


def reason_trailers(planned: Sequence[Planned]) -> list[tuple[str, str]]:
    """The commit's Reason: trailers: the one reason as given, or each with its action when
    the return gives several (a commit's reasons are read together by slippage)."""
    moves = [p for p in planned if p.runs and p.reason]
    reasons = list(dict.fromkeys(p.reason for p in moves if p.reason))
    if len(reasons) == 1:
        return [("Reason", reasons[0])]
    return [("Reason", f"{p.target}: {p.reason}") for p in moves]

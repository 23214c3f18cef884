"""`planctl diff`: what changed between two versions of the plans, by category (an action
can be in several: rescheduled and reassigned in one change)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ..core.model import Action, iso
from .changes import (
    ActionChange,
    FieldChange,
    compare,
    due_date,
    move_reason,
    note_reason,
    signoff_fields,
)
from .commits import commit_dict
from .span import Step, Steps

if TYPE_CHECKING:
    from ..store.gitstore import Commit, Version

DIFF_CATEGORIES = ("added", "removed", "moved", "completed", "dropped", "reopened", "progress",
                   "rescheduled", "reassigned", "changed")
# Before "changed", in the JSON only when they have entries: diffs of plans without
# sign-offs keep the keys they always had.
SIGNOFF_CATEGORIES = ("signed_off", "unsigned")


@dataclass(frozen=True)
class End:
    """One side of the diff: the revision as given, and its commit (None: working tree)."""

    rev: str
    commit: Commit | None

    def as_dict(self) -> dict[str, object]:
        return {"rev": self.rev, **commit_dict(self.commit)}


@dataclass(frozen=True)
class Brief:
    """An action added or removed."""

    plan: str
    id: str
    text: str
    due: str | None  # the timescale as written
    leads: tuple[str, ...]
    status: str

    @classmethod
    def of(cls, a: Action) -> Brief:
        return cls(a.plan, a.id, a.text, a.timescale_text or None, a.leads, a.progress)

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "id": self.id, "text": self.text, "due": self.due,
                "leads": list(self.leads), "status": self.status}


@dataclass(frozen=True)
class Moved:
    """Moved to another recommendation."""

    plan: str
    id: str
    text: str
    from_id: str
    old: str  # recommendations
    new: str
    from_plan: str | None = None  # the plan it came from, when another plan file

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "id": self.id, "text": self.text, "from_id": self.from_id,
                "from": self.old, "to": self.new, "from_plan": self.from_plan}


@dataclass(frozen=True)
class StatusChanged:
    """Completed, dropped, reopened, or other progress."""

    plan: str
    id: str
    text: str
    old: str
    new: str
    reason: str | None

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "id": self.id, "text": self.text, "from": self.old,
                "to": self.new, "reason": self.reason}


@dataclass(frozen=True)
class Move:
    """One commit's move of a rescheduled action's timescale, with its own reason."""

    commit: Commit | None  # None: the working tree, or not read from git
    old: str | None  # the timescales as written
    new: str | None
    old_date: date | None
    new_date: date | None
    reason: str | None
    reason_source: str | None  # commit | update | subject (changes.move_reason)

    @property
    def days(self) -> int | None:
        return (self.new_date - self.old_date).days if self.old_date and self.new_date else None

    @property
    def commit_date(self) -> str | None:
        return iso(self.commit.date) if self.commit else None

    def as_dict(self) -> dict[str, object]:
        c = self.commit
        return {"date": self.commit_date, "commit": c.short if c else None,
                "from": self.old, "to": self.new, "from_date": iso(self.old_date),
                "to_date": iso(self.new_date), "days": self.days, "reason": self.reason,
                "reason_source": self.reason_source}


@dataclass(frozen=True)
class Rescheduled:
    plan: str
    id: str
    text: str
    old: str | None  # the timescales as written
    new: str | None
    old_date: date | None  # changes.due_date of each side
    new_date: date | None
    reason: str | None  # each move's own reason, joined when it moved more than once
    moves: tuple[Move, ...] = ()  # each commit's move, oldest first

    @property
    def days(self) -> int | None:
        """Days later (negative: earlier); None when either side has no date."""
        if self.old_date and self.new_date:
            return (self.new_date - self.old_date).days
        return None

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "id": self.id, "text": self.text, "from": self.old,
                "to": self.new, "from_date": iso(self.old_date), "to_date": iso(self.new_date),
                "days": self.days, "reason": self.reason,
                "moves": [m.as_dict() for m in self.moves]}


@dataclass(frozen=True)
class Reassigned:
    plan: str
    id: str
    text: str
    old: tuple[str, ...]  # leads
    new: tuple[str, ...]
    reason: str | None

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "id": self.id, "text": self.text, "from": list(self.old),
                "to": list(self.new), "reason": self.reason}


@dataclass(frozen=True)
class SignOffChanged:
    """Signed off (`new`), or a sign-off withdrawn (`old`, `new` None) or replaced."""

    plan: str
    id: str
    text: str
    old: dict[str, object] | None  # {by, on, evidence} (history.changes.signoff_fields)
    new: dict[str, object] | None

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "id": self.id, "text": self.text, "from": self.old,
                "to": self.new}


@dataclass(frozen=True)
class OtherChanges:
    """Every other field that changed."""

    plan: str
    id: str
    text: str
    fields: tuple[FieldChange, ...]

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "id": self.id, "text": self.text,
                "fields": [f.as_dict() for f in self.fields]}


@dataclass(frozen=True)
class MaybeReworded:
    """Actions removed and added in one recommendation that the matching could not pair:
    perhaps one action reworded beyond recognition. Said, never guessed."""

    plan: str
    recommendation: str
    removed: tuple[str, ...]  # ids in the old version
    added: tuple[str, ...]  # ids in the new version

    def note(self) -> str:
        return (f"note: in recommendation {self.recommendation} of {self.plan}, "
                f"{', '.join(self.removed)} removed and {', '.join(self.added)} added: if an "
                "action was reworded, write the same 'id:' on it in both versions so planctl "
                "follows it as one action")

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "recommendation": self.recommendation,
                "removed": list(self.removed), "added": list(self.added), "note": self.note()}


DiffItem = Brief | Moved | StatusChanged | Rescheduled | Reassigned | SignOffChanged | OtherChanges
"""An entry of one of the categories."""


@dataclass
class Diff:
    old: End
    new: End
    added: list[Brief] = field(default_factory=list)
    removed: list[Brief] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    completed: list[StatusChanged] = field(default_factory=list)
    dropped: list[StatusChanged] = field(default_factory=list)
    reopened: list[StatusChanged] = field(default_factory=list)
    progress: list[StatusChanged] = field(default_factory=list)
    rescheduled: list[Rescheduled] = field(default_factory=list)
    reassigned: list[Reassigned] = field(default_factory=list)
    signed_off: list[SignOffChanged] = field(default_factory=list)
    unsigned: list[SignOffChanged] = field(default_factory=list)
    changed: list[OtherChanges] = field(default_factory=list)
    maybe_reworded: list[MaybeReworded] = field(default_factory=list)

    def categories(self) -> dict[str, Sequence[DiffItem]]:
        """Each category's entries, in the order of DIFF_CATEGORIES (the sign-off ones, when
        there are some, before "changed")."""
        out: dict[str, Sequence[DiffItem]] = dict(zip(DIFF_CATEGORIES[:-1], (
            self.added, self.removed, self.moved, self.completed, self.dropped, self.reopened,
            self.progress, self.rescheduled, self.reassigned), strict=True))
        out.update((k, v) for k, v in zip(SIGNOFF_CATEGORIES, (self.signed_off, self.unsigned),
                                          strict=True) if v)
        out["changed"] = self.changed
        return out

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"from": self.old.as_dict(), "to": self.new.as_dict()}
        for cat, entries in self.categories().items():
            out[cat] = [e.as_dict() for e in entries]
        out["maybe_reworded"] = [m.as_dict() for m in self.maybe_reworded]
        return out

    def notes(self) -> list[str]:
        """Notes for stderr: removals and additions that may be one reworded action."""
        return [m.note() for m in self.maybe_reworded]


def diff(old: Version, new: Version, old_name: str, new_name: str,
         steps: Steps | None = None) -> Diff:
    """What changed between two versions, by category (an action can be in several).

    steps: the commits between them (history.span), for the reason of each change; without
    them, the reason is the update note the edit wrote."""
    _, changes = compare(old.plans, new.plans)
    out = Diff(End(old_name, old.commit), End(new_name, new.commit))
    for c in changes:
        if c.old is None and c.new is not None:
            out.added.append(Brief.of(c.new))
        elif c.new is None and c.old is not None:
            out.removed.append(Brief.of(c.old))
        elif c.change != "renumbered" and c.old is not None and c.new is not None:
            # renumbered only: the same action, not a change
            _sort(out, c, c.old, c.new, (steps or {}).get((c.plan, c.id), ()))
    out.maybe_reworded = _maybe_reworded(changes)
    return out


def _maybe_reworded(changes: Sequence[ActionChange]) -> list[MaybeReworded]:
    """Each recommendation with actions both removed and added (left unpaired)."""
    gone: dict[tuple[str, str], list[str]] = {}
    came: dict[tuple[str, str], list[str]] = {}
    for c in changes:
        if c.new is None and c.old is not None and not c.old.id_written:
            gone.setdefault((c.plan, c.old.recommendation), []).append(c.old.id)
        elif c.old is None and c.new is not None and not c.new.id_written:
            came.setdefault((c.plan, c.new.recommendation), []).append(c.new.id)
    return [MaybeReworded(plan, rec, tuple(ids), tuple(came[(plan, rec)]))
            for (plan, rec), ids in gone.items() if (plan, rec) in came]


def _reason(steps: Sequence[Step], old: Action, new: Action,
            value: Callable[[Action], object]) -> str | None:
    """The reason given by the last commit that changed `value` (when the steps lead from
    `old` to `new`), else the update note."""
    made = [s for s in steps if value(s.old) != value(s.new)]
    if made and value(made[0].old) == value(old) and value(made[-1].new) == value(new):
        said = move_reason(made[-1].commit, made[-1].old, made[-1].new)
        return said[0] if said else None
    return note_reason(old, new)


def _moves(steps: Sequence[Step], old: Action, new: Action) -> tuple[Move, ...]:
    """Each commit's move of the timescale, each with its own reason; one move from `old`
    to `new` when the commits are not known or do not lead from one to the other."""
    made = [s for s in steps if s.old.timescale_text != s.new.timescale_text]
    if not (made and made[0].old.timescale_text == old.timescale_text
            and made[-1].new.timescale_text == new.timescale_text):
        noted = note_reason(old, new)
        made = [Step(None, old, new)]
        said: list[tuple[str, str] | None] = [(noted, "update") if noted else None]
    else:
        said = [move_reason(s.commit, s.old, s.new) for s in made]
    return tuple(Move(s.commit, s.old.timescale_text or None, s.new.timescale_text or None,
                      due_date(s.old), due_date(s.new), r[0] if r else None,
                      r[1] if r else None) for s, r in zip(made, said, strict=True))


def joined_reasons(moves: Sequence[Move]) -> str | None:
    """One move: its reason; several: each reason with the timescale it moved to."""
    if len(moves) == 1:
        return moves[0].reason
    said = [f"{m.reason} (to {m.new or 'no date'})" for m in moves if m.reason]
    return "; ".join(said) or None


def _sort(out: Diff, c: ActionChange, old: Action, new: Action, steps: Sequence[Step]) -> None:
    """A changed or moved action into the categories of the fields that changed."""
    rest = []
    if any(f.field in ("recommendation", "plan") for f in c.fields):
        out.moved.append(Moved(c.plan, c.id, c.text, old.id, old.recommendation,
                               new.recommendation, old.plan if old.plan != new.plan else None))
    for f in c.fields:
        if f.field in ("recommendation", "plan"):
            continue
        if f.field == "status":
            _status(out, c.plan, c.id, c.text, old.progress, new.progress,
                    _reason(steps, old, new, _progress))
        elif f.field == "due":
            moves = _moves(steps, old, new)
            out.rescheduled.append(Rescheduled(c.plan, c.id, c.text, old.timescale_text or None,
                                               new.timescale_text or None, due_date(old),
                                               due_date(new), joined_reasons(moves), moves))
        elif f.field == "signed_off":
            entry = SignOffChanged(c.plan, c.id, c.text, signoff_fields(old), signoff_fields(new))
            (out.signed_off if new.signed_off is not None else out.unsigned).append(entry)
        elif f.field == "lead":
            out.reassigned.append(Reassigned(c.plan, c.id, c.text, old.leads, new.leads,
                                             _reason(steps, old, new, _leads)))
        else:
            rest.append(f)
    if rest:
        out.changed.append(OtherChanges(c.plan, c.id, c.text, tuple(rest)))


def _progress(a: Action) -> object:
    return a.progress


def _leads(a: Action) -> object:
    return a.leads


def _status(out: Diff, plan: str, id: str, text: str, old: str, new: str,
            reason: str | None) -> None:
    entry = StatusChanged(plan, id, text, old, new, reason)
    if new == "completed":
        out.completed.append(entry)
    elif new == "dropped":
        out.dropped.append(entry)
    elif old in ("completed", "dropped"):
        out.reopened.append(entry)
    else:
        out.progress.append(entry)


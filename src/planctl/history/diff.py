"""`planctl diff`: what changed between two versions of the plans, by category (an action
can be in several: rescheduled and reassigned in one change)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ..core.model import Action, iso
from .changes import ActionChange, FieldChange, compare, due_date
from .commits import commit_dict

if TYPE_CHECKING:
    from ..store.gitstore import Commit, Version

DIFF_CATEGORIES = ("added", "removed", "moved", "completed", "dropped", "reopened", "progress",
                   "rescheduled", "reassigned", "changed")


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

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "id": self.id, "text": self.text, "from_id": self.from_id,
                "from": self.old, "to": self.new}


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
class Rescheduled:
    plan: str
    id: str
    text: str
    old: str | None  # the timescales as written
    new: str | None
    old_date: date | None  # changes.due_date of each side
    new_date: date | None
    reason: str | None

    @property
    def days(self) -> int | None:
        """Days later (negative: earlier); None when either side has no date."""
        if self.old_date and self.new_date:
            return (self.new_date - self.old_date).days
        return None

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "id": self.id, "text": self.text, "from": self.old,
                "to": self.new, "from_date": iso(self.old_date), "to_date": iso(self.new_date),
                "days": self.days, "reason": self.reason}


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
class OtherChanges:
    """Every other field that changed."""

    plan: str
    id: str
    text: str
    fields: tuple[FieldChange, ...]

    def as_dict(self) -> dict[str, object]:
        return {"plan": self.plan, "id": self.id, "text": self.text,
                "fields": [f.as_dict() for f in self.fields]}


DiffItem = Brief | Moved | StatusChanged | Rescheduled | Reassigned | OtherChanges
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
    changed: list[OtherChanges] = field(default_factory=list)

    def categories(self) -> dict[str, Sequence[DiffItem]]:
        """Each category's entries, in the order of DIFF_CATEGORIES."""
        return dict(zip(DIFF_CATEGORIES, (
            self.added, self.removed, self.moved, self.completed, self.dropped, self.reopened,
            self.progress, self.rescheduled, self.reassigned, self.changed), strict=True))

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"from": self.old.as_dict(), "to": self.new.as_dict()}
        for cat, entries in self.categories().items():
            out[cat] = [e.as_dict() for e in entries]
        return out


def diff(old: Version, new: Version, old_name: str, new_name: str) -> Diff:
    """What changed between two versions, by category (an action can be in several)."""
    _, changes = compare(old.plans, new.plans)
    out = Diff(End(old_name, old.commit), End(new_name, new.commit))
    for c in changes:
        if c.old is None and c.new is not None:
            out.added.append(Brief.of(c.new))
        elif c.new is None and c.old is not None:
            out.removed.append(Brief.of(c.old))
        elif c.change != "renumbered" and c.old is not None and c.new is not None:
            _sort(out, c, c.old, c.new)  # renumbered only: the same action, not a change
    return out


def _sort(out: Diff, c: ActionChange, old: Action, new: Action) -> None:
    """A changed or moved action into the categories of the fields that changed."""
    reason = c.reason
    rest = []
    for f in c.fields:
        if f.field == "recommendation":
            out.moved.append(Moved(c.plan, c.id, c.text, old.id, old.recommendation,
                                   new.recommendation))
        elif f.field == "status":
            _status(out, c.plan, c.id, c.text, old.progress, new.progress, reason)
        elif f.field == "due":
            out.rescheduled.append(Rescheduled(c.plan, c.id, c.text, old.timescale_text or None,
                                               new.timescale_text or None, due_date(old),
                                               due_date(new), reason))
        elif f.field == "lead":
            out.reassigned.append(Reassigned(c.plan, c.id, c.text, old.leads, new.leads, reason))
        else:
            rest.append(f)
    if rest:
        out.changed.append(OtherChanges(c.plan, c.id, c.text, tuple(rest)))


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


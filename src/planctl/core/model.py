"""The plan as data: frozen msgspec Structs, built by load.py, read by everything else.

Structs, not frozen dataclasses: a dataclass is made at import by compiling its methods'
source (the 17 classes here took ~15 ms of every run's start-up), and a frozen one's
__init__ sets each field through object.__setattr__; a Struct class is made in C and so
is its __init__. They compare, hash and print like the dataclasses they replace, and the
cache decodes straight into them (store/cache/codec.py). They hold no references back to
what holds them, so none can be part of a reference cycle: `gc=False` keeps 20,000
actions out of the garbage collector's passes. `array_like=True`: encoded (in the cache) as
arrays of their fields, not maps that repeat every field's name."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from functools import cached_property
from typing import Any, Literal, TypeVar, get_args, overload

import msgspec

from .timescale import Timescale

# Literal types: checked by mypy, and the cache's decoder gives each value as one shared
# string (20,000 actions hold four progress strings, not 20,000).
Rag = Literal["red", "amber", "green", "blue"]
Progress = Literal["not-started", "in-progress", "completed", "dropped"]
RAG_VALUES: tuple[Rag, ...] = get_args(Rag)
PROGRESS_VALUES: tuple[Progress, ...] = get_args(Progress)
STATUS_VALUES = ("completed", "dropped", "overdue", "due-soon", "on-track", "no-date")
REPEAT_MONTHS = {"monthly": 1, "quarterly": 3, "six-monthly": 6, "yearly": 12}


class Lead(msgspec.Struct, frozen=True, gc=False, array_like=True):
    key: str
    name: str
    aliases: tuple[str, ...] = ()
    line: int = 0
    email: str | None = None  # as written; `remind` checks it before sending
    organisation: str | None = None  # multi-agency plans: the lead's agency


class Body(msgspec.Struct, frozen=True, gc=False, array_like=True):
    key: str
    name: str
    line: int = 0


class Update(msgspec.Struct, frozen=True, gc=False, array_like=True):
    date: date
    text: str
    by: str | None = None


class SignOff(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """`signed_off:` of an action: who checked the completed work and assured it, when, and
    on what evidence. Kept as written: the signer may be a lead, a board or anyone."""

    by: str
    on: date
    evidence: str | None = None


class Theme(msgspec.Struct, frozen=True, gc=False, array_like=True):
    key: str
    title: str


class RagMeaning(msgspec.Struct, frozen=True, gc=False, array_like=True):
    colour: Rag
    meaning: str


class Measure(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """A success measure; values are kept as written ("62%", "within 45 working days")."""

    text: str
    baseline: str | None = None
    target: str | None = None
    actual: str | None = None


class Milestone(msgspec.Struct, frozen=True, gc=False, array_like=True):
    due: date
    text: str = ""
    done: bool = False
    done_on: date | None = None  # when known; a milestone done after the as-at date is still open


class Action(msgspec.Struct, frozen=True, gc=False, array_like=True):
    plan: str
    recommendation: str
    id: str
    text: str
    timescale: Timescale | None = None
    start: date | None = None  # work begins: before it the action is not due, never overdue
    leads: tuple[str, ...] = ()  # canonical names, or the words as written when unknown
    lead_keys: tuple[str | None, ...] = ()  # key of each lead in plan.leads, None when unknown
    report_to: tuple[str, ...] = ()
    progress: Progress = "not-started"
    completed: date | None = None
    evidence: tuple[str, ...] = ()
    updates: tuple[Update, ...] = ()
    repeat: str | None = None
    reported: tuple[date, ...] = ()
    milestones: tuple[Milestone, ...] = ()  # explicit, or one per date of the timescale
    progress_note: str | None = None  # `progress:`, the latest narrative position (undated)
    rag: Rag | None = None  # the council's own rating (red/amber/green/blue), beside the status
    measures: tuple[Measure, ...] = ()
    # `ref:` as written: where it comes from (report paragraph, regulation, work package).
    # Not `ref`, which is this action's own `plan:id`.
    cites: str | None = None
    signed_off: SignOff | None = None  # `signed_off:`: completed is not the same as assured
    line: int = 0
    column: int = 0
    id_written: bool = False  # `id:` given in the file (else the id is its position)
    completed_source: Literal["git"] | None = None  # "git" when `completed` is the completing commit's date

    @property
    def ref(self) -> str:
        return f"{self.plan}:{self.id}"

    @property
    def timescale_text(self) -> str:
        return self.timescale.text if self.timescale else ""

    def latest_update(self, as_of: date | None = None) -> Update | None:
        """The newest update (on or before `as_of`): the latest date, and of two on one
        day the one later in the file (a note written after a same-day reschedule)."""
        latest = None
        for u in self.updates:
            if (as_of is None or u.date <= as_of) and (latest is None or u.date >= latest.date):
                latest = u
        return latest


class Recommendation(msgspec.Struct, frozen=True, gc=False, array_like=True):
    id: str
    text: str
    actions: tuple[Action, ...] = ()
    line: int = 0
    theme: str | None = None  # a key of plan.themes
    cites: str | None = None  # `ref:` as written (the report paragraph it answers)


class Inspection(msgspec.Struct, frozen=True, gc=False, array_like=True):
    by: str | None = None
    kind: str | None = None
    published: date | None = None


class Judgement(msgspec.Struct, frozen=True, gc=False, array_like=True):
    name: str
    grade: str
    line: int = 0


class FindingArea(msgspec.Struct, frozen=True, gc=False, array_like=True):
    area: str
    judgements: tuple[Judgement, ...] = ()


class Findings(msgspec.Struct, frozen=True, gc=False, array_like=True):
    scale: tuple[str, ...]
    areas: tuple[FindingArea, ...] = ()


class NamedDate(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """A date the plan names (`plan.dates:`), e.g. the letter, from which a timescale such as
    "within 6 months of the letter" counts. `name` is normalised: lowercase words, single
    spaces, no leading "the"."""

    name: str
    date: date


class Anchors(Mapping[str, date]):
    """A plan's named dates as parse_timescale's `anchors`: a mapping that is hashable,
    because parse_timescale caches its readings by their arguments.

    A plain class: a Struct cannot subclass Mapping (their metaclasses differ), and this is
    the start-up path's last class that would otherwise be a dataclass (made by compiling
    source at import)."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: tuple[tuple[str, date], ...] = ()) -> None:
        self.pairs = pairs

    def __eq__(self, other: object) -> bool:
        return type(other) is Anchors and other.pairs == self.pairs

    def __hash__(self) -> int:
        return hash(self.pairs)

    def __repr__(self) -> str:
        return f"Anchors(pairs={self.pairs!r})"

    def __getitem__(self, name: str) -> date:
        for key, day in self.pairs:
            if key == name:
                return day
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


# dict=True: a __dict__ for the cached lookups (cached_property); gc stays on for it.
class Plan(msgspec.Struct, frozen=True, dict=True, array_like=True):
    id: str
    path: str
    title: str
    authority: str | None = None
    inspection: Inspection = msgspec.field(default_factory=Inspection)
    version: str | None = None
    updated: date | None = None
    owner: str | None = None
    classification: str | None = None
    due_soon_days: int = 14
    calendar: str = "england-and-wales"  # whose bank holidays working days skip
    year_starts: str | None = None  # april or september: how a bare "2013/14" reads (None: april)
    leads: tuple[Lead, ...] = ()
    bodies: tuple[Body, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    findings: Findings | None = None
    themes: tuple[Theme, ...] = ()  # in the order written
    rag_key: tuple[RagMeaning, ...] = ()
    dates: tuple[NamedDate, ...] = ()  # plan.dates, in the order written
    signoff: str | None = None  # plan.signoff: "required", "optional" or None (not written)

    @property
    def signoff_required(self) -> bool:
        return self.signoff == "required"

    @property
    def anchors(self) -> Anchors:
        """The named dates by name: what timescales of this plan count from ("within 6 months
        of the letter"), besides the inspection's publication."""
        return Anchors(tuple((d.name, d.date) for d in self.dates))

    @property
    def actions(self) -> Iterator[Action]:
        for rec in self.recommendations:
            yield from rec.actions

    @overload
    def theme_title(self, key: str) -> str: ...
    @overload
    def theme_title(self, key: None) -> str | None: ...
    def theme_title(self, key: str | None) -> str | None:
        return next((t.title for t in self.themes if t.key == key), key)

    def rag_meaning(self, colour: str | None) -> str | None:
        return next((r.meaning for r in self.rag_key if r.colour == colour), None)

    def cites_of(self, action: Action) -> str | None:
        """The `ref:` of the action's recommendation (not the action's own)."""
        return self._cites_by_rec.get(action.recommendation)

    @cached_property
    def _cites_by_rec(self) -> dict[str, str | None]:
        return {r.id: r.cites for r in self.recommendations}

    def theme_of(self, action: Action) -> str | None:
        return self._theme_by_rec.get(action.recommendation)

    @cached_property
    def _theme_by_rec(self) -> dict[str, str | None]:
        # Looked up once per action by JSON and --by-theme: a dict, not a scan per action.
        return {r.id: r.theme for r in self.recommendations}

    def body_name(self, key: str) -> str:
        for body in self.bodies:
            if body.key == key:
                return body.name
        return key


def identity_key(action: Action) -> tuple[str, str]:
    """What names one action across versions of the plan: (plan id, action id).

    The action id is the plan's explicit `id:` when it writes one, else the positional
    one (`<rec>.<n>`). Everything that must recognise an action again later (calendar
    UIDs, ...) goes through here, so that a better notion of identity changes one place.
    """
    return (action.plan, action.id)


def iso(d: date | None) -> str | None:
    """A date as JSON writes it (YYYY-MM-DD), None as None."""
    return d.isoformat() if d else None


_M = TypeVar("_M")


def evolve(obj: _M, **changes: Any) -> _M:
    """A copy of a model object (or of any other of planctl's msgspec Structs, e.g. Settings)
    with some fields changed: every module copies through here, so how the model's classes
    are made is known in this file only."""
    return msgspec.structs.replace(obj, **changes)  # type: ignore[type-var]


def field_names(cls: type) -> tuple[str, ...]:
    """A model class's fields, in their order (what its __eq__ compares)."""
    names: tuple[str, ...] = cls.__struct_fields__  # type: ignore[attr-defined]
    return names

"""The plan as data: frozen dataclasses, built by load.py, read by everything else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from .timescale import Timescale

PROGRESS_VALUES = ("not-started", "in-progress", "completed", "dropped")
STATUS_VALUES = ("completed", "dropped", "overdue", "due-soon", "on-track", "no-date")
REPEAT_MONTHS = {"monthly": 1, "quarterly": 3, "six-monthly": 6, "yearly": 12}


@dataclass(frozen=True)
class Lead:
    key: str
    name: str
    aliases: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Body:
    key: str
    name: str
    line: int = 0


@dataclass(frozen=True)
class Update:
    date: date
    text: str
    by: str | None = None


@dataclass(frozen=True)
class Milestone:
    due: date
    text: str = ""
    done: bool = False
    done_on: date | None = None  # when known; a milestone done after the as-at date is still open


@dataclass(frozen=True)
class Action:
    plan: str
    recommendation: str
    id: str
    text: str
    timescale: Timescale | None = None
    leads: tuple[str, ...] = ()  # canonical names, or the words as written when unknown
    lead_keys: tuple[str | None, ...] = ()  # key of each lead in plan.leads, None when unknown
    report_to: tuple[str, ...] = ()
    progress: str = "not-started"
    completed: date | None = None
    evidence: tuple[str, ...] = ()
    updates: tuple[Update, ...] = ()
    repeat: str | None = None
    reported: tuple[date, ...] = ()
    milestones: tuple[Milestone, ...] = ()  # explicit, or one per date of the timescale
    line: int = 0
    column: int = 0
    id_written: bool = False  # `id:` given in the file (else the id is its position)
    completed_source: str | None = None  # "git" when `completed` is the completing commit's date

    @property
    def ref(self) -> str:
        return f"{self.plan}:{self.id}"

    @property
    def timescale_text(self) -> str:
        return self.timescale.text if self.timescale else ""

    def latest_update(self, as_of: date | None = None) -> Update | None:
        dated = [u for u in self.updates if as_of is None or u.date <= as_of]
        return max(dated, key=lambda u: u.date) if dated else None


@dataclass(frozen=True)
class Recommendation:
    id: str
    text: str
    actions: tuple[Action, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Inspection:
    by: str | None = None
    kind: str | None = None
    published: date | None = None


@dataclass(frozen=True)
class Judgement:
    name: str
    grade: str
    line: int = 0


@dataclass(frozen=True)
class FindingArea:
    area: str
    judgements: tuple[Judgement, ...] = ()


@dataclass(frozen=True)
class Findings:
    scale: tuple[str, ...]
    areas: tuple[FindingArea, ...] = ()


@dataclass(frozen=True)
class Plan:
    id: str
    path: str
    title: str
    authority: str | None = None
    inspection: Inspection = field(default_factory=Inspection)
    version: str | None = None
    updated: date | None = None
    owner: str | None = None
    classification: str | None = None
    due_soon_days: int = 14
    leads: tuple[Lead, ...] = ()
    bodies: tuple[Body, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    findings: Findings | None = None

    @property
    def actions(self) -> Iterator[Action]:
        for rec in self.recommendations:
            yield from rec.actions

    def body_name(self, key: str) -> str:
        for body in self.bodies:
            if body.key == key:
                return body.name
        return key

"""A comparison file as data: other authorities' grades by group, national counts per grade.

Built by format/comparisons.py, analysed by core/judgements.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class Authority:
    name: str
    grades: dict[str, str]  # judgement key -> grade on the scale
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Group:
    name: str
    authorities: tuple[Authority, ...]
    line: int = 0


@dataclass(frozen=True)
class NationalCounts:
    judgement: str  # judgement key
    counts: dict[str, int]  # grade -> number of inspections, every grade on the scale
    total: int
    printed_pct: dict[str, float]  # grade -> percentage as printed in the source, when given


@dataclass(frozen=True)
class Comparison:
    path: str
    title: str
    source: str | None
    authority: str
    scale: tuple[str, ...]  # best first
    good_or_better: tuple[str, ...]  # the grades that count as good or better
    judgements: dict[str, str]  # key -> name, in file order
    authority_grades: dict[str, str]
    groups: tuple[Group, ...]
    national: tuple[NationalCounts, ...] = ()
    national_title: str | None = None
    national_period: str | None = None

    @property
    def id(self) -> str:
        return PurePath(self.path).stem

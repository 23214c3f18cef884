"""What reading git gives: commits, the plans at one of them, a plan's history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from ...core.model import Plan

if TYPE_CHECKING:
    from .repo import Repo
    from .versions import Versions


@dataclass(frozen=True)
class Commit:
    sha: str
    when: datetime  # committer date, in the committer's own zone
    author: str
    email: str
    subject: str
    reason: str | None = None  # the message's `Reason:` trailer(s), as the edit commands write

    @property
    def short(self) -> str:
        return self.sha[:7]

    @property
    def date(self) -> date:
        return self.when.date()


@dataclass(frozen=True)
class Version:
    """The plans at one commit (commit None: the working tree)."""

    commit: Commit | None
    plans: tuple[Plan, ...]
    files: tuple[tuple[str, str, str], ...] = ()  # (path in repo, blob, plan id)
    known_parent: bool = True  # False at a shallow clone's boundary: what came before is unknown

    @property
    def label(self) -> str:
        return self.commit.short if self.commit else "working tree"


@dataclass(frozen=True)
class History:
    """Every version of the plans along the first-parent line, oldest first.

    `versions` holds the first commit and each commit after it that changed
    the plans; `chain` every commit (for --since and dates).
    """

    versions: Versions
    chain: tuple[Commit, ...]
    shallow: bool
    notes: list[str] = field(default_factory=list)  # grows as `versions` is read
    repo: Repo | None = None

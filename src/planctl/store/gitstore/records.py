"""What reading git gives: commits and the plans at one of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ...core.model import Plan


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

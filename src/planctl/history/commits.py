"""A commit as the audit trail's JSON shows it (history entries, the two ends of a diff)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.model import iso

if TYPE_CHECKING:
    from ..store.gitstore import Commit


def commit_dict(c: Commit | None) -> dict[str, object]:
    """The commit's JSON fields (all null for the working tree)."""
    if c is None:
        return {"commit": None, "sha": None, "date": None, "author": None, "email": None,
                "subject": None, "reason": None}
    return {"commit": c.short, "sha": c.sha, "date": iso(c.date), "author": c.author,
            "email": c.email, "subject": c.subject, "reason": c.reason}

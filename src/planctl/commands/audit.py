"""The audit trail from git: history, slippage, diff (logic in history/ and store.gitstore)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import click

from ..core.errors import UsageError, safe_text
from ..core.timescale import date_or_none
from ..history.sharing import SharedObjects
from ..loading.settings import Settings, plan_paths
from ..store import gitstore
from .completers import complete_ids
from .options import output, output_format, pass_settings, shared_options

if TYPE_CHECKING:  # each command imports its own report, and the tables only when drawn
    from ..core.model import Plan
    from ..history.changelog import HistoryEntry
    from ..history.diff import Diff
    from ..history.slippage import SlippedAction
    from ..render import View


@dataclass
class HistoryResult:
    commits: list[HistoryEntry]  # newest first
    since: str | None
    shallow: bool
    shape: ClassVar[str] = "view"

    def data(self) -> dict[str, object]:
        return {"since": self.since, "shallow": self.shallow,
                "commits": [c.as_dict() for c in self.commits]}

    def view(self) -> View:
        from ..render.history_views import history_view

        return history_view(self.commits)


@dataclass
class SlippageResult:
    actions: list[SlippedAction]  # most days slipped first
    since: str | None
    shallow: bool
    shape: ClassVar[str] = "view"

    def data(self) -> dict[str, object]:
        return {"since": self.since, "shallow": self.shallow,
                "actions": [a.as_dict() for a in self.actions]}

    def view(self) -> View:
        from ..render.history_views import slippage_view

        return slippage_view(self.actions, self.since)


@dataclass
class DiffResult:
    diff: Diff
    shape: ClassVar[str] = "view"

    def data(self) -> dict[str, object]:
        return self.diff.as_dict()

    def view(self) -> View:
        from ..render.history_views import diff_view

        return diff_view(self.diff)


def _history(s: Settings, with_tree_note: bool = True) -> gitstore.History:
    """The plans' history to HEAD (or to --as-of REV); `_notes` writes its notes to stderr
    once its versions have been read."""
    paths = plan_paths(s)
    rev = s.as_of
    if rev and date_or_none(rev) is not None:
        raise UsageError("--as-of takes a revision here (a tag, branch or commit), not a date; "
                         "use --since for dates")
    found = gitstore.plan_versions(paths, rev or "HEAD", share=SharedObjects())
    if with_tree_note and not rev and gitstore.working_tree_differs(paths):
        click.echo("note: the working tree differs from HEAD (uncommitted changes to the plans); "
                   "only commits are shown: commit them to include them", err=True)
    return found


def _notes(found: gitstore.History) -> None:
    for note in found.notes:
        click.echo(note, err=True)


_SINCE = click.option("--since", metavar="DATE|REV",
                      help="Only changes after this revision (e.g. a committee tag), or on or "
                           "after this date; `last` (or `last:BODY`): the latest meeting tag "
                           "before today or --today (see `meeting`).")


def _since(s: Settings, since: str | None) -> str | None:
    """--since as given; `last` / `last:BODY` is the latest meeting tag (as report and diff
    read it; the same error when there is none)."""
    if not gitstore.is_last(since):
        return since
    from ..loading.asat import as_at
    from .meeting import since_meeting

    paths = plan_paths(s)
    return since_meeting(since, as_at(s, None, paths).day, paths, _bodies_of(s, since))


def _bodies_of(s: Settings, spec: str | None) -> tuple[Plan, ...]:
    """The plans, for `last:BODY` to name a body by its name as `meeting --body` does (read
    only then, errors allowed: the body's name is all that is wanted of them)."""
    if spec is None or not spec.partition(":")[2].strip():
        return ()
    from ..loading.plans import open_plans

    return tuple(open_plans(s, allow_errors=True, dates_from_git=False, judge=False).plans)


@click.command()
@shared_options
@click.argument("ref", metavar="[ID]", required=False, shell_complete=complete_ids)
@_SINCE
@pass_settings
def history(s: Settings, ref: str | None, since: str | None) -> None:
    """Each commit's changes to the plans: who changed which field of which action.

    Newest first: date, short hash, author and subject, then for each action
    every field that changed (status, due, lead, text, evidence, updates ...)
    as old -> new. ID limits it to one action (3.1, PLAN:3.1) or one
    recommendation's actions (3). Renamed plan files are followed.

    \b
    Examples:
      planctl history
      planctl history 3.1
      planctl history --since committee-2012-09 --format markdown
      planctl history --since last                # since the last committee meeting
      planctl history --format json | jq '.commits[0]'
    """
    from ..history.changelog import history as history_of

    fmt = output_format(s)
    since = _since(s, since)
    found = _history(s)
    start = gitstore.since_position(found, since)
    entries = history_of(found.versions, start, ref)
    _notes(found)
    output(HistoryResult(entries, since, found.shallow), fmt, s)


@click.command()
@shared_options
@_SINCE
@pass_settings
def slippage(s: Settings, since: str | None) -> None:
    """Actions whose deadline moved later, most days slipped first.

    For each: the first committed due date (or the one at --since), the
    current one, days slipped, the number of moves, and each move's date,
    author, commit and message (the reason given).

    \b
    Examples:
      planctl slippage
      planctl slippage --since committee-2012-09
      planctl slippage --since last:lscb          # since the LSCB's last meeting
      planctl slippage --format json | jq '.actions[] | {id, days_slipped}'
    """
    from ..history.slippage import slippage as slippage_of

    fmt = output_format(s)
    since = _since(s, since)
    found = _history(s)
    actions = slippage_of(found.versions, gitstore.since_position(found, since))
    _notes(found)
    output(SlippageResult(actions, since, found.shallow), fmt, s)


@click.command()
@shared_options
@click.argument("rev", metavar="REV|DATE")
@click.argument("rev2", metavar="[REV2|DATE]", required=False)
@pass_settings
def diff(s: Settings, rev: str, rev2: str | None) -> None:
    """What changed in the plans between two revisions or dates (REV2 default: the working
    tree; a DATE is the last commit on or before it, as with --as-of; REV `last` or
    `last:BODY` is the latest meeting tag dated before today or --today: see `meeting`).

    Actions added, removed, completed, dropped, reopened, with other progress,
    rescheduled, reassigned, and any other change. Typical use: one tag per
    committee meeting, and "what changed since the last meeting".

    \b
    Examples:
      planctl diff committee-2012-09 committee-2012-10
      planctl diff committee-2012-10              # to the working tree
      planctl diff last                           # since the last committee meeting
      planctl diff last:lscb --today 2012-11-01   # since the LSCB's last meeting before it
      planctl diff 2012-09-01 2012-10-09          # the last commits on or before those days
      planctl diff HEAD~5 HEAD --format markdown > changes.md
      planctl diff committee-2012-09 --format json | jq '.rescheduled'
    """
    from ..history.diff import diff as diff_of
    from ..history.span import steps_between

    fmt = output_format(s)
    paths = plan_paths(s)
    if gitstore.is_last(rev):
        from ..loading.asat import as_at
        from .meeting import since_meeting

        rev = since_meeting(rev, as_at(s, None, paths).day, paths, _bodies_of(s, rev)) or rev
    old, new, between, notes = gitstore.span(paths, rev, rev2)
    steps = steps_between(between) if between is not None else None
    result = diff_of(old, new, rev, rev2 or "working tree", steps)
    for note in [*notes, *result.notes()]:
        click.echo(safe_text(note), err=True)
    output(DiffResult(result), fmt, s)

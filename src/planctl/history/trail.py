"""The audit trail read from git for the committee report: what changed since a
revision, and the plans' figures over time.

The git side of the report: store.gitstore reads the versions, history.diff and
history.timeline compare and count them, and render.report lays the result out (it never
runs git).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from pathlib import Path

from ..core.errors import GitError
from ..core.evaluate import evaluate, summarise
from ..core.model import Plan
from ..core.timescale import date_or_none
from ..store.gitstore import Commit, Version, plan_versions, span
from ..store.gitstore.meetings import MeetingTag, meeting_tags
from .diff import Diff, diff
from .sharing import SharedObjects
from .slippage import slippage
from .span import steps_between
from .timeline import TimelinePoint
from .timeline import timeline as counts
from .trends import Meeting, Trends, TrendsBuilder


@dataclass(frozen=True)
class Since:
    """The plans at --since REV, and the diff of them against the plans reported."""

    rev: str
    commit: Commit | None  # None when REV is a date read through load_as_of
    old_plans: tuple[Plan, ...]
    diff: Diff


def since(paths: Sequence[Path], rev: str, plans: Sequence[Plan]) -> Since:
    """What changed in the plans since `rev` (a revision, or a date: its last commit).

    The other side is `plans` as reported (so --plan and --as-of are respected).
    """
    ids = {p.id for p in plans}
    old, _, between, _ = span(paths, rev)  # to the working tree: the commits, then the files
    commit = old.commit if date_or_none(rev) is None else None
    old_plans = tuple(p for p in old.plans if p.id in ids)
    # The reasons come from every commit since rev (each move its own); the comparison is
    # with the plans reported (so --plan and --as-of are respected).
    steps = steps_between(between) if between is not None else None
    result = diff(Version(commit, old_plans), Version(None, tuple(plans)), rev, "now", steps)
    return Since(rev, commit, old_plans, result)


def timeline(paths: Sequence[Path], plans: Sequence[Plan],
             today: date) -> list[dict[str, object]] | None:
    """Counts of open / completed / overdue actions at each commit that changed the plans, and
    at `today`; None when the plans are not in git (the chart is then left out).

    The last point is always `today` with the report's own plans (the working tree, or the
    revision --as-of read), so the chart ends on the summary's figures.
    """
    return timeline_and_trends(paths, plans, today, with_trends=False)[0]


def timeline_and_trends(paths: Sequence[Path], plans: Sequence[Plan], today: date,
                        with_trends: bool = True
                        ) -> tuple[list[dict[str, object]] | None, Trends | None, list[str]]:
    """The timeline (above) and the trends (history.trends) in one pass over the history:
    each version is read from git once and given to both; and the warnings about meeting
    tags the trends met (meetings_seen). (None, None, []) outside git."""
    try:
        history = plan_versions(paths, share=SharedObjects())
        tags = meeting_tags(paths) if with_trends else []
    except GitError:
        return None, None, []
    ids = {p.id for p in plans}
    versions: Iterable[Version] = (Version(v.commit, tuple(p for p in v.plans if p.id in ids))
                                   for v in history.versions)
    builder: TrendsBuilder | None = None
    warnings: list[str] = []
    if with_trends:
        meetings, warnings = meetings_seen(tags, history.chain, today)
        builder = TrendsBuilder(today, meetings, history.chain)
        versions = _fed(versions, builder)
    # --today or --as-of in the past: the future is not known yet
    points = [p for p in counts(versions) if p.date < today]
    rows = evaluate(plans, today)
    points.append(TimelinePoint(today, None, summarise(rows), sum(1 for r in rows if r.open)))
    trends = builder.finish(plans) if builder else None
    return [p.as_dict(day=_as_is) for p in points], trends, warnings


def meetings_seen(tags: Sequence[MeetingTag], chain: Sequence[Commit], today: date
                  ) -> tuple[list[Meeting], list[str]]:
    """The meetings the trends stop at, each at the plans it saw (MeetingTag.seen_at), and a
    warning for each tag before `today` on a commit made after its meeting: the trends show
    the plans of the last commit on or before the meeting instead, and say so."""
    meetings, warnings = [], []
    for tag in tags:
        sha = tag.seen_at(chain)
        if sha is not None:
            meetings.append(Meeting(tag.day, tag.name, sha))
        if tag.after_meeting and tag.day < today:
            shown = (f"the trends show the plans of {sha[:7]}, the last commit on or before "
                     "the meeting" if sha is not None else
                     "the trends leave the meeting out: no commit of the plans is that early")
            warnings.append(f"{tag.disagreement()}; {shown}")
    return meetings, warnings


def _fed(versions: Iterable[Version], builder: TrendsBuilder) -> Iterator[Version]:
    """The versions, each given to the trends as it passes to the timeline."""
    for v in versions:
        builder.add(v)
        yield v


def slipped(paths: Sequence[Path], plans: Sequence[Plan], today: date) -> dict[str, int] | None:
    """For each plan reported, how many of its actions had their deadline moved later (as
    `slippage` counts them: commits on or before `today`, then the plans as reported); None
    when the plans are not in git (the roll-up then says it does not know)."""
    ids = {p.id for p in plans}
    try:
        history = plan_versions(paths, share=SharedObjects())
        versions = (Version(v.commit, tuple(p for p in v.plans if p.id in ids))
                    for v in history.versions if v.commit is None or v.commit.date <= today)
        moved = slippage(chain(versions, [Version(None, tuple(plans))]))
    except GitError:
        return None
    out: dict[str, int] = {}
    for action in moved:
        if not action.removed:
            out[action.plan] = out.get(action.plan, 0) + 1
    return out


def _as_is(day: date) -> date:
    """The report keeps dates as `date`s (its JSON writes them)."""
    return day

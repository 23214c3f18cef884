"""meeting and meetings: committee meetings recorded as git tags (store/gitstore/meetings.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from ..core.errors import GitError, UsageError, safe_text
from ..core.evaluate import evaluate, summarise
from ..core.model import Plan, evolve
from ..core.timescale import TimescaleError, parse_day
from ..loading.asat import as_at
from ..loading.plans import open_plans
from ..loading.settings import Settings, plan_paths
from ..store.gitstore import meetings as tags
from ..store.gitstore import working_tree_differs
from .options import output, output_format, pass_settings, shared_options

if TYPE_CHECKING:
    from ..render import View


def _day(written: str, what: str) -> date:
    try:
        return parse_day(written)
    except TimescaleError as exc:
        raise UsageError(f"{what}: {exc}") from None


def _body_key(body: str | None, plans: tuple[Plan, ...]) -> tuple[str | None, str | None]:
    """The body's key (a plan's body matched by key or name, any case), and a note when it is
    not one of the plans' bodies (tagged as written: a board the plans do not list yet)."""
    if body is None:
        return None, None
    wanted = body.strip().casefold()
    known = {b.key: b for p in plans for b in p.bodies}
    for b in known.values():
        if wanted in (b.key.casefold(), b.name.casefold()):
            return b.key, None
    listed = f" ({', '.join(sorted(known))})" if known else " (the plans list none)"
    return body, safe_text(f"note: {body!r} is not one of the plans' bodies{listed}; the tag "
                           "is named from it as written", one_line=True)


def _summary(s: Settings, day: date) -> tuple[str, tuple[Plan, ...]]:
    """The summary line `status --as-of DAY --today DAY` prints: the plans as committed on or
    before the meeting, judged at it (completion dates from git as they stood then)."""
    from ..render.views import summary_line

    asked = evolve(s, as_of=day.isoformat(), today=None)
    loaded = open_plans(asked, dates_from_git=True, judge=False)
    return summary_line(summarise(evaluate(loaded.plans, day)), day), loaded.plans


@click.command()
@shared_options
@click.argument("written_day", metavar="DATE")
@click.option("--body", metavar="NAME",
              help="The board that met (a body's key or name, e.g. LSCB): the tag is "
                   "BODY-YYYY-MM-DD instead of committee-YYYY-MM-DD.")
@click.option("--force", is_flag=True,
              help="Move a meeting tag of that name that already exists.")
@click.option("--dry-run", is_flag=True, help="Say what would be tagged; tag nothing.")
@pass_settings
def meeting(s: Settings, written_day: str, body: str | None, force: bool, dry_run: bool) -> None:
    """Record a committee meeting: an annotated git tag on the plans as they stood then.

    The tag is committee-YYYY-MM-DD (with --body LSCB: lscb-YYYY-MM-DD), on the
    last commit on or before the end of DATE (as --as-of DATE reads it), dated
    DATE, and its message holds the summary line `status --as-of DATE --today
    DATE` prints. Refused: a date in the future, a month without its day, no
    commit on or before DATE, a tag of that name already there (--force moves
    it), plans not in git. Then
    `report --since last` and `diff last` start from the latest meeting; push
    the tags with `git push --follow-tags`.

    \b
    Examples:
      planctl meeting 2012-10-09
      planctl meeting 2012-10-09 --dry-run
      planctl meeting 2012-10-23 --body LSCB
      planctl meeting 2012-10-09 --force            # move the tag to the commit now chosen
      git push --follow-tags
    """
    if s.as_of:
        raise UsageError("meeting reads the plans as they stood on DATE; --as-of does not apply")
    day = _day(written_day, "DATE")
    today = as_at(s, None).day
    if day > today:
        raise UsageError(f"{day.isoformat()} is after today ({today.isoformat()}): record a "
                         "meeting once it has happened")
    paths = plan_paths(s)
    repo, commit, tip = tags.meeting_commit(paths, day)
    summary, plans = _summary(s, day)
    key, note = _body_key(body, plans)
    name = tags.tag_name(day, key)
    tags.check_tag_name(repo, name)
    there = tags.existing_tag(repo, name)
    if there is not None and not force:
        raise GitError(f"tag {name} already exists (on {there[:7]}); give --force to move it, "
                       "or another date or --body")
    if note:
        click.echo(note, err=True)
    if tip and working_tree_differs(paths):
        click.echo(f"note: the plans have uncommitted changes; the tag records the last commit "
                   f"({commit.short}) without them", err=True)
    label = "Committee" if key is None else key
    message = f"{label} meeting on {day.isoformat()}\n\n{summary}\n"
    verb = "would tag" if dry_run else ("moved tag" if there is not None else "tagged")
    click.echo(safe_text(f"{verb} {name} on {commit.short} ({commit.when:%Y-%m-%d %H:%M %z}: "
                         f"{commit.subject}), dated {day.isoformat()}"))
    click.echo(safe_text(f"  {summary}"))
    if dry_run:
        return
    tags.check_identity(repo)
    tags.make_tag(repo, name, commit.sha, day, message, force=there is not None)
    click.echo(f"share it: git push origin {name}   (or: git push --follow-tags)", err=True)


@dataclass
class MeetingsResult:
    meetings: list[tags.MeetingTag]  # newest first
    shape: ClassVar[str] = "view"

    def data(self) -> dict[str, object]:
        return {"meetings": [m.as_dict() for m in self.meetings]}

    def view(self) -> View:
        from ..render import Column, Section, View
        from ..render.views import show_date

        section = Section(None, [Column("Tag"), Column("Date"), Column("Commit"),
                                 Column("Summary", wrap=1)])
        for m in self.meetings:
            section.add([m.name, show_date(m.day), m.short, m.summary])
        return View([section], summary=f"{len(self.meetings)} meeting tag"
                    f"{'' if len(self.meetings) == 1 else 's'}",
                    empty="No meeting tags (record one with 'planctl meeting DATE'; tags made "
                          "elsewhere: 'git fetch --tags').")


@click.command()
@shared_options
@click.option("--body", metavar="NAME", help="Only this body's meetings (as meeting --body).")
@pass_settings
def meetings(s: Settings, body: str | None) -> None:
    """The meeting tags, newest first: tag, date, commit and the plans' summary then.

    A meeting tag is a tag named SLUG-YYYY-MM-DD (as `planctl meeting` makes
    them); the date is the one in its name. A tag (made by hand) on a commit
    made after that date, or tagged on another day, is listed with a warning
    naming it; `--since last` refuses the first.

    \b
    Examples:
      planctl meetings
      planctl meetings --body LSCB
      planctl meetings --format json | jq '.meetings[0]'
    """
    fmt = output_format(s)
    found = tags.meeting_tags(plan_paths(s))
    if body is not None:
        slug = tags.body_slug(body)
        found = [m for m in found if m.body == slug]
    _warn_disagreeing(found)
    output(MeetingsResult(found), fmt, s)


def since_meeting(spec: str | None, day: date, paths: list[Path],
                  plans: tuple[Plan, ...] = ()) -> str | None:
    """`last` / `last:BODY` (report --since, diff's first end): the latest meeting tag dated
    before `day`, said on stderr; any other spec as it is. BODY is a body's key or name,
    as `meeting --body` takes it."""
    if not tags.is_last(spec):
        return spec
    assert spec is not None  # is_last
    body = spec.partition(":")[2]
    key = _body_key(body, plans)[0] if body.strip() else None
    found = tags.last_meeting(paths, day, f"last:{key}" if key else spec)
    click.echo(safe_text(f"note: {spec} is {found.name} (the latest meeting before "
                         f"{day.isoformat()}, on commit {found.short})", one_line=True), err=True)
    _warn_disagreeing([found])
    return found.name


def _warn_disagreeing(found: list[tags.MeetingTag]) -> None:
    """A warning on stderr for each tag whose dates disagree with the meeting in its name."""
    for m in found:
        why = m.disagreement()
        if why is not None:
            click.echo(f"planctl: warning: {safe_text(why, one_line=True)}", err=True)

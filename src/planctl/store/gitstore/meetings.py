"""Committee meetings as git tags: `committee-YYYY-MM-DD` (or `BODY-YYYY-MM-DD`), each an
annotated tag on the last commit on or before the meeting, dated the meeting, with the
plans' summary as it stood then in its message.

A meeting tag is any tag whose name is a slug, a dash and a real date; the date in the
name is the meeting's (a tag made by hand may have been made days later: its tagger date
is kept apart, as `tagged`). A tag whose dates disagree with its name is never used
silently: `disagreement` says how (a tag on a commit made after the meeting is refused
where it would pick the commit `--since last` starts from).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ...core.errors import GitError, UsageError
from .lineage import walk
from .records import Commit
from .repo import Repo, open_repo
from .revisions import _on_or_before
from .runner import git

DEFAULT_BODY = "committee"
FETCH_HINT = ("the meeting tags may not have been fetched (a shallow CI checkout, or tags not "
              "pushed): fetch them with 'git fetch --tags' (and push them with "
              "'git push --follow-tags')")
_NAME = re.compile(r"(?P<body>[a-z0-9]+(?:-[a-z0-9]+)*?)-(?P<day>\d{4}-\d\d-\d\d)")
_MAX_TAGS = 100_000  # for-each-ref's --count: bounded, far above any council's meetings


@dataclass(frozen=True)
class MeetingTag:
    name: str
    body: str  # the slug in the name ("committee" by default)
    day: date  # the meeting's date, from the name
    commit: str  # the full id of the commit tagged
    tagged: date | None  # an annotated tag's own date (None: a lightweight tag)
    summary: str  # the message's summary line ("" for a lightweight tag)
    committed: date | None = None  # the tagged commit's date, in its committer's zone

    @property
    def after_meeting(self) -> bool:
        """Whether the commit tagged was made after the meeting in the name: the plans it
        holds are not those the meeting saw (`planctl meeting` tags the last commit on or
        before the day, by the same reckoning)."""
        return self.committed is not None and self.committed > self.day

    def disagreement(self) -> str | None:
        """What a careful reader would ask of a tag (made by hand) whose dates disagree with
        the meeting date in its name, naming the tag and what to do; None when they agree."""
        day = self.day.isoformat()
        if self.after_meeting:
            assert self.committed is not None
            body = f" --body {self.body}" if self.body != DEFAULT_BODY else ""
            return (f"tag {self.name} names the meeting of {day} but is on commit {self.short} "
                    f"made on {self.committed.isoformat()}, after it: the plans it holds are "
                    f"not those the meeting saw; move it to the last commit on or before the "
                    f"meeting with 'planctl meeting {day}{body} --force'")
        if self.tagged is not None and self.tagged != self.day:
            return (f"tag {self.name} names the meeting of {day} but was tagged on "
                    f"{self.tagged.isoformat()}: planctl takes the meeting's date from the "
                    f"name, while --as-of {self.name} judges as at the tag's own date; give "
                    f"--as-of {day} to judge as at the meeting")
        return None

    def seen_at(self, chain: Sequence[Commit]) -> str | None:
        """The commit whose plans the meeting saw: the one tagged or, for a tag on a commit
        made after the meeting, the last commit of `chain` (the first-parent line, oldest
        first) on or before the meeting, the one `planctl meeting` tags; None when the plans
        have no commit that early."""
        if not self.after_meeting:
            return self.commit
        for commit in reversed(chain):
            if commit.date <= self.day:
                return commit.sha
        return None

    @property
    def short(self) -> str:
        return self.commit[:7]

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "body": self.body, "date": self.day.isoformat(),
                "commit": self.commit, "tagged": self.tagged.isoformat() if self.tagged else None,
                "summary": self.summary,
                "committed": self.committed.isoformat() if self.committed else None,
                "warning": self.disagreement()}


MAX_BODY_SLUG = 80


def body_slug(body: str | None) -> str:
    """A body's key as it goes into a tag name: ASCII letters and digits, lower case (refs
    that differ only in case collide on Windows and macOS), runs of anything else one dash."""
    if body is None:
        return DEFAULT_BODY
    ascii_text = unicodedata.normalize("NFKD", body).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        raise UsageError(f"--body {body!r} has no letters or digits to name a tag with")
    if len(slug) > MAX_BODY_SLUG:  # a ref is a file name: 255 bytes at most on most discs
        raise UsageError(f"--body names a tag of {len(slug):,} characters, more than "
                         f"{MAX_BODY_SLUG}; give the body's key (e.g. LSCB)")
    return slug


def tag_name(day: date, body: str | None = None) -> str:
    return f"{body_slug(body)}-{day.isoformat()}"


def _repo(paths: Sequence[Path], revs: Sequence[str] = ()) -> tuple[Repo, list[str]]:
    try:
        return open_repo(paths, revs)
    except GitError as exc:
        if "not in a git repository" in str(exc):
            raise GitError(f"the plans ({', '.join(map(str, paths))}) are not in a git "
                           "repository: meetings are recorded as git tags; 'git init' and "
                           "commit the plans first") from None
        raise


def check_tag_name(repo: Repo, name: str) -> None:
    """git's own rule for a ref name, asked of git."""
    try:
        git(["check-ref-format", f"refs/tags/{name}"], repo.cwd)
    except GitError:
        raise UsageError(f"{name!r} is not a valid git tag name") from None


def meeting_commit(paths: Sequence[Path], day: date) -> tuple[Repo, Commit, bool]:
    """The last commit on HEAD's first-parent line on or before the end of `day` (its
    committer date, in the committer's zone, as --as-of reads dates), and whether it is HEAD."""
    repo, (head,) = _repo(paths, ["HEAD"])
    found = walk(repo, head)
    i = _on_or_before(repo, found, day)
    return repo, found.chain[i], i == len(found.chain) - 1


def existing_tag(repo: Repo, name: str) -> str | None:
    """The commit a tag of that name points to (any kind of tag), or None."""
    out = git(["for-each-ref", "--format=%(objectname)%00%(*objectname)", f"refs/tags/{name}"],
              repo.cwd).decode("ascii", "replace")
    for line in out.splitlines():
        obj, _, peeled = line.partition("\0")
        return peeled or obj
    return None


def check_identity(repo: Repo) -> None:
    try:
        git(["var", "GIT_COMMITTER_IDENT"], repo.cwd, needs="it is needed to tag a meeting")
    except GitError:
        raise GitError("git does not know who you are; set user.name and user.email "
                       "('git config user.name ...'); no tag was made") from None


def make_tag(repo: Repo, name: str, commit: str, day: date, message: str,
             force: bool = False) -> None:
    """An annotated tag dated the meeting. Noon UTC: the same calendar day in every zone
    from -12:00 to +11:59, so whoever reads it reads the meeting's date."""
    stamp = f"{day.isoformat()}T12:00:00+0000"
    args = ["tag", "-a", *(["-f"] if force else []), "-F", "-", "--cleanup=verbatim", name, commit]
    git(args, repo.cwd, message.encode("utf-8"), needs="it is needed to tag a meeting",
        env={"GIT_COMMITTER_DATE": stamp})


def _tag_date(stamp: str) -> date | None:
    try:
        return datetime.fromisoformat(stamp).date() if stamp else None
    except ValueError:
        return None


def _summary(subject: str, body: str) -> str:
    """The summary line planctl writes (the first line of the body); a tag made by hand
    with a one-line message: that line."""
    for line in body.splitlines():
        if line.strip():
            return line.strip()
    return subject.strip()


def _parse(record: str) -> MeetingTag | None:
    fields = record.lstrip("\n").split("\x1f", 7)
    if len(fields) != 8:
        return None
    name, kind, obj, peeled, stamp, committed, peeled_committed, text = fields
    found = _NAME.fullmatch(name)
    if found is None:
        return None
    try:
        day = date.fromisoformat(found["day"])
    except ValueError:
        return None
    commit = peeled if kind == "tag" else obj
    subject, _, body = text.partition("\n")
    annotated = kind == "tag"
    return MeetingTag(name, found["body"], day, commit, _tag_date(stamp) if annotated else None,
                      _summary(subject, body) if annotated else "",
                      _tag_date(peeled_committed if annotated else committed))


def meeting_tags(paths: Sequence[Path]) -> list[MeetingTag]:
    """Every meeting tag of the plans' repository pointing at a commit, newest meeting first
    (then by name)."""
    repo, _ = _repo(paths)
    fmt = ("%(refname:strip=2)%1f%(objecttype)%1f%(objectname)%1f%(*objectname)%1f"
           "%(taggerdate:iso-strict)%1f%(committerdate:iso-strict)%1f"
           "%(*committerdate:iso-strict)%1f%(contents)%00")
    out = git(["for-each-ref", f"--count={_MAX_TAGS}", f"--format={fmt}", "refs/tags"], repo.cwd)
    tags = []
    for record in out.decode("utf-8", "replace").split("\0"):
        tag = _parse(record)
        if tag is not None and tag.commit:
            tags.append(tag)
    commits = _commits(repo, {t.commit for t in tags})
    tags = [t for t in tags if t.commit in commits]
    return sorted(tags, key=lambda t: (-t.day.toordinal(), t.name))


def _commits(repo: Repo, objects: set[str]) -> set[str]:
    """Which of these objects are commits (a tag may point at a tree or a blob)."""
    if not objects:
        return set()
    order = sorted(objects)
    out = git(["cat-file", "--batch-check=%(objectname) %(objecttype)"], repo.cwd,
              ("\n".join(order) + "\n").encode())
    return {line.split()[0] for line in out.decode("ascii", "replace").splitlines()
            if line.endswith(" commit")}


def last_meeting(paths: Sequence[Path], before: date, spec: str) -> MeetingTag:
    """`last` or `last:BODY`: the latest meeting of that body dated before `before`."""
    _, _, body = spec.partition(":")
    if spec != "last" and not body:
        raise UsageError(f"{spec!r}: say which body after 'last:', e.g. last:lscb")
    slug = body_slug(body or None)
    tags = meeting_tags(paths)
    for tag in tags:
        if tag.body == slug and tag.day < before:
            if tag.after_meeting:  # "since the meeting" would start after it: refused
                raise GitError(f"{spec}: {tag.disagreement()}; or give --since a date or "
                               "the commit the meeting saw")
            return tag
    others = sorted({t.body for t in tags})
    known = f" (meeting tags here: {', '.join(others)})" if others and slug not in others else ""
    raise GitError(f"{spec}: no meeting tag {slug}-YYYY-MM-DD dated before "
                   f"{before.isoformat()}{known}; {FETCH_HINT}")


def is_last(spec: str | None) -> bool:
    return spec is not None and (spec == "last" or spec.startswith("last:"))

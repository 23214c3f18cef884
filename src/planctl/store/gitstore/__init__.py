"""The plans as committed in git: any revision, any date, every version.

Whatever the length of the history, a command costs a constant number of git
processes: one `rev-parse` (repository, shallow, revisions), one `git log
--first-parent --raw -z` over every YAML file (renames are followed here, from the
raw diff), one `git cat-file --batch` for all the blobs, and for history/slippage
one `git status` (to say the working tree differs). History follows the
first-parent line of HEAD: a merge counts as one change, made by whoever merged
it. That is the line a committee sees on main.

The package imports its modules when a name is first asked for (PEP 562's module
`__getattr__`): a past `--today` needs `repo` and `commits` only, and the rest
(`revisions` reads plans with the YAML reader) would cost it 50 ms of imports.

Modules, one idea each: runner (the only one that starts git), repo (the
repository, plan paths, revisions), log (git log parsed), lineage (files followed
through renames), versions (every version, streamed through the parse cache),
revisions (one revision or date: --as-of, diff, --since), commits (the working
tree, `--commit`, `init`), records (Commit, Version, History).

Public interface (also used by the report command):
- `plan_versions(paths, rev="HEAD", share=None) -> History`: every version (streamed).
- `resume_versions(paths, rev, since: Resume | None) -> Newer`: the versions after where an
  earlier walk stopped (completion dates kept in the cache), or all of them.
- `commits_on_both_sides(paths, day)`: for the --today note.
- `load_at(paths, rev)`, `load_as_of(paths, spec) -> LoadResult`.
- `as_of_date(spec, paths) -> date`: the date --as-of judges statuses at (`as_of_when`: and
  what it is: an annotated tag's own date, else the commit date).
- `pair(paths, rev1, rev2=None) -> (Version, Version)`: for diff (None: working tree);
  `span(...)` also gives every version between them (the reasons of each move).
- `since_position(history, spec) -> int`: where `--since DATE|REV` starts.
- `working_tree_differs(paths)`: a plan file has uncommitted changes.
- `check_can_commit(path)`, `commit_file(path, subject, body)`: `--commit` on edits.
- `init_repo(path)`: `planctl init`.
- meetings: `meeting_commit`, `make_tag`, `meeting_tags`, `last_meeting` (`meeting`,
  `meetings`, `--since last`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .commits import check_can_commit, commit_file, commits_on_both_sides, init_repo, working_tree_differs
    from .meetings import MeetingTag, is_last, last_meeting, meeting_tags
    from .records import Commit, Version
    from .repo import Repo, open_repo
    from .revisions import as_of_date, as_of_when, load_as_of, load_at, pair, since_position, span
    from .runner import literal
    from .versions import History, Newer, Resume, Versions, plan_versions, resume_versions

# name -> the module that defines it
_WHERE = {
    **dict.fromkeys(("check_can_commit", "commit_file", "commits_on_both_sides", "init_repo",
                     "working_tree_differs"), "commits"),
    **dict.fromkeys(("MeetingTag", "is_last", "last_meeting", "meeting_tags"), "meetings"),
    **dict.fromkeys(("Commit", "Version"), "records"),
    **dict.fromkeys(("Repo", "open_repo"), "repo"),
    **dict.fromkeys(("as_of_date", "as_of_when", "load_as_of", "load_at", "pair",
                     "since_position", "span"), "revisions"),
    "literal": "runner",
    **dict.fromkeys(("History", "Newer", "Resume", "Versions", "plan_versions",
                     "resume_versions"), "versions"),
}


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # asked once: later lookups find it without this function
    return value


__all__ = ["Commit", "History", "MeetingTag", "Newer", "Repo", "Resume", "Version", "Versions",
           "as_of_date", "as_of_when", "check_can_commit", "commit_file", "commits_on_both_sides",
           "init_repo", "is_last", "last_meeting", "literal", "load_as_of", "load_at",
           "meeting_tags", "open_repo", "pair", "plan_versions", "resume_versions",
           "since_position", "span", "working_tree_differs"]

"""The plans as committed in git: any revision, any date, every version.

Whatever the length of the history, a command costs a constant number of git
processes: one `rev-parse` (repository, shallow, revisions), one `git log
--first-parent --raw -z` over every YAML file (renames are followed here, from the
raw diff), one `git cat-file --batch` for all the blobs, and for history/slippage
one `git status` (to say the working tree differs). History follows the
first-parent line of HEAD: a merge counts as one change, made by whoever merged
it. That is the line a committee sees on main.

Modules, one idea each: runner (the only one that starts git), repo (the
repository, plan paths, revisions), log (git log parsed), lineage (files followed
through renames), versions (every version, streamed through the parse cache),
revisions (one revision or date: --as-of, diff, --since), commits (the working
tree, `--commit`, `init`), records (Commit, Version, History).

Public interface (also used by the report command):
- `plan_versions(paths, rev="HEAD", share=None) -> History`: every version (streamed).
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

from .commits import check_can_commit, commit_file, commits_on_both_sides, init_repo, working_tree_differs
from .meetings import MeetingTag, is_last, last_meeting, meeting_tags
from .records import Commit, Version
from .repo import Repo, open_repo
from .revisions import as_of_date, as_of_when, load_as_of, load_at, pair, since_position, span
from .runner import literal
from .versions import History, Versions, plan_versions

__all__ = ["Commit", "History", "MeetingTag", "Repo", "Version", "Versions", "as_of_date",
           "as_of_when", "check_can_commit", "commit_file", "commits_on_both_sides", "init_repo",
           "is_last", "last_meeting", "literal", "load_as_of", "load_at", "meeting_tags",
           "open_repo", "pair", "plan_versions", "since_position", "span", "working_tree_differs"]

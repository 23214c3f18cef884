"""`git log` of the plans: the first-parent chain, with each commit's raw changes."""

from __future__ import annotations

from datetime import datetime

from .records import Commit
from .repo import Repo
from .runner import YAML_PATHSPECS, git

_FIELD, _RECORD = "\x1f", "\x1e"
# The subject, then each `Reason:` trailer's value (joined by "; "): why the change was made.
_LOG_FORMAT = (f"--format={_RECORD}%H{_FIELD}%cI{_FIELD}%aN{_FIELD}%aE{_FIELD}%s{_FIELD}"
               "%(trailers:key=Reason,valueonly,unfold,separator=; )")

# (status letter, blob, paths: one, or two for a rename or copy)
Change = tuple[str, str, list[str]]


def parse_log(out: bytes) -> list[tuple[Commit, list[Change]]]:
    """[(commit, [(status, blob, paths)])] newest first."""
    tokens = out.decode("utf-8", "surrogateescape").split("\0")
    commits: list[tuple[Commit, list[Change]]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip("\n")
        i += 1
        if token.startswith(_RECORD):
            sha, when, author, email, rest = token[1:].split(_FIELD, 4)
            subject, _, reason = rest.rpartition(_FIELD)
            commit = Commit(sha, datetime.fromisoformat(when), author, email, subject,
                            " ".join(reason.split()) or None)
            commits.append((commit, []))
        elif token.startswith(":") and commits:
            meta = token[1:].split()
            status = meta[4]
            count = 2 if status[0] in "RC" else 1
            commits[-1][1].append((status[0], meta[3], tokens[i:i + count]))
            i += count
    return commits


def first_parent_log(repo: Repo, tip: str) -> list[tuple[Commit, list[Change]]]:
    """Every commit on the first-parent line of `tip`, newest first, with its YAML changes
    (renames found by git: -M)."""
    args = ["log", "--first-parent", "-m", "--sparse", "-z", "--raw", "--no-abbrev", "-M",
            "--no-color", "--no-show-signature", "--encoding=UTF-8", _LOG_FORMAT, tip, "--",
            *YAML_PATHSPECS]
    return parse_log(git(args, repo.cwd))

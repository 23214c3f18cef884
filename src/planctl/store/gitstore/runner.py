"""The one module that starts git: every git process of planctl is started here.

`git` runs one command and returns its output (or GitError with git's first line
of complaint); `BlobReader` keeps one `git cat-file --batch` for a stream of
blobs; `cat_blobs` reads a known set of blobs in one process. Each pathspec
handed to git says how it is to be read (`literal`), and the environment
variables that would change what pathspecs mean are left out.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from ...core.errors import GitError

YAML_PATHSPECS = (":(top,glob)**/*.yaml", ":(top,glob)**/*.yml")
WHOLE_TREE = ":(top)"

# Settings that change what every pathspec means: planctl says what it means in each one.
_PATHSPEC_ENV = ("GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS",
                 "GIT_ICASE_PATHSPECS")

READS = "history, slippage, diff and --as-of read the plans' history from git"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PATHSPEC_ENV}
    # English messages we can recognise; never prompt; never take locks (others may commit).
    env.update(LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    return env


def literal(path: str) -> str:
    """A file name as a pathspec that matches that name only.

    Bare, git reads `:!x` as "everything but x", `*.yaml` as a glob and `:(top)`
    as magic; `:(literal)` turns all of that off.
    """
    return ":(literal)" + path


def _argv(args: Sequence[str]) -> list[str]:
    """The command line for git; every pathspec (after `--`) must say how it is to be read.

    A bare path there is a bug: git would read magic, globs or an exclusion into it.
    """
    args = list(args)
    if "--" in args:
        for spec in args[args.index("--") + 1:]:
            if not (spec.startswith((":(literal)", ":(top,literal)")) or spec == WHOLE_TREE
                    or spec in YAML_PATHSPECS):
                raise ValueError(f"bare pathspec {spec!r} handed to git; wrap it in literal()")
    return ["git", *args]


class GitMissing(GitError):
    """git itself cannot be found: no other reason for a failure applies."""


def git(args: Sequence[str], cwd: Path, data: bytes | None = None, *, needs: str = READS,
        env: Mapping[str, str] | None = None) -> bytes:
    """The one git runner: git's stdout, or GitError with git's first line of complaint.

    needs: what git is for, said when git is missing. env: variables to set for this one
    call (a meeting tag's date: GIT_COMMITTER_DATE).
    """
    try:
        proc = subprocess.run(_argv(args), cwd=cwd, input=data, capture_output=True,
                              env={**_env(), **(env or {})})
    except FileNotFoundError:
        raise GitMissing(f"git is not installed (or not on PATH); {needs}") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        # `git commit` says "nothing to commit" on stdout, with nothing on stderr
        raise GitError(first_line(proc.stderr) or first_line(proc.stdout)
                       or f"git {args[0]} failed")
    return proc.stdout


def first_line(stderr: bytes | str) -> str:
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    for line in text.splitlines():
        line = line.strip()
        if line:
            return re.sub(r"^(fatal|error): ", "", line)
    return ""


def cat_blobs(cwd: Path, blobs: set[str]) -> dict[str, bytes]:
    """The bytes of each blob, from one `git cat-file --batch`."""
    if not blobs:
        return {}
    order = sorted(blobs)
    out = git(["cat-file", "--batch"], cwd, ("\n".join(order) + "\n").encode())
    found: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        head = out[pos:end].split()
        pos = end + 1
        if len(head) == 3:
            size = int(head[2])
            found[head[0].decode()] = out[pos:pos + size]
            pos += size + 1
    return found


class BlobReader:
    """One `git cat-file --batch` process, asked for one blob at a time (it answers each
    request before the next, so only one blob is held in memory)."""

    def __init__(self, cwd: Path) -> None:
        self._cwd = cwd
        self._proc: subprocess.Popen[bytes] | None = None

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        if self._proc is None:
            try:
                self._proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self._cwd,
                                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                              stderr=subprocess.DEVNULL, env=_env())
            except OSError as exc:
                raise GitError(f"cannot run git: {exc.strerror or exc}") from None
        assert self._proc.stdin is not None and self._proc.stdout is not None  # both PIPE
        return self._proc.stdin, self._proc.stdout

    def get(self, blob: str) -> bytes:
        stdin, stdout = self._pipes()
        stdin.write(blob.encode() + b"\n")
        stdin.flush()
        head = stdout.readline().split()
        if len(head) != 3:
            raise GitError(f"git cat-file could not read blob {blob}")
        data = stdout.read(int(head[2]) + 1)
        return data[:-1]

    def close(self) -> None:
        if self._proc is not None:
            stdin, stdout = self._pipes()
            stdin.close()
            stdout.close()
            self._proc.wait()
            self._proc = None

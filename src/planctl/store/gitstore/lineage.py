"""The plan files at each commit, each followed through its renames (its lineage)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .log import Change, first_parent_log
from .records import Commit
from .repo import Repo


@dataclass
class Lineage:
    """One file followed through renames; `path` is its name at the tip (or when deleted)."""

    path: str
    plan: bool = False  # was a plan file under one of its names


State = dict[str, tuple[str, Lineage]]  # the YAML files at one commit: path -> (blob, lineage)
Op = tuple[str, str, str, Lineage]  # ("+" or "-", path, blob, lineage)


@dataclass
class Walk:
    chain: list[Commit] = field(default_factory=list)  # oldest first
    states: list[State] = field(default_factory=list)  # per commit


def _ops(repo: Repo, state: State, entries: list[Change]) -> list[Op]:
    """One commit's changes applied to `state`, as the operations they were."""
    # Sources first (renamed or deleted), then destinations: a rename and a new file
    # of the old name in one commit stay two files.
    ops: list[Op] = []
    moved: dict[str, Lineage] = {}
    for status, _blob, names in entries:
        if status in "RD" and names[0] in state:
            lineage = state.pop(names[0])[1]
            ops.append(("-", names[0], "", lineage))
            if status == "R":
                moved[names[-1]] = lineage
    for status, blob, names in entries:
        if status == "D":
            continue
        path = names[-1]
        lineage = moved.get(path) or (state[path][1] if path in state else Lineage(path))
        lineage.path = path
        lineage.plan = lineage.plan or repo.is_plan(path)
        state[path] = (blob, lineage)
        ops.append(("+", path, blob, lineage))
    return ops


def walk(repo: Repo, tip: str) -> Walk:
    """The first-parent chain of `tip`, oldest first, with the plan files at each commit."""
    found = Walk()
    state: State = {}
    applied: list[list[Op]] = []
    for commit, entries in reversed(first_parent_log(repo, tip)):
        applied.append(_ops(repo, state, entries))
        found.chain.append(commit)
    # Replay keeping only files that are plans at some point: other YAML (CI files, a
    # monorepo's configs) costs nothing, and a commit that leaves the plans alone shares
    # its state with the one before.
    state = {}
    for ops in applied:
        ops = [op for op in ops if op[3].plan or repo.is_plan(op[3].path)]
        if ops or not found.states:
            state = dict(state)
            for op, path, blob, lineage in ops:
                if op == "-":
                    state.pop(path, None)
                else:
                    state[path] = (blob, lineage)
        found.states.append(state)
    return found


def plan_files(repo: Repo, state: State) -> tuple[tuple[str, str, str], ...]:
    """(path, blob, plan id) of the plan files in one state; a file renamed into the
    plans later counts, and keeps the plan id of its latest name."""
    files = [(path, blob, PurePosixPath(lineage.path).stem)
             for path, (blob, lineage) in state.items()
             if repo.is_plan(path) or repo.is_plan(lineage.path)]
    return tuple(sorted(files))

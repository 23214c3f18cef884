"""The settings every command shares, and where the plans are."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from ..core.errors import UsageError


class Settings(msgspec.Struct):
    """What was asked: filled in by the command line (commands/options.py), or by a test."""

    plans: tuple[str, ...] = ()
    today: str | None = None
    as_of: str | None = None
    format: str | None = None
    color: bool | None = None
    debug: bool = False
    no_cache: bool = False


def find_git_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def in_git(paths: list[Path]) -> bool:
    """Whether any of the plan paths is inside a git repository (no git call)."""
    return any(find_git_root(Path(p).absolute()) for p in paths)


def plan_paths(s: Settings) -> list[Path]:
    """--plans, else PLANCTL_PLANS, else ./plans, else plans/ at the git repository's root."""
    if s.plans:
        return [Path(p) for p in s.plans]
    env = os.environ.get("PLANCTL_PLANS")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    if Path("plans").is_dir():
        return [Path("plans")]
    root = find_git_root(Path.cwd())
    if root is not None and (root / "plans").is_dir():
        return [root / "plans"]
    raise UsageError("no plans found: there is no ./plans folder here or at the root of this git "
                     "repository; give one with --plans PATH or PLANCTL_PLANS "
                     "(or start one with 'planctl init')")

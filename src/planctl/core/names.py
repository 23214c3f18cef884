"""How names and progress words are compared: written many ways, meaning one thing.

Pure functions shared by the reader (format/), queries and judgements (core/):
they live in the core so that the core never imports the format.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from .model import Progress

PROGRESS_SYNONYMS: dict[str, Progress] = {
    "not-started": "not-started", "notstarted": "not-started", "open": "not-started",
    "todo": "not-started", "to-do": "not-started", "new": "not-started", "pending": "not-started",
    "in-progress": "in-progress", "inprogress": "in-progress", "started": "in-progress",
    "underway": "in-progress", "under-way": "in-progress", "progressing": "in-progress",
    "completed": "completed", "complete": "completed", "done": "completed",
    "finished": "completed", "closed": "completed",
    "dropped": "dropped", "cancelled": "dropped", "canceled": "dropped",
    "withdrawn": "dropped", "abandoned": "dropped",
}


# Memoised (bounded): a plan writes the same few leads and statuses thousands of times.
@functools.lru_cache(maxsize=4096)
def normalise_name(name: str) -> str:
    return " ".join(name.casefold().split())


@functools.lru_cache(maxsize=1024)
def normalise_progress(value: str) -> Progress | None:
    key = "-".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    return PROGRESS_SYNONYMS.get(key) or PROGRESS_SYNONYMS.get(key.replace("-", ""))


def close_matches(word: str, choices: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    import difflib  # only when something is misspelt

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)


def nearest(word: str, choices: Iterable[str]) -> str | None:
    found = close_matches(word, choices)
    return found[0] if found else None


def nearest_progress(value: str) -> str | None:
    """The progress value a misspelt status most likely means ('in progres' -> in-progress)."""
    key = "-".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    close = close_matches(key, PROGRESS_SYNONYMS, cutoff=0.75)
    return PROGRESS_SYNONYMS[close[0]] if close else None

"""How names and progress words are compared: written many ways, meaning one thing.

Pure functions shared by the reader (format/), queries and judgements (core/):
they live in the core so that the core never imports the format.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from .model import Plan, Progress

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


# Typed on a UK keyboard, a name loses its accents and its curly quotes: `--lead Sian`
# means Siân, `--lead "SM's"` means SM’s.
_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})


@functools.lru_cache(maxsize=4096)
def fold_name(name: str) -> str:
    """A name as a person would type it: no accents, no case, plain quotes and dashes,
    single spaces. Only for finding what someone asked for; a plan is read as written."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name.translate(_PLAIN))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def authority_of(plan: Plan) -> str:
    """Whose plan it is, one plan at a time (the roll-up's row): its `authority:`, else the
    plan itself (its id)."""
    written = (plan.authority or "").strip()
    return written or plan.id


# The scope of the leads of plans that name no authority, and how it is shown. Whether two
# such files are one council's or two cannot be told, so they keep sharing their leads as
# every plan did before 0.4, and `check` warns (W143) that from 0.5 each such plan will be
# an authority of its own (CHANGELOG, "Compatibility").
UNNAMED_AUTHORITY = ""
UNNAMED_SHOWN = "(no authority)"


def authority_key(plan: Plan) -> str:
    """The scope of a plan's leads, as compared: its `authority:` with case, spaces and
    accents aside, as names are matched ("Northmoor Borough Council" in two plan files is
    one council however it is typed); UNNAMED_AUTHORITY for a plan that names none."""
    written = (plan.authority or "").strip()
    return fold_name(written) if written else UNNAMED_AUTHORITY


def lead_authority(plan: Plan) -> str:
    """The authority a plan's leads belong to, as shown beside them: "Head of Service" in
    two councils is two leads; two plan files of one council share theirs."""
    written = (plan.authority or "").strip()
    return written or UNNAMED_SHOWN


# Between an authority and a lead's name in a scoped spelling: str.split() counts it as
# white space, so a normalised name never holds it.
SCOPE = "\x1f"


def scoped(authority: str, name: str) -> str:
    """A lead's spelling within its authority (`authority` from authority_key)."""
    return f"{authority}{SCOPE}{normalise_name(name)}"


class NameIndex:
    """The names a user may type for things (leads: key, name and aliases), looked up as
    written (case and spaces aside) first, then ignoring accents; with the nearest names
    for a name that matches none. One rule for every command that takes a lead."""

    def __init__(self) -> None:
        self._exact: dict[str, set[str]] = {}
        self._folded: dict[str, set[str]] = {}
        self._shown: dict[str, str] = {}  # folded -> a spelling to suggest

    def add(self, spelling: str, thing: str, shown: str | None = None) -> None:
        """`spelling` names `thing` (an identity the caller chooses); `shown` is suggested."""
        self._exact.setdefault(normalise_name(spelling), set()).add(thing)
        folded = fold_name(spelling)
        self._folded.setdefault(folded, set()).add(thing)
        self._shown.setdefault(folded, shown or spelling)

    def lookup(self, written: str) -> set[str]:
        """What `written` names: an exact match wins over one that ignores accents (where
        both Sian and Siân are leads, `Sian` is Sian)."""
        return set(self._exact.get(normalise_name(written)) or self._folded.get(fold_name(written))
                   or ())

    def suggest(self, written: str, n: int = 1) -> list[str]:
        """The nearest names to `written`, as a person would spell them, best first."""
        close = close_matches(fold_name(written), self._shown, n=n, cutoff=0.5)
        return list(dict.fromkeys(self._shown[c] for c in close))


def _numbers(ref: str) -> tuple[int, ...] | None:
    parts = ref.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def nearest_ids(ref: str, ids: Iterable[str], n: int = 3) -> list[str]:
    """The ids someone typing `ref` most likely meant, best first: for a numbered id
    (13.7), those of the same recommendation nearest in number (13.2, 13.1); otherwise
    (99.9, 3.l) the closest spellings."""
    ids = list(dict.fromkeys(ids))
    plan, _, item = ref.rpartition(":")
    wanted = _numbers(item)
    parent = item.rpartition(".")[0]
    siblings = []
    for candidate in ids:
        c_plan, _, c_item = candidate.rpartition(":")
        nums = _numbers(c_item)
        if wanted and nums and c_plan == plan and c_item.rpartition(".")[0] == parent \
                and len(nums) == len(wanted):
            siblings.append((abs(nums[-1] - wanted[-1]), candidate))
    if siblings:
        return [c for _, c in sorted(siblings, key=lambda pair: pair[0])][:n]
    return close_matches(ref, ids, n=n, cutoff=0.5)

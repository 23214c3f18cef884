"""Lead names as written -> one lead per person, variants kept as aliases."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass
class Lead:
    key: str  # its key under `leads:`
    name: str  # the spelling used most
    aliases: list[str] = field(default_factory=list)  # other spellings, beyond case and spacing


def lead_group(name: str) -> str:
    """Names that differ only in case, punctuation or spacing are one lead."""
    return " ".join(re.sub(r"[^\w]+", " ", name.casefold().replace("'s ", "s ")).split())


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.sub(r"[^0-9a-z]+", " ", ascii_name.lower()).split())[:48].strip("-")


def merge_leads(names: Iterable[str], notes: list[str],
                reads_as_string: Callable[[str], bool]) -> tuple[dict[str, str], list[Lead]]:
    """({written name: canonical name}, leads) with variants merged as aliases.

    `names` are the leads of every action in order; `reads_as_string` says whether a key
    written bare reads back as that string (a bare 2024, no or 2012-10-27 does not).
    """
    counts: Counter[str] = Counter()
    groups: dict[str, list[str]] = {}
    for name in names:
        counts[name] += 1
        variants = groups.setdefault(lead_group(name), [])
        if name not in variants:
            variants.append(name)
    canonical: dict[str, str] = {}
    entries: list[Lead] = []
    keys: set[str] = set()
    for variants in groups.values():
        best = max(variants, key=lambda v: (counts[v], -variants.index(v)))
        key = unique_key(slug(best) or "lead", "lead", keys, reads_as_string)
        keys.add(key)
        entries.append(Lead(key, best, _aliases(best, variants, canonical)))
        if len(variants) > 1:
            others = ", ".join(repr(v) for v in variants if v != best)
            notes.append(f"lead {best!r} also written {others}: merged as one lead ({key})")
    return canonical, entries


def unique_key(key: str, prefix: str, taken: Iterable[str],
               reads_as_string: Callable[[str], bool]) -> str:
    """`key`, prefixed when it would not read back as a string, numbered when taken."""
    if not reads_as_string(key):
        key = f"{prefix}-{key}"
    taken = set(taken)
    base, n = key, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _aliases(best: str, variants: list[str], canonical: dict[str, str]) -> list[str]:
    seen = {" ".join(best.casefold().split())}
    aliases = []
    for v in variants:
        canonical[v] = best
        norm = " ".join(v.casefold().split())
        if norm not in seen:  # case and spacing already match without an alias
            seen.add(norm)
            aliases.append(v)
    return aliases

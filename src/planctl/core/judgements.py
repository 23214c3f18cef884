"""Analysis of inspection judgements: counts per grade, good or better, ranks, national shares.

Pure functions of the model (plan findings, comparison files); the commands in
commands/findings.py only choose what to show and how.

Rules (documented in docs/findings.md):
- "good or better" is the comparison's `good_or_better` grades; for plan findings,
  every grade from the top of the scale down to "Good" (or the top grade alone
  when the scale has no "Good").
- The compared authority joins every group's comparison (once, first), so a
  group of 10 is compared as 11: counts, ranks and "good or better on every
  judgement" include it.
- Rank is competition ranking by grade: 1 + the number of authorities with a
  better grade, so ties share a rank (1, 1, 3 ...).
- Percentages are of the total, to one decimal place. Nationally, the authority's
  rank is 1 + the inspections with a better grade, and "within the top" is the
  share graded as well as it or better.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from .comparison import Authority, Comparison, Group
from .errors import UsageError
from .jsondoc import JSONDict
from .model import Findings
from .names import nearest

T = TypeVar("T")


def default_good_or_better(scale: Sequence[str]) -> tuple[str, ...]:
    for i, grade in enumerate(scale):
        if grade.casefold() == "good":
            return tuple(scale[: i + 1])
    return tuple(scale[:1])


def grade_band(grade: str, scale: Sequence[str], good: Sequence[str]) -> str:
    """'good' (good or better), 'poor' (the bottom grade) or 'middle': what colour says."""
    if grade in good:
        return "good"
    if scale and grade == scale[-1]:
        return "poor"
    return "middle"


def count_grades(scale: Sequence[str], grades: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(scale, 0)
    for grade in grades:
        counts[grade] = counts.get(grade, 0) + 1
    return counts


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


# -- a plan's own findings ------------------------------------------------------


def findings_summary(findings: Findings) -> JSONDict:
    """Areas and judgements with counts per grade and the number good or better."""
    good = default_good_or_better(findings.scale)
    grades = [j.grade for area in findings.areas for j in area.judgements]
    return {
        "scale": list(findings.scale),
        "good_or_better_grades": list(good),
        "areas": [{"area": area.area,
                   "judgements": [{"name": j.name, "grade": j.grade} for j in area.judgements]}
                  for area in findings.areas],
        "counts": count_grades(findings.scale, grades),
        "total": len(grades),
        "good_or_better": sum(g in good for g in grades),
    }


# -- comparisons -------------------------------------------------------------------


def _pick(wanted: Sequence[str], by_word: dict[str, T], what: str, where: str, choices: list[str],
          listed: list[str]) -> list[T]:
    """The values named by `wanted` (by_word's keys, casefolded, spaces collapsed), each
    once, in order; an unknown word is a usage error with the nearest of `choices`, else
    the `listed` ones."""
    picked: list[T] = []
    for word in wanted:
        found = by_word.get(" ".join(word.split()).casefold())
        if found is None:
            hint = nearest(word, choices)
            raise UsageError(f"no {what} {word!r} in {where}"
                             + (f"; did you mean {hint!r}?" if hint
                                else f"; choose from {', '.join(listed) or '(none)'}"))
        if found not in picked:
            picked.append(found)
    return picked


def pick_judgements(comparison: Comparison, wanted: Sequence[str]) -> list[str]:
    """Judgement keys for --judgement values (a key or a name, any case); all when none."""
    if not wanted:
        return list(comparison.judgements)
    by_word: dict[str, str] = {}
    for key, name in comparison.judgements.items():
        by_word[key.casefold()] = key
        by_word[name.casefold()] = key
    return _pick(wanted, by_word, "judgement", comparison.id,
                 [*comparison.judgements, *comparison.judgements.values()], list(comparison.judgements))


def pick_groups(comparison: Comparison, wanted: Sequence[str]) -> list[Group]:
    if not wanted:
        return list(comparison.groups)
    names = [g.name for g in comparison.groups]
    return _pick(wanted, {g.name.casefold(): g for g in comparison.groups}, "group", comparison.id,
                 names, names)


def with_authority(comparison: Comparison, group: Group) -> list[Authority]:
    """The group as compared: the compared authority first, then the group as listed
    (an entry with the authority's own name is not counted twice)."""
    own = Authority(comparison.authority, comparison.authority_grades)
    return [own, *(a for a in group.authorities if a.name != comparison.authority)]


def rank(grade: str, grades: Sequence[str], scale: Sequence[str]) -> int:
    """Competition ranking: 1 + how many grades are better; equal grades share a rank."""
    return 1 + sum(scale.index(g) < scale.index(grade) for g in grades)


def compare_group(comparison: Comparison, group: Group, keys: Sequence[str]) -> JSONDict:
    scale, good = comparison.scale, comparison.good_or_better
    members = with_authority(comparison, group)
    all_good = [a.name for a in members if all(a.grades[k] in good for k in keys)]
    return {
        "name": group.name,
        "listed": len(group.authorities),
        "size": len(members),
        "authorities": [{"name": a.name, "grades": {k: a.grades[k] for k in keys},
                         "compared": a.name == comparison.authority,
                         "good_or_better_all": a.name in all_good} for a in members],
        "good_or_better": {k: sum(a.grades[k] in good for a in members) for k in keys},
        "good_or_better_all": all_good,
        "authority_rank": {k: rank(comparison.authority_grades[k],
                                   [a.grades[k] for a in members], scale) for k in keys},
    }


def national_rows(comparison: Comparison, keys: Sequence[str]) -> list[JSONDict]:
    good = comparison.good_or_better
    rows = []
    for row in comparison.national:
        if row.judgement not in keys:
            continue
        better = sum(n for g, n in row.counts.items() if g in good)
        mine = comparison.authority_grades[row.judgement]
        above = sum(n for g, n in row.counts.items()
                    if comparison.scale.index(g) < comparison.scale.index(mine))
        rows.append({
            "judgement": row.judgement,
            "name": comparison.judgements[row.judgement],
            "counts": dict(row.counts),
            "total": row.total,
            "percentages": {g: percent(n, row.total) for g, n in row.counts.items()},
            "good_or_better": better,
            "good_or_better_pct": percent(better, row.total),
            # Where the authority's grade would stand nationally: its competition rank,
            # and the share of inspections graded as well or better.
            "authority_grade": mine,
            "authority_rank": above + 1,
            "authority_within_top_pct": percent(above + row.counts[mine], row.total),
        })
    return sorted(rows, key=lambda r: keys.index(r["judgement"]))


def compare(comparison: Comparison, groups: Sequence[str] = (),
            judgements: Sequence[str] = ()) -> JSONDict:
    """Everything `planctl compare` shows, as the JSON it prints (docs/findings.md)."""
    keys = pick_judgements(comparison, judgements)
    return {
        "comparison": comparison.id,
        "title": comparison.title,
        "source": comparison.source,
        "authority": comparison.authority,
        "scale": list(comparison.scale),
        "good_or_better_grades": list(comparison.good_or_better),
        "judgements": [{"key": k, "name": comparison.judgements[k]} for k in keys],
        "authority_grades": {k: comparison.authority_grades[k] for k in keys},
        "groups": [compare_group(comparison, g, keys) for g in pick_groups(comparison, groups)],
        "national_title": comparison.national_title,
        "national_period": comparison.national_period,
        "national": national_rows(comparison, keys),
    }

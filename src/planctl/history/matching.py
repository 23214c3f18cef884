"""Identity across versions: which action of one version of a plan is which action of the other.

An action is followed by its explicit id, else its content or text, so renumbering,
reordering or moving it to another recommendation is not a change (docs/audit-trail.md,
"Identity"). This is the hottest code of `planctl history` and `slippage`: it runs for every
plan of every commit, so the common cases (an unchanged plan, actions shared between
versions, unchanged content) are found without comparing texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, compress
from operator import attrgetter, is_

from ..core.model import Action, Plan, Recommendation

# Two actions with positional ids are the same action when their texts are at least this
# similar (difflib's ratio: 2 * matching characters / total characters). 0.6 keeps a reworded
# action ("Audit of compliance" -> "Audit of compliance with the policy", 0.70) and tells
# apart two different actions of one recommendation; see docs/audit-trail.md.
SIMILARITY = 0.6
# At most this many text comparisons per plan and pair of versions; beyond it the actions
# left over are matched by position (their ids), as before identity was tracked.
MAX_PAIRS = 20_000
_ID = attrgetter("id")

Pair = tuple[Action | None, Action | None]
"""(old, new): the same action in both versions, or an action only in one (None on the other)."""


def content_key(a: Action) -> tuple[object, ...]:
    """Every compared field of an action: equal keys, equal content (ids aside)."""
    return (a.text, a.recommendation, a.timescale, a.leads, a.report_to, a.progress, a.completed,
            a.evidence, a.updates, a.repeat, a.reported, a.milestones, a.signed_off)


def plan_pairs(old: Plan | None, new: Plan) -> list[Pair]:
    """The actions of two versions of a plan paired by identity; an unchanged plan pairs
    each action with itself without comparing texts (most plans in most commits).
    The same pairs as match_actions over all their actions."""
    if old is not None and old.recommendations == new.recommendations:
        return [(a, a) for a in new.actions]
    return match_recommendations(old.recommendations if old else (), new.recommendations)


def _flat(recs: Sequence[Recommendation]) -> tuple[Action, ...]:
    return tuple(chain.from_iterable(r.actions for r in recs))


def match_recommendations(old: Sequence[Recommendation], new: Sequence[Recommendation]) -> list[Pair]:
    """match_actions over the actions of these recommendations (the same pairs, in the same
    order), matching only the recommendations that are not the very same object."""
    before, after = _flat(old), _flat(new)
    m = _Matching(before, after, _by_recommendation(old, new, before, after))
    pairs = m.pairs
    return [(pairs.get(j), b) for j, b in enumerate(after)] + m.removed()


def changed_in_recommendations(old: Sequence[Recommendation],
                               new: Sequence[Recommendation]) -> list[Pair]:
    """The pairs of match_actions over the actions of these recommendations that are not an
    action with itself (the very object), in the same order: what a comparison of two
    versions reports on. Matches only the recommendations that are not the very same object."""
    before, after = _flat(old), _flat(new)
    seed = _by_recommendation(old, new, before, after, kept_pairs=False)
    return _changed(_Matching(before, after, seed))


def match_actions(before: Sequence[Action], after: Sequence[Action]) -> list[Pair]:
    """Pairs (old, new) of one plan's actions. Order: as in `after`, then removals.

    Identity, in this order: (1) an explicit `id:` written in both versions; (2) the same
    content (text and every other field) - the same id first, then the same recommendation,
    then the nearest position, so a reordered or renumbered action is found; (3) the most
    similar text, at least SIMILARITY, within the same recommendation first, then across
    recommendations (a move). What is left is an addition or a removal.
    """
    m = _Matching(before, after)
    pairs = m.pairs
    return [(pairs.get(j), b) for j, b in enumerate(after)] + m.removed()


def _changed(m: _Matching) -> list[Pair]:
    pairs, after = m.pairs, m.after
    out = [(pairs.get(j), after[j]) for j in m.changed]
    return [(a, b) for a, b in out if a is not b] + m.removed()


def _unique_ids(actions: Sequence[Action]) -> bool:
    return len(set(map(_ID, actions))) == len(actions)


Seed = tuple[dict[int, Action], dict[int, None], dict[int, None]]  # pairs, old left, new left


def _by_recommendation(old: Sequence[Recommendation], new: Sequence[Recommendation],
                       before: Sequence[Action], after: Sequence[Action], *,
                       kept_pairs: bool = True) -> Seed | None:
    """The first pass: each action of a recommendation that is the very object in both
    versions, paired with itself; what is left on each side, in order. None (match the
    whole plan) unless every id is unique on both sides.

    With unique ids, such an action is the pair the first step of the whole-plan match
    makes (the same id, the very object, and nothing else has that id on either side),
    and the pairs of that step do not depend on one another; so taking them here leaves
    the later steps the very actions, at the very positions, they would have had.
    kept_pairs False: leave those pairs out of the seed (a caller that reports only the
    actions that are not themselves, `_changed`, never reads them).
    """
    if not (before and after and _unique_ids(before) and _unique_ids(after)):
        return None
    kept = {id(r) for r in old}.intersection(map(id, new))
    pairs: dict[int, Action] = {}
    new_left: dict[int, None] = {}
    j = 0
    for r in new:
        n = len(r.actions)
        if id(r) in kept:
            if kept_pairs:
                pairs.update(zip(range(j, j + n), r.actions, strict=True))
        else:
            new_left.update(dict.fromkeys(range(j, j + n)))
        j += n
    old_left: dict[int, None] = {}
    i = 0
    for r in old:
        n = len(r.actions)
        if id(r) not in kept:
            old_left.update(dict.fromkeys(range(i, i + n)))
        i += n
    return pairs, old_left, new_left


def _same_objects(before: Sequence[Action], after: Sequence[Action]) -> list[int]:
    """The positions where `after` holds the very object `before` holds, when every id is
    unique on both sides (else none).

    Versions read from git share the objects of unchanged actions. With unique ids, an
    action that is the very object at the same position is the pair the first step would
    make (same id, same content, nothing else can take either), so those are paired at C
    speed and only the rest goes through the steps.
    """
    if before and after and len(set(map(_ID, before))) == len(before) \
            and len(set(map(_ID, after))) == len(after):
        return list(compress(range(min(len(before), len(after))), map(is_, before, after)))
    return []


class _Matching:
    """The steps of match_actions, run on creation: `pairs` (index in after -> old action)
    and the positions left unpaired on each side (dicts used as ordered sets)."""

    __slots__ = ("before", "after", "pairs", "old_left", "new_left", "seeded", "changed")

    def __init__(self, before: Sequence[Action], after: Sequence[Action],
                 seed: Seed | None = None) -> None:
        self.before, self.after = before, after
        self.pairs: dict[int, Action] = {}
        same = _same_objects(before, after) if seed is None else []
        self.seeded = bool(same) or seed is not None
        if seed is not None:  # the first pass, by recommendation: see _by_recommendation
            self.pairs, self.old_left, self.new_left = seed
        elif same:
            self.pairs.update(zip(same, map(before.__getitem__, same), strict=True))
            self.old_left = dict.fromkeys(sorted(set(range(len(before))).difference(same)))
            self.new_left = dict.fromkeys(sorted(set(range(len(after))).difference(same)))
        else:
            self.old_left = dict.fromkeys(range(len(before)))
            self.new_left = dict.fromkeys(range(len(after)))
        self.changed = tuple(self.new_left)  # the positions in after not paired with themselves
        self._same_id_and_content()
        self._written_ids()
        if self.old_left and self.new_left:
            self._same_content()
        self._similar_texts()

    def take(self, i_old: int, i_new: int) -> None:
        self.pairs[i_new] = self.before[i_old]
        del self.old_left[i_old]
        del self.new_left[i_new]

    def removed(self) -> list[Pair]:
        return [(self.before[i], None) for i in self.old_left]

    def _same_id_and_content(self) -> None:
        """The same id and the same content: most actions of most commits, cheaply (with
        unique ids, an id whose action was paired as the same object finds its index taken)."""
        before, after, pairs, old_left, new_left = (self.before, self.after, self.pairs,
                                                    self.old_left, self.new_left)
        at = ({before[i].id: i for i in old_left} if self.seeded
              else {a.id: i for i, a in enumerate(before)})
        for j in self.changed:
            b = after[j]
            i = at.get(b.id)
            if i is not None and i in old_left:
                a = before[i]
                if a is b or (a.id_written == b.id_written and content_key(a) == content_key(b)):
                    pairs[j] = a  # self.take(i, j), inline: this runs for every action of a commit
                    del old_left[i]
                    del new_left[j]

    def _written_ids(self) -> None:
        """An explicit `id:` written in both versions."""
        before, after, old_left = self.before, self.after, self.old_left
        written = ({before[i].id: i for i in old_left if before[i].id_written} if self.seeded
                   else {a.id: i for i, a in enumerate(before) if a.id_written})
        for j in list(self.new_left):
            i = written.get(after[j].id)
            if after[j].id_written and i is not None and i in old_left:
                self.take(i, j)

    def _same_content(self) -> None:
        """Unchanged content under another id or position: found by hashing, nothing
        compared pairwise; of equal candidates the same id, the same recommendation, then
        the nearest position."""
        before, after = self.before, self.after
        by_key: dict[tuple[object, ...], list[int]] = {}
        for i in self.old_left:
            if not before[i].id_written:
                by_key.setdefault(content_key(before[i]), []).append(i)
        for j in list(self.new_left):
            if after[j].id_written:
                continue
            found = by_key.get(content_key(after[j]))
            if found:
                b = after[j]
                i = min(found, key=lambda i: (before[i].id != b.id,
                                              before[i].recommendation != b.recommendation,
                                              abs(i - j)))
                found.remove(i)
                self.take(i, j)

    def _similar_texts(self) -> None:
        """The most similar text, at least SIMILARITY; by position when there are too many
        pairs to compare."""
        olds = [i for i in self.old_left if not self.before[i].id_written]
        news = [j for j in self.new_left if not self.after[j].id_written]
        if not (olds and news):
            return
        candidates = self._candidates(olds, news)
        if candidates is None:
            self._by_position(olds, news)
        else:
            self._by_similarity(candidates)

    def _candidates(self, olds: list[int], news: list[int]) -> list[tuple[int, int]] | None:
        """The pairs worth comparing: all of them, else those within one recommendation;
        None when even those are more than MAX_PAIRS."""
        by_rec: dict[str, list[int]] = {}
        for j in news:
            by_rec.setdefault(self.after[j].recommendation, []).append(j)
        if len(olds) * len(news) <= MAX_PAIRS:
            return [(i, j) for i in olds for j in news]
        before = self.before
        if sum(len(by_rec.get(before[i].recommendation, ())) for i in olds) <= MAX_PAIRS:
            return [(i, j) for i in olds for j in by_rec.get(before[i].recommendation, ())]
        return None

    def _by_position(self, olds: list[int], news: list[int]) -> None:
        by_id = {self.before[i].id: i for i in olds}
        for j in news:
            i = by_id.get(self.after[j].id)
            if i is not None and i in self.old_left:
                self.take(i, j)

    def _by_similarity(self, candidates: list[tuple[int, int]]) -> None:
        """Best first: the same recommendation, the most similar, the same id, the nearest."""
        scored = []
        for i, j in candidates:
            a, b = self.before[i], self.after[j]
            if a.text == b.text:  # what ratio() gives, without building its tables
                ratio = 1.0
            else:
                from difflib import SequenceMatcher  # here: a past --today reads kept dates only

                sm = SequenceMatcher(None, a.text, b.text, autojunk=False)
                if sm.real_quick_ratio() < SIMILARITY or sm.quick_ratio() < SIMILARITY:
                    continue
                ratio = sm.ratio()
            if ratio >= SIMILARITY:
                scored.append((a.recommendation != b.recommendation, -ratio, a.id != b.id,
                               abs(i - j), i, j))
        scored.sort()
        for *_, i, j in scored:
            if i in self.old_left and j in self.new_left:
                self.take(i, j)

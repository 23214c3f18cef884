"""History at scale (issue 17): versions read from git share the objects of what a commit left
alone, and the audit trail compares by identity first. Both must give exactly what the
general path gives: decoding each version whole, and comparing fields."""

from __future__ import annotations

import copy
import json
import subprocess
from datetime import date, datetime, timedelta
from random import Random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planctl.format.reader import load_text
from planctl.history.changelog import history
from planctl.history.matching import match_actions
from planctl.history.sharing import SharedObjects
from planctl.history.slippage import slippage
from planctl.store import cache, gitstore
from planctl.store.gitstore import Version

LEADS = ["Service Manager FST", "Service Manager QA", "Head of CATO"]
STATUSES = ["not-started", "in-progress", "completed", "dropped"]


class Story:
    """A plan edited one step at a time, as people do: dates moved, statuses, notes added
    (which shifts the lines of every later action), actions added, removed, swapped,
    reworded, moved to another recommendation, and a version put back as it was."""

    def __init__(self, rng: Random, recs: int, per_rec: int) -> None:
        self.rng = rng
        self.serial = 0
        self.recs = [[self._action() for _ in range(per_rec)] for _ in range(recs)]
        self.saved: list[str] = []

    def _action(self) -> dict:
        self.serial += 1
        words = ["Audit", "the", "referral", "records", "and", "report", "to", "SMT", "monthly"]
        return {"text": f"Action {self.serial}: " + " ".join(self.rng.sample(words, 5)),
                "due": date(2012, 9, 1) + timedelta(days=self.rng.randrange(200)),
                "lead": self.rng.choice(LEADS), "status": "not-started", "updates": [],
                "id": f"X{self.serial}" if self.rng.random() < 0.2 else None}

    def text(self) -> str:
        out = ["plan:\n  title: Story\n", "recommendations:\n"]
        for r, actions in enumerate(self.recs, 1):
            out.append(f'  - id: "{r}"\n    text: Recommendation {r}\n    actions:\n')
            for a in actions:
                out.append(f'      - id: "{a["id"]}"\n        text: "{a["text"]}"\n' if a["id"]
                           else f'      - text: "{a["text"]}"\n')
                out.append(f"        due: By {a['due']:%d.%m.%y}\n        lead: {a['lead']}\n"
                           f"        status: {a['status']}\n")
                if a["updates"]:
                    out.append("        updates:\n")
                    for when, note in a["updates"]:
                        out.append(f'          - date: {when.isoformat()}\n            text: "{note}"\n')
        return "".join(out)

    def edit(self, n: int) -> str:
        rng = self.rng
        rec = rng.choice(self.recs)
        kind = rng.choice(["due", "status", "note", "note", "add", "remove", "swap", "reword",
                           "move", "revert", "lead"])
        if kind == "revert" and self.saved:
            return rng.choice(self.saved)
        if kind == "add" or not rec:
            rec.insert(rng.randrange(len(rec) + 1), self._action())
        else:
            a = rng.choice(rec)
            if kind == "due":
                a["due"] += timedelta(days=rng.choice([-3, 7, 14, 30]))
            elif kind == "status":
                a["status"] = rng.choice(STATUSES)
            elif kind == "note":
                a["updates"] = (a["updates"] + [(date(2012, 9, 1) + timedelta(days=n),
                                                 f"Rescheduled from A to B: note {n}")])[-3:]
            elif kind == "remove" and len(rec) > 1:
                rec.remove(a)
            elif kind == "swap" and len(rec) > 1:
                i, j = rng.sample(range(len(rec)), 2)
                rec[i], rec[j] = rec[j], rec[i]
            elif kind == "reword":
                a["text"] += " and say so"
            elif kind == "move":
                rec.remove(a)
                target = rng.choice(self.recs)
                target.insert(rng.randrange(len(target) + 1), a)
            else:
                a["lead"] = rng.choice(LEADS)
        text = self.text()
        if rng.random() < 0.3:
            self.saved.append(text)
        return text


def _payload(text: str, path: str = "plans/p.yaml") -> bytes:
    """The parse cache's payload for a plan text (what an entry holds)."""
    result = load_text(text, path)
    assert result[0] is not None, result[1]
    payload = cache.encode(result)
    assert payload is not None
    return payload


def _decode(share: SharedObjects, text: str):
    return cache.decode(_payload(text), share)[0]


def _texts(seed: int, steps: int, recs: int = 3, per_rec: int = 3) -> list[str]:
    story = Story(Random(seed), recs, per_rec)
    return [story.text()] + [story.edit(n) for n in range(1, steps)]


_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(2, 25), limit=st.sampled_from([2, 8, 8192]))
def test_shared_decoding_gives_what_the_cache_decodes(seed, steps, limit):
    share = SharedObjects(limit)  # a small table must give the same plans, only slower
    for text in _texts(seed, steps):
        shared = _decode(share, text)
        whole = cache.decode(_payload(text))[0]
        assert shared == whole
        assert [a.line for a in shared.actions] == [a.line for a in whole.actions]


@_SETTINGS
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(2, 25))
def test_consecutive_versions_share_the_objects_of_what_did_not_change(seed, steps):
    share = SharedObjects()
    before = None
    for text in _texts(seed, steps):
        plan = _decode(share, text)
        if before is not None:
            old = {r.id: r for r in before.recommendations}
            for rec in plan.recommendations:
                if old.get(rec.id) == rec:
                    assert old[rec.id] is rec  # an unchanged recommendation: the same object
            old_actions = {(a.text, a.line): a for a in before.actions}
            for a in plan.actions:
                same = old_actions.get((a.text, a.line))
                if same == a:
                    assert same is a
        before = plan


def test_an_action_whose_line_moved_is_an_equal_new_object():
    """The line is part of what an action is encoded as: an action moved down by a note
    added above it is decoded again (equal fields, another line); the recommendations
    before the note are still the very objects."""
    story = Story(Random(7), 2, 3)
    first = story.text()
    story.recs[1][0]["updates"].append((date(2012, 9, 3), "A note"))  # later lines move
    share = SharedObjects()
    old, new = _decode(share, first), _decode(share, story.text())
    assert old.recommendations[0] is new.recommendations[0]
    moved = [(a, b) for a, b in zip(old.actions, new.actions, strict=True) if a.line != b.line]
    assert len(moved) == 2
    for a, b in moved:
        assert (a.text, a.updates, a.timescale) == (b.text, b.updates, b.timescale)


def _versions(texts: list[str], shared: bool) -> list[Version]:
    """Versions as gitstore streams them (shared objects), or each decoded on its own."""
    share = SharedObjects()
    out = []
    for n, text in enumerate(texts):
        plan = _decode(share, text) if shared else copy.deepcopy(_decode(share, text))
        commit = gitstore.Commit(f"{n:040x}", datetime(2012, 9, 1 + n % 28),
                                 "A", "a@example.invalid", f"Change {n}")
        out.append(Version(commit, (plan,)))
    return out


@pytest.mark.slow
@_SETTINGS
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(2, 25))
def test_history_and_slippage_are_the_same_with_shared_or_separate_objects(seed, steps):
    texts = _texts(seed, steps)
    shared, separate = _versions(texts, True), _versions(texts, False)
    assert history(shared) == history(separate)
    assert slippage(shared) == slippage(separate)
    assert slippage(shared, 3) == slippage(separate, 3)
    for old, new in zip(shared, shared[1:], strict=False):
        plan_old, plan_new = old.plans[0], new.plans[0]
        pairs = match_actions(tuple(plan_old.actions), tuple(plan_new.actions))
        apart = match_actions(copy.deepcopy(tuple(plan_old.actions)),
                                    copy.deepcopy(tuple(plan_new.actions)))
        assert pairs == apart


def test_identity_is_tried_before_fields_but_equal_copies_still_pair():
    plan = load_text(_texts(3, 1)[0], "plans/p.yaml")[0]
    actions = tuple(plan.actions)
    pairs = match_actions(actions, copy.deepcopy(actions))
    assert [(a.id, b.id) for a, b in pairs] == [(a.id, a.id) for a in actions]


# -- through git: warm, cold and --no-cache give the same audit trail ----------------------


@pytest.fixture
def long_story(tmp_path, git_repo):
    """A repository whose plan went through 40 commits of the Story's edits."""
    plans = tmp_path / "plans"
    plans.mkdir(exist_ok=True)
    path = plans / "p.yaml"
    for n, text in enumerate(_texts(2012, 40, recs=4, per_rec=4)):
        path.write_text(text, encoding="utf-8")
        git_repo("add", "plans")
        git_repo("commit", "-q", "--allow-empty", "-m", f"Change {n}",
                 date=f"2012-09-{1 + n % 28:02d}T10:00:00+01:00")
    return tmp_path


def _exact(tmp_path) -> list[Version]:
    """Every version loaded exactly (load_text of each blob, no cache, no sharing)."""
    found = gitstore.plan_versions([tmp_path / "plans"])
    out = []
    for v in found.versions:
        plans = []
        for path, blob, plan_id in v.files:
            data = subprocess.run(["git", "cat-file", "blob", blob], cwd=tmp_path, check=True,
                                  capture_output=True).stdout
            plans.append(load_text(data, f"{v.commit.short}:{path}", plan_id)[0])
        out.append(Version(v.commit, tuple(plans)))
    return out


@pytest.mark.slow
def test_history_and_slippage_through_git_equal_the_exact_versions(long_story, run):
    exact = _exact(long_story)
    trail = {"since": None, "shallow": False, "commits": [e.as_dict() for e in history(exact)]}
    slipped = {"since": None, "shallow": False, "actions": [a.as_dict() for a in slippage(exact)]}
    assert slipped["actions"]  # the story moved dates later: there is something to compare
    for args in ((), (), ("--no-cache",)):  # cold (fills the cache), warm, no cache
        for command, expected in (("history", trail), ("slippage", slipped)):
            result = run(command, "--format", "json", *args)
            assert result.exit_code == 0, result.stderr
            assert json.loads(result.stdout) == json.loads(json.dumps(expected, default=str))


@pytest.mark.slow
def test_a_damaged_cache_entry_is_read_again_from_git(long_story, run, tmp_path):
    first = run("history", "--format", "json")
    entries = list((tmp_path / "cache" / "planctl").glob("v*/*"))
    assert entries
    for entry in entries:
        data = entry.read_bytes()
        entry.write_bytes(data[:-5] + b"xxxxx")  # the digest no longer matches
    again = run("history", "--format", "json")
    assert again.exit_code == 0 and again.stdout == first.stdout


@_SETTINGS
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(1, 12), ids=st.integers(1, 12),
       edits=st.integers(0, 6))
def test_matching_shared_objects_with_repeated_ids_gives_what_copies_give(seed, size, ids, edits):
    """Ids repeated within a version (a hand-made plan can have them) turn the identity
    pre-pass off; unique ids let it pair the same object at the same position. Either way
    the pairs are those of separate, equal objects."""
    from planctl.core.model import evolve as replace

    rng = Random(seed)
    pool = list(load_text(_texts(seed, 1, recs=3, per_rec=4)[0], "plans/p.yaml")[0].actions)
    before = [replace(rng.choice(pool), id=f"{rng.randrange(ids)}") for _ in range(size)]
    after = list(before)
    for _ in range(edits):
        k = rng.randrange(len(after))
        op = rng.choice(["swap", "copy", "new", "drop", "add"])
        if op == "swap":
            j = rng.randrange(len(after))
            after[k], after[j] = after[j], after[k]
        elif op == "copy":
            after[k] = copy.deepcopy(after[k])  # equal, another object
        elif op == "new":
            after[k] = replace(after[k], text=after[k].text + " again")
        elif op == "drop" and len(after) > 1:
            del after[k]
        else:
            after.insert(k, replace(rng.choice(pool), id=f"{rng.randrange(ids)}"))
    old_copy, new_copy = copy.deepcopy(tuple(before)), copy.deepcopy(tuple(after))
    shared = match_actions(tuple(before), tuple(after))
    apart = match_actions(old_copy, new_copy)

    def where(pairs, olds, news):  # each pair as positions: which object went with which
        def at(seq, x):
            return None if x is None else next(n for n, y in enumerate(seq) if y is x)
        return [(at(olds, a), at(news, b)) for a, b in pairs]

    assert where(shared, before, after) == where(apart, old_copy, new_copy)


# -- matching by recommendation (issue 25): the pairs of the whole-plan match ----------------


def _parts_decoder():
    """Versions decoded as a history decodes them: in parts (store/cache/parts.py), through
    one SharedObjects, so a recommendation a step left alone is the very object."""
    from planctl.store.cache.codec import join, split
    from planctl.store.cache.entries import digest

    share, kept = SharedObjects(), {}

    def decode(text: str):
        version, parts = split(_payload(text), digest)
        kept.update(parts)
        return join(version, share, kept.get)[0]

    return decode


def _positions(pairs, olds, news):
    """Each pair as (position in olds, position in news): which object went with which."""
    def at(seq, x):
        return None if x is None else next(n for n, y in enumerate(seq) if y is x)
    return [(at(olds, a), at(news, b)) for a, b in pairs]


def _same_pairs_as_the_whole_plan_match(old, new) -> None:
    from planctl.history.matching import changed_in_recommendations, match_recommendations

    before = tuple(a for r in old for a in r.actions)
    after = tuple(a for r in new for a in r.actions)
    olds, news = copy.deepcopy(before), copy.deepcopy(after)
    whole = match_actions(olds, news)
    expected = _positions(whole, olds, news)
    assert _positions(match_recommendations(old, new), before, after) == expected
    changed = [(i, j) for i, j in expected
               if i is None or j is None or before[i] is not after[j]]
    assert _positions(changed_in_recommendations(old, new), before, after) == changed


@_SETTINGS
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(2, 30),
       shape=st.sampled_from([(3, 3), (5, 2), (1, 6), (8, 4)]))
def test_matching_by_recommendation_pairs_as_the_whole_plan_match(seed, steps, shape):
    """Random edit sequences (dates, statuses, notes that shift every later line, actions
    added, removed, swapped, reworded, moved to another recommendation, reverts), decoded
    as a history decodes them: the same pairs as match_actions over the whole plan."""
    decode = _parts_decoder()
    plans = [decode(text) for text in _texts(seed, steps, *shape)]
    for old, new in zip(plans, plans[1:], strict=False):
        _same_pairs_as_the_whole_plan_match(old.recommendations, new.recommendations)


def test_a_history_decoded_in_parts_reuses_the_recommendations_a_commit_left_alone():
    decode = _parts_decoder()
    plans = [decode(text) for text in _texts(7, 40, 8, 4)]
    kept = [len({id(r) for r in a.recommendations} & {id(r) for r in b.recommendations})
            for a, b in zip(plans, plans[1:], strict=False)]
    assert sum(kept) > len(kept) * 4  # most of the 8 recommendations, most of the time


@_SETTINGS
@given(seed=st.integers(0, 2**32 - 1), recs=st.integers(1, 6), ids=st.integers(1, 30),
       edits=st.integers(0, 8))
def test_matching_by_recommendation_with_repeated_ids_and_moves(seed, recs, ids, edits):
    """Recommendations kept as the very object, replaced, swapped, repeated; actions moved
    between them; ids repeated (the first pass then steps aside): the whole-plan pairs."""
    from planctl.core.model import evolve as replace

    rng = Random(seed)
    pool = list(load_text(_texts(seed, 1, recs=3, per_rec=4)[0], "plans/p.yaml")[0].actions)

    def action():
        return replace(rng.choice(pool), id=f"{rng.randrange(ids)}")

    old = [replace(r, actions=tuple(action() for _ in range(rng.randrange(4))))
           for r in load_text(_texts(seed, 1, recs=recs, per_rec=1)[0], "plans/p.yaml")[0].recommendations]
    new = list(old)
    for _ in range(edits):
        k = rng.randrange(len(new))
        op = rng.choice(["swap", "repeat", "edit", "move", "add", "drop", "copy"])
        acts = list(new[k].actions)
        if op == "swap":
            j = rng.randrange(len(new))
            new[k], new[j] = new[j], new[k]
        elif op == "repeat":
            new.insert(k, new[rng.randrange(len(new))])
        elif op == "copy":
            new[k] = copy.deepcopy(new[k])
        elif op == "move" and acts:
            moved = acts.pop(rng.randrange(len(acts)))
            new[k] = replace(new[k], actions=tuple(acts))
            j = rng.randrange(len(new))
            there = list(new[j].actions)
            there.insert(rng.randrange(len(there) + 1), replace(moved, recommendation=new[j].id))
            new[j] = replace(new[j], actions=tuple(there))
        elif op == "edit" and acts:
            n = rng.randrange(len(acts))
            acts[n] = replace(acts[n], text=acts[n].text + " again")
            new[k] = replace(new[k], actions=tuple(acts))
        elif op == "drop" and acts:
            del acts[rng.randrange(len(acts))]
            new[k] = replace(new[k], actions=tuple(acts))
        else:
            acts.insert(rng.randrange(len(acts) + 1), action())
            new[k] = replace(new[k], actions=tuple(acts))
    _same_pairs_as_the_whole_plan_match(tuple(old), tuple(new))

"""Reading a plan's versions one after another (format/sequence.py) gives what reading
each whole gives: the same Plan and the same problems at the same places, for any
sequence of edits and for texts it must refuse to cut (then it reads them whole)."""

from __future__ import annotations

import random
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planctl.format.reader import load_text
from planctl.format.sequence import SequenceReader, split

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_history import Plan as BenchPlan  # noqa: E402 - bench/ is not a package
from generate import plan_text  # noqa: E402

PATH = "plans/p.yaml"


def _bases() -> list[str]:
    texts = [plan_text(i, n, random.Random(i)) for i, n in ((0, 12), (1, 30), (2, 5))]
    bench = BenchPlan(25).text()
    texts.append(bench)
    # no ids: each recommendation's id is its position, each action's follows from it
    texts.append(re.sub(r'- id: "[0-9]+"\n    text:', "- text:", bench))
    # leads and bodies after the recommendations: read in the context of what follows them
    head, recs = bench.split("leads:\n", 1)[0], bench[bench.index("recommendations:\n"):]
    texts.append(head + recs + bench[len(head):bench.index("recommendations:\n")])
    for folder in ("corpus/good", "corpus/bad"):
        for path in sorted((ROOT / "tests" / folder).glob("*.yaml")):
            data = path.read_bytes()
            if len(data) < 20_000:
                texts.append(data.decode("utf-8", "replace"))
    texts.append((ROOT / "plans" / "thurrock-2012-slac.yaml").read_text(encoding="utf-8"))
    texts.append((ROOT / "src" / "planctl" / "templates" / "plan.yaml").read_text(encoding="utf-8"))
    return texts


BASES = _bases()
# The bases read whole without a problem from the reader: most edits keep them so, and
# their versions are read in parts (the property tests below would else test little).
def _in_parts(text: str) -> bool:
    reader = SequenceReader()
    reader.load(text.encode(), PATH)
    return reader.read_whole == 0


CLEAN = [i for i, text in enumerate(BASES) if _in_parts(text)]

# Edits at the top: leads, named dates, themes, plan settings change how items read.
HEAD_EDITS = [
    ("leads:\n", "leads:\n  zz: Head of Zed Services\n"),
    ("  l0: ", "  k0: "),  # the key actions' leads resolve to
    ("  l1: Service Manager QA\n", "  l1:\n    name: Manager of QA\n    aliases: [Service Manager QA]\n"),
    ("plan:\n", "plan:\n  dates:\n    letter: 2012-08-01\n"),
    ("plan:\n", "plan:\n  calendar: scotland\n"),
    ("plan:\n", "plan:\n  year_starts: september\n"),
    ("plan:\n", "themes:\n  care: Care\nplan:\n"),
    ("published: 201", "published: 200"),
    ("bodies:\n", "bodies:\n  XYZ: Extra Committee\n"),
]
# What the splitter must never cut (or cut only to find it cannot read an item alone).
HOSTILE = [
    "  - &a id: x\n", "    text: *a\n", "    text: !!str x\n", "\ttext: x\n", "---\n", "...\n",
    "%YAML 1.2\n", "    text: \"two\n", "  - \"open\n", "    actions: [\n", "  - just text\n",
    "recommendations:\n", "  recommendations:\n", "    text: |+\n      kept\n\n", "? key\n",
    "    text: 'it''s\n", "- x\n", "findings:\n", "  - {id: f, text: flow}\n", "    ]\n",
    "# a comment\n", "\n", "  # indented comment\n", "    progress: a note added\n",
    "    updates:\n      - date: 2012-10-01\n        text: a note\n",
]
BENIGN = HOSTILE[-5:]


def _items(text: str) -> list[tuple[int, int]] | None:
    """(start, end) offsets of each recommendation item, when split finds them."""
    parts = split(text)
    if parts is None:
        return None
    start = len(parts.head)
    out = []
    for _, item in parts.items:
        out.append((start, start + len(item)))
        start += len(item)
    return out


def _line_starts(text: str) -> list[int]:
    return [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]


_KEY_LINE = re.compile(r"^( *)(?:- )?(text|x-[a-z0-9]+): ", re.MULTILINE)


def _benign(text: str, rng: random.Random) -> str:
    """An edit that keeps a plan readable: a key of its own (`x-...`, which planctl skips)
    or a comment added beside a text (lines move), a text changed, a change at the top."""
    found = list(_KEY_LINE.finditer(text))
    kind = rng.randrange(4)
    if kind == 3 or not found:
        old, new = rng.choice(HEAD_EDITS)
        return text if new in text else text.replace(old, new, 1)
    m = rng.choice(found)
    line_end = text.find("\n", m.end())
    line_end = len(text) if line_end < 0 else line_end
    if kind == 2:  # a text changed, where it is plain on its line
        plain = text[m.end():m.end() + 1].isalpha()
        return text[:line_end] + " (revised)" + text[line_end:] if plain else text
    if text[m.end(1):m.end(1) + 2] == "- ":
        return text  # before an item's first key: another item's lines
    added = (f"{m.group(1)}x-n{rng.randrange(10**6)}: a note added\n" if kind == 0
             else f"{m.group(1)}# a comment\n\n")
    return text[:m.start()] + added + text[m.start():]  # a sibling before the key's line


def _edit(text: str, rng: random.Random, hostile: bool = True) -> str:
    if not hostile and rng.random() < 0.6:
        return _benign(text, rng)
    kind = rng.randrange(8) if hostile else rng.choice([0, 0, 1])
    items = _items(text)
    if not hostile and not (items and len(items) > 1):
        return _benign(text, rng)
    if kind <= 2 and items and len(items) > 1:
        i, j = rng.randrange(len(items)), rng.randrange(len(items))
        chunk = text[items[i][0]:items[i][1]]
        rest = text[:items[i][0]] + text[items[i][1]:]
        at = items[j][0] if j < i else items[j][1] - len(chunk)
        if kind == 0:  # move an item
            return rest[:at] + chunk + rest[at:]
        if kind == 1:  # remove one
            return rest
        return text[:items[j][0]] + chunk + text[items[j][0]:]  # copy one (ids twice)
    starts = _line_starts(text)
    at = rng.choice(starts)
    if kind == 3:  # a line added anywhere: lines move, or the text breaks
        return text[:at] + rng.choice(HOSTILE if hostile else BENIGN) + text[at:]
    if kind == 4:  # a change at the top
        old, new = rng.choice(HEAD_EDITS)
        return text.replace(old, new, 1)
    if kind == 5 and text:  # one character changed, to one YAML reads
        k = rng.randrange(len(text))
        return text[:k] + rng.choice(":-# \n'\"[]{}&*!|>?%\t\r\ufeff") + text[k + 1:]
    if kind == 6:  # a line removed
        i = rng.randrange(len(starts))
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        return text[:starts[i]] + text[end:]
    # an item's line duplicated with its indentation (an update or note added)
    i = rng.randrange(len(starts))
    end = starts[i + 1] if i + 1 < len(starts) else len(text)
    return text[:end] + text[starts[i]:end] + text[end:]


def _same(reader: SequenceReader, data: bytes | str, path: str = PATH) -> None:
    got = reader.load(data, path)
    want = load_text(data, path)
    assert got[0] == want[0]
    assert got[1] == want[1]  # the same problems (code, message, file:line:col), in order
    assert got[2] == want[2]


def _story(base: int, seed: int, steps: int, hostile: bool) -> SequenceReader:
    rng = random.Random(seed)
    reader = SequenceReader()
    text = BASES[base]
    _same(reader, text.encode())
    for _ in range(steps):
        text = _edit(text, rng, hostile)
        _same(reader, text.encode())
    return reader


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(CLEAN), seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 12))
def test_each_version_of_an_edited_plan_reads_as_load_text_reads_it(base, seed, steps):
    """Items moved, removed, copied; lines, notes and updates added; leads, named dates,
    calendars and themes changed at the top."""
    _story(base, seed, steps, hostile=False)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(range(len(BASES))), seed=st.integers(0, 2**32 - 1),
       steps=st.integers(1, 12))
def test_each_version_of_a_hostile_edit_reads_as_load_text_reads_it(base, seed, steps):
    """The same with anchors, tags, tabs, CRs, markers, open quotes and flows, items that
    are not mappings and characters changed at random, from every corpus file."""
    _story(base, seed, steps, hostile=True)


def test_the_edits_above_are_mostly_read_in_parts():
    """The property tests test the parts reader, not only its way out to load_text."""
    versions = whole = 0
    for seed in range(40):
        reader = _story(CLEAN[seed % len(CLEAN)], seed, 8, hostile=False)
        versions, whole = versions + 9, whole + reader.read_whole
    assert len(CLEAN) >= 6 and whole < versions / 3
    # the generated plans, the bench plan, without ids, with leads after the recommendations
    assert set(range(6)) <= set(CLEAN)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 30))
def test_versions_read_in_any_order_and_revisited_read_as_load_text(seed, steps):
    """Reverts and jumps: an item kept from a version far back, at another line now."""
    rng = random.Random(seed)
    versions = [BASES[0]]
    for _ in range(steps):
        versions.append(_edit(rng.choice(versions), rng))
    reader = SequenceReader(limit=8)  # a small table: generations turn over
    for _ in range(steps * 2):
        _same(reader, rng.choice(versions).encode(), rng.choice([PATH, "plans/q.yaml"]))


def test_a_history_of_one_change_a_commit_parses_only_what_changed():
    plan = BenchPlan(200)
    reader = SequenceReader()
    for n in range(60):
        if n:
            plan.edit(n, date(2012, 10, 1 + n % 28))
        _same(reader, plan.text().encode())
    assert reader.read_whole == 0
    assert reader.items_read <= 40 + 60  # the first version's 40, then about one a commit


@pytest.mark.parametrize("text", [
    "\ufeffplan:\n  title: T\nrecommendations:\n  - text: R\n",
    "plan:\n  title: T\nrecommendations:\n  - text: R\n  \tactions: []\n",
    "plan:\r\n  title: T\r\nrecommendations:\r\n  - text: R\r\n",
    "---\nplan:\n  title: T\nrecommendations:\n  - text: R\n",
    "plan:\n  title: T\nrecommendations:\n  - text: R\n...\n",
    "plan: &p\n  title: T\nrecommendations:\n  - text: R\n",
    "plan:\n  title: T\nrecommendations:\n  - text: *p\n",
    "plan:\n  title: !!str T\nrecommendations:\n  - text: R\n",
    "plan:\n  title: T\nrecommendations:\n  - text: R\nrecommendations:\n  - text: S\n",
    "plan:\n  title: T\n  recommendations:\n  - text: R\n",
    "plan:\n  title: T\nrecommendations: [{text: R}]\n",
    "plan:\n  title: T\nrecommendations:\n  - text: |+\n      R\n\n",
    "plan:\n  title: T\nrecommendations:\n? - text: R\n",
    "plan:\n  title: T\nrecommendations:\n  text: R\n",
])
def test_the_splitter_refuses_what_it_cannot_prove(text):
    assert split(text) is None
    _same(SequenceReader(), text.encode())


@pytest.mark.parametrize("text", [
    # a flow collection from one item into the next
    "plan:\n  title: T\nrecommendations:\n  - text: R\n    actions: [\n  - text: S\n    ]\n",
    # a quoted scalar over an item's line
    "plan:\n  title: T\nrecommendations:\n  - text: \"R\n  - text: S\"\n",
    # an item that is not a mapping
    "plan:\n  title: T\nrecommendations:\n  - just text\n  - text: S\n",
    # the title's quote open over the `recommendations:` line
    "plan:\n  title: \"T\nrecommendations:\n  - text: R\nx: \"\n",
    "plan:\n  title: \"T\nrecommendations:\n  - text: R\nx: \"\nrecommendations: []\n",
    # an id twice, an action id twice across items
    "plan:\n  title: T\nrecommendations:\n  - id: a\n    text: R\n  - id: a\n    text: S\n",
    "plan:\n  title: T\nrecommendations:\n  - text: R\n    actions:\n      - id: x\n        text: A\n"
    "  - text: S\n    actions:\n      - id: x\n        text: B\n",
])
def test_what_cannot_be_read_in_parts_is_read_whole(text):
    reader = SequenceReader()
    _same(reader, text.encode())
    assert reader.read_whole == 1


@pytest.mark.parametrize("text", [
    # items at the key's own indentation, comments and blank lines between them
    "plan:\n  title: T\nrecommendations:\n- id: a\n  text: R\n\n# next\n- id: b\n  text: S\n",
    # a comment after the key, a key after the items, a block scalar in an item
    "plan:\n  title: T\nrecommendations:  # all of them\n  - text: |\n      R\n\n      more\n"
    "    actions:\n      - text: A\n        due: 31.12.12\nthemes:\n  t: Theme\n",
    # folded text as bench/generate.py writes it, leads after the items
    "plan:\n  title: T\nrecommendations:\n  - text: >-\n      R\n      more\n    actions:\n"
    "      - text: A\n        lead: x\nleads:\n  x: Head of X\n",
])
def test_plain_layouts_are_read_in_parts(text):
    reader = SequenceReader()
    _same(reader, text.encode())
    assert reader.read_whole == 0 and reader.items_read >= 1


def test_switched_off_it_reads_every_version_whole():
    reader = SequenceReader(split=False)
    _same(reader, BASES[0].encode())
    assert reader.items_read == 0 and reader.read_whole == 1


# -- what a user sees: `history` on a cold cache, parts reader on or off -------------------


def test_history_on_a_cold_cache_is_the_same_with_the_parts_reader_off(tmp_path, git_repo, run,
                                                                       monkeypatch):
    from planctl.store.gitstore import versions

    plans = tmp_path / "plans"
    plans.mkdir()
    plan = BenchPlan(30)
    rng = random.Random(25)
    for n in range(24):
        if n:
            plan.edit(n, date(2012, 10, 1 + n))
        text = plan.text()
        if n % 6 == 5:  # items moved, a line added at the top, or a version that breaks
            text = [_edit(text, rng, hostile=False), text.replace("plan:\n", "plan:\n  x-a: 1\n"),
                    text.replace("  - id: \"2\"", "  - id: \"2\n"), text][n // 6]
        (plans / "p.yaml").write_text(text, encoding="utf-8")
        git_repo("add", "plans")
        git_repo("commit", "-q", "--allow-empty", "-m", f"Change {n}",
                 date=f"2012-10-{1 + n:02d}T10:00:00+01:00")
    outputs = []
    for on in (True, False):
        monkeypatch.setattr(versions, "READ_CHANGED_ONLY", on)
        result = run("history", "--format", "json", env={"XDG_CACHE_HOME": str(tmp_path / f"c{on}")})
        assert result.exit_code == 0, result.stderr
        outputs.append((result.stdout, result.stderr))
    assert outputs[0] == outputs[1]
    assert "could not be read as a plan" in outputs[0][1]  # the broken version: said the same


# -- versions kept in parts along a walk (store/cache/parts.py) ----------------------------


def _kept_story(n: int = 30):
    plan = BenchPlan(40)
    out = []
    for k in range(n):
        if k:
            plan.edit(k, date(2012, 10, 1 + k % 28))
        text = plan.text()
        if k % 7 == 3:  # an unreadable version among them
            text = text.replace("plan:\n", "plan: [\n", 1)
        out.append((f"{k:040x}", load_text(text.encode(), PATH)))
    return out


def _equal(got, want) -> None:
    assert got is not None
    assert (got[0], got[1], got[2]) == (want[0], want[1], want[2])


def test_a_walk_keeps_one_entry_per_version_and_reads_each_back(tmp_path):
    from planctl.history.sharing import SharedObjects
    from planctl.store.cache.folder import cache_dir
    from planctl.store.cache.parts import WalkParts

    story = _kept_story()
    first = WalkParts(SharedObjects())
    for blob, result in story:
        assert first.read(PATH, blob, "p") is None  # cold
        _equal(first.keep(PATH, blob, "p", result), result)
    # one file a version: not one for each recommendation whose lines moved as well
    assert len([p for p in cache_dir().glob("v*/*") if p.is_file()]) == len(story)
    again = WalkParts(SharedObjects())
    for blob, result in story:
        _equal(again.read(PATH, blob, "p"), result)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_versions_read_in_another_order_are_the_versions_or_a_miss(seed):
    """A walk that resumes later, or reverts: a version whose recommendations are neither in
    its entry nor in the version read before it is a miss (read from git again), never
    another plan; kept again, the next walk in that order reads it back."""
    from planctl.history.sharing import SharedObjects
    from planctl.store.cache.parts import WalkParts

    story = _kept_story(12)
    walk = WalkParts(SharedObjects())
    for blob, result in story:
        walk.keep(PATH, blob, "p", result)
    rng = random.Random(seed)
    reverts = [rng.randrange(len(story)) for _ in range(12)]
    later = sorted(rng.sample(range(len(story)), rng.randint(1, len(story))))  # a resumed walk
    for order in (reverts, later):
        walk = WalkParts(SharedObjects())
        for i in order:
            blob, result = story[i]
            got = walk.read(PATH, blob, "p")
            if got is None:
                got = walk.keep(PATH, blob, "p", result)
            _equal(got, result)
    walk = WalkParts(SharedObjects())
    for i in later:
        _equal(walk.read(PATH, story[i][0], "p"), story[i][1])

"""bench/generate.py: plans that load cleanly, every timescale form, the same bytes every time."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from planctl.core.evaluate import evaluate
from planctl.core.model import STATUS_VALUES
from planctl.store.files import load_paths

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
generate = pytest.importorskip("generate").generate


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen")
    return out, generate(out, 600, 6)


def test_generated_plans_load_with_no_errors(generated):
    out, paths = generated
    result = load_paths([out], use_cache=False)
    assert not result.errors, result.errors[:3]
    assert len(result.plans) == 6 == len(paths)
    assert sum(1 for p in result.plans for _ in p.actions) == 600
    assert {p.code for p in result.problems} <= {"W104"}  # TBC is the only warning


def test_every_timescale_form_occurs(generated):
    out, paths = generated
    text = "\n".join(p.read_text(encoding="utf-8") for p in paths)
    for form in ('"By ', "Immediate", "within ", "ongoing", "TBC", "Initial report by",
                 "First report by", "repeat:", "reported:", "milestones:", "Report to ",
                 "/20", "-20", " 20"):
        assert form in text, form
    result = load_paths([out], use_cache=False)
    actions = [a for p in result.plans for a in p.actions]
    assert any(a.timescale and a.timescale.tbc for a in actions)
    assert any(a.timescale and a.timescale.ongoing and not a.timescale.deadlines for a in actions)
    assert any(a.timescale and a.timescale.ongoing and a.timescale.deadlines for a in actions)
    assert any(a.timescale and len(a.timescale.deadlines) == 2 for a in actions)
    assert any(a.repeat for a in actions)
    assert any(len(a.leads) == 2 for a in actions)
    assert any(a.updates for a in actions)


def test_every_status_occurs_at_the_bench_date(generated):
    out, _ = generated
    from datetime import date

    result = load_paths([out], use_cache=False)
    statuses = {row.status for row in evaluate(result.plans, date(2014, 1, 1))}
    assert statuses == set(STATUS_VALUES)


def test_the_same_arguments_give_the_same_bytes(tmp_path):
    first = generate(tmp_path / "a", 250, 3)
    second = generate(tmp_path / "b", 250, 3)
    assert [p.name for p in first] == [p.name for p in second]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    other_seed = generate(tmp_path / "c", 250, 3, seed=7)
    assert [p.read_bytes() for p in other_seed] != [p.read_bytes() for p in first]


def test_actions_are_spread_over_the_files(tmp_path):
    paths = generate(tmp_path, 103, 10)
    result = load_paths([tmp_path], use_cache=False)
    counts = sorted(sum(1 for _ in p.actions) for p in result.plans)
    assert len(paths) == 10 and counts[0] == 10 and counts[-1] == 11 and sum(counts) == 103


@pytest.mark.slow  # 2,100 actions: a few seconds
def test_loading_leaves_the_processs_garbage_collector_as_it_was(tmp_path):
    """Library code never retunes the collector for the whole process (only `planctl`'s
    entry point does, for its own short run): a program that loads plans keeps its gc."""
    import gc

    generate(tmp_path, 2100, 3)  # above any "large load" threshold
    before = (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count())
    try:
        result = load_paths([tmp_path], use_cache=False)
        after = (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count())
    finally:
        gc.unfreeze()
        gc.enable()
    assert sum(1 for p in result.plans for _ in p.actions) == 2100
    assert after == before

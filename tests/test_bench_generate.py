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


# bench/run.py and bench/bench_history.py: the instrument itself (never timed here)

def _load_bench_module(name: str):
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"planctl_bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench_run():
    return _load_bench_module("run")


def test_only_takes_row_numbers_and_names(bench_run):
    assert bench_run.parse_rows(None) == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert bench_run.parse_rows(["today"]) == [9]
    assert bench_run.parse_rows(["warm,7", "Files"]) == [1, 7, 8]
    assert bench_run.parse_rows([" 2 , ,cold"]) == [2]
    for bad in (["10"], ["0"], ["warmest"], ["1,x"]):
        with pytest.raises(ValueError):
            bench_run.parse_rows(bad)
    with pytest.raises(SystemExit) as exc:
        bench_run.main(["--only", "nine"])
    assert exc.value.code == 2


def test_growth_is_linear_plus_a_tenth_whatever_the_step(bench_run):
    assert bench_run.growth_limit(2000, 20000) == 11
    assert bench_run.growth_limit(20000, 100000) == 5.5
    assert bench_run.growth_limit(100, 100) == 1.1


def test_verdicts(bench_run):
    def f(**kw):
        return {"kind": "ratio", "planctl": 1.0, "ratio": None, "limit": 1.0, "skipped": False, **kw}

    assert bench_run.verdict(f(ratio=0.59, limit=0.6)) == "yes"
    assert bench_run.verdict(f(ratio=0.61, limit=0.6)) == "NO"
    assert bench_run.verdict(f(ratio=None)) == "-"  # no baseline (Taskwarrior missing)
    assert bench_run.verdict(f(kind="value", planctl=150.0, limit=150)) == "yes"
    assert bench_run.verdict(f(kind="value", planctl=151.0, limit=150)) == "NO"
    assert bench_run.verdict(f(skipped=True, planctl=None)) == "skipped"


@pytest.mark.skipif(not Path("/usr/bin/time").exists(), reason="needs GNU time")
def test_a_childs_peak_memory_is_its_own_not_the_bench_processs(bench_run):
    """Linux gives a child at least its parent's size as peak: a bench holding 100k tasks
    would report every small command as large."""
    import os

    ballast = b"x" * (200 * 1024 * 1024)
    _, peak_kb = bench_run.run_once(["true"], dict(os.environ))
    assert len(ballast) and peak_kb < 50 * 1024


def test_the_history_builder_makes_one_commit_per_edit_and_every_version_loads(tmp_path):
    import subprocess

    history = _load_bench_module("bench_history")
    seen = []
    history.build(tmp_path / "repo", 7, progress=lambda n, total: seen.append((n, total)))
    repo = tmp_path / "repo"
    revs = subprocess.run(["git", "rev-list", "HEAD"], cwd=repo, capture_output=True, text=True,
                          check=True).stdout.split()
    assert len(revs) == 7
    versions = {subprocess.run(["git", "show", f"{rev}:{history.PATH}"], cwd=repo,
                               capture_output=True, check=True).stdout for rev in revs}
    assert len(versions) == 7  # every commit changes the plan
    for n, data in enumerate(versions):
        path = tmp_path / "versions" / f"v{n}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        result = load_paths([path], use_cache=False)
        assert not result.errors and sum(1 for _ in result.plans[0].actions) == 200
    assert (repo / history.PATH).read_bytes() in versions  # the work tree is checked out
    assert seen == []  # progress every 1,000 commits only


@pytest.mark.skipif(not Path("/usr/bin/time").exists(), reason="needs GNU time")
def test_a_memory_figure_can_count_the_first_run_that_fills_a_cache(bench_run, tmp_path):
    import os

    # large on its first run only, as a command that fills a cache can be
    script = ("import os, sys\nx = b'x' * (80 << 20) if not os.path.exists(sys.argv[1]) else b''\n"
              "open(sys.argv[1], 'a').close()\n")
    peaks = []
    for n, with_warmup in enumerate((False, True)):
        marker = tmp_path / f"filled-{n}"
        group = {"cmd": ([sys.executable, "-c", script, str(marker)], dict(os.environ), None, None)}
        peaks.append(bench_run.measure(group, 1, peak_of_warmup=with_warmup)["cmd"]["peak_kb"])
    assert peaks[0] < 60 * 1024 < 80 * 1024 <= peaks[1]

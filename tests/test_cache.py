"""The parse cache: same results with or without it, and never fooled by a bad entry."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from planctl.format.reader import load_text
from planctl.store import cache
from planctl.store.files import load_paths

# A plan with errors and warnings on known lines (unknown key, bad date, unknown lead, TBC).
MIXED = """\
plan:
  title: Mixed plan
  inspection:
    published: 2012-07-27
leads:
  sm-qa: Service Manager QA
recommendations:
  - id: "1"
    text: Audit
    actions:
      - text: Audit files
        due: By 31.9.12
        lead: sm-qa
      - text: Report to the board
        due: TBC
        lead: Somebody Else
        colour: red
      - text: Done already
        due: 27.7.12
        lead: SM QA
        status: completed
"""

GOOD = """\
plan:
  title: Good plan
  inspection:
    published: 2012-07-27
leads:
  sm-qa: Service Manager QA
recommendations:
  - text: Audit
    actions:
      - text: Audit files
        due: By 14.9.12
        lead: sm-qa
"""


def entries() -> list[Path]:
    return sorted(p for p in cache.cache_dir().glob("v*/*") if not p.name.startswith("."))


def located(result):
    return sorted((p.path, p.line, p.column, p.code, p.message, p.severity) for p in result.problems)


def test_problems_and_lines_are_the_same_with_and_without_the_cache(write_plan):
    path = write_plan(MIXED)
    off = load_paths([path], use_cache=False)
    assert not entries()
    first = load_paths([path])  # fills the cache
    assert len(entries()) == 1
    second = load_paths([path])  # read from it
    assert located(off) == located(first) == located(second)
    codes = {p.code for p in off.problems}
    assert {"W123", "E012", "W101", "W104"} <= codes  # errors and warnings, with lines
    assert all(p.line > 1 for p in off.problems)
    assert off.plans == first.plans == second.plans


def test_check_prints_the_same_with_a_warm_cache_and_with_no_cache(run, write_plan):
    write_plan(MIXED)
    cold = run("check")
    warm = run("check")
    uncached = run("check", "--no-cache")
    assert cold.exit_code == warm.exit_code == uncached.exit_code == 1
    assert cold.stdout == warm.stdout == uncached.stdout
    assert "p.yaml:12:" in cold.stdout  # the bad date's line


def test_status_json_is_the_same_warm_and_cold(run, bundled):
    cold = run("status", "--format", "json", "--today", "2012-10-09")
    assert entries()
    warm = run("status", "--format", "json", "--today", "2012-10-09")
    assert json.loads(cold.stdout) == json.loads(warm.stdout)
    assert cold.stdout == warm.stdout


def test_no_cache_option_and_environment_leave_the_cache_folder_empty(run, bundled, monkeypatch):
    assert run("status", "--no-cache").exit_code == 0
    assert run("--no-cache", "overdue").exit_code == 0
    assert not entries()
    monkeypatch.setenv("PLANCTL_NO_CACHE", "1")
    assert run("status").exit_code == 0
    assert not entries()
    monkeypatch.setenv("PLANCTL_NO_CACHE", "0")
    assert run("status").exit_code == 0
    assert entries()


def _settled(path: Path) -> Path:
    """Wait until the file's stat can be trusted (see cache.Index): its ctime, which no
    tool sets back, a little over a second old. The mtime is set back an hour as `cp -p`
    would, which must not matter."""
    hour_ago = path.stat().st_mtime_ns - 3600 * 10**9
    os.utime(path, ns=(hour_ago, hour_ago))
    wait = path.stat().st_ctime_ns + 1_100_000_000 - time.time_ns()
    if wait > 0:
        time.sleep(wait / 1e9)
    return path


def test_a_file_whose_stat_is_unchanged_is_served_from_the_index(write_plan):
    path = _settled(write_plan(GOOD))
    load_paths([path])
    (index,) = entries()
    assert index.name.startswith("index-")
    before = index.stat().st_mtime_ns, index.read_bytes()
    again = load_paths([path])
    assert (index.stat().st_mtime_ns, index.read_bytes()) == before  # read, not rewritten
    assert [a.text for a in again.plans[0].actions] == ["Audit files"]


def test_a_file_changed_at_the_same_size_and_mtime_is_read_again(write_plan):
    """Same size, mtime put back: the stat still differs (ctime), so the bytes are hashed."""
    path = _settled(write_plan(GOOD))
    assert load_paths([path]).plans[0].title == "Good plan"
    mtime = path.stat().st_mtime_ns
    path.write_text(GOOD.replace("Good plan", "Nice plan"), encoding="utf-8")
    os.utime(path, ns=(mtime, mtime))
    assert path.stat().st_size == len(GOOD.encode())
    assert load_paths([path]).plans[0].title == "Nice plan"


def test_a_file_just_written_is_hashed_until_its_stat_can_be_trusted(write_plan):
    """A file changed within the timestamp granularity is not trusted on its stat: the
    index is written again (with the same entry) until the file has settled."""
    path = write_plan(GOOD)
    load_paths([path])
    (index,) = entries()
    first = index.read_bytes()
    assert load_paths([path]).plans[0].title == "Good plan"
    assert index.read_bytes() != first  # hashed and noted again (a new time), not trusted
    _settled(path)
    load_paths([path])
    settled = index.read_bytes()
    load_paths([path])
    assert index.read_bytes() == settled


def test_a_changed_file_is_read_again(write_plan):
    path = write_plan(GOOD)
    assert load_paths([path]).plans[0].title == "Good plan"
    write_plan(GOOD.replace("Good plan", "Better plan"))
    result = load_paths([path])
    assert result.plans[0].title == "Better plan"
    assert len(entries()) == 1  # the one index, rewritten


def test_a_file_that_went_away_leaves_the_index(write_plan):
    north, south = write_plan(GOOD, "north.yaml"), write_plan(GOOD, "south.yaml")
    folder = north.parent
    assert [p.id for p in load_paths([folder]).plans] == ["north", "south"]
    south.unlink()
    assert [p.id for p in load_paths([folder]).plans] == ["north"]
    (index,) = entries()
    assert b"south.yaml" not in index.read_bytes()


def test_the_same_content_at_another_path_carries_that_path_and_id(tmp_path, write_plan):
    first = write_plan(MIXED, "north.yaml")
    other = tmp_path / "elsewhere"
    other.mkdir()
    second = other / "south.yaml"
    second.write_bytes(first.read_bytes())
    a = load_paths([first])
    b = load_paths([second])
    assert a.plans[0].id == "north" and b.plans[0].id == "south"
    assert a.plans[0].path == str(first) and b.plans[0].path == str(second)
    assert {p.path for p in b.problems} == {str(second)}
    assert [(p.line, p.code) for p in sorted(a.problems)] == [(p.line, p.code) for p in sorted(b.problems)]
    assert {a2.plan for a2 in b.plans[0].actions} == {"south"}


def _damage(good: bytes, damage: str) -> bytes:
    if damage == "flip a byte":
        return good[:-20] + bytes([good[-20] ^ 0x55]) + good[-19:]
    if damage == "truncate":
        return good[: len(good) // 2]
    if damage == "empty":
        return b""
    if damage == "garbage":
        return os.urandom(len(good))
    return good.replace(b"planctl-", b"planctl_", 1)


DAMAGE = ["flip a byte", "truncate", "empty", "garbage", "bad header"]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_or_truncated_index_is_ignored_and_rebuilt(write_plan, damage):
    path = _settled(write_plan(MIXED))
    expected = load_paths([path], use_cache=False)
    load_paths([path])
    (index,) = entries()
    good = index.read_bytes()
    index.write_bytes(_damage(good, damage))
    result = load_paths([path])
    assert located(result) == located(expected)
    assert result.plans == expected.plans
    rebuilt = index.read_bytes()
    load_paths([path])
    assert index.read_bytes() == rebuilt  # whole again: now it serves without a rewrite


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_or_truncated_entry_is_ignored_and_rebuilt(damage):
    data = MIXED.encode()
    expected = load_text(data, "plans/p.yaml")
    cache.load_cached(data, "plans/p.yaml", content_id="0123abcd")
    (entry,) = entries()
    good = entry.read_bytes()
    entry.write_bytes(_damage(good, damage))
    result = cache.load_cached(data, "plans/p.yaml", content_id="0123abcd")
    assert result[0] == expected[0] and sorted(result[1]) == sorted(expected[1])
    assert entry.read_bytes() == good  # rebuilt


def test_an_index_with_valid_digests_but_undecodable_contents_is_rebuilt(write_plan):
    """What passes every digest is still checked: a forged table or entry is a miss."""
    import hashlib
    import zlib

    import msgspec

    from planctl.store.cache.index import stat_key as index_stat_key

    path = _settled(write_plan(GOOD))
    load_paths([path])
    (index,) = entries()
    good = index.read_bytes()
    header = good[: good.index(b"\n", len(cache.INDEX_MAGIC)) + 1]
    stat_key = index_stat_key(path.stat())
    digest = hashlib.blake2b(path.read_bytes(), digest_size=32).digest()

    def forge(files, entry: bytes = b"") -> bytes:
        table = msgspec.msgpack.encode((0, files))
        return (header + entry + table + hashlib.blake2b(table, digest_size=32).digest()
                + len(table).to_bytes(8, "big"))

    # The layout forged here is the one written: the real index, taken apart, is whole again.
    size = int.from_bytes(good[-8:], "big")
    table = good[-40 - size:-40]
    assert (header + good[len(header):-40 - size] + table
            + hashlib.blake2b(table, digest_size=32).digest() + good[-8:]) == good

    def entry_digest(entry: bytes) -> bytes:  # the check the table keeps: CRC-32
        return zlib.crc32(entry).to_bytes(4, "big")

    not_a_plan = msgspec.msgpack.encode(("not", "a", "plan"))
    for forged in (forge({str(path): (stat_key, digest, 0, len(not_a_plan),
                                      entry_digest(not_a_plan))}, not_a_plan),
                   forge({str(path): (stat_key, digest, 0, 11, entry_digest(b"not msgpack"))},
                         b"not msgpack"),
                   forge({str(path): (stat_key, digest, 10**6, 5, b"")}),  # past the end
                   forge({str(path): (stat_key, digest, -1, -5, b"")}),
                   forge({str(path): 5}), forge(["not a dict"])):
        index.write_bytes(forged)
        assert load_paths([path]).plans[0].title == "Good plan"


def test_a_stale_index_from_another_reader_is_not_used(write_plan, monkeypatch):
    """The reader's stamp (what the modules of core/, format/ and the codec are) keys the
    index: an index written by another reader is not found, nor used where it is found."""
    from planctl.store.cache import stamp

    path = _settled(write_plan(GOOD))
    monkeypatch.setattr(stamp, "_stamp", "another reader")
    load_paths([path])
    (old_index,) = entries()
    old_name, old_bytes = old_index.name, old_index.read_bytes()
    monkeypatch.setattr(stamp, "_stamp", None)
    load_paths([path])
    current = [e for e in entries() if e.name != old_name]
    assert len(current) == 1
    # Make the stale index sit exactly where the current reader looks, too.
    current[0].write_bytes(old_bytes)
    write_plan(GOOD.replace("Good plan", "Newer plan"))
    assert load_paths([path]).plans[0].title == "Newer plan"


def test_a_changed_module_of_the_reader_changes_the_stamp(tmp_path, monkeypatch):
    """An edit to core/ or format/ (no version bump) meets no old entry."""
    from planctl.store.cache import stamp

    package = tmp_path / "planctl"
    for folder in ("core", "format", "store/cache"):
        (package / folder).mkdir(parents=True)
        (package / folder / "m.py").write_text("x = 1\n")
    monkeypatch.setattr(stamp, "_PACKAGE", package)
    monkeypatch.setattr(stamp, "_stamp", None)
    before = stamp.loader_stamp()
    (package / "core" / "m.py").write_text("x = 22\n")
    monkeypatch.setattr(stamp, "_stamp", None)
    assert stamp.loader_stamp() != before


def test_the_cache_folder_is_private(write_plan):
    load_paths([write_plan(GOOD)])
    for folder in (cache.cache_dir(), cache.cache_dir() / f"v{cache.FORMAT_VERSION}"):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0


def test_a_folder_others_can_write_to_is_not_used(write_plan):
    from planctl.store.cache.folder import checked as folder_checks

    folder = cache.cache_dir()
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    folder_checks.clear()
    try:
        result = load_paths([write_plan(GOOD)])
    finally:
        folder_checks.clear()
    assert result.plans[0].title == "Good plan"
    assert not entries()


def test_load_cached_keyed_by_a_blob_id_gives_load_texts_result(tmp_path):
    data = MIXED.encode()
    direct = load_text(data, "plans/p.yaml")
    via = cache.load_cached(data, "plans/p.yaml", content_id="0123abcd")
    again = cache.load_cached(data, "plans/p.yaml", content_id="0123abcd")
    assert via[0] == direct[0] == again[0]
    assert sorted(via[1]) == sorted(direct[1]) == sorted(again[1])
    assert via[2] == direct[2] is False
    assert len(entries()) == 1


def test_comparison_files_and_unreadable_yaml_round_trip(tmp_path):
    comparison = b"comparison:\n  title: x\n"
    assert cache.load_cached(comparison, "c.yaml") == cache.load_cached(comparison, "c.yaml")
    assert cache.load_cached(comparison, "c.yaml")[2] is True
    broken = b"plan: [unclosed\n"
    first, second = cache.load_cached(broken, "b.yaml"), cache.load_cached(broken, "b.yaml")
    assert first[0] is None and second[0] is None
    assert [(p.line, p.code) for p in first[1]] == [(p.line, p.code) for p in second[1]]
    assert first[1] and first[1][0].code.startswith("E")


def test_a_read_only_cache_folder_does_not_stop_planctl(write_plan):
    folder = cache.cache_dir() / f"v{cache.FORMAT_VERSION}"
    folder.mkdir(parents=True, mode=0o700)
    folder.chmod(0o500)
    try:
        result = load_paths([write_plan(GOOD)])
    finally:
        folder.chmod(0o700)
    assert result.plans[0].title == "Good plan"


def test_a_changed_loader_does_not_meet_old_entries(write_plan, monkeypatch):
    from planctl.store.cache import stamp

    path = write_plan(GOOD)
    monkeypatch.setattr(stamp, "_stamp", "the loader before an edit")
    load_paths([path])
    monkeypatch.setattr(stamp, "_stamp", "the loader after an edit")
    result = load_paths([path])
    assert result.plans[0].title == "Good plan"
    assert len(entries()) == 2  # parsed again, not served from the old loader's index


# -- the codec covers every field of the model, whoever adds one ---------------------------

def _sample(tp, where: str, depth: int = 0):
    """A value of type tp, unlike any default, built from the type alone."""
    import types
    import typing
    from datetime import date

    import msgspec

    args = typing.get_args(tp)
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        return _sample(next(a for a in args if a is not type(None)), where, depth)
    if tp is str:
        return f"{where} \u2028 value"
    if typing.get_origin(tp) is typing.Literal:  # the last choice: unlike any default
        return args[-1]
    if tp is bool:
        return True
    if tp is int:
        return 1000 + len(where)
    if tp is float:
        return 0.5
    if tp is date:
        return date(2013, 2, 3 + depth)
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        return tp(**{f.name: _sample(f.type, f"{tp.__name__}.{f.name}", depth + 1)
                     for f in msgspec.structs.fields(tp)})
    if typing.get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis:
        return (_sample(args[0], where + "[0]", depth), _sample(args[0], where + "[1]", depth + 1))
    if typing.get_origin(tp) is tuple:
        return tuple(_sample(a, f"{where}[{i}]", depth) for i, a in enumerate(args))
    if typing.get_origin(tp) is dict:
        return {_sample(args[0], where + ".key"): _sample(args[1], where + ".value")}
    raise AssertionError(f"{where}: no sample for {tp}; teach this test and store/cache/codec.py the type")


def _fields_of(obj, where="plan"):
    """Every (path, value) of every field, recursively: so compare=False fields count too."""
    import msgspec

    if isinstance(obj, msgspec.Struct):
        for f in msgspec.structs.fields(obj):
            yield from _fields_of(getattr(obj, f.name), f"{where}.{f.name}")
    elif isinstance(obj, tuple):
        for i, x in enumerate(obj):
            yield from _fields_of(x, f"{where}[{i}]")
    else:
        yield where, type(obj), obj


def test_every_field_of_every_model_class_round_trips_through_the_cache():
    """A field added to the model (by anyone) is cached, or this fails naming it."""
    from planctl.core.errors import Problem
    from planctl.core.model import Plan

    plan = _sample(Plan, "Plan")
    problems = [Problem("p.yaml", 3, 5, "W101", "a \u2028 message", "warning")]
    payload = cache.encode((plan, problems, False))
    assert payload is not None, "the cache cannot encode the model (store/cache/codec.py)"
    back, back_problems, is_comparison = cache.decode(payload)
    assert list(_fields_of(back)) == list(_fields_of(plan))
    from planctl.history.sharing import SharedObjects

    assert list(_fields_of(cache.decode(payload, SharedObjects())[0])) == list(_fields_of(plan))
    assert back == plan and back_problems == problems and is_comparison is False


def _as_maps(obj):
    """The model as 0.4's entries wrote it: each object a map of its fields' names to values."""
    import msgspec

    if isinstance(obj, msgspec.Struct):
        return {f.name: _as_maps(getattr(obj, f.name)) for f in msgspec.structs.fields(obj)}
    if isinstance(obj, tuple | list):
        return [_as_maps(x) for x in obj]
    return obj


def test_an_entry_in_the_layout_of_0_4_is_a_miss_never_misread():
    """0.4 wrote each object as a map of its fields; entries now hold arrays. An old payload
    is refused (a miss: the file is read again), whole or through the shared decoding."""
    import msgspec

    from planctl.core.errors import Problem
    from planctl.core.model import Plan
    from planctl.history.sharing import SharedObjects

    plan = _sample(Plan, "Plan")
    problems = [Problem("p.yaml", 3, 5, "W101", "a message", "warning")]
    old = msgspec.msgpack.encode([_as_maps(plan), _as_maps(problems), False])
    for share in (None, SharedObjects()):
        with pytest.raises(msgspec.ValidationError):
            cache.decode(old, share)
    assert cache.decode(cache.encode((plan, problems, False)))[0] == plan


def test_the_models_shape_is_part_of_the_key():
    """An entry written for another shape of the model is never decoded into this one: the
    modules of every model class are in the reader's stamp, which keys every entry."""
    import sys

    import msgspec

    from planctl.core.model import Plan
    from planctl.store.cache.stamp import loader_stamp

    def classes(cls, seen):
        for f in msgspec.structs.fields(cls):
            for tp in vars(sys.modules[cls.__module__]).values():
                if isinstance(tp, type) and issubclass(tp, msgspec.Struct) and tp.__name__ in str(f.type) \
                        and tp not in seen:
                    seen.add(tp)
                    classes(tp, seen)
        return seen

    for cls in classes(Plan, {Plan}):
        module = cls.__module__.removeprefix("planctl.").replace(".", "/") + ".py"
        assert module in loader_stamp(), module


def test_shared_decoding_gives_the_whole_decode():
    """Decoding through an Interner (the history's) gives exactly the plan decoded whole."""
    from planctl.history.sharing import SharedObjects

    payload = cache.encode(load_text(MIXED.encode(), "plans/p.yaml"))
    assert payload is not None
    share = SharedObjects()
    assert cache.decode(payload, share) == cache.decode(payload) == cache.decode(payload, share)


def test_a_rewritten_index_keeps_the_entries_it_served(write_plan):
    """Entries are let go once decoded; when one file changes the others' entries are
    found again (from the index as written, or encoded again if it went away)."""
    north, south = _settled(write_plan(GOOD, "north.yaml")), _settled(write_plan(MIXED, "south.yaml"))
    folder = north.parent
    expected = load_paths([folder], use_cache=False)
    load_paths([folder])
    (index,) = entries()
    _settled(write_plan(GOOD.replace("Good plan", "Other plan"), "north.yaml"))
    assert [p.title for p in load_paths([folder]).plans] == ["Other plan", "Mixed plan"]
    rewritten = index.read_bytes()
    again = load_paths([folder])
    assert index.read_bytes() == rewritten  # both served: nothing parsed, nothing rewritten
    assert again.plans[1] == expected.plans[1] and located(again) == located(
        load_paths([folder], use_cache=False))
    # The index replaced under a run that must rewrite it: the served entries are encoded.
    roots = [f"{folder}\0{os.path.abspath(folder)}"]
    idx = cache.Index(roots)
    for path in (north, south):
        assert idx.load(str(path), path.stat(), path.read_bytes) is not None
    idx.changed = True
    index.unlink()
    idx.save()
    before = index.read_bytes()
    served = load_paths([folder])
    assert index.read_bytes() == before  # every entry was in it
    assert served.plans[1] == expected.plans[1]


def test_unfinished_cache_files_of_killed_runs_are_removed(write_plan):
    """A run killed while writing leaves its temporary file; the next write removes it
    (its process is gone), and never one whose process is alive."""
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    folder = cache.cache_dir() / f"v{cache.FORMAT_VERSION}"
    folder.mkdir(parents=True, mode=0o700)
    dead = folder / f".index-{'ab' * 20}.{gone.pid}.tmp"
    alive = folder / f".index-{'cd' * 20}.{os.getpid()}.tmp"
    dead.write_bytes(b"half an index")
    alive.write_bytes(b"being written")
    load_paths([write_plan(GOOD)])
    assert not dead.exists() and alive.exists()


def _rewrite_in_place(path: Path, text: str, mtime_ns: int) -> None:
    """Write `text` into the same inode and put the mtime back, as `cp -p`, `rsync -t` or
    `touch -r` would after an editor's save."""
    with open(path, "r+b") as fh:
        fh.write(text.encode("utf-8"))
        fh.truncate()
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_a_same_size_rewrite_with_the_mtime_set_back_is_never_served_stale(write_plan):
    """Same second, same size, same mtime, same inode: only the ctime moved (a user tool
    cannot set it back), so the new text is read."""
    path = write_plan(GOOD)
    mtime = path.stat().st_mtime_ns - 3600 * 10**9
    os.utime(path, ns=(mtime, mtime))
    assert load_paths([path]).plans[0].title == "Good plan"
    _rewrite_in_place(path, GOOD.replace("Good plan", "Nice plan"), mtime)
    assert load_paths([path]).plans[0].title == "Nice plan"
    _rewrite_in_place(path, GOOD, mtime)
    assert load_paths([path]).plans[0].title == "Good plan"


def test_an_old_mtime_does_not_make_a_fresh_file_trusted(write_plan):
    """`cp -p` gives a file just written an old mtime: its stat is not trusted (the index
    is written again, with the bytes hashed) until its ctime is a second old."""
    path = write_plan(GOOD)
    mtime = path.stat().st_mtime_ns - 3600 * 10**9
    os.utime(path, ns=(mtime, mtime))
    load_paths([path])
    (index,) = entries()
    first = index.read_bytes()
    load_paths([path])
    assert index.read_bytes() != first  # hashed again, not served on its stat
    _settled(path)
    load_paths([path])
    settled = index.read_bytes()
    load_paths([path])
    assert index.read_bytes() == settled  # now trusted


def _mount_ext2(folder: Path) -> Path:
    """A loop-mounted ext2 with 128-byte inodes (whole-second timestamps, as ext2/ext3
    and many network and FUSE mounts have), or pytest.skip saying why not."""
    import shutil
    import subprocess
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("a loop-mounted ext2 needs Linux")
    if os.geteuid() != 0:
        pytest.skip("mounting a loop ext2 needs root (CI runs as root)")
    mkfs = shutil.which("mkfs.ext2") or shutil.which("mke2fs")
    if mkfs is None or shutil.which("mount") is None:
        pytest.skip("mkfs.ext2 or mount is not installed")
    image, mountpoint = folder / "ext2.img", folder / "ext2"
    mountpoint.mkdir()
    with open(image, "wb") as fh:
        fh.truncate(8 * 1024 * 1024)
    made = subprocess.run([mkfs, "-q", "-F", "-I", "128", str(image)], capture_output=True,
                          text=True)
    if made.returncode != 0:
        pytest.skip(f"mkfs.ext2 failed: {made.stderr.strip()}")
    mounted = subprocess.run(["mount", "-o", "loop", str(image), str(mountpoint)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot loop-mount here (a container without loop devices?): "
                    f"{mounted.stderr.strip()}")
    return mountpoint


def test_a_rewrite_in_the_same_second_on_a_whole_second_filesystem_is_read(tmp_path):
    """ext2 stamps whole seconds: write A with an old mtime, run, then within the same
    second write B of the same size with the same mtime. Every field of the stat is the
    same; the bytes are hashed, so B is served, not A."""
    import subprocess

    mountpoint = _mount_ext2(tmp_path)
    try:
        plans = mountpoint / "plans"
        plans.mkdir()
        path = plans / "p.yaml"
        for _attempt in range(5):  # the steps must share one second: start just after a tick
            time.sleep(1 - time.time() % 1 + 0.01)
            path.write_text(GOOD, encoding="utf-8")
            mtime = (int(time.time()) - 3600) * 10**9
            os.utime(path, ns=(mtime, mtime))
            before = path.stat()
            assert before.st_ctime_ns % 10**9 == 0  # whole seconds, as the test needs
            assert load_paths([plans]).plans[0].title == "Good plan"
            _rewrite_in_place(path, GOOD.replace("Good plan", "Nice plan"), mtime)
            after = path.stat()
            if after.st_ctime_ns == before.st_ctime_ns:
                break
        else:
            pytest.skip("could not rewrite the file within one second")
        assert cache.index.stat_key(after) == cache.index.stat_key(before)
        assert load_paths([plans]).plans[0].title == "Nice plan"
        assert load_paths([plans]).plans[0].title == "Nice plan"  # and on every later run
    finally:
        subprocess.run(["umount", str(mountpoint)], check=False)

"""`-o` for report and import: regular files are replaced atomically, everything else is not.

Standard output (`-`, /dev/stdout), character devices (/dev/null) and pipes are written
into and stay what they were; a symbolic link is refused, never replaced by a file; a
missing folder is made. Real FIFOs, real devices, real subprocesses."""

from __future__ import annotations

import os
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import planctl_exe

AS_AT = "2012-10-09"


def on_stdout(run, *args) -> bytes:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def read_fifo_in_thread(path: Path) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []

    def read():
        with open(path, "rb") as fifo:  # blocks until planctl opens the pipe to write
            got.append(fifo.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader, got


def test_report_into_a_fifo_writes_through_it_and_keeps_the_fifo(run, bundled, tmp_path):
    fifo = tmp_path / "paper.md"
    os.mkfifo(fifo)
    reader, got = read_fifo_in_thread(fifo)
    result = run("report", "--today", AS_AT, "-o", str(fifo))
    assert result.exit_code == 0, result.stderr
    reader.join(timeout=30)
    assert not reader.is_alive(), "nothing was written into the pipe (was it replaced?)"
    assert got == [on_stdout(run, "report", "--today", AS_AT, "--format", "md")]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir() if "planctl-tmp" in p.name) == []


def test_import_into_a_fifo_needs_no_force_and_keeps_the_fifo(run, tmp_path):
    source = tmp_path / "plan.csv"
    source.write_text("No,Recommendation,Action,Lead,Timescale\n1,Records,Audit files,QA,By 1.12.12\n")
    fifo = tmp_path / "new.yaml"
    os.mkfifo(fifo)
    reader, got = read_fifo_in_thread(fifo)
    result = run("import", str(source), "-o", str(fifo), "--today", AS_AT)
    assert result.exit_code == 0, result.stderr
    reader.join(timeout=30)
    assert not reader.is_alive()
    assert got and b"Audit files" in got[0]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.fixture
def dev_null_restored():
    """/dev/null must stay a device; should planctl ever replace it, put it back (as root)."""
    before = os.stat("/dev/null")
    if not stat.S_ISCHR(before.st_mode):
        pytest.skip("/dev/null is not a character device here")
    yield
    if not stat.S_ISCHR(os.lstat("/dev/null").st_mode) and os.geteuid() == 0:
        os.remove("/dev/null")
        os.mknod("/dev/null", stat.S_IFCHR | 0o666, before.st_rdev)
        os.chmod("/dev/null", 0o666)


@pytest.mark.slow
def test_dev_null_stays_a_character_device(bundled, tmp_path, dev_null_restored):
    # A real process (as root, the old code replaced /dev/null with a regular file).
    env = {**os.environ, "PLANCTL_TODAY": AS_AT}
    # Without --format a device takes Markdown, as standard output does.
    for args in (["report", "--format", "html", "-o", "/dev/null"], ["report", "-o", "/dev/null"]):
        done = subprocess.run([*planctl_exe(), *args], cwd=tmp_path, env=env, capture_output=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        assert stat.S_ISCHR(os.lstat("/dev/null").st_mode), args
        assert b"wrote" in done.stderr and done.stdout == b""


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_character_device_anywhere_is_written_into_not_replaced(run, bundled, tmp_path):
    null = os.stat("/dev/null")
    device = tmp_path / "out" / "null.md"
    device.parent.mkdir()
    os.mknod(device, stat.S_IFCHR | 0o666, null.st_rdev)
    result = run("report", "--today", AS_AT, "-o", str(device))
    assert result.exit_code == 0, result.stderr
    st = os.lstat(device)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == null.st_rdev
    assert [p.name for p in device.parent.iterdir()] == ["null.md"]


@pytest.mark.slow
@pytest.mark.skipif(not os.path.islink("/dev/stdout"), reason="/dev/stdout is not a link here")
def test_dev_stdout_is_the_stream_the_shell_opened(bundled, tmp_path):
    """`-o /dev/stdout >> FILE` appends to FILE, as the shell asked, and /dev/stdout stays a link."""
    summary = tmp_path / "summary.md"
    summary.write_bytes(b"# Earlier steps\n")
    link_before = os.readlink("/dev/stdout")
    env = {**os.environ, "PLANCTL_TODAY": AS_AT}
    with open(summary, "ab") as out:
        done = subprocess.run([*planctl_exe(), "report", "--format", "md", "-o", "/dev/stdout"],
                              cwd=tmp_path, env=env,
                              stdout=out, stderr=subprocess.PIPE, timeout=120)
    assert done.returncode == 0, done.stderr
    assert os.readlink("/dev/stdout") == link_before
    expected = subprocess.run([*planctl_exe(), "report", "--format", "md"], cwd=tmp_path, env=env,
                              capture_output=True, timeout=120).stdout
    assert summary.read_bytes() == b"# Earlier steps\n" + expected


def test_dash_means_standard_output_byte_for_byte(run, bundled, tmp_path):
    for fmt in ("csv", "html", "md"):
        plain = on_stdout(run, "report", "--today", AS_AT, "--format", fmt)
        assert on_stdout(run, "report", "--today", AS_AT, "--format", fmt, "-o", "-") == plain
    assert on_stdout(run, "report", "--today", AS_AT, "-o", "-").startswith(b"**PUBLIC**")  # Markdown
    assert not (tmp_path / "-").exists()
    # A file really named '-' is still reachable as ./-
    assert run("report", "--today", AS_AT, "--format", "md", "-o", "./-").exit_code == 0
    assert (tmp_path / "-").read_bytes().startswith(b"**PUBLIC**")


def test_import_dash_means_standard_output(run, tmp_path):
    source = tmp_path / "plan.csv"
    source.write_text("No,Recommendation,Action,Lead,Timescale\n1,Records,Audit files,QA,By 1.12.12\n")
    plain = on_stdout(run, "import", str(source), "--today", AS_AT)
    assert on_stdout(run, "import", str(source), "--today", AS_AT, "-o", "-") == plain
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("command", ["report", "import"])
def test_a_symbolic_link_is_refused_and_left_alone(run, bundled, tmp_path, command):
    real = tmp_path / "real.md"
    real.write_text("the real file\n")
    link = tmp_path / "paper.md"
    link.symlink_to(real)
    dangling = tmp_path / "gone.md"
    dangling.symlink_to(tmp_path / "nowhere.md")
    source = tmp_path / "plan.csv"
    source.write_text("No,Recommendation,Action,Lead,Timescale\n1,Records,Audit files,QA,By 1.12.12\n")
    for target in (link, dangling):
        args = (["report", "--today", AS_AT, "--format", "md"] if command == "report"
                else ["import", str(source), "--force"])
        result = run(*args, "-o", str(target))
        assert result.exit_code == 2, result.stdout
        assert "is a symbolic link" in result.stderr and len(result.stderr.splitlines()) == 1
        assert target.is_symlink()
    assert real.read_text() == "the real file\n" and not (tmp_path / "nowhere.md").exists()


def test_output_into_a_missing_folder_makes_it(run, bundled, tmp_path):
    # The GitLab CI example in docs/team-workflow.md, on a fresh checkout.
    result = run("report", "--today", AS_AT, "--format", "html", "-o", "public/index.html")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "public" / "index.html").read_bytes().startswith(b"<!DOCTYPE html>")
    result = run("report", "--today", AS_AT, "-o", "a/b/c/paper.md")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "a" / "b" / "c" / "paper.md").is_file()


def test_a_missing_folder_inside_the_plans_folder_is_still_refused(run, bundled, tmp_path):
    result = run("report", "--today", AS_AT, "-o", "plans/reports/paper.html")
    assert result.exit_code == 2 and "plans folder" in result.stderr
    assert not (tmp_path / "plans" / "reports").exists()


def test_a_folder_is_refused(run, bundled, tmp_path):
    (tmp_path / "folder.md").mkdir()
    result = run("report", "--today", AS_AT, "-o", "folder.md")
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert (tmp_path / "folder.md").is_dir()

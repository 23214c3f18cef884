"""A plan's text is data wherever it goes: it cannot drive a terminal, forge a line,
run as a spreadsheet formula, or become markup in an HTML report.

The hostile plan below puts terminal escapes, bidi overrides, carriage returns,
formula starts and HTML into every text field, through YAML's own escapes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ESC = "\x1b"
# Raw characters that must never reach a terminal from plan text.
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

HOSTILE_PLAN = r'''
plan:
  title: "Plan \e[2J\e]0;pwned\a <script>alert('title')</script>"
  owner: "=HYPERLINK(\"http://evil.invalid\",\"x\")"
  classification: "public\r\e[Fofficial-sensitive"
  inspection:
    published: 2012-07-27
leads:
  evil:
    name: "Lead \e[8mhidden\e[0m <b onmouseover=alert(1)>x</b>"
    aliases: ["+cmd|' /C calc'!A0"]
bodies:
  LSCB: "Board \u202egnp.exe"
recommendations:
  - id: "1"
    text: "Recommendation <img src=x onerror=alert(1)> \e[31mred"
    actions:
      - text: "=1+1 formula \e[2J cleared \r overwritten"
        due: "By 27.10.12 \e[5m"
        lead: evil
        report_to: LSCB
        updates:
          - date: 1.9.12
            text: "@SUM(A1:A9) \"><script>alert(2)</script>"
            by: "-2+3 \u2028 injected line"
      - text: "  =2+2 behind spaces, and \uff1d1+1 full width"
        due: "31.12.12"
        lead: "\e[32mnobody\e[0m"
        evidence: ["</td></tr><tr><td>forged row", "line one\nplans/x.yaml:1:1: E000 forged"]
      - text: "-\u202eevil"
        due: 31.3.13
        lead: evil
        status: completed
        completed: 1.1.13
'''


@pytest.fixture
def hostile(tmp_path, write_plan) -> Path:
    return write_plan(HOSTILE_PLAN, "hostile.yaml")


def assert_terminal_safe(text: str) -> None:
    found = RAW_CONTROLS.search(text)
    where = found.start() if found else 0
    assert found is None, f"raw {found.group(0)!r}: {text[max(0, where - 40):where + 40]!r}"


def test_status_table_shows_escapes_as_text(hostile, run):
    result = run("status", "--today", "9.10.12", "--no-color")
    assert result.exit_code == 0, result.stderr
    assert_terminal_safe(result.stdout)
    assert "\\x1b[2J" in result.stdout  # visible, not obeyed
    assert "\\u202e" in result.stdout


def test_colour_codes_in_a_forced_colour_table_are_planctls_own(hostile, run):
    result = run("status", "--today", "9.10.12", "--color")
    assert result.exit_code == 0, result.stderr
    # every ESC is a colour (SGR) sequence; none of the plan's [2J, ]0; or [8m survive
    assert re.findall(r"\x1b(?!\[[0-9;]*m)", result.stdout) == []
    assert f"{ESC}[2J" not in result.stdout and f"{ESC}[8m" not in result.stdout
    assert "\\x1b[" in result.stdout and "hidden" in result.stdout  # shown, as text


@pytest.mark.parametrize("args", [
    ("show", "1.1"), ("show", "1.2"), ("show", "1"), ("overdue", "--today", "1.1.13"),
    ("upcoming", "--today", "20.10.12"), ("leads", "--today", "9.10.12"),
    ("status", "--format", "markdown", "--today", "9.10.12"),
    ("status", "--format", "json", "--today", "9.10.12"),
    ("check", "--strict"),
])
def test_every_read_command_keeps_plan_text_inert_in_a_terminal(hostile, run, args):
    result = run(*args)
    assert result.exit_code in (0, 1), result.stderr
    assert_terminal_safe(result.stdout)
    assert_terminal_safe(result.stderr)


def test_json_keeps_the_text_exactly_while_escaping_controls(hostile, run):
    result = run("show", "1.1", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert ESC not in result.stdout and "\r" not in result.stdout
    assert json.loads(result.stdout)["action"]["text"] == "=1+1 formula \x1b[2J cleared \r overwritten"
    third = run("show", "1.3", "--format", "json")
    assert "\u202e" not in third.stdout  # escaped as \\u202e: same value, inert in a terminal
    assert json.loads(third.stdout)["action"]["text"] == "-\u202eevil"


def test_csv_cells_cannot_start_a_formula(hostile, run):
    result = run("status", "--format", "csv", "--today", "9.10.12")
    assert result.exit_code == 0, result.stderr
    assert_terminal_safe(result.stdout.replace("\r\n", "\n"))
    cells = [cell for row in csv.reader(io.StringIO(result.stdout)) for cell in row]
    texts = [c for c in cells if "formula" in c or "behind spaces" in c or "evil" in c]
    assert len(texts) == 3
    for cell in cells:
        assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "\uff1d")), cell
    assert "'=1+1 formula \\x1b[2J cleared \\x0d overwritten" in cells


def test_csv_report_cannot_start_a_formula(hostile, run):
    result = run("report", "--format", "csv", "--today", "9.10.12")
    assert result.exit_code == 0, result.stderr
    for row in csv.reader(io.StringIO(result.stdout)):
        for cell in row:
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "\uff1d")), cell


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_report_escapes_every_field(hostile, run, tmp_path, git_repo):
    git_repo("add", "-A")
    git_repo("commit", "-q", "-m", "hostile plan")
    out = tmp_path / "report.html"
    result = run("report", "-o", str(out), "--today", "9.10.12")
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    parsed = _Markup()
    parsed.feed(page)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "b"}
    assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")]
    text = "".join(parsed.text)
    # the hostile markup is there, as text a reader can see
    assert "<script>alert('title')</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert '@SUM(A1:A9) "><script>alert(2)</script>' in text
    assert '=HYPERLINK("http://evil.invalid","x")' in text
    assert_terminal_safe(page.replace("\n", " ").replace("\t", " "))


def test_a_file_name_cannot_forge_or_rewrite_lines(tmp_path, run):
    plans = tmp_path / "plans"
    plans.mkdir()
    evil = plans / "evil\x1b[2J\nok.yaml:1:1: E000 all good\r.yaml"
    evil.write_text("plan: [not a mapping]\nrecommendations: []\n", encoding="utf-8")
    check = run("check")
    assert check.exit_code == 1
    lines = check.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("plans/evil\\x1b[2J\\x0aok.yaml:1:1: E000 all good\\x0d.yaml:1:7: E010")
    status = run("status")
    assert status.exit_code == 3
    assert len(status.stderr.splitlines()) == 1
    assert_terminal_safe(check.stdout + status.stderr)


def test_a_hostile_value_in_an_error_message_stays_on_its_line(write_plan, run):
    write_plan('plan:\n  title: T\n  "evil\\e[2J\\nplans/p.yaml:9:9: fine": 1\nrecommendations: []\n')
    result = run("status")
    assert result.exit_code == 3
    [line] = result.stderr.splitlines()
    assert line.startswith("planctl: error: plans/p.yaml:3:3: unknown key 'evil\\x1b[2J\\nplans")
    assert_terminal_safe(result.stderr)


def test_a_hostile_command_argument_is_echoed_safely(bundled, run):
    result = run("show", "9.9\x1b[2J\nplanctl: all good")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert_terminal_safe(result.stderr)


def test_json_of_thousands_of_actions_escapes_every_bidi_control(write_plan, run):
    """JSON is written a few thousand pieces at a time: an escape must not depend on where
    a piece ends, however many actions there are."""
    actions = "".join(f'      - {{text: "act {i} \\u202e{i}", lead: x, due: 1.1.13}}\n'
                      for i in range(3000))
    write_plan("plan: {title: Many}\nrecommendations:\n  - text: R\n    actions:\n" + actions)
    result = run("status", "--format", "json", "--today", "9.10.12")
    assert result.exit_code == 0
    assert "\u202e" not in result.stdout and result.stdout.count("\\u202e") == 3000
    texts = [a["text"] for a in json.loads(result.stdout)["actions"]]
    assert texts == [f"act {i} \u202e{i}" for i in range(3000)]


def test_a_newline_in_an_output_file_name_cannot_forge_a_line(bundled, run, tmp_path):
    """ESC and CR were escaped in "wrote ... to NAME"; LF was printed raw."""
    name = "out\nplans/p.yaml:1:1: E001 forged.csv"
    result = run("status", "--format", "csv", "--today", "9.10.12", "-o", name)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / name).is_file()
    [line] = result.stderr.splitlines()
    assert line == "wrote actions (csv) to out\\x0aplans/p.yaml:1:1: E001 forged.csv"


def _planctl_bytes(*args: str):
    import subprocess

    from conftest import planctl_exe

    return subprocess.run([*planctl_exe(), *args], capture_output=True, timeout=60)


def test_a_plan_file_name_that_is_not_utf8_gives_valid_utf8_ids_and_messages(bundled, tmp_path):
    """A Latin-1 name (b'caf\\xe9.yaml'): Python reads its byte as a lone surrogate, which
    JSON carried (invalid UTF-8, or a crash) and messages printed raw. The byte is written
    as the text \\xe9: in the plan id, in JSON and in messages."""
    import os
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("file names of any bytes are a Linux (POSIX) thing")
    plans = os.fsencode(bundled.parent)
    os.rename(os.fsencode(bundled), plans + b"/caf\xe9.yaml")
    with open(plans + b"/bad\xff\nname.yaml", "wb") as fh:
        fh.write(b"plan: [unclosed\n")
    status = _planctl_bytes("status", "--format", "json", "--today", "9.10.12")
    assert status.returncode == 3  # the broken file: still a valid one-line error per problem
    [line] = status.stderr.decode("utf-8").splitlines()
    assert line.startswith("planctl: error: plans/bad\\xff\\x0aname.yaml:2:1: YAML syntax")
    os.unlink(plans + b"/bad\xff\nname.yaml")
    for args in (["status", "--format", "json"], ["check", "--format", "json"],
                 ["report", "--format", "json"]):
        result = _planctl_bytes(*args, "--today", "9.10.12")
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout.decode("utf-8"))  # strict: no lone surrogate
        assert "\udce9" not in json.dumps(data, ensure_ascii=False)
    actions = json.loads(_planctl_bytes("status", "--format", "json", "--today", "9.10.12")
                         .stdout)["actions"]
    assert {a["plan"] for a in actions} == {"caf\\xe9"}
    check = _planctl_bytes("check", "--today", "9.10.12")
    assert check.stdout.decode("utf-8").startswith("plans/caf\\xe9.yaml:")
    chosen = _planctl_bytes("status", "--plan", "caf\\xe9", "--today", "9.10.12")
    assert chosen.returncode == 0 and b"62 actions" in chosen.stdout  # the id as shown selects it


@pytest.mark.parametrize("one_line", [False, True])
def test_every_control_bidi_and_surrogate_character_is_shown_not_passed_through(one_line):
    """safe_text passes plain text through untouched, but never one of the characters a
    terminal acts on: every C0 and C1 control, DEL, each bidi and line-separator control,
    each lone surrogate (a file name's byte that is not UTF-8), wherever it sits in a
    cell; newline and tab only where the text may take more than one line."""
    from planctl.core.errors import safe_text

    acted_on = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000),
                0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
                0x2028, 0x2029]
    for code in acted_on:
        ch = chr(code)
        if ch in "\n\t" and not one_line:
            assert safe_text(f"a{ch}b") == f"a{ch}b"
            continue
        shown = safe_text(f"Plain text {ch} and more", one_line=one_line)
        assert ch not in shown and shown.startswith("Plain text \\") and shown.endswith(" and more")
    plain = "Café – 3.1 “reviewed” 日本 ✓"
    assert safe_text(plain, one_line=one_line) == plain

"""The command line as a user meets it: tables, JSON, colour, errors and exit codes."""

import json
import os
import re
import subprocess

import pytest

from conftest import planctl_exe

ACTION_KEYS = {"plan", "recommendation", "id", "text", "leads", "due", "target", "timescale", "status",
               "days_overdue", "progress", "report_to", "latest_update"}


def test_status_table_lists_every_action_and_ends_with_a_summary(run, bundled):
    result = run("status", "--today", "2012-10-09")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    tail = " ".join(" ".join(lines[-2:]).split())
    assert tail.endswith("62 actions: 6 completed (10%), 19 overdue, 0 due soon, 37 on track - as at "
                         "9 Oct 2012")
    ids = {line.split()[0] for line in lines if re.match(r"\d+\.\d+ ", line)}
    assert {"1.1", "8.6", "13.2", "19.3"} <= ids and len(ids) == 62


def test_status_json_matches_the_contract(run, bundled):
    data = json.loads(run("status", "--today", "2012-10-09", "--format", "json").stdout)
    assert data["as_of"] == "2012-10-09"
    assert data["summary"] == {"total": 62, "completed": 6, "overdue": 19, "due_soon": 0,
                               "on_track": 37, "no_date": 0, "dropped": 0}
    first = next(a for a in data["actions"] if a["id"] == "3.1")
    assert set(first) == ACTION_KEYS
    assert {k: first[k] for k in ("plan", "recommendation", "leads", "due", "timescale", "status",
                                  "days_overdue", "progress")} == {
        "plan": "thurrock-2012-slac", "recommendation": "3", "leads": ["Service Manager FST"],
        "due": "2012-09-14", "timescale": "By 14.9.12", "status": "overdue",
        "days_overdue": 25, "progress": "not-started"}


def test_overdue_by_lead_on_committee_day_table_and_json_agree(run, bundled):
    table = run("overdue", "--by-lead", "--today", "2012-10-09")
    data = json.loads(run("overdue", "--by-lead", "--today", "2012-10-09", "--format", "json").stdout)
    assert table.exit_code == 0
    groups = {g["lead"]: [a["id"] for a in g["actions"]] for g in data["leads"]}
    assert groups["Head of Care and Targeted Outcomes"] == ["5.2", "6.2", "10.2"]
    assert groups["Designated Doctor/Nurse for LAC"] == ["16.1"]
    assert sum(len(v) for v in groups.values()) == 19
    for lead, ids in groups.items():
        assert f"{lead} ({len(ids)})" in table.stdout
    assert "19 overdue actions as at 9 Oct 2012" in table.stdout


def test_overdue_is_most_late_first(run, bundled):
    data = json.loads(run("overdue", "--today", "2012-10-09", "--format", "json").stdout)
    days = [a["days_overdue"] for a in data["actions"]]
    assert days == sorted(days, reverse=True) and data["actions"][0]["id"] == "6.1"


def test_overdue_exit_code_only_when_asked(run, bundled):
    assert run("overdue", "--today", "2012-10-09").exit_code == 0
    assert run("overdue", "--today", "2012-10-09", "--exit-code").exit_code == 1
    assert run("overdue", "--today", "2012-03-01", "--exit-code").exit_code == 0


def test_options_before_or_after_the_command_mean_the_same(run, bundled):
    a = run("--today", "2012-10-09", "overdue", "--format", "json").stdout
    b = run("overdue", "--today", "2012-10-09", "--format", "json").stdout
    assert a == b and json.loads(a)["as_of"] == "2012-10-09"


def test_environment_variables(run, bundled, tmp_path):
    env = {"PLANCTL_TODAY": "9.10.12", "PLANCTL_PLANS": str(bundled)}
    out = run("status", "--format", "json", env=env).stdout
    assert json.loads(out)["as_of"] == "2012-10-09"
    # An explicit option wins over the environment, wherever it is written.
    out = run("--today", "2012-11-01", "status", "--format", "json", env=env).stdout
    assert json.loads(out)["as_of"] == "2012-11-01"


def test_filters(run, bundled):
    def ids(*args):
        out = run("status", "--today", "2012-10-09", "--format", "json", *args).stdout
        return [a["id"] for a in json.loads(out)["actions"]]

    assert ids("--lead", "SM QA", "--rec", "1") == ["1.4"]
    assert ids("--body", "SMT") == ["1.2", "1.3"]
    assert ids("--status", "completed") == ["1.1", "2.1", "9.1", "10.1", "15.1", "17.1"]
    assert ids("--lead", "head-cato", "--status", "overdue") == ["5.2", "6.2", "10.2"]


def test_unknown_lead_filter_suggests_one(run, bundled):
    result = run("status", "--lead", "Service Manger QA")
    assert result.exit_code == 2
    assert "did you mean 'Service Manager QA'?" in result.stderr


def test_by_rec_rolls_up(run, bundled):
    data = json.loads(run("status", "--by-rec", "--today", "2012-10-09", "--format", "json").stdout)
    rec = {r["id"]: r for r in data["recommendations"]}
    assert len(rec) == 19
    assert (rec["8"]["total"], rec["5"]["overdue"], rec["1"]["completed"]) == (6, 3, 1)


def test_upcoming_lists_what_falls_due_by_date(run, bundled):
    data = json.loads(run("upcoming", "--today", "2012-10-09", "--days", "20", "--format", "json").stdout)
    dues = [a["due"] for a in data["actions"]]
    assert dues and set(dues) == {"2012-10-27"} and data["until"] == "2012-10-29"
    lscb = json.loads(run("upcoming", "--today", "2012-10-09", "--days", "200", "--body", "LSCB",
                          "--format", "json").stdout)
    assert all("LSCB" in a["report_to"] for a in lscb["actions"])
    assert [a["due"] for a in lscb["actions"]] == sorted(a["due"] for a in lscb["actions"])


def test_leads_counts(run, bundled):
    data = json.loads(run("leads", "--today", "2012-10-09", "--format", "json").stdout)
    qa = next(e for e in data["leads"] if e["lead"] == "Service Manager QA")
    assert (qa["total"], qa["completed"], qa["overdue"]) == (15, 1, 2)
    assert data["leads"][0]["overdue"] >= data["leads"][-1]["overdue"]


def test_show_action_and_recommendation(run, bundled):
    out = run("show", "13.2", "--today", "2012-10-09").stdout
    assert "Initial report" in out and "27 Oct 2012" in out and "Local Safeguarding" in out
    data = json.loads(run("show", "8", "--format", "json").stdout)
    assert [a["id"] for a in data["recommendation"]["actions"]] == [f"8.{i}" for i in range(1, 7)]


def test_unknown_id_gives_the_nearest(run, bundled):
    result = run("show", "3.11")
    assert result.exit_code == 2
    assert result.stderr.startswith("planctl: error: no action or recommendation '3.11'; "
                                    "did you mean 3.2, 3.1?")


def test_check_clean_plan_exits_zero_with_its_warning(run, bundled):
    result = run("check")
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1 and ":173:14: W103 action 6.1 is due 27 March 2012" in result.stdout
    assert "0 errors, 1 warning" in result.stderr
    strict = run("check", "--strict")
    assert strict.exit_code == 1 and "S201 action 1.1 is completed" in strict.stdout


def test_broken_plan_one_line_per_problem(run, write_plan):
    write_plan("""\
        plan: {title: T}
        recommendations:
          - text: R
            actions:
              - {text: a, lead: x, due: 31.9.12}
              - {text: b, lead: x, due: 1.1.13, stauts: done}
        """)
    check = run("check")
    assert check.exit_code == 1
    assert check.stdout.splitlines() == [
        "plans/p.yaml:5:33: W123 action 1.1 due: '31.9.12' is not a date: September 2012 has 30 days; "
        "its deadline is to be confirmed (as 'TBC' is) until it is written in a form planctl reads; "
        "accepted forms: 2012-10-27, 27.10.12, 27/10/2012, 27-10-2012, 27 October 2012, "
        "27th Oct 2012, October 2012, Oct-12, 'By 27.10.12', 'April - June 2013', 'From June 2013', "
        "'Q3 2013/14', 'Spring term 2014', 'Immediate', 'within 3 months', 'within 40 working days', "
        "'Quarterly' (or repeat:), 'ongoing', 'TBC'",
        "plans/p.yaml:6:41: E012 unknown key 'stauts' in action 1.2; did you mean 'status'?",
    ]
    status = run("status")
    assert status.exit_code == 3 and status.stdout == ""
    lines = status.stderr.splitlines()
    # The unknown key stops every command; the unreadable due alone would not (W123).
    assert len(lines) == 1 and lines[0].startswith("planctl: error: plans/p.yaml:6:41: unknown key")


def test_bad_today_and_bad_format_are_usage_errors(run, bundled):
    result = run("status", "--today", "31.9.12")
    assert result.exit_code == 2 and "--today: '31.9.12' is not a date" in result.stderr
    result = run("status", "--format", "yaml")
    assert result.exit_code == 2 and "choose from table, json, csv, markdown" in result.stderr


def test_no_plans_folder_says_how_to_fix(run):
    result = run("status")
    assert result.exit_code == 2 and "--plans PATH" in result.stderr


def test_plans_found_at_git_root_from_a_subfolder(run, bundled, git_repo, tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")
    assert json.loads(run("status", "--format", "json").stdout)["summary"]["total"] == 62


def test_csv_and_markdown(run, bundled):
    csv_out = run("overdue", "--today", "2012-10-09", "--format", "csv").stdout
    assert csv_out.splitlines()[0] == "ID,Action,Lead,Timescale,Due,Status,Late"
    assert len(csv_out.splitlines()) == 20
    md = run("overdue", "--by-lead", "--today", "2012-10-09", "--format", "markdown").stdout
    assert "## Open Door (1)" in md and "| 19.1 |" in md


def test_colour_only_when_asked_or_on_a_terminal(run, bundled):
    piped = run("status", "--today", "2012-10-09").stdout
    assert "\x1b[" not in piped
    forced = run("status", "--today", "2012-10-09", "--color").stdout
    assert "\x1b[" in forced and "overdue" in forced
    assert "\x1b[" not in run("status", "--today", "2012-10-09", "--no-color").stdout
    env_forced = run("status", "--today", "2012-10-09", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" in env_forced
    no_color = run("status", "--today", "2012-10-09", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[31" not in no_color


def test_table_fits_the_terminal_width(run, bundled):
    for width in ("80", "140"):
        out = run("status", "--today", "2012-10-09", env={"COLUMNS": width}).stdout
        assert max(len(line.rstrip()) for line in out.splitlines()[:-1]) <= int(width)


def test_plan_text_cannot_drive_the_terminal(run, write_plan):
    write_plan("plan: {title: T}\nrecommendations: [{text: R, actions: "
               "[{text: \"evil \\e[2J\\e]0;owned\\a text\", due: 1.1.13}]}]\n")
    out = run("status", "--color", "--today", "2012-10-09").stdout
    assert "\x1b[2J" not in out and "\x1b]0" not in out and "\\x1b[2J" in out


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [["status"], ["overdue", "--by-lead"], ["upcoming"], ["leads"], ["show", "3.1"], ["check"]],
)
def test_installed_console_script(args, bundled):
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}
    proc = subprocess.run([*planctl_exe(), *args, "--today", "2012-10-09"], capture_output=True,
                          text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout and "\x1b[" not in proc.stdout and "Traceback" not in proc.stderr


def test_python_m_and_version():
    import sys

    from planctl import __version__

    proc = subprocess.run([sys.executable, "-m", "planctl", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and __version__ in proc.stdout


def _modules_after(args: list[str], env: dict | None = None) -> set[str]:
    """The modules a fresh process has imported once planctl has run `args`."""
    import sys

    code = ("import sys; from planctl.cli import cli\n"
            f"cli.main({args!r}, standalone_mode=False)\n"
            "print(' '.join(sorted(sys.modules)), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env)
    return set(proc.stderr.split())


def test_json_output_does_not_import_rich(bundled):
    modules = _modules_after(["status", "--format", "json"])
    assert "planctl.cli" in modules
    assert not any(m.startswith("rich") for m in modules)


def test_a_run_served_by_the_cache_does_not_import_the_yaml_parser(bundled, tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    cold = _modules_after(["status"], env)
    assert "yaml" in cold and "planctl.format.reader" in cold
    warm = _modules_after(["status"], env)
    assert "planctl.cli" in warm
    assert "yaml" not in warm and "planctl.format.reader" not in warm


def test_a_warm_status_makes_no_dataclass(bundled, tmp_path):
    """Creating a dataclass compiles its methods at import (~0.5 ms each): the classes on
    the path of a warm `status`, plain or at a past --today, are msgspec Structs."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for args in (["status"], ["status", "--today", "2012-10-09"]):
        _modules_after(args, env)
        warm = _modules_after(args, env)
        assert "planctl.commands.status" in warm and "dataclasses" not in warm, args


def test_show_lists_the_milestones_of_a_completed_action_as_done(run, write_plan):
    write_plan("""\
        plan: {title: T}
        recommendations:
          - text: R
            actions:
              - {text: a, lead: x, due: 27.7.12, status: completed}
              - text: b
                lead: x
                due: 1.10.12
                milestones:
                  - {due: 1.9.12, text: draft, done: 3.9.12}
                  - {due: 1.10.12, text: final, done: 20.10.12}
        """)
    out = run("show", "1.1", "--today", "2012-10-09").stdout
    assert "[done]" in out and "[open]" not in out
    data = json.loads(run("show", "1.1", "--today", "2012-10-09", "--format", "json").stdout)
    assert [m["done"] for m in data["action"]["milestones"]] == [True]
    # A milestone done after the as-at date is still open then, as its status says.
    out = run("show", "1.2", "--today", "2012-10-09").stdout
    assert "draft [done]" in out and "final [open]" in out and "overdue" in out
    data = json.loads(run("show", "1.2", "--today", "2012-10-21", "--format", "json").stdout)
    assert [(m["done"], m["done_on"]) for m in data["action"]["milestones"]] == [
        (True, "2012-09-03"), (True, "2012-10-20")]


def test_a_misspelt_status_gets_a_did_you_mean(run, write_plan, tmp_path):
    write_plan("""\
        plan: {title: T}
        recommendations:
          - text: R
            actions:
              - {text: a, lead: x, due: 27.7.12, status: in progres}
        """)
    check = run("check")
    assert check.exit_code == 1
    assert check.stdout.rstrip().endswith("status 'in progres' is not one of not-started, in-progress, "
                                          "completed, dropped (or complete, done, started, cancelled); "
                                          "did you mean 'in-progress'?")
    (tmp_path / "plans" / "p.yaml").write_text(
        "plan: {title: T}\nrecommendations:\n  - text: R\n    actions:\n"
        "      - {text: a, lead: x, due: 27.7.12}\n", encoding="utf-8")
    for written, hint in [("overdu", "; did you mean 'overdue'?"),
                          ("complted", "; did you mean 'completed'?"),
                          ("in progres", "; 'in-progress' is a progress word, not a status: an open "
                                         "action is overdue, due-soon, on-track or no-date")]:
        result = run("status", "--status", written, "--today", "2012-10-09")
        assert result.exit_code == 2
        assert result.stderr == (f"planctl: error: --status {written!r} is not one of completed, "
                                 f"dropped, overdue, due-soon, on-track, no-date{hint}\n")


def test_counts_of_one_are_singular(run, write_plan):
    write_plan("""\
        plan: {title: T, inspection: {published: 2012-07-27}}
        recommendations:
          - text: R
            actions:
              - {text: a, lead: x, due: 8.10.12}
        """)
    day = ("--today", "2012-10-09")
    assert run("status", *day).stdout.splitlines()[-1].startswith("1 action: ")
    assert run("overdue", *day).stdout.splitlines()[-1] == "1 overdue action as at 9 Oct 2012"
    assert run("upcoming", "--today", "2012-10-07", "--days", "1").stdout.splitlines()[-1] == (
        "1 action due from 7 Oct 2012 to 8 Oct 2012")
    assert "overdue (1 day late)" in run("show", "1.1", *day).stdout
    html = run("report", *day, "--format", "html").stdout
    assert "Of 1 action, 0 are completed and 1 is still open; <strong>1 is overdue</strong>" in html
    assert "1 overdue action, most late first" in html and ">1 day<" in html
    assert "1 open action falls due" not in html and "1 days" not in html and "1 actions" not in html
    md = run("report", *day, "--format", "md").stdout
    assert "1 action: 0 completed" in md and "for 1 open action: 1.1." in md
    check = run("check")
    assert "1 action:" in check.stderr and "1 actions" not in check.stderr


def test_an_unknown_command_points_to_help_once(run):
    """It said "; see 'planctl --help' (see 'planctl --help')"."""
    result = run("nosuchcommand")
    assert result.exit_code == 2
    assert result.stderr == "planctl: error: no command 'nosuchcommand'; see 'planctl --help'\n"
    close = run("stauts")
    assert close.stderr.count("--help") == 1, close.stderr
    assert "; did you mean 'status'? (see '" in close.stderr
    proc = subprocess.run([*planctl_exe(), "nosuchcommand"], capture_output=True, text=True,
                          timeout=60)
    assert proc.stderr == "planctl: error: no command 'nosuchcommand'; see 'planctl --help'\n"


COLOUR = re.compile("\x1b\\[(?:[0-9]+;)*3[0-7]m")  # a foreground colour (overdue: 1;31)
BOLD = "\x1b[1"


def _styles(out: str) -> tuple[bool, bool]:
    return COLOUR.search(out) is not None, BOLD in out


@pytest.mark.parametrize(("options", "env", "colour", "bold"), [
    ([], {}, False, False),  # a pipe: plain
    ([], {"FORCE_COLOR": "1"}, True, True),
    ([], {"FORCE_COLOR": "0"}, False, False),  # 0 means off (it turned colour on)
    ([], {"FORCE_COLOR": "false"}, False, False),
    ([], {"FORCE_COLOR": "FALSE"}, False, False),
    ([], {"FORCE_COLOR": ""}, False, False),  # empty is unset
    ([], {"FORCE_COLOR": "1", "TERM": "dumb"}, True, True),  # asked for: a CI log shows colour
    ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, True),  # NO_COLOR: bold and dim only
    (["--color"], {"NO_COLOR": "1"}, True, True),  # the option over everything
    (["--color"], {"FORCE_COLOR": "0"}, True, True),
    (["--no-color"], {"FORCE_COLOR": "1"}, False, False),
])
def test_colour_rules_in_a_pipe(run, bundled, options, env, colour, bold):
    out = run("status", "--today", "2012-10-09", *options, env=env).stdout
    assert "overdue" in out
    assert _styles(out) == (colour, bold), out[:300]


@pytest.mark.parametrize(("env", "colour", "bold"), [
    ({"TERM": "xterm"}, True, True),
    ({"TERM": "dumb"}, False, False),
    ({"TERM": "xterm", "FORCE_COLOR": "0"}, False, False),  # off even on a terminal
    ({"TERM": "xterm", "NO_COLOR": "1"}, False, True),
    ({"TERM": "dumb", "FORCE_COLOR": "1"}, True, True),
])
def test_colour_rules_on_a_terminal(bundled, env, colour, bold):
    """A real pseudo-terminal as stdout (a process, so isatty is the real one)."""
    import pty

    leader, follower = pty.openpty()
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    proc = subprocess.Popen([*planctl_exe(), "status", "--today", "2012-10-09"],
                            stdout=follower, stderr=subprocess.PIPE, env={**base, **env,
                                                                          "COLUMNS": "120"})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: planctl has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
    os.close(leader)
    out = b"".join(chunks).decode("utf-8", "replace")
    assert "overdue" in out
    assert _styles(out) == (colour, bold), out[:300]
# --- Finding a lead or an id as a person types it: issue 21 item 7 --------------------------

LEADS_PLAN = """\
    plan: {title: T, inspection: {published: 2012-07-27}}
    leads:
      sj: Siân Jones
      ow: {name: Owain Ó Briain, aliases: [Head of Ops]}
      sian: Sian Evans
    recommendations:
      - text: R
        actions:
          - {text: first, due: 1.1.13, lead: sj}
          - {text: second, due: 1.1.13, lead: ow}
          - {text: third, due: 1.1.13, lead: Siân Jones}
          - {text: fourth, due: 1.1.13, lead: sian}
      - text: R2
        actions:
          - {text: fifth, due: 1.1.13, lead: ow}
    """


def _lead_ids(run, command: str, lead: str, today: str = "2013-01-05") -> list[str]:
    extra = ("--days", "30") if command == "upcoming" else ()
    result = run(command, "--today", today, *extra, "--lead", lead, "--format", "json")
    assert result.exit_code == 0, (lead, result.stderr)
    return [a["id"] for a in json.loads(result.stdout)["actions"]]


@pytest.mark.parametrize("command", ["status", "overdue", "upcoming"])
def test_lead_is_found_whatever_its_accents_and_case(run, write_plan, command):
    write_plan(LEADS_PLAN)
    today = "2012-12-20" if command == "upcoming" else "2013-01-05"
    for typed in ("Sian Jones", "SIÂN JONES", "sian  jones", "sj"):
        assert _lead_ids(run, command, typed, today) == ["1.1", "1.3"], typed
    assert _lead_ids(run, command, "owain o briain", today) == ["1.2", "2.1"]


def test_a_lead_spelled_exactly_wins_over_one_that_differs_only_in_accents(run, write_plan):
    write_plan(LEADS_PLAN.replace("Sian Evans", "Sian Jones"))
    assert _lead_ids(run, "status", "Sian Jones") == ["1.4"]  # Sian Jones, not Siân Jones


def test_an_unknown_lead_suggests_the_nearest(run, write_plan):
    write_plan(LEADS_PLAN)
    result = run("status", "--today", "2012-10-09", "--lead", "Sian Jone")
    assert result.exit_code == 2
    assert result.stderr.startswith("planctl: error: no lead 'Sian Jone'; did you mean 'Siân Jones'")
    result = run("overdue", "--today", "2012-10-09", "--lead", "Owain O'Brian")
    assert result.exit_code == 2 and "did you mean 'Owain Ó Briain'?" in result.stderr


def test_an_unknown_id_suggests_the_nearest_ids(run, bundled):
    result = run("show", "13.7", "--today", "2012-10-09")
    assert result.exit_code == 2
    assert result.stderr == ("planctl: error: no action or recommendation '13.7'; "
                             "did you mean 13.3, 13.2, 13.1?\n")
    result = run("note", "13.7", "text")
    assert result.exit_code == 2
    assert result.stderr == "planctl: error: no action '13.7'; did you mean 13.3, 13.2, 13.1?\n"
    result = run("show", "25", "--today", "2012-10-09")
    assert result.stderr == ("planctl: error: no action or recommendation '25'; "
                             "did you mean 19, 18, 17?\n")


def test_docs_name_only_a_release_tag_they_tell_the_team_to_create():
    """This repository has no release tags: an install line's tag is one the docs tell the
    team to create (issue 21 item 7); and the README gives no timing it cannot back."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    docs = {p.name: p.read_text(encoding="utf-8") for p in [root / "README.md",
                                                           *(root / "docs").glob("*.md")]}
    created = set(re.findall(r"git tag -a\s+(v\d+\.\d+\.\d+)", docs["team-workflow.md"]))
    named = {tag for text in docs.values() for tag in re.findall(r"\.git@(v[\d.]+\d)", text)}
    named |= set(re.findall(r"rev: (v[\d.]+\d)", docs["team-workflow.md"]))
    assert named and named <= created, (named, created)
    assert not re.search(r"\babout \d+ s\b", docs["README.md"])


# What a table of statuses never needs: a short command's time is mostly start-up, so
# these stay with the commands that use them (docs/benchmarks.md, "0.4: start-up").
NOT_FOR_STATUS = ("yaml", "rich", "openpyxl", "docx", "icalendar", "email", "smtplib",
                  "planctl.format.reader", "planctl.render.json",
                  "planctl.render.dashboard", "planctl.render.report", "planctl.history.trends",
                  "planctl.store.gitstore.versions", "planctl.store.gitstore.lineage")


def test_status_served_by_the_cache_imports_no_module_it_does_not_use(bundled, tmp_path,
                                                                     git_repo):
    """A short command's time is mostly its start-up: `status` served by the cache (the
    plan's stat settled, as a plan is between edits) never loads the parser, other
    formats' writers, other commands, the walk of git history or OpenSSL."""
    git_repo("add", "-A")
    git_repo("commit", "-qm", "the plan", date="2012-08-01T10:00:00")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    import time  # the index trusts a stat a second old (store/cache/index.py)

    time.sleep(max(0.0, (bundled.stat().st_ctime_ns + 1_100_000_000 - time.time_ns()) / 1e9))
    for args in (["status"], ["status", "--today", "2012-10-09"]):  # a past date: git's dates
        _modules_after(args, env)  # the cache filled
        warm = _modules_after(args, env)
        assert "planctl.commands.status" in warm
        loaded = sorted(m for m in warm if m.split(".")[0] in NOT_FOR_STATUS
                        or any(m == n or m.startswith((f"{n}.", f"{n}_")) for n in NOT_FOR_STATUS))
        assert not loaded, (args, loaded)
        others = sorted(m for m in warm if m.startswith("planctl.commands.")
                        and m not in {"planctl.commands.status", "planctl.commands.options",
                                      "planctl.commands.completers"})
        assert not others, (args, others)


@pytest.mark.parametrize("plans", [".", "plans", "./plans/"])
def test_files_found_in_folders_are_named_as_given_without_a_leading_dot(run, write_plan, plans,
                                                                        tmp_path):
    """A plan's file is named the same however its folder was given (`--plans .` too):
    in `check`'s FILE:LINE:COL lines, in JSON's `file`, in problems about unreadable files."""
    (tmp_path / "plans" / "sub" / "deeper").mkdir(parents=True)
    write_plan("plan: {title: T}\nrecommendations: []\nbogus: 1\n", name="sub/deeper/p.yaml")
    (tmp_path / "plans" / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "top.yaml").write_text("plan: {title: T}\nrecommendations: []\nbogus: 1\n")
    result = run("check", "--plans", plans)
    out = result.stdout + result.stderr
    assert "plans/sub/deeper/p.yaml:3:1:" in out and "plans/gone.yaml:1:1:" in out, out
    assert ("\ntop.yaml:3:1:" in "\n" + out) == (plans == "."), out
    assert "./" not in out and "//" not in out

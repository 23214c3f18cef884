"""Timescale rules through the loader and the CLI: located warnings, plan-level
`calendar:` and `year_starts:`, recurring and start forms in status, the cache."""

from __future__ import annotations

import json

PLAN = """\
plan:
  title: T
  inspection: {{published: 2012-07-27}}
{settings}recommendations:
  - text: R
    actions:
      - text: a
        lead: x
        due: {due}
"""


def _plan(write_plan, due: str, settings: str = ""):
    return write_plan(PLAN.format(due=due, settings=settings))


def _line_col(path, needle: str) -> tuple[int, int]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


def test_check_locates_the_warning_for_an_ambiguous_form(run, write_plan):
    path = _plan(write_plan, "Spring term 2014")
    line, col = _line_col(path, "Spring term 2014")
    result = run("check")
    assert result.exit_code == 0  # a warning, not an error
    assert (f"plans/p.yaml:{line}:{col}: W120 action 1.1 due: read 'Spring term 2014' as ending on "
            "31 March 2014, the last day planctl gives the spring term") in result.stdout
    assert run("check", "--strict").exit_code == 1


def test_check_locates_the_warning_for_an_unreadable_form(run, write_plan):
    path = _plan(write_plan, "By the next LSCB meeting")
    line, col = _line_col(path, "By the next LSCB meeting")
    result = run("check")
    assert result.exit_code == 0  # the deadline is to be confirmed; --strict fails on it
    assert (f"plans/p.yaml:{line}:{col}: W123 action 1.1 due: no date in timescale "
            "'By the next LSCB meeting'; write a date ('By 27.10.12'), a recurring form "
            "('Quarterly'), 'ongoing' or 'TBC'; its deadline is to be confirmed (as 'TBC' is) until "
            "it is written in a form planctl reads; accepted forms:") in result.stdout


def test_check_locates_a_yearless_date_far_from_publication(run, write_plan):
    path = _plan(write_plan, "by 29 February")
    line, col = _line_col(path, "by 29 February")
    result = run("check")
    assert f"plans/p.yaml:{line}:{col}: W121 action 1.1 due: 'by 29 February' has no year" in result.stdout


def test_a_guessed_year_is_refused_quoting_the_date(run, write_plan):
    _plan(write_plan, "By 1.1.10000")
    result = run("check", "--strict")
    assert result.exit_code == 1
    assert "W123 action 1.1 due: '1.1.10000' is not a date: the year 10000" in result.stdout


def test_year_starts_decides_a_bare_year_span_and_silences_the_warning(run, write_plan):
    _plan(write_plan, "2013/14")
    default = run("status", "--today", "2013-01-01", "--format", "json")
    assert json.loads(default.stdout)["actions"][0]["due"] == "2014-03-31"
    assert "W120" in run("check").stdout
    _plan(write_plan, "2013/14", "  year_starts: september\n")
    academic = run("status", "--today", "2013-01-01", "--format", "json")
    assert json.loads(academic.stdout)["actions"][0]["due"] == "2014-08-31"
    assert run("check").stdout.count("W120") == 0


def test_calendar_decides_which_bank_holidays_working_days_skip(run, write_plan):
    _plan(write_plan, "within 10 working days")
    england = run("status", "--today", "2012-08-01", "--format", "json")
    assert json.loads(england.stdout)["actions"][0]["due"] == "2012-08-10"
    _plan(write_plan, "within 10 working days", "  calendar: scotland\n")
    scotland = run("status", "--today", "2012-08-01", "--format", "json")
    assert json.loads(scotland.stdout)["actions"][0]["due"] == "2012-08-13"  # 6 August


def test_an_unknown_calendar_is_an_error_naming_the_choices(run, write_plan):
    _plan(write_plan, "27.10.12", "  calendar: wales\n")
    result = run("check")
    assert result.exit_code == 1
    assert ("E024 plan.calendar 'wales' is not one of england-and-wales, scotland, northern-ireland"
            in result.stdout)


def test_a_recurring_timescale_is_as_if_repeat_were_written(run, write_plan):
    _plan(write_plan, "Quarterly report to CPC")
    as_text = run("status", "--today", "2012-11-01", "--format", "json")
    row = json.loads(as_text.stdout)["actions"][0]
    assert (row["status"], row["due"]) == ("overdue", "2012-10-27")  # one quarter after 27.7.12
    show = run("show", "1.1", "--today", "2012-11-01")
    assert "quarterly" in show.stdout


def test_a_repeat_that_disagrees_with_a_recurring_due_is_an_error(run, write_plan):
    write_plan(PLAN.format(due="Quarterly report to CPC", settings="") + "        repeat: monthly\n")
    result = run("check")
    assert result.exit_code == 1
    assert "E022 action 1.1 repeat 'monthly' disagrees with its due" in result.stdout


def test_before_its_start_an_action_is_not_due(run, write_plan):
    _plan(write_plan, "1.4.13 - 3.4.13")
    before = json.loads(run("status", "--today", "2013-03-25", "--format", "json").stdout)["actions"][0]
    assert (before["status"], before["due"]) == ("on-track", "2013-04-03")
    during = json.loads(run("status", "--today", "2013-04-02", "--format", "json").stdout)["actions"][0]
    assert during["status"] == "due-soon"


def test_new_forms_read_the_same_from_the_cache(run, write_plan):
    _plan(write_plan, "Monthly from October 2012")
    cold = run("--no-cache", "check").stdout
    first = run("check").stdout  # fills the cache
    warm = run("check").stdout
    assert cold == first == warm and "W120" in warm
    statuses = [run("status", "--today", "2012-12-05", "--format", "json").stdout for _ in range(2)]
    assert statuses[0] == statuses[1] == run("--no-cache", "status", "--today", "2012-12-05",
                                             "--format", "json").stdout


def test_the_holiday_calendar_is_imported_only_for_working_days(tmp_path, write_plan):
    import subprocess
    import sys

    code = ("import sys; from planctl.cli import cli\n"
            "cli.main(['--no-cache', 'status', '--today', '2012-10-09', '--format', 'json'],"
            " standalone_mode=False)\n"
            "print('HOLIDAYS' if 'holidays' in sys.modules else 'NO-HOLIDAYS', file=sys.stderr)")

    def holidays_loaded(due: str) -> str:
        _plan(write_plan, due)
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
        return proc.stderr.strip().splitlines()[-1]

    assert holidays_loaded("Q3 2013/14") == "NO-HOLIDAYS"
    assert holidays_loaded("within 40 working days") == "HOLIDAYS"


def test_repeat_accepts_the_new_rhythms_written_out(run, write_plan):
    write_plan(PLAN.format(due="First report by 31.12.12", settings="")
               + "        repeat: every 6 weeks\n        reported: [2012-12-20]\n")
    assert run("check").exit_code == 0
    row = json.loads(run("status", "--today", "2013-01-02", "--format", "json").stdout)["actions"][0]
    assert row["due"] == "2013-02-11"  # 31.12.12 + 6 weeks: the first report closed 31.12.12


def test_reschedule_keeps_the_rhythm_and_the_start(run, write_plan):
    # No one-day date to take the style of: the new date is written plainly (issue 21).
    for due, moved in [("Quarterly report to CPC", "Quarterly report to CPC, first by 30 November 2013"),
                       ("From June 2013 to March 2014", "From June 2013 to 30 November 2013"),
                       ("From June 2013", "From June 2013, by 30 November 2013")]:
        path = _plan(write_plan, due)
        result = run("reschedule", "1.1", "30.11.13", "--reason", "moved", "--today", "2012-10-09")
        assert result.exit_code == 0, result.stderr
        assert f"due: {moved}\n" in path.read_text(encoding="utf-8")


def test_check_locates_a_token_the_reading_does_not_use(run, write_plan):
    """Issue 21: 'Step 4 June 2027' is June 2027, and check says the 4 is read as a label."""
    path = _plan(write_plan, "Step 4 June 2027")
    line, col = _line_col(path, "Step 4 June 2027")
    result = run("check")
    assert result.exit_code == 0
    assert (f"plans/p.yaml:{line}:{col}: W122 action 1.1 due: read 'Step 4' in 'Step 4 June 2027' "
            "as a label, not a date (read as due 30 June 2027)") in result.stdout
    status = run("status", "--today", "2027-06-10", "--format", "json")
    assert json.loads(status.stdout)["actions"][0]["due"] == "2027-06-30"

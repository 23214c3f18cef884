"""Every timescale rule of docs/plan-format.md, one table row per string (issue 14, issue 12 item 6).

Each row says what a careful UK reader reads: the deadlines, the start, the
recurrence and the warnings. Published dates are the Thurrock plan's (27 July
2012, a Friday) unless a row says otherwise. Expected dates are worked out by
hand from the documented rule, never copied from planctl's output.

The grammar's own table (planctl.core.timescale.grammar.RULES: its rules in the order they
are tried, each with examples) is checked first: every example is read by its own rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from planctl.core.evaluate import evaluate_action
from planctl.core.model import Action, Milestone, Plan, evolve
from planctl.core.timescale import (
    ACCEPTED_FORMS,
    Timescale,
    TimescaleError,
    occurrence,
    parse_date,
    parse_timescale,
)
from planctl.core.timescale.grammar import EXAMPLES_PUBLISHED, RULES, read_timescale

P = date(2012, 7, 27)  # Thurrock's report: a Friday


def d(text: str) -> date:
    day, month, year = (int(x) for x in text.split("."))
    return date(2000 + year, month, day)


# -- the grammar's table: each rule reads its own examples ----------------------------------


def _day(day: date) -> str:
    return f"{day.day}.{day.month}.{day:%y}"


def _gives(ts: Timescale) -> str:
    """A reading written as grammar.RULES's examples write it."""
    parts = [f"from {_day(ts.start)}"] if ts.start else []
    if ts.deadlines:
        parts.append("due " + ", ".join(_day(x.due) + (f" ({x.label})" if x.label else "")
                                        for x in ts.deadlines))
    parts += [f"repeat {ts.repeat}"] if ts.repeat else []
    parts += ["ongoing"] if ts.ongoing else []
    parts += ["tbc"] if ts.tbc else []
    parts += [f"warns {w.code}" for w in ts.warnings]
    return "; ".join(parts)


@pytest.mark.parametrize(("rule", "text", "gives"), [
    pytest.param(rule.name, text, gives, id=f"{rule.name}: {text}")
    for rule in RULES for text, gives in rule.examples])
def test_each_rule_of_the_grammar_reads_its_examples(rule, text, gives):
    if gives.startswith("error: "):
        with pytest.raises(TimescaleError) as exc:
            read_timescale(text, EXAMPLES_PUBLISHED, "england-and-wales", None)
        assert (exc.value.rule, gives.removeprefix("error: ") in str(exc.value)) == (rule, True), \
            str(exc.value)
        return
    name, ts = read_timescale(text, EXAMPLES_PUBLISHED, "england-and-wales", None)
    assert (name, _gives(ts)) == (rule, gives)
    assert parse_timescale(text, EXAMPLES_PUBLISHED) == ts


def test_the_grammar_names_each_rule_once_and_gives_examples_of_each():
    names = [rule.name for rule in RULES]
    assert len(set(names)) == len(names)
    assert all(rule.examples for rule in RULES)


# -- the forms, by theme: every case a careful reader reads ---------------------------------


@dataclass
class Case:
    text: str
    due: list[str]  # day.month.yy of each deadline
    start: str | None = None
    repeat: str | None = None
    warnings: list[str] = field(default_factory=list)  # codes
    published: date | None = P
    calendar: str = "england-and-wales"
    year_starts: str | None = None
    ongoing: bool = False

    def __str__(self) -> str:
        return self.text


def rule(name: str, *cases: Case):
    return [pytest.param(c, id=f"{name}: {c.text} [{c.calendar}, {c.year_starts}, {c.published}]")
            for c in cases]


CASES = [
    # 1. Ordinals written loosely: the day is kept, never dropped for the month's last day.
    *rule("ordinal",
          Case("3 rd March 2014", ["3.3.14"]),
          Case("21st. June 2013", ["21.6.13"]),
          Case("2nd of May 2014", ["2.5.14"]),
          Case("1 st April 2013", ["1.4.13"]),
          Case("31st, March 2013", ["31.3.13"]),
          Case("23rd Sept 2013", ["23.9.13"]),
          Case("1st Oct. 2013", ["1.10.13"]),
          Case("By the 14th of February 2013", ["14.2.13"]),
          Case("Friday 14th December 2012", ["14.12.12"]),
          Case("22 nd. November 2012", ["22.11.12"]),
          Case("27-Oct-2012", ["27.10.12"]),
          Case("3rd-March-2014", ["3.3.14"]),
          Case("5/Dec/12", ["5.12.12"])),
    # 2. A month with a two-digit year: a number after a month name is a year.
    *rule("month and two-digit year",
          Case("Jan-13", ["31.1.13"]),
          Case("Mar 14", ["31.3.14"]),
          Case("by March 19", ["31.3.19"]),
          Case("Sept-13", ["30.9.13"]),
          Case("Feb-16", ["29.2.16"]),
          Case("Dec '12", ["31.12.12"]),
          Case("June 13", ["30.6.13"]),
          Case("end of Oct 12", ["31.10.12"]),
          Case("Apr/13", ["30.4.13"]),
          Case("Nov-2012", ["30.11.12"]),
          Case("Review report to SMT Nov 12", ["30.11.12"])),
    # 3. No year: the first such date on or after publication; a warning past 12 months.
    *rule("no year",
          Case("by 30 November", ["30.11.12"]),
          Case("by the end of September", ["30.9.12"]),
          Case("30th June", ["30.6.13"]),
          Case("by end of July", ["31.7.12"]),
          Case("27 July", ["27.7.12"]),
          Case("26 July", ["26.7.13"]),
          Case("By December", ["31.12.12"]),
          Case("No later than 31st January", ["31.1.13"]),
          Case("Report to LSCB in March", ["31.3.13"]),
          Case("by 29 February", ["29.2.16"], warnings=["W121"]),
          Case("by 31 March", ["31.3.14"], published=date(2014, 1, 15)),
          Case("end of January", ["31.1.14"], published=date(2014, 1, 15)),
          Case("by 1 January", ["1.1.15"], published=date(2014, 1, 15)),
          Case("14-Oct", ["14.10.12"])),
    # 4. Ranges: start on the first day, due on the last.
    *rule("range",
          Case("April – June 2013", ["30.6.13"], start="1.4.13"),
          Case("Apr-Jun 13", ["30.6.13"], start="1.4.13"),
          Case("September to December 2013", ["31.12.13"], start="1.9.13"),
          Case("November 2012 - February 2013", ["28.2.13"], start="1.11.12"),
          Case("November - February 2014", ["28.2.14"], start="1.11.13"),
          Case("1.4.13 - 30.6.13", ["30.6.13"], start="1.4.13"),
          Case("From June 2013 to March 2014", ["31.3.14"], start="1.6.13"),
          Case("Between April and June 2013", ["30.6.13"], start="1.4.13"),
          Case("Sept 2013 — Jan 2014", ["31.1.14"], start="1.9.13"),
          Case("1 April to 30 June 2013", ["30.6.13"], start="1.4.13"),
          Case("September to December", ["31.12.12"], start="1.9.12"),
          Case("From September 2012 until March", ["31.3.13"], start="1.9.12"),
          Case("Oct-Dec 12", ["31.12.12"], start="1.10.12"),
          Case("Audit of case files Jan - Mar 2013", ["31.3.13"], start="1.1.13")),
    # 5. Start forms: a start, not a deadline.
    *rule("start",
          Case("From June 2013", [], start="1.6.13"),
          Case("Starting September 2013", [], start="1.9.13"),
          Case("w/c 14.1.13", [], start="14.1.13"),
          Case("Commencing 1st April 2013", [], start="1.4.13"),
          Case("With effect from 1.4.13", [], start="1.4.13"),
          Case("Week commencing 3 December 2012", [], start="3.12.12"),
          Case("Start from January 2013", [], start="1.1.13"),
          Case("From April 2013, ongoing", [], start="1.4.13", ongoing=True),
          Case("From 1.10.12, report to LSCB by 31.12.12", ["31.12.12"], start="1.10.12"),
          Case("Starting in October", [], start="1.10.12"),
          Case("Sept 2012 onwards", [], start="1.9.12"),
          Case("1.10.12 and onwards, report to LSCB by 31.3.13", ["31.3.13"], start="1.10.12")),
    # 6. Working days: weekends and the calendar's bank holidays are skipped.
    *rule("working days",
          Case("within 40 working days of publication", ["24.9.12"]),  # 27 Aug is a holiday
          Case("within fifteen working days", ["17.8.12"]),
          Case("within 10 working days", ["10.8.12"]),
          Case("within 10 working days", ["13.8.12"], calendar="scotland"),  # 6 Aug in Scotland
          Case("within 10 working days of the report", ["2.1.13"], published=d("14.12.12")),
          Case("within 10 working days of the report", ["3.1.13"], published=d("14.12.12"),
               calendar="scotland"),  # 2 January is a Scottish bank holiday
          Case("within 5 working days", ["3.4.13"], published=d("25.3.13")),  # Easter 2013
          Case("within 5 working days", ["2.4.13"], published=d("25.3.13"), calendar="scotland"),
          Case("within one working day", ["17.3.14"], published=d("14.3.14")),
          Case("within one working day", ["18.3.14"], published=d("14.3.14"),
               calendar="northern-ireland"),  # St Patrick's Day
          Case("within five working days", ["24.3.14"], published=d("14.3.14"),
               calendar="northern-ireland"),
          Case("within 3 working days", ["8.6.12"], published=d("1.6.12")),  # the Jubilee
          Case("20 working days from publication", ["24.8.12"]),
          Case("within twenty-one business days", ["28.8.12"], calendar="scotland")),
    # 7. Financial quarters (April-March) and academic years (September-August).
    *rule("financial and academic years",
          Case("Q3 2013/14", ["31.12.13"]),
          Case("Quarter 2 of 2013-14", ["30.9.13"]),
          Case("Q1 2013/14", ["30.6.13"]),
          Case("Q4 2012/13", ["31.3.13"]),
          Case("Q4 12/13", ["31.3.13"]),
          Case("quarter four 2013/14", ["31.3.14"]),
          Case("Report to Cabinet Q2 2013/2014", ["30.9.13"]),
          Case("by end of 2013/14", ["31.3.14"], warnings=["W120"]),
          Case("by end of 2013/14", ["31.3.14"], year_starts="april"),
          Case("by end of 2013/14", ["31.8.14"], year_starts="september"),
          Case("2014/15 academic year", ["31.8.15"]),
          Case("academic year 2013-14", ["31.8.14"]),
          Case("financial year 2013/14", ["31.3.14"], year_starts="september"),
          Case("FY 2013/14", ["31.3.14"]),
          Case("2013/2014", ["31.3.14"], warnings=["W120"]),
          Case("End of financial year 2012/13", ["31.3.13"]),
          Case("School year 2013/14", ["31.8.14"])),
    # 8. Seasons (Met Office) and school terms: a documented last day and a warning.
    *rule("seasons and terms",
          Case("Spring term 2014", ["31.3.14"], warnings=["W120"]),
          Case("Summer 2014", ["31.8.14"], warnings=["W120"]),
          Case("Autumn 2013", ["30.11.13"], warnings=["W120"]),
          Case("Autumn term 2013", ["31.12.13"], warnings=["W120"]),
          Case("Summer term 2013", ["31.7.13"], warnings=["W120"]),
          Case("by the end of the Spring Term 2013", ["31.3.13"], warnings=["W120"]),
          Case("Winter 2013/14", ["28.2.14"], warnings=["W120"]),
          Case("Winter 2015", ["29.2.16"], warnings=["W120"]),
          Case("Spring 2013", ["31.5.13"], warnings=["W120"]),
          Case("Spring term 2013/14", ["31.3.14"], warnings=["W120"]),
          Case("Autumn term 2013/14", ["31.12.13"], warnings=["W120"]),
          Case("Training rolled out Summer term 13", ["31.7.13"], warnings=["W120"])),
    # 9. Recurring without a first date: the first is one period after publication.
    *rule("recurring",
          Case("Monthly", ["27.8.12"], repeat="monthly"),
          Case("Quarterly", ["27.10.12"], repeat="quarterly"),
          Case("every six weeks", ["7.9.12"], repeat="every-6-weeks"),
          Case("termly", ["31.12.12"], repeat="termly"),
          Case("termly", ["31.7.14"], repeat="termly", published=date(2014, 1, 15)),
          Case("annually", ["27.7.13"], repeat="yearly"),
          Case("on a monthly basis", ["27.8.12"], repeat="monthly"),
          Case("Quarterly report to CPC", ["27.10.12"], repeat="quarterly"),
          Case("Six-monthly review", ["27.1.13"], repeat="six-monthly"),
          Case("Weekly", ["3.8.12"], repeat="weekly"),
          Case("Fortnightly", ["10.8.12"], repeat="fortnightly"),
          Case("every 2 months", ["27.9.12"], repeat="every-2-months"),
          Case("each term", ["31.12.12"], repeat="termly"),
          Case("once a year", ["27.7.13"], repeat="yearly"),
          Case("Reports to LSCB on a quarterly basis", ["27.10.12"], repeat="quarterly"),
          Case("Bi-annually", ["27.1.13"], repeat="six-monthly"),
          Case("Twice a year", ["27.1.13"], repeat="six-monthly"),
          Case("every three months", ["27.10.12"], repeat="quarterly"),
          Case("Half-yearly", ["27.1.13"], repeat="six-monthly"),
          Case("Quarterly, first by 31.12.12", ["31.12.12"], repeat="quarterly"),
          Case("Monthly reports from 31.10.12", ["30.11.12"], start="31.10.12", repeat="monthly",
               warnings=["W120"]),
          Case("Monthly from October 2012", ["1.11.12"], start="1.10.12", repeat="monthly",
               warnings=["W120"]),
          Case("Monthly, ongoing", ["27.8.12"], repeat="monthly", ongoing=True),
          Case("Within 6 months, then quarterly", ["27.1.13"], repeat="quarterly"),
          Case("Review within 3 months and then annually", ["27.10.12"], repeat="yearly")),
    # 10. Spelled-out numbers, "end of", "no later than", "w/e", "by close of".
    *rule("wording",
          Case("within six weeks", ["7.9.12"]),
          Case("within three months of publication", ["27.10.12"]),
          Case("within twelve months", ["27.7.13"]),
          Case("within a fortnight", ["10.8.12"]),
          Case("within twenty-one days", ["17.8.12"]),
          Case("within two years of the inspection", ["27.7.14"]),
          Case("in six weeks", ["7.9.12"]),
          Case("within a month", ["27.8.12"]),
          Case("within ninety days", ["25.10.12"]),
          Case("End of March 2013", ["31.3.13"]),
          Case("No later than 31.3.13", ["31.3.13"]),
          Case("w/e 14.12.12", ["14.12.12"]),
          Case("w/e 7th December 2012", ["7.12.12"]),
          Case("Week ending 14.12.12", ["14.12.12"]),
          Case("By close of 2013/14", ["31.3.14"], year_starts="april"),
          Case("by close of play 31.3.13", ["31.3.13"]),
          Case("end of 2013", ["31.12.13"]),
          Case("During 2013", ["31.12.13"]),
          Case("By the end of calendar year 2014", ["31.12.14"]),
          Case("Report to LSCB within 6 weeks of publication", ["7.9.12"]),
          Case("Initial report within 3 months, final report by 31.3.13", ["27.10.12", "31.3.13"])),
    # 11. Issue 21: a number after a label word is the label's, never the day (W122 names it).
    # "Phase 2 - March 2014" was refused in 0.2 ("the day before 'March 2014' is not read").
    *rule("labels",
          Case("Phase 2 - March 2014", ["31.3.14"], warnings=["W122"]),
          Case("Step 4 June 2027", ["30.6.27"], warnings=["W122"]),
          Case("Stage 2: by 1 July 2027", ["1.7.27"], warnings=["W122"])),
    # The seed's forms keep their meaning.
    *rule("seed forms",
          Case("By 01.11.12 ongoing", ["1.11.12"], ongoing=True),
          Case("Initial report by 27.10.12, with follow up by 27.3.13", ["27.10.12", "27.3.13"]),
          Case("Report to DMT & LSCB 27.2.13", ["27.2.13"]),
          Case("Immediate", ["27.7.12"]),
          Case("October 2012", ["31.10.12"])),
]


@pytest.mark.parametrize("case", CASES)
def test_each_form_reads_as_a_careful_reader_reads_it(case: Case):
    ts = parse_timescale(case.text, case.published, calendar=case.calendar, year_starts=case.year_starts)
    assert [x.due for x in ts.deadlines] == [d(x) for x in case.due]
    assert ts.start == (d(case.start) if case.start else None)
    assert ts.repeat == case.repeat
    assert [w.code for w in ts.warnings] == case.warnings
    assert ts.ongoing == case.ongoing
    assert ts.text == case.text  # shown to people as written


def test_there_are_at_least_150_cases_over_every_rule():
    names = {p.id.split(":")[0] for p in CASES}
    assert len(CASES) + len(ERRORS) >= 150
    assert names >= {"ordinal", "month and two-digit year", "no year", "range", "start", "working days",
                     "financial and academic years", "seasons and terms", "recurring", "wording"}


# -- warnings say how the form was read and how to write it ---------------------------------


@pytest.mark.parametrize(("text", "kwargs", "says"), [
    ("Spring term 2014", {}, "read 'Spring term 2014' as ending on 31 March 2014"),
    ("Summer 2014", {}, "as the season (ending 31 August 2014); write 'Summer term 2014'"),
    ("Winter 2013", {}, "winter from December 2013 to February 2014, due 28 February 2014"),
    ("2013/14", {}, "read '2013/14' as the financial year (April 2013 to March 2014); write "
                    "'academic year 2013/14' or set plan year_starts: september"),
    ("by 29 February", {}, "the first such date after publication is 29 February 2016, more than "
                           "12 months away; write the year"),
    ("Monthly from October 2012", {}, "first due 01 November 2012, one period after the start"),
])
def test_a_warning_says_how_it_was_read_and_what_to_write(text, kwargs, says):
    ts = parse_timescale(text, P, **kwargs)
    assert any(says in w.message for w in ts.warnings), [w.message for w in ts.warnings]


# -- errors: what was understood, and the nearest accepted form ------------------------------

ERRORS = [
    # Issue 12 item 6: a four-digit year is the year written, in 1990-2100; ASCII digits only.
    ("By 1.1.0000", "'1.1.0000' is not a date: the year 0000 is not a year of a plan"),
    ("0012-10-27", "'0012-10-27' is not a date: the year 0012"),
    ("By 1.1.10000", "'1.1.10000' is not a date: the year 10000"),
    ("October 0012", "'October 0012' is not a date: the year 0012"),
    ("27.10.1989", "'27.10.1989' is not a date: the year 1989"),
    ("By 1.1.2101", "'1.1.2101' is not a date: the year 2101"),
    ("By 27.10.123", "'27.10.123' is not a date: the year 123"),
    ("By ٢٧.١٠.١٢", "'٢٧.١٠.١٢' is written with digits other than 0-9"),
    ("By ２７.１０.１２", "'２７.１０.１２' is written with digits other than 0-9"),
    ("27 October ２０１２", "'２０１２' is written with digits other than 0-9"),
    ("within ٣ months", "'٣' is written with digits other than 0-9"),
    # Ambiguous or incomplete forms are refused with the form to write.
    ("Q3 2013", "could be calendar quarter 3 of 2013 (due 30.09.13) or financial quarter 3 of "
                "2013/14 (due 31.12.13); write 'Q3 2013/14'"),
    ("by 2014", "could mean before 2014 begins or by the end of 2014; write 'by end of 2014'"),
    ("bi-monthly", "'bi-monthly' in 'bi-monthly' is ambiguous"),
    ("Twice a month", "is ambiguous (twice a period, or every second one?)"),
    ("Monthly until March 2013", "recurs until a date"),
    ("Quarterly by 31.12.12 and 31.3.13", "recurs but has 2 dates"),
    ("Spring term", "no date in timescale 'Spring term': it names the spring but no year; "
                    "write e.g. 'Spring term 2012'"),
    ("end of term", "it names a term but not which; write e.g. 'Autumn term 2013'"),
    ("6 months", "it gives 6 months but not from when; write e.g. 'within 6 months of publication'"),
    ("Report to the March LSCB", "it names March but no date; write e.g. 'by the end of March'"),
    ("By the next LSCB meeting", "no date in timescale 'By the next LSCB meeting'; write a date"),
    ("Quarter 3", "it names a quarter but no year; write e.g. 'Q3 2013/14'"),
    ("2013/15", "'2013/15' is not a year: 2013 is not followed by 15"),
    ("Spring 2013/14", "which spring, 2013 or 2014?"),
    ("Winter term 2013", "schools have autumn, spring and summer terms"),
    ("31 November", "'31 November' is not a date: November has 30 days"),
    ("June 2013 - April 2013", "ends (30.04.13) before it starts (01.06.13)"),
    ("From June 2013 by 31.3.13", "starts (01.06.13) after it is due (31.03.13)"),
    ("Report 2 - March 2014", "the day before 'March 2014' is not read"),  # a label's number is not: W122
    ("27 Oct-2012", "'27 Oct-2012' is not a date"),
    ("within 3 working weeks", "count working days, or weeks"),
]


@pytest.mark.parametrize(("text", "says"), ERRORS)
def test_unreadable_forms_say_what_was_understood_and_what_to_write(text, says):
    with pytest.raises(TimescaleError) as exc:
        parse_timescale(text, P)
    assert says in str(exc.value)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("text", ["Monthly", "by 30 November", "within 40 working days",
                                  "within six weeks"])
def test_relative_forms_need_a_publication_date(text):
    with pytest.raises(TimescaleError, match="the plan has no plan.inspection.published date"):
        parse_timescale(text, None)


def test_errors_list_the_accepted_forms_including_the_new_ones():
    with pytest.raises(TimescaleError) as exc:
        parse_timescale("By the next LSCB meeting", P)
    assert ACCEPTED_FORMS in str(exc.value)
    for form in ("'April - June 2013'", "'From June 2013'", "'Q3 2013/14'", "'Quarterly' (or repeat:)",
                 "'within 40 working days'"):
        assert form in ACCEPTED_FORMS


@pytest.mark.parametrize("text", ["0012-10-27", "1000-01-01", "2101-01-01", "1.1.0000",
                                  "١٢.١٠.٢٠١٢", "１２.１０.１２", "Oct 12", "Immediate"])
def test_one_date_is_never_guessed(text):
    with pytest.raises(TimescaleError) as exc:
        parse_date(text)
    assert "Immediate" not in str(exc.value).split("forms:")[-1]  # only date forms


# -- recurring: occurrences and status -------------------------------------------------------


@pytest.mark.parametrize(("first", "repeat", "expected"), [
    ("31.12.12", "termly", ["31.12.12", "31.3.13", "31.7.13", "31.12.13", "31.3.14"]),
    ("7.9.12", "every-6-weeks", ["7.9.12", "19.10.12", "30.11.12", "11.1.13"]),
    ("27.10.12", "quarterly", ["27.10.12", "27.1.13", "27.4.13", "27.7.13"]),
    ("10.8.12", "fortnightly", ["10.8.12", "24.8.12", "7.9.12"]),
    ("15.11.12", "termly", ["15.11.12", "31.12.12", "31.3.13", "31.7.13", "31.12.13"]),
])
def test_recurring_occurrences(first, repeat, expected):
    assert [occurrence(d(first), repeat, k) for k in range(len(expected))] == [d(x) for x in expected]


def _action(due: str, published: date = P, **kw) -> tuple[Plan, Action]:
    ts = parse_timescale(due, published)
    action = Action(plan="p", recommendation="1", id="1.1", text="t", timescale=ts, start=ts.start,
                    repeat=ts.repeat, **kw)
    if ts.repeat is None:  # as the loader builds them: one milestone per date
        action = evolve(action, milestones=tuple(Milestone(x.due, x.label)
                                                 for x in ts.deadlines))
    return Plan(id="p", path="p.yaml", title="T"), action


@pytest.mark.parametrize(("due", "today", "status", "next_due"), [
    ("Quarterly report to CPC", "1.11.12", "overdue", "27.10.12"),  # as if repeat: quarterly
    ("Quarterly report to CPC", "20.10.12", "due-soon", "27.10.12"),
    ("termly", "1.1.13", "overdue", "31.12.12"),
    ("April – June 2013", "25.3.13", "on-track", "30.6.13"),  # not begun: never due-soon
    ("1.4.13 - 3.4.13", "25.3.13", "on-track", "3.4.13"),
    ("1.4.13 - 3.4.13", "2.4.13", "due-soon", "3.4.13"),
    ("1.4.13 - 3.4.13", "4.4.13", "overdue", "3.4.13"),
    ("From June 2013", "1.7.13", "no-date", None),
])
def test_status_follows_the_start_and_the_recurrence(due, today, status, next_due):
    plan, action = _action(due)
    row = evaluate_action(plan, action, d(today))
    assert row.status == status
    assert row.due == (d(next_due) if next_due else None)


def test_a_reported_recurring_timescale_moves_to_its_next_occurrence():
    plan, action = _action("Quarterly report to CPC", reported=(d("20.10.12"),))
    row = evaluate_action(plan, action, d("1.11.12"))
    assert (row.status, row.due) == ("on-track", d("27.1.13"))


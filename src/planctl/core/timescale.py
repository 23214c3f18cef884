"""Timescales as councils write them ("By 27.10.12", "Immediate", "Q3 2013/14") -> deadlines.

Pure: no clock, no I/O. Dates are always read day-first (UK); a month-first
date is an error, never a guess. Where a careful reader would have to ask how a
form is meant, the parser reads it one documented way and returns a warning
(TimescaleWarning, data: the loader locates it); where no careful reading
exists it raises TimescaleError saying what it understood and what to write.
The rules, with examples, are in docs/plan-format.md ("Timescales").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

ACCEPTED_FORMS = (
    "accepted forms: 2012-10-27, 27.10.12, 27/10/2012, 27-10-2012, 27 October 2012, "
    "27th Oct 2012, October 2012, Oct-12, 'By 27.10.12', 'April - June 2013', 'From June 2013', "
    "'Q3 2013/14', 'Spring term 2014', 'Immediate', 'within 3 months', 'within 40 working days', "
    "'Quarterly' (or repeat:), 'ongoing', 'TBC'"
)
# Where only a date will do (--today, --on, --as-of, completed:): no timescale words.
DATE_FORMS = (
    "accepted date forms: 2012-10-27, 27.10.12, 27/10/2012, 27-10-2012, 27 October 2012, "
    "27th Oct 2012, October 2012 (its last day)"
)

# English names whatever the locale: plans are written in English (and calendar's
# names follow the locale, and cost an import).
MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
MONTHS = {name: number for number in range(1, 13)
          for name in (MONTH_NAMES[number].lower(), MONTH_NAMES[number][:3].lower())}
MONTHS["sept"] = 9

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

# A year that is a plan's: anything else is a typo (1.1.0000, 0012-10-27), never a guess.
MIN_YEAR, MAX_YEAR = 1990, 2100

CALENDARS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}
YEAR_STARTS = {"april": 4, "september": 9}

# Documented last days. Seasons are the Met Office's (spring March-May ...); school terms
# end on the last day of the month they end in (autumn: December, spring: March, summer: July).
SEASON_END = {"spring": (5, 31), "summer": (8, 31), "autumn": (11, 30), "winter": (2, 0)}
TERM_END = {"autumn": (12, 31), "spring": (3, 31), "summer": (7, 31)}
_TERM_ORDER = ((3, 31), (7, 31), (12, 31))  # term ends within a calendar year

_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_NUM_RE = (r"[0-9]{1,4}|(?:" + "|".join(_TENS) + r")[\s-](?:" + "|".join(_UNITS) + r")|"
           + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)))

# Canonical repeat words and their step: (n, unit). Anything else is "every-N-weeks/months".
REPEATS = {"weekly": (1, "week"), "fortnightly": (2, "week"), "monthly": (1, "month"),
           "quarterly": (3, "month"), "termly": (1, "term"), "six-monthly": (6, "month"),
           "yearly": (12, "month")}
_REPEAT_SYNONYMS = {"annually": "yearly", "annual": "yearly", "half-yearly": "six-monthly",
                    "bi-annually": "six-monthly", "biannually": "six-monthly",
                    "six monthly": "six-monthly", "sixmonthly": "six-monthly",
                    "halfyearly": "six-monthly", "half yearly": "six-monthly",
                    "every-week": "weekly", "every-month": "monthly", "every-quarter": "quarterly",
                    "every-term": "termly", "every-year": "yearly", "every-fortnight": "fortnightly",
                    "twice-a-year": "six-monthly", "twice-yearly": "six-monthly"}
_UNIT_REPEAT = {"week": "weekly", "fortnight": "fortnightly", "month": "monthly",
                "quarter": "quarterly", "term": "termly", "year": "yearly"}
_MAX_REPEAT_N = 99


class _Patterns:
    """The regular expressions, compiled on first use: a run that reads its plans from the
    cache, or is given an ISO --today, never parses a timescale. [0-9], never \\d: \\d also
    matches Arabic-Indic and full-width digits, which must not make dates."""

    @functools.cached_property
    def date(self) -> re.Pattern[str]:
        # One alternation, tried left to right at each position, so "27 Oct 2012" is one
        # date and not "Oct 2012" with a stray 27. Years of any length are matched and then
        # checked, so the message quotes the whole date ("1.1.10000"), not a fragment.
        return re.compile(
            rf"""
            (?:(?<![\w.\/-])(?=[0-9])|(?<!\w)(?=[^\W0-9]))(?:
                (?P<iso_y>[0-9]{{4}})-(?P<iso_m>[0-9]{{1,2}})-(?P<iso_d>[0-9]{{1,2}})
              | (?P<num_d>[0-9]{{1,2}})(?P<sep>[./-])(?P<num_m>[0-9]{{1,2}})(?P=sep)(?P<num_y>[0-9]+)
              | (?P<name_d>[0-9]{{1,2}})\s*(?:st|nd|rd|th)?\.?,?(?:\s+(?:of\s+)?|(?P<name_sep>[-/]))
                (?P<name_m>{_MONTH_RE})\.?,?(?(name_sep)(?P=name_sep)|\s+)(?P<name_y>[0-9]{{4}}|'?[0-9]{{2}}(?![0-9]))
              | (?P<mon_m>{_MONTH_RE})\.?(?:\s*[-/]\s*|\s+)(?P<mon_y>[0-9]{{4}}|'?[0-9]{{2}}(?![0-9]))
            )(?![\w\/-]|\.[0-9])
            """,
            re.IGNORECASE | re.VERBOSE,
        )

    @functools.cached_property
    def simple(self) -> re.Pattern[str]:
        # What _simple reads: "By 27.10.12", "2012-10-27", "By 27 October 2012", "June 2013",
        # each perhaps followed by " ongoing".
        return re.compile(
            r"(?P<by>[Bb][Yy] )?(?:(?P<iso_y>[0-9]{4})-(?P<iso_m>[0-9]{1,2})-(?P<iso_d>[0-9]{1,2})"
            r"|(?P<num_d>[0-9]{1,2})(?P<sep>[./-])(?P<num_m>[0-9]{1,2})(?P=sep)"
            r"(?P<num_y>[0-9]{2}|[0-9]{4})"
            rf"|(?:(?P<name_d>[0-9]{{1,2}}) )?(?P<name_m>(?i:{_MONTH_RE})) (?P<name_y>[0-9]{{4}}))"
            r"(?P<ongoing> ongoing)?"
        )

    @functools.cached_property
    def other(self) -> re.Pattern[str]:
        # Forms that are not one day or one month of a year: found after `date` failed at a
        # position. Their group names say which.
        year_span = r"(?P<{p}1>[0-9]{{4}}|[0-9]{{2}})\s*[/-]\s*(?P<{p}2>[0-9]{{4}}|[0-9]{{2}})(?![0-9/.-])"
        return re.compile(
            rf"""
            (?:(?<![\w.\/-])(?=[0-9])|(?<!\w)(?=[^\W0-9]))(?:
                (?P<yd_d>[0-9]{{1,2}})\s*(?:st|nd|rd|th)?\.?,?(?:\s+(?:of\s+)?|-)(?P<yd_m>{_MONTH_RE})\b\.?
              | (?:Q|quarter\s*)(?P<q>[1-4]|one|two|three|four)\s*,?\s*(?:of\s+)?(?:the\s+)?
                (?:financial\s+year\s+|FY\s*)?(?:{year_span.format(p="qy")}|(?P<qbad>[0-9]{{4}})(?![0-9/.-]))
              | (?P<season>spring|summer|autumn|fall|winter)(?P<term>\s+term)?\s*,?\s*(?:of\s+)?
                (?:{year_span.format(p="sy")}|(?P<sy>[0-9]{{4}}|'?[0-9]{{2}})(?![0-9/.-]))
              | (?:(?P<fy_a>financial|academic|school)\s+year\s+(?:of\s+)?|(?P<fy_b>FY|AY)\s*)?
                (?P<fy1>[0-9]{{4}})\s*[/-]\s*(?P<fy2>[0-9]{{4}}|[0-9]{{2}})(?![0-9/.-])
                (?:\s+(?P<fy_c>financial|academic|school)\s+year)?
              | (?P<ym>{_MONTH_RE})\b\.?
            )
            """,
            re.IGNORECASE | re.VERBOSE,
        )

    @functools.cached_property
    def near_date(self) -> re.Pattern[str]:
        # Looks like a date but matched none of the forms above (e.g. "10/27", "27.10"). Whole
        # digit runs, so the message quotes what was written.
        return re.compile(r"[0-9]+(?:\s*[./-]\s*[0-9]+)+")

    @functools.cached_property
    def within(self) -> re.Pattern[str]:
        return re.compile(
            rf"^\s*(?:(?:to\s+be\s+(?:completed|done)\s+)?within|in|(?=[0-9a-z]))\s*(?P<n>{_NUM_RE})\s+"
            r"(?P<working>(?:working|business)\s+)?(?P<unit>day|week|fortnight|month|year)s?\s*"
            r"(?P<of>(?:of|from|after|following)\s+(?:the\s+)?(?:date\s+of\s+)?"
            r"(?:publication|the\s+report|report|inspection|publication\s+of\s+the\s+report|"
            r"the\s+inspection\s+report|inspection\s+report))?\s*$",
            re.IGNORECASE,
        )

    @functools.cached_property
    def within_any(self) -> re.Pattern[str]:
        # "within 6 months" inside longer wording ("Within 6 months, then quarterly").
        return re.compile(
            rf"\b(?:within|in)\s+(?P<n>{_NUM_RE})\s+(?P<working>(?:working|business)\s+)?"
            r"(?P<unit>day|week|fortnight|month|year)s?\b(?:\s+(?:of|from|after|following)\s+"
            r"(?:the\s+)?(?:date\s+of\s+)?(?:publication(?:\s+of\s+the\s+report)?|"
            r"(?:the\s+)?(?:inspection\s+)?report|inspection))?",
            re.IGNORECASE,
        )

    @functools.cached_property
    def immediate(self) -> re.Pattern[str]:
        return re.compile(r"^\s*(immediate(ly)?|with\s+immediate\s+effect|now)\s*$", re.I)

    @functools.cached_property
    def ongoing(self) -> re.Pattern[str]:
        return re.compile(r"\b(ongoing|on-going|continuous)\b", re.I)

    @functools.cached_property
    def tbc(self) -> re.Pattern[str]:
        return re.compile(r"^\s*(tbc|tba|to\s+be\s+(confirmed|agreed|decided)\b.*)\s*$", re.I)

    @functools.cached_property
    def recurring(self) -> re.Pattern[str]:
        unit = r"(?:week|fortnight|month|quarter|term|year)"
        return re.compile(
            rf"""\b(?:
                (?P<ambiguous>bi-?monthly|bi-?weekly|twice\s+(?:a|per)\s+(?:month|week|term))
              | on\s+an?\s+(?P<basis>weekly|fortnightly|monthly|quarterly|termly|annual|yearly|
                six[\s-]?monthly|half[\s-]?yearly|bi-?annual)\s+basis
              | (?P<adv>weekly|fortnightly|monthly|quarterly|termly|annually|yearly|six[\s-]?monthly|
                half[\s-]?yearly|bi-?annually|twice\s+(?:a|per)\s+year|twice\s+yearly)
              | (?:every|each|once\s+(?:a|per|every))\s+(?:(?P<n>{_NUM_RE})\s+)?(?P<unit>{unit})s?
            )\b""",
            re.IGNORECASE | re.VERBOSE,
        )

    @functools.cached_property
    def start_words(self) -> re.Pattern[str]:
        # Words just before a date that make it a start, not a deadline.
        return re.compile(
            r"(?:\bfrom|\bstart(?:s|ing|ed)?(?:\s+(?:in|on|from))?|\bcommenc(?:e|es|ing)(?:\s+(?:in|on))?|"
            r"\bbeginning(?:\s+(?:in|on))?|\bw/c|\bweek\s+commencing|\bwith\s+effect\s+from|"
            r"\bbetween)(?:\s+the)?(?:\s+(?:start|beginning)\s+of)?(?:\s+the)?\s*$",
            re.IGNORECASE,
        )

    @functools.cached_property
    def range_between(self) -> re.Pattern[str]:
        # The whole text between the two ends of a range.
        return re.compile(r"^\s*,?\s*(?:-|–|—|to|until|till|through|and)\s*(?:the\s+)?(?:end\s+of\s+)?$",
                          re.IGNORECASE)

    @functools.cached_property
    def until_words(self) -> re.Pattern[str]:
        return re.compile(r"\b(?:until|till|to|up\s+to)\s*(?:the\s+)?(?:end\s+of\s+)?$", re.IGNORECASE)

    @functools.cached_property
    def bare_month_context(self) -> re.Pattern[str]:
        # A month with no year is a date only after words that make it one ("by the end of
        # September"), or alone: "may" and "march" are also English words.
        return re.compile(
            r"(?:^|\b(?:by|before|in|during|end\s+of|close\s+of|no\s+later\s+than|until|till|"
            r"from|starting|commencing|beginning|between|w/e))(?:\s+the)?(?:\s+(?:end|close)\s+of)?"
            r"(?:\s+the)?\s*$",
            re.IGNORECASE,
        )

    @functools.cached_property
    def day_before(self) -> re.Pattern[str]:
        return re.compile(r"(?<![0-9./-])[0-9]{1,2}\s*(?:st|nd|rd|th)?\.?\s*[-/,]?\s*(?:of\s+)?$",
                          re.IGNORECASE)

    @functools.cached_property
    def range_ahead(self) -> re.Pattern[str]:
        # "Jan - Mar 2013": a month with no year that starts a range of months.
        return re.compile(rf"\s*(?:-|–|—|to|until|till|and)\s*(?:{_MONTH_RE})\b", re.IGNORECASE)

    @functools.cached_property
    def year_alone(self) -> re.Pattern[str]:
        return re.compile(
            r"^\s*(?P<words>(?:by\s+)?(?:the\s+)?(?:end\s+of|close\s+of|during|in|within)?)\s*"
            r"(?:the\s+)?(?:calendar\s+year\s+)?(?P<y>[0-9]{4})\s*$",
            re.IGNORECASE,
        )

    @functools.cached_property
    def label_trim(self) -> re.Pattern[str]:
        return re.compile(
            r"^[\s,;:&-]*(and\s+|then\s+)?"
            r"|[\s,;:&(-]*(\b(by|on|before|for|in|during|until|till|from|starting|commencing|"
            r"beginning|w/c|w/e|week\s+commencing|week\s+ending|no\s+later\s+than|with\s+effect\s+from|"
            r"between)\b)?(\s+the)?(\s*\b(end|close|start|beginning)\s+of)?(\s+the)?[\s(]*$",
            re.I,
        )


PATTERNS = _Patterns()


def _quote(text: str, limit: int = 80) -> str:
    """A written value quoted for a message, cut short so a hostile value cannot flood it."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


class TimescaleError(ValueError):
    """A timescale that cannot be read; the message says why and what is accepted."""


@dataclass(frozen=True)
class Deadline:
    due: date
    label: str  # the words around the date, e.g. "Initial report"


@dataclass(frozen=True)
class TimescaleWarning:
    """How an ambiguous form was read; the loader reports it located (W120, W121)."""

    code: str
    message: str


@dataclass(frozen=True)
class Timescale:
    text: str  # as written, shown to people
    deadlines: tuple[Deadline, ...] = ()
    ongoing: bool = False
    tbc: bool = False
    start: date | None = None  # work begins: before it nothing is due ("From June 2013")
    repeat: str | None = None  # a recurring form ("Quarterly"), as if `repeat:` were written
    warnings: tuple[TimescaleWarning, ...] = ()

    @property
    def first_due(self) -> date | None:
        return self.deadlines[0].due if self.deadlines else None


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _year(written_year: str, written: str) -> int:
    """A year as written: two digits are 20xx; four digits are that year, in 1990-2100."""
    digits = written_year.lstrip("'")
    if len(digits) == 2:
        return 2000 + int(digits)
    year = int(digits)
    if len(digits) != 4 or not MIN_YEAR <= year <= MAX_YEAR:
        raise TimescaleError(
            f"{_quote(written)} is not a date: the year {digits} is not a year of a plan "
            f"(write four digits between {MIN_YEAR} and {MAX_YEAR}, or two); {ACCEPTED_FORMS}")
    return year


def _make_date(year: int, month: int, day: int, written: str, forms: str = ACCEPTED_FORMS,
               swappable: bool = True) -> date:
    """`swappable`: the form could be month-first (27/10/2012 can; ISO 2012-10-27 cannot)."""
    if not 1 <= month <= 12:
        if swappable and 1 <= day <= 12 and 1 <= month <= days_in_month(year, day):
            # The one valid reading is month-first: name the date it would be, never pick it.
            raise TimescaleError(
                f"{written!r} is not a date: there is no month {month}; planctl reads dates "
                f"day-first (UK), so if {MONTH_NAMES[day]} {month} is meant, write "
                f"{month}.{day}.{year} ({month} {MONTH_NAMES[day]} {year}); {forms}"
            )
        raise TimescaleError(f"{written!r} is not a date: there is no month {month}; {forms}")
    if 1 <= day <= 28:  # every month has these days
        return date(year, month, day)
    last = days_in_month(year, month)
    if not 1 <= day <= last:
        raise TimescaleError(
            f"{written!r} is not a date: {MONTH_NAMES[month]} {year} has {last} days; " + forms
        )
    return date(year, month, day)


def _month_end(year: int, month: int) -> date:
    return date(year, month, days_in_month(year, month))


def match_to_date(m: re.Match[str]) -> date:
    """The date of a PATTERNS.date match: the day, or the month's last day."""
    return _match_span(m)[1]


def _match_span(m: re.Match[str]) -> tuple[date, date]:
    """(first day, last day) of a PATTERNS.date match: equal for a day, a month's span else."""
    written = m.group(0)
    if m.group("iso_y"):
        day = _make_date(_year(m["iso_y"], written), int(m["iso_m"]), int(m["iso_d"]), written,
                         swappable=False)
        return day, day
    if m.group("num_d"):
        day = _make_date(_year(m["num_y"], written), int(m["num_m"]), int(m["num_d"]), written)
        return day, day
    if m.group("name_d"):
        month = MONTHS[m["name_m"].lower()]
        day = _make_date(_year(m["name_y"], written), month, int(m["name_d"]), written)
        return day, day
    month = MONTHS[m["mon_m"].lower()]
    year = _year(m["mon_y"], written)
    return date(year, month, 1), _month_end(year, month)


def parse_date(text: str) -> date:
    """One date in any accepted form, and nothing else (for --today, completed:, updates)."""
    try:
        return _parse_date(text)
    except TimescaleError as exc:  # one date: list the date forms only
        raise TimescaleError(str(exc).replace(ACCEPTED_FORMS, DATE_FORMS)) from None


def date_or_none(text: str) -> date | None:
    """parse_date's date, or None when the text is not one date (a revision, a title)."""
    try:
        return parse_date(text)
    except TimescaleError:
        return None


def _parse_date(text: str) -> date:
    written = text.strip()
    _refuse_other_digits(written)
    if len(written) == 10 and written[4] == "-" and written[7] == "-" and written[0] in "12":
        try:  # the common ISO case, without compiling the patterns
            day = date.fromisoformat(written)
        except ValueError:
            pass  # the patterns say precisely what is wrong
        else:
            if MIN_YEAR <= day.year <= MAX_YEAR:
                return day
    m = PATTERNS.date.fullmatch(written)
    # A month with a two-digit year ("Oct 12") is a timescale, not one date: 12 October?
    if m is None or (m.group("mon_y") and len(m["mon_y"].lstrip("'")) == 2):
        raise TimescaleError(f"{_quote(text.strip())} is not a date; {DATE_FORMS}")
    return match_to_date(m)


def _refuse_other_digits(text: str) -> None:
    """Only 0-9 make dates: a date in other digits (Arabic-Indic, full-width) is refused."""
    if text.isascii():
        return
    for word in text.split():
        if any(ch.isdigit() and not ch.isascii() for ch in word):
            raise TimescaleError(f"{_quote(word)} is written with digits other than 0-9; "
                                 f"write dates with 0-9; {ACCEPTED_FORMS}")


def _add_months(start: date, months: int) -> date:
    """`start` plus whole months, clamped to the month's last day (31 January + 1 month is
    28 or 29 February), as councils count "within a month" and as dateutil's relativedelta
    adds months (tests/test_timescale.py compares the two). Written out because importing
    dateutil was 12% of `planctl status` on a plan with a quarterly action."""
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    return date(year, month + 1, min(start.day, days_in_month(year, month + 1)))


def add_period(start: date, n: int, unit: str) -> date:
    """start + n units; months clamp to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return start + timedelta(days=n)
    if unit == "week":
        return start + timedelta(weeks=n)
    if unit == "fortnight":
        return start + timedelta(weeks=2 * n)
    if unit == "month":
        return _add_months(start, n)
    if unit == "year":
        return _add_months(start, 12 * n)
    raise ValueError(unit)


# -- recurring -----------------------------------------------------------------------


def normalise_repeat(written: str) -> str | None:
    """A repeat word as the plan may write it -> its canonical name; None if it is not one.

    monthly, quarterly, six-monthly, yearly, weekly, fortnightly, termly, and
    every-N-weeks / every-N-months (every 6 weeks)."""
    key = "-".join(written.strip().lower().replace("_", " ").replace("-", " ").split())
    key = _REPEAT_SYNONYMS.get(key, _REPEAT_SYNONYMS.get(key.replace("-", " "), key))
    if key in REPEATS:
        return key
    m = re.fullmatch(rf"every-(?P<n>[0-9]{{1,2}}|{'|'.join(_WORD_NUMBERS)})-(?P<unit>week|month)s?", key)
    if m:
        n = _WORD_NUMBERS.get(m["n"]) or int(m["n"])
        return _every(n, m["unit"])
    return None


def _every(n: int, unit: str) -> str | None:
    if not 1 <= n <= _MAX_REPEAT_N:
        return None
    if unit == "fortnight":
        n, unit = 2 * n, "week"
    if unit == "quarter":
        n, unit = 3 * n, "month"
    if unit == "year":
        n, unit = 12 * n, "month"
    for name, step in REPEATS.items():
        if step == (n, unit):
            return name
    if unit == "term":
        return None  # every two terms: not a rhythm schools keep
    return f"every-{n}-{unit}s"


def repeat_step(repeat: str) -> tuple[int, str]:
    """(n, unit) of a canonical repeat name: (3, 'month') for quarterly."""
    if repeat in REPEATS:
        return REPEATS[repeat]
    _, n, unit = repeat.split("-")
    return int(n), unit.rstrip("s")


def _next_term_start(after: date) -> date:
    """The first start of a school term strictly after `after` (1 Jan, 1 Apr, 1 Sep)."""
    for month in (1, 4, 9):
        start = date(after.year, month, 1)
        if start > after:
            return start
    return date(after.year + 1, 1, 1)


def _next_term_end(after: date) -> date:
    """The first end of a school term strictly after `after` (31 Mar, 31 Jul, 31 Dec)."""
    for month, day in _TERM_ORDER:
        end = date(after.year, month, day)
        if end > after:
            return end
    return date(after.year + 1, 3, 31)


def occurrence(first: date, repeat: str, count: int) -> date:
    """The date of the occurrence after `count` earlier ones, counted from the first."""
    n, unit = repeat_step(repeat)
    if unit == "term":
        day = first
        if count and (day.month, day.day) not in _TERM_ORDER:  # first off a term end
            day, count = _next_term_end(day), count - 1
        years, rest = divmod(count, 3)  # three terms a year: whole years, then the rest
        day = date(day.year + years, day.month, day.day)
        for _ in range(rest):
            day = _next_term_end(day)
        return day
    return add_period(first, n * count, unit)


def _one_period_after(anchor: date, repeat: str) -> date:
    n, unit = repeat_step(repeat)
    if unit == "term":  # one whole term: the end of the first term that starts after the anchor
        return _next_term_end(_next_term_start(anchor))
    return add_period(anchor, n, unit)


# -- working days --------------------------------------------------------------------


_MAX_WORKING_DAYS = 2000  # about eight years: bounds the count on any input


@functools.lru_cache(maxsize=8)
def _bank_holidays(calendar: str, first_year: int, last_year: int) -> frozenset[date]:
    import holidays  # only when a working-day timescale is read: plain runs stay fast

    found = holidays.country_holidays("GB", subdiv=CALENDARS[calendar],
                                      years=range(first_year, last_year + 1))
    return frozenset(found)


def add_working_days(start: date, n: int, calendar: str = "england-and-wales") -> date:
    """The n-th working day after `start`: Monday-Friday and not a bank holiday of `calendar`."""
    last_year = min(start.year + 2 + n // 200, 9999)
    closed = _bank_holidays(calendar, start.year, last_year)
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            counted += 1
    return day


# -- reading a timescale ---------------------------------------------------------------


@functools.lru_cache(maxsize=1024)  # the words around dates repeat ("By ", "First report by ")
def _label(fragment: str) -> str:
    return PATTERNS.label_trim.sub("", fragment).strip()


def _number(written: str) -> int:
    word = " ".join(written.lower().replace("-", " ").split())
    if word.isdigit():
        return int(word)
    if " " in word:
        tens, units = word.split(" ")
        return _WORD_NUMBERS[tens] + _WORD_NUMBERS[units]
    return _WORD_NUMBERS[word]


def _needs_published(stripped: str, published: date | None, what: str) -> date:
    if published is None:
        raise TimescaleError(
            f"{_quote(stripped)} is {what}, but the plan has no plan.inspection.published date"
        )
    return published


@dataclass
class _Item:
    """One dated thing in a timescale: a day, a month, a quarter, a term ..."""

    start: int  # positions in the text
    end: int
    first: date | None  # None: no year written (resolved against publication)
    last: date | None
    month: int = 0  # yearless: the month ...
    day: int = 0  # ... and day (0: the whole month)
    note: str = ""  # how an ambiguous form was read (a warning)


def _fy_span(m: re.Match[str], p: str, written: str) -> tuple[int, int]:
    y1 = _year(m[p + "1"], written)
    y2_text = m[p + "2"]
    y2 = _year(y2_text, written) if len(y2_text) == 4 else y1 // 100 * 100 + int(y2_text)
    if y2 != y1 + 1:
        raise TimescaleError(f"{_quote(written)} is not a year: {y1} is not followed by "
                             f"{y2_text}; write e.g. {y1}/{str(y1 + 1)[2:]}; {ACCEPTED_FORMS}")
    return y1, y2


def _other_item(m: re.Match[str], year_starts: str | None, stripped: str,
                after_item: bool = False) -> _Item | None:
    written = m.group(0).strip()
    s, e = m.start(), m.end()
    if m.group("yd_m"):
        month = MONTHS[m["yd_m"].lower()]
        day = int(m["yd_d"])
        if not 1 <= day <= (29 if month == 2 else days_in_month(2001, month)):
            raise TimescaleError(f"{_quote(written)} is not a date: {MONTH_NAMES[month]} has "
                                 f"{days_in_month(2001, month)} days; {ACCEPTED_FORMS}")
        if m["yd_m"] == "may":  # the verb: "phase 2 may start"
            return None
        trailing = re.match(r"\s*[-/,.]?\s*'?[0-9]+", stripped[e:])
        if trailing:  # "27 Oct-2012": a year the day-month form would leave behind
            raise TimescaleError(f"{_quote(stripped[s:e + trailing.end()].strip())} is not a date; "
                                 f"write e.g. '27 October 2012' or '27.10.12'; {ACCEPTED_FORMS}")
        return _Item(s, e, None, None, month, day)
    if m.group("q"):
        q = {"one": 1, "two": 2, "three": 3, "four": 4}.get(m["q"].lower()) or int(m["q"])
        if m.group("qbad"):
            y = _year(m["qbad"], written)
            cal = (date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
            fin = _month_end(y + (q == 4), (3 * q + 3 - 1) % 12 + 1)
            raise TimescaleError(
                f"{_quote(written)} could be calendar quarter {q} of {y} (due "
                f"{cal[1]:%d.%m.%y}) or financial quarter {q} of {y}/{str(y + 1)[2:]} (due "
                f"{fin:%d.%m.%y}); write 'Q{q} {y}/{str(y + 1)[2:]}' or 'by {cal[1]:%d.%m.%y}'")
        y1, _ = _fy_span(m, "qy", written)
        # Financial quarters: Q1 April-June ... Q4 January-March of the second year.
        month = 3 * q + 1
        year = y1 + (month > 12)
        month = (month - 1) % 12 + 1
        return _Item(s, e, date(year, month, 1), _month_end(year, month + 2))
    if m.group("season"):
        season = m["season"].lower().replace("fall", "autumn")
        term = bool(m.group("term"))
        if m.group("sy1"):
            y1, y2 = _fy_span(m, "sy", written)
            if term:  # "Spring term 2013/14": the term of that academic year
                year = y1 if season == "autumn" else y2
            elif season == "winter":
                year = y1
            else:
                raise TimescaleError(f"{_quote(written)}: which {season}, {y1} or {y2}? write "
                                     f"'{m['season']} {y2}'; {ACCEPTED_FORMS}")
        else:
            year = _year(m["sy"], written)
        if term:
            if season == "winter":
                raise TimescaleError(f"{_quote(written)}: schools have autumn, spring and summer "
                                     f"terms; {ACCEPTED_FORMS}")
            month, day = TERM_END[season]
            last = date(year, month, day)
            note = (f"read {written!r} as ending on {last:%d %B %Y}, the last day planctl gives "
                    f"the {season} term; write the date if the term ends earlier")
        else:
            month, day = SEASON_END[season]
            if season == "winter":  # winter runs December to February: it ends the next year
                last = _month_end(year + 1, 2)
                note = (f"read {written!r} as the winter from December {year} to February "
                        f"{year + 1}, due {last:%d %B %Y}, its last day; write a date to say "
                        "otherwise")
            else:
                last = date(year, month, day)
                note = (f"read {written!r} as the season (ending {last:%d %B %Y}); write "
                        f"'{m['season']} term {year}' for the school term, or a date")
        return _Item(s, e, last, last, note=note)
    if m.group("fy1"):
        y1, y2 = _fy_span(m, "fy", written)
        kind = (m["fy_a"] or m["fy_b"] or m["fy_c"] or "").lower()
        note = ""
        if kind in ("academic", "school", "ay"):
            start_month = 9
        elif kind in ("financial", "fy"):
            start_month = 4
        else:
            start_month = YEAR_STARTS[year_starts or "april"]
            if year_starts is None:
                note = (f"read {written!r} as the financial year (April {y1} to March {y2}); "
                        f"write 'academic year {written}' or set plan year_starts: september "
                        "for September-August")
        first = date(y1, start_month, 1)
        last = _month_end(y2, start_month - 1)
        return _Item(s, e, first, last, note=note)
    month = MONTHS[m["ym"].lower()]
    before = stripped[max(0, s - 40): s]  # the words just before; "\0": not the text's start
    before = before if s <= 40 else "\0" + before
    if m["ym"] == "may" or not (after_item or PATTERNS.bare_month_context.search(before)
                                or PATTERNS.range_ahead.match(stripped, e)):
        return None  # an English word, or a month named in passing ("the March LSCB")
    return _Item(s, e, None, None, month, 0)


def _resolve(item: _Item, on_or_after: date, stripped: str) -> None:
    """Give a yearless item the first such date on or after `on_or_after`."""
    year = on_or_after.year
    for _ in range(9):  # a 29 February is at most eight years away
        try:
            last = (date(year, item.month, item.day) if item.day
                    else _month_end(year, item.month))
        except ValueError:  # 29 February of a common year
            year += 1
            continue
        if last >= on_or_after:
            item.first = date(year, item.month, 1) if not item.day else last
            item.last = last
            return
        year += 1
    raise TimescaleError(f"{_quote(stripped)} has no such date after {on_or_after:%d.%m.%Y}")


def _items(stripped: str, year_starts: str | None) -> list[_Item]:
    items: list[_Item] = []
    pos = 0
    date_re, other_re = PATTERNS.date, PATTERNS.other
    m = date_re.search(stripped)
    o = other_re.search(stripped)
    while pos < len(stripped):
        # Each pattern's next match is kept until passed, so many dates stay linear.
        if m is not None and m.start() < pos:
            m = date_re.search(stripped, pos)
        if o is not None and o.start() < pos:
            o = other_re.search(stripped, pos)
        if m is None and o is None:
            break
        if m is not None and (o is None or m.start() <= o.start()):
            if m.group("mon_m") and PATTERNS.day_before.search(stripped, max(pos, m.start() - 40),
                                                                     m.start()):
                # "3rd-March-2014": a day the month form would drop, silently
                raise TimescaleError(f"{_quote(stripped)}: the day before {m.group(0)!r} is not "
                                     f"read; write the day, month and year together ('3 March 2014' or "
                                     f"'3.3.14'); {ACCEPTED_FORMS}")
            first, last = _match_span(m)
            items.append(_Item(m.start(), m.end(), first, last))
            pos = m.end()
            continue
        after_item = bool(items) and bool(PATTERNS.range_between.match(stripped[items[-1].end:o.start()]))
        item = _other_item(o, year_starts, stripped, after_item)
        if item is not None:
            items.append(item)
        pos = o.end()
    return items


@functools.lru_cache(maxsize=4096)  # plans repeat their timescales; a Timescale is immutable
def parse_timescale(text: str, published: date | None = None, *,
                    calendar: str = "england-and-wales", year_starts: str | None = None) -> Timescale:
    """Read a timescale. `published` anchors the relative forms ("Immediate", "within 3 months",
    "by 30 November", "Quarterly"); `calendar` names the bank holidays of working days;
    `year_starts` (april, september; None: april, with a warning) reads a bare "2013/14"."""
    stripped = " ".join(text.split())
    return _simple(stripped) or _general(stripped, published, calendar, year_starts)


# The forms most plans write most ("By 27.10.12", "2012-10-27", "By 27 October 2012", "June
# 2013"): one date, perhaps after "By", perhaps "ongoing" after it. _simple reads it with one
# pattern (PATTERNS.simple), giving exactly what the general rules give (tests/test_speed_cold.py checks
# that on generated text) and leaving anything else, or anything wrong, to them.


def _simple(stripped: str) -> Timescale | None:
    m = PATTERNS.simple.fullmatch(stripped)
    if m is None:
        return None
    try:
        if m["iso_y"]:
            due = _make_date(_year(m["iso_y"], stripped), int(m["iso_m"]), int(m["iso_d"]),
                             stripped, swappable=False)
        elif m["num_y"]:
            due = _make_date(_year(m["num_y"], stripped), int(m["num_m"]), int(m["num_d"]), stripped)
        else:
            year, month = _year(m["name_y"], stripped), MONTHS[m["name_m"].lower()]
            due = (_make_date(year, month, int(m["name_d"]), stripped) if m["name_d"]
                   else _month_end(year, month))  # a month: due on its last day
    except TimescaleError:
        return None  # the general rules say what is wrong, in their words
    return Timescale(stripped, (Deadline(due, _label(m["by"] or "")),), ongoing=bool(m["ongoing"]))


def _general(stripped: str, published: date | None, calendar: str,
             year_starts: str | None) -> Timescale:
    """parse_timescale's rules for every form (stripped: its whitespace made single spaces)."""
    if not stripped:
        raise TimescaleError(f"the timescale is empty; {ACCEPTED_FORMS}")
    _refuse_other_digits(stripped)
    if PATTERNS.tbc.match(stripped):
        return Timescale(stripped, tbc=True)
    try:
        return _parse(stripped, published, calendar, year_starts)
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, TimescaleError):
            raise
        raise TimescaleError(f"{_quote(stripped)} is too far in the future") from None


def _parse(stripped: str, published: date | None, calendar: str, year_starts: str | None) -> Timescale:
    if PATTERNS.immediate.match(stripped):
        anchor = _needs_published(stripped, published, "relative to publication")
        return Timescale(stripped, (Deadline(anchor, ""),))

    within = PATTERNS.within.match(stripped)
    if within and (within["of"] or stripped.lower().startswith(("within", "in ", "to be"))):
        return Timescale(stripped, (Deadline(_within_due(within, stripped, published, calendar), ""),))

    year_alone = PATTERNS.year_alone.match(stripped)
    if year_alone:
        year = _year(year_alone["y"], stripped)
        words = " ".join(year_alone["words"].lower().split())
        if words.endswith(("end of", "close of", "during", "in", "within")):
            return Timescale(stripped, (Deadline(date(year, 12, 31), ""),))
        raise TimescaleError(
            f"{_quote(stripped)} could mean before {year} begins or by the end of {year}; "
            f"write 'by end of {year}' (31.12.{str(year)[2:]}) or 'by 31.12.{str(year - 1)[2:]}'")

    recurring = PATTERNS.recurring.search(stripped)
    repeat = None
    body = stripped
    if recurring:
        if recurring["ambiguous"]:
            raise TimescaleError(
                f"{_quote(recurring.group(0))} in {_quote(stripped)} is ambiguous (twice a "
                "period, or every second one?); write e.g. 'every 2 months' or 'every 2 weeks'")
        repeat = _recurring_name(recurring)
        if repeat is None:
            raise TimescaleError(f"{_quote(recurring.group(0))} in {_quote(stripped)} is not a "
                                 "rhythm planctl can count; write e.g. 'monthly', 'every 6 weeks', "
                                 "'quarterly', 'termly' or 'annually'")
        # The recurring words are read; the rest may still hold a first date or a start.
        body = stripped[: recurring.start()] + " " * len(recurring.group(0)) + stripped[recurring.end():]

    items = _items(body, year_starts)
    for w in PATTERNS.within_any.finditer(body):  # "Within 6 months, then quarterly"
        if not any(it.start < w.end() and w.start() < it.end for it in items):
            due = _within_due(w, stripped, published, calendar)
            items.append(_Item(w.start(), w.end(), due, due))
    items.sort(key=lambda it: it.start)
    cuts = [0] + [x for it in items for x in (it.start, it.end)] + [len(body)]
    leftover = " ".join(body[cuts[k]: cuts[k + 1]] for k in range(0, len(cuts), 2))
    near = PATTERNS.near_date.search(leftover)
    if near:
        raise TimescaleError(f"{near.group(0)!r} in {_quote(stripped)} is not a date; {ACCEPTED_FORMS}")

    warnings: list[TimescaleWarning] = []
    for it in items:
        if it.note:
            warnings.append(TimescaleWarning("W120", it.note))

    # Which items are starts, which are ends of ranges, which are deadlines.
    start: date | None = None
    deadlines: list[Deadline] = []
    ends_until = False
    i = 0
    previous_end = 0
    while i < len(items):
        it = items[i]
        before = body[previous_end: it.start]
        nxt = items[i + 1] if i + 1 < len(items) else None
        is_range = nxt is not None and PATTERNS.range_between.match(body[it.end: nxt.start]) and (
            body[it.end: nxt.start].strip().lower() != "and"
            or re.search(r"\bbetween\s*$", before, re.I))
        is_start = bool(PATTERNS.start_words.search(before)) or bool(
            re.match(r"\s*,?\s*(?:and\s+)?on(?:-|\s)?wards?\b", body[it.end: it.end + 20], re.I))
        if is_range:
            _resolve_pair(it, nxt, published, stripped, warnings)
            if start is not None:
                raise TimescaleError(f"{_quote(stripped)} has two starts; write one range")
            start = it.first
            deadlines.append(Deadline(nxt.last, _label(before)))
            previous_end = nxt.end
            i += 2
            continue
        if it.first is None:
            _resolve_alone(it, published, stripped, warnings)
        if is_start:
            if start is not None:
                raise TimescaleError(f"{_quote(stripped)} has two starts; write one")
            start = it.first
        else:
            ends_until = ends_until or bool(PATTERNS.until_words.search(before))
            deadlines.append(Deadline(it.last, _label(before)))
        previous_end = it.end
        i += 1

    ongoing = bool(PATTERNS.ongoing.search(stripped))
    for earlier, later in zip(deadlines, deadlines[1:], strict=False):
        if later.due < earlier.due:
            raise TimescaleError(
                f"the dates in {_quote(stripped)} go backwards ({later.due:%d.%m.%y} after "
                f"{earlier.due:%d.%m.%y}); milestones must be in order"
            )
    if start is not None and deadlines and deadlines[0].due < start:
        raise TimescaleError(f"{_quote(stripped)} starts ({start:%d.%m.%y}) after it is due "
                             f"({deadlines[0].due:%d.%m.%y}); write the start first")

    if repeat is not None:
        return _recurring(stripped, body, repeat, start, deadlines, ends_until, published, warnings)
    if not deadlines and start is None and not ongoing:
        raise TimescaleError(_no_date(stripped, published))
    return Timescale(stripped, tuple(deadlines), ongoing=ongoing, start=start,
                     warnings=tuple(warnings))


def _within_due(within: re.Match[str], stripped: str, published: date | None, calendar: str) -> date:
    anchor = _needs_published(stripped, published, "relative to publication")
    count = _number(within["n"])
    unit = within["unit"].lower()
    if within["working"]:
        if unit != "day":
            raise TimescaleError(f"{_quote(stripped)}: count working days, or weeks; "
                                 f"write e.g. 'within 40 working days'; {ACCEPTED_FORMS}")
        if count > _MAX_WORKING_DAYS:
            raise TimescaleError(f"{_quote(stripped)} is too far in the future")
        return add_working_days(anchor, count, calendar)
    return add_period(anchor, count, unit)


def _recurring_name(m: re.Match[str]) -> str | None:
    word = m["basis"] or m["adv"]
    if word:
        word = " ".join(word.lower().replace("-", " ").split())
        word = {"annual": "yearly", "half yearly": "six-monthly", "six monthly": "six-monthly",
                "bi annual": "six-monthly", "biannual": "six-monthly", "bi annually": "six-monthly",
                "biannually": "six-monthly", "twice a year": "six-monthly",
                "twice per year": "six-monthly", "twice yearly": "six-monthly"}.get(word, word)
        return normalise_repeat(word)
    n = _number(m["n"]) if m["n"] else 1
    return _every(n, m["unit"].lower())


def _recurring(stripped, body, repeat, start, deadlines, ends_until, published, warnings) -> Timescale:
    if ends_until:
        raise TimescaleError(
            f"{_quote(stripped)} recurs until a date; planctl keeps a recurring action open until "
            "its status is completed: write the first date ('Quarterly, first by 31.12.12') and "
            "complete it when it ends")
    if len(deadlines) > 1:
        raise TimescaleError(f"{_quote(stripped)} recurs but has {len(deadlines)} dates; write "
                             "the first one only ('Quarterly, first by 31.12.12')")
    label = deadlines[0].label if deadlines else _label(body)
    if deadlines:
        first = deadlines[0].due
    elif start is not None:
        first = _one_period_after(start, repeat)
        warnings.append(TimescaleWarning(
            "W120", f"read {stripped!r} as first due {first:%d %B %Y}, one period after the "
                    f"start ({start:%d %B %Y}); write 'first by DATE' to say otherwise"))
    else:
        anchor = _needs_published(stripped, published, "recurring with no first date, counted "
                                  "from publication")
        first = _one_period_after(anchor, repeat)
    return Timescale(stripped, (Deadline(first, label),), ongoing=bool(PATTERNS.ongoing.search(stripped)),
                     start=start, repeat=repeat, warnings=tuple(warnings))


def _resolve_alone(it: _Item, published: date | None, stripped: str, warnings: list) -> None:
    anchor = _needs_published(stripped, published, "a date with no year, read as the first such "
                              "date after publication")
    _resolve(it, anchor, stripped)
    if it.last > _add_months(anchor, 12):
        warnings.append(TimescaleWarning(
            "W121", f"{stripped!r} has no year; the first such date after publication is "
                    f"{it.last:%d %B %Y}, more than 12 months away; write the year"))


def _resolve_pair(a: _Item, b: _Item, published: date | None, stripped: str, warnings: list) -> None:
    if a.first is None and b.first is None:
        _resolve_alone(a, published, stripped, warnings)
    if a.first is None:  # "April - June 2013": the start takes the end's year
        year = b.first.year - ((a.month, a.day) > (b.first.month, b.first.day or 1))
        _resolve(a, date(year, 1, 1), stripped)
    if b.first is None:  # "From September 2013 to March": the first such end after the start
        _resolve(b, a.first, stripped)
    if b.last < a.first:
        raise TimescaleError(f"{_quote(stripped)} ends ({b.last:%d.%m.%y}) before it starts "
                             f"({a.first:%d.%m.%y})")


def _no_date(stripped: str, published: date | None) -> str:
    """The error for a timescale with no date: what was understood, and the nearest form."""
    low = stripped.lower()
    hint = ""
    month = re.search(rf"\b({_MONTH_RE})\b", low)
    season = re.search(r"\b(spring|summer|autumn|winter)\b", low)
    units = re.search(rf"\b({_NUM_RE})\s+((?:working\s+)?(?:day|week|month|year))s?\b", low)
    if season:
        year = (published.year if published else 2013)
        hint = (f"it names the {season[1]} but no year; write e.g. "
                f"'{season[1].capitalize()} term {year}' or '{season[1].capitalize()} {year}'")
    elif re.search(r"\bterm\b", low):
        hint = "it names a term but not which; write e.g. 'Autumn term 2013'"
    elif re.search(r"\b(q[1-4]|quarter\s*[1-4]?)\b", low):
        hint = "it names a quarter but no year; write e.g. 'Q3 2013/14' (financial quarters)"
    elif units:
        hint = (f"it gives {units[1]} {units[2]}s but not from when; write e.g. "
                f"'within {units[1]} {units[2]}s of publication'")
    elif month:
        name = month[1].capitalize()
        hint = f"it names {name} but no date; write e.g. 'by the end of {name}'"
    return (f"no date in timescale {_quote(stripped)}" + (f": {hint}" if hint else "")
            + f"; write a date ('By 27.10.12'), a recurring form ('Quarterly'), 'ongoing' or "
              f"'TBC'; {ACCEPTED_FORMS}")

"""The words and regular expressions timescales are read with.

English names whatever the locale: plans are written in English (and calendar's names
follow the locale, and cost an import).
"""

from __future__ import annotations

import functools
import re

MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
MONTHS = {name: number for number in range(1, 13)
          for name in (MONTH_NAMES[number].lower(), MONTH_NAMES[number][:3].lower())}
MONTHS["sept"] = 9

MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
NUM_RE = (r"[0-9]{1,4}|(?:" + "|".join(_TENS) + r")[\s-](?:" + "|".join(_UNITS) + r")|"
          + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)))


def number(written: str) -> int:
    """A count as written: "3", "twelve", "twenty-one"."""
    word = " ".join(written.lower().replace("-", " ").split())
    if word.isdigit():
        return int(word)
    if " " in word:
        tens, units = word.split(" ")
        return WORD_NUMBERS[tens] + WORD_NUMBERS[units]
    return WORD_NUMBERS[word]


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
              | (?P<dr_d1>[0-9]{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|—|to|until|till)\s*
                (?P<dr_d2>[0-9]{{1,2}})\s*(?:st|nd|rd|th)?\.?,?\s+(?:of\s+)?
                (?P<dr_m>{MONTH_RE})\.?,?\s+(?P<dr_y>[0-9]{{4}}|'?[0-9]{{2}}(?![0-9]))
              | (?P<num_d>[0-9]{{1,2}})(?P<sep>[./-])(?P<num_m>[0-9]{{1,2}})(?P=sep)(?P<num_y>[0-9]+)
              | (?P<name_d>[0-9]{{1,2}})\s*(?:st|nd|rd|th)?\.?,?(?:\s+(?:of\s+)?|(?P<name_sep>[-/]))
                (?P<name_m>{MONTH_RE})\.?,?(?(name_sep)(?P=name_sep)|\s+)(?P<name_y>[0-9]{{4}}|'?[0-9]{{2}}(?![0-9]))
              | (?P<mon_m>{MONTH_RE})\.?(?:\s*[-/]\s*|\s+)(?P<mon_y>[0-9]{{4}}|'?[0-9]{{2}}(?![0-9])
                # not the day a range runs to: "April - 31 May 2013" is no April 2031
                (?!\s*(?:st|nd|rd|th)?\.?,?\s+(?:of\s+)?(?:{MONTH_RE})\b))
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
            rf"|(?:(?P<name_d>[0-9]{{1,2}}) )?(?P<name_m>(?i:{MONTH_RE})) (?P<name_y>[0-9]{{4}}))"
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
                (?P<yd_d>[0-9]{{1,2}})\s*(?:st|nd|rd|th)?\.?,?(?:\s+(?:of\s+)?|-)(?P<yd_m>{MONTH_RE})\b\.?
              | (?:Q|quarter\s*)(?P<q>[1-4]|one|two|three|four)\s*,?\s*(?:of\s+)?(?:the\s+)?
                (?:financial\s+year\s+|FY\s*)?(?:{year_span.format(p="qy")}|(?P<qbad>[0-9]{{4}})(?![0-9/.-]))
              | {year_span.format(p="qz")}\s*,?\s*(?:Q|quarter\s*)(?P<qz>[1-4]|one|two|three|four)\b
              | (?P<season>spring|summer|autumn|fall|winter)(?P<term>\s+term)?\s*,?\s*(?:of\s+)?
                (?:{year_span.format(p="sy")}|(?P<sy>[0-9]{{4}}|'?[0-9]{{2}})(?![0-9/.-]))
              | (?:(?P<fy_a>financial|academic|school)\s+year\s+(?:of\s+)?|(?P<fy_b>FY|AY)\s*)?
                (?P<fy1>[0-9]{{4}})\s*[/-]\s*(?P<fy2>[0-9]{{4}}|[0-9]{{2}})(?![0-9/.-])
                (?:\s+(?P<fy_c>financial|academic|school)\s+year)?
              | (?P<ym>{MONTH_RE})\b\.?
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
        # A period after an event, the whole timescale: which event is dated.event_date's
        # question (publication, a date the plan names, or none: to be confirmed).
        return re.compile(
            rf"^\s*(?:(?:to\s+be\s+(?:completed|done)\s+)?within|in|(?=[0-9a-z]))\s*(?P<n>{NUM_RE})\s+"
            r"(?P<working>(?:working|business)\s+)?(?P<unit>day|week|fortnight|month|year)s?\s*"
            r"(?:(?P<of>of|from|after|following)\s+(?P<event>[^\W0-9][\w\s'’-]*?))?\s*$",
            re.IGNORECASE,
        )

    @functools.cached_property
    def within_any(self) -> re.Pattern[str]:
        # "within 6 months" inside longer wording ("Within 6 months, then quarterly"), perhaps
        # of an event: words up to punctuation or a joining word ("of the letter, then ...").
        return re.compile(
            rf"\b(?:within|in)\s+(?P<n>{NUM_RE})\s+(?P<working>(?:working|business)\s+)?"
            r"(?P<unit>day|week|fortnight|month|year)s?\b(?:\s+(?P<of>of|from|after|following)\s+"
            rf"(?!(?:{MONTH_RE}|spring|summer|autumn|winter|q[1-4]|quarter)\b)"
            r"(?P<event>[^\W0-9][\w'’-]*(?:\s+(?!(?:and|then|or|by|with|to|for|but|at|before|"
            rf"until|on|in|i\.?e|e\.?g|{MONTH_RE}|spring|summer|autumn|winter|q[1-4])\b)"
            r"[^\W0-9][\w'’-]*){0,6}))?",
            re.IGNORECASE,
        )

    @functools.cached_property
    def counts_from(self) -> re.Pattern[str]:
        # Just after a period: it counts from what follows.
        return re.compile(r"\s+(?:of|from|after|following)\b", re.IGNORECASE)

    @functools.cached_property
    def period_of_date(self) -> re.Pattern[str]:
        # A period counted from a date written just after it: "for 12 months from May 2025",
        # "within 6 weeks of 1.4.13". Matched ending where the date's item begins.
        return re.compile(
            rf"(?:\b(?P<lead>within|in|for|over|during)\s+)?\b(?P<n>{NUM_RE})\s+"
            r"(?P<working>(?:working|business)\s+)?(?P<unit>day|week|fortnight|month|year)s?\s+"
            r"(?:of|from|after|following|starting|commencing|beginning)\s+(?:the\s+)?"
            r"(?:(?:start|beginning)\s+of\s+(?:the\s+)?)?$",
            re.IGNORECASE,
        )

    @functools.cached_property
    def date_for_period(self) -> re.Pattern[str]:
        # A period written just after a start: "From June 2013 for 6 months".
        return re.compile(
            rf"\s*,?\s*for\s+(?:a\s+(?:period|total)\s+of\s+)?(?P<n>{NUM_RE})\s+"
            r"(?P<working>(?:working|business)\s+)?(?P<unit>day|week|fortnight|month|year)s?\b",
            re.IGNORECASE,
        )

    @functools.cached_property
    def restate(self) -> re.Pattern[str]:
        # The words between a period and a date that say the same deadline twice: "within 6
        # months (by July 2027)", "in six months, i.e. by June", "by 31.3.13 (6 months)".
        return re.compile(
            r"[\s,;:(\[–—-]*(?:(?:i\.?\s?e\.?|that\s+is|namely|viz\.?|so|or)[\s,;:]*)?"
            r"(?:(?:by|before|no\s+later\s+than|on|until|within|in)\s+)?(?:the\s+)?(?:end\s+of\s+)?$",
            re.IGNORECASE,
        )

    @functools.cached_property
    def label_number(self) -> re.Pattern[str]:
        # A word that makes the number after it a label, not a day: "Step 4 June 2027".
        return re.compile(
            r"(?:\b(?:phase|stage|step|part|round|wave|tranche|cohort|level|tier|priority|action|"
            r"recommendation|rec|objective|outcome|item|no|nos|number|section|module|session|"
            r"workstream|strand|milestone|pillar|point|para|paragraph|chapter|appendix|annex|"
            r"version|year|week|team|group|area|site|ward)\.?|#)\s*$",
            re.IGNORECASE,
        )

    @functools.cached_property
    def anchor(self) -> re.Pattern[str]:
        # An event a date may count from ("of the letter"): date-bearing where it stands
        # beside another date-bearing token (unread.py), not in "review of the policy by ...".
        return re.compile(r"\b(?:of|from|after|following)\s+the\s+[^\W0-9][\w'’-]*", re.IGNORECASE)

    @functools.cached_property
    def tokens(self) -> re.Pattern[str]:
        # The date-bearing tokens every reading must use or name (grammar's audit): a
        # period with its event, a quarter, a run of digits, a month or season name.
        return re.compile(
            rf"""
            (?P<period>\b(?:{NUM_RE})\s+(?:(?:working|business)\s+)?(?:day|week|fortnight|month|year)s?\b
                (?:\s+(?:of|from|after|following)\s+(?!(?:{MONTH_RE}|spring|summer|autumn|winter|q[1-4]|quarter)\b)
                (?!(?:{NUM_RE})\s+(?:(?:working|business)\s+)?(?:day|week|fortnight|month|year))
                (?:the\s+)?[^\W0-9][\w'’-]*)?)
          | (?P<quarter>\b(?:Q|quarter\s*)(?:[1-4]|one|two|three|four)\b)
          | (?P<digits>[0-9]+(?:[./-][0-9]+)*)
          | (?P<month>\b(?:{MONTH_RE})\b)
          | (?P<season>\b(?:spring|summer|autumn|winter)\b)
            """,
            re.IGNORECASE | re.VERBOSE,
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
              | (?:every|each|once\s+(?:a|per|every))\s+(?:(?P<n>{NUM_RE})\s+)?(?P<unit>{unit})s?
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
    def onwards(self) -> re.Pattern[str]:
        # Just after a date, making it a start: "Sept 2012 onwards".
        return re.compile(r"\s*,?\s*(?:and\s+)?on(?:-|\s)?wards?\b", re.I)

    @functools.cached_property
    def between_end(self) -> re.Pattern[str]:
        # "between" just before a range: "between April and June 2013" ("and" alone joins two dates).
        return re.compile(r"\bbetween\s*$", re.I)

    @functools.cached_property
    def range_between(self) -> re.Pattern[str]:
        # The whole text between the two ends of a range.
        return re.compile(r"^\s*,?\s*(?:-|–|—|to|until|till|through|and)\s*(?:the\s+)?"
                          r"(?:end(?:\s+of\s+|\s*-\s*|\s+))?$", re.IGNORECASE)

    @functools.cached_property
    def month_list(self) -> re.Pattern[str]:
        # Between two months of a list: "September and October 2026", "May, June and July".
        return re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)$", re.IGNORECASE)

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
        return re.compile(rf"\s*(?:-|–|—|to|until|till|and|,|&)\s*(?:(?:the\s+)?end(?:\s+of\s+|\s*-\s*|\s+))?"
                          rf"(?:{MONTH_RE})\b", re.IGNORECASE)

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

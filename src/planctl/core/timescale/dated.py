"""The dated things in a timescale's words, and how they read as a start and deadlines.

Found left to right: days and months of a year, quarters, seasons, terms, financial and
academic years, days or months with no year, and "within N months" inside longer words.
Then read in order: which are ranges ("April - June 2013"), which are starts ("From June
2013"), which are deadlines.
"""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta

from .dates import add_months, days_in_month, month_end
from .model import ACCEPTED_FORMS, Deadline, TimescaleError, TimescaleWarning, needs_published, quote
from .patterns import MONTH_NAMES, MONTH_RE, MONTHS, PATTERNS
from .periods import count, within_due
from .written import match_span, year_of

YEAR_STARTS = {"april": 4, "september": 9}

# Documented last days. Seasons are the Met Office's (spring March-May ...); school terms
# end on the last day of the month they end in (autumn: December, spring: March, summer: July).
SEASON_END = {"spring": (5, 31), "summer": (8, 31), "autumn": (11, 30), "winter": (2, 0)}
TERM_END = {"autumn": (12, 31), "spring": (3, 31), "summer": (7, 31)}

_QUARTER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4}


class Item:
    """One dated thing in a timescale: a day, a month, a quarter, a term ..."""

    # Plain classes, not named tuples or dataclasses: building those costs milliseconds at
    # import, on every run's cold path.
    __slots__ = ("start", "end", "first", "last", "note", "kind")

    def __init__(self, start: int, end: int, first: date, last: date, note: str = "",
                 kind: str = "") -> None:
        self.start = start  # positions in the text
        self.end = end
        self.first = first  # its first day: a range or a start begins on it
        self.last = last  # its last day: a deadline falls on it
        self.note = note  # how an ambiguous form was read (a warning)
        # "range": starts on `first`, due on `last` ("3-7 June 2027", "for 12 months from
        # May 2025"); "period": a period after publication or an event ("within 6 months")
        self.kind = kind


class Yearless:
    """A day or a month written with no year ("by 30 November"): _resolve() gives it one."""

    __slots__ = ("start", "end", "month", "day")

    def __init__(self, start: int, end: int, month: int, day: int = 0) -> None:
        self.start = start
        self.end = end
        self.month = month
        self.day = day  # 0: the whole month


# What read_dates gives: the start, the deadlines, whether a deadline came after "until"
# (how a recurrence's end is written), the warnings so far, and the spans of text read.
Dates = tuple[date | None, list[Deadline], bool, list[TimescaleWarning], list[tuple[int, int]]]


@functools.lru_cache(maxsize=1024)  # the words around dates repeat ("By ", "First report by ")
def label(fragment: str) -> str:
    """The words around a date, without the date's own words ("Initial report" of "Initial report by")."""
    return PATTERNS.label_trim.sub("", fragment).strip()


def read_dates(stripped: str, body: str, published: date | None, calendar: str,
               year_starts: str | None, anchors: tuple[tuple[str, date], ...] = ()) -> Dates:
    """The start and deadlines of `body`: `stripped` with its recurring words blanked."""
    items = _items(stripped, body, published, calendar, year_starts, anchors)
    used = [(it.start, it.end) for it in items]
    used += [(it.end, m.end()) for it in items if (m := PATTERNS.onwards.match(body, it.end))]
    warnings = [TimescaleWarning("W120", it.note) for it in items if isinstance(it, Item) and it.note]
    items = _restated(items, body, published, stripped, warnings)
    start, deadlines, ends_until = _arrange(items, body, published, stripped, warnings)
    for earlier, later in zip(deadlines, deadlines[1:], strict=False):
        if later.due < earlier.due:
            raise TimescaleError(
                f"the dates in {quote(stripped)} go backwards ({later.due:%d.%m.%y} after "
                f"{earlier.due:%d.%m.%y}); milestones must be in order"
            )
    if start is not None and deadlines and deadlines[0].due < start:
        raise TimescaleError(f"{quote(stripped)} starts ({start:%d.%m.%y}) after it is due "
                             f"({deadlines[0].due:%d.%m.%y}); write the start first")
    return start, deadlines, ends_until, warnings, used


def _items(stripped: str, body: str, published: date | None, calendar: str,
           year_starts: str | None, anchors: tuple[tuple[str, date], ...]) -> list[Item | Yearless]:
    """The dated things and the "within N months" of `body`, in order; an error if digits
    that look like a date are left over."""
    items = _with_periods(_find_items(body, year_starts), body, stripped, published, calendar)
    for w in PATTERNS.within_any.finditer(body):  # "Within 6 months, then quarterly"
        if not any(it.start < w.end() and w.start() < it.end for it in items):
            if not w["event"] and PATTERNS.counts_from.match(body, w.end()):
                raise TimescaleError(  # "within 6 weeks of quarter 2 publication"
                    f"{quote(stripped)}: planctl cannot tell what {w.group(0)!r} counts from; write "
                    f"'{w.group(0)} of publication', of a date ('of 1.4.13') or of an event the "
                    f"plan dates ('of the letter'); {ACCEPTED_FORMS}")
            due = within_due(w, stripped, published, calendar, anchors)
            items.append(Item(w.start(), w.end(), due, due, kind="period"))
    items.sort(key=lambda it: it.start)
    cuts = [0] + [x for it in items for x in (it.start, it.end)] + [len(body)]
    leftover = " ".join([body[cuts[k]: cuts[k + 1]] for k in range(0, len(cuts), 2)])
    near = PATTERNS.near_date.search(leftover)
    if near:
        raise TimescaleError(f"{near.group(0)!r} in {quote(stripped)} is not a date; {ACCEPTED_FORMS}")
    return items


def _arrange(items: list[Item | Yearless], body: str, published: date | None, stripped: str,
             warnings: list[TimescaleWarning]) -> tuple[date | None, list[Deadline], bool]:
    """Which items are starts, which are the two ends of a range (or a list of months),
    which are deadlines: (start, deadlines, whether a deadline came after "until")."""
    start: date | None = None
    deadlines: list[Deadline] = []
    ends_until = False
    i = previous_end = 0
    while i < len(items):
        it = items[i]
        before = body[previous_end: it.start]
        span = _span_at(items, i, body, before, published, stripped, warnings)
        if span is not None:
            (first, last), after = span
            if start is not None:
                raise TimescaleError(f"{quote(stripped)} has two starts; write one range")
            start = first
            deadlines.append(Deadline(last, label(before)))
            previous_end, i = items[after - 1].end, after
            continue
        dated = it if isinstance(it, Item) else _resolve_alone(it, published, stripped, warnings)
        if PATTERNS.start_words.search(before) or PATTERNS.onwards.match(body[it.end: it.end + 20]):
            if start is not None:
                raise TimescaleError(f"{quote(stripped)} has two starts; write one")
            start = dated.first
        else:
            ends_until = ends_until or bool(PATTERNS.until_words.search(before))
            deadlines.append(Deadline(dated.last, label(before)))
        previous_end, i = it.end, i + 1
    return start, deadlines, ends_until


def _span_at(items: list[Item | Yearless], i: int, body: str, before: str, published: date | None,
             stripped: str, warnings: list[TimescaleWarning]) -> tuple[tuple[date, date], int] | None:
    """((first day, last day), the index after it) of a range that begins at items[i]: one
    item that is a range, two joined by range words, or a list of whole months."""
    it = items[i]
    if isinstance(it, Item) and it.kind == "range":
        return (it.first, it.last), i + 1
    nxt = items[i + 1] if i + 1 < len(items) else None
    if nxt is not None and _is_range(body, it, nxt, before):
        first, last = _resolve_pair(it, nxt, published, stripped, warnings)
        return (first.first, last.last), i + 2
    run = i + 1
    while (run < len(items) and _whole_month(items[run - 1]) and _whole_month(items[run])
           and PATTERNS.month_list.match(body[items[run - 1].end: items[run].start])):
        run += 1
    if run > i + 1:
        return _month_list(items[i:run], body, published, stripped, warnings), run
    return None


def _whole_month(it: Item | Yearless) -> bool:
    if isinstance(it, Yearless):
        return it.day == 0
    return (not it.kind and not it.note and it.first.day == 1 and it.first.month == it.last.month
            and it.last == month_end(it.last.year, it.last.month))


def _month_list(run: list[Item | Yearless], body: str, published: date | None, stripped: str,
                warnings: list[TimescaleWarning]) -> tuple[date, date]:
    """ "September and October 2026": one period, from the first month to the end of the
    last (a month without a year takes the next one's), with a warning: a council may
    have meant a deadline in each."""
    resolved: list[Item | None] = [None] * len(run)
    later: Item | None = None
    for k in range(len(run) - 1, -1, -1):
        it = run[k]
        if isinstance(it, Item):
            later = resolved[k] = it
        elif later is not None:
            year = later.first.year - (it.month > later.first.month)
            later = resolved[k] = _resolve(it, date(year, 1, 1), stripped)
    previous: Item | None = None
    for k, it in enumerate(run):  # months after the last with a year: the first such after
        if resolved[k] is None and isinstance(it, Yearless):
            resolved[k] = (_resolve(it, previous.first, stripped) if previous is not None
                           else _resolve_alone(it, published, stripped, warnings))
        previous = resolved[k]
        prior = resolved[k - 1] if k else None
        if previous is not None and prior is not None and previous.first < prior.first:
            raise TimescaleError(f"the months in {quote(stripped)} go backwards "
                                 f"({previous.first:%B %Y} after {prior.first:%B %Y}); write them in order")
    first, last = resolved[0], resolved[-1]
    assert first is not None and last is not None
    written = body[run[0].start: run[-1].end]
    warnings.append(TimescaleWarning(
        "W120", f"read {written!r} as one period, from {first.first:%d %B %Y}, due "
                f"{last.last:%d %B %Y} (the end of the last month named); write e.g. 'by "
                f"{first.last:%d.%m.%y} and {last.last:%d.%m.%y}' for a deadline in each"))
    return first.first, last.last


def _restated(items: list[Item | Yearless], body: str, published: date | None, stripped: str,
              warnings: list[TimescaleWarning]) -> list[Item | Yearless]:
    """A period and a date that say one deadline twice ("within 6 months (by July 2027)",
    "in six months, i.e. by June"): the date written is what the council promised, so it
    wins; a warning says so when the two disagree."""
    out: list[Item | Yearless] = []
    i = 0
    while i < len(items):
        it = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        kinds = (_kind(it), _kind(nxt) if nxt is not None else "-")
        if (nxt is not None and kinds.count("period") == 1 and "range" not in kinds
                and PATTERNS.restate.match(body, it.end, nxt.start)):
            period, written = (it, nxt) if kinds[0] == "period" else (nxt, it)
            assert isinstance(period, Item)
            dated = written if isinstance(written, Item) else _resolve_alone(written, published,
                                                                             stripped, warnings)
            if not dated.first <= period.last <= dated.last:
                warnings.append(TimescaleWarning(
                    "W124", f"{stripped!r} gives a period and a date that disagree: "
                            f"{body[period.start:period.end]!r} is {period.last:%d %B %Y}, "
                            f"{body[written.start:written.end]!r} is {dated.last:%d %B %Y}; read as "
                            f"due {dated.last:%d %B %Y}, the date written; write one of them"))
            out.append(Item(it.start, nxt.end, dated.first, dated.last, dated.note, dated.kind))
            i += 2
            continue
        out.append(it)
        i += 1
    return out


def _kind(it: Item | Yearless | None) -> str:
    return it.kind if isinstance(it, Item) else ""


_COUNT_WORDS = frozenset({"of", "from", "after", "following", "starting", "commencing", "beginning"})


def _with_periods(items: list[Item | Yearless], body: str, stripped: str, published: date | None,
                  calendar: str) -> list[Item | Yearless]:
    """A period counted from a date written with it is one item, due at the period's end:
    "within 6 weeks of 1.4.13"; "for 12 months from May 2025" and "From June 2013 for 6
    months" also start on the date (a range)."""
    out: list[Item | Yearless] = []
    previous_end = 0
    for it in items:
        near = body[max(previous_end, it.start - 40): it.start].lower().split()[-5:]
        before = (PATTERNS.period_of_date.search(body, previous_end, it.start)
                  if not _COUNT_WORDS.isdisjoint(near) else None)  # the search is slow: most have none
        after = None if before or _kind(it) else PATTERNS.date_for_period.match(body, it.end)
        found = before or after
        if found is None or _kind(it):
            out.append(it)
            previous_end = it.end
            continue
        scratch: list[TimescaleWarning] = []
        dated = it if isinstance(it, Item) else _resolve_alone(it, published, stripped, scratch)
        lasting = after is not None or (found["lead"] or "").lower() in ("for", "over", "during")
        end = count(found, dated.first, stripped, calendar)
        if lasting and not found["working"]:
            end -= timedelta(days=1)  # 12 months from 1 May 2025 are over on 30 April 2026
        s, e = min(found.start(), it.start), max(found.end(), it.end)
        note = " ".join(w.message for w in scratch)
        if lasting or dated.first != dated.last:
            note = (f"read {body[s:e]!r} as " + (f"from {dated.first:%d %B %Y}, " if lasting else "")
                    + f"due {end:%d %B %Y}, the end of {found['n']} {found['unit']}s counted from "
                    f"{dated.first:%d %B %Y}; write the end date to say otherwise " + note).strip()
        out.append(Item(s, e, dated.first, end, note, "range" if lasting else ""))
        previous_end = e
    return out


def _is_range(body: str, it: Item | Yearless, nxt: Item | Yearless, before: str) -> bool:
    between = body[it.end: nxt.start]
    return bool(PATTERNS.range_between.match(between)) and (
        between.strip().lower() != "and" or bool(PATTERNS.between_end.search(before)))


def _resolve_alone(it: Yearless, published: date | None, stripped: str,
                   warnings: list[TimescaleWarning]) -> Item:
    anchor = needs_published(stripped, published, "a date with no year, read as the first such "
                             "date after publication")
    dated = _resolve(it, anchor, stripped)
    if dated.last > add_months(anchor, 12):
        warnings.append(TimescaleWarning(
            "W121", f"{stripped!r} has no year; the first such date after publication is "
                    f"{dated.last:%d %B %Y}, more than 12 months away; write the year"))
    return dated


def _resolve_pair(a: Item | Yearless, b: Item | Yearless, published: date | None, stripped: str,
                  warnings: list[TimescaleWarning]) -> tuple[Item, Item]:
    """The two ends of a range, each given a year if it has none."""
    if isinstance(a, Yearless):
        if isinstance(b, Yearless):
            a = _resolve_alone(a, published, stripped, warnings)
        else:  # "April - June 2013": the start takes the end's year
            year = b.first.year - ((a.month, a.day) > (b.first.month, b.first.day))
            a = _resolve(a, date(year, 1, 1), stripped)
    if isinstance(b, Yearless):  # "From September 2013 to March": the first such end after the start
        b = _resolve(b, a.first, stripped)
    if b.last < a.first:
        raise TimescaleError(f"{quote(stripped)} ends ({b.last:%d.%m.%y}) before it starts "
                             f"({a.first:%d.%m.%y})")
    return a, b


# -- finding the dated things --------------------------------------------------------


def _resolve(item: Yearless, on_or_after: date, stripped: str) -> Item:
    """The first such date on or after `on_or_after`."""
    year = on_or_after.year
    for _ in range(9):  # a 29 February is at most eight years away
        try:
            last = (date(year, item.month, item.day) if item.day
                    else month_end(year, item.month))
        except ValueError:  # 29 February of a common year
            year += 1
            continue
        if last >= on_or_after:
            first = date(year, item.month, 1) if not item.day else last
            return Item(item.start, item.end, first, last)
        year += 1
    raise TimescaleError(f"{quote(stripped)} has no such date after {on_or_after:%d.%m.%Y}")


def _find_items(stripped: str, year_starts: str | None) -> list[Item | Yearless]:
    """Every dated thing in `stripped`, in order: PATTERNS.date's forms first where both
    patterns match at one position, PATTERNS.other's forms where the date forms fail."""
    items: list[Item | Yearless] = []
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
        if m is not None and (o is None or m.start() <= o.start()):
            items.append(_date_item(m, stripped, pos))
            pos = m.end()
        elif o is not None:
            after_item = bool(items) and bool(PATTERNS.range_between.match(stripped[items[-1].end:o.start()]))
            item = _other_item(o, year_starts, stripped, after_item)
            if item is not None:
                items.append(item)
            pos = o.end()
        else:
            break
    return items


def _date_item(m: re.Match[str], stripped: str, pos: int) -> Item:
    """The Item of a PATTERNS.date match. A number after a label word is the label's, not
    a day ("Step 4 June 2027" is June 2027; the audit names 'Step 4' in a warning)."""
    labelled = (m.group("name_d") or m.group("dr_d1")) and _labelled(stripped, m.start())
    if labelled and m.group("name_d"):
        year, month = year_of(m["name_y"], m.group(0)), MONTHS[m["name_m"].lower()]
        return Item(m.start("name_m"), m.end(), date(year, month, 1), month_end(year, month))
    first, last = match_span(m)
    if m.group("dr_d1"):  # "3-7 June 2027": a range, unless "Phase 3 - 7 June 2027"
        return (Item(m.start("dr_d2"), m.end(), last, last) if labelled
                else Item(m.start(), m.end(), first, last, kind="range"))
    if m.group("mon_m"):
        day = PATTERNS.day_before.search(stripped, max(pos, m.start() - 40), m.start())
        if day and not _labelled(stripped, day.start()):
            raise _day_dropped(stripped, m)
    return Item(m.start(), m.end(), first, last)


def _labelled(stripped: str, at: int) -> bool:
    """Whether the number at `at` follows a label word ("Step", "Phase", "No.")."""
    return PATTERNS.label_number.search(stripped, max(0, at - 30), at) is not None


def _day_dropped(stripped: str, m: re.Match[str]) -> TimescaleError:
    """ "3rd-March-2014": a day the month form would drop, silently."""
    return TimescaleError(f"{quote(stripped)}: the day before {m.group(0)!r} is not "
                          f"read; write the day, month and year together ('3 March 2014' or "
                          f"'3.3.14'); {ACCEPTED_FORMS}")


def _other_item(m: re.Match[str], year_starts: str | None, stripped: str,
               after_item: bool = False) -> Item | Yearless | None:
    """What a PATTERNS.other match names, by the group that matched; None: words, not a date.
    `after_item`: it follows another item across a range's words ("April - June 2013")."""
    if m.group("yd_m"):
        return _day_month(m, stripped)
    if m.group("q"):
        return _quarter(m)
    if m.group("qz"):  # "2026/27 Q2": the quarter after its year
        return _quarter(m, "qz", "qz")
    if m.group("season"):
        return _season(m)
    if m.group("fy1"):
        return _year_span(m, year_starts)
    return _bare_month(m, stripped, after_item)


def _fy_span(m: re.Match[str], p: str, written: str) -> tuple[int, int]:
    """The two years of "2013/14" (groups p1, p2): the second must follow the first."""
    y1 = year_of(m[p + "1"], written)
    y2_text = m[p + "2"]
    y2 = year_of(y2_text, written) if len(y2_text) == 4 else y1 // 100 * 100 + int(y2_text)
    if y2 != y1 + 1:
        raise TimescaleError(f"{quote(written)} is not a year: {y1} is not followed by "
                             f"{y2_text}; write e.g. {y1}/{str(y1 + 1)[2:]}; {ACCEPTED_FORMS}")
    return y1, y2


# Digits just after a day and month that can only be its year ("27 Oct-2012"), not the day
# a range runs to ("1 April - 31 May 2013").
_LEFT_BEHIND = re.compile(rf"\s*[-/,.]?\s*'?[0-9]+(?![0-9])(?!\s*(?:st|nd|rd|th)?\.?,?\s+(?:of\s+)?"
                          rf"(?:{MONTH_RE})\b)", re.IGNORECASE)


def _day_month(m: re.Match[str], stripped: str) -> Yearless | None:
    """ "30 November": a day of a month, with no year."""
    written = m.group(0).strip()
    month = MONTHS[m["yd_m"].lower()]
    day = int(m["yd_d"])
    if not 1 <= day <= (29 if month == 2 else days_in_month(2001, month)):
        raise TimescaleError(f"{quote(written)} is not a date: {MONTH_NAMES[month]} has "
                             f"{days_in_month(2001, month)} days; {ACCEPTED_FORMS}")
    if m["yd_m"] == "may" or _labelled(stripped, m.start()):  # "phase 2 may start", "Step 4 June"
        return None
    trailing = _LEFT_BEHIND.match(stripped[m.end():])
    if trailing:  # "27 Oct-2012": a year the day-month form would leave behind
        raise TimescaleError(f"{quote(stripped[m.start():m.end() + trailing.end()].strip())} is "
                             f"not a date; write e.g. '27 October 2012' or '27.10.12'; {ACCEPTED_FORMS}")
    return Yearless(m.start(), m.end(), month, day)


def _quarter(m: re.Match[str], group: str = "q", years: str = "qy") -> Item:
    """ "Q3 2013/14": a financial quarter, Q1 April-June ... Q4 January-March of the second year."""
    written = m.group(0).strip()
    q = _QUARTER_WORDS.get(m[group].lower()) or int(m[group])
    if group == "q" and m.group("qbad"):
        y = year_of(m["qbad"], written)
        cal = (date(y, 3 * q - 2, 1), month_end(y, 3 * q))
        fin = month_end(y + (q == 4), (3 * q + 3 - 1) % 12 + 1)
        raise TimescaleError(
            f"{quote(written)} could be calendar quarter {q} of {y} (due "
            f"{cal[1]:%d.%m.%y}) or financial quarter {q} of {y}/{str(y + 1)[2:]} (due "
            f"{fin:%d.%m.%y}); write 'Q{q} {y}/{str(y + 1)[2:]}' or 'by {cal[1]:%d.%m.%y}'")
    y1, _ = _fy_span(m, years, written)
    month = 3 * q + 1
    year = y1 + (month > 12)
    month = (month - 1) % 12 + 1
    return Item(m.start(), m.end(), date(year, month, 1), month_end(year, month + 2))


def _season(m: re.Match[str]) -> Item:
    """ "Summer 2014", "Spring term 2014": due on the documented last day, with a warning."""
    written = m.group(0).strip()
    season = m["season"].lower().replace("fall", "autumn")
    term = bool(m.group("term"))
    year = _season_year(m, season, term, written)
    last, note = (_term_end(season, year, written) if term
                  else _season_end(season, year, written, m["season"]))
    return Item(m.start(), m.end(), last, last, note=note)


def _season_year(m: re.Match[str], season: str, term: bool, written: str) -> int:
    if not m.group("sy1"):
        return year_of(m["sy"], written)
    y1, y2 = _fy_span(m, "sy", written)
    if term:  # "Spring term 2013/14": the term of that academic year
        return y1 if season == "autumn" else y2
    if season == "winter":
        return y1
    raise TimescaleError(f"{quote(written)}: which {season}, {y1} or {y2}? write "
                         f"'{m['season']} {y2}'; {ACCEPTED_FORMS}")


def _term_end(season: str, year: int, written: str) -> tuple[date, str]:
    if season == "winter":
        raise TimescaleError(f"{quote(written)}: schools have autumn, spring and summer "
                             f"terms; {ACCEPTED_FORMS}")
    month, day = TERM_END[season]
    last = date(year, month, day)
    return last, (f"read {written!r} as ending on {last:%d %B %Y}, the last day planctl gives "
                  f"the {season} term; write the date if the term ends earlier")


def _season_end(season: str, year: int, written: str, as_written: str) -> tuple[date, str]:
    if season == "winter":  # winter runs December to February: it ends the next year
        last = month_end(year + 1, 2)
        return last, (f"read {written!r} as the winter from December {year} to February "
                      f"{year + 1}, due {last:%d %B %Y}, its last day; write a date to say "
                      "otherwise")
    month, day = SEASON_END[season]
    last = date(year, month, day)
    return last, (f"read {written!r} as the season (ending {last:%d %B %Y}); write "
                  f"'{as_written} term {year}' for the school term, or a date")


def _year_span(m: re.Match[str], year_starts: str | None) -> Item:
    """ "2013/14": a financial year (April-March) or an academic one (September-August)."""
    written = m.group(0).strip()
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
    return Item(m.start(), m.end(), date(y1, start_month, 1), month_end(y2, start_month - 1), note)


def _bare_month(m: re.Match[str], stripped: str, after_item: bool) -> Yearless | None:
    """ "by the end of September": a month with no year, where the words make it a date."""
    month = MONTHS[m["ym"].lower()]
    s, e = m.start(), m.end()
    before = stripped[max(0, s - 40): s]  # the words just before; "\0": not the text's start
    before = before if s <= 40 else "\0" + before
    if m["ym"] == "may" or not (after_item or PATTERNS.bare_month_context.search(before)
                                or PATTERNS.range_ahead.match(stripped, e)):
        return None  # an English word, or a month named in passing ("the March LSCB")
    return Yearless(s, e, month, 0)

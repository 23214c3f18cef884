"""What reading a timescale gives (Timescale, its deadlines and warnings), and its error.

msgspec Structs, as core/model.py's classes are (its docstring says why)."""

from __future__ import annotations

from datetime import date

import msgspec

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
# Where one day is meant (--on, a meeting): a month alone is refused (written.parse_day).
DAY_FORMS = DATE_FORMS.removesuffix(", October 2012 (its last day)")


def quote(text: str, limit: int = 80) -> str:
    """A written value quoted for a message, cut short so a hostile value cannot flood it."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


class TimescaleError(ValueError):
    """A timescale that cannot be read; the message says why and what is accepted."""

    rule: str | None = None  # the grammar rule that refused it (for tests; never shown)


def needs_published(stripped: str, published: date | None, what: str) -> date:
    """The publication date a relative form counts from; an error when the plan has none."""
    if published is None:
        raise TimescaleError(
            f"{quote(stripped)} is {what}, but the plan has no plan.inspection.published date"
        )
    return published


class Deadline(msgspec.Struct, frozen=True, gc=False, array_like=True):
    due: date
    label: str  # the words around the date, e.g. "Initial report"


class TimescaleWarning(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """How an ambiguous form was read; the loader reports it located (W120, W121)."""

    code: str
    message: str


class Timescale(msgspec.Struct, frozen=True, gc=False, array_like=True):
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

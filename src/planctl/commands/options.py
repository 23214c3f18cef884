"""Options every command shares, and the few steps every command takes.

The shared options are accepted before or after the command name: each is
declared on the group and on every command, and whichever is given last wins.
Environment variables are read only when neither was given. What they mean
(where the plans are, the date to judge at) is worked out in planctl.loading.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Protocol, TypeVar

import click

from ..core.errors import UsageError
from ..core.model import Plan
from ..core.timescale import TimescaleError, parse_date
from ..loading.asat import as_at, parse_as_of
from ..loading.settings import Settings
from ..loading.settings import plan_paths as plan_paths  # for commands/audit.py (see the lead)

if TYPE_CHECKING:
    from ..store.atomic import Output

P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])


class Result(Protocol):
    """What a command hands to output(): its shape names the formatters that can draw it."""

    @property
    def shape(self) -> str: ...


def pass_settings(f: Callable[Concatenate[Settings, P], R]) -> Callable[P, R]:
    """Give the command its Settings as the first argument (as todoman's pass_ctx): every
    step below the command takes them as an argument, never from Click's context."""
    @functools.wraps(f)
    def command(*args: P.args, **kwargs: P.kwargs) -> R:
        s = click.get_current_context().find_root().ensure_object(Settings)
        return f(s, *args, **kwargs)

    return command


def _store(name: str) -> Callable[[click.Context, click.Parameter, object], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: object) -> None:
        if value is None or value == ():
            return
        s = ctx.find_root().ensure_object(Settings)
        setattr(s, name, tuple(value) if isinstance(value, tuple) else value)

    return callback


def _no_cache(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:  # given before or after the command name: either turns the cache off
        ctx.find_root().ensure_object(Settings).no_cache = True


def shared_options(f: F) -> F:
    """--plans, --today, --as-of, --format and --color/--no-color, stored in Settings."""
    opts = [
        click.option("--plans", multiple=True, metavar="PATH", expose_value=False,
                     callback=_store("plans"),
                     help="Plan file or folder (repeatable). Env: PLANCTL_PLANS. "
                          "Default: ./plans, else plans/ at the git repository's root."),
        click.option("--today", metavar="DATE", expose_value=False, callback=_store("today"),
                     help="Judge statuses as at DATE (e.g. 2012-10-09 or 9.10.12). "
                          "Env: PLANCTL_TODAY."),
        click.option("--as-of", "as_of", metavar="DATE|REV", expose_value=False,
                     callback=_store("as_of"),
                     help="Read the plans as committed at a git revision or date."),
        click.option("--format", "format", metavar="FMT", expose_value=False,
                     callback=_store("format"),
                     help="Output format: table, json, csv or markdown "
                          "(report: also html, ics, xlsx, docx; status, overdue, upcoming: "
                          "also xlsx; see each command)."),
        click.option("--color/--no-color", default=None, expose_value=False,
                     callback=_store("color"),
                     help="Colour the table (default: only on a terminal; NO_COLOR turns it off)."),
        click.option("--no-cache", is_flag=True, expose_value=False, callback=_no_cache,
                     help="Parse every plan file again; do not read or write the parse cache "
                          "(~/.cache/planctl). Env: PLANCTL_NO_CACHE=1."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def output_format(s: Settings, shape: str = "view") -> str:
    """--format, refused unless the registry has a formatter for this shape of result."""
    from ..render.formats import choose

    return choose(shape, s.format)


def output(result: Result, fmt: str, s: Settings, target: Output | None = None,
           what: str = "") -> None:
    """Hand a command's result to the formatter registered for `fmt` (render/formats.py).

    target: an `-o` Output (commands/output.py), or None for stdout. Text formatters
    write to stdout (captured for a file); binary ones return bytes.
    """
    from ..render.formats import FORMATS, formatter

    draw = formatter(result.shape, fmt)
    binary = FORMATS[fmt].binary
    data = None
    if target is None and not binary:
        data = draw(result, s)  # text straight to stdout; no file machinery loaded
        if data is None:
            return
    from .output import captured_text, refuse_binary_on_terminal, target_of, write

    if target is None:
        target = target_of(None)
    if binary:
        refuse_binary_on_terminal(fmt, target)
    if data is None:
        with captured_text() as buffer:
            data = draw(result, s)
        if data is None:
            data = buffer.getvalue().encode("utf-8")
    write(target, data, what)


def date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """Click callback: an option's DATE, in any form `due` accepts."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except TimescaleError as exc:
        raise click.BadParameter(str(exc)) from None


def select_plans(plans: Iterable[Plan], plan_ids: Sequence[str]) -> list[Plan]:
    """The plans named by --plan (all when none is named); an unknown id is a usage error."""
    chosen = list(plans)
    if plan_ids:
        known = {p.id for p in chosen}
        for pid in plan_ids:
            if pid not in known:
                raise UsageError(f"no plan {pid!r}; the plans are {', '.join(sorted(known))}")
        chosen = [p for p in chosen if p.id in plan_ids]
    return chosen


def print_notes(notes: Iterable[str]) -> None:
    """The loading layer's notes (planctl.loading), on stderr before the command's output."""
    for note in notes:
        click.echo(note, err=True)


def today(s: Settings) -> date:
    """The date to judge at, for a command that does not open plans to judge them (init,
    import, an edit's default date); its notes go to stderr now."""
    at = as_at(s, parse_as_of(s.as_of))
    print_notes(at.notes)
    return at.day

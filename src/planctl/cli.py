"""planctl's command line: the group, lazy command loading, and the one exit point.

Each command lives in planctl.commands.*, imported only when it runs, so that
`planctl status` never pays for git, reports or spreadsheets.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any, Literal, NoReturn, TypeVar, overload

import click

from . import __version__
from .commands.options import shared_options
from .core.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OUTPUT,
    EXIT_PIPE,
    EXIT_USAGE,
    PlanctlError,
    safe_text,
)
from .loading.settings import Settings

# name -> "module:attribute" under planctl.commands
COMMANDS = {
    "status": "status:status",
    "overdue": "status:overdue",
    "upcoming": "status:upcoming",
    "leads": "status:leads",
    "show": "show:show",
    "check": "check:check",
    "done": "edit:done",
    "start": "edit:start",
    "drop": "edit:drop",
    "note": "edit:note",
    "reschedule": "edit:reschedule",
    "assign": "edit:assign",
    "rate": "edit:rate",
    "reopen": "edit:reopen",
    "signoff": "edit:signoff",
    "unsign": "edit:unsign",
    "add": "edit:add",
    "history": "audit:history",
    "slippage": "audit:slippage",
    "diff": "audit:diff",
    "meeting": "meeting:meeting",
    "meetings": "meeting:meetings",
    "report": "report:report",
    "dashboard": "dashboard:dashboard",
    "remind": "remind:remind",
    "returns": "returns:returns",
    "findings": "findings:findings",
    "compare": "findings:compare",
    "init": "init:init",
    "import": "importer:import_plan",
    "completion": "completion:completion",
}

QUICK_START = """\b
Quick start:
  planctl status                      every action and its status today
  planctl overdue --by-lead           what is late, under whoever must act
  planctl check                       validate the plans (for editors and CI)
  planctl show 3.1                    one action in full
  planctl status --today 2012-10-09   as at another date
"""

# --debug as the group's option gave it (never any argument that equals "--debug": a
# note's text can). Set by the group's callback, read by main() when something fails.
_DEBUG: ContextVar[bool] = ContextVar("planctl_debug", default=False)

T = TypeVar("T")


class ClosedPipe(Exception):
    """The reader of stdout went away. Not an OSError: Click's main turns a broken pipe
    into exit 1 (its "failure") before planctl's main could see it."""


def _pipe_kept(step: Callable[[], T]) -> T:
    try:
        return step()
    except BrokenPipeError:
        raise ClosedPipe from None


def _stop_writing_stdout() -> None:
    """What is still buffered for stdout goes nowhere instead of failing again at exit."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class PlanctlGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(f"planctl.commands.{module}"), attr)
        return command

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib  # only on a mistyped command

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else "; see 'planctl --help'"
            raise click.UsageError(f"no command {name!r}{hint}", ctx)
        return super().resolve_command(ctx, args)

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        return _pipe_kept(lambda: super(PlanctlGroup, self).make_context(
            info_name, args, parent, **extra))  # --help and --version write here

    def invoke(self, ctx: click.Context) -> Any:
        return _pipe_kept(lambda: super(PlanctlGroup, self).invoke(ctx))

    @overload
    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: Literal[True] = True,
             **extra: Any) -> NoReturn: ...

    @overload
    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = ...,
             **extra: Any) -> int: ...

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> int:
        """The one exit point: planctl's errors become one line each, with their kind's exit code."""
        argv = sys.argv[1:] if args is None else list(args)
        if os.environ.get(complete_var or "_PLANCTL_COMPLETE", "").startswith("fish"):
            # _PLANCTL_COMPLETE=fish_source prints the same script as 'planctl completion fish'.
            from .commands.completion import register_fish

            register_fish()
        token = _DEBUG.set(False)
        try:
            code = self._click_main(argv, prog_name or "planctl", complete_var, **extra)
        except PlanctlError as exc:
            _traceback_if_debug()
            for line in exc.lines():
                click.echo(f"planctl: error: {line}", err=True)
            code = exc.exit_code
        except (ClosedPipe, BrokenPipeError):
            # The reader went away (| head): stop quietly with a closed pipe's status.
            _stop_writing_stdout()
            code = EXIT_PIPE
        except KeyboardInterrupt:
            code = EXIT_INTERRUPTED
        except Exception as exc:
            debug = _traceback_if_debug()
            again = "" if debug else " run again with --debug for the traceback and"
            click.echo(f"planctl: error: internal error: {safe_text(repr(exc), one_line=True)};"
                       f"{again} report it", err=True)
            code = EXIT_INTERNAL
        finally:
            _DEBUG.reset(token)
        if standalone_mode:
            sys.exit(code)
        return code

    def _click_main(self, argv: list[str], prog_name: str, complete_var: str | None,
                    **extra: Any) -> int:
        """Click's own outcomes as exit codes: its usage errors one line each."""
        try:
            # Without standalone mode Click returns ctx.exit()'s code instead of exiting.
            returned = super().main(args=argv, prog_name=prog_name, complete_var=complete_var,
                                    standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:
            return exc.exit_code
        except click.exceptions.NoArgsIsHelpError as exc:  # pragma: no cover - click >= 8.2
            click.echo(exc.ctx.get_help())
            return 0
        except click.ClickException as exc:
            where = ""
            ctx = getattr(exc, "ctx", None)
            message = exc.format_message()
            if ctx is not None and ctx.command_path and "--help'" not in message:  # said once
                where = f" (see '{ctx.command_path} --help')"
            click.echo(f"planctl: error: {safe_text(message, one_line=True)}{where}", err=True)
            return EXIT_USAGE
        except click.exceptions.Abort:
            click.echo("planctl: aborted", err=True)
            return EXIT_INTERRUPTED
        return returned if isinstance(returned, int) else 0


@click.group(cls=PlanctlGroup, no_args_is_help=True, epilog=QUICK_START,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@shared_options
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
@click.version_option(__version__, "--version", prog_name="planctl")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """planctl: track an inspection's improvement action plan kept as YAML in git.

    Plans are read from ./plans (or --plans, or PLANCTL_PLANS). Statuses are
    judged as at today, or --today DATE.
    """
    ctx.ensure_object(Settings).debug = debug
    _DEBUG.set(debug)
    if os.environ.get("PLANCTL_JOBS", "").strip():  # refused here, before any file is read
        from .store.workers import jobs_wanted

        try:
            jobs_wanted()
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None


def _traceback_if_debug() -> bool:
    """With --debug, the traceback of the exception being handled, on stderr; the exit
    code stays the one its kind documents."""
    if not _DEBUG.get():
        return False
    import traceback

    traceback.print_exc(file=sys.stderr)
    return True


def main(args: Sequence[str] | None = None) -> None:
    """The console script (and `python -m planctl`): one command in a fresh process.

    The collector is tuned here, for this process only, never in library code: a
    command builds a large, long-lived and acyclic model (2 million objects at
    20,000 actions) that default thresholds rescan again and again (a warm run
    1.5x slower). Collections stay on, only rarer; what the imports made is frozen
    out of them. See docs/benchmarks.md.
    """
    import gc

    gc.freeze()
    gc.set_threshold(1_000_000, 50, 100)  # bounded: collections still run, rarely
    code = cli.main(args, standalone_mode=False)
    # The process ends here: flush what was written, then leave without tearing down the
    # model object by object (about 8% of a warm run at 20,000 actions). Every file planctl
    # writes is closed (and renamed into place) before the command returns.
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (| head) before the last of the output
        _stop_writing_stdout()
        code = EXIT_PIPE
    except ValueError:  # stdout closed by the command
        pass
    except OSError as exc:  # a full disc: said, never lost silently
        code = code or EXIT_OUTPUT
        with contextlib.suppress(OSError):
            sys.stderr.write(f"planctl: error: cannot write the output: {exc.strerror or exc}\n")
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    if code == EXIT_PIPE and hasattr(signal, "SIGPIPE"):
        # End as a closed pipe ends any Unix tool (`yes | head`): by SIGPIPE, which the
        # shell reports as 141. Python ignores SIGPIPE; restore the default, then raise it.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    os._exit(code)

"""init: start a plans repository: a commented plan, a pre-commit hook, and git."""

from __future__ import annotations

import re
import shutil
from datetime import date
from importlib import resources
from pathlib import Path
from string import Template

import click
from click.core import ParameterSource

from ..core.errors import UsageError
from ..core.timescale import add_period
from ..loading.settings import Settings, find_git_root
from .options import date_option, pass_settings, shared_options, today

PRE_COMMIT_CONFIG = """\
# pre-commit runs `planctl check` before each commit that touches plans/,
# so a plan that does not load never reaches the shared branch.
#   pip install pre-commit && pre-commit install
# This uses the planctl installed on each machine (language: system): the
# distribution planctl-council from your team's copy of planctl, by tag (see
# planctl's docs/team-workflow.md), never the unrelated "planctl" of the index. To let
# pre-commit install planctl itself, point `repo:` at planctl's git repository
# with a `rev:` tag instead of `local`, and keep `hooks: [{id: planctl-check}]`.
repos:
  - repo: local
    hooks:
      - id: planctl-check
        name: planctl check
        entry: planctl check
        language: system
        files: ^plans/.*\\.ya?ml$
        # check reads the whole plans folder (plan ids must be unique across files)
        pass_filenames: false
"""

# ofsted-ilacs, send-area, cqc-local-authority, hmi-probation (commands/inspectorates.py)
INSPECTORATES = ("ofsted-ilacs", "send-area", "cqc-local-authority", "hmi-probation")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_IGNORE_COMMENT = "# planctl: temp files an interrupted edit can leave (the next edit removes them)"
_LISTED = 5  # existing plans named in the refusal


def ignore_temp_files(path: Path) -> bool:
    """Add planctl's temp-file pattern to PATH/.gitignore (made if missing); False if there."""
    from ..store.atomic import GITIGNORE_PATTERN

    ignore = path / ".gitignore"
    try:
        old = ignore.read_bytes() if ignore.exists() else b""
        if GITIGNORE_PATTERN in (line.strip() for line in old.decode("utf-8", "replace").splitlines()):
            return False
        with open(ignore, "ab") as out:
            lead = b"\n" if old and not old.endswith(b"\n") else b""
            out.write(lead + f"{_IGNORE_COMMENT}\n{GITIGNORE_PATTERN}\n".encode())
    except OSError as exc:
        raise UsageError(f"cannot update {ignore}: {exc.strerror or exc}") from None
    return True


def refuse_second_template(plans: Path) -> None:
    """A folder with plans gets no second template unless a new --name is given: the
    template's ids (3, 3.1 ...) would clash with the plans there."""
    from ..store.files import discover

    if not plans.is_dir():
        return
    files, _ = discover([plans])
    if not files:
        return
    names = ", ".join(str(f) for f in files[:_LISTED])
    if len(files) > _LISTED:
        names += f" and {len(files) - _LISTED} more"
    raise UsageError(f"there are plans in {plans} already ({names}); nothing was written. "
                     "To add another plan beside them, name it: planctl init --name NEW-NAME; "
                     "to start a separate plans folder, give another PATH")


def _short(d: date) -> str:
    return f"{d.day}.{d.month}.{d.year % 100:02d}"


def plan_text(name: str, title: str, authority: str, published: date, day: date,
              inspectorate: str | None = None) -> str:
    """The commented template plan with the user's values and the inspectorate's wording."""
    import textwrap

    from ..format.writer import scalar as yaml_scalar
    from .inspectorates import DEFAULT, PROFILES, extra_block

    profile = PROFILES[inspectorate] if inspectorate else DEFAULT
    template = resources.files("planctl").joinpath("templates/plan.yaml").read_text("utf-8")
    return Template(template).substitute(
        name=name, title=yaml_scalar(title), authority=yaml_scalar(authority),
        published=published.isoformat(), today=day.isoformat(),
        first=_short(add_period(published, 3, "month")), second=_short(add_period(published, 8, "month")),
        by=yaml_scalar(profile.by), kind=yaml_scalar(profile.kind), owner=yaml_scalar(profile.owner),
        bodies="\n".join(f"  {key}: {yaml_scalar(body)}" for key, body in profile.bodies),
        board=profile.bodies[0][0], second_body=profile.bodies[1][0],
        extra=extra_block(profile), recommendation=profile.recommendation,
        rec_text="\n      ".join(textwrap.wrap(profile.rec_text, 72)),
    )


@click.command()
@shared_options
@click.argument("path", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="action-plan", show_default=True,
              help="The plan's file name under plans/ (without .yaml); it is also the plan id. "
                   "Needed when plans/ already holds plans.")
@click.option("--title", default="Inspection action plan", show_default=True, help="The plan's title.")
@click.option("--authority", default="Your Council", show_default=True, help="The council.")
@click.option("--published", metavar="DATE", callback=date_option,
              help="When the inspection report was published (default: --today).")
@click.option("--inspectorate", type=click.Choice(INSPECTORATES), metavar="BODY",
              help="The template in this inspectorate's words: its judgement scale and areas, "
                   "what it calls recommendations, the boards a council reports to: "
                   + ", ".join(INSPECTORATES) + ".")
@click.option("--no-git", is_flag=True, help="Do not run git init.")
@pass_settings
def init(s: Settings, path: Path, name: str, title: str, authority: str, published: date | None,
         inspectorate: str | None, no_git: bool) -> None:
    """Start a plans folder: a commented plan that passes check, a pre-commit hook, git.

    Creates PATH/plans/NAME.yaml from a commented template, PATH/.pre-commit-config.yaml
    running `planctl check` (left alone if one exists: the hook to add is printed),
    PATH/.gitignore's line for planctl's temp files, and a git repository when PATH is
    not inside one. Existing files are never overwritten. Where PATH/plans already
    holds plans, nothing is written unless --name names the new plan.

    \b
    Examples:
      planctl init
      planctl init ofsted-2012 --name thurrock-2012-slac --published 27.7.12
      planctl init . --title "SEND inspection action plan" --authority "Thurrock Council"
      planctl init --name send-2024            # a second plan beside the first
      planctl init --inspectorate ofsted-ilacs --published 14.3.25
    """
    if not _NAME.match(name):
        raise UsageError(f"--name {name!r}: use letters, digits, '-', '_' or '.' (it becomes the file name)")
    day = today(s)
    text = plan_text(name, title, authority, published or day, day, inspectorate)
    plan_file = path / "plans" / f"{name}.yaml"
    hook_file = path / ".pre-commit-config.yaml"
    if plan_file.exists():
        raise UsageError(f"{plan_file} exists; choose another --name (nothing was written)")
    if click.get_current_context().get_parameter_source("name") == ParameterSource.DEFAULT:
        refuse_second_template(plan_file.parent)
    plan_file.parent.mkdir(parents=True, exist_ok=True)
    with open(plan_file, "x", encoding="utf-8") as out:  # "x": never replace a file
        out.write(text)
    click.echo(f"planctl: created {plan_file}", err=True)
    if hook_file.exists():
        click.echo(f"planctl: {hook_file} exists and was left alone; add this hook to it:\n"
                   + PRE_COMMIT_CONFIG.split("repos:\n", 1)[1], err=True)
    else:
        with open(hook_file, "x", encoding="utf-8") as out:
            out.write(PRE_COMMIT_CONFIG)
        click.echo(f"planctl: created {hook_file}", err=True)
    if ignore_temp_files(path):
        click.echo(f"planctl: {path / '.gitignore'} now ignores planctl's temp files", err=True)
    if not no_git and find_git_root(path.resolve()) is None:
        if shutil.which("git") is None:
            click.echo("planctl: git is not installed; run 'git init' there yourself", err=True)
        else:
            from ..store.gitstore import init_repo

            init_repo(path)
            click.echo(f"planctl: created a git repository in {path}", err=True)
    click.echo(f"Next: edit {plan_file}, then run 'planctl check' and 'planctl status' there.", err=True)

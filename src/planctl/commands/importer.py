"""import: an action plan from a CSV or Excel (.xlsx) table -> plan YAML."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import click

from ..core.errors import OutputError, UsageError, safe_text
from ..core.words import count
from ..loading.settings import Settings
from ..store.atomic import Output, output_target, write_output
from .options import date_option, pass_settings, shared_options, today


def write_new(target: Output, text: str, replace: bool) -> None:
    """Write; without `replace` a file that exists (or appears meanwhile) is kept."""
    try:
        write_output(target, text, replace=replace)
    except FileExistsError:
        raise UsageError(f"{target.path} exists; choose another name or add --force") from None
    except OSError as exc:
        raise OutputError(f"cannot write {target.path!r}: {exc.strerror or exc}") from None


@click.command("import")
@shared_options
@click.argument("source", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--map", "mappings", multiple=True, metavar="COLUMN=FIELD",
              help="Read COLUMN (its header, or a letter such as C) as FIELD: id, recommendation, "
                   "action, lead, due, progress, rag, evidence or ignore (repeatable).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the plan to this file (e.g. plans/NAME.yaml; missing folders are made) "
                   "instead of stdout. '-' is stdout; a symbolic link is refused.")
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
@click.option("--sheet", metavar="NAME", help="The sheet to read (default: the first that has "
              "an action column).")
@click.option("--encoding", type=click.Choice(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                               "cp1252"], case_sensitive=False),
              help="The CSV file's encoding (default: from its byte order mark, else UTF-8, else "
                   "Windows-1252 when it has no UTF-8 character at all).")
@click.option("--title", help="The plan's title (default: the rows above the table).")
@click.option("--authority", help="The council, e.g. 'Thurrock Council'.")
@click.option("--published", metavar="DATE", callback=date_option,
              help="When the inspection report was published (anchors 'Immediate').")
@pass_settings
def import_plan(s: Settings, source: Path, mappings: Sequence[str], output: str | None, force: bool,
                sheet: str | None, encoding: str | None, title: str | None, authority: str | None,
                published: date | None) -> None:
    """Start a plan from an action plan table in a CSV or Excel (.xlsx) file.

    Columns are found by their usual names (No, Recommendation, Action, Lead
    Officer, Timescale, Progress, RAG ...); --map names the others. A numbered
    row starts a recommendation and rows below it with no number add actions.
    Timescales are kept as written; progress words become statuses where that
    is safe, and other progress notes and RAG ratings become updates dated
    --today. What could not be mapped is listed on stderr. The plan is checked
    before it is written. See docs/import.md.

    \b
    Examples:
      planctl import action-plan.xlsx -o plans/ofsted-2012.yaml
      planctl import plan.csv --map "Officer responsible=lead" --map "Notes=ignore"
      planctl import plan.xlsx --sheet "Action plan" --published 27.7.12 --today 9.10.12
      planctl import plan.csv > plans/new.yaml && planctl check
      planctl import "Unicode text.txt" --encoding utf-16
    """
    from ..store import importer
    from .progress import progress

    day = today(s)
    target = output_target(output) if output is not None else None
    if target is not None and target.kind == "file" and not force:
        raise UsageError(f"{output} exists; choose another name or add --force to replace it")
    read_notes: list[str] = []
    rows, where = importer.read_rows(source, sheet, progress,
                                     encoding=encoding.lower() if encoding else None, notes=read_notes)
    for note in read_notes:
        click.echo(f"planctl: import: note: {safe_text(note)}", err=True)
    # The file's name is the plan id; standard output, a device or a pipe has none.
    plan_id = Path(target.path).stem if target is not None and not target.is_stream else None
    result = importer.build_plan(rows, source=where, today=day, mappings=mappings, title=title,
                                 authority=authority, published=published, plan_id=plan_id)
    for note in result.notes:
        click.echo(f"planctl: import: {safe_text(note)}", err=True)
    for line in importer.summarise_warnings(result.warnings):
        click.echo(f"planctl: import: check will warn: {line}", err=True)
    counts = (f"{count(result.recommendations, 'recommendation')}, {count(result.actions, 'action')}, "
              f"{count(result.leads, 'lead')}")
    if target is None or target.kind == "stdout":
        click.echo(result.text, nl=False)
        click.echo(f"planctl: imported {counts} from {safe_text(where)}", err=True)
        return
    write_new(target, result.text, replace=force)
    click.echo(f"planctl: imported {counts} from {safe_text(where)} into {safe_text(target.path)}",
               err=True)

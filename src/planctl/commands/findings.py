"""findings and compare: the inspection's judgements, and how they compare with others."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import click

from ..core import judgements as analysis
from ..core.comparison import Comparison
from ..core.errors import ERROR, PlanLoadError, UsageError, safe_text
from ..core.model import Plan
from ..core.names import nearest
from ..core.words import count
from ..loading.plans import open_plans
from ..loading.settings import Settings
from ..render import Column, Section, View
from ..store.files import load_comparison_files
from .options import output, output_format, pass_settings, shared_options

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    Data = dict[str, Any]  # core.judgements.compare's answer (and one group of it): JSON-shaped

# Grade bands borrow the status colours of the table renderer: good or better is
# green, the bottom grade red, anything between amber. The word is always shown.
BAND_STATUS = {"good": "on-track", "middle": "due-soon", "poor": "overdue"}
BAND_STYLE = {"good": "green", "middle": "yellow", "poor": "bold red"}


@click.command()
@shared_options
@click.option("--plan", "plan_ids", multiple=True, metavar="PLAN", help="Only this plan id.")
@pass_settings
def findings(s: Settings, plan_ids: tuple[str, ...]) -> None:
    """The inspection's judgements, by area, with counts per grade.

    Grades are coloured (good or better green, the bottom grade red, others
    amber) and always written out.

    \b
    Examples:
      planctl findings
      planctl findings --format json | jq '.plans[0].counts'
      planctl findings --format markdown > findings.md
    """
    fmt = output_format(s)
    summaries = [(p, analysis.findings_summary(p.findings)) for p in open_plans(s, judge=False).plans
                 if p.findings is not None and (not plan_ids or p.id in plan_ids)]
    output(FindingsResult(summaries), fmt, s)


@dataclass
class FindingsResult:
    """Each plan with findings, and its judgements counted (core.judgements)."""

    summaries: list[tuple[Plan, Data]]
    shape: ClassVar[str] = "view"

    def data(self) -> Data:
        return {"plans": [{"plan": p.id, "authority": p.authority, **s}
                          for p, s in self.summaries]}

    def view(self) -> View:
        summaries = self.summaries
        sections: list[Section] = []
        lines: list[str] = []
        for plan, s in summaries:
            good = s["good_or_better_grades"]
            for area in s["areas"]:
                title = f"{plan.id}: {area['area']}" if len(summaries) > 1 else area["area"]
                section = Section(title, [Column("Judgement", wrap=1), Column("Grade", status=True)])
                for j in area["judgements"]:
                    band = analysis.grade_band(j["grade"], s["scale"], good)
                    section.add([j["name"], j["grade"]], BAND_STATUS[band])
                sections.append(section)
            counts = ", ".join(f"{n} {g}" for g, n in s["counts"].items())
            lines.append(f"{plan.authority or plan.id}: {count(s['total'], 'judgement')}: {counts}; "
                         f"{s['good_or_better']} good or better")
        return View(sections, summary="\n".join(lines) or None,
                    empty="No plan has findings; see docs/findings.md.", group_header="area")


@click.command()
@shared_options
@click.option("--group", "groups", multiple=True, metavar="NAME",
              help="Only this group of authorities, e.g. 'Eastern Region' (repeatable).")
@click.option("--judgement", "judgements", multiple=True, metavar="NAME",
              help="Only this judgement, by key or name (repeatable); 'good or better on "
                   "every judgement' then means every one chosen.")
@click.option("--comparison", "comparison_id", metavar="NAME",
              help="Which comparison file (its name without .yaml) when there are several.")
@pass_settings
def compare(s: Settings, groups: tuple[str, ...], judgements: tuple[str, ...],
            comparison_id: str | None) -> None:
    """The authority's grades beside other authorities', and national figures.

    Per group: each authority's grades, how many are good or better, the
    authority's rank (1 = best, ties share a rank) and who is good or better
    on every judgement shown. The compared authority joins every group.
    Nationally: counts per grade, their percentages and the share good or
    better.

    \b
    Examples:
      planctl compare
      planctl compare --group "Statistical Neighbours" \\
          --judgement safeguarding --judgement looked-after
      planctl compare --group "Eastern Region" --format json | jq '.groups[0].good_or_better_all'
      planctl compare --format json | jq '.national[] | {judgement, good_or_better_pct}'
    """
    fmt = output_format(s, CompareResult.shape)
    data = analysis.compare(_comparison(s, comparison_id), groups, judgements)
    output(CompareResult(data), fmt, s)


@dataclass
class CompareResult:
    """core.judgements.compare's answer; its table is laid out here, not as a View."""

    comparison: Data
    shape: ClassVar[str] = "own"

    def data(self) -> Data:
        return self.comparison

    def table(self, settings: Settings) -> None:
        _compare_table(self.comparison, settings.color)


def _comparison(s: Settings, wanted: str | None) -> Comparison:
    if s.as_of:
        raise UsageError("compare reads comparison files as they are now; --as-of is not "
                         "supported here")
    files = open_plans(s, allow_errors=True, judge=False).comparison_files
    comparisons, problems = load_comparison_files(files)
    errors = sorted(p for p in problems if p.severity == ERROR)
    if errors:
        raise PlanLoadError(errors)
    if not comparisons:
        raise UsageError("no comparison file in the plans (a YAML file whose top level is "
                         "'comparison:'); see docs/findings.md")
    if wanted is None:
        if len(comparisons) > 1:
            raise UsageError("several comparison files; choose one with --comparison: "
                             + ", ".join(c.id for c in comparisons))
        return comparisons[0]
    for c in comparisons:
        if wanted.casefold() in (c.id.casefold(), c.title.casefold()):
            return c
    hint = nearest(wanted, [c.id for c in comparisons])
    raise UsageError(f"no comparison {wanted!r}" + (f"; did you mean {hint!r}?" if hint else
                     f"; choose from {', '.join(c.id for c in comparisons)}"))


class _Cells:
    """Text for rich's tables: made safe for a terminal, grades in their band's colour."""

    def __init__(self, data: Data) -> None:
        from rich.text import Text

        self._text = Text
        self.scale, self.good = data["scale"], data["good_or_better_grades"]

    def __call__(self, text: str, style: str = "") -> Text:
        return self._text(safe_text(text), style=style)

    def grade(self, g: str) -> Text:
        return self(g, BAND_STYLE[analysis.grade_band(g, self.scale, self.good)])


def _compare_table(data: Data, color: bool | None) -> None:
    from ..render.terminal import make_console

    console = make_console(color)
    t = _Cells(data)
    me = data["authority"]
    console.print(t(f"{me} compared with other authorities: {data['title']}", "bold"))
    if data["source"]:
        console.print(t(f"Source: {data['source']}", "dim"))
    for group in data["groups"]:
        _group_table(console, t, data, group)
    if data["national"]:
        _national_table(console, t, data)
    console.print(t(f"* the compared authority, counted in every group. Good or better: "
                    f"{', '.join(t.good)}. All: good or better on every judgement shown. "
                    "Rank: 1 = best; tied grades share a rank (=)."), style="dim")


def _group_table(console: Console, t: _Cells, data: Data, group: Data) -> None:
    """One group: each authority's grades, counts, the rank, who is good or better on all."""
    from rich import box
    from rich.table import Table

    me, size = data["authority"], group["size"]
    keys = [j["key"] for j in data["judgements"]]
    width = max(len(g) for g in t.scale)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left",
                  title=t(f"{group['name']} ({group['listed']} listed, and {me})", "bold"))
    table.add_column("Authority")
    for j in data["judgements"]:
        # Grades never break; on a narrow terminal a long header word may fold instead.
        table.add_column(j["name"], min_width=width, overflow="fold")
    table.add_column("All", min_width=3, no_wrap=True)
    for a in group["authorities"]:
        label = f"{a['name']} *" if a["compared"] else a["name"]
        table.add_row(t(label, "bold" if a["compared"] else ""),
                      *(t.grade(a["grades"][k]) for k in keys),
                      t("yes" if a["good_or_better_all"] else "no"))
    table.add_section()
    table.add_row(t("Good or better"), *(t(f"{group['good_or_better'][k]} of {size}")
                                          for k in keys), t(""))
    table.add_row(t(f"{me}'s rank"), *(t(_rank_label(group, k)) for k in keys), t(""))
    console.print(table)
    winners = group["good_or_better_all"]
    others = [n for n in winners if n != me]
    what = "every judgement shown" if len(keys) > 1 else "this judgement"
    who = ", ".join(winners) if winners else "none"
    tail = (f" ({me} and {len(others)} of the {group['listed']} listed)"
            if me in winners else f" ({len(others)} of the {group['listed']} listed)")
    console.print(t(f"Good or better on {what}: {who}{tail}"))
    console.print()


def _national_table(console: Console, t: _Cells, data: Data) -> None:
    """Laid out as the source's Table 1: a column per judgement, a row per grade."""
    from rich import box
    from rich.table import Table

    national = data["national"]
    title = data["national_title"] or "National figures"
    if data["national_period"]:
        title += f", {data['national_period']}"
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left",
                  title=t(title, "bold"))
    table.add_column("", no_wrap=True)
    for row in national:
        table.add_column(row["name"], justify="right", min_width=12)
    for g in t.scale:
        table.add_row(t.grade(g), *(t(f"{r['counts'][g]} ({r['percentages'][g]:.1f}%)")
                                    for r in national))
    table.add_section()
    table.add_row(t("Total inspections"), *(t(str(r["total"])) for r in national))
    table.add_row(t("Good or better", "bold"),
                  *(t(f"{r['good_or_better']} ({r['good_or_better_pct']:.1f}%)", "bold")
                    for r in national))
    table.add_row(t(f"{data['authority']}'s grade"),
                  *(t(f"{r['authority_grade']}: rank {r['authority_rank']}, "
                      f"top {r['authority_within_top_pct']:.1f}%") for r in national))
    console.print(table)


def _rank_label(group: Data, key: str) -> str:
    rank = group["authority_rank"][key]
    me = next(a for a in group["authorities"] if a["compared"])
    tied = sum(a["grades"][key] == me["grades"][key] for a in group["authorities"]) > 1
    return f"{rank}{'=' if tied else ''} of {group['size']}"

"""findings and compare: the inspection's judgements, and how they compare with others."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import click

from ..core import judgements as analysis
from ..core.comparison import Comparison
from ..core.errors import ERROR, PlanLoadError, UsageError, safe_text
from ..core.model import Plan
from ..core.names import nearest
from ..core.words import count
from ..render import Column, Section, View
from ..store.files import load_comparison_files
from .options import Settings, load, output, output_format, pass_settings, shared_options

# Grade bands borrow the status colours of the table renderer: good or better is
# green, the bottom grade red, anything between amber. The word is always shown.
BAND_STATUS = {"good": "on-track", "middle": "due-soon", "poor": "overdue"}
BAND_STYLE = {"good": "green", "middle": "yellow", "poor": "bold red"}


@click.command()
@shared_options
@click.option("--plan", "plan_ids", multiple=True, metavar="PLAN", help="Only this plan id.")
@pass_settings
def findings(s, plan_ids):
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
    plans = [p for p in load(s).plans
             if p.findings is not None and (not plan_ids or p.id in plan_ids)]
    output(FindingsResult([(p, analysis.findings_summary(p.findings)) for p in plans]), fmt, s)


@dataclass
class FindingsResult:
    """Each plan with findings, and its judgements counted (core.judgements)."""

    summaries: list[tuple[Plan, dict]]
    shape: ClassVar[str] = "view"

    def data(self) -> dict:
        return {"plans": [{"plan": p.id, "authority": p.authority, **s}
                          for p, s in self.summaries]}

    def view(self) -> View:
        summaries = self.summaries
        sections, lines = [], []
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
def compare(s, groups, judgements, comparison_id):
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

    comparison: dict
    shape: ClassVar[str] = "own"

    def data(self) -> dict:
        return self.comparison

    def table(self, settings: Settings) -> None:
        _compare_table(self.comparison, settings.color)


def _comparison(s: Settings, wanted: str | None) -> Comparison:
    if s.as_of:
        raise UsageError("compare reads comparison files as they are now; --as-of is not "
                         "supported here")
    files = load(s, allow_errors=True).comparison_files
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


def _compare_table(data: dict, color: bool | None) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from ..render.terminal import make_console

    console = make_console(color)
    scale, good = data["scale"], data["good_or_better_grades"]
    keys = [j["key"] for j in data["judgements"]]
    names = [j["name"] for j in data["judgements"]]
    me = data["authority"]

    def t(text: str, style: str = "") -> Text:
        return Text(safe_text(text), style=style)

    def grade(g: str) -> Text:
        return t(g, BAND_STYLE[analysis.grade_band(g, scale, good)])

    console.print(t(f"{me} compared with other authorities: {data['title']}", "bold"))
    if data["source"]:
        console.print(t(f"Source: {data['source']}", "dim"))
    width = max(len(g) for g in scale)
    for group in data["groups"]:
        size = group["size"]
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left",
                      title=t(f"{group['name']} ({group['listed']} listed, and {me})", "bold"))
        table.add_column("Authority")
        for name in names:
            # Grades never break; on a narrow terminal a long header word may fold instead.
            table.add_column(name, min_width=width, overflow="fold")
        table.add_column("All", min_width=3, no_wrap=True)
        for a in group["authorities"]:
            label = f"{a['name']} *" if a["compared"] else a["name"]
            table.add_row(t(label, "bold" if a["compared"] else ""),
                          *(grade(a["grades"][k]) for k in keys),
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
    if data["national"]:
        # Laid out as the source's Table 1: a column per judgement, a row per grade.
        title = data["national_title"] or "National figures"
        if data["national_period"]:
            title += f", {data['national_period']}"
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left",
                      title=t(title, "bold"))
        table.add_column("", no_wrap=True)
        for row in data["national"]:
            table.add_column(row["name"], justify="right", min_width=12)
        for g in scale:
            table.add_row(grade(g), *(t(f"{r['counts'][g]} ({r['percentages'][g]:.1f}%)")
                                      for r in data["national"]))
        table.add_section()
        table.add_row(t("Total inspections"), *(t(str(r["total"])) for r in data["national"]))
        table.add_row(t("Good or better", "bold"),
                      *(t(f"{r['good_or_better']} ({r['good_or_better_pct']:.1f}%)", "bold")
                        for r in data["national"]))
        table.add_row(t(f"{me}'s grade"),
                      *(t(f"{r['authority_grade']}: rank {r['authority_rank']}, "
                          f"top {r['authority_within_top_pct']:.1f}%") for r in data["national"]))
        console.print(table)
    console.print(t(f"* the compared authority, counted in every group. Good or better: "
                    f"{', '.join(good)}. All: good or better on every judgement shown. "
                    "Rank: 1 = best; tied grades share a rank (=)."), style="dim")


def _rank_label(group: dict, key: str) -> str:
    rank = group["authority_rank"][key]
    me = next(a for a in group["authorities"] if a["compared"])
    tied = sum(a["grades"][key] == me["grades"][key] for a in group["authorities"]) > 1
    return f"{rank}{'=' if tied else ''} of {group['size']}"

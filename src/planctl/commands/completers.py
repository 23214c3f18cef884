"""Shell completion callbacks: action ids and lead names from the plans on disk.

Click calls these while the user presses Tab (`_PLANCTL_COMPLETE=bash_complete`),
so they must be quick and must never fail: any problem means no suggestions.
Use them on any argument or option naming an action or a lead:

    @click.argument("ref", metavar="ID", shell_complete=complete_action_ids)
    @click.option("--lead", shell_complete=complete_leads)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..core.model import Plan
from ..core.names import fold_name

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem


def _item(value: str, help: str) -> CompletionItem:
    # Imported on a Tab press only: every command that offers completion imports this module.
    from click.shell_completion import CompletionItem

    return CompletionItem(value, help=help)


def _plans(ctx: click.Context) -> tuple[Plan, ...]:
    """The plans the command would read (honouring --plans and PLANCTL_PLANS), errors ignored."""
    from ..loading.settings import Settings, plan_paths
    from ..store.files import load_paths

    root = ctx.find_root()
    settings = root.obj if isinstance(root.obj, Settings) else Settings()
    try:
        return load_paths(plan_paths(settings)).plans
    except Exception:  # completion must never print a traceback into the shell
        return ()


def _ids(ctx: click.Context, incomplete: str, recommendations: bool,
         actions: bool = True) -> list[CompletionItem]:
    plans = _plans(ctx)
    entries: list[tuple[str, str, str]] = []  # (plan id, id, help)
    for plan in plans:
        if recommendations:
            entries += [(plan.id, r.id, r.text) for r in plan.recommendations]
        if actions:
            entries += [(plan.id, a.id, a.text) for a in plan.actions]
    seen: dict[str, int] = {}
    for _, item, _ in entries:
        seen[item] = seen.get(item, 0) + 1
    items: list[CompletionItem] = []
    for plan_id, item, text in entries:
        # An id in several plans is only useful as PLAN:ID.
        value = item if seen[item] == 1 and ":" not in incomplete else f"{plan_id}:{item}"
        if value.startswith(incomplete) and value not in (i.value for i in items):
            items.append(_item(value, help=" ".join(text.split())[:60]))
    return items


def complete_action_ids(ctx: click.Context, param: click.Parameter,
                        incomplete: str) -> list[CompletionItem]:
    """Action ids (3.1, or PLAN:3.1 where several plans share an id) starting with what is typed."""
    return _ids(ctx, incomplete, recommendations=False)


def complete_recommendation_ids(ctx: click.Context, param: click.Parameter,
                                incomplete: str) -> list[CompletionItem]:
    """Recommendation ids (3, or PLAN:3), for `add`."""
    return _ids(ctx, incomplete, recommendations=True, actions=False)


def complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Recommendation and action ids, for commands such as `show` that take either."""
    return _ids(ctx, incomplete, recommendations=True)


def complete_leads(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Lead keys (no spaces, so every shell inserts them whole), matched on key, name or alias."""
    wanted = fold_name(incomplete.strip("'\""))  # `si<TAB>` offers Siân
    items: list[CompletionItem] = []
    for plan in _plans(ctx):
        for lead in plan.leads:
            names = (lead.key, lead.name, *lead.aliases)
            if any(fold_name(n).startswith(wanted) for n in names) and \
                    lead.key not in (i.value for i in items):
                items.append(_item(lead.key, help=lead.name))
    return items

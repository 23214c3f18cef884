"""Finding actions by id and filtering rows: pure functions over the model."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec

from .errors import UsageError
from .evaluate import Row
from .model import STATUS_VALUES, Action, Plan, Recommendation
from .names import (
    SCOPE,
    UNNAMED_AUTHORITY,
    UNNAMED_SHOWN,
    NameIndex,
    authority_key,
    close_matches,
    fold_name,
    lead_authority,
    nearest_ids,
    nearest_progress,
    normalise_progress,
    scoped,
)


class Found(msgspec.Struct, frozen=True):
    plan: Plan
    action: Action | None = None
    recommendation: Recommendation | None = None


def find(plans: Sequence[Plan], ref: str, actions_only: bool = False) -> Found:
    """`3.1`, `PLAN:3.1`, or a recommendation id such as `3` (unless actions_only).

    An id shared by several plans is refused with the candidates listed.
    """
    plan_id, _, item = ref.rpartition(":")
    scope = [p for p in plans if p.id == plan_id] if plan_id else list(plans)
    if plan_id and not scope:
        raise UsageError(f"no plan {plan_id!r}; plans: {', '.join(p.id for p in plans) or 'none'}")
    found = [Found(p, action=a) for p in scope for a in p.actions if a.id == item]
    if not found and not actions_only:
        found = [Found(p, recommendation=r) for p in scope for r in p.recommendations if r.id == item]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        choices = ", ".join(f"{f.plan.id}:{item}" for f in found)
        raise UsageError(f"{item!r} is in several plans; say which: {choices}")
    raise UsageError(f"no {'action' if actions_only else 'action or recommendation'} {ref!r}"
                     + _id_hint(scope, ref, plan_id, actions_only))


def _id_hint(scope: Sequence[Plan], ref: str, plan_id: str, actions_only: bool) -> str:
    """'; did you mean 13.2, 13.1?': the nearest action ids (recommendation ids for a ref
    such as 25, where one is wanted)."""
    def named(p: Plan, item_id: str) -> str:
        return f"{p.id}:{item_id}" if plan_id else item_id

    ids = [named(p, a.id) for p in scope for a in p.actions]
    if not actions_only and "." not in ref.rpartition(":")[2]:
        ids = [named(p, r.id) for p in scope for r in p.recommendations] + ids
    close = nearest_ids(ref, ids)
    return f"; did you mean {', '.join(close)}?" if close else ""


def lead_index(plans: Sequence[Plan]) -> NameIndex:
    """Every name a lead goes by in the plans (key, name, alias; names written only on
    actions), each naming the set of its lead's spellings scoped by its authority (see
    names.scoped): one identity per lead of each authority."""
    index = NameIndex()
    for plan in plans:
        authority = authority_key(plan)
        for lead in plan.leads:
            spellings = (lead.key, lead.name, *lead.aliases)
            identity = "\n".join(sorted({scoped(authority, n) for n in spellings}))
            for name in spellings:
                index.add(name, identity, lead.name)
        for action in plan.actions:
            for name in action.leads:
                index.add(name, scoped(authority, name))
    return index


def _lead_names(plans: Sequence[Plan]) -> tuple[dict[str, str], dict[str, str]]:
    """(authority key -> the authority as first written, scoped spelling -> the lead's name
    as shown): the words of a choice offered when a name is ambiguous."""
    authorities: dict[str, str] = {}
    shown: dict[str, str] = {}
    for plan in plans:
        authority = authority_key(plan)
        authorities.setdefault(authority, lead_authority(plan))
        for lead in plan.leads:
            for n in (lead.key, lead.name, *lead.aliases):
                shown.setdefault(scoped(authority, n), lead.name)
        for action in plan.actions:
            for n in action.leads:
                shown.setdefault(scoped(authority, n), n)
    return authorities, shown


def _authority_of(identity: str) -> str:
    return identity.partition(SCOPE)[0]


def _scopes(written: str, authorities: dict[str, str]) -> list[tuple[str, str]]:
    """Each (authority, lead as written) that `written` reads as, split at a colon whose
    words before it name an authority of the plans."""
    out = []
    at = written.find(":")
    while at > 0:
        authority = fold_name(written[:at])
        if authority == fold_name(UNNAMED_SHOWN):  # as the choices of an ambiguous name show it
            authority = UNNAMED_AUTHORITY
        elif not authority:
            break
        if authority in authorities:
            out.append((authority, written[at + 1:]))
        at = written.find(":", at + 1)
    return out


def _named(index: NameIndex, authorities: dict[str, str], shown: dict[str, str],
           written: str) -> set[str]:
    """The lead identities `written` names: `AUTHORITY:LEAD` (split at a colon, only
    where the words before it name an authority of the plans), else the whole name (a lead
    whose name holds a colon). Where both readings name leads and they differ: refused."""
    whole = index.lookup(written)
    splits = _scopes(written, authorities)
    if not splits:
        return whole
    # An authority's name may hold a colon ("Council: North"): the split whose lead is
    # found, else the first that names an authority.
    found = [(a, r, {i for i in index.lookup(r) if _authority_of(i) == a}) for a, r in splits]
    authority, rest, within = next((f for f in found if f[2]), found[0])
    if not within and not whole:
        close = [c for c in index.suggest(rest, 5)
                 if any(_authority_of(i) == authority for i in index.lookup(c))]
        hint = f"; did you mean {close[0]!r}?" if close else "; see 'planctl leads'"
        raise UsageError(f"no lead {rest.strip()!r} in {authorities[authority]}{hint}")
    if within and whole and within != whole:
        raise UsageError(f"lead {written!r} can be read two ways; say which: "
                         + _choices(within | whole, authorities, shown))
    return within or whole


def resolve_leads(plans: Sequence[Plan], wanted: Sequence[str]) -> frozenset[str] | None:
    """The leads `--lead` names, as the set of their spellings scoped by authority (see
    lead_spellings); None where no --lead was given. Case, spaces and accents aside
    (`--lead sian` is Siân); `AUTHORITY:LEAD` where one name is a lead of several
    authorities. A name that matches nobody is refused with the nearest lead, and one that
    names leads of several authorities with the choices, rather than guessing."""
    if not wanted:
        return None
    index = lead_index(plans)
    authorities, shown = _lead_names(plans)
    found: set[str] = set()
    for w in wanted:
        identities = _named(index, authorities, shown, w)
        if not identities:
            close = index.suggest(w)
            hint = f"; did you mean {close[0]!r}?" if close else "; see 'planctl leads'"
            raise UsageError(f"no lead {w!r}{hint}")
        spellings = {name for identity in identities for name in identity.split("\n")}
        if len({_authority_of(name) for name in spellings}) > 1:
            raise UsageError(f"lead {w!r} is a lead of several authorities; say which: "
                             + _choices(identities, authorities, shown))
        found |= spellings
    return frozenset(found)


MAX_CHOICES = 10  # leads named in one ambiguity error


def _choices(identities: set[str], authorities: dict[str, str], shown: dict[str, str]) -> str:
    """'Northmoor Borough Council:Head of Service', ... (each a valid --lead), A-Z."""
    out = set()
    for identity in identities:
        first = identity.split("\n")[0]
        out.add(f"{authorities[_authority_of(first)]}:{shown.get(first, first)}")
    ordered = [repr(c) for c in sorted(out, key=str.casefold)]
    if len(ordered) > MAX_CHOICES:  # one line a person reads: the rest are in `leads`
        rest = len(ordered) - MAX_CHOICES
        return (", ".join(ordered[:MAX_CHOICES]) + f" and {rest} more (see 'planctl leads')")
    return ", ".join(ordered)


def lead_spellings(row_leads: Sequence[str], keys: Sequence[str | None], plan: Plan,
                   ) -> list[set[str]]:
    """For each lead of an action, every name it goes by, scoped by the plan's authority
    (names.scoped): as written on the action, and its declared key and aliases."""
    authority = authority_key(plan)
    out = []
    for name, key in zip(row_leads, keys, strict=False):
        names = {scoped(authority, name)}
        lead = next((x for x in plan.leads if key is not None and x.key == key), None)
        if lead:
            names |= {scoped(authority, n) for n in (lead.key, lead.name, *lead.aliases)}
        out.append(names)
    return out


def _lead_matches(row: Row, wanted: frozenset[str]) -> bool:
    return any(names & wanted for names in lead_spellings(row.action.leads, row.action.lead_keys,
                                                          row.plan))


def filter_rows(
    rows: Iterable[Row],
    leads: frozenset[str] | None = None,
    recs: Sequence[str] = (),
    statuses: Sequence[str] = (),
    bodies: Sequence[str] = (),
    plans: Sequence[str] = (),
) -> list[Row]:
    """Rows matching every filter given; each filter matches any of its values. `leads`:
    from resolve_leads."""
    wanted_status = set()
    for s in statuses:
        norm = s.strip().lower().replace("_", "-").replace(" ", "-")
        if norm in STATUS_VALUES:
            wanted_status.add(norm)
        elif (progress := normalise_progress(s)) in ("completed", "dropped"):
            wanted_status.add(progress)
        else:
            raise UsageError(f"--status {s!r} is not one of {', '.join(STATUS_VALUES)}"
                             + _status_hint(s))
    bodies_n = {b.casefold() for b in bodies}
    out = []
    for row in rows:
        if leads is not None and not _lead_matches(row, leads):
            continue
        if recs and row.action.recommendation not in recs:
            continue
        if wanted_status and row.status not in wanted_status:
            continue
        if bodies and not bodies_n & {b.casefold() for b in row.action.report_to}:
            continue
        if plans and row.plan.id not in plans:
            continue
        out.append(row)
    return out


def citing(rows: Iterable[Row], texts: Sequence[str]) -> list[Row]:
    """Rows whose action's `ref:`, or its recommendation's, contains any of `texts`: case and
    runs of spaces aside ("Para 4.2" finds "para  4.2 (b)")."""
    def norm(text: str) -> str:
        return " ".join(text.casefold().split())

    wanted = [norm(t) for t in texts]
    if any(not w for w in wanted):
        raise UsageError("--ref needs some text to look for, e.g. --ref 'para 4'")
    out = []
    for row in rows:
        cites = [norm(c) for c in (row.action.cites, row.plan.cites_of(row.action)) if c]
        if any(w in c for w in wanted for c in cites):
            out.append(row)
    return out


def _status_hint(written: str) -> str:
    """Did you mean: the nearest status, else the progress word it resembles, whose status
    is one of those an open action can have."""
    norm = "-".join(written.strip().lower().replace("_", " ").replace("-", " ").split())
    close = close_matches(norm, STATUS_VALUES, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    progress = normalise_progress(written) or nearest_progress(written)
    if progress in ("completed", "dropped"):
        return f"; did you mean {progress!r}?"
    if progress:
        return (f"; {progress!r} is a progress word, not a status: an open action is overdue, "
                "due-soon, on-track or no-date")
    return ""

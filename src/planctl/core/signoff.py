"""Sign-off: "the lead says done" is not "checked and evidenced" (issue 22).

An action's `signed_off:` records who assured its completion, when, and on what evidence.
With `plan.signoff: required`, a completed action not yet signed off (as at the date the
plan is judged) is "completed, awaiting sign-off": its status stays `completed` (the JSON
contract), the words and a count say it apart. Pure: no clock, no I/O.
"""

from __future__ import annotations

from datetime import date

from .model import Action, Plan, SignOff
from .names import normalise_name

AWAITING = "completed, awaiting sign-off"


def signed_as_at(action: Action, today: date) -> SignOff | None:
    """The action's sign-off when it was given on or before `today` (one dated later was not
    given yet as at that day)."""
    s = action.signed_off
    return s if s is not None and s.on <= today else None


def awaits(plan: Plan, action: Action, today: date) -> bool:
    """A completed action (the caller knows it is) whose plan requires sign-off and which is
    not signed off as at `today`."""
    return plan.signoff_required and signed_as_at(action, today) is None


def is_completed(action: Action) -> bool:
    """Completed as written: `status: completed`, or every milestone done (a one-off action);
    a recurring action is never completed by its reports."""
    if action.progress == "completed":
        return True
    return not action.repeat and bool(action.milestones) and all(m.done for m in action.milestones)


def completed_on(action: Action) -> date | None:
    """When it was completed, when the plan says: `completed:`, else its last milestone's
    `done:` date (None when any milestone's date is not written)."""
    if action.completed is not None:
        return action.completed
    days = [m.done_on for m in action.milestones]
    if days and all(d is not None for d in days):
        return max(d for d in days if d is not None)
    return None


def not_completed_yet(action: Action) -> str:
    """Why `action` (not completed: the caller knows) cannot be signed off, and how it comes
    to be completed: a sign-off assures completed work, and a recurring action, an action
    with milestones and a dropped one each get there in their own way."""
    aid = action.id
    if action.progress == "dropped":
        return (f"{aid} is dropped: only completed work can be signed off; if the work was "
                f"done after all, 'planctl reopen {aid} --reason TEXT', then "
                f"'planctl done {aid}'")
    if action.repeat:
        return (f"{aid} recurs ({action.repeat}) and is {action.progress}: each report "
                f"('planctl done {aid}' records one) is not a completion, so there is "
                "nothing to sign off; to record who checked a report, 'planctl note "
                f"{aid} TEXT'; when the recurring work itself ends, write 'status: "
                "completed' and 'completed: DATE' in the plan, then sign it off")
    open_ = [m for m in action.milestones if not m.done]
    if open_ and len(action.milestones) > 1:  # one date (`By 30.9.26`) is one milestone
        done, nxt = len(action.milestones) - len(open_), open_[0]
        label = f" ({nxt.text})" if nxt.text else ""
        return (f"{aid} has {done} of {len(action.milestones)} milestones done: it is "
                "completed, and can be signed off, when every milestone is done; "
                f"'planctl done {aid}' marks the next one, due {nxt.due:%d %B %Y}{label}, done")
    return (f"{aid} is {action.progress}, not completed: only completed work can be signed "
            f"off ('planctl done {aid}' first)")


def signer_is_lead(plan: Plan, action: Action, by: str) -> bool:
    """Whether `by` names one of the action's own leads (by key, name or alias)."""
    wanted = normalise_name(by)
    names = {normalise_name(n) for n in action.leads}
    for lead in plan.leads:
        if lead.key in action.lead_keys:
            names |= {normalise_name(n) for n in (lead.key, lead.name, *lead.aliases)}
    return wanted in names


def known_signer(plan: Plan, by: str) -> bool:
    """Whether `by` names a lead of the plan or one of its boards (`bodies:`)."""
    wanted = normalise_name(by)
    return any(wanted in {normalise_name(n) for n in (lead.key, lead.name, *lead.aliases)}
               for lead in plan.leads) or any(
        wanted in (normalise_name(b.key), normalise_name(b.name)) for b in plan.bodies)


def described(s: SignOff) -> str:
    """'signed off by QA team on 3 Oct 2012 (evidence: audit report)': for tables and text."""
    text = f"signed off by {s.by} on {s.on.day} {s.on:%b %Y}"
    return text + (f" (evidence: {s.evidence})" if s.evidence else "")

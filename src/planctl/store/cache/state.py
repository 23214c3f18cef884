"""Kept state: what a walk over a git history found, kept under a name, not a content.

A parse-cache entry is found by the bytes it was read from; a walk's state (history/
completion.py: the completion dates of every action, as of one commit) is found by
what it walked - the repository, the plan paths - and says itself which commit it
stopped at, so the next run can check that commit against the history it finds and
carry on from it. Same file layout and checks as an entry (entries.py: header with
the key, BLAKE2b of the payload); the payload is MessagePack read by msgspec into
the `WalkState` shape, so a damaged or forged file is a miss, never an error, and
can name no code. The plans in it are codec.py payloads (decoded, and shared, as a
history's versions are).
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar, cast

import msgspec

from ...core.model import Plan
from .codec import Interner, decode, encode
from .entries import entry_key, entry_path, read_payload, write_entry
from .folder import enabled, usable

Files = tuple[tuple[str, str, str], ...]  # (path, blob, plan id) at the commit


class WalkState(msgspec.Struct, frozen=True):
    """A walk stopped at `commit`: the plan files there, the last readable version of each
    plan (as codec payloads), which of them the version at `commit` holds, and the facts
    found so far: (plan id, action id, date or None)."""

    commit: str
    files: Files
    plans: tuple[tuple[str, bytes], ...]
    current: tuple[str, ...]
    facts: tuple[tuple[str, str, date | None], ...]


class LogEnds(msgspec.Struct, frozen=True):
    """The commit dates (ISO) of the newest and oldest commits of a `git log` of the plans
    at `tip` (the --today note: store/gitstore/commits.py)."""

    tip: str
    newest: str | None
    oldest: str | None


_ENCODER = msgspec.msgpack.Encoder()
_DECODERS = {WalkState: msgspec.msgpack.Decoder(WalkState), LogEnds: msgspec.msgpack.Decoder(LogEnds)}
S = TypeVar("S", WalkState, LogEnds)


def _key(name: str, code: str, shape: type) -> str:
    return entry_key(b"", name, content_id=shape.__name__, key_extra=code)


def read_state(name: str, code: str, shape: type[S]) -> S | None:
    """The state of this shape kept under `name` by `code` (a stamp of the code that computed
    it), or None: missing, damaged, of another shape, or the cache is off."""
    payload = read_payload(_key(name, code, shape))
    if payload is None:
        return None
    try:
        return cast(S, _DECODERS[shape].decode(payload))  # type: ignore[attr-defined]
    except (msgspec.DecodeError, ValueError):
        return None


def write_state(name: str, code: str, state: WalkState | LogEnds) -> None:
    """Keep `state` under `name` (skipped when the cache is off or cannot be written)."""
    key = _key(name, code, type(state))
    target = entry_path(key)
    if enabled() and usable(target):
        write_entry(target, key, _ENCODER.encode(state))


def encode_plan(plan: Plan) -> bytes | None:
    return encode((plan, [], False))


def decode_plan(payload: bytes, share: Interner | None = None) -> Plan | None:
    """The plan of a payload, or None when it is not one (a damaged state: a miss)."""
    try:
        return decode(payload, share)[0]
    except (msgspec.DecodeError, ValueError, TypeError):
        return None

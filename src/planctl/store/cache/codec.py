"""An entry's payload: what `format.reader.load_text` returned, as MessagePack, by msgspec.

msgspec encodes the model's frozen Structs (core/model.py) as arrays of their
fields (`array_like`: no field names repeated in every object) and decodes them
straight back into those classes, in C, typed: dates, unions, nested tuples,
checked as they are read. An entry of 0.4 (objects as maps) is a ValidationError:
a miss, never misread. Nothing in an entry can name a class or a
function - the classes are the ones given to the decoder here - so a forged or
foreign entry (a cache restored from another branch) can never run code, unlike a
pickle. A payload of the wrong shape is a `msgspec.ValidationError` (a miss).

Sharing. A history decodes hundreds of versions of one plan that differ by a few
actions. `decode(payload, share)` lets the caller keep one object per distinct
encoded recommendation or action: the plan is read with its recommendations, and
their actions, as undecoded `msgspec.Raw` slices of the payload, and each slice is
turned into an object through `share.shared(its bytes, build)`, which either returns
the object it kept for those bytes or calls `build`. Equal bytes decode to equal
objects, so the plans are exactly what `decode(payload)` gives. What to keep, and
for how long, is the caller's (history/sharing.py); the layout stays here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import msgspec

from ...core.errors import Problem
from ...core.model import Action, Plan, Recommendation, evolve

T = TypeVar("T")

# load_text's (plan or None, problems, is_comparison_file)
Loaded = tuple[Plan | None, list[Problem], bool]


class Interner(Protocol):
    """Keeps decoded objects by the bytes they were decoded from (see the docstring)."""

    def shared(self, key: bytes, build: Callable[[], T]) -> T:
        """The object kept for `key`, else `build()` (which it may keep)."""
        ...


_ENCODER = msgspec.msgpack.Encoder()


def encode(result: Loaded) -> bytes | None:
    """The payload of load_text's result; None if it cannot be encoded (it is then not cached)."""
    plan, problems, is_comparison = result
    try:
        return _ENCODER.encode((plan, tuple(problems), bool(is_comparison)))
    except (TypeError, ValueError, OverflowError):
        return None


@functools.cache
def _whole() -> msgspec.msgpack.Decoder[tuple[Plan | None, list[Problem], bool]]:
    return msgspec.msgpack.Decoder(tuple[Plan | None, list[Problem], bool])


def decode(payload: bytes, share: Interner | None = None) -> Loaded:
    """load_text's result from a payload; raises msgspec.DecodeError (ValidationError) on one
    that is damaged or of another shape. With `share`, see the module's docstring."""
    if share is None:
        return _whole().decode(payload)
    shell, problems, is_comparison = _shells().entry.decode(payload)
    plan = None if shell is None else _plan(shell, share)
    return plan, problems, is_comparison


# -- decoding with shared objects ------------------------------------------------------


def _shell_of(cls: type[msgspec.Struct], raw_field: str) -> type[msgspec.Struct]:
    """A Struct with `cls`'s fields in their order, in which `raw_field` (a tuple of Structs)
    is a tuple of undecoded slices: msgspec reads the rest of the array as it reads `cls`."""
    fields = [(f.name, tuple[msgspec.Raw, ...] if f.name == raw_field else f.type)
              for f in msgspec.structs.fields(cls)]
    return msgspec.defstruct(f"{cls.__name__}Shell", fields, frozen=True, array_like=True)


def _rebuilt(cls: type[T], shell: msgspec.Struct, **parts: object) -> T:
    """`cls` made from a shell's fields, with `parts` in place of its undecoded ones."""
    return cls(**{**msgspec.structs.asdict(shell), **parts})


class _Shells(msgspec.Struct, frozen=True):
    entry: msgspec.msgpack.Decoder[tuple[Any, list[Problem], bool]]
    recommendation: msgspec.msgpack.Decoder[Any]
    action: msgspec.msgpack.Decoder[Action]


@functools.cache
def _shells() -> _Shells:
    """The decoders of the shared path (built on its first use: a history's)."""
    plan_shell = _shell_of(Plan, "recommendations")
    return _Shells(msgspec.msgpack.Decoder(tuple[plan_shell | None, list[Problem], bool]),  # type: ignore[valid-type]  # a class made at run time
                   msgspec.msgpack.Decoder(_shell_of(Recommendation, "actions")),
                   msgspec.msgpack.Decoder(Action))


# -- a payload in parts: the plan without its recommendations, and each recommendation ----
#
# A history's versions differ by a few recommendations. Kept whole, each version's entry
# holds all of them again (100 KB for a 200-action plan, read and digested at every
# commit); kept in parts, a version is its plan's own fields and the digest of each
# recommendation's bytes, and each recommendation is kept once (parts.py). Read through
# an Interner keyed by those digests, a recommendation seen at the last commit is found
# without reading or decoding anything.

_PARTS = msgspec.msgpack.Decoder(tuple[msgspec.Raw, tuple[bytes, ...]])
PART_KEY = b"\0"  # before a digest, as an Interner key: no action's encoding starts with it


class MissingPart(Exception):
    """A recommendation named by a version in parts could not be read (a miss)."""


def split(payload: bytes, digest: Callable[[bytes], bytes]) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """A payload in parts: (the version, [(digest, a recommendation's bytes)]); `join` puts
    them back together."""
    shell, problems, is_comparison = _shells().entry.decode(payload)
    recs = [bytes(raw) for raw in shell.recommendations] if shell is not None else []
    if shell is not None:
        shell = evolve(shell, recommendations=())
    named = [(digest(rec), rec) for rec in recs]
    head = _ENCODER.encode((shell, problems, is_comparison))
    return _ENCODER.encode((msgspec.Raw(head), tuple(d for d, _ in named))), named


def join(version: bytes, share: Interner, fetch: Callable[[bytes], bytes | None]) -> Loaded:
    """The result a version in parts stands for, its recommendations through `share` (keyed by
    PART_KEY + digest) or else `fetch(digest)`. Raises MissingPart or a msgspec error."""
    head, digests = _PARTS.decode(version)
    shell, problems, is_comparison = _shells().entry.decode(head)
    if shell is None:
        return None, problems, is_comparison
    recs = tuple(share.shared(PART_KEY + d, functools.partial(_fetched, d, fetch, share))
                 for d in digests)
    return _rebuilt(Plan, shell, recommendations=recs), problems, is_comparison


def _fetched(d: bytes, fetch: Callable[[bytes], bytes | None], share: Interner) -> Recommendation:
    data = fetch(d)
    if data is None:
        raise MissingPart(d.hex())
    return _recommendation(msgspec.Raw(data), share)


def _plan(shell: Any, share: Interner) -> Plan:
    recs = tuple(share.shared(bytes(raw), functools.partial(_recommendation, raw, share))
                 for raw in shell.recommendations)
    return _rebuilt(Plan, shell, recommendations=recs)


def _recommendation(raw: msgspec.Raw, share: Interner) -> Recommendation:
    shell = _shells().recommendation.decode(raw)
    action = _shells().action.decode
    actions = tuple(share.shared(bytes(a), functools.partial(action, a)) for a in shell.actions)
    return _rebuilt(Recommendation, shell, actions=actions)

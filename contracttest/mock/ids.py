"""Ids the mock mints for new objects, fitted to every schema the id appears in.

A uuid fits Vapi's ids, not every API's: an item path ``/guests/{guestId}`` whose ``guestId`` is an
integer rejects a uuid, so every read, update and delete of what was just created failed (corpus
class 4: clickmeter.com). The id parameter's schema, and the schemas of the id member of the
resource's answers (the create answer's, the list items'), decide together:

* integer (or number): the next number of a counter shared by the store (unique across collections
  and orgs), within ``minimum``/``maximum``;
* a string every schema leaves plain, or ``format: uuid``: a uuid, as before;
* anything narrower (``pattern``, ``enum``, length limits, other formats) in any of them: the first
  candidate that holds for *all* of them and no object holds yet. Candidates are a uuid, a hex id
  cut to the length limits (managedblockchain's ``MemberId``, at most 32 characters, had a 36
  character uuid in its answers), numbers written into each pattern's shortest instance (chime's
  ``arn:...`` channel ARNs) and values drawn from the id parameter's own generator (the one the
  runner uses). Where a schema holds a format this module cannot judge, the drawn values come first.
  A uuid is the last resort, logged: the candidates never run out where a pattern or a length
  limit is all there is (they did: after 40 drawn ids a busy collection got uuids).
"""

from __future__ import annotations

import logging
import math
import secrets
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from contracttest.errors import ContractTestError

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation, Spec
    from contracttest.openapi.resources import Resource

__all__ = ["IdMinter", "IdShape", "id_shape"]

log = logging.getLogger("contracttest.mock")

_DRAWS = 40
_SYNTHETIC_TRIES = 1000
_SYNTHETIC_MISSES = 3
_PLAIN_STRING_KEYS = frozenset(
    {"type", "description", "title", "example", "examples", "nullable", "readOnly", "deprecated"}
)


class IdShape:
    """What kind of id a resource takes: ``uuid``, ``integer`` or ``fitted`` (a string that must
    hold for each schema in ``fits``: the id parameter's and the answers' id members')."""

    def __init__(
        self,
        kind: str,
        schema: dict[str, Any] | None = None,
        fits: list[dict[str, Any]] | None = None,
    ) -> None:
        self.kind = kind
        self.schema = schema or {}
        self.fits = fits if fits is not None else [self.schema] if self.schema else []

    def __repr__(self) -> str:
        return f"IdShape({self.kind!r})"


def _deref(spec: Spec, node: Any) -> Any:
    for _ in range(20):
        if not (isinstance(node, dict) and str(node.get("$ref", "")).startswith("#")):
            break
        node = spec.resolve(node["$ref"][1:], {})
    return node


def _kind_of(schema: Any) -> str | None:
    """``integer``, ``uuid``, ``drawn``, or None when the schema says nothing about the id."""
    if not isinstance(schema, dict):
        return None
    typ = schema.get("type")
    types = set(typ) if isinstance(typ, list) else {typ} if typ else set()
    if types & {"integer", "number"} and "string" not in types:
        return "integer" if not ({"enum", "const", "multipleOf"} & set(schema)) else "drawn"
    if schema.get("format") == "uuid" and not ({"pattern", "enum", "const"} & set(schema)):
        return "uuid"
    if set(schema) <= _PLAIN_STRING_KEYS and types <= {"string"}:
        return None
    return "drawn"


def id_shape(spec: Spec, res: Resource, members: list[Any] | None = None) -> IdShape:
    """The id kind of ``res``: from its item path's id parameter and the id member schemas of its
    answers (``members``: the create answer's, the list items'); a uuid where none says more."""
    param = _id_parameter(res)
    schema = _deref(spec, param.schema_node) if param is not None else None
    kinds = [(m, _kind_of(m)) for m in (_deref(spec, m) for m in members or [])]
    kind = _kind_of(schema)
    if kind == "integer":
        return IdShape("integer", schema)
    integer = [m for m, k in kinds if k == "integer"]
    if integer and (kind is None or _admits_integer(spec, schema)):
        # the answers type the id as a number and the path takes one among other forms (PeerTube's
        # `{id}`: an integer id, a uuid or a short uuid): a uuid would be answered as no integer
        return IdShape("integer", integer[0])
    # every string schema the id must hold: a member typed integer is answered as a number
    fits = [
        m for m, k in [(schema, kind), *kinds] if isinstance(m, dict) and k in ("drawn", "uuid")
    ]
    if not fits:
        return IdShape("uuid")
    if all(k == "uuid" for m, k in [(schema, kind), *kinds] if k is not None):
        return IdShape("uuid")
    return IdShape("fitted", schema if isinstance(schema, dict) else {}, fits)


def _admits_integer(spec: Spec, schema: Any) -> bool:
    """Whether one of the alternatives (``oneOf``/``anyOf``) of a parameter's schema is an integer id."""
    if not isinstance(schema, dict):
        return False
    branches = [*(schema.get("oneOf") or ()), *(schema.get("anyOf") or ())]
    return any(_kind_of(_deref(spec, b)) == "integer" for b in branches)


def _id_parameter(res: Resource) -> Any:
    for op in (res.get, res.update, res.delete):
        if op is None:
            continue
        for p in op.path_params():
            if p.name == res.id_param:
                return p
    return None


class IdMinter:
    """Mints ids per resource (shapes and drawn candidates are computed once)."""

    def __init__(self, spec: Spec, next_number: Callable[[], int]) -> None:
        self.spec = spec
        self.next_number = next_number
        self._candidates: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def mint(self, res: Resource, shape: IdShape, taken: Callable[[str], bool]) -> str:
        """A new id for ``res`` that ``taken`` says no object holds."""
        if shape.kind == "integer":
            return str(self._number(shape.schema, taken))
        if shape.kind != "uuid":
            for candidate in self._fitted(res, shape):
                if not taken(candidate):
                    return candidate
            log.warning(
                "%s: no free id fits the schemas its id appears in; minting a uuid", res.name
            )
        return str(uuid.uuid4())

    def _fitted(self, res: Resource, shape: IdShape) -> Iterator[str]:
        """Candidates that hold for every schema of ``shape.fits`` (see the module docstring)."""
        from contracttest.mock.responses import holds

        def fit(candidate: str) -> bool:
            return _as_path_text(candidate) is not None and all(
                holds(s, candidate) for s in shape.fits
            )

        judged = all(_judged(s) for s in shape.fits)
        if not judged:
            yield from (c for c in self._drawn(res) if fit(c))
        misses = 0
        for _ in range(_SYNTHETIC_TRIES):
            found = [c for c in self._synthetic(shape) if c is not None and fit(c)]
            yield from found
            misses = 0 if found else misses + 1
            if misses >= _SYNTHETIC_MISSES:
                break
        if judged:
            yield from (c for c in self._drawn(res) if fit(c))

    def _synthetic(self, shape: IdShape) -> list[str | None]:
        """One round of made-up candidates: a uuid, a hex id within the length limits, and the
        next number written into each pattern's shortest instance (in place of its tail, or after
        it)."""
        out: list[str | None] = [str(uuid.uuid4()), _hex_within(shape.fits)]
        n = self.next_number()
        for schema in shape.fits:
            pattern = schema.get("pattern")
            if isinstance(pattern, str):
                out += _numbered(pattern, n)
        return out

    def _number(self, schema: dict[str, Any], taken: Callable[[str], bool]) -> int:
        start, stop = _bounds(schema)
        for _ in range(1000):
            n = start + self.next_number() - 1
            if stop is not None and n > stop:
                n = start + (n - start) % (stop - start + 1)
            if not taken(str(n)):
                return n
        return start

    def _drawn(self, res: Resource) -> list[str]:
        with self._lock:
            got = self._candidates.get(res.name)
            if got is None:
                got = self._candidates[res.name] = self._draw(res)
            return got

    def _draw(self, res: Resource) -> list[str]:
        from contracttest.strategies import examples, valid

        param = _id_parameter(res)
        op: Operation | None = next(
            (o for o in (res.get, res.update, res.delete) if o is not None), None
        )
        if param is None or op is None:
            return []
        try:
            drawn = examples(valid(self.spec, f"{op.label}:parameters"), _DRAWS, seed=0)
        except ContractTestError as exc:
            log.warning("%s: no id can be drawn from its parameter schema: %s", res.name, exc)
            return []
        out: list[str] = []
        for params in drawn:
            value = (params.get("path") or {}).get(param.name) if isinstance(params, dict) else None
            text = _as_path_text(value)
            if text is not None and text not in out:
                out.append(text)
        # The first draw is the simplest value (``CR000...0``), the one a client sends as "an id
        # that names nothing" (the runner's unknown-id cases): hand it out last.
        return out[1:] + out[:1]


def _bounds(schema: dict[str, Any]) -> tuple[int, int | None]:
    """The first and last integer ids the schema allows (OpenAPI 3.0's boolean exclusive bounds
    and 3.1's numeric ones); ids start at 1 when the schema allows it."""
    low, high = schema.get("minimum"), schema.get("maximum")
    xlow, xhigh = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    start = 1
    if isinstance(low, int | float) and not isinstance(low, bool):
        start = math.ceil(low) + (1 if xlow is True and float(low).is_integer() else 0)
    if isinstance(xlow, int | float) and not isinstance(xlow, bool):
        start = max(start, math.floor(xlow) + 1)
    stop: int | None = None
    if isinstance(high, int | float) and not isinstance(high, bool):
        stop = math.floor(high) - (1 if xhigh is True and float(high).is_integer() else 0)
    if isinstance(xhigh, int | float) and not isinstance(xhigh, bool):
        stop = math.ceil(xhigh) - 1 if stop is None else min(stop, math.ceil(xhigh) - 1)
    if stop is not None and stop < start:
        stop = start
    return start, stop


def _as_path_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        text = str(value)
        # a value that cannot travel as one path segment is no id to hand out
        return text if text and "/" not in text and text.strip() == text else None
    return None


def _judged(schema: dict[str, Any]) -> bool:
    """Whether `holds` judges everything ``schema`` asks of a string (length, pattern, uuid)."""
    fmt = schema.get("format")
    return fmt in (None, "uuid") and not ({"enum", "const"} & set(schema))


def _hex_within(fits: list[dict[str, Any]]) -> str:
    """A random hex id as long as the schemas allow, up to 32 characters."""
    low = max((s["minLength"] for s in fits if isinstance(s.get("minLength"), int)), default=1)
    high = min((s["maxLength"] for s in fits if isinstance(s.get("maxLength"), int)), default=32)
    length = max(low, min(high, 32), 1)
    return secrets.token_hex(length // 2 + 1)[:length]


def _numbered(pattern: str, n: int) -> list[str | None]:
    """``pattern``'s shortest instance with its tail replaced by the digits of ``n``
    (``CH00..07``), and with them appended (``arn:a::::a7``); the caller checks which hold."""
    from contracttest.mock.patterns import pattern_example

    base = pattern_example(pattern)
    if base is None:
        return []
    digits = str(n)
    return [base[: max(len(base) - len(digits), 0)] + digits, base + digits]

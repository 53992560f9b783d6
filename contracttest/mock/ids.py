"""Ids the mock mints for new objects, fitted to the schema of the item path's id parameter.

A uuid fits Vapi's ids, not every API's: an item path ``/guests/{guestId}`` whose ``guestId`` is an
integer rejects a uuid, so every read, update and delete of what was just created failed (corpus
class 4: clickmeter.com). The id parameter's schema (and, where that says nothing, the schema of the
id member of the create response) decides:

* integer (or number): the next number of a counter shared by the store (unique across collections
  and orgs), within ``minimum``/``maximum``;
* a plain string, or ``format: uuid``: a uuid, as before;
* anything narrower (``pattern``, ``enum``, length limits, other formats): values drawn once from the
  id parameter's own generator (the one the runner uses), the first one no object holds yet.
"""

from __future__ import annotations

import logging
import math
import threading
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from contracttest.errors import ContractTestError

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation, Spec
    from contracttest.openapi.resources import Resource

__all__ = ["IdMinter", "IdShape", "id_shape"]

log = logging.getLogger("contracttest.mock")

_DRAWS = 40
_PLAIN_STRING_KEYS = frozenset(
    {"type", "description", "title", "example", "examples", "nullable", "readOnly", "deprecated"}
)


class IdShape:
    """What kind of id a resource takes: ``uuid``, ``integer`` or ``drawn``."""

    def __init__(self, kind: str, schema: dict[str, Any] | None = None) -> None:
        self.kind = kind
        self.schema = schema or {}

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
    """The id kind of ``res``: from its item path's id parameter, else the id member schemas of its
    answers (``members``: the create answer's, the list items'), else a uuid."""
    param = _id_parameter(res)
    schema = _deref(spec, param.schema_node) if param is not None else None
    kind = _kind_of(schema)
    if kind is None:
        integer = [m for m in members or [] if _kind_of(_deref(spec, m)) == "integer"]
        kind = "integer" if integer else None
        schema = _deref(spec, integer[0]) if integer else schema
    if kind is None:
        # a plain path parameter, an id member with a pattern (twilio's `sid`: `^CH[0-9a-f]{32}$`,
        # 34 characters): the id must fit the member too
        patterned = [
            _deref(spec, m)
            for m in members or []
            if isinstance(_deref(spec, m), dict) and isinstance(_deref(spec, m).get("pattern"), str)
        ]
        if patterned:
            return IdShape("member", patterned[0])
    if kind is None:
        return IdShape("uuid")
    return IdShape(kind, schema if isinstance(schema, dict) else {})


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
        if shape.kind == "member":
            for _ in range(1000):
                candidate = _numbered(shape.schema, self.next_number())
                if candidate is None:
                    break
                if not taken(candidate):
                    return candidate
            log.warning("%s: no id fits its answers' id member; minting a uuid", res.name)
        if shape.kind == "drawn":
            for candidate in self._drawn(res):
                if not taken(candidate):
                    return candidate
            log.warning("%s: every id its schema allows is taken; minting a uuid", res.name)
        return str(uuid.uuid4())

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


def _numbered(schema: dict[str, Any], n: int) -> str | None:
    """The ``n``-th id the member ``schema`` holds: its shortest pattern instance with the tail
    replaced by the digits of ``n`` (``CH00..07``), or None when that instance is off the schema."""
    from contracttest.mock.patterns import pattern_example
    from contracttest.mock.responses import holds

    base = pattern_example(schema["pattern"])
    if base is None:
        return None
    digits = str(n)
    candidate = base[: max(len(base) - len(digits), 0)] + digits
    return candidate if holds(schema, candidate) else None

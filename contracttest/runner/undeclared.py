"""Find members of a response that its schema does not declare.

Response schemas are open (a server may add members without breaking JSON Schema validation), but an
undeclared member is still a contract problem: a leaked internal field, a renamed property, drift
between the server and its spec. This walks a payload alongside its translated schema (following
``$ref``, merging ``allOf``, dispatching discriminated unions by their ``x-discriminator`` and other
unions by the branch that explains the payload best) and reports every member no schema declares.
Free-form objects (no ``properties``, or ``additionalProperties`` given as a schema) are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from contracttest import _pointer

__all__ = ["declared_members", "misfit_members", "undeclared_members"]

_MAX_DEPTH = 64


class _Walker:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.defs = root.get("definitions") or root.get("$defs") or {}
        self.misfits: list[str] | None = None
        """When a list: where the walk collects members whose value the schema cannot hold."""

    def fits(self, node: Any, value: Any) -> bool:
        """Whether ``value`` is of a type (for a closed list, a value; for a format the validators
        check, a string of that format) ``node`` allows."""
        node = self.deref(node)
        if not self.type_fits(node, value):
            return False
        if isinstance(node, dict) and isinstance(node.get("enum"), list):
            return any(v == value and type(v) is type(value) for v in node["enum"])
        fmt = node.get("format") if isinstance(node, dict) else None
        if isinstance(value, str) and isinstance(fmt, str):
            from contracttest.validate.formats import FORMATS

            # a format the validators check (vtex's ``end``: any string in the create body, a
            # date-time in the answer): an answer of that schema cannot hold "K" as sent
            check = FORMATS.get(fmt)
            return check is None or check(value)
        return True

    def deref(self, node: Any) -> Any:
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < 32:
            ref = node["$ref"]
            if ref == "#":
                node = self.root
            else:
                node = self.defs.get(_pointer.unescape(ref.rsplit("/", 1)[-1]), {})
            hops += 1
        return node

    def members(self, node: Any, depth: int = 0) -> tuple[dict[str, Any], bool, list[Any]]:
        """(declared properties -> schema, whether extra members are allowed, unions to resolve)."""
        node = self.deref(node)
        props: dict[str, Any] = {}
        open_ = False
        unions: list[Any] = []
        if not isinstance(node, dict) or depth > _MAX_DEPTH:
            return props, True, unions
        if isinstance(node.get("properties"), dict):
            props.update(node["properties"])
        for name in node.get("required", []) if isinstance(node.get("required"), list) else []:
            # A member the schema requires is declared, even where ``properties`` leaves it out
            # (xero's Folder requires ``name`` and lists ``Name``): no schema both requires and
            # forbids a member.
            if isinstance(name, str):
                props.setdefault(name, {})
        extra = node.get("additionalProperties")
        if (isinstance(extra, dict) and extra) or extra is True:
            open_ = True
        if node.get("patternProperties"):
            open_ = True
        for sub in node.get("allOf", []) or []:
            p, o, u = self.members(sub, depth + 1)
            for k, v in p.items():
                props.setdefault(k, v)
            open_ = open_ or o
            unions.extend(u)
        for key in ("oneOf", "anyOf"):
            if isinstance(node.get(key), list):
                unions.append(node)
        return props, open_, unions

    def branch(self, node: dict[str, Any], value: Any, depth: int) -> Any | None:
        """The branch of a union that ``value`` belongs to."""
        key = "oneOf" if isinstance(node.get("oneOf"), list) else "anyOf"
        branches = node.get(key) or []
        xd = node.get("x-discriminator")
        if isinstance(xd, dict) and isinstance(value, dict):
            tag = value.get(xd.get("propertyName", ""))
            target = (
                (xd.get("mapping") or {}).get(tag) if isinstance(tag, (str, int, bool)) else None
            )
            if isinstance(target, int) and 0 <= target < len(branches):
                return branches[target]
            if isinstance(target, str):
                return {"$ref": target}
        best: tuple[int, Any] | None = None
        misfits, self.misfits = self.misfits, None  # a trial walk collects nothing
        try:
            for b in branches:
                if not self.type_fits(b, value):
                    continue
                n = sum(1 for _ in self.walk(b, value, "", depth + 1))
                if best is None or n < best[0]:
                    best = (n, b)
                if n == 0:
                    break
        finally:
            self.misfits = misfits
        return best[1] if best is not None else None

    def type_fits(self, node: Any, value: Any) -> bool:
        node = self.deref(node)
        if not isinstance(node, dict):
            return True
        t = node.get("type")
        if t is None:
            return True
        types = [t] if isinstance(t, str) else list(t)
        kind = (
            "null"
            if value is None
            else "boolean"
            if isinstance(value, bool)
            else "integer"
            if isinstance(value, int)
            else "number"
            if isinstance(value, float)
            else "string"
            if isinstance(value, str)
            else "array"
            if isinstance(value, list)
            else "object"
        )
        return kind in types or (kind == "integer" and "number" in types)

    def walk(self, node: Any, value: Any, pointer: str, depth: int = 0) -> Iterator[str]:
        if depth > _MAX_DEPTH:
            return
        node = self.deref(node)
        if not isinstance(node, dict):
            return
        if isinstance(value, list):
            items = node.get("items")
            if isinstance(items, dict):
                for i, v in enumerate(value):
                    yield from self.walk(items, v, _pointer.join(pointer, i), depth + 1)
            for sub in self._branches_for(node, value, depth):
                yield from self.walk(sub, value, pointer, depth + 1)
            return
        if not isinstance(value, dict):
            return
        props, open_, unions = self.members(node, depth)
        union_props: dict[str, Any] = {}
        union_open = False
        for u in unions:
            chosen = self.branch(u, value, depth)
            if chosen is None:
                union_open = True
                continue
            p, o, nested = self.members(chosen, depth + 1)
            union_props.update({k: v for k, v in p.items() if k not in union_props})
            union_open = union_open or o
            for n in nested:
                inner = self.branch(n, value, depth + 1)
                if inner is None:
                    union_open = True
                    continue
                p2, o2, _ = self.members(inner, depth + 2)
                union_props.update({k: v for k, v in p2.items() if k not in union_props})
                union_open = union_open or o2
        declared = {**union_props, **props}
        closed = bool(declared) and not open_ and not union_open
        extra = node.get("additionalProperties")
        for key, sub in value.items():
            where = _pointer.join(pointer, key)
            if key in declared:
                if self.misfits is not None and not self.fits(declared[key], sub):
                    self.misfits.append(where)
                    continue
                yield from self.walk(declared[key], sub, where, depth + 1)
            elif closed:
                yield where
            elif isinstance(extra, dict) and extra:
                yield from self.walk(extra, sub, where, depth + 1)

    def _branches_for(self, node: dict[str, Any], value: Any, depth: int) -> list[Any]:
        out = []
        for sub in node.get("allOf", []) or []:
            out.append(sub)
        if isinstance(node.get("oneOf"), list) or isinstance(node.get("anyOf"), list):
            chosen = self.branch(node, value, depth)
            if chosen is not None:
                out.append(chosen)
        return out


def undeclared_members(schema: dict[str, Any], payload: Any) -> list[str]:
    """JSON pointers of members of ``payload`` that ``schema`` (a translated target schema) does not
    declare, in document order."""
    return list(_Walker(schema).walk(schema, payload, ""))


def misfit_members(schema: dict[str, Any], payload: Any) -> list[str]:
    """JSON pointers of members of ``payload`` that ``schema`` declares with a type (or a list of
    values) the member's value does not have: a response of that schema cannot hold what was sent
    there (a request schema that leaves ``callbackUrl`` untyped, a response that makes it a string)."""
    w = _Walker(schema)
    w.misfits = []
    for _ in w.walk(schema, payload, ""):
        pass
    return list(w.misfits)


def declared_members(schema: dict[str, Any], value: Any) -> dict[str, Any]:
    """Property name -> (dereferenced) schema declared for ``value`` at the root of ``schema``,
    following the union branch ``value`` belongs to."""
    w = _Walker(schema)
    props, _open, unions = w.members(schema)
    for u in unions:
        chosen = w.branch(u, value, 0)
        if chosen is None:
            continue
        p, _o, nested = w.members(chosen, 1)
        for k, v in p.items():
            props.setdefault(k, v)
        for n in nested:
            inner = w.branch(n, value, 1)
            if inner is not None:
                for k, v in w.members(inner, 2)[0].items():
                    props.setdefault(k, v)
    return {k: w.deref(v) for k, v in props.items()}

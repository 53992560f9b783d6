"""List operations: which query parameters filter, sort and page, and how the answer is shaped.

Read from the operation, not hard-coded: ``limit``/``page``/``sortOrder``/``sortBy``/``search``
parameters by name, ``<field>Gt|Lt|Ge|Le`` ranges on ``createdAt``/``updatedAt``, equality on any other
parameter named like a property of the listed objects. Defaults come from the parameter schema's
``default`` or from its description ("Defaults to 100."). The answer is either an array or, for a
paginated list, an object with the page in an array member (``results``) and a metadata object whose
members are filled by name (``itemsPerPage``, ``totalItems``, ``currentPage``, ``totalPages``,
``hasNextPage``, ``sortOrder``...).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from contracttest.mock.parsing import coerce_value, param_fits
from contracttest.mock.responses import SchemaView, iso_ms, parse_datetime_us
from contracttest.mock.store import Query, RangeOp, Record, TimeField

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation

__all__ = ["ListPlan"]

_RANGE = re.compile(r"^(?P<base>.+?)(?P<op>Gt|Lt|Ge|Le)$")
_DEFAULT_NUMBER = re.compile(r"[Dd]efaults? to (\d+)")
_DEFAULT_WORD = re.compile(r"[Dd]efaults? to '?\"?([A-Za-z_]+)")
_LIMIT_NAMES = (
    "limit",
    "pageSize",
    "perPage",
    "take",
    "per_page",
    "page_size",
    "maxResults",
    "max_results",
    "size",
)
_PAGE_NAMES = ("page", "pageNumber", "page_number")
_ORDER_NAMES = ("sortOrder", "order")
_SORTBY_NAMES = ("sortBy", "orderBy")
_SEARCH_NAMES = ("search", "q", "query")
_ARRAY_NAMES = ("results", "data", "items", "records")

_META_KEYS: dict[str, str] = {
    "itemsperpage": "limit",
    "limit": "limit",
    "pagesize": "limit",
    "perpage": "limit",
    "totalitems": "total",
    "total": "total",
    "totalcount": "total",
    "count": "total",
    "currentpage": "page",
    "page": "page",
    "totalpages": "pages",
    "pagecount": "pages",
    "hasnextpage": "next",
    "hasmore": "next",
    "hasnext": "next",
    "sortorder": "order",
    "itemsbeyondretention": "false",
}


def _param_default(param_schema: Any, description: str, pattern: re.Pattern[str]) -> str | None:
    if isinstance(param_schema, dict) and "default" in param_schema:
        return str(param_schema["default"])
    m = pattern.search(description or "")
    return m.group(1) if m else None


@dataclass
class ListPlan:
    """How one list operation reads its query and shapes its answer."""

    op: Operation
    view: SchemaView
    limit_name: str | None = None
    default_limit: int | None = None
    page_name: str | None = None
    order_name: str | None = None
    default_descending: bool = True
    sortby_name: str | None = None
    search_name: str | None = None
    search_fields: tuple[str, ...] = ()
    ranges: dict[str, tuple[TimeField, RangeOp]] = field(default_factory=dict)
    equals: set[str] = field(default_factory=set)
    array_member: str | None = None
    """Member holding the page in a paginated answer; None when the answer is an array."""
    item_schema: Any = None
    meta_member: str | None = None
    max_items: int | None = None
    """The page array's ``maxItems``: no page is longer, whatever ``limit`` asks (EVE's mail
    labels: at most 30)."""

    @classmethod
    def build(
        cls, op: Operation, schema: dict[str, Any] | None, item_props: set[str], spec_raw: Any
    ) -> ListPlan:
        view = SchemaView(schema or {})
        plan = cls(op, view)
        plan._read_shape(item_props)
        # The members of the listed items count too: a create or get answering an envelope
        # (sakari.io's ``{success, data: Template}``) names none of them.
        item_props = item_props | plan.item_members()
        descriptions = _descriptions(op, spec_raw)
        for p in op.parameters:
            if p.location != "query":
                continue
            name, desc = p.name, descriptions.get(p.name, "")
            pschema = p.schema_node if isinstance(p.schema_node, dict) else {}
            m = _RANGE.match(name)
            if name in _LIMIT_NAMES and plan.limit_name is None:
                plan.limit_name = name
                default = _param_default(pschema, desc, _DEFAULT_NUMBER)
                plan.default_limit = int(default) if default and default.isdigit() else None
            elif name in _PAGE_NAMES and plan.page_name is None:
                plan.page_name = name
            elif (
                name in _ORDER_NAMES
                and plan.order_name is None
                and _sorts(name, pschema, item_props)
            ):
                plan.order_name = name
                default = _param_default(pschema, desc, _DEFAULT_WORD)
                plan.default_descending = (default or "DESC").upper() != "ASC"
            elif name in _SORTBY_NAMES and plan.sortby_name is None:
                plan.sortby_name = name
            elif name in _SEARCH_NAMES and plan.search_name is None:
                plan.search_name = name
                plan.search_fields = _search_fields(desc, item_props)
            elif m and m["base"] in ("createdAt", "updatedAt"):
                fld: TimeField = "created" if m["base"] == "createdAt" else "updated"
                plan.ranges[name] = (fld, m["op"].lower())  # type: ignore[assignment]
            elif name in item_props:
                plan.equals.add(name)
        return plan

    def item_members(self) -> set[str]:
        """The members the listed items' schema declares."""
        if not isinstance(self.item_schema, dict):
            return set()
        props, _, _ = self.view.shape(self.item_schema, None)
        return set(props or {})

    def _read_shape(self, item_props: set[str]) -> None:
        root = self.view.deref(self.view.root)
        if not isinstance(root, dict):
            return
        if _is_array(root) or "items" in root:
            self.item_schema = root.get("items", {})
            self.max_items = self._max_items(root)
            return
        props, _, _ = self.view.shape(root, None)
        arrays = {
            k: got for k, v in (props or {}).items() if (got := self._array_items(v)) is not None
        }
        member = self._page_member(arrays, item_props)
        if member is None:
            self.item_schema = self._union_array_items(root)
            return
        assert props is not None
        self.array_member = member
        self.item_schema = arrays[member]
        self.max_items = self._max_items(props[member])
        for k, v in props.items():
            if k != member and self.view.shape(v, None)[0] is not None:
                self.meta_member = k
                break

    def _page_member(self, arrays: dict[str, Any], item_props: set[str]) -> str | None:
        """The array member that holds the page: one named so (``results``, ``data``...), else the
        only array, else the only array of objects or the one whose items share most members with
        the resource's objects (Google's ``{instances: [Instance], unreachable: [string]}``)."""
        named = [k for k in _ARRAY_NAMES if k in arrays]
        if named:
            return named[0]
        if len(arrays) == 1:
            return next(iter(arrays))
        objects = {}
        for name, items in arrays.items():
            members, _, _ = self.view.shape(items, None)
            if members is not None:
                objects[name] = len(set(members) & item_props)
        if not objects:
            return None
        best = max(objects.values())
        top = sorted(k for k, hits in objects.items() if hits == best)
        return top[0] if len(top) == 1 else None

    @property
    def lists_items(self) -> bool:
        """Whether the answer has a place for the items: an array, a page member, or no schema.
        A "list" whose documented answer is an object without one (AWS's ListTagsForResource:
        ``{Tags: {key: value}}``) is answered like any other operation."""
        return self.array_member is not None or self.item_schema is not None or not self.view.root

    def _union_array_items(self, root: dict[str, Any]) -> Any:
        """Items of the bare-array branch of a union (``oneOf: [array, page object]``), which is
        what the mock answers: they are still cut to what the item schema declares (a create
        answer's extra members, such as a simulation run's ``url``, do not belong in the list)."""
        for key in ("oneOf", "anyOf"):
            for branch in root.get(key) or ():
                branch = self.view.deref(branch)
                if isinstance(branch, dict) and (_is_array(branch) or "items" in branch):
                    self.max_items = self._max_items(branch)
                    return branch.get("items", {})
        return None

    def _array_items(self, node: Any) -> Any:
        node = self.view.deref(node)
        if not isinstance(node, dict):
            return None
        if _is_array(node):
            return node.get("items", {})
        for sub in node.get("allOf") or []:
            got = self._array_items(sub)
            if got is not None:
                return got
        return None

    def _max_items(self, node: Any, depth: int = 0) -> int | None:
        """The smallest ``maxItems`` an array schema sets, itself or in its ``allOf`` entries."""
        node = self.view.deref(node)
        if not isinstance(node, dict) or depth > 16:
            return None
        caps = [node["maxItems"]] if _is_count(node.get("maxItems")) else []
        for sub in node.get("allOf") or []:
            got = self._max_items(sub, depth + 1)
            if got is not None:
                caps.append(got)
        return min(caps) if caps else None

    # ------------------------------------------------------------------ query
    def query(self, params: dict[str, Any], org: str, search_default: tuple[str, ...]) -> Query:
        q = Query(org=org)
        limit: int | None = self.default_limit
        asked = _number(params.get(self.limit_name)) if self.limit_name else None
        if asked is not None:
            limit = max(0, math.floor(asked))
        if self.max_items is not None:
            limit = self.max_items if limit is None else min(limit, self.max_items)
        q.limit = limit
        page = _number(params.get(self.page_name)) if self.page_name else None
        if page is not None and limit is not None:
            q.offset = (max(1, math.floor(page)) - 1) * limit
        q.descending = self.default_descending
        if self.order_name and isinstance(params.get(self.order_name), str):
            q.descending = params[self.order_name].upper() != "ASC"
        if self.sortby_name and isinstance(params.get(self.sortby_name), str):
            key = params[self.sortby_name]
            q.sort_by = None if key == "createdAt" else key
        if (
            self.search_name
            and isinstance(params.get(self.search_name), str)
            and params[self.search_name]
        ):
            q.search = (self.search_fields or search_default, params[self.search_name])
        for name, (fld, op) in self.ranges.items():
            value = params.get(name)
            if isinstance(value, str):
                us = parse_datetime_us(value)
                if us is not None:
                    q.ranges.append((fld, op, us))
        for name in sorted(self.equals):
            value = params.get(name)
            if isinstance(value, str | int | float | bool) and value is not None:
                q.equals.append((name, _text(value)))
        return q

    def page_number(self, params: dict[str, Any]) -> int:
        value = _number(params.get(self.page_name)) if self.page_name else None
        return max(1, math.floor(value)) if value is not None else 1

    # ------------------------------------------------------------------ answer
    def render(self, items: list[Any], total: int, query: Query, params: dict[str, Any]) -> Any:
        if self.array_member is None:
            return items
        limit = query.limit if query.limit is not None else max(total, len(items))
        page = self.page_number(params)
        pages = math.ceil(total / limit) if limit > 0 else 0
        values = {
            "limit": limit,
            "total": total,
            "page": page,
            "pages": pages,
            "next": page < pages,
            "order": "DESC" if query.descending else "ASC",
            "false": False,
        }
        body: dict[str, Any] = {self.array_member: items}
        if self.meta_member is None:
            return self._with_required(body, values)
        meta_schema = self.view.deref(
            (self.view.shape(self.view.root, None)[0] or {}).get(self.meta_member, {})
        )
        meta_props, meta_required, _ = self.view.shape(meta_schema, None)
        meta: dict[str, Any] = {}
        for key in meta_props or {}:
            kind = _META_KEYS.get(key.lower())
            if kind is not None:
                meta[key] = values[kind]
            elif key in params and isinstance(params[key], str) and key in self.ranges:
                us = parse_datetime_us(params[key])
                if us is not None:
                    meta[key] = iso_ms(us)
        for key in meta_required - set(meta):
            meta[key] = self.view.minimal((meta_props or {}).get(key, {}))
        body[self.meta_member] = meta
        return self._with_required(body, values)

    def _with_required(self, body: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """The page with the other members its schema requires (a ``count`` next to ``list``
        takes the total, as other page counters do)."""
        root_props, root_required, _ = self.view.shape(self.view.root, None)
        for key in sorted(root_required - set(body)):
            sub = self.view.deref((root_props or {}).get(key, {}))
            kind = _META_KEYS.get(key.lower())
            typ = sub.get("type") if isinstance(sub, dict) else None
            if kind is not None and typ in ("integer", "number"):
                body[key] = values[kind]
            else:
                body[key] = self.view.minimal(sub)
        return body

    def project_item(self, record: Record) -> Any:
        """A stored object as the list's items show it: projected on the item schema, or, where
        the items are strings or numbers (AWS's ``ProductSubscriptions: [arn]``), its id (a
        minimal item where the id cannot be one)."""
        if self.item_schema is None:
            return record.body
        items = self.view.deref(self.item_schema)
        typ = items.get("type") if isinstance(items, dict) else None
        if typ in ("string", "integer", "number"):
            if param_fits(record.id, items):
                return coerce_value([record.id], items)
            return self.view.minimal(items)
        return self.view.project(self.item_schema, record.body)


def _is_array(node: dict[str, Any]) -> bool:
    """Whether a schema's type is array, also in a type list (e-conomic's ``[array, null]``)."""
    typ = node.get("type")
    return typ == "array" or (isinstance(typ, list) and "array" in typ)


def _sorts(name: str, schema: dict[str, Any], item_props: set[str]) -> bool:
    """Whether an ``order``-like parameter is a sort direction, not a filter on the items' member
    of that name (gsmtasks' documents carry an ``order`` URI and filter on it): a direction unless
    the items have the member and the parameter's values are not ``asc``/``desc``."""
    if name not in item_props:
        return True
    enum = schema.get("enum")
    return (
        isinstance(enum, list)
        and bool(enum)
        and all(
            isinstance(v, str) and v.lower() in ("asc", "desc", "ascending", "descending")
            for v in enum
        )
    )


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _number(value: Any) -> float | None:
    """A page parameter's value as a number: eBay types ``limit`` as a string of digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value if math.isfinite(value) else None
    if isinstance(value, str) and value.strip().isdigit() and len(value) < 20:
        return int(value)
    return None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _descriptions(op: Operation, spec_raw: Any) -> dict[str, str]:
    from contracttest import _pointer

    out = {}
    for p in op.parameters:
        node = _pointer.resolve(spec_raw, p.pointer, {})
        if isinstance(node, dict) and isinstance(node.get("description"), str):
            out[p.name] = node["description"]
    return out


def _search_fields(description: str, item_props: set[str]) -> tuple[str, ...]:
    """Properties a ``search`` description names ("by name, number, or SIP URI" -> name, number, sipUri)."""
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", description)]
    candidates = set(words) | {a + b for a, b in itertools.pairwise(words)}
    return tuple(sorted(p for p in item_props if re.sub(r"[^a-z0-9]", "", p.lower()) in candidates))

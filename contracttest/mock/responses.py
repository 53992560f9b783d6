"""Build response bodies that conform to the spec's response schemas.

Works on the standalone schemas `Target.schema()` produces (components in ``definitions``, refs
``#/definitions/<Name>``, discriminated ``oneOf`` tagged with ``x-discriminator``). Three jobs:

* `SchemaView.project`: cut a stored object down to what a response schema declares, so a field that
  only requests carry (a credential the response does not document) never leaks back;
* `SchemaView.fill`: add the server-owned fields a response variant requires (id, orgId, timestamps,
  status, schema defaults, anything else required) when an object is created;
* `SchemaView.minimal`: a small deterministic instance of a schema, for operations that are not part
  of a resource. The caller validates what it builds (see `contracttest.mock.app`) and falls back to
  the generators when this simple builder cannot satisfy a schema.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contracttest import _pointer
from contracttest.errors import PatternError
from contracttest.mock.patterns import pattern_example
from contracttest.openapi.resources import ENVELOPES
from contracttest.schema.ecma import compile_pattern
from contracttest.validate.formats import FORMATS

__all__ = [
    "SchemaView",
    "ServerFields",
    "holds",
    "iso_ms",
    "parse_datetime_us",
    "typed_id",
]

_MAX_DEPTH = 40
SECRET_MEMBER = re.compile(r"(?:token|secret|privatekey|private_key)$", re.I)
"""Members whose string values are credentials a server never hands back (the runner's
``response.no-secrets`` check uses the same rule). Passwords are not in it: Vapi's responses require
a SIP ``authentication.password``."""
_NO_TAG = "\x00"
Shape = tuple[dict[str, Any] | None, set[str], bool]


def iso_ms(us: int) -> str:
    """Epoch microseconds -> ``2024-05-01T12:00:00.123Z`` (what Vapi's server sends)."""
    dt = datetime.fromtimestamp(us // 1_000_000, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{(us // 1000) % 1000:03d}Z"


_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})?$"
)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_datetime_us(text: str) -> int | None:
    """An ISO 8601 / RFC 3339 date-time (or date) -> epoch microseconds; None when unparseable.

    A value without an offset is read as UTC, as JavaScript's ``Date`` does for date-only strings and
    Vapi's server does for its filters.
    """
    m = _RFC3339.match(text)
    if m is None:
        d = _DATE.match(text)
        if d is None:
            return None
        try:
            dt = datetime(int(d[1]), int(d[2]), int(d[3]), tzinfo=UTC)
        except ValueError:
            return None
        return int(dt.timestamp()) * 1_000_000
    frac = (m[7] or "").ljust(6, "0")[:6]
    try:
        dt = datetime(
            int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), min(int(m[6]), 59), tzinfo=UTC
        )
    except ValueError:
        return None
    offset = 0
    tz = m[8]
    if tz and tz not in ("Z", "z"):
        sign = 1 if tz[0] == "+" else -1
        offset = sign * (int(tz[1:3]) * 3600 + int(tz[4:6]) * 60)
    seconds = int(dt.timestamp()) - offset + (1 if int(m[6]) == 60 else 0)
    return seconds * 1_000_000 + int(frac)


@dataclass(frozen=True)
class ServerFields:
    """Values the server owns for one new or updated object."""

    id: str
    id_name: str
    org_id: str
    created_us: int
    updated_us: int


class SchemaView:
    """Read one standalone JSON Schema: follow refs, merge ``allOf``, pick variants."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self._shapes: dict[tuple[int, str], Shape] = {}
        self._kinds: dict[int, str | None] = {}

    # ------------------------------------------------------------------ navigation
    def deref(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#") or seen > 50:
                return {}
            node = _pointer.resolve(self.root, ref[1:], {})
            seen += 1
        return node

    def typed_part(self, node: Any) -> Any:
        """``node``, or where it only wraps typed schemas in an ``allOf`` (PeerTube's ``id: {allOf:
        [{$ref: id}]}``), the first part that states a type: the type a value is written in
        (`typed_id` reads it; minting through the wrapper wrote PeerTube's integer video id as
        the string ``"1"``)."""
        seen = 0
        while isinstance(node, dict) and "type" not in node and isinstance(node.get("allOf"), list):
            parts = [self.deref(p) for p in node["allOf"]]
            typed = [p for p in parts if isinstance(p, dict) and ("type" in p or "allOf" in p)]
            if not typed or seen > 8:
                break
            node, seen = typed[0], seen + 1
        return node

    def branch_for(self, node: dict[str, Any], value: Any, *, strict: bool = True) -> Any | None:
        """The ``oneOf``/``anyOf`` branch that ``value`` takes, or None when undecidable.

        A discriminated combinator dispatches on the tag. Otherwise the branch whose declared
        properties hold every member of ``value`` wins when it is the only one (``strict``), or the
        branch covering most members (not ``strict``, used to choose what to build).
        """
        branches = node.get("oneOf") or node.get("anyOf")
        if not isinstance(branches, list) or not branches:
            return None
        disc = node.get("x-discriminator")
        # An object without the tag (an optional discriminator, or a stored object that never
        # carried it) takes the branch its members fit, as any other union's value does.
        if isinstance(disc, dict) and isinstance(value, dict) and _tagged(disc, value):
            tag = value.get(disc.get("propertyName", ""))
            target = (disc.get("mapping") or {}).get(tag) if isinstance(tag, str) else None
            if isinstance(target, int) and 0 <= target < len(branches):
                return branches[target]
            if isinstance(target, str):
                return {"$ref": target}
            if isinstance(tag, str):
                for b in branches:
                    props, _, _ = self.shape(b, None)
                    pinned = self.deref((props or {}).get(disc.get("propertyName", ""), {}))
                    if isinstance(pinned, dict) and tag in (
                        pinned.get("enum") or [pinned.get("const")]
                    ):
                        return b
            return None
        if not isinstance(value, dict):
            fits = [b for b in branches if _type_fits(self.deref(b), value)]
            return fits[0] if len(fits) == 1 or (fits and not strict) else None
        scored = []
        for i, b in enumerate(branches):
            props, required, _ = self.shape(b, value)
            if props is None:
                continue
            covered = sum(1 for k in value if k in props)
            complete = covered == len(value)
            scored.append((complete, covered, "id" in props, -len(required - set(value)), -i, b))
        if not scored:
            return None
        scored.sort(key=lambda s: s[:5], reverse=True)
        if strict:
            full = [s for s in scored if s[0]]
            return full[0][5] if len(full) == 1 else None
        return scored[0][5]

    def shape(self, node: Any, value: Any, depth: int = 0) -> Shape:
        """(declared properties or None when open, required names, extras allowed) of an object schema.

        Results are cached per schema node (and per discriminator tag for discriminated unions); the
        returned containers are shared, so callers must not mutate them.
        """
        node = self.deref(node)
        if not isinstance(node, dict) or depth > _MAX_DEPTH:
            return None, set(), True
        kind = self._kind(node)
        if kind is None:
            return self._shape(node, value, depth)
        tag = value.get(kind, _NO_TAG) if kind and isinstance(value, dict) else _NO_TAG
        if kind and isinstance(value, dict) and kind not in value:
            return self._shape(node, value, depth)  # untagged: the branch depends on the members
        key = (id(node), tag if isinstance(tag, str) else _NO_TAG)
        got = self._shapes.get(key)
        if got is None:
            got = self._shape(node, value, depth)
            self._shapes[key] = got
        return got

    def _kind(self, node: dict[str, Any], depth: int = 0) -> str | None:
        """``""`` when a node's shape never depends on the value, the discriminator property when it
        depends only on the tag, None otherwise (cached per node)."""
        key = id(node)
        if key in self._kinds:
            return self._kinds[key]
        self._kinds[key] = None  # recursion guard: a cycle is treated as value-dependent
        kind: str | None = ""
        if depth > _MAX_DEPTH:
            kind = None
        for sub in node.get("allOf") or []:
            sub = self.deref(sub)
            if kind is not None and (not isinstance(sub, dict) or self._kind(sub, depth + 1) != ""):
                kind = None
        branches = node.get("oneOf") or node.get("anyOf")
        if kind is not None and branches:
            disc = node.get("x-discriminator")
            prop = disc.get("propertyName") if isinstance(disc, dict) else None
            static = all(
                isinstance(self.deref(b), dict) and self._kind(self.deref(b), depth + 1) == ""
                for b in branches
            )
            kind = prop if isinstance(prop, str) and prop and static else None
        self._kinds[key] = kind
        return kind

    def _shape(self, node: dict[str, Any], value: Any, depth: int) -> Shape:
        props: dict[str, Any] | None = None
        required: set[str] = set()
        extra = node.get("additionalProperties")
        extras_ok = extra is not None and extra is not False
        if isinstance(node.get("properties"), dict):
            props = dict(node["properties"])
        if isinstance(node.get("required"), list):
            required.update(r for r in node["required"] if isinstance(r, str))
        subs: list[Any] = list(node.get("allOf") or [])
        if node.get("oneOf") or node.get("anyOf"):
            chosen = self.branch_for(node, value, strict=False)
            if chosen is None:
                return None, required, True
            subs.append(chosen)
        for sub in subs:
            p, r, e = self.shape(sub, value, depth + 1)
            if p is None:
                if self._is_open_object(sub) and self.deref(sub) != {}:  # {} constrains nothing
                    return None, required | r, True
                continue
            props = {**(props or {}), **p}
            required |= r
            extras_ok = extras_ok or e
        return props, required, extras_ok

    def _is_open_object(self, node: Any) -> bool:
        node = self.deref(node)
        return isinstance(node, dict) and not any(
            k in node for k in ("type", "properties", "allOf", "oneOf", "anyOf", "enum", "const")
        )

    # ------------------------------------------------------------------ projection
    def project(self, node: Any, value: Any, depth: int = 0) -> Any:
        """``value`` without the members ``node`` does not declare (recursively; a required member is
        kept, declared or not), and without
        credentials: a string member named like a secret (``twilioAuthToken``, ``serverUrlSecret``)
        is write-only, left out of answers, or masked when the schema requires it."""
        if not isinstance(value, dict | list):
            return value
        node = self.deref(node)
        if depth > _MAX_DEPTH or not isinstance(node, dict):
            return value
        if not _type_fits(node, value):
            # a container where the schema wants another type (a list of ids holding objects)
            return self.minimal(node, depth + 1)
        if isinstance(value, dict):
            props, required, extras_ok = self.shape(node, value)
            out = {}
            for k, v in value.items():
                if isinstance(v, str) and v and SECRET_MEMBER.search(k):
                    if k in required:
                        sub = self.deref((props or {}).get(k, {}))
                        masked = _mask(sub)
                        out[k] = masked if holds(sub, masked) else self.minimal(sub, depth + 1, k)
                    continue
                if props is None or k not in props:
                    # kept where the schema takes undeclared members, or requires this one
                    # without declaring it (xero.com's Folder requires `name`, declares `Name`)
                    if props is None or extras_ok or k in required:
                        out[k] = v
                    continue
                out[k] = self._member(props[k], v, k, depth)
            # The answer is total: a required member the record lacks gets the schema's value
            # (apideck's `data.id`, impala's `notes.fromGuest`, wowza's `url`).
            for k in sorted(required - set(out)):
                out[k] = self.minimal((props or {}).get(k, {}), depth + 1, k)
            least = node.get("minProperties")
            if isinstance(least, int) and len(out) < least:
                # mailscript's `criteria: {}` where the answer wants at least one member
                made = self.minimal(node, depth + 1)
                extra = made.items() if isinstance(made, dict) else ()
                for k, v in extra:
                    if len(out) >= least:
                        break
                    out.setdefault(k, v)
            return out
        items = self._items(node, value)
        if items is None:
            return value
        return [self._member(items, v, "", depth) for v in value]

    def _member(self, sub: Any, value: Any, name: str, depth: int) -> Any:
        """``value`` as the member schema ``sub`` can hold it: projected when it is a container of the
        declared type, retyped when only its JSON type is wrong and its text says the same (an id
        ``42`` where the answer types ids as strings), else the schema's own minimal value (a value
        the request schema allowed but the response schema does not: another type, outside the
        enum, off the format, pattern or length)."""
        node = self.deref(sub)
        if not isinstance(node, dict):
            return value
        if not _type_fits(node, value):
            retyped = _retyped(node, value)
            if retyped is not None and holds(node, retyped):
                return retyped
            return self.minimal(node, depth + 1, name)
        if isinstance(value, dict | list):
            return self.project(node, value, depth + 1)
        return value if holds(node, value) else self.minimal(node, depth + 1, name)

    def _items(self, node: dict[str, Any], value: Any) -> Any:
        if isinstance(node.get("items"), dict):
            return node["items"]
        for sub in node.get("allOf") or []:
            got = self.deref(sub)
            if isinstance(got, dict) and isinstance(got.get("items"), dict):
                return got["items"]
        if node.get("oneOf") or node.get("anyOf"):
            chosen = self.branch_for(node, value)
            if chosen is not None:
                got = self.deref(chosen)
                if isinstance(got, dict) and isinstance(got.get("items"), dict):
                    return got["items"]
        return None

    # ------------------------------------------------------------------ server fields
    def fill(
        self,
        node: Any,
        body: dict[str, Any],
        server: ServerFields,
        *,
        minimal: Callable[[Any], Any] | None = None,
    ) -> dict[str, Any]:
        """``body`` plus the server-owned members the response schema ``node`` wants.

        Required members get a value (the id, the org, timestamps, the first ``status`` enum value,
        their ``default``, or a minimal instance); optional members with a ``default`` get it.
        """
        props, required, _ = self.shape(node, body, 0)
        if props is None:
            props = {}
        out = dict(body)
        make = minimal or self.minimal
        for name, sub in props.items():
            sub = self.deref(sub)
            present = name in out
            if name == server.id_name or (name == "id" and not present):
                out[name] = typed_id(sub, server.id)
                continue
            if present and (not isinstance(sub, dict) or _type_fits(sub, out[name])):
                continue
            # Absent, or sent with a type the answer cannot carry (a request schema that leaves a
            # member untyped, a response schema that types it): the server's own value.
            has_default = _default_of(sub) is not _NO_DEFAULT
            # A lifecycle ``status`` with an enum is the server's to set even when optional.
            is_status = name == "status" and isinstance(sub, dict) and bool(sub.get("enum"))
            if name not in required and not has_default and not is_status and not present:
                continue
            if present and name not in required and not has_default and not is_status:
                del out[name]
                continue
            out[name] = self._server_value(name, sub, server, make)
        for name in required - set(out):
            out[name] = self._server_value(name, {}, server, make)
        return out

    def _server_value(
        self, name: str, sub: Any, server: ServerFields, make: Callable[[Any], Any]
    ) -> Any:
        low = name.lower()
        fmt = sub.get("format") if isinstance(sub, dict) else None
        if low in ("orgid", "organizationid", "org_id"):
            return server.org_id
        if low in ("updatedat", "updated_at", "modifiedat"):
            return iso_ms(server.updated_us)
        if fmt == "date-time" or low in ("createdat", "created_at"):
            return iso_ms(server.created_us)
        default = _default_of(sub)
        if default is not _NO_DEFAULT:
            return default
        made = make(sub)
        if name.lower() in ENVELOPES and isinstance(made, dict):
            # the envelope the object is answered in (apideck's `{status, data: {id}}`): its id
            # is the new object's, the one the client addresses it by next
            props, _, _ = self.shape(sub, made)
            if props and server.id_name in props:
                made[server.id_name] = typed_id(self.deref(props[server.id_name]), server.id)
        return made

    # ------------------------------------------------------------------ minimal instances
    def minimal(self, node: Any, depth: int = 0, name: str = "") -> Any:
        """A small instance of ``node`` (deterministic apart from uuids and the clock).

        ``name`` is the property the value is for: a plain string ``id``/``...Id`` gets a uuid and a
        plain string ``...At`` a timestamp, as a server would send.
        """
        node = self.deref(node)
        if not isinstance(node, dict) or depth > _MAX_DEPTH:
            return None if node is False else {}
        if "const" in node:
            return node["const"]
        if isinstance(node.get("enum"), list) and node["enum"]:
            non_null = [v for v in node["enum"] if v is not None]
            return non_null[0] if non_null else None
        default = _default_of(node)
        if default is not _NO_DEFAULT and default is not None:
            return default
        if node.get("oneOf") or node.get("anyOf"):
            branches: list[Any] = node.get("oneOf") or node.get("anyOf") or []
            non_null = [b for b in branches if _type_of(self.deref(b)) != "null"] or branches
            base = {k: v for k, v in node.items() if k not in ("oneOf", "anyOf", "x-discriminator")}
            value = self.minimal(non_null[0], depth + 1)
            if isinstance(value, dict) and (base.get("properties") or base.get("allOf")):
                merged = self.minimal(base, depth + 1)
                if isinstance(merged, dict):
                    value = {**merged, **value}
            return value
        if node.get("allOf"):
            combined: Any = None
            for sub in node["allOf"]:
                if self._is_open_object(sub):
                    continue  # a description-only member (AWS's `allOf: [String, {description}]`)
                v = self.minimal(sub, depth + 1)
                both = isinstance(combined, dict) and isinstance(v, dict)
                combined = {**combined, **v} if both else v
            rest = {k: v for k, v in node.items() if k != "allOf"}
            if rest.get("properties") or rest.get("required"):
                own = self.minimal(rest, depth + 1)
                if isinstance(own, dict):
                    combined = {**(combined if isinstance(combined, dict) else {}), **own}
            return combined
        typ = node.get("type")
        if isinstance(typ, list):
            typ = next((t for t in typ if t != "null"), "null")
        if typ is None:
            if "properties" in node or "required" in node:
                typ = "object"
            elif "items" in node:
                typ = "array"
            else:
                return {}
        if typ == "object":
            props = node.get("properties") or {}
            out: dict[str, Any] = {}
            for name in node.get("required") or []:
                out[name] = self.minimal(props.get(name, {}), depth + 1, name)
            # minProperties: the declared members first (mailscript's Criteria declares six and
            # takes no others in an answer), then names of the schema's own making
            least = int(node.get("minProperties", 0))
            for name in props:
                if len(out) >= least:
                    break
                out.setdefault(name, self.minimal(props[name], depth + 1, name))
            for _ in range(least - len(out)):
                out[f"key{len(out)}"] = self.minimal(
                    node.get("additionalProperties") or {}, depth + 1
                )
            return out
        if typ == "array":
            n = int(node.get("minItems", 0))
            if n == 0:
                return []
            item = self.minimal(node.get("items") or {}, depth + 1)
            return [item for _ in range(n)]
        if typ == "string":
            return _minimal_string(node, name)
        if typ in ("number", "integer"):
            return _minimal_number(node, typ == "integer")
        if typ == "boolean":
            return False
        return None


def typed_id(node: Any, rid: str) -> Any:
    """The id as the member's schema types it: a number where it says integer (``"42"`` -> 42)."""
    typ = _type_of(node)
    types = typ if isinstance(typ, list) else [typ]
    if "string" not in types and ("integer" in types or "number" in types):
        try:
            return int(rid)
        except ValueError:
            try:
                return float(rid)
            except ValueError:
                return rid
    return rid


def holds(node: Any, value: Any) -> bool:
    """Whether a scalar ``value`` meets the simple keywords of ``node`` (type, const, enum, string
    length, the formats the validators check, pattern, numeric bounds); keywords it cannot judge
    count as met."""
    if not isinstance(node, dict) or isinstance(value, dict | list):
        return True
    if not _type_fits(node, value):
        return False
    if "const" in node and node["const"] != value:
        return False
    enum = node.get("enum")
    if isinstance(enum, list) and enum and value not in enum:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_ok(node, value)
    if isinstance(value, str):
        if not _string_ok(node, value):
            return False
        fmt = node.get("format")
        check = FORMATS.get(fmt) if isinstance(fmt, str) else None
        if check is not None and not check(value):
            return False
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            try:
                if not compile_pattern(pattern).test(value):
                    return False
            except PatternError:
                return True
    return True


_NO_DEFAULT = object()


def _default_of(node: Any) -> Any:
    """A schema's ``default`` where the schema holds it, else ``_NO_DEFAULT``: a spec may document a
    default its own type refuses (gsmtasks' ``total_duration: {type: object, default: "4 10:55"}``),
    and a server answers what its schema says, not the stray example."""
    if not isinstance(node, dict) or "default" not in node:
        return _NO_DEFAULT
    value = node["default"]
    return value if _type_fits(node, value) and holds(node, value) else _NO_DEFAULT


def _tagged(disc: dict[str, Any], value: dict[str, Any]) -> bool:
    """Whether an object carries its union's discriminator tag."""
    return disc.get("propertyName", "") in value


def _retyped(node: dict[str, Any], value: Any) -> Any:
    """``value`` in the JSON type ``node`` declares when its text carries over unchanged, else None."""
    typ = node.get("type")
    types = typ if isinstance(typ, list) else [typ]
    if isinstance(value, int | float) and not isinstance(value, bool) and "string" in types:
        return str(value)
    if isinstance(value, str) and ("integer" in types or "number" in types):
        try:
            return int(value)
        except ValueError:
            pass
    return None


def _mask(node: Any) -> str:
    """A masked stand-in for a required secret, within the member's length limits."""
    size = 8
    if isinstance(node, dict):
        size = max(size, int(node.get("minLength", 0)))
        if isinstance(node.get("maxLength"), int):
            size = min(size, node["maxLength"])
    return "*" * max(size, 1)


def _type_of(node: Any) -> Any:
    return node.get("type") if isinstance(node, dict) else None


def _type_fits(node: Any, value: Any) -> bool:
    if not isinstance(node, dict):
        return False
    typ = node.get("type")
    types = typ if isinstance(typ, list) else [typ] if typ else []
    if not types:
        return True
    checks = {
        "null": value is None,
        "boolean": isinstance(value, bool),
        "string": isinstance(value, str),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
    }
    return any(checks.get(t, False) for t in types)


_FORMAT_EXAMPLES: dict[str, Callable[[], str]] = {
    "date-time": lambda: iso_ms(int(datetime.now(UTC).timestamp() * 1_000_000)),
    "date": lambda: datetime.now(UTC).strftime("%Y-%m-%d"),
    "time": lambda: "12:00:00Z",
    "uuid": lambda: str(uuid.uuid4()),
    "email": lambda: "user@example.com",
    "uri": lambda: "https://example.com/",
    "url": lambda: "https://example.com/",
    "uri-reference": lambda: "https://example.com/",
    "hostname": lambda: "example.com",
    "ipv4": lambda: "192.0.2.1",
    "ipv6": lambda: "2001:db8::1",
}


def _minimal_string(node: dict[str, Any], name: str = "") -> str:
    fmt = node.get("format")
    if isinstance(fmt, str) and fmt in _FORMAT_EXAMPLES:
        return _FORMAT_EXAMPLES[fmt]()
    if fmt is None and "pattern" not in node:
        if name == "id" or name.endswith("Id"):
            guess = _FORMAT_EXAMPLES["uuid"]()
        elif name.endswith("At"):
            guess = _FORMAT_EXAMPLES["date-time"]()
        else:
            guess = ""
        if guess and _string_ok(node, guess):
            return guess
    examples = node.get("examples")
    if isinstance(examples, list):
        for ex in examples:
            if isinstance(ex, str) and _string_ok(node, ex):
                return ex
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        found = pattern_example(pattern)
        if found is not None and _string_ok(node, found):
            return found
    min_len = int(node.get("minLength", 0))
    text = "a" * max(min_len, 1)
    max_len = node.get("maxLength")
    if isinstance(max_len, int) and len(text) > max_len:
        text = text[:max_len]
    return text


def _string_ok(node: dict[str, Any], text: str) -> bool:
    if len(text) < int(node.get("minLength", 0)):
        return False
    max_len = node.get("maxLength")
    return not (isinstance(max_len, int) and len(text) > max_len)


def _number_ok(node: dict[str, Any], value: float) -> bool:
    def bound(key: str) -> float | None:
        got = node.get(key)
        return got if isinstance(got, int | float) and not isinstance(got, bool) else None

    low, high = bound("minimum"), bound("maximum")
    xlow, xhigh = bound("exclusiveMinimum"), bound("exclusiveMaximum")
    return not (
        (low is not None and value < low)
        or (high is not None and value > high)
        or (xlow is not None and value <= xlow)
        or (xhigh is not None and value >= xhigh)
    )


def _minimal_number(node: dict[str, Any], integer: bool) -> int | float:
    low = node.get("minimum")
    high = node.get("maximum")
    xlow = node.get("exclusiveMinimum")
    xhigh = node.get("exclusiveMaximum")
    step = node.get("multipleOf")
    value: float = 0
    if isinstance(low, int | float) and not isinstance(low, bool) and value < low:
        value = low
    if isinstance(high, int | float) and not isinstance(high, bool) and value > high:
        value = high
    if isinstance(xlow, int | float) and not isinstance(xlow, bool) and value <= xlow:
        value = math.floor(xlow) + 1 if integer or float(xlow).is_integer() else xlow + 1e-6
    if isinstance(xhigh, int | float) and not isinstance(xhigh, bool) and value >= xhigh:
        value = math.ceil(xhigh) - 1 if integer else xhigh - 1e-6
    if isinstance(step, int | float) and step > 0:
        value = math.ceil(value / step) * step
    if integer or float(value).is_integer():
        return math.ceil(value)
    return value

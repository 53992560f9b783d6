"""The rule pass: where each semantic rule of the spec's rule table applies, precomputed once per target.

A rule table entry names ``Component.property`` (or ``Component``); the payload has no component names,
so the plan is compiled from the target's bundled schema: each definition whose ``x-spec-pointer`` is
``/components/schemas/<Name>`` contributes the entries of ``<Name>`` to its properties (and to itself),
and the plan keeps only the paths that lead to such an entry. At run time the payload is walked along
those paths only: properties by name, array items, the branch a discriminator tag selects, the branch
of a plain ``oneOf``/``anyOf`` whose JSON type fits (or, if several fit, that the value matches).

Rules get ``ctx.settings``: ``e164_level``, and ``memo``, a dict that lives for one payload walk, for
rules that share work on the same value (the six hook rules all need one pass over the hooks).

``length.maxLength``/``length.minLength`` entries whose limit is the schema's own ``maxLength``/
``minLength`` are not planned: the schema pass already counts those the server's way (with the rule
table's length method) and reports them. Entries that bring their own limit or method in ``options``
run like any other rule.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from contracttest import _pointer
from contracttest._types import json_type
from contracttest.errors import ContractTestError, UsageError
from contracttest.findings import REDACTED, Finding, Severity, is_secret_key
from contracttest.validate import _keywords
from contracttest.validate.rules import RuleContext

if TYPE_CHECKING:
    from contracttest.openapi.model import Spec
    from contracttest.validate.rules import RuleEntry, RuleTable

__all__ = ["RulePlan", "compile_plan", "rule_table_for"]

_LENGTH_RULES = {"length.maxLength": "maxLength", "length.minLength": "minLength"}
_COMPONENT_PREFIX = "/components/schemas/"


def rule_table_for(spec: Spec) -> RuleTable:
    """The rule table that applies to ``spec`` (matched on its title and servers), cached on it."""
    cached = getattr(spec, "_ct_rule_table", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from contracttest.validate.rules import load_rule_table

    table = load_rule_table(spec.title, spec.servers)
    with contextlib.suppress(AttributeError):  # a Spec with __slots__: no caching, still correct
        spec._ct_rule_table = table  # type: ignore[attr-defined]
    return table


@dataclass(eq=False)
class _Check:
    """Rule entries that run on the value of one property (or on the object itself)."""

    entries: tuple[RuleEntry, ...]
    schema: Mapping[str, Any] | None
    schema_pointer: str | None
    severities: tuple[Severity, ...] = ()
    """Each entry's severity (table, else the rule's default): a ceiling for its findings."""
    functions: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        from contracttest.validate.rules import get_rule

        self.severities = tuple(_ceiling(e) for e in self.entries)
        self.functions = tuple(get_rule(e.rule).function for e in self.entries)


@dataclass(eq=False)
class _Node:
    declared: frozenset[str] = frozenset()
    self_checks: list[_Check] = field(default_factory=list)
    prop_checks: dict[str, list[_Check]] = field(default_factory=dict)
    props: dict[str, _Node] = field(default_factory=dict)
    pattern_props: list[tuple[str, _Node]] = field(default_factory=list)
    additional: _Node | None = None
    items: _Node | None = None
    tuple_items: list[_Node | None] = field(default_factory=list)
    same: list[_Node] = field(default_factory=list)
    """allOf members and ``$ref`` targets: they describe the same value."""
    dispatch: tuple[dict[str, Any], dict[int, _Node]] | None = None
    branch_schemas: dict[int, Any] = field(default_factory=dict)
    """Every branch of the discriminated union, by index (live or not), for an untagged value."""
    alternatives: list[tuple[frozenset[str] | None, _Node, Any]] = field(default_factory=list)
    partition: tuple[str, list[frozenset[Any]]] | None = None
    by_tag: tuple[str, dict[str, _Node]] | None = None
    """The dispatch for string tags: (property, tag -> branch node)."""
    object_ops: tuple[tuple[str, tuple[_Check, ...], _Node | None], ...] = ()
    """Per property of an object value: the checks on it and the node to descend into."""
    """A property whose ``enum``s tell the alternatives apart (pairwise disjoint value sets)."""
    live: bool = False

    def children(self) -> Iterator[_Node]:
        yield from self.props.values()
        yield from (n for _, n in self.pattern_props)
        if self.additional is not None:
            yield self.additional
        if self.items is not None:
            yield self.items
        yield from (n for n in self.tuple_items if n is not None)
        yield from self.same
        if self.dispatch is not None:
            yield from self.dispatch[1].values()
        yield from (n for _, n, _ in self.alternatives)


class _Compiler:
    def __init__(
        self,
        root: dict[str, Any],
        spec: Spec,
        table: RuleTable,
        least: Severity = Severity.INFO,
    ) -> None:
        self.root = root
        self.spec = spec
        self.table = table
        self.least = least
        self.memo: dict[int, _Node] = {}
        self.nodes: list[_Node] = []

    def deref(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 64:
            seen += 1
            ref = node["$ref"]
            if not ref.startswith("#"):
                return None
            node = _pointer.resolve(self.root, ref[1:], None)
        return node

    def entries(self, component: str, prop: str | None) -> tuple[RuleEntry, ...]:
        found = self.table.entries_for(component, prop)
        return tuple(e for e in found if _planned(e) and _ceiling(e) >= self.least)

    def components_of(self, node: dict[str, Any]) -> list[str]:
        """The component this definition is, plus those its ``allOf`` merged in (closed requests)."""
        spec_ptr = node.get("x-spec-pointer")
        if not isinstance(spec_ptr, str) or not spec_ptr.startswith(_COMPONENT_PREFIX):
            return []
        name = _pointer.unescape(spec_ptr[len(_COMPONENT_PREFIX) :].split("/", 1)[0])
        names = [name]
        raw = self.spec.resolve(_pointer.join("/components/schemas", name), None)
        members = raw.get("allOf") if isinstance(raw, dict) else None
        for member in members if isinstance(members, list) else []:
            ref = member.get("$ref") if isinstance(member, dict) else None
            if isinstance(ref, str) and ref.startswith("#" + _COMPONENT_PREFIX):
                names.append(_pointer.unescape(ref[len(_COMPONENT_PREFIX) + 1 :]))
        return names

    def compile(self, node: Any) -> _Node | None:
        if not isinstance(node, dict):
            return None
        got = self.memo.get(id(node))
        if got is not None:
            return got
        if isinstance(node.get("$ref"), str):
            # Draft 7: $ref siblings are ignored, so the node is its target.
            target = self.deref(node)
            if target is None or target is node:
                return None
            sub = self.compile(target)
            if sub is not None:
                self.memo[id(node)] = sub
            return sub
        out = _Node()
        self.memo[id(node)] = out
        self.nodes.append(out)
        self._attach_rules(node, out)
        props = node.get("properties")
        if isinstance(props, dict):
            out.declared = frozenset(props)
            for name, sub_schema in props.items():
                sub = self.compile(sub_schema)
                if sub is not None:
                    out.props[name] = sub
        pattern_props = node.get("patternProperties")
        if isinstance(pattern_props, dict):
            for pattern, sub_schema in pattern_props.items():
                sub = self.compile(sub_schema)
                if sub is not None:
                    out.pattern_props.append((pattern, sub))
        out.additional = self.compile(node.get("additionalProperties"))
        items = node.get("items")
        prefix = node.get("prefixItems")
        if isinstance(items, list):
            out.tuple_items = [self.compile(s) for s in items]
            out.items = self.compile(node.get("additionalItems"))
        else:
            out.items = self.compile(items)
            if isinstance(prefix, list):
                out.tuple_items = [self.compile(s) for s in prefix]
        for member in node.get("allOf") or []:
            sub = self.compile(member)
            if sub is not None:
                out.same.append(sub)
        for comb in ("oneOf", "anyOf"):
            branches = node.get(comb)
            if not isinstance(branches, list):
                continue
            xd = node.get("x-discriminator")
            if isinstance(xd, dict):
                compiled = {i: self.compile(b) for i, b in enumerate(branches)}
                out.dispatch = (xd, {i: n for i, n in compiled.items() if n is not None})
                out.branch_schemas = dict(enumerate(branches))
            else:
                for b in branches:
                    sub = self.compile(b) or _Node()
                    out.alternatives.append((self.types_of(b), sub, b))
                out.partition = self.partition(branches)
        return out

    def partition(self, branches: list[Any]) -> tuple[str, list[frozenset[Any]]] | None:
        """A property every branch constrains with an ``enum``/``const``, the sets pairwise disjoint.

        A value whose property is in branch i's set can only be valid under branch i, so the rule
        pass needs no validation to pick the branch (a generalised inferred discriminator).
        """
        props: list[dict[str, Any]] = []
        for b in branches:
            target = self.deref(b)
            p = target.get("properties") if isinstance(target, dict) else None
            if not isinstance(p, dict):
                return None
            props.append(p)
        if len(props) < 2:
            return None
        common = set(props[0]).intersection(*props[1:])
        for name in sorted(common):
            sets: list[frozenset[Any]] = []
            for p in props:
                values = _enum_values(self.deref(p[name]))
                if values is None:
                    break
                sets.append(values)
            else:
                if sum(len(v) for v in sets) == len(frozenset().union(*sets)):
                    return name, sets
        return None

    def types_of(self, branch: Any) -> frozenset[str] | None:
        target = self.deref(branch)
        if not isinstance(target, dict):
            return None
        t = target.get("type")
        if isinstance(t, str):
            types = {t}
        elif isinstance(t, list):
            types = {str(x) for x in t}
        else:
            return None
        if "number" in types:
            types.add("integer")
        return frozenset(types)

    def _attach_rules(self, node: dict[str, Any], out: _Node) -> None:
        names = self.components_of(node)
        if not names:
            return
        base = node.get("x-spec-pointer")
        for name in names:
            found = self.entries(name, None)
            if found:
                out.self_checks.append(_Check(found, node, base if isinstance(base, str) else None))
        props = node.get("properties")
        if not isinstance(props, dict):
            return
        for prop, sub_schema in props.items():
            for name in names:
                found = self.entries(name, prop)
                if not found:
                    continue
                ptr = _pointer.join(_COMPONENT_PREFIX.rstrip("/"), name, "properties", prop)
                out.prop_checks.setdefault(prop, []).append(
                    _Check(found, sub_schema if isinstance(sub_schema, dict) else None, ptr)
                )

    def mark_live(self) -> None:
        for n in self.nodes:
            n.live = bool(n.self_checks or n.prop_checks)
        changed = True
        while changed:
            changed = False
            for n in self.nodes:
                if not n.live and any(c.live for c in n.children()):
                    n.live = changed = True
        for n in self.nodes:
            n.props = {k: v for k, v in n.props.items() if v.live}
            n.pattern_props = [(p, v) for p, v in n.pattern_props if v.live]
            if n.additional is not None and not n.additional.live:
                n.additional = None
            if n.items is not None and not n.items.live:
                n.items = None
            n.tuple_items = [v if v is not None and v.live else None for v in n.tuple_items]
            if not any(n.tuple_items):
                n.tuple_items = []
            n.same = [v for v in n.same if v.live]
            if n.dispatch is not None:
                live = {i: v for i, v in n.dispatch[1].items() if v.live}
                n.dispatch = (n.dispatch[0], live) if live else None
            if not any(v.live for _, v, _ in n.alternatives):
                n.alternatives = []
                n.partition = None
        for n in self.nodes:
            _forward_children(n)
            names = list(n.prop_checks) + [p for p in n.props if p not in n.prop_checks]
            n.object_ops = tuple(
                (p, tuple(n.prop_checks.get(p, ())), n.props.get(p)) for p in names
            )
            if n.dispatch is not None:
                xd, branches = n.dispatch
                by_tag = {
                    tag: branches[idx]
                    for tag, idx in (xd.get("mapping") or {}).items()
                    if idx in branches
                }
                n.by_tag = (str(xd["propertyName"]), by_tag)


def _forwards(n: _Node) -> bool:
    """Whether ``n`` only stands for one other node (a ``$ref``-like ``allOf`` of one member)."""
    return (
        len(n.same) == 1
        and not n.self_checks
        and not n.prop_checks
        and not n.props
        and not n.pattern_props
        and n.additional is None
        and n.items is None
        and not n.tuple_items
        and n.dispatch is None
        and not n.alternatives
    )


def _final(n: _Node) -> _Node:
    hops = 0
    while _forwards(n) and hops < 64:
        n = n.same[0]
        hops += 1
    return n


def _forward_children(n: _Node) -> None:
    """Point ``n``'s children past nodes that only forward, so the walk skips them."""
    n.props = {k: _final(v) for k, v in n.props.items()}
    n.pattern_props = [(p, _final(v)) for p, v in n.pattern_props]
    if n.additional is not None:
        n.additional = _final(n.additional)
    if n.items is not None:
        n.items = _final(n.items)
    n.tuple_items = [None if v is None else _final(v) for v in n.tuple_items]
    n.same = [_final(v) for v in n.same]
    if n.dispatch is not None:
        n.dispatch = (n.dispatch[0], {i: _final(v) for i, v in n.dispatch[1].items()})
    n.alternatives = [(t, _final(v), b) for t, v, b in n.alternatives]


def _enum_key(value: Any) -> Any:
    # JSON equality: true is not 1, 1 is 1.0.
    return (type(value) is bool, value) if isinstance(value, (str, int, float, bool)) else None


def _enum_values(schema: Any) -> frozenset[Any] | None:
    if not isinstance(schema, dict):
        return None
    values = [schema["const"]] if "const" in schema else schema.get("enum")
    if not isinstance(values, list) or not values:
        return None
    keys = [_enum_key(v) for v in values if v is not None]
    if any(k is None for k in keys) or not keys:
        return None
    return frozenset(keys)


def _ceiling(entry: RuleEntry) -> Severity:
    """An entry's severity: the table's, else the rule's default; no finding of it is worse."""
    from contracttest.validate.rules import get_rule

    return entry.severity if entry.severity is not None else get_rule(entry.rule).severity


def _planned(entry: RuleEntry) -> bool:
    keyword = _LENGTH_RULES.get(entry.rule)
    if keyword is None:
        return True
    # The schema pass counts the schema's own limits the server's way already.
    return keyword in entry.options or "method" in entry.options


class RulePlan:
    """The compiled rule pass of one target: `findings` walks only where rules apply."""

    def __init__(
        self,
        root: _Node | None,
        error_root: _Node | None,
        *,
        settings: Mapping[str, Any],
        length_method: str,
        target: str,
        tables: Mapping[str, Mapping[Any, int]],
        schema_valid: Callable[[Any, Any], bool],
    ) -> None:
        self.root = _final(root) if root is not None and root.live else None
        self.error_root = _final(error_root) if error_root is not None and error_root.live else None
        self.settings = dict(settings)
        self.length_method = length_method
        self.target = target
        self.tables = tables
        self.schema_valid = schema_valid

    @property
    def empty(self) -> bool:
        """Whether no rule applies anywhere in this target."""
        return self.root is None

    def findings(self, payload: Any) -> Iterator[Finding]:
        """Every rule finding for ``payload`` (any severity)."""
        if self.root is None:
            return iter(())
        walk = _Walk(self, Severity.INFO, stop=False)
        walk.node(self.root, payload)
        return iter(walk.out)

    def has_errors(self, payload: Any) -> bool:
        """Whether some rule reports an ERROR (stops at the first one).

        Entries whose severity is below ERROR are not run: an entry's severity caps its findings.
        """
        if self.error_root is None:
            return False
        walk = _Walk(self, Severity.ERROR, stop=True)
        try:
            walk.node(self.error_root, payload)
        except _Stop:
            return True
        return False


class _Stop(Exception):
    """An ERROR was found and only the verdict is wanted."""


class _Walk:
    """One walk of a payload along a plan; findings collect in ``out``."""

    __slots__ = ("least", "out", "path", "plan", "settings", "stop")

    def __init__(self, plan: RulePlan, least: Severity, *, stop: bool) -> None:
        self.plan = plan
        self.least = least
        self.stop = stop
        self.out: list[Finding] = []
        self.path: list[str | int] = []
        # ``memo`` lives for this one walk: rules that share work on a value (several rule ids
        # computed by one checker) can keep it there, keyed by ``id(value)``, which stays unique
        # while the payload is being walked.
        self.settings = {**plan.settings, "memo": {}}

    def node(self, node: _Node, value: Any) -> None:
        path = self.path
        for check in node.self_checks:
            self.run(check, value, None, None)
        if type(value) is dict:
            for prop, checks, child in node.object_ops:
                if prop in value:
                    item = value[prop]
                    path.append(prop)
                    for check in checks:
                        self.run(check, item, value, prop)
                    if child is not None:
                        self.node(child, item)
                    path.pop()
            if node.pattern_props or node.additional is not None:
                self.extras(node, value)
            if node.by_tag is not None:
                prop_name, by_tag = node.by_tag
                if prop_name in value:
                    tag = value[prop_name]
                    if type(tag) is str:
                        chosen = by_tag.get(tag)
                    else:
                        assert node.dispatch is not None
                        xd, branches = node.dispatch
                        table = self.plan.tables.get(str(xd.get("pointer")))
                        idx = _keywords.select_branch(xd, table, tag)
                        chosen = branches.get(idx) if idx is not None else None
                    if chosen is not None:
                        self.node(chosen, value)
                elif node.dispatch is not None and node.dispatch[0].get("optional"):
                    self.untagged(node, value)
        elif type(value) is list:
            start = 0
            if node.tuple_items:
                for i, child in enumerate(node.tuple_items):
                    if child is not None and i < len(value):
                        path.append(i)
                        self.node(child, value[i])
                        path.pop()
                start = len(node.tuple_items)
            items = node.items
            if items is not None:
                for i in range(start, len(value)):
                    path.append(i)
                    self.node(items, value[i])
                    path.pop()
        for child in node.same:
            self.node(child, value)
        if node.alternatives:
            self.alternatives(node, value)

    def untagged(self, node: _Node, value: dict[str, Any]) -> None:
        """An optional tag left out (a PATCH body: the server knows the stored variant).

        The value is fine when one variant takes it, its schema and its rules: a twilio number may
        be patched to ``{"number": "abc"}`` although a BYO number may not. The rules are asked of
        the variants whose schema takes the value (of every variant when none does); when each of
        them reports an error, their findings are reported, each once.
        """
        assert node.dispatch is not None
        _, branches = node.dispatch
        schemas = node.branch_schemas
        fitting = [i for i, s in schemas.items() if self.plan.schema_valid(s, value)]
        if any(i not in branches for i in fitting):
            return  # a variant without rules takes it
        outs: list[list[Finding]] = []
        for i in fitting or list(branches):
            sub = _Walk(self.plan, self.least, stop=False)
            sub.path = list(self.path)
            sub.settings = self.settings
            sub.node(branches[i], value)
            if not any(f.severity >= Severity.ERROR for f in sub.out):
                self.out.extend(sub.out)  # this variant takes it: its warnings only
                return
            outs.append(sub.out)
        seen = {(f.rule, f.pointer, f.message) for f in self.out}
        for found in outs:
            for f in found:
                key = (f.rule, f.pointer, f.message)
                if key not in seen:
                    seen.add(key)
                    if self.stop and f.severity >= Severity.ERROR:
                        raise _Stop
                    self.out.append(f)

    def extras(self, node: _Node, value: dict[str, Any]) -> None:
        for name, item in value.items():
            if name in node.declared:
                continue
            matched = False
            for pattern, child in node.pattern_props:
                if _keywords.pattern_matches(pattern, name):
                    matched = True
                    self.path.append(name)
                    self.node(child, item)
                    self.path.pop()
            if not matched and node.additional is not None:
                self.path.append(name)
                self.node(node.additional, item)
                self.path.pop()

    def alternatives(self, node: _Node, value: Any) -> None:
        if node.partition is not None and isinstance(value, dict):
            name, sets = node.partition
            if name in value:
                key = _enum_key(value[name])
                for (_, child, _), values in zip(node.alternatives, sets, strict=True):
                    if key in values:
                        if child.live:
                            self.node(child, value)
                        return
                return  # no branch allows that value: the schema pass reports it
        kind = json_type(value)
        fitting = [(n, s) for types, n, s in node.alternatives if types is None or kind in types]
        if not any(n.live for n, _ in fitting):
            return
        if len(fitting) > 1:
            fitting = [(n, s) for n, s in fitting if self.plan.schema_valid(s, value)]
        for child, _ in fitting:
            if child.live:
                self.node(child, value)

    def run(
        self,
        check: _Check,
        value: Any,
        parent: Mapping[str, Any] | None,
        prop: str | None,
    ) -> None:
        pointer: str | None = None
        plan = self.plan
        for entry, ceiling, function in zip(
            check.entries, check.severities, check.functions, strict=True
        ):
            if ceiling < self.least or (entry.when is not None and not entry.when.holds(parent)):
                continue
            if pointer is None:
                pointer = "".join(
                    "/" + (t.replace("~", "~0").replace("/", "~1") if type(t) is str else str(t))
                    for t in self.path
                )
            # What RuleEntry.run does, with the rule looked up once at compile time.
            ctx = RuleContext(
                entry.rule,
                pointer,
                parent,
                prop,
                entry.options,
                ceiling,
                plan.length_method,  # type: ignore[arg-type]
                plan.target,
                check.schema,
                check.schema_pointer,
                self.settings,
            )
            try:
                produced = list(function(value, ctx))
            except ContractTestError:
                raise
            except Exception as exc:
                raise UsageError(
                    f"rule {entry.rule} ({entry.source or 'rule table'}"
                    f"{f':{entry.line}' if entry.line else ''}) failed on the value at "
                    f"{pointer or '/'}: {type(exc).__name__}: {exc}",
                    pointer=pointer,
                ) from exc
            for finding in produced:
                if finding.severity > ceiling:
                    finding = replace(finding, severity=ceiling)
                if self.stop and finding.severity >= Severity.ERROR:
                    raise _Stop
                self.out.append(_redacted(finding))


def _redacted(finding: Finding) -> Finding:
    """Rule findings under a secret-named member never show the value."""
    if finding.actual is None or finding.actual == REDACTED:
        return finding
    if any(is_secret_key(p) for p in _pointer.parts(finding.pointer) if not p.isdigit()):
        return replace(finding, actual=REDACTED)
    return finding


def compile_plan(
    schema: dict[str, Any],
    *,
    spec: Spec,
    table: RuleTable,
    e164_level: str,
    length_method: str,
    target: str,
    tables: Mapping[str, Mapping[Any, int]],
    schema_valid: Callable[[Any, Any], bool],
) -> RulePlan:
    """Compile the rule pass of one target's bundled ``schema``."""
    roots: list[_Node | None] = []
    # Twice: every entry (findings), and only those that can report an ERROR (the verdict).
    for least in (Severity.INFO, Severity.ERROR):
        compiler = _Compiler(schema, spec, table, least)
        roots.append(compiler.compile(schema) if table.entries else None)
        compiler.mark_live()
    return RulePlan(
        roots[0],
        roots[1],
        settings={"e164_level": e164_level},
        length_method=length_method,
        target=target,
        tables=tables,
        schema_valid=schema_valid,
    )

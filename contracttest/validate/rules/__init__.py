"""Semantic rules: what a JSON Schema cannot say, as small functions in one registry.

A rule is a generator ``fn(value, ctx) -> Iterator[Finding]`` registered under a stable id with
`rule`. Where a rule applies is data, not code: a rule table (``contracttest/data/rules/*.yaml``,
or a user's file) maps ``Component.property`` to rule entries, and says which specs it is for.
The validation engine walks a payload alongside its schema; at a value whose schema is property
``p`` of component ``X`` it runs ``table.entries_for(X, p)``, and at an object that is an ``X`` it
runs ``table.entries_for(X)``.

Example:
    >>> @rule("acme.sku", description="SKUs are upper case")
    ... def sku(value, ctx):
    ...     if isinstance(value, str) and value != value.upper():
    ...         yield ctx.finding("SKU must be upper case", actual=repr(value))
    >>> [f.rule for f in run_rule("acme.sku", "ab-1", RuleContext("acme.sku", pointer="/sku"))]
    ['acme.sku']
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from contracttest._pointer import MISSING, escape
from contracttest.errors import SourceError, UsageError
from contracttest.findings import Finding, Severity
from contracttest.openapi.model import register_object_policy
from contracttest.validate.rules.lengths import LENGTH_METHODS, LengthMethod

if TYPE_CHECKING:
    import yaml

    from contracttest.openapi.model import Spec

__all__ = [
    "Condition",
    "Rule",
    "RuleContext",
    "RuleEntry",
    "RuleFunction",
    "RuleTable",
    "TableMatch",
    "builtin_tables",
    "get_rule",
    "load_rule_table",
    "read_rule_table",
    "register_rule",
    "registered_rules",
    "rule",
    "run_rule",
    "unregister_rule",
]

RuleFunction = Callable[[Any, "RuleContext"], Iterable[Finding]]
F = TypeVar("F", bound=RuleFunction)

_RULE_ID = re.compile(r"[a-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+")


# -- registry ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A registered rule: its id, function, default severity and a one-line description."""

    id: str
    function: RuleFunction
    severity: Severity
    description: str


_REGISTRY: dict[str, Rule] = {}


def register_rule(
    rule_id: str,
    function: RuleFunction,
    *,
    severity: Severity | str = Severity.ERROR,
    description: str | None = None,
    replace: bool = False,
) -> Rule:
    """Register ``function`` under ``rule_id`` (the non-decorator form of `rule`).

    Raises:
        UsageError: the id is malformed (``group.name``, e.g. ``phone.e164``), the severity is
            unknown, or the id is taken and ``replace`` is false.
    """
    if not isinstance(rule_id, str) or not _RULE_ID.fullmatch(rule_id):
        raise UsageError(
            f"invalid rule id {rule_id!r}: use dotted lower-case names such as 'acme.sku'"
        )
    if rule_id in _REGISTRY and not replace:
        raise UsageError(
            f"rule {rule_id!r} is already registered (by {_REGISTRY[rule_id].function.__qualname__});"
            " pass replace=True to override it"
        )
    if not callable(function):
        raise UsageError(f"rule {rule_id!r}: {function!r} is not callable")
    try:
        level = Severity.parse(severity)
    except ValueError as exc:
        raise UsageError(f"rule {rule_id!r}: {exc}") from exc
    doc = (function.__doc__ or "").strip().splitlines()
    registered = Rule(rule_id, function, level, description or (doc[0] if doc else rule_id))
    _REGISTRY[rule_id] = registered
    return registered


def rule(
    rule_id: str,
    *,
    severity: Severity | str = Severity.ERROR,
    description: str | None = None,
    replace: bool = False,
) -> Callable[[F], F]:
    """Decorator registering a rule function ``fn(value, ctx: RuleContext) -> Iterator[Finding]``.

    Args:
        rule_id: stable dotted id, e.g. ``phone.e164``.
        severity: the default severity (a rule table entry may override it).
        description: one line for listings (default: the first docstring line).
        replace: allow overriding an already registered id.

    Example:
        >>> @rule("acme.even", replace=True)
        ... def even(value, ctx):
        ...     if isinstance(value, int) and value % 2:
        ...         yield ctx.finding("must be even", actual=str(value))
    """

    def decorate(function: F) -> F:
        register_rule(
            rule_id, function, severity=severity, description=description, replace=replace
        )
        return function

    return decorate


def unregister_rule(rule_id: str) -> None:
    """Remove a rule (tests, or a user replacing a built-in). Unknown ids are a `UsageError`."""
    get_rule(rule_id)
    del _REGISTRY[rule_id]


def get_rule(rule_id: str) -> Rule:
    """The registered rule ``rule_id``; `UsageError` (with close matches) when there is none."""
    try:
        return _REGISTRY[rule_id]
    except KeyError:
        raise UsageError(_unknown_rule_message(rule_id)) from None


def _unknown_rule_message(rule_id: object) -> str:
    close = difflib.get_close_matches(str(rule_id), list(_REGISTRY), n=3)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown rule id {rule_id!r}{hint} (registered: {', '.join(sorted(_REGISTRY))})"


def registered_rules() -> dict[str, Rule]:
    """A copy of the registry: id -> `Rule`."""
    return dict(_REGISTRY)


@dataclass(slots=True)  # not frozen: built for every rule call, and frozen init is 3x slower
class RuleContext:
    """Where a rule runs and how it is configured.

    Attributes:
        rule_id: the id the rule runs under (findings carry it).
        pointer: JSON pointer of the value in the payload.
        parent: the object holding the value, for sibling lookups (``numberE164CheckEnabled``).
        property_name: the value's property name in ``parent``, if any.
        options: the rule's options from the rule table entry.
        severity: the severity findings get (table entry, else the rule's default).
        length_method: how the server counts string length (`lengths.LengthMethod`).
        target: the DTO or operation the payload is checked against.
        schema: the (translated) schema of the value, e.g. for ``maxLength``.
        schema_pointer: where that schema lives in the spec.
        settings: engine-wide settings that rules may honour (``e164_level``).
    """

    rule_id: str
    pointer: str = ""
    parent: Mapping[str, Any] | None = None
    property_name: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity = Severity.ERROR
    length_method: LengthMethod = "codepoints"
    target: str | None = None
    schema: Mapping[str, Any] | None = None
    schema_pointer: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)

    def sibling(self, name: str, default: Any = None) -> Any:
        """The member ``name`` of the parent object, or ``default``."""
        if isinstance(self.parent, Mapping) and name in self.parent:
            return self.parent[name]
        return default

    def finding(
        self,
        message: str,
        *,
        pointer: str | None = None,
        severity: Severity | None = None,
        expected: str | None = None,
        actual: str | None = None,
        suggestion: str | None = None,
        rule: str | None = None,
        details: tuple[Finding, ...] = (),
    ) -> Finding:
        """A `Finding` at this context (pointer, severity, target, schema pointer filled in)."""
        return Finding(
            rule=rule or self.rule_id,
            severity=self.severity if severity is None else severity,
            pointer=self.pointer if pointer is None else pointer,
            message=message,
            expected=expected,
            actual=actual,
            schema_pointer=self.schema_pointer,
            suggestion=suggestion,
            target=self.target,
            details=details,
        )


def run_rule(rule_id: str, value: Any, ctx: RuleContext | None = None) -> list[Finding]:
    """Run one registered rule on ``value`` (default context: the rule's id and severity)."""
    registered = get_rule(rule_id)
    if ctx is None:
        ctx = RuleContext(rule_id, severity=registered.severity)
    return list(registered.function(value, ctx))


# -- rule tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """``when:`` of a table entry: the entry applies only if a sibling property has a value.

    ``default`` stands for the property when it is absent (the spec's ``default``).
    """

    property: str
    equals: Any = MISSING
    not_equals: Any = MISSING
    default: Any = None

    def holds(self, parent: Mapping[str, Any] | None) -> bool:
        if isinstance(parent, Mapping) and self.property in parent:
            actual = parent[self.property]
        else:
            actual = self.default
        if self.equals is not MISSING and not _same(actual, self.equals):
            return False
        return self.not_equals is MISSING or not _same(actual, self.not_equals)


def _same(a: Any, b: Any) -> bool:
    # JSON equality: false is not 0.
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


@dataclass(frozen=True, eq=False)
class RuleEntry:
    """One line of a rule table: run ``rule`` on ``component.property`` (globs allowed).

    ``property`` None means the object that is an instance of ``component`` itself. Entries
    compare and hash by identity (usable as cache keys).
    """

    rule: str
    component: str
    property: str | None
    severity: Severity | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    when: Condition | None = None
    note: str | None = None
    key: str = ""
    source: str | None = None
    line: int | None = None

    def matches(self, component: str, prop: str | None = None) -> bool:
        if (self.property is None) != (prop is None):
            return False
        if not fnmatch.fnmatchcase(component, self.component):
            return False
        return prop is None or fnmatch.fnmatchcase(prop, self.property or "")

    def applies(self, parent: Mapping[str, Any] | None) -> bool:
        """Whether the ``when`` condition (if any) holds for the value's parent object."""
        return self.when is None or self.when.holds(parent)

    def run(
        self,
        value: Any,
        *,
        pointer: str = "",
        parent: Mapping[str, Any] | None = None,
        property_name: str | None = None,
        length_method: LengthMethod = "codepoints",
        target: str | None = None,
        schema: Mapping[str, Any] | None = None,
        schema_pointer: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> Iterator[Finding]:
        """Run the entry's rule on ``value`` if its condition holds."""
        if not self.applies(parent):
            return
        registered = get_rule(self.rule)
        ctx = RuleContext(
            rule_id=self.rule,
            pointer=pointer,
            parent=parent,
            property_name=property_name,
            options=self.options,
            severity=self.severity if self.severity is not None else registered.severity,
            length_method=length_method,
            target=target,
            schema=schema,
            schema_pointer=schema_pointer,
            settings=settings or {},
        )
        yield from registered.function(value, ctx)


@dataclass(frozen=True)
class TableMatch:
    """``match:`` of a table: a Python regex searched in the spec title, and/or server URL parts.

    The table applies when either matches; with neither given it applies to every spec.
    """

    title: str | None = None
    servers: tuple[str, ...] = ()

    def matches(self, spec_title: str | None, servers: Sequence[str]) -> bool:
        if self.title is None and not self.servers:
            return True
        if self.title is not None and spec_title and re.search(self.title, spec_title):
            return True
        return any(part in url for part in self.servers for url in servers)


@dataclass(frozen=True, eq=False)
class RuleTable:
    """Rule entries for the specs a table matches, plus the server's length counting method.

    Tables compare and hash by identity (usable as cache keys).
    """

    name: str
    entries: tuple[RuleEntry, ...] = ()
    match: TableMatch = TableMatch()
    length_method: LengthMethod | None = None
    unknown_properties: Literal["reject", "ignore"] | None = None
    """Whether the server rejects request properties the schema does not declare (None: no say)."""
    error_body: Literal["nestjs", "documented"] | None = None
    """What the server's error answers look like: NestJS's envelope whatever the spec documents, or
    the error schema the spec documents for the operation and status (None: no say)."""
    sources: tuple[str, ...] = ()
    _cache: dict[tuple[str, str | None], tuple[RuleEntry, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def applies_to(self, spec_title: str | None, servers: Sequence[str]) -> bool:
        return self.match.matches(spec_title, servers)

    def entries_for(self, component: str, prop: str | None = None) -> tuple[RuleEntry, ...]:
        """Entries for property ``prop`` of component ``component`` (or, with no ``prop``, for an
        object that is a ``component``), in table order. Cached per (component, prop)."""
        key = (component, prop)
        found = self._cache.get(key)
        if found is None:
            found = tuple(e for e in self.entries if e.matches(component, prop))
            self._cache[key] = found
        return found

    @property
    def rule_ids(self) -> frozenset[str]:
        return frozenset(e.rule for e in self.entries)

    def merged(self, other: RuleTable) -> RuleTable:
        """This table's entries then ``other``'s; ``other``'s length method wins if it has one."""
        return RuleTable(
            name=f"{self.name}+{other.name}",
            entries=self.entries + other.entries,
            match=self.match,
            length_method=other.length_method or self.length_method,
            unknown_properties=other.unknown_properties or self.unknown_properties,
            error_body=other.error_body or self.error_body,
            sources=self.sources + other.sources,
        )


_TOP_KEYS = frozenset(
    {"name", "description", "match", "length", "unknown_properties", "error_body", "rules"}
)
_ENTRY_KEYS = frozenset({"rule", "severity", "options", "when", "note"})
_WHEN_KEYS = frozenset({"property", "equals", "not_equals", "default"})


class _TableReader:
    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.text = text
        self.lines: dict[tuple[str, ...], int] = {}

    def fail(self, message: str, *path: str | int) -> UsageError:
        pointer = "".join("/" + escape(p) for p in path)
        line = self._line(path)
        return UsageError(f"rule table: {message}", source=self.source, line=line, pointer=pointer)

    def _line(self, path: tuple[str | int, ...]) -> int | None:
        key = tuple(str(p) for p in path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get(())

    def read(self) -> RuleTable:
        import yaml

        try:
            data = yaml.safe_load(self.text)
            root = yaml.compose(self.text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise SourceError(
                f"rule table is not valid YAML: {exc}",
                source=self.source,
                line=mark.line + 1 if mark is not None else None,
                column=mark.column + 1 if mark is not None else None,
            ) from exc
        if root is not None:
            self._index(root, ())
        if not isinstance(data, dict):
            raise self.fail("the document must be a mapping with 'rules'")
        unknown = sorted(set(map(str, data)) - _TOP_KEYS)
        if unknown:
            raise self.fail(
                f"unknown key(s) {', '.join(map(repr, unknown))}; expected {sorted(_TOP_KEYS)}"
            )
        name = data.get("name", Path(self.source).stem)
        if not isinstance(name, str):
            raise self.fail("'name' must be a string", "name")
        return RuleTable(
            name=name,
            entries=self._entries(data.get("rules")),
            match=self._match(data.get("match")),
            length_method=self._length(data.get("length")),
            unknown_properties=self._choice(
                data.get("unknown_properties"), "unknown_properties", ("reject", "ignore")
            ),
            error_body=self._choice(data.get("error_body"), "error_body", ("nestjs", "documented")),
            sources=(self.source,),
        )

    def _index(self, node: yaml.Node, path: tuple[str, ...]) -> None:
        import yaml

        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = (*path, str(key_node.value))
                self.lines[child] = key_node.start_mark.line + 1
                self._index(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._index(item, (*path, str(index)))

    def _match(self, raw: Any) -> TableMatch:
        if raw is None:
            return TableMatch()
        if not isinstance(raw, dict):
            raise self.fail("'match' must be a mapping with 'title' and/or 'servers'", "match")
        unknown = sorted(set(map(str, raw)) - {"title", "servers"})
        if unknown:
            raise self.fail(f"unknown key(s) in 'match': {', '.join(map(repr, unknown))}", "match")
        title = raw.get("title")
        if title is not None:
            if not isinstance(title, str):
                raise self.fail("'match.title' must be a regex string", "match", "title")
            try:
                re.compile(title)
            except re.error as exc:
                raise self.fail(
                    f"'match.title' is not a valid regex: {exc}", "match", "title"
                ) from exc
        servers = raw.get("servers", [])
        if isinstance(servers, str):
            servers = [servers]
        if not isinstance(servers, list) or not all(isinstance(s, str) and s for s in servers):
            raise self.fail("'match.servers' must be a list of strings", "match", "servers")
        return TableMatch(title, tuple(servers))

    def _length(self, raw: Any) -> LengthMethod | None:
        if raw is None:
            return None
        method = raw.get("method") if isinstance(raw, dict) else None
        if method not in LENGTH_METHODS:
            raise self.fail(
                f"'length.method' must be one of {', '.join(LENGTH_METHODS)}, not {method!r}",
                "length",
                "method",
            )
        result: LengthMethod = method
        return result

    def _choice(self, raw: Any, key: str, choices: tuple[str, ...]) -> Any:
        if raw is None or raw in choices:
            return raw
        allowed = " or ".join(repr(c) for c in choices)
        raise self.fail(f"{key!r} must be {allowed}, not {raw!r}", key)

    def _entries(self, raw: Any) -> tuple[RuleEntry, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, dict):
            raise self.fail("'rules' must map 'Component.property' to rule entries", "rules")
        entries: list[RuleEntry] = []
        for key, value in raw.items():
            if not isinstance(key, str) or not re.fullmatch(r"[^.\s]+(?:\.[^\s]+)?", key):
                raise self.fail(
                    f"invalid key {key!r}: expected 'Component' or 'Component.property'",
                    "rules",
                    str(key),
                )
            component, dot, prop = key.partition(".")
            items = value if isinstance(value, list) else [value]
            for index, item in enumerate(items):
                path: tuple[str | int, ...] = (
                    ("rules", key, index)
                    if isinstance(value, list)
                    else (
                        "rules",
                        key,
                    )
                )
                entries.append(self._entry(item, key, component, prop if dot else None, path))
        return tuple(entries)

    def _entry(
        self,
        raw: Any,
        key: str,
        component: str,
        prop: str | None,
        path: tuple[str | int, ...],
    ) -> RuleEntry:
        where = f"entry {'/'.join(map(str, path[1:]))}"
        if isinstance(raw, str):
            raw = {"rule": raw}
        if not isinstance(raw, dict):
            raise self.fail(f"{where}: expected a rule id or a mapping with 'rule'", *path)
        unknown = sorted(set(map(str, raw)) - _ENTRY_KEYS)
        if unknown:
            raise self.fail(
                f"{where}: unknown key(s) {', '.join(map(repr, unknown))};"
                f" expected {sorted(_ENTRY_KEYS)}",
                *path,
            )
        rule_id = raw.get("rule")
        if rule_id not in _REGISTRY:
            raise self.fail(f"{where}: {_unknown_rule_message(rule_id)}", *path, "rule")
        severity: Severity | None = None
        if raw.get("severity") is not None:
            try:
                severity = Severity.parse(raw["severity"])
            except (ValueError, AttributeError) as exc:
                raise self.fail(f"{where}: {exc}", *path, "severity") from exc
        options = raw.get("options", {})
        if not isinstance(options, dict):
            raise self.fail(f"{where}: 'options' must be a mapping", *path, "options")
        note = raw.get("note")
        if note is not None and not isinstance(note, str):
            raise self.fail(f"{where}: 'note' must be a string", *path, "note")
        return RuleEntry(
            rule=rule_id,
            component=component,
            property=prop,
            severity=severity,
            options=options,
            when=self._when(raw.get("when"), where, (*path, "when")),
            note=note,
            key=key,
            source=self.source,
            line=self._line(path),
        )

    def _when(self, raw: Any, where: str, path: tuple[str | int, ...]) -> Condition | None:
        if raw is None:
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("property"), str):
            raise self.fail(f"{where}: 'when' needs 'property' (a sibling property name)", *path)
        unknown = sorted(set(map(str, raw)) - _WHEN_KEYS)
        if unknown:
            raise self.fail(
                f"{where}: unknown key(s) in 'when': {', '.join(map(repr, unknown))}", *path
            )
        if ("equals" in raw) == ("not_equals" in raw):
            raise self.fail(f"{where}: 'when' needs exactly one of 'equals' or 'not_equals'", *path)
        return Condition(
            property=raw["property"],
            equals=raw.get("equals", MISSING),
            not_equals=raw.get("not_equals", MISSING),
            default=raw.get("default"),
        )


def read_rule_table(path: str | Path, *, text: str | None = None) -> RuleTable:
    """Read and check one rule table file.

    Raises:
        SourceError: the file cannot be read or is not YAML.
        UsageError: the table is malformed, e.g. names an unknown rule id (the message names
            the file, line and entry). Register custom rules before reading tables using them.
    """
    source = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise SourceError(f"cannot read rule table: {exc}", source=source) from exc
    return _TableReader(text, source).read()


def builtin_tables() -> list[RuleTable]:
    """The tables shipped in ``contracttest/data/rules/*.yaml``."""
    folder = resources.files("contracttest").joinpath("data", "rules")
    tables = []
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.name.endswith((".yaml", ".yml")):
            tables.append(
                read_rule_table(
                    f"contracttest/data/rules/{item.name}", text=item.read_text("utf-8")
                )
            )
    return tables


def load_rule_table(
    spec_title: str | None,
    servers: Sequence[str],
    *,
    tables: Sequence[str | Path] = (),
    builtin: bool = True,
) -> RuleTable:
    """The rule entries that apply to a spec, merged from the built-in and the given tables.

    Args:
        spec_title: ``info.title`` of the spec.
        servers: the spec's server URLs.
        tables: the user's rule table files; they come after the built-in ones, and a user table
            with no ``match`` applies to every spec.
        builtin: include the tables shipped with contracttest.

    Returns:
        One `RuleTable` (maybe empty) whose ``length_method`` is the last one a matching table sets.

    Example:
        >>> table = load_rule_table("Vapi API", ["https://api.vapi.ai"])
        >>> table.length_method, "phone.e164" in table.rule_ids
        ('validatorjs', True)
    """
    candidates = (builtin_tables() if builtin else []) + [read_rule_table(p) for p in tables]
    result = RuleTable(name="rules")
    for table in candidates:
        if table.applies_to(spec_title, servers):
            result = result.merged(table) if result.entries or result.sources else table
    return result


def _register_builtin_rules() -> None:
    from contracttest.validate.rules import hooks, lengths, phone

    for module in (phone, lengths, hooks):
        for rule_id, (function, severity, description) in module.RULES.items():
            register_rule(
                rule_id, function, severity=severity, description=description, replace=True
            )


_register_builtin_rules()


def _object_policy(spec: Spec) -> bool | None:
    """`Spec.closed_objects` from the rule tables that match the spec (``unknown_properties``)."""
    said = load_rule_table(spec.title, spec.servers).unknown_properties
    return None if said is None else said == "reject"


register_object_policy(_object_policy)

"""The one validation engine: schema verdict, detailed findings, semantic rules; compiled once, cached.

Per (spec, target, options) a `Validator` holds three compiled parts:

* the **fast path**, a jsonschema-rs validator over a rewritten schema (`contracttest.validate._fast`)
  whose verdict equals the detailed path's on every payload; it answers `Validator.is_valid` and lets
  `Validator.iter_findings` skip the detailed path for payloads that pass;
* the **detailed path**, python-jsonschema with our keyword semantics (`contracttest.validate._detailed`),
  built on first need, run only for payloads the fast path rejects (or for every payload when
  jsonschema-rs is not installed);
* the **rule plan** (`contracttest.validate._plan`): where in the payload each semantic rule of the
  spec's rule table applies, precomputed from the schema, so the rule pass walks only those places.

Verdict: a payload is valid when the schema accepts it and no rule reports an ERROR. Schema errors are
always ERRORs; rules may also report WARNINGs, which do not change the verdict. A rule table entry's
severity caps its findings, so `Validator.is_valid` runs only the entries that can report an ERROR.

Findings (`contracttest.validate._report`): rule ``schema.<keyword>`` for JSON Schema keywords,
``discriminator.missing``/``discriminator.unknown`` for tags, ``length.maxLength``/``length.minLength``
where only the server's way of counting rejects a string, and the semantic rules' own ids. A
``schema.required`` or ``discriminator.missing`` finding points where the missing member would be;
a ``schema.additionalProperties`` finding points at the unknown member (one finding each). Messages
name the field in the server's (NestJS) words and never contain the value; ``actual`` does,
truncated, and redacted under secret-named members. Where the spec contradicts itself (an ``enum``
its ``type`` excludes, an example its schema rejects, overlapping ``oneOf`` branches) the message
says the spec is at fault.

Thread-safe: compiled parts are immutable once built, and building is done under a lock.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from contracttest.errors import UsageError
from contracttest.findings import Finding, Severity
from contracttest.validate import _keywords
from contracttest.validate.rules.phone import E164_LEVELS

if TYPE_CHECKING:
    from contracttest.openapi.model import Spec, Target
    from contracttest.validate._plan import RulePlan

__all__ = [
    "E164_LEVELS",
    "Validator",
    "clear_cache",
    "get_validator",
    "iter_findings",
    "validate",
]


_CACHE: weakref.WeakKeyDictionary[Any, OrderedDict[tuple[Any, ...], Validator]] = (
    weakref.WeakKeyDictionary()
)
_CACHE_LOCK = threading.Lock()
VALIDATOR_CACHE_SIZE = 256
VALIDATOR_CACHE_WEIGHT = 30_000
"""Validators kept per spec: at most this many, and at most this total `Validator.weight`, least
recently used dropped first (one dropped is rebuilt when next asked for). A compiled validator holds
jsonschema-rs native memory in proportion to its definitions, once for the target and once per
``oneOf`` branch it has had to check: about 18 KB per unit of weight, so the budget is about 500 MB.
Unbounded, walking every target of the full Vapi spec kept several GB; a seed-sized spec's
validators weigh tens of units each and all stay."""


class Validator:
    """Validates payloads against one target of one spec. Build it with `get_validator`.

    ``use_fast_path=False`` validates with the detailed path only (the reference the fast path is
    tested and benchmarked against).
    """

    def __init__(
        self,
        spec: Spec,
        target: Target,
        *,
        allow_unknown: bool = False,
        e164_level: str = "syntax",
        length_method: str | None = None,
        use_fast_path: bool = True,
    ) -> None:
        if e164_level not in E164_LEVELS:
            raise UsageError(
                f"unknown E.164 level {e164_level!r}; expected one of {', '.join(E164_LEVELS)}"
            )
        if length_method is not None and length_method not in _keywords.LENGTH_METHODS:
            raise UsageError(
                f"unknown length method {length_method!r}; expected one of "
                f"{', '.join(_keywords.LENGTH_METHODS)}"
            )
        from contracttest.validate._plan import compile_plan, rule_table_for

        self.spec = spec
        self.target = target
        self.allow_unknown = allow_unknown
        self.e164_level = e164_level
        self.rule_table = rule_table_for(spec)
        self.server_length_method: str | None = self.rule_table.length_method
        self.length_method = length_method or self.server_length_method or "codepoints"
        self.schema: dict[str, Any] = target.schema(closed=False if allow_unknown else None)
        self._tables = _tag_tables(spec)
        self._lock = threading.Lock()
        self._detailed: Any = None
        self._walk: Any = None
        self._fast: Any = None
        self._fast_schema: dict[str, Any] | None = None
        self._branch_validators: dict[int, Any] = {}
        if use_fast_path:
            from contracttest.validate import _fast

            self._fast_schema = _fast.rewrite_or_none(self.schema, self.length_method)
            if self._fast_schema is not None:
                self._fast = _fast.compile_rewritten(self._fast_schema, self.length_method)
        self.plan: RulePlan = compile_plan(
            self.schema,
            spec=spec,
            table=self.rule_table,
            e164_level=e164_level,
            length_method=self.length_method,
            target=target.key,
            tables=self._tables,
            schema_valid=self._branch_valid,
        )

    # ------------------------------------------------------------------ public
    @property
    def weight(self) -> int:
        """Roughly how much memory this validator holds: its definitions, once for the target and
        once per compiled ``oneOf`` branch (see `VALIDATOR_CACHE_WEIGHT`)."""
        schema = self._fast_schema or self.schema
        defs = schema.get("definitions") or schema.get("$defs") or {}
        return (1 + len(defs)) * (1 + len(self._branch_validators))

    @property
    def fast(self) -> bool:
        """Whether the verdict comes from jsonschema-rs."""
        return self._fast is not None

    def is_valid(self, payload: Any) -> bool:
        """The verdict only: schema and rules, no finding built for a valid payload.

        Raises:
            UsageError: ``payload`` is not a JSON value (bytes, a non-string key...).
        """
        if not self._schema_ok(payload):
            return False
        return not self.plan.has_errors(payload)

    def _schema_ok(self, payload: Any) -> bool:
        if self._fast is None:
            return bool(self._detailed_validator().is_valid(payload))
        try:
            return bool(self._fast.is_valid(payload))
        except (ValueError, TypeError, OverflowError) as exc:
            bad = _not_json(payload)
            if bad is not None:
                where, what = bad
                raise UsageError(f"the payload is not JSON: {what}", pointer=where) from exc
            # jsonschema-rs refused something JSON allows: the detailed path decides.
            return bool(self._detailed_validator().is_valid(payload))

    def iter_findings(self, payload: Any) -> Iterator[Finding]:
        """Every finding: schema errors (when the schema rejects the payload), then rule findings.

        Raises:
            UsageError: ``payload`` is not a JSON value (bytes, a non-string key...).
        """
        schema_ok = self._schema_ok(payload)
        if not schema_ok:
            yield from self.schema_findings(payload)
        yield from self.plan.findings(payload)

    def findings(self, payload: Any) -> list[Finding]:
        """`iter_findings` as a sorted list (by pointer, then rule)."""
        return sorted(self.iter_findings(payload), key=Finding.sort_key)

    def schema_findings(self, payload: Any) -> Iterator[Finding]:
        """The detailed path: one finding per schema error, duplicates removed."""
        from contracttest.validate import _report

        validator = self._detailed_validator()
        seen: set[tuple[str, str, str]] = set()
        for err in validator.iter_errors(payload):
            finding = _report.to_finding(
                err,
                walk=self._walk,
                validator=validator,
                target=self.target.key,
                length_method=self.length_method,
                server_method=self.server_length_method,
            )
            key = (finding.rule, finding.pointer, finding.message)
            if key not in seen:
                seen.add(key)
                yield finding

    # ------------------------------------------------------------------ internals
    def _detailed_validator(self) -> Any:
        got = self._detailed
        if got is None:
            with self._lock:
                if self._detailed is None:
                    from contracttest.validate import _detailed, _report

                    self._walk = _report.SchemaWalk(self.schema, self.spec)
                    self._detailed = _detailed.build(
                        self.schema,
                        dialect=self.spec.dialect,
                        length_method=self.length_method,
                        tables=self._tables,
                    )
                got = self._detailed
        return got

    def _branch_valid(self, subschema: Any, value: Any) -> bool:
        """Whether ``value`` matches a subschema of this target's schema (for rule placement).

        The rule pass asks this only where a plain ``oneOf``/``anyOf`` has several branches of the
        value's JSON type; each such branch gets its own jsonschema-rs validator on first use.
        """
        if self._fast_schema is None:
            return bool(self._detailed_validator().evolve(schema=subschema).is_valid(value))
        key = id(subschema)
        got = self._branch_validators.get(key)
        if got is None:
            from contracttest.validate import _fast

            with self._lock:
                got = self._branch_validators.get(key)
                if got is None:
                    got = _fast.compile_branch(subschema, self._fast_schema, self.length_method)
                    self._branch_validators[key] = got
        try:
            return bool(got.is_valid(value))
        except (ValueError, TypeError, OverflowError):  # e.g. a lone surrogate: Python decides
            return bool(self._detailed_validator().evolve(schema=subschema).is_valid(value))

    def __repr__(self) -> str:
        return (
            f"Validator({self.target.key!r}, allow_unknown={self.allow_unknown}, "
            f"e164_level={self.e164_level!r}, length_method={self.length_method!r}, "
            f"fast={self.fast})"
        )


def _not_json(value: Any, pointer: str = "") -> tuple[str, str] | None:
    """(pointer, what) of the first value that JSON cannot hold, or None."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return pointer, f"an object key of type {type(key).__name__} ({key!r})"
            found = _not_json(item, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}")
            if found is not None:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found = _not_json(item, f"{pointer}/{i}")
            if found is not None:
                return found
        return None
    return pointer, f"a value of Python type {type(value).__name__}"


def _tag_tables(spec: Spec) -> dict[str, dict[Any, int]]:
    """Variant table pointer -> {typed tag: branch index} (for tags that are not strings)."""
    out: dict[str, dict[Any, int]] = {}
    for pointer, table in spec.translator.tables.items():
        try:
            out[pointer] = {tag: v.branch for tag, v in table.variants.items()}
        except TypeError:  # an unhashable tag cannot be looked up anyway
            continue
    return out


def get_validator(
    spec: Spec,
    target: str | Target,
    allow_unknown: bool = False,
    e164_level: str = "syntax",
    length_method: str | None = None,
) -> Validator:
    """The validator of ``target`` with these options, compiled on first use and cached.

    Args:
        spec: the loaded spec.
        target: a target string (``CreateTwilioPhoneNumberDTO``, ``POST /phone-number``,
            ``PhoneNumberController_create:response:201``...) or a `Target` of ``spec``.
        allow_unknown: accept properties a request DTO does not declare (requests are closed by
            default, as Vapi's server is; responses are always open).
        e164_level: ``syntax`` (default), ``possible`` or ``valid`` (libphonenumber data).
        length_method: ``codepoints``, ``utf16`` or ``validatorjs``; None takes the server's counting
            from the spec's rule table (``validatorjs`` for Vapi), else code points.

    Raises:
        TargetError: ``target`` names nothing in the spec.
        UsageError: an option has an unknown value.
    """
    key_target = target if isinstance(target, str) else target.key
    # The spec's unknown-property policy is part of the key: set after a validator was built
    # (``spec.closed_objects = True`` once a run has started), it must not be served a stale one.
    closed = not allow_unknown and spec.closed_objects
    key = (key_target, bool(allow_unknown), closed, e164_level, length_method)
    with _CACHE_LOCK:
        per_spec = _CACHE.get(spec)
        if per_spec is None:
            per_spec = _CACHE[spec] = OrderedDict()
        got = per_spec.get(key)
        if got is not None:
            per_spec.move_to_end(key)
            return got
    tgt = spec.target(target) if isinstance(target, str) else target
    built = Validator(
        spec, tgt, allow_unknown=allow_unknown, e164_level=e164_level, length_method=length_method
    )
    with _CACHE_LOCK:
        per_spec = _CACHE.setdefault(spec, OrderedDict())
        got = per_spec.setdefault(key, built)
        per_spec.move_to_end(key)
        total = sum(v.weight for v in per_spec.values())
        while len(per_spec) > 1 and (
            len(per_spec) > VALIDATOR_CACHE_SIZE or total > VALIDATOR_CACHE_WEIGHT
        ):
            _, dropped = per_spec.popitem(last=False)
            total -= dropped.weight
        return got


def validate(
    spec: Spec,
    target: str | Target,
    payload: Any,
    *,
    allow_unknown: bool = False,
    e164_level: str = "syntax",
    length_method: str | None = None,
) -> list[Finding]:
    """Every finding for ``payload`` against ``target``, sorted; empty when it is valid.

    Example:
        >>> findings = validate(spec, "POST /phone-number", {"provider": "vapi", "name": "x" * 41})
        >>> [f.rule for f in findings]
        ['schema.maxLength']
    """
    v = get_validator(
        spec,
        target,
        allow_unknown=allow_unknown,
        e164_level=e164_level,
        length_method=length_method,
    )
    return v.findings(payload)


def iter_findings(
    spec: Spec,
    target: str | Target,
    payload: Any,
    *,
    allow_unknown: bool = False,
    e164_level: str = "syntax",
    length_method: str | None = None,
) -> Iterator[Finding]:
    """`validate`, unsorted and lazy: schema findings first, then rule findings."""
    v = get_validator(
        spec,
        target,
        allow_unknown=allow_unknown,
        e164_level=e164_level,
        length_method=length_method,
    )
    return v.iter_findings(payload)


def clear_cache() -> None:
    """Forget every compiled validator (tests; specs that changed in place)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def errors_only(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity >= Severity.ERROR]

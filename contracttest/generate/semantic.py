"""Valid values for the semantic rules the schema cannot say (`contracttest.validate.rules`).

Which property carries which rule is the spec's rule table (``contracttest/data/rules/*.yaml``), the
same one the validator reads: the compiler calls `Semantic.apply` on every component's plan, and for
each ``Component.property`` the table names, the property's values are built to satisfy the rule:

* ``phone.e164``: numbers libphonenumber accepts as *valid* (its example number of each region and
  type, formatted E.164), so they pass every ``--e164-level``; a Liquid template too where the entry
  allows one (``callerId``).
* ``phone.alphanumeric``: ``/^\\+?[a-zA-Z0-9]+$/`` strings that are *not* E.164 (``1234``,
  ``+0012``, ``abc``), for when ``numberE164CheckEnabled`` is false.
* rules with ``when``: the sibling is read from the drawn object and the value built for the entry
  that applies.
* ``hooks.*`` on a hooks array: ringing hooks get exactly one action and 1-20 digit-only prefixes
  (1-20 of them), ending filters one or more of the six reasons.

Length rules need nothing here: every generated string is within its limits under every counting.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from contracttest.generate._gen import (
    ArrayGen,
    ConstGen,
    FilterGen,
    Gen,
    ObjectGen,
    RuleGen,
    StringGen,
    UnionGen,
)

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from contracttest.generate.compiler import Compiler
    from contracttest.openapi.model import Spec
    from contracttest.validate.rules import RuleEntry, RuleTable

__all__ = ["PHONE_RULES", "Semantic", "alphanumeric_numbers", "e164_numbers", "rule_table"]

PHONE_RULES = ("phone.e164", "phone.alphanumeric")
HOOK_RULES = (
    "hooks.on",
    "hooks.do.shape",
    "hooks.do.multiple",
    "hooks.filter.prefix",
    "hooks.filter.count",
    "hooks.filter.reason",
)
TEMPLATES = ("{{customer.number}}", "{{phoneNumber.number}}")
_COMPONENT = "/components/schemas/"


def rule_table(spec: Spec) -> RuleTable:
    """The rule table the validator uses for ``spec`` (matched on title and servers)."""
    from contracttest.validate._plan import rule_table_for

    return rule_table_for(spec)


def component_name(definition: Any) -> str | None:
    """``/components/schemas/<Name>`` of a translated definition -> ``<Name>``."""
    if not isinstance(definition, dict):
        return None
    ptr = definition.get("x-spec-pointer")
    if isinstance(ptr, str) and ptr.startswith(_COMPONENT) and "/" not in ptr[len(_COMPONENT) :]:
        from contracttest._pointer import unescape

        return unescape(ptr[len(_COMPONENT) :])
    return None


@functools.cache
def _example_numbers() -> tuple[str, ...]:
    import phonenumbers

    types = (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.TOLL_FREE,
    )
    found: list[str] = []
    regions = ["US", "GB", "DE", "FR", "IN", "AU", "BR", "JP"]
    regions += sorted(r for r in phonenumbers.SUPPORTED_REGIONS if r not in regions)
    for region in regions:
        for kind in types:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is None or not phonenumbers.is_valid_number(number):
                continue
            text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if text not in found:
                found.append(text)
    return tuple(found)


def e164_numbers(string: Gen | None = None, *, templates: bool = False) -> SearchStrategy[str]:
    """Valid E.164 numbers (libphonenumber's examples) that also fit ``string``'s own limits."""
    from hypothesis import strategies as st

    numbers = [n for n in _example_numbers() if string is None or _fits(string, n)]
    if templates:
        numbers += [t for t in TEMPLATES if string is None or _fits(string, t)]
    if not numbers:
        return st.nothing()
    return st.sampled_from(numbers)


def alphanumeric_numbers(string: Gen | None = None) -> SearchStrategy[str]:
    """``/^\\+?[a-zA-Z0-9]+$/`` strings that are not E.164 (within ``string``'s limits)."""
    from hypothesis import strategies as st

    from contracttest.generate.strings import pattern_strings
    from contracttest.schema.ecma import compile_pattern
    from contracttest.validate.rules.phone import check_e164

    lo, hi = 1, 40
    if isinstance(string, StringGen):
        lo = max(lo, string.min_length)
        hi = string.max_length if string.max_length is not None else hi
    plan = pattern_strings(compile_pattern(r"^\+?[a-zA-Z0-9]+$"), lo, hi)
    if not plan.satisfiable:
        return st.nothing()
    out = plan.strategy().filter(lambda s: check_e164(s) is not None)
    if isinstance(string, StringGen):
        out = out.filter(lambda s: _fits(string, s))
    return out


def _fits(gen: Gen, value: str) -> bool:
    from contracttest.generate.relations import accepts_value

    while isinstance(gen, FilterGen) and gen.inner is not None:
        if gen.check is not None and not gen.check(value):
            return False
        gen = gen.inner
    return accepts_value(gen, value) if isinstance(gen, (StringGen, ConstGen)) else True


@dataclass(frozen=True)
class PropertyRule:
    """Object-level: build property ``name`` for whichever table entry applies to the drawn object."""

    name: str
    entries: tuple[RuleEntry, ...]
    schema_gen: Gen

    def valid_values(self, entry: RuleEntry) -> list[str]:
        """A few deterministic valid values for ``entry`` (boundary phase, minimal payloads)."""
        from contracttest.validate.rules.phone import check_e164

        if entry.rule == "phone.alphanumeric":
            found = [v for v in ("abc123", "1234", "+0012345", "ABC") if check_e164(v) is not None]
        else:
            found = list(_example_numbers()[:3])
            if entry.options.get("allow_template"):
                found += list(TEMPLATES)
        return [v for v in found if _fits(self.schema_gen, v)]

    def minimal(self, value: dict[str, Any]) -> bool:
        """Give ``value[name]`` a valid value for the entry that applies; False if none exists."""
        if self.name not in value:
            return True
        for entry in self.entries:
            if entry.applies(value):
                found = self.valid_values(entry)
                if not found:
                    return False
                value[self.name] = found[0]
                return True
        return True

    def holds(self, value: dict[str, Any]) -> bool:
        """Whether ``value[name]`` passes the entries that apply (no ERROR finding)."""
        from contracttest.findings import Severity

        if self.name not in value:
            return True
        for entry in self.entries:
            for finding in entry.run(value[self.name], parent=value, property_name=self.name):
                if finding.severity >= Severity.ERROR:
                    return False
        return True

    def examples(self, base: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
        """Valid objects exercising each entry (the sibling its ``when`` reads set to match)."""
        from contracttest._pointer import MISSING

        out: list[tuple[dict[str, Any], str]] = []
        for entry in self.entries:
            obj = dict(base)
            cond = entry.when
            if cond is not None:
                if cond.equals is not MISSING:
                    obj[cond.property] = cond.equals
                elif cond.default is not None and cond.default != cond.not_equals:
                    obj.pop(cond.property, None)
            if not entry.applies(obj):
                continue
            for v in self.valid_values(entry):
                candidate = {**obj, self.name: v}
                if self.holds(candidate):
                    out.append((candidate, f"{entry.rule}: {v!r}"))
        return out

    def value_strategy(self, entry: RuleEntry) -> SearchStrategy[Any]:
        if entry.rule == "phone.alphanumeric":
            return alphanumeric_numbers(self.schema_gen)
        return e164_numbers(self.schema_gen, templates=bool(entry.options.get("allow_template")))

    def strategy(
        self, builder: Any, gen: ObjectGen, base: SearchStrategy[Any], level: int
    ) -> SearchStrategy[Any]:
        from hypothesis import strategies as st

        per_entry = [(e, self.value_strategy(e)) for e in self.entries]
        name = self.name

        @st.composite
        def build(draw: Any) -> Any:
            value = draw(base)
            if name in value:
                for entry, values in per_entry:
                    if entry.applies(value):
                        value[name] = draw(values)
                        break
            return value

        return build()


class Semantic:
    """Applies a spec's rule table to the compiler's plans (see the module docstring)."""

    def __init__(self, spec: Spec, table: RuleTable | None = None) -> None:
        self.spec = spec
        self.table = table if table is not None else rule_table(spec)

    def apply(self, compiler: Compiler, gen: Gen, key: str) -> Gen:
        if not isinstance(gen, ObjectGen) or not self.table.entries:
            return gen
        component = component_name(compiler.defs.get(key))
        if component is None:
            return gen
        props = dict(gen.properties)
        rules: list[Any] = []
        changed = False
        for name, sub in gen.properties.items():
            entries = self.table.entries_for(component, name)
            if not entries:
                continue
            phone = tuple(e for e in entries if e.rule in PHONE_RULES)
            if phone:
                rules.append(PropertyRule(name, phone, sub))
            hook_rules = tuple(sorted({e.rule for e in entries if e.rule in HOOK_RULES}))
            if hook_rules:
                props[name] = RuleGen(
                    sub.pointer,
                    rules=hook_rules,
                    inner=sub,
                    valid=narrow_hooks(sub),
                    notes=sub.notes,
                    source=sub.source,
                )
                changed = True
        if not rules and not changed:
            return replace(gen, component=component) if gen.component is None else gen
        return replace(gen, properties=props, rules=(*gen.rules, *rules), component=component)


# ------------------------------------------------------------------------------------ hooks
def narrow_hooks(gen: Gen) -> Gen:
    """A hooks array (or one hook) whose hooks pass every ``hooks.*`` rule, warnings included."""
    if isinstance(gen, ArrayGen) and gen.items is not None:
        return replace(gen, items=narrow_hooks(gen.items))
    if isinstance(gen, UnionGen):
        return replace(gen, branches=tuple(narrow_hooks(b) for b in gen.branches))
    if isinstance(gen, FilterGen) and gen.inner is not None:
        return replace(gen, inner=narrow_hooks(gen.inner))
    if isinstance(gen, ObjectGen):
        return _narrow_hook(gen)
    return gen


def _kind(hook: ObjectGen) -> str | None:
    from contracttest.validate.rules.hooks import ENDING, RINGING

    on = hook.properties.get("on")
    if isinstance(on, ConstGen) and len(on.values) == 1 and on.values[0] in (RINGING, ENDING):
        return str(on.values[0])
    return None


def _narrow_hook(hook: ObjectGen) -> ObjectGen:
    from contracttest.validate.rules.hooks import ENDING, RINGING

    kind = _kind(hook)
    props = dict(hook.properties)
    if kind == RINGING:
        do = props.get("do")
        if isinstance(do, ArrayGen) and not do.empty_only:
            props["do"] = replace(do, min_items=1, max_items=1)
        filters = props.get("filters")
        if isinstance(filters, ArrayGen) and isinstance(filters.items, ObjectGen):
            props["filters"] = replace(filters, items=_narrow_ringing_filter(filters.items))
    elif kind == ENDING:
        filters = props.get("filters")
        if isinstance(filters, ArrayGen) and isinstance(filters.items, ObjectGen):
            props["filters"] = replace(filters, items=_narrow_ending_filter(filters.items))
    return replace(hook, properties=props)


_DIGITS = r"^[0-9]+$"


def _narrow_ringing_filter(item: ObjectGen) -> ObjectGen:
    from contracttest.generate.strings import pattern_strings
    from contracttest.schema.ecma import compile_pattern
    from contracttest.validate.rules.hooks import MAX_PREFIX_LENGTH, MAX_PREFIXES

    prefixes = item.properties.get("startsWith")
    if not isinstance(prefixes, ArrayGen) or prefixes.empty_only:
        return item
    hi = MAX_PREFIXES if prefixes.max_items is None else min(MAX_PREFIXES, prefixes.max_items)
    own = prefixes.items if isinstance(prefixes.items, StringGen) else None
    lo_len = max(1, own.min_length if own else 1)
    hi_len = MAX_PREFIX_LENGTH
    if own is not None and own.max_length is not None:
        hi_len = min(hi_len, own.max_length)
    digits = compile_pattern(_DIGITS)
    prefix = StringGen(
        prefixes.pointer,
        min_length=lo_len,
        max_length=hi_len,
        pattern=digits,
        plan=pattern_strings(digits, lo_len, hi_len),
    )
    narrowed = replace(prefixes, min_items=max(1, prefixes.min_items), max_items=hi, items=prefix)
    return replace(item, properties={**item.properties, "startsWith": narrowed})


def _narrow_ending_filter(item: ObjectGen) -> ObjectGen:
    from contracttest.validate.rules.hooks import ENDING_REASONS

    reasons = item.properties.get("oneOf")
    if not isinstance(reasons, ArrayGen) or reasons.empty_only:
        return item
    values: tuple[Any, ...] = ENDING_REASONS
    if isinstance(reasons.items, ConstGen):
        values = tuple(v for v in reasons.items.values if v in ENDING_REASONS)
    if not values:
        return item
    narrowed = replace(
        reasons,
        min_items=max(1, reasons.min_items),
        items=ConstGen(reasons.pointer, values=values, declared=values, schema_types=("string",)),
    )
    return replace(item, properties={**item.properties, "oneOf": narrowed})

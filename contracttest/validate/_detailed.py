"""The detailed path: python-jsonschema with our keyword semantics, producing every error with its place.

Used for the payloads the fast path rejects (and for the verdict when jsonschema-rs is absent).
`jsonschema.validators.extend` replaces these keywords of the dialect's validator:

* ``oneOf``/``anyOf``: with ``x-discriminator`` the tag selects one branch and only that branch's errors
  are reported; a missing or unknown tag is one ``discriminator.missing``/``discriminator.unknown`` error.
  Without one, the best-matching branch's errors are reported (not "is not valid under any of the given
  schemas"); when every branch fails on the value's JSON type, one ``type`` error lists them all.
* ``additionalProperties``: one error per unknown property, placed on that property.
* ``required``: one error per missing property, placed where the property should be.
* ``pattern`` (portable, read with ``u``), ``x-ecma-pattern`` (the spec's own ECMA-262 text, for patterns
  with no portable form; its errors are ``pattern`` errors) and ``patternProperties``: ECMA-262 through
  `contracttest.validate._keywords.matcher`.
* ``maxLength``/``minLength``: counted by the configured method; the error records every count.
* ``format``: `contracttest.validate.formats` only.

Errors carry extra attributes (``ct_rule``, ``ct_info``) that `contracttest.validate._report` reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from contracttest.validate import _keywords
from contracttest.validate.formats import FORMATS

if TYPE_CHECKING:
    from jsonschema.protocols import Validator as JsonschemaValidator

__all__ = ["build"]

# Keywords whose failure at a branch's root means "this branch is for another kind of value".
_KIND_KEYWORDS = frozenset({"type", "const", "enum", "discriminator"})


def _error(message: str, **kwargs: Any) -> Any:
    from jsonschema.exceptions import ValidationError

    info = kwargs.pop("info", None)
    rule = kwargs.pop("rule", None)
    err = ValidationError(message, **kwargs)
    err.ct_info = info or {}  # type: ignore[attr-defined]
    err.ct_rule = rule  # type: ignore[attr-defined]
    return err


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not _keywords.pattern_matches(
        pattern, instance, _keywords.PORTABLE_FLAGS
    ):
        yield _error(f"does not match {pattern!r}")


def _ecma_pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not _keywords.pattern_matches(pattern, instance):
        yield _error(f"does not match {pattern!r}", validator="pattern")


def _pattern_properties(validator: Any, pp: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, sub in pp.items():
        for name, value in instance.items():
            if _keywords.pattern_matches(pattern, name):
                yield from validator.descend(value, sub, path=name, schema_path=pattern)


def _extras(instance: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    props = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    return [
        name
        for name in instance
        if name not in props and not any(_keywords.pattern_matches(p, name) for p in patterns)
    ]


def _additional_properties(validator: Any, ap: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    extras = _extras(instance, schema)
    if validator.is_type(ap, "object"):
        for name in extras:
            yield from validator.descend(instance[name], ap, path=name)
    elif ap is False:
        for name in extras:
            yield _error(f"property {name} should not exist", path=(name,), instance=instance[name])


def _required(validator: Any, required: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for name in required:
        if name not in instance:
            yield _error(f"{name} is required", path=(name,), info={"missing": name})


def _length(longest: bool, method: str) -> Any:
    check = _keywords.too_long if longest else _keywords.too_short

    def keyword(validator: Any, limit: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if validator.is_type(instance, "string") and check(instance, limit, method):
            counts = _keywords.length_counts(instance)
            yield _error("length out of bounds", info={"counts": counts, "method": method})

    return keyword


def _kind_mismatch(errors: list[Any]) -> bool:
    return any(len(e.path) == 0 and e.validator in _KIND_KEYWORDS for e in errors)


def _rank(errors: list[Any]) -> tuple[int, int, int, int]:
    """Lower is a better match: no kind mismatch at the root, then shallow kind errors, depth, count."""
    shallow = sum(1 for e in errors if len(e.path) <= 1 and e.validator in _KIND_KEYWORDS)
    deepest = max((len(e.path) for e in errors), default=0)
    return (int(_kind_mismatch(errors)), shallow, -deepest, len(errors))


def _branch_types(branch: Any, root: Any) -> list[str]:
    """The JSON types a branch admits (resolving local ``$ref``s), for a combined type error."""
    from contracttest import _pointer

    seen = 0
    while isinstance(branch, dict) and isinstance(branch.get("$ref"), str) and seen < 16:
        seen += 1
        ref = branch["$ref"]
        if not ref.startswith("#"):
            return []
        branch = _pointer.resolve(root, ref[1:], None)
    if not isinstance(branch, dict):
        return []
    t = branch.get("type")
    if isinstance(t, str):
        return [t]
    if isinstance(t, list):
        return [str(x) for x in t]
    if "enum" in branch or "const" in branch:
        return []
    for comb in ("oneOf", "anyOf"):
        if isinstance(branch.get(comb), list):
            out: list[str] = []
            for sub in branch[comb]:
                out.extend(x for x in _branch_types(sub, root) if x not in out)
            return out
    return []


def _combinator(kind: str, tables: Mapping[str, Mapping[Any, int]], root: Any) -> Any:
    def keyword(validator: Any, branches: Any, instance: Any, schema: Any) -> Iterator[Any]:
        xd = schema.get("x-discriminator")
        if isinstance(xd, dict) and validator.is_type(instance, "object"):
            yield from _dispatch(validator, kind, branches, instance, xd, tables, root)
            return
        yield from _best_match(validator, kind, branches, instance, root)

    return keyword


def _dispatch(
    validator: Any,
    kind: str,
    branches: list[Any],
    instance: dict[str, Any],
    xd: dict[str, Any],
    tables: Mapping[str, Mapping[Any, int]],
    root: Any,
) -> Iterator[Any]:
    prop = xd["propertyName"]
    mapping = xd.get("mapping") or {}
    allowed = list(mapping)
    pinned = set(mapping.values())
    inline = [i for i in range(len(branches)) if i not in pinned]
    info = {"property": prop, "allowed": allowed, "pointer": xd.get("pointer")}
    if prop not in instance:
        if xd.get("optional"):
            # No mapped schema requires the tag (a PATCH body): any one branch will do.
            yield from _best_match(validator, "anyOf", branches, instance, root)
            return
        if inline and _any_valid(validator, branches, inline, instance):
            return
        yield _error(f"{prop} is required", path=(prop,), rule="discriminator.missing", info=info)
        return
    tag = instance[prop]
    idx = _keywords.select_branch(xd, tables.get(str(xd.get("pointer"))), tag)
    if idx is None or idx >= len(branches):
        if inline and _any_valid(validator, branches, inline, instance):
            return
        yield _error(
            f"{prop} names no variant",
            path=(prop,),
            instance=tag,
            rule="discriminator.unknown",
            info=info,
        )
        return
    errors = list(validator.descend(instance, branches[idx], schema_path=idx))
    yield from errors
    if not errors and kind == "oneOf" and inline:
        also = [i for i in inline if validator.evolve(schema=branches[i]).is_valid(instance)]
        if also:
            yield _error("matches more than one branch", info={"valid": [idx, *also]})


def _any_valid(validator: Any, branches: list[Any], which: list[int], instance: Any) -> bool:
    return any(validator.evolve(schema=branches[i]).is_valid(instance) for i in which)


def _best_match(
    validator: Any, kind: str, branches: list[Any], instance: Any, root: Any
) -> Iterator[Any]:
    results = [list(validator.descend(instance, b, schema_path=i)) for i, b in enumerate(branches)]
    valid = [i for i, errs in enumerate(results) if not errs]
    if kind == "anyOf" and valid:
        return
    if kind == "oneOf" and len(valid) == 1:
        return
    if len(valid) > 1:
        yield _error("matches more than one branch", info={"valid": valid})
        return
    if not results:
        return
    if all(_kind_mismatch(errs) for errs in results):
        types: list[str] = []
        for b in branches:
            types.extend(t for t in _branch_types(b, root) if t not in types)
        if types:
            yield _error(
                "matches no branch's type", validator="type", validator_value=types, info={}
            )
            return
    best = min(range(len(results)), key=lambda i: _rank(results[i]))
    yield from results[best]


def build(
    schema: dict[str, Any],
    *,
    dialect: str,
    length_method: str,
    tables: Mapping[str, Mapping[Any, int]],
) -> JsonschemaValidator:
    """A python-jsonschema validator for ``schema`` with our keyword semantics."""
    from jsonschema import Draft7Validator, Draft202012Validator, FormatChecker, validators

    base: Any = Draft202012Validator if dialect == "3.1" else Draft7Validator
    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(_string_only(check))
    overrides: dict[str, Any] = {
        "pattern": _pattern,
        "x-ecma-pattern": _ecma_pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
        "required": _required,
        "maxLength": _length(True, length_method),
        "minLength": _length(False, length_method),
        "oneOf": _combinator("oneOf", tables, schema),
        "anyOf": _combinator("anyOf", tables, schema),
    }
    cls = validators.extend(base, overrides, format_checker=checker)  # type: ignore[no-untyped-call]
    validator: JsonschemaValidator = cls(schema, format_checker=checker)
    return validator


def _string_only(check: Any) -> Any:
    def run(instance: object) -> bool:
        return not isinstance(instance, str) or bool(check(instance))

    return run

"""Spec lint: contract defects that make a spec lie about the API it describes.

A spec can be valid OpenAPI and still promise things the API cannot do: a property typed ``object``
whose enum only holds strings, a ``default`` its own schema rejects, a discriminator naming a
property the mapped DTO does not declare. Each rule is one small generator function registered
with `spec_rule`; it reads the raw document through a shared `LintContext` (one walk, caches for
``$ref`` resolution, translated schemas and validators) and yields `Finding`s that point into
the spec.

Two kinds of reasoning, on purpose:

* Local rules (unsatisfiable keywords, keywords that do not apply to the declared type) read the
  raw Schema Objects, so they can name the exact keyword that lies and say how to fix it.
* Value rules (``default``/``example`` validity, ``oneOf`` witnesses) validate against the
  *translated* schema (`Translator.bundle`, open objects), the JSON Schema every other layer uses,
  so a lint verdict never disagrees with the validator's. Objects stay open here because
  OpenAPI's own semantics are open: closing request objects is contracttest's policy, not the
  spec's.

Loader diagnostics (``oas.*`` structure errors, ``spec.*`` translation warnings) are part of the
report; where a lint rule reports the same defect at the same place, its finding replaces the
diagnostic.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from contracttest.errors import ContractTestError, SpecError
from contracttest.findings import Finding, Severity
from contracttest.openapi.model import Spec

# The rule modules register their rules on import.
from contracttest.openapi.speclint import _references, _schemas, _security, _unions  # noqa: F401
from contracttest.openapi.speclint._context import LintContext, SchemaSite, _finding
from contracttest.openapi.speclint._registry import RULES, SpecRule, spec_rule

__all__ = [
    "RULES",
    "LintContext",
    "SchemaSite",
    "SpecRule",
    "lint_spec",
    "parse_severities",
    "run_rule",
    "spec_rule",
    "summarize",
]

# Loader diagnostics a lint rule reports better: diagnostic rule -> lint rule at the same pointer.
_SUPERSEDED = {
    "spec.pattern-untranslatable": "pattern.untranslatable",
    "spec.discriminator-target-missing": "discriminator.target-missing",
    "spec.ref-unresolvable": "components.missing",
    "spec.ref-refused": "components.missing",  # same place, the message says why it was refused
}


def _translate_all(spec: Spec) -> list[Finding]:
    """Build every target's schema once, so translation diagnostics are complete."""
    out: list[Finding] = []
    for target in spec.iter_targets():
        try:
            target.schema()
        except ContractTestError as exc:
            if isinstance(exc, SpecError) and _already_reported(spec, exc.pointer):
                continue  # an unresolved $ref / cycle: reported once, at its place
            why, ptr = exc.message, exc.pointer or target.pointer
            fix = "fix what the message names (an overlay can patch a vendored spec)"
        except RecursionError:
            why, ptr = "translation recursed without end (a $ref/allOf cycle)", target.pointer
            fix = "break the cycle, or report the spec to the contracttest maintainers"
        else:
            continue
        out.append(
            _finding(
                "spec.translation-failed",
                Severity.ERROR,
                ptr,
                f"{target.key}: {why}; checks against it are skipped",
                fix,
            )
        )
    return out


def _already_reported(spec: Spec, pointer: str | None) -> bool:
    return pointer is not None and any(
        d.pointer == pointer and d.severity >= Severity.ERROR for d in spec.translator.diagnostics
    )


def run_rule(spec: Spec, rule_id: str, ctx: LintContext | None = None) -> list[Finding]:
    """The findings of one rule, sorted (no loader diagnostics); for tests and tools."""
    if rule_id not in RULES:
        raise KeyError(f"no spec lint rule {rule_id!r}; known: {', '.join(RULES)}")
    ctx = ctx or LintContext(spec)
    return sorted(spec.locate(list(RULES[rule_id].func(ctx))), key=Finding.sort_key)


def lint_spec(
    spec: Spec,
    *,
    rules: Collection[str] | None = None,
    enable: Collection[str] = (),
    severities: Mapping[str, Severity | None] | None = None,
) -> list[Finding]:
    """Every contract defect of ``spec``: lint rules plus the loader's diagnostics.

    Args:
        spec: a loaded spec (`contracttest.openapi.load_spec`).
        rules: only these rule ids (loader diagnostics are then left out); default every rule that
            is not opt-in.
        enable: opt-in rules to run as well (ids or family prefixes such as ``security.``).
        severities: per-rule severity overrides (`parse_severities`); None drops the rule's findings.

    Returns:
        Findings sorted by file position, deduplicated, each located (file, line, column).

    Example:
        >>> from contracttest.openapi import load_spec  # doctest: +SKIP
        >>> for f in lint_spec(load_spec("spec/vapi-phone-numbers.yaml")):  # doctest: +SKIP
        ...     print(f)
    """
    if rules is not None:
        unknown = sorted(set(rules) - set(RULES))
        if unknown:
            raise KeyError(f"no spec lint rule {', '.join(map(repr, unknown))}")
    found = _translate_all(spec)
    ctx = LintContext(spec)
    for rule in RULES.values():
        if rules is not None:
            wanted = rule.id in rules
        else:
            wanted = not rule.opt_in or _matches(rule.id, enable)
        if wanted:
            found.extend(rule.func(ctx))
    if rules is None:
        by_rule_ptr = {(f.rule, f.pointer) for f in found}
        tag_ptrs = {f.schema_pointer for f in found if f.rule == "discriminator.tag-mismatch"}
        for diag in spec.diagnostics:
            better = _SUPERSEDED.get(diag.rule)
            if better is not None and (better, diag.pointer) in by_rule_ptr:
                continue
            if diag.rule == "spec.discriminator-tag-outside-enum" and diag.pointer in tag_ptrs:
                continue
            found.append(diag)
    unique: dict[tuple[str, str, str], Finding] = {}
    for f in found:
        unique.setdefault((f.rule, f.pointer, f.message), f)
    kept = _override(list(unique.values()), severities or {})
    return sorted(spec.locate(kept), key=Finding.sort_key)


def _matches(rule_id: str, keys: Iterable[str]) -> bool:
    return any(rule_id == k or (k.endswith(".") and rule_id.startswith(k)) for k in keys)


def _override(findings: list[Finding], severities: Mapping[str, Severity | None]) -> list[Finding]:
    """Each finding at the severity its most specific override gives (none: dropped)."""
    if not severities:
        return findings
    out = []
    for f in findings:
        keys = [k for k in severities if _matches(f.rule, [k])]
        if not keys:
            out.append(f)
            continue
        level = severities[max(keys, key=len)]
        if level is not None:
            out.append(f if f.severity is level else dataclasses.replace(f, severity=level))
    return out


# Loader diagnostics have rule ids of their own families; overrides may name them too.
_DIAGNOSTIC_FAMILIES = ("oas.", "spec.", "overlay.")


def parse_severities(
    table: Mapping[str, Any], *, source: str | None = None, base: str = ""
) -> dict[str, Severity | None]:
    """Validate a ``{rule or family prefix: "error" | "warning" | "info" | "off"}`` table.

    Keys are rule ids (``security.ssrf-url``), family prefixes ending in a dot (``security.``), or
    loader diagnostic ids (``oas.*``, ``spec.*``, ``overlay.*``).

    Raises:
        UsageError: an unknown rule or level, naming ``source`` and the JSON pointer ``base/<key>``.
    """
    from contracttest.errors import UsageError
    from contracttest.openapi.speclint._context import _did_you_mean

    families = {r.split(".", 1)[0] + "." for r in RULES}
    out: dict[str, Severity | None] = {}
    for key, value in table.items():
        pointer = f"{base}/{key}"
        known = key in RULES or key in families or key.startswith(_DIAGNOSTIC_FAMILIES)
        if not known:
            raise UsageError(
                f"no spec lint rule or family {key!r}{_did_you_mean(key, sorted(RULES))}",
                source=source,
                pointer=pointer,
            )
        if not isinstance(value, str) or value.lower() not in ("error", "warning", "info", "off"):
            raise UsageError(
                f"the severity of {key!r} must be error, warning, info or off, got {value!r}",
                source=source,
                pointer=pointer,
            )
        out[key] = None if value.lower() == "off" else Severity.parse(value)
    return out


def summarize(findings: Iterable[Finding]) -> dict[str, Any]:
    """Counts for reports: ``{"total", "error", "warning", "info", "rules": {rule: n}}``."""
    out: dict[str, Any] = {"total": 0, "error": 0, "warning": 0, "info": 0, "rules": {}}
    for f in findings:
        out["total"] += 1
        out[str(f.severity)] += 1
        out["rules"][f.rule] = out["rules"].get(f.rule, 0) + 1
    out["rules"] = dict(sorted(out["rules"].items()))
    return out

"""Vapi phone-number hooks: what the schema cannot say about ``call.ringing`` / ``call.ending`` hooks.

The seed spec gets some of it wrong or leaves it out: ``startsWith`` carries ``maxLength: 20`` (an
array keyword that JSON Schema ignores, meaning at most 20 prefixes), the prefixes must be digits
without ``+`` (in the description only), the ending filter's reasons are an ``enum`` on the array,
``hooks`` items are a ``oneOf`` with no discriminator, and only the first ringing action runs.

`check_hook` works on one hook object and yields `HookIssue` records with pointers relative to it;
the rules registered from `RULES` turn them into findings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from contracttest._pointer import escape
from contracttest.findings import Severity, truncate_value

if TYPE_CHECKING:
    from contracttest.findings import Finding
    from contracttest.validate.rules import RuleContext, RuleFunction

__all__ = [
    "ENDING",
    "ENDING_REASONS",
    "HOOK_RULE_IDS",
    "MAX_PREFIXES",
    "MAX_PREFIX_LENGTH",
    "RINGING",
    "HookIssue",
    "check_ending_filter",
    "check_hook",
    "check_hooks",
    "check_ringing_filter",
    "shape_kind",
]

RINGING = "call.ringing"
ENDING = "call.ending"
# PhoneNumberCallEndingHookFilter.oneOf in the seed spec.
ENDING_REASONS = (
    "assistant-request-failed",
    "assistant-request-returned-error",
    "assistant-request-returned-unspeakable-error",
    "assistant-request-returned-invalid-assistant",
    "assistant-request-returned-no-assistant",
    "assistant-request-returned-forwarding-phone-number",
)
# PhoneNumberCallRingingHookFilter.startsWith: maxLength 20 on the array and on each item.
MAX_PREFIXES = 20
MAX_PREFIX_LENGTH = 20

HOOK_RULE_IDS = (
    "hooks.on",
    "hooks.do.shape",
    "hooks.do.multiple",
    "hooks.filter.prefix",
    "hooks.filter.count",
    "hooks.filter.reason",
)


class HookIssue(NamedTuple):
    """One problem in a hook; ``pointer`` is relative to the checked object (``""`` = itself)."""

    pointer: str
    rule: str
    severity: Severity
    message: str
    expected: str | None = None
    actual: str | None = None


def _evidence(hook: Mapping[str, Any]) -> dict[str, list[str]]:
    """What in the hook's shape says which kind it is: {kind: [reasons]}."""
    found: dict[str, list[str]] = {RINGING: [], ENDING: []}
    do = hook.get("do")
    if isinstance(do, list):
        found[RINGING].append("do is an array")
    elif isinstance(do, dict):
        found[ENDING].append("do is an object")
    filters = hook.get("filters")
    if isinstance(filters, list):
        for item in filters:
            if not isinstance(item, dict):
                continue
            if item.get("type") == "startsWith" or "startsWith" in item:
                found[RINGING].append("a filter uses startsWith")
                break
            if item.get("type") == "oneOf" or item.get("key") == "call.endedReason":
                found[ENDING].append("a filter matches call.endedReason")
                break
    return found


def shape_kind(hook: Mapping[str, Any]) -> str | None:
    """``call.ringing`` or ``call.ending`` when the hook's shape says so unambiguously, else None."""
    found = _evidence(hook)
    if found[RINGING] and not found[ENDING]:
        return RINGING
    if found[ENDING] and not found[RINGING]:
        return ENDING
    return None


def check_hook(hook: object, pointer: str = "") -> Iterator[HookIssue]:
    """Check one phone-number hook object (``PhoneNumberHookCallRinging``/``...CallEnding``).

    The kind comes from ``on`` when it is one of the two events, else from the shape. Non-objects
    and members of the wrong JSON type are left to the schema.
    """
    if not isinstance(hook, dict):
        return
    on = hook.get("on")
    shape = shape_kind(hook)
    kinds = f"{RINGING!r} or {ENDING!r}"
    if on not in (RINGING, ENDING):
        message = "missing 'on'" if "on" not in hook else f"unknown event {on!r}"
        if shape is not None:
            message += f"; the hook is shaped like a {shape!r} hook"
        yield HookIssue(
            f"{pointer}/on",  # the member at fault, present or missing
            "hooks.on",
            Severity.ERROR,
            f"{message}: on must be {kinds}",
            expected=kinds,
            actual=truncate_value(on) if "on" in hook else None,
        )
        kind = shape
    else:
        kind = on
        if shape is not None and shape != on:
            why = " and ".join(_evidence(hook)[shape])
            yield HookIssue(
                f"{pointer}/on",
                "hooks.on",
                Severity.ERROR,
                f"on is {on!r} but {why}, which only {shape!r} hooks take",
                expected=repr(shape),
                actual=truncate_value(on),
            )
    if kind is None:
        return
    yield from _check_do(hook, kind, pointer)
    filters = hook.get("filters")
    if isinstance(filters, list):
        check = check_ringing_filter if kind == RINGING else check_ending_filter
        for index, item in enumerate(filters):
            yield from check(item, f"{pointer}/filters/{index}")


def _check_do(hook: Mapping[str, Any], kind: str, pointer: str) -> Iterator[HookIssue]:
    do = hook.get("do")
    if kind == RINGING:
        if "do" not in hook:
            yield HookIssue(
                pointer,
                "hooks.do.shape",
                Severity.ERROR,
                "a call.ringing hook needs do: an array of actions",
                expected="do: [action]",
            )
        elif not isinstance(do, list):
            yield HookIssue(
                f"{pointer}/do",
                "hooks.do.shape",
                Severity.ERROR,
                f"do must be an array of actions for call.ringing hooks, not {_json_type(do)}",
                expected="array",
                actual=truncate_value(do),
            )
        elif not do:
            yield HookIssue(
                f"{pointer}/do",
                "hooks.do.multiple",
                Severity.WARNING,
                "do is empty: the hook does nothing",
                expected="exactly 1 action",
                actual="[]",
            )
        elif len(do) > 1:
            yield HookIssue(
                f"{pointer}/do/1",
                "hooks.do.multiple",
                Severity.WARNING,
                f"only the first of {len(do)} actions runs; the others are ignored",
                expected="exactly 1 action",
                actual=f"{len(do)} actions",
            )
    elif "do" in hook and not isinstance(do, dict):
        yield HookIssue(
            f"{pointer}/do",
            "hooks.do.shape",
            Severity.ERROR,
            f"do must be one action object for call.ending hooks, not {_json_type(do)}",
            expected="object",
            actual=truncate_value(do),
        )


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "null"


def check_ringing_filter(item: object, pointer: str = "") -> Iterator[HookIssue]:
    """``PhoneNumberCallRingingHookFilter``: 1-20 prefixes, each 1-20 ASCII digits without ``+``."""
    if not isinstance(item, dict) or not isinstance(item.get("startsWith"), list):
        return
    prefixes: list[Any] = item["startsWith"]
    where = f"{pointer}/startsWith"
    if len(prefixes) > MAX_PREFIXES:
        yield HookIssue(
            where,
            "hooks.filter.count",
            Severity.ERROR,
            f"at most {MAX_PREFIXES} prefixes (has {len(prefixes)})",
            expected=f"at most {MAX_PREFIXES} prefixes",
            actual=f"{len(prefixes)} prefixes",
        )
    elif not prefixes:
        yield HookIssue(
            where,
            "hooks.filter.count",
            Severity.WARNING,
            "startsWith is empty: the filter matches no caller",
            expected=f"1 to {MAX_PREFIXES} prefixes",
            actual="[]",
        )
    for index, prefix in enumerate(prefixes):
        if not isinstance(prefix, str):
            continue
        reason = _prefix_reason(prefix)
        if reason is not None:
            yield HookIssue(
                f"{where}/{index}",
                "hooks.filter.prefix",
                Severity.ERROR,
                reason,
                expected=f"1 to {MAX_PREFIX_LENGTH} digits, no '+'",
                actual=truncate_value(prefix),
            )


def _prefix_reason(prefix: str) -> str | None:
    if not prefix:
        return "empty prefix: a prefix is 1 to 20 digits"
    if prefix.startswith("+"):
        return "prefix must not include '+': Vapi matches the digits after it"
    bad = next((ch for ch in prefix if ch not in "0123456789"), None)
    if bad is not None:
        return (
            "prefix contains spaces"
            if bad.isspace()
            else f"prefix must be digits only, has {bad!r}"
        )
    if len(prefix) > MAX_PREFIX_LENGTH:
        return f"prefix has at most {MAX_PREFIX_LENGTH} digits (has {len(prefix)})"
    return None


def check_ending_filter(item: object, pointer: str = "") -> Iterator[HookIssue]:
    """``PhoneNumberCallEndingHookFilter``: ``oneOf`` holds only the six assistant-request reasons."""
    if not isinstance(item, dict) or not isinstance(item.get("oneOf"), list):
        return
    values: list[Any] = item["oneOf"]
    where = f"{pointer}/oneOf"
    if not values:
        yield HookIssue(
            where,
            "hooks.filter.reason",
            Severity.WARNING,
            "oneOf is empty: the filter matches no ended reason",
            expected="one or more assistant-request-* reasons",
            actual="[]",
        )
    for index, value in enumerate(values):
        if value not in ENDING_REASONS:
            yield HookIssue(
                f"{where}/{index}",
                "hooks.filter.reason",
                Severity.ERROR,
                f"{value!r} is not an ended reason phone-number hooks can filter on"
                " (only assistant-request-* reasons)",
                expected="one of " + ", ".join(ENDING_REASONS),
                actual=truncate_value(value),
            )


def check_hooks(hooks: object, pointer: str = "") -> Iterator[HookIssue]:
    """Check a ``hooks`` array (each item with `check_hook`), or a single hook object."""
    if isinstance(hooks, list):
        for index, hook in enumerate(hooks):
            yield from check_hook(hook, f"{pointer}/{escape(index)}")
    else:
        yield from check_hook(hooks, pointer)


def _issues_by_rule(value: Any, ctx: RuleContext) -> dict[str, list[HookIssue]]:
    """`check_hooks` once per value and walk: the six hook rules share the result.

    The validator passes a per-walk ``memo`` dict in ``ctx.settings``; without one (a direct call)
    the check simply runs again.
    """
    memo = ctx.settings.get("memo") if isinstance(ctx.settings, dict) else None
    key = ("hooks", id(value))
    if isinstance(memo, dict):
        got = memo.get(key)
        if got is not None and got[0] is value:
            return got[1]  # type: ignore[no-any-return]
    grouped: dict[str, list[HookIssue]] = {}
    for issue in check_hooks(value):
        grouped.setdefault(issue.rule, []).append(issue)
    if isinstance(memo, dict):
        memo[key] = (value, grouped)  # keep value alive so its id cannot be reused in this walk
    return grouped


def _hook_rule(rule_id: str) -> RuleFunction:
    def hook_rule(value: Any, ctx: RuleContext) -> Iterator[Finding]:
        for issue in _issues_by_rule(value, ctx).get(rule_id, ()):
            # The table's severity is a ceiling: an issue that is only a warning stays one.
            yield ctx.finding(
                issue.message,
                pointer=ctx.pointer + issue.pointer,
                severity=min(ctx.severity, issue.severity),
                expected=issue.expected,
                actual=issue.actual,
            )

    hook_rule.__name__ = hook_rule.__qualname__ = rule_id.replace(".", "_") + "_rule"
    hook_rule.__doc__ = f"``{rule_id}`` on a hooks array or one hook object."
    return hook_rule


_DESCRIPTIONS = {
    "hooks.on": "a hook's on must be call.ringing or call.ending and fit its shape",
    "hooks.do.shape": "call.ringing hooks take do as an array, call.ending hooks as one object",
    "hooks.do.multiple": "only the first action of a call.ringing hook runs",
    "hooks.filter.prefix": "ringing filter prefixes are 1-20 digits without '+'",
    "hooks.filter.count": "a ringing filter has 1-20 prefixes",
    "hooks.filter.reason": "ending filters match only the six assistant-request-* reasons",
}

# Registered by contracttest.validate.rules: id -> (function, default severity, description).
RULES = {
    rule_id: (
        _hook_rule(rule_id),
        "warning" if rule_id == "hooks.do.multiple" else "error",
        _DESCRIPTIONS[rule_id],
    )
    for rule_id in HOOK_RULE_IDS
}

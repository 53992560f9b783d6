"""Vapi phone-number hooks: pure checks and the hooks.* rules."""

from __future__ import annotations

from typing import Any

import pytest

from contracttest.findings import Severity
from contracttest.validate.rules import RuleContext, run_rule
from contracttest.validate.rules.hooks import (
    ENDING_REASONS,
    HOOK_RULE_IDS,
    HookIssue,
    check_ending_filter,
    check_hook,
    check_hooks,
    check_ringing_filter,
    shape_kind,
)

SAY = {"type": "say", "exact": "Hello"}
TRANSFER = {"type": "transfer", "destination": {"type": "number", "number": "+14155550123"}}


def ringing(**overrides: Any) -> dict[str, Any]:
    hook: dict[str, Any] = {
        "on": "call.ringing",
        "filters": [{"type": "startsWith", "key": "number", "startsWith": ["91", "86", "7"]}],
        "do": [TRANSFER],
    }
    hook.update(overrides)
    return hook


def ending(**overrides: Any) -> dict[str, Any]:
    hook: dict[str, Any] = {
        "on": "call.ending",
        "filters": [
            {"type": "oneOf", "key": "call.endedReason", "oneOf": ["assistant-request-failed"]}
        ],
        "do": SAY,
    }
    hook.update(overrides)
    return hook


def issues(hook: object) -> list[tuple[str, str, Severity]]:
    return [(i.pointer, i.rule, i.severity) for i in check_hook(hook)]


def test_six_reasons_from_the_seed_spec() -> None:
    assert len(ENDING_REASONS) == 6
    assert all(r.startswith("assistant-request-") for r in ENDING_REASONS)


def test_good_hooks() -> None:
    assert issues(ringing()) == []
    assert issues(ending()) == []
    assert (
        issues(
            ending(
                filters=[
                    {"type": "oneOf", "key": "call.endedReason", "oneOf": list(ENDING_REASONS)}
                ]
            )
        )
        == []
    )
    assert issues({"on": "call.ending"}) == []  # filters and do are optional on ending hooks
    assert (
        issues(
            ringing(
                filters=[{"type": "startsWith", "key": "number", "startsWith": ["1" * 20] * 20}]
            )
        )
        == []
    )


def test_shape_kind() -> None:
    assert shape_kind(ringing()) == "call.ringing"
    assert shape_kind(ending()) == "call.ending"
    assert shape_kind({"on": "call.ringing"}) is None
    assert shape_kind(ringing(do=SAY)) is None  # conflicting evidence


@pytest.mark.parametrize(
    ("prefix", "fragment"),
    [
        ("+91", "must not include '+'"),
        ("9 1", "contains spaces"),
        ("91a", "digits only, has 'a'"),
        ("٩١", "digits only"),
        ("", "empty prefix"),
        ("1" * 21, "at most 20 digits (has 21)"),
    ],
)
def test_ringing_prefixes(prefix: str, fragment: str) -> None:
    hook = ringing(filters=[{"type": "startsWith", "key": "number", "startsWith": ["44", prefix]}])
    [issue] = check_hook(hook)
    assert issue.rule == "hooks.filter.prefix"
    assert issue.pointer == "/filters/0/startsWith/1"
    assert fragment in issue.message


def test_ringing_prefix_count() -> None:
    many = {"type": "startsWith", "key": "number", "startsWith": [str(n) for n in range(21)]}
    assert issues(ringing(filters=[many])) == [
        ("/filters/0/startsWith", "hooks.filter.count", Severity.ERROR)
    ]
    empty = {"type": "startsWith", "key": "number", "startsWith": []}
    assert issues(ringing(filters=[empty])) == [
        ("/filters/0/startsWith", "hooks.filter.count", Severity.WARNING)
    ]


def test_ending_reasons() -> None:
    bad = {
        "type": "oneOf",
        "key": "call.endedReason",
        "oneOf": ["assistant-request-failed", "customer-ended-call", 7],
    }
    found = list(check_hook(ending(filters=[bad])))
    assert [(i.pointer, i.rule) for i in found] == [
        ("/filters/0/oneOf/1", "hooks.filter.reason"),
        ("/filters/0/oneOf/2", "hooks.filter.reason"),
    ]
    assert "'customer-ended-call' is not an ended reason" in found[0].message
    empty = {"type": "oneOf", "key": "call.endedReason", "oneOf": []}
    assert issues(ending(filters=[empty])) == [
        ("/filters/0/oneOf", "hooks.filter.reason", Severity.WARNING)
    ]


def test_filter_checks_directly() -> None:
    assert list(check_ringing_filter({"startsWith": ["1"]})) == []
    assert [i.pointer for i in check_ringing_filter({"startsWith": ["+1"]}, "/x")] == [
        "/x/startsWith/0"
    ]
    assert list(check_ending_filter({"oneOf": "not a list"})) == []  # the schema's job
    assert list(check_ringing_filter("junk")) == []


def test_ringing_do() -> None:
    assert issues(ringing(do=[])) == [("/do", "hooks.do.multiple", Severity.WARNING)]
    [issue] = check_hook(ringing(do=[TRANSFER, SAY, SAY]))
    assert (issue.pointer, issue.rule, issue.severity) == (
        "/do/1",
        "hooks.do.multiple",
        Severity.WARNING,
    )
    assert issue.message == "only the first of 3 actions runs; the others are ignored"
    missing = ringing()
    del missing["do"]
    assert issues(missing) == [("", "hooks.do.shape", Severity.ERROR)]


def test_ending_do_must_be_an_object() -> None:
    # `on` says ending, do says ringing, filters say ending: shape is ambiguous, so on wins.
    assert issues(ending(do=[SAY])) == [("/do", "hooks.do.shape", Severity.ERROR)]
    assert issues({"on": "call.ending", "do": "say hi"}) == [
        ("/do", "hooks.do.shape", Severity.ERROR)
    ]


def test_on_must_match_the_shape() -> None:
    wrong = ending(on="call.ringing")  # do is an object and the filter is on endedReason
    found = list(check_hook(wrong))
    assert (found[0].pointer, found[0].rule) == ("/on", "hooks.on")
    assert "do is an object and a filter matches call.endedReason" in found[0].message
    # The hook is then checked as a ringing hook (on is what the server dispatches on).
    assert ("/do", "hooks.do.shape") in [(i.pointer, i.rule) for i in found]


def test_on_missing_or_unknown() -> None:
    hook = ringing()
    del hook["on"]
    [issue] = check_hook(hook)
    # the missing member itself, as class-validator names it ("hooks.0.on must be one of ...")
    assert (issue.pointer, issue.rule) == ("/on", "hooks.on")
    assert issue.message.startswith("missing 'on'; the hook is shaped like a 'call.ringing' hook")
    [issue] = check_hook(ringing(on="call.started"))
    assert (issue.pointer, issue.rule) == ("/on", "hooks.on")
    assert "unknown event 'call.started'" in issue.message
    # With no shape to go on, only `on` is reported.
    assert issues({"on": 3}) == [("/on", "hooks.on", Severity.ERROR)]


def test_check_hooks_array() -> None:
    found = list(check_hooks([ringing(), ringing(do=[]), "junk", ending(do=[SAY])]))
    assert [(i.pointer, i.rule) for i in found] == [
        ("/1/do", "hooks.do.multiple"),
        ("/3/do", "hooks.do.shape"),
    ]
    assert all(isinstance(i, HookIssue) for i in found)


def test_rules_split_issues_by_id() -> None:
    hooks = [
        ringing(
            filters=[{"type": "startsWith", "key": "number", "startsWith": ["+1"]}],
            do=[SAY, SAY],
        ),
        ending(filters=[{"type": "oneOf", "key": "call.endedReason", "oneOf": ["x"]}]),
    ]
    by_rule: dict[str, list[str]] = {}
    for rule_id in HOOK_RULE_IDS:
        ctx = RuleContext(rule_id, pointer="/hooks", severity=Severity.ERROR)
        for finding in run_rule(rule_id, hooks, ctx):
            assert finding.rule == rule_id
            by_rule.setdefault(rule_id, []).append(finding.pointer)
    assert by_rule == {
        "hooks.do.multiple": ["/hooks/0/do/1"],
        "hooks.filter.prefix": ["/hooks/0/filters/0/startsWith/0"],
        "hooks.filter.reason": ["/hooks/1/filters/0/oneOf/0"],
    }


def test_rule_severity_is_a_ceiling() -> None:
    hook = ringing(do=[SAY, SAY])
    [finding] = run_rule("hooks.do.multiple", hook, RuleContext("hooks.do.multiple"))
    assert finding.severity is Severity.WARNING  # a warning by nature, even under ERROR
    [finding] = run_rule(
        "hooks.do.multiple", hook, RuleContext("hooks.do.multiple", severity=Severity.INFO)
    )
    assert finding.severity is Severity.INFO

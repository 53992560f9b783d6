"""Warnings: what makes a run's verdict mean less than it says, computed once for every report.

A green run in which every request was answered 401, or no resource could be created, or a third of
the enumerated rules were never broken, has tested little: the console summary, the HTML report (at
the top), the Markdown summary, the JSON report and the JUnit properties all show the same warnings,
from `warnings_of`. A warning that ``affects_verdict`` comes first: the result may not mean what the
verdict says. The others are notes worth reading.

One registry: each rule is a function decorated with `_rule`; `RULES` is the list (registration
order is display order among warnings of the same weight). Thresholds are module constants.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contracttest.runner.results import RunResult

__all__ = [
    "AUTH_SHARE",
    "COVERAGE_FLOOR",
    "RULES",
    "SHARE",
    "RunWarning",
    "WarningItem",
    "affecting",
    "warnings_of",
]

AUTH_SHARE = 0.9
"""An operation whose responses (auth probes aside) are 401/403 this often tested only its auth wall
(Schemathesis's threshold for its "missing auth" warning)."""
COVERAGE_FLOOR = 80.0
"""Negative coverage (exercised / enumerated, %) below which a pass says little about the rules."""
SHARE = 0.5
"""Most checks: the share of results that errored (or were skipped) for the warning to fire."""
_NOT_AUTH = ("unauthorized", "hidden")
"""Case expectations that provoke 401/403 on purpose (left out of the auth share)."""


@dataclass(frozen=True)
class WarningItem:
    """One thing a warning names: an operation (its label) and what happened there."""

    operation: str | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"detail": self.detail}
        if self.operation is not None:
            out["operation"] = self.operation
        return out


@dataclass(frozen=True)
class RunWarning:
    """Something that makes the run's result mean less than its verdict says."""

    id: str
    """Stable identifier (``auth-rejected``, ``coverage-low``...)."""
    title: str
    message: str
    """One sentence: what happened, with the numbers."""
    affects_verdict: bool
    """The verdict may not mean what it says (shown first, open)."""
    tip: str
    items: tuple[WarningItem, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "message": self.message,
            "affects_verdict": self.affects_verdict,
            "tip": self.tip,
            "items": [i.to_dict() for i in self.items],
        }


Rule = Callable[["RunResult"], "RunWarning | None"]
RULES: list[Rule] = []


def _rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def warnings_of(result: RunResult) -> list[RunWarning]:
    """Every warning about ``result``: those that affect the verdict first, then the others."""
    found = [w for rule in RULES if (w := rule(result)) is not None]
    return sorted(found, key=lambda w: not w.affects_verdict)


def affecting(warnings: list[RunWarning]) -> list[RunWarning]:
    return [w for w in warnings if w.affects_verdict]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _statuses(tally: dict[int, int]) -> str:
    """``12× 400, 3× 404`` (most frequent first)."""
    return ", ".join(f"{n}× {s}" for s, n in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))


def _merge(tallies: list[dict[int, int]]) -> dict[int, int]:
    out: Counter[int] = Counter()
    for t in tallies:
        out.update(t)
    return dict(out)


def _auth_walled(result: RunResult) -> dict[str, tuple[int, int]]:
    """Operation -> (401/403 responses, responses), auth probes aside, where the share is high."""
    out: dict[str, tuple[int, int]] = {}
    for op in result.operations:
        per = result.responses.get(op.label, {})
        tally = _merge([t for expect, t in per.items() if expect not in _NOT_AUTH])
        total = sum(tally.values())
        walled = tally.get(401, 0) + tally.get(403, 0)
        if total and walled / total >= AUTH_SHARE:
            out[op.label] = (walled, total)
    return out


@_rule
def _nothing_tested(result: RunResult) -> RunWarning | None:
    m = result.metadata
    if m.aborted or (result.results and m.requests):
        return None
    return RunWarning(
        id="nothing-tested",
        title="Nothing was tested",
        message=(
            f"{_plural(len(result.operations), 'operation')} selected, "
            f"{_plural(len(result.results), 'check result')}, {_plural(m.requests, 'request')} sent"
        ),
        affects_verdict=True,
        tip="Check --include and --checks: a run that sends nothing passes without testing anything.",
    )


@_rule
def _auth_rejected(result: RunResult) -> RunWarning | None:
    walled = _auth_walled(result)
    if not walled:
        return None
    return RunWarning(
        id="auth-rejected",
        title="Authentication failed",
        message=(
            f"{_plural(len(walled), 'operation')} of {len(result.operations)} answered 401/403 to "
            f"{AUTH_SHARE:.0%} or more of the requests that carried credentials"
        ),
        affects_verdict=True,
        tip=(
            "Pass a valid token (--token or CONTRACTTEST_TOKEN): behind a 401 every check tested "
            "only the authentication wall, not the operation."
        ),
        items=tuple(
            WarningItem(label, f"{walled}/{total} responses were 401/403")
            for label, (walled, total) in walled.items()
        ),
    )


def _never_succeeded(result: RunResult) -> list[tuple[str, str, dict[int, int]]]:
    """(operation, method, tally) of operations whose valid requests never got a 2xx."""
    walled = _auth_walled(result)
    out = []
    for op in result.operations:
        if op.label in walled:
            continue
        tally = result.responses.get(op.label, {}).get("success", {})
        if tally and not any(200 <= s < 300 for s in tally):
            out.append((op.label, op.method.upper(), tally))
    return out


@_rule
def _no_resource_created(result: RunResult) -> RunWarning | None:
    creates = [(label, t) for label, method, t in _never_succeeded(result) if method == "POST"]
    if not creates:
        return None
    return RunWarning(
        id="no-resource-created",
        title="No resource could be created",
        message=(
            f"{_plural(len(creates), 'POST operation')} answered no valid request with a 2xx: "
            "checks that need a resource (reads, updates, deletes, lifecycles, isolation) had "
            "none to work on"
        ),
        affects_verdict=True,
        tip=(
            "Read the status the server answered: a 400 means it refuses what the spec calls "
            "valid (the spec omits a constraint, or an overlay is missing), a 403 a token without "
            "write access."
        ),
        items=tuple(
            WarningItem(label, f"0 of {sum(t.values())} valid requests succeeded ({_statuses(t)})")
            for label, t in creates
        ),
    )


@_rule
def _valid_never_succeeded(result: RunResult) -> RunWarning | None:
    others = [(label, t) for label, method, t in _never_succeeded(result) if method != "POST"]
    if not others:
        return None
    not_found = sum(1 for _, t in others if max(t, key=lambda s: t[s]) in (404, 410))
    return RunWarning(
        id="valid-never-succeeded",
        title="Valid requests never succeeded",
        message=(
            f"{_plural(len(others), 'operation')} answered no valid request with a 2xx"
            + (
                f" ({not_found} mostly with 404: the resources addressed do not exist)"
                if not_found
                else ""
            )
            + "; what their checks judged was only the error path"
        ),
        affects_verdict=True,
        tip=(
            "404: the run could not create or find what the path names (see 'No resource could "
            "be created', --allow-writes); other 4xx: the server refuses data the spec calls valid."
        ),
        items=tuple(
            WarningItem(label, f"0 of {sum(t.values())} valid requests succeeded ({_statuses(t)})")
            for label, t in others
        ),
    )


@_rule
def _coverage_low(result: RunResult) -> RunWarning | None:
    from contracttest.runner.results import percent

    total = result.coverage_total("negative")
    if not total[1] or percent(total) >= COVERAGE_FLOOR:
        return None
    items = []
    for c in result.coverage:
        if not c.negative[1] or percent(c.negative) >= COVERAGE_FLOOR:
            continue
        reasons = Counter(str(m.get("reason") or "not sent") for m in c.missed)
        why = f"; mostly: {reasons.most_common(1)[0][0]}" if reasons else ""
        items.append(
            WarningItem(
                c.operation,
                f"{c.negative[0]}/{c.negative[1]} units ({percent(c.negative):.0f}%){why}",
            )
        )
    return RunWarning(
        id="coverage-low",
        title="Negative coverage far below what was enumerated",
        message=(
            f"{total[0]} of {total[1]} enumerated ways of breaking the contract were sent "
            f"({percent(total):.1f}%, under {COVERAGE_FLOOR:g}%): a rule never broken was never tested"
        ),
        affects_verdict=True,
        tip=(
            "Raise --max-units or --max-time, or read why units were not exercised in the "
            "coverage section; --coverage-fail-under N makes CI fail below N%."
        ),
        items=tuple(items),
    )


@_rule
def _checks_unfinished(result: RunResult) -> RunWarning | None:
    ran = [r for r in result.results.values() if r.status.value != "skipped"]
    errored = [r for r in ran if r.status.value == "errored"]
    if not errored or len(errored) < SHARE * len(ran):
        return None
    return RunWarning(
        id="checks-unfinished",
        title="Most checks could not finish",
        message=f"{len(errored)} of {len(ran)} checks that ran could not finish",
        affects_verdict=True,
        tip=(
            "Timeouts and refused connections come first: raise --timeout, lower --rate-limit, "
            "or check the endpoint is the one the spec describes."
        ),
        items=tuple(
            WarningItem(r.operation, f"{r.check}: {r.errors[0] if r.errors else 'errored'}")
            for r in errored
        ),
    )


@_rule
def _checks_skipped(result: RunResult) -> RunWarning | None:
    results = list(result.results.values())
    skipped = [r for r in results if r.status.value == "skipped"]
    if not skipped or len(skipped) < SHARE * len(results):
        return None
    reasons = Counter(r.reason or "no reason given" for r in skipped)
    return RunWarning(
        id="checks-skipped",
        title="Most checks were skipped",
        message=f"{len(skipped)} of {len(results)} operation × check results were skipped",
        affects_verdict=True,
        tip=(
            "A read-only run skips writes (--allow-writes on a test environment); a second "
            "credential (CONTRACTTEST_TOKEN_2) enables the isolation checks."
        ),
        items=tuple(
            WarningItem(None, f"{why}: {_plural(n, 'result')}") for why, n in reasons.most_common()
        ),
    )


@_rule
def _advisory_only(result: RunResult) -> RunWarning | None:
    advisory = result.failures("advisory")
    if not advisory or result.failures("contract") or result.metadata.fail_on == "advisory":
        return None
    per = Counter(f.check for f in advisory)
    return RunWarning(
        id="advisory-only",
        title="Every finding is advisory",
        message=(
            f"the run passes, yet {_plural(len(advisory), 'finding')} go beyond what the contract "
            "says (advisory) and none of them fails the run"
        ),
        affects_verdict=True,
        tip="Read them before trusting the green; --fail-on advisory makes them fail the run.",
        items=tuple(
            WarningItem(None, f"{check}: {_plural(n, 'finding')}") for check, n in per.most_common()
        ),
    )


@_rule
def _places_left_out(result: RunResult) -> RunWarning | None:
    left = [(c.operation, c.left_out) for c in result.coverage if c.left_out]
    if not left:
        return None
    return RunWarning(
        id="places-left-out",
        title="Places beyond the enumeration limit",
        message=(
            f"{sum(n for _, n in left)} places in the requests were not enumerated (and are not "
            "in the coverage counts)"
        ),
        affects_verdict=False,
        tip=(
            "The enumeration walks a bounded number of places per request; Hypothesis still "
            "explores the others, but no unit there is counted."
        ),
        items=tuple(WarningItem(op, _plural(n, "place")) for op, n in left),
    )

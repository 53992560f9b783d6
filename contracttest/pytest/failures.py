"""How a broken contract reads in pytest: one `AssertionError` subclass per kind of failure.

`ContractCheckFailed` is raised by ``case.call_and_check()``: the check ids, rule ids, JSON pointers,
the minimal payload (Hypothesis shrinks it before pytest shows it), the response and a ``curl`` line
to reproduce the request. `ContractAssertionError` is raised by `assert_valid` / `assert_invalid`.
Everything rendered here was redacted when it was recorded (`contracttest.runner.redaction`); the
curl line takes the token from ``$CONTRACTTEST_TOKEN``, never inline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from contracttest.findings import Finding, pointer_to_path, redact

if TYPE_CHECKING:
    from contracttest.runner.results import Failure

__all__ = ["ContractAssertionError", "ContractCheckFailed", "render_failure", "render_findings"]

SHOWN_FAILURES = 3
SHOWN_FINDINGS = 8
PAYLOAD_LIMIT = 1200
BODY_LIMIT = 800


def _json(value: Any, limit: int) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def _finding_lines(f: Finding) -> list[str]:
    where = f" at {f.path} (pointer {f.pointer})" if f.pointer else ""
    lines = [f"{f.rule}{where}", f"  {f.message}"]
    if f.expected is not None:
        lines.append(f"  expected: {f.expected}")
    if f.actual is not None:
        lines.append(f"  got:      {f.actual}")
    if f.schema_pointer:
        where = f.schema_pointer
        if f.source:
            where += f" ({f.source}" + (f":{f.line}" if f.line else "") + ")"
        lines.append(f"  spec:     {where}")
    if f.suggestion:
        lines.append(f"  fix:      {f.suggestion}")
    return lines


def render_failure(failure: Failure) -> str:
    """One failing check of one case, as a block of text."""
    f = failure.finding
    lines = [f"[{failure.check}] " + _finding_lines(f)[0], *_finding_lines(f)[1:]]
    if failure.case:
        lines.append(f"  case:     {failure.case}")
    if failure.payload is not None:
        lines.append(f"  payload:  {_json(failure.payload, PAYLOAD_LIMIT)}")
    for step in failure.steps:
        lines.append(f"  step:     {step}")
    resp = failure.response
    if resp is not None:
        ctype = {k.lower(): v for k, v in resp.headers}.get("content-type", "")
        lines.append(f"  response: {resp.status} {ctype}".rstrip())
        if resp.body is not None:
            lines.append(f"            {_json(resp.body, BODY_LIMIT)}")
        elif resp.body_text:
            lines.append(f"            {resp.body_text[:BODY_LIMIT]}")
    if failure.request is not None and failure.request.curl:
        lines.append("  reproduce:")
        lines.append(f"    {failure.request.curl}")
    return "\n".join(lines)


class ContractCheckFailed(AssertionError):
    """A contract case broke one or more checks of the runner.

    Attributes:
        failures: the failing checks (`contracttest.runner.results.Failure`, redacted).
        operation: the operation's label.
    """

    def __init__(
        self, failures: Sequence[Failure], *, operation: str, seed: int | None = None
    ) -> None:
        self.failures = list(failures)
        self.operation = operation
        self.seed = seed
        super().__init__(self.render())

    def _distinct(self) -> list[tuple[Failure, int]]:
        """One failure per check, rule and place (array indexes ignored), with how many it stands for."""
        out: dict[tuple[str, str, str], list[Failure]] = {}
        for f in self.failures:
            place = re.sub(r"/\d+(?=/|$)", "/*", f.finding.pointer)
            out.setdefault((f.check, f.finding.rule, place), []).append(f)
        return [(group[0], len(group)) for group in out.values()]

    @property
    def checks(self) -> list[str]:
        return list(dict.fromkeys(f.check for f in self.failures))

    @property
    def rules(self) -> list[str]:
        return list(dict.fromkeys(f.finding.rule for f in self.failures))

    def render(self) -> str:
        n = len(self.checks)
        advisory = all(f.level == "advisory" for f in self.failures)
        what = (
            "has advisory findings (--contract-fail-on advisory)"
            if advisory
            else "broke the contract"
        )
        head = (
            f"{self.operation} {what}: {n} failing check{'s' if n != 1 else ''} "
            f"({', '.join(self.checks)})"
        )
        distinct = self._distinct()
        blocks = []
        for failure, count in distinct[:SHOWN_FAILURES]:
            text = render_failure(failure)
            if count > 1:
                text += f"\n  ({count - 1} more like it at other array indexes)"
            blocks.append(text)
        if len(distinct) > SHOWN_FAILURES:
            blocks.append(
                f"... and {len(distinct) - SHOWN_FAILURES} more (see the contract report)"
            )
        text = head + "\n\n" + "\n\n".join(blocks)
        if self.seed is not None:
            text += f"\n\nseed {self.seed}: rerun with --contract-seed {self.seed}"
        return text


def render_findings(findings: Sequence[Finding], limit: int = SHOWN_FINDINGS) -> str:
    blocks = ["\n".join(_finding_lines(f)) for f in findings[:limit]]
    if len(findings) > limit:
        blocks.append(f"... and {len(findings) - limit} more")
    return _indent("\n".join(blocks), "  ")


class ContractAssertionError(AssertionError):
    """`assert_valid` or `assert_invalid` did not hold.

    Attributes:
        target: what the payload was checked against.
        findings: what the validator found (empty when a payload expected to be invalid is valid).
        payload: the payload, redacted.
    """

    def __init__(
        self, summary: str, *, target: str, findings: Sequence[Finding], payload: Any
    ) -> None:
        self.target = target
        self.findings = list(findings)
        self.payload = redact(payload)
        text = summary
        if self.findings:
            text += "\n" + render_findings(self.findings)
        text += f"\npayload: {_json(self.payload, PAYLOAD_LIMIT)}"
        super().__init__(text)

    @property
    def rules(self) -> list[str]:
        return list(dict.fromkeys(f.rule for f in self.findings))


def describe_pointer(pointer: str) -> str:
    return f"{pointer_to_path(pointer)} ({pointer or '/'})"

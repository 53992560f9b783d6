"""JUnit XML: one testsuite per operation, one testcase per operation x check.

A failed check is a ``<failure>`` whose text is the reproduction of every failing case (finding, curl
line, response); a check that could not finish is an ``<error>``; a skipped one says why.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracttest.report._atomic import atomic_write

if TYPE_CHECKING:
    from contracttest.report.run_warnings import RunWarning
    from contracttest.runner.results import CheckResult, Failure, RunResult

__all__ = ["FILENAME", "render", "write"]

FILENAME = "junit.xml"
# XML 1.0 cannot carry most control characters, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


def failure_text(failure: Failure) -> str:
    """A plain-text reproduction of one failing case."""
    f = failure.finding
    lines = [f"[{failure.check}] {failure.operation}: {f.message}"]
    lines.append(f"  rule: {f.rule}  at {f.path}")
    if f.expected is not None:
        lines.append(f"  expected: {f.expected}")
    if f.actual is not None:
        lines.append(f"  actual: {f.actual}")
    if failure.case:
        lines.append(f"  case: {failure.case}")
    if failure.occurrences > 1:
        lines.append(f"  seen: {failure.occurrences} cases failed this way; this is the smallest")
    for step in failure.steps:
        lines.append(f"  step: {step}")
    if failure.payload is not None:
        lines.append("  payload:")
        lines.extend("    " + ln for ln in _json(failure.payload).splitlines())
    if failure.request is not None:
        lines.append(f"  reproduce: {failure.request.curl}")
    if failure.response is not None:
        r = failure.response
        lines.append(f"  response: HTTP {r.status}")
        body = r.body if r.body is not None else r.body_text
        if body is not None:
            text = _json(body) if not isinstance(body, str) else body
            if len(text) > 4000:
                text = text[:3999] + "…"
            lines.extend("    " + ln for ln in text.splitlines())
    return "\n".join(lines)


def _case(result: RunResult, op_label: str, r: CheckResult, suite: ET.Element) -> None:
    from contracttest.runner.results import Status

    tc = ET.SubElement(
        suite,
        "testcase",
        {
            "classname": f"contracttest.{op_label}",
            "name": r.check,
            "time": "0",
        },
    )
    failing = r.status is Status.FAILED or (
        r.status is Status.ADVISORY and result.metadata.fail_on == "advisory"
    )
    if failing:
        first = r.failures[0].finding.message if r.failures else "failed"
        el = ET.SubElement(
            tc,
            "failure",
            {
                "message": _clean(f"{len(r.failures)} failing case(s): {first}"),
                "type": r.failures[0].finding.rule if r.failures else r.check,
            },
        )
        el.text = _clean("\n\n".join(failure_text(f) for f in r.failures))
    elif r.status is Status.ERRORED:
        el = ET.SubElement(
            tc, "error", {"message": _clean(r.errors[0] if r.errors else "error"), "type": "error"}
        )
        el.text = _clean("\n".join(r.errors))
    elif r.status is Status.SKIPPED:
        ET.SubElement(tc, "skipped", {"message": _clean(r.reason or "skipped")})
    out = ET.SubElement(tc, "system-out")
    text = f"{result.title_of(r.check)}: {r.cases} case(s)"
    advisories = [f for f in r.failures if f.level != "contract"]
    if advisories and not failing:
        # beyond the contract: reported with the passing testcase, not as a failure
        text += f"\n{len(advisories)} advisory finding(s):\n\n" + "\n\n".join(
            failure_text(f) for f in advisories
        )
    out.text = _clean(text)


def _coverage_properties(result: RunResult, op_label: str) -> list[tuple[str, str]]:
    """coverage.* properties of an operation's suite: its own units and the run's totals."""
    from contracttest.runner.results import percent

    out: list[tuple[str, str]] = []
    cov = next((c for c in result.coverage if c.operation == op_label), None)
    if cov is not None:
        for kind, pair in (("negative", cov.negative), ("edges", cov.edges)):
            out += [
                (f"coverage.{kind}.exercised", str(pair[0])),
                (f"coverage.{kind}.enumerated", str(pair[1])),
            ]
        for family, pair in sorted(cov.families.items()):
            out.append((f"coverage.family.{family}", f"{pair[0]}/{pair[1]}"))
    if result.coverage:
        total = result.coverage_total("negative")
        out.append(("coverage.run.negative", f"{total[0]}/{total[1]} ({percent(total):.1f}%)"))
        if result.metadata.coverage_fail_under is not None:
            out.append(("coverage.fail_under", f"{result.metadata.coverage_fail_under:g}"))
    return out


def _warning_properties(warnings: list[RunWarning], op_label: str) -> list[tuple[str, str]]:
    """warning.* properties of an operation's suite: every run warning (``warning.<id>``: its
    message), and what it says about this operation (``warning.<id>.operation``)."""
    out: list[tuple[str, str]] = [("warnings", str(len(warnings)))] if warnings else []
    for w in warnings:
        weight = "affects the verdict" if w.affects_verdict else "note"
        out.append((f"warning.{w.id}", f"{w.title} ({weight}): {w.message}"))
        here = [i.detail for i in w.items if i.operation == op_label]
        if here:
            out.append((f"warning.{w.id}.operation", "; ".join(here)))
    return out


def render(result: RunResult) -> str:
    from contracttest.report.run_warnings import warnings_of
    from contracttest.runner.results import Status

    warnings = warnings_of(result)

    m = result.metadata
    root = ET.Element("testsuites", {"name": "contracttest"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for op in result.operations:
        checks = [r for cid in result.checks if (r := result.result(op.label, cid)) is not None]
        if not checks:
            continue
        counts = {
            "tests": len(checks),
            "failures": sum(
                r.status is Status.FAILED
                or (r.status is Status.ADVISORY and m.fail_on == "advisory")
                for r in checks
            ),
            "errors": sum(r.status is Status.ERRORED for r in checks),
            "skipped": sum(r.status is Status.SKIPPED for r in checks),
        }
        for k, v in counts.items():
            totals[k] += v
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": f"{op.label} ({op.method} {op.path})",
                "timestamp": m.started_at,
                "time": "0",
                **{k: str(v) for k, v in counts.items()},
            },
        )
        props = ET.SubElement(suite, "properties")
        for name, value in (
            ("spec", m.spec_source),
            ("spec.sha256", m.spec_sha256),
            ("base_url", m.base_url),
            ("seed", str(m.seed)),
            ("max_examples", str(m.max_examples)),
            *_coverage_properties(result, op.label),
            *_warning_properties(warnings, op.label),
        ):
            ET.SubElement(props, "property", {"name": name, "value": _clean(value)})
        for r in checks:
            _case(result, op.label, r, suite)
    if warnings and not len(root):
        # nothing ran: the warnings still reach CI, on an empty suite of their own
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": "contracttest run",
                "tests": "0",
                "failures": "0",
                "errors": "0",
                "skipped": "0",
                "time": "0",
            },
        )
        props = ET.SubElement(suite, "properties")
        for name, value in _warning_properties(warnings, ""):
            ET.SubElement(props, "property", {"name": name, "value": _clean(value)})
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", str(totals["errors"]))
    root.set("skipped", str(totals["skipped"]))
    root.set("time", f"{m.duration_s:.3f}")
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return result.scrub('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n")


def write(result: RunResult, directory: Path) -> Path:
    return atomic_write(directory / FILENAME, render(result))

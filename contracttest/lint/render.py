"""Output formats of ``contracttest lint``: text, json, sarif (2.1.0) and github (workflow commands)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from contracttest.findings import Finding, Severity
from contracttest.lint.catalog import describe

if TYPE_CHECKING:
    from rich.console import Console

    from contracttest.lint.linter import LintReport

__all__ = [
    "FORMATS",
    "SARIF_SCHEMA_URI",
    "escape_data",
    "escape_property",
    "finding_text",
    "render_github",
    "render_json",
    "render_text",
    "sarif_log",
    "to_sarif",
]

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "contracttest/v1"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def finding_text(f: Finding) -> str:
    """The message of a finding with its place in the payload and the expected/actual values."""
    # File-level findings (unreadable, empty...) are about the whole file, not a place in a payload.
    whole_file = f.rule.startswith("file.") or f.rule == "lint.no-target"
    text = f.message if whole_file and not f.pointer else f"{f.message} at {f.path}"
    extra = []
    if f.expected is not None:
        extra.append(f"expected {f.expected}")
    if f.actual is not None:
        extra.append(f"got {f.actual}")
    if extra:
        text += f" ({'; '.join(extra)})"
    return text


def _location(f: Finding) -> str:
    loc = f.source or ""
    if f.line is not None:
        loc += f":{f.line}"
        if f.column is not None:
            loc += f":{f.column}"
    return loc


# ---------------------------------------------------------------------------------------- text
def render_text(
    report: LintReport, console: Console, *, verbose: bool = False, quiet: bool = False
) -> None:
    """Compact lines, ``file:line:col: severity rule message``, coloured when the console is a terminal.

    ``verbose`` adds how every file's target was chosen and fix hints; ``quiet`` prints only the
    findings (no detection notes, no summary).
    """
    from rich.text import Text

    def emit(text: Text) -> None:
        console.print(text, soft_wrap=True, highlight=False)

    for result in report.files:
        # Detection is always stated; the other ways (option, glob, "$contract") with -v.
        if (
            result.how
            and not quiet
            and (result.target_source == "detected" or (verbose and result.target_source))
        ):
            line = Text()
            line.append(result.path, style="bold")
            line.append(": ")
            line.append("note", style="cyan")
            line.append(f": {result.how}")
            emit(line)
        for f in sorted(result.findings, key=Finding.sort_key):
            line = Text()
            line.append(_location(f), style="bold")
            line.append(": ")
            line.append(str(f.severity), style=_STYLE[f.severity])
            line.append(" ")
            line.append(f.rule, style="magenta")
            line.append(" ")
            line.append(" ".join(finding_text(f).splitlines()))  # one line per finding
            emit(line)
            if verbose and f.suggestion:
                emit(Text(f"    hint: {f.suggestion}", style="dim"))
    if quiet:
        return
    counts = report.counts()
    total = sum(counts.values())
    n_files = len(report.files)
    files = f"{n_files} file{'s' if n_files != 1 else ''}"
    if total == 0:
        emit(Text(f"{files} checked: no findings.", style="green"))
        return
    parts = [
        f"{counts[sev]} {sev}{'s' if counts[sev] != 1 else ''}"
        for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if counts[sev]
    ]
    bad = sum(1 for r in report.files if r.findings)
    style = "bold red" if report.exit_code else "yellow"
    emit(
        Text(
            f"{files} checked: {', '.join(parts)} in {bad} file{'s' if bad != 1 else ''}.",
            style=style,
        )
    )


# ---------------------------------------------------------------------------------------- json
def render_json(report: LintReport, out: TextIO) -> None:
    json.dump(report.to_dict(), out, indent=2, ensure_ascii=False)
    out.write("\n")


# ---------------------------------------------------------------------------------------- github
def escape_data(text: str) -> str:
    """Escape the message of a workflow command (as @actions/core does)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=``) of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: LintReport, out: TextIO) -> None:
    """One ``::error``/``::warning``/``::notice`` workflow command per finding and target detection."""

    def command(level: str, props: dict[str, Any], message: str) -> None:
        body = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
        out.write(f"::{level} {body}::{escape_data(message)}\n")

    for result in report.files:
        if result.target_source == "detected" and result.how:
            command("notice", {"file": result.path, "title": "contracttest target"}, result.how)
        for f in sorted(result.findings, key=Finding.sort_key):
            command(
                _GITHUB_LEVEL[f.severity],
                {
                    "file": f.source or result.path,
                    "line": f.line,
                    "col": f.column,
                    "title": f.rule,
                },
                finding_text(f),
            )


# ---------------------------------------------------------------------------------------- sarif
def _rule_name(rule: str) -> str:
    """``schema.maxLength`` -> ``SchemaMaxLength`` (SARIF's human-readable rule name)."""
    out = []
    for part in rule.replace("-", ".").replace("_", ".").split("."):
        if part:
            out.append(part[0].upper() + part[1:])
    return "".join(out) or rule


def _artifact(path: str, root: Path) -> dict[str, Any]:
    if path.startswith("<"):
        return {"uri": quote(path.strip("<>"))}
    if "://" in path:  # a spec read from a URL
        return {"uri": path}
    absolute = Path(os.path.abspath(path))
    try:
        rel = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(rel.as_posix(), safe="/"), "uriBaseId": "%SRCROOT%"}


def _fingerprint(f: Finding, uri: str) -> str:
    """Stable across runs and reformatting: the rule, file, JSON pointer, target and message."""
    key = "\0".join([f.rule, uri, f.pointer, f.target or "", f.message])
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def to_sarif(report: LintReport, *, root: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log (one run), ready for GitHub code scanning.

    Rule ids are the stable finding rule ids; each result carries ``partialFingerprints`` built from
    the rule, file, JSON pointer, target and message (not the line, so reformatting a file keeps them).
    """
    base = Path(os.path.abspath(root if root is not None else os.getcwd()))
    notes = [
        {
            "level": "note",
            "message": {"text": result.how},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(result.path, base)}}],
        }
        for result in report.files
        if result.how and result.target_source == "detected"
    ]
    return sarif_log(
        report.findings,
        describe=_lint_rule_text,
        text=finding_text,
        logical=lambda f: f.path,
        root=base,
        notes=notes,
        properties={"spec": report.spec},
    )


def _lint_rule_text(rule: str) -> tuple[str, Severity | None, str]:
    info = describe(rule)
    return info.summary, info.default, info.help


RuleText = Callable[[str], "tuple[str, Severity | None, str]"]
"""``rule id -> (one-line summary, default severity or None, help text)`` for SARIF's rule table."""


def sarif_log(
    findings: list[Finding],
    *,
    describe: RuleText,
    text: Callable[[Finding], str],
    logical: Callable[[Finding], str],
    root: Path,
    notes: list[dict[str, Any]] | None = None,
    properties: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A SARIF 2.1.0 log of ``findings`` (one run), shared by ``lint`` and ``spec lint``.

    ``describe`` fills the rule table, ``text`` each result's message, ``logical`` its logical
    location (the payload path, or the pointer into the spec).
    """
    from contracttest import __version__

    rule_ids = sorted({f.rule for f in findings})
    index = {rule: i for i, rule in enumerate(rule_ids)}
    rules = []
    for rule in rule_ids:
        summary, default, help_text = describe(rule)
        entry: dict[str, Any] = {
            "id": rule,
            "name": _rule_name(rule),
            "shortDescription": {"text": summary},
        }
        if default is not None:
            entry["defaultConfiguration"] = {"level": _SARIF_LEVEL[default]}
        entry["properties"] = {"tags": [rule.split(".", 1)[0]]}
        if help_text:
            entry["fullDescription"] = {"text": help_text}
            entry["help"] = {"text": help_text}
        rules.append(entry)

    results = []
    seen: dict[str, int] = {}
    for f in findings:
        artifact = _artifact(f.source or "", root)
        fp = _fingerprint(f, artifact["uri"])
        n = seen.get(fp, 0)
        seen[fp] = n + 1
        if n:
            fp = f"{fp}:{n}"
        region: dict[str, Any] = {"startLine": f.line or 1}
        if f.column is not None:
            region["startColumn"] = f.column
        props: dict[str, Any] = {"pointer": f.pointer, "severity": str(f.severity)}
        for key in ("target", "expected", "actual", "suggestion"):
            val = getattr(f, key)
            if val is not None:
                props[key] = val
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": text(f)},
                "locations": [
                    {
                        "physicalLocation": {"artifactLocation": artifact, "region": region},
                        "logicalLocations": [{"fullyQualifiedName": logical(f)}],
                    }
                ],
                "partialFingerprints": {FINGERPRINT_KEY: fp},
                "properties": props,
            }
        )

    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "contracttest",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}},
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": properties or {},
            }
        ],
    }


def render_sarif(report: LintReport, out: TextIO) -> None:
    json.dump(to_sarif(report), out, indent=2, ensure_ascii=False)
    out.write("\n")


FORMATS: dict[str, Callable[..., None]] = {
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
}
"""Machine formats (written to a text stream); ``text`` goes through a rich console."""

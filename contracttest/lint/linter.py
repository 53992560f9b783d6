"""Lint payload files: read, pick the target, validate, and put every finding on a line and column."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracttest import _pointer
from contracttest.findings import REDACTED, Finding, Severity, is_secret_key
from contracttest.lint.reading import DEFAULT_MAX_BYTES, Payload, read_payload
from contracttest.lint.targeting import Detector, Resolver, TargetSource

if TYPE_CHECKING:
    from contracttest.exitcodes import ExitCode
    from contracttest.lint.globs import GlobTargets
    from contracttest.openapi import Spec, Target

__all__ = ["PAYLOAD_SUFFIXES", "FileResult", "LintReport", "Linter", "expand_paths"]

PAYLOAD_SUFFIXES = (".json", ".yaml", ".yml")
STDIN = "-"
# Rules whose finding is about a member's key rather than its value.
_KEY_RULES = frozenset({"schema.additionalProperties", "schema.propertyNames"})


@dataclass
class FileResult:
    """What the linter found in one file."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    target: str | None = None
    target_source: TargetSource | None = None
    how: str | None = None
    """How the target was chosen (``detected target X by provider=twilio``), or why there is none."""
    fmt: str | None = None

    @property
    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path}
        if self.fmt:
            out["format"] = self.fmt
        out["target"] = self.target
        out["target_source"] = self.target_source
        if self.how:
            out["how"] = self.how
        out["findings"] = [
            {**f.to_dict(), "path": f.path} for f in sorted(self.findings, key=Finding.sort_key)
        ]
        return out


@dataclass
class LintReport:
    """The result of one lint run."""

    files: list[FileResult]
    spec: str
    fail_on: Severity = Severity.WARNING

    @property
    def findings(self) -> list[Finding]:
        return sorted((f for r in self.files for f in r.findings), key=Finding.sort_key)

    def counts(self) -> dict[Severity, int]:
        out = dict.fromkeys(Severity, 0)
        for r in self.files:
            for f in r.findings:
                out[f.severity] += 1
        return out

    @property
    def exit_code(self) -> ExitCode:
        """0 clean, 1 when a finding is at least as severe as ``fail_on``."""
        from contracttest.exitcodes import ExitCode

        failing = any(f.severity >= self.fail_on for r in self.files for f in r.findings)
        return ExitCode.FINDINGS if failing else ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "tool": "contracttest lint",
            "spec": self.spec,
            "files": [r.to_dict() for r in self.files],
            "summary": {
                "files": len(self.files),
                "files_with_findings": sum(1 for r in self.files if r.findings),
                "findings": sum(counts.values()),
                **{str(sev): n for sev, n in sorted(counts.items(), reverse=True)},
            },
            "exit_code": int(self.exit_code),
        }


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """Files to lint: each path as given, directories expanded to their payload files (sorted).

    Raises:
        UsageError: a directory holds no payload file (a mistyped path would otherwise pass clean).
    """
    seen: set[str] = set()

    def first_time(path: str) -> bool:
        key = path if path == STDIN else os.path.realpath(path)
        if key in seen:
            return False
        seen.add(key)
        return True

    for p in paths:
        if p != STDIN and os.path.isdir(p):
            found = []
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in filenames:
                    if name.lower().endswith(PAYLOAD_SUFFIXES):
                        found.append(os.path.join(dirpath, name))
            if not found:
                from contracttest.errors import UsageError

                raise UsageError(
                    f"{p}: no payload files in this directory (expected *"
                    + ", *".join(PAYLOAD_SUFFIXES)
                    + ", hidden directories skipped)"
                )
            yield from (f for f in sorted(found) if first_time(f))
        elif first_time(p):
            yield p


class Linter:
    """Lints payload files against one spec.

    Args:
        spec: the loaded spec.
        target: check every file against this target (``--target``).
        globs: glob -> target rules from ``[tool.contracttest.lint.targets]``.
        detect: detect the target of files nothing else names (off: they are ``lint.no-target``).
        allow_unknown: accept properties the DTOs do not declare.
        max_bytes: files above this size are ``file.too-large`` and not read.
        fail_on: the least severity that makes the run fail (exit 1).

    Raises:
        TargetError: ``target`` or a glob's target names nothing in the spec.

    Example:
        >>> linter = Linter(spec, target="POST /phone-number")  # doctest: +SKIP
        >>> linter.lint(["examples/payloads/phone-numbers/valid"]).exit_code  # doctest: +SKIP
        <ExitCode.OK: 0>
    """

    def __init__(
        self,
        spec: Spec,
        *,
        target: str | None = None,
        globs: GlobTargets | None = None,
        detect: bool = True,
        allow_unknown: bool = False,
        max_bytes: int = DEFAULT_MAX_BYTES,
        fail_on: Severity = Severity.WARNING,
    ) -> None:
        self.spec = spec
        self.allow_unknown = allow_unknown
        self.max_bytes = max_bytes
        self.fail_on = fail_on
        detector = Detector(spec, self._count_errors) if detect else None
        self.resolver = Resolver(spec, option=target, globs=globs, detector=detector)

    # ------------------------------------------------------------------ validation
    def _validator(self, target: Target) -> Any:
        from contracttest.validate import get_validator

        return get_validator(self.spec, target, allow_unknown=self.allow_unknown)

    def _count_errors(self, target: Target, payload: Any) -> int:
        v = self._validator(target)
        if v.is_valid(payload):
            return 0
        return sum(1 for f in v.iter_findings(payload) if f.severity >= Severity.ERROR)

    # ------------------------------------------------------------------ files
    def lint(self, paths: Iterable[str], *, stdin: Any = None) -> LintReport:
        """Lint files and directories (``-`` reads standard input)."""
        results = []
        for path in expand_paths(paths):
            if path == STDIN:
                from contracttest._io import read_stream

                stream = stdin if stdin is not None else sys.stdin.buffer
                raw = read_stream(stream, max_bytes=self.max_bytes)  # at most one byte over the cap
                results.append(self.lint_bytes(raw, "<stdin>"))
            else:
                results.append(self.lint_file(path))
        return LintReport(results, self.spec.source, self.fail_on)

    def lint_file(self, path: str | os.PathLike[str], *, display: str | None = None) -> FileResult:
        shown = display if display is not None else os.fspath(path)
        read = read_payload(path, display=shown, max_bytes=self.max_bytes)
        return self._lint(read, os.fspath(path))

    def lint_bytes(self, raw: bytes, source: str, *, fmt: str | None = None) -> FileResult:
        read = read_payload(
            Path(source), display=source, max_bytes=self.max_bytes, raw=raw, fmt=fmt
        )
        return self._lint(read, None)

    def _lint(self, read: Payload | Finding, path: str | None) -> FileResult:
        if isinstance(read, Finding):
            return FileResult(read.source or (path or ""), [read])
        payload = read
        result = FileResult(payload.source, fmt=payload.fmt)
        findings: list[Finding] = []
        numbers: dict[str, str] = {}
        if payload.fmt == "yaml":
            from contracttest.lint.yaml11 import scan

            traps = scan(payload.document.text, payload.source, payload.document.data)
            findings.extend(traps.findings)
            numbers = traps.numbers
        resolution = self.resolver.resolve(path, payload)
        result.how = resolution.how
        result.target_source = resolution.source
        target = resolution.target
        if target is not None:
            result.target = target.key
        findings.extend(self._place(payload, f, target) for f in resolution.findings)
        if target is not None:
            validator = self._validator(target)
            findings.extend(
                self._quote_hint(payload, self._place(payload, f, target), numbers)
                for f in validator.iter_findings(payload.data)
            )
        from contracttest.redaction import scrub_findings

        result.findings = sorted(scrub_findings(payload.data, findings), key=Finding.sort_key)
        return result

    def _quote_hint(self, payload: Payload, finding: Finding, numbers: dict[str, str]) -> Finding:
        """A number where the schema wants a string: say to quote it, with the file's own text."""
        if finding.rule != "schema.type" or not self._wants_string(finding):
            return finding
        value = _pointer.resolve(payload.data, finding.pointer, None)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return finding
        fmt = "YAML" if payload.fmt == "yaml" else "JSON"
        if finding.actual == REDACTED or any(
            is_secret_key(str(part)) for part in _pointer.parts(finding.pointer)
        ):
            return replace(
                finding,
                message=f"{finding.message}: the value is unquoted, so {fmt} reads it as a "
                "number; quote it",
                suggestion="write the value in quotes",
            )
        text = numbers.get(finding.pointer) or _number_text(payload, finding) or json.dumps(value)
        quoted = json.dumps(text)
        return replace(
            finding,
            message=(
                f"{finding.message}: {text} is unquoted, so {fmt} reads it as a number; "
                f"quote it ({quoted})"
            ),
            suggestion=f"write {quoted}, with the quotes",
        )

    def _wants_string(self, finding: Finding) -> bool:
        declared = (
            self.spec.resolve(finding.schema_pointer, None) if finding.schema_pointer else None
        )
        if isinstance(declared, str):
            return declared == "string"
        if isinstance(declared, list):
            return "string" in declared
        return "string" in (finding.expected or "")

    def _place(self, payload: Payload, finding: Finding, target: Target | None) -> Finding:
        """Give a finding its file, line and column (and the target it was checked against)."""
        if finding.line is None or finding.source is None:
            line, col = payload.locate(finding.pointer, key=finding.rule in _KEY_RULES)
            finding = finding.with_location(payload.source, line, col)
        if finding.target is None and target is not None:
            finding = replace(finding, target=target.key)
        return finding


_JSON_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _number_text(payload: Payload, finding: Finding) -> str | None:
    """The number as the file spells it (``1.50`` stays ``1.50``), from the finding's position."""
    if finding.line is None or finding.column is None:
        return None
    lines = payload.document.text.splitlines()
    if not 0 < finding.line <= len(lines):
        return None
    match = _JSON_NUMBER.match(lines[finding.line - 1], finding.column - 1)
    return match.group(0) if match else None

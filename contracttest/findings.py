"""The one record every layer reports problems with.

A `Finding` says that something broke the contract: a payload (validators, linter, runner) or the spec
itself (spec lint, loader diagnostics). Findings are data: collected, sorted, rendered, never raised.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field, replace
from typing import Any

# Redaction lives in `contracttest.redaction` (the one layer every output goes through); these names
# stay importable from here, where every layer already imports its records from.
from contracttest.redaction import REDACTED, SECRET_KEYS, is_secret_key, redact

__all__ = [
    "REDACTED",
    "SECRET_KEYS",
    "Finding",
    "Severity",
    "is_secret_key",
    "pointer_to_path",
    "printable",
    "redact",
    "truncate_value",
]


class Severity(enum.IntEnum):
    """Ordered severities: compare them (``finding.severity >= Severity.ERROR``)."""

    INFO = 10
    WARNING = 20
    ERROR = 30

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        try:
            return cls[value.upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {value!r}; expected info, warning or error"
            ) from None


def truncate_value(value: Any, limit: int = 120) -> str:
    """A short JSON rendering of ``value`` for messages (secrets already redacted by the caller).

    Values nested past the depth cap are cut first, so rendering never recurses without bound.
    """
    if isinstance(value, dict | list):
        from contracttest._io import MAX_DEPTH, check_depth

        if check_depth(value, MAX_DEPTH) is not None:
            value = redact(value)
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    text = printable(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def printable(text: str) -> str:
    """``text`` that any UTF-8 stream can write: lone surrogates (valid in JSON, ``"\ud83d"``) become
    the escape ``\ud83d`` instead of crashing the writer."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def pointer_to_path(pointer: str) -> str:
    """``/a/b/0`` -> ``$.a.b[0]`` (JSONPath-ish, for humans)."""
    if not pointer:
        return "$"
    out = "$"
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if part.isdigit():
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}"
        else:
            out += f"[{json.dumps(part)}]"
    return out


@dataclass(frozen=True)
class Finding:
    """One contract problem.

    Attributes:
        rule: stable rule id, e.g. ``schema.maxLength``, ``phone.e164``, ``spec.enum-type-mismatch``.
        severity: how bad it is.
        pointer: JSON pointer into the checked document (payload, or spec for spec findings).
        message: one line saying what is wrong, for humans.
        expected: the constraint that was broken, rendered short (``maxLength 40``), if any.
        actual: the offending value rendered short and redacted, if any.
        schema_pointer: where in the spec the broken constraint lives, if known.
        suggestion: how to fix it, if we know.
        source: file or URL the finding is in (linter, spec lint), if any.
        line: 1-based line in ``source``.
        column: 1-based column in ``source``.
        target: the DTO or operation the payload was checked against.
        details: sub-findings (e.g. best-matching ``oneOf`` branch), or extra data.
    """

    rule: str
    severity: Severity
    pointer: str
    message: str
    expected: str | None = None
    actual: str | None = None
    schema_pointer: str | None = None
    suggestion: str | None = None
    source: str | None = None
    line: int | None = None
    column: int | None = None
    target: str | None = None
    details: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def path(self) -> str:
        """The pointer as ``$.a.b[0]``."""
        return pointer_to_path(self.pointer)

    def with_location(self, source: str | None, line: int | None, column: int | None) -> Finding:
        return replace(self, source=source, line=line, column=column)

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.source or "",
            self.line or 0,
            self.column or 0,
            self.pointer,
            self.rule,
            self.message,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; keys with no value are left out."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": str(self.severity),
            "pointer": self.pointer,
            "message": self.message,
        }
        for key in (
            "expected",
            "actual",
            "schema_pointer",
            "suggestion",
            "source",
            "line",
            "column",
            "target",
        ):
            val = getattr(self, key)
            if val is not None:
                out[key] = val
        if self.details:
            out["details"] = [d.to_dict() for d in self.details]
        return out

    def __str__(self) -> str:
        loc = ""
        if self.source:
            loc = self.source
            if self.line is not None:
                loc += f":{self.line}"
                if self.column is not None:
                    loc += f":{self.column}"
            loc += ": "
        text = f"{loc}{self.severity}: {self.rule}: {self.message} at {self.path}"
        if self.expected is not None:
            text += f"; expected {self.expected}"
        if self.actual is not None:
            text += f"; got {self.actual}"
        return text

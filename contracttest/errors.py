"""Every public exception of contracttest.

Exceptions mean the tool could not do its job (exit code 2). Contract violations are never raised:
they are `Finding`s (see `contracttest.validate`) or `Diagnostic`s (see `contracttest.openapi`).
"""

from __future__ import annotations

__all__ = [
    "ContractTestError",
    "OverlayError",
    "PatternError",
    "RefError",
    "SourceError",
    "SpecError",
    "TargetError",
    "TranslationError",
    "TransportError",
    "UsageError",
]


class ContractTestError(Exception):
    """Root of every error contracttest raises on purpose.

    Attributes:
        source: the file or URL the error is about, when there is one.
        line: 1-based line in ``source``, when known.
        column: 1-based column in ``source``, when known.
        pointer: JSON pointer into the document, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        pointer: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.pointer = pointer

    def location(self) -> str:
        """``file:line:col`` (or the parts that are known), plus the pointer."""
        parts: list[str] = []
        if self.source:
            loc = self.source
            if self.line is not None:
                loc += f":{self.line}"
                if self.column is not None:
                    loc += f":{self.column}"
            parts.append(loc)
        if self.pointer is not None:
            parts.append(f"at {self.pointer or '/'}")
        return " ".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        return f"{loc}: {self.message}" if loc else self.message


class UsageError(ContractTestError, ValueError):
    """The caller asked for something that cannot be done (bad option, unknown target...)."""


class SourceError(ContractTestError):
    """A file or URL could not be read or parsed (I/O, size cap, YAML/JSON syntax, alias bomb)."""


class SpecError(ContractTestError):
    """The spec cannot be used at all (not OpenAPI 3.x, or fatal under ``--strict``)."""


class RefError(SpecError):
    """A ``$ref`` cannot be resolved."""


class TranslationError(SpecError):
    """An OpenAPI Schema Object cannot be translated into JSON Schema."""


class PatternError(TranslationError):
    """An ECMA-262 regular expression has no faithful Python translation."""


class OverlayError(ContractTestError):
    """An OpenAPI Overlay document is malformed or cannot be applied."""


class TargetError(UsageError):
    """A target (DTO name, operationId, ``METHOD /path``) names nothing in the spec."""


class TransportError(ContractTestError):
    """An HTTP exchange failed below the contract level (connection refused, timeout...)."""

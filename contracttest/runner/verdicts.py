"""What a case source says besides its cases: a check passed, failed, was skipped or could not
finish for an operation. Sources yield them; the engine hands them to the one owner of results
(`contracttest.runner.recorder.Recorder`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contracttest.findings import Finding
    from contracttest.openapi.model import Operation
    from contracttest.runner.case import Case, CoverageUnit
    from contracttest.runner.http import Exchange

__all__ = ["Enumerated", "Errored", "Failed", "Passed", "Skipped", "Unexercised", "Verdict"]


@dataclass(frozen=True)
class Passed:
    """``n`` more cases of a check passed on an operation."""

    operation: Operation
    check: str
    n: int = 1


@dataclass(frozen=True)
class Failed:
    """A check failed on a case (a scenario's verdict on what its steps achieved)."""

    check: str
    case: Case
    finding: Finding
    exchange: Exchange | None = None
    steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    operation: Operation
    check: str
    reason: str


@dataclass(frozen=True)
class Errored:
    """The check could not finish on the operation (a body it cannot build, a request that could
    not be sent)."""

    operation: Operation
    check: str
    message: str


@dataclass(frozen=True)
class Enumerated:
    """The coverage units of an operation a source will try (each a case of its own)."""

    units: tuple[CoverageUnit, ...]
    left_out: int = 0
    """Places beyond the enumeration's limit (counted, not enumerated)."""


@dataclass(frozen=True)
class Unexercised:
    """A coverage unit no case exercises, and why."""

    unit: CoverageUnit
    reason: str


Verdict = Passed | Failed | Skipped | Errored | Enumerated | Unexercised

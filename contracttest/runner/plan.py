"""What a run will do: which operations, which checks, how to authenticate, what it may write.

Built from the options (`RunConfig`) before anything is sent, so a bad ``--include`` or ``--header``
fails fast with exit 2.
"""

from __future__ import annotations

import fnmatch
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from contracttest.errors import UsageError
from contracttest.runner.http import is_loopback
from contracttest.runner.schemes import AuthScheme, auth_scheme
from contracttest.runner.scope import Scope, unroutable

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation, Spec
    from contracttest.openapi.resources import ResourceMap

__all__ = ["AuthScheme", "Plan", "RunConfig", "build_plan", "parse_header"]

DEFAULT_MAX_EXAMPLES = 20
DEFAULT_MAX_UNITS = 4_000
"""Coverage units of each kind (negative, valid edge) a run sends at most: every unit of a spec
like the seed (about 3,000 negative units), a fair share of each operation's on a spec as big
as Vapi's full one (about 50,000)."""


def parse_header(text: str) -> tuple[str, str]:
    """``'Name: value'`` -> (name, value)."""
    name, sep, value = text.partition(":")
    name = name.strip()
    if not sep or not name or not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name):
        raise UsageError(f"-H {text!r}: expected 'Name: value'")
    return name, value.strip()


@dataclass
class RunConfig:
    """The options of one run (CLI flags, pyproject defaults, environment)."""

    spec: Spec
    base_url: str | None = None
    """None: start the built-in mock."""
    tokens: list[str] = field(default_factory=list)
    """One per org; the first authenticates everything, the second is the other org."""
    headers: list[tuple[str, str]] = field(default_factory=list)
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int | None = None
    include: list[str] = field(default_factory=list)
    checks: list[str] | None = None
    rate_limit: float | None = None
    timeout: float = 10.0
    retries: int = 3
    allow_writes: bool = False
    journal: Path | None = None
    overlays: list[str] = field(default_factory=list)
    spec_source: str | None = None
    target: Literal["mock", "live"] | None = None
    """Set by the caller that started the mock itself."""
    deadline: float | None = None
    """Seconds after which the run stops starting new work (it still cleans up and reports)."""
    coverage_fail_under: float | None = None
    """Fail the run when fewer than this percentage of the negative coverage units are exercised."""
    max_units: int | None = DEFAULT_MAX_UNITS
    """Coverage units of each kind the run sends at most (0: none; None: no limit)."""
    fail_on: str = "contract"
    """``contract``: only contract failures fail the run; ``advisory``: advisory findings too."""


@dataclass
class Plan:
    spec: Spec
    config: RunConfig
    operations: list[Operation]
    checks: list[str]
    resources: ResourceMap
    seed: int
    base_url: str
    target_kind: Literal["mock", "live"]
    read_only: bool
    auth: AuthScheme | None
    credentials: list[tuple[str, str]]
    """Per credential index, the (name, value) pair that authenticates it."""
    extra_headers: list[tuple[str, str]]

    @property
    def max_examples(self) -> int:
        return self.config.max_examples

    @property
    def base_url_display(self) -> str:
        from contracttest.redaction import Redactor

        return Redactor().url(self.base_url)

    def scope(self) -> Scope:
        """What the case sources see of the plan (no URL, no credential values)."""
        return Scope(
            spec=self.spec,
            operations=tuple(self.operations),
            checks=tuple(self.checks),
            resources=self.resources,
            seed=self.seed,
            max_examples=self.max_examples,
            read_only=self.read_only,
            credentials=len(self.credentials),
            loopback=is_loopback(self.base_url),
            max_units=self.config.max_units,
            unroutable=unroutable(self.spec, self.operations),
        )


def _matches(op: Operation, pattern: str) -> bool:
    pat = pattern.strip()
    if not pat:
        return False
    if pat == op.operation_id or pat.lower() == op.key.lower():
        return True
    if any(ch in pat for ch in "*?["):
        return fnmatch.fnmatchcase(op.operation_id, pat) or fnmatch.fnmatchcase(op.key, pat)
    if pat.startswith("tag:"):
        return pat[4:] in op.tags
    if pat.startswith("/"):
        return op.path == pat
    return False


def select_operations(spec: Spec, include: list[str]) -> list[Operation]:
    """Operations named by ``--include`` (operationId, ``METHOD /path``, ``/path``, ``tag:X``, globs)."""
    if not include:
        return list(spec.operations)
    chosen: list[Operation] = []
    for pattern in include:
        hits = [op for op in spec.operations if _matches(op, pattern)]
        if not hits:
            import difflib

            names = [op.operation_id for op in spec.operations] + [op.key for op in spec.operations]
            close = difflib.get_close_matches(pattern, names, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise UsageError(f"--include {pattern!r} matches no operation of the spec{hint}")
        chosen.extend(op for op in hits if all(op is not c for c in chosen))
    return [op for op in spec.operations if any(op is c for c in chosen)]


def build_plan(config: RunConfig, base_url: str, target_kind: Literal["mock", "live"]) -> Plan:
    from contracttest.openapi.resources import infer_resources
    from contracttest.runner.catalog import resolve_checks

    spec = config.spec
    if config.max_examples < 0:
        raise UsageError(f"--max-examples must be 0 or more, got {config.max_examples}")
    if config.fail_on not in ("contract", "advisory"):
        raise UsageError(f"--fail-on must be contract or advisory, got {config.fail_on!r}")
    if config.max_units is not None and config.max_units < 0:
        raise UsageError(f"--max-units must be 0 or more, got {config.max_units}")
    gate = config.coverage_fail_under
    if gate is not None and not 0 <= gate <= 100:
        raise UsageError(f"--coverage-fail-under must be a percentage from 0 to 100, got {gate}")
    operations = select_operations(spec, config.include)
    checks = resolve_checks(config.checks)
    seed = config.seed if config.seed is not None else random.SystemRandom().randrange(2**31)
    auth = auth_scheme(spec)
    extra: list[tuple[str, str]] = []
    credentials: list[tuple[str, str]] = []
    for name, value in config.headers:
        if auth is not None and auth.location == "header" and name.lower() == auth.name.lower():
            credentials.append((auth.name, value))
        elif auth is None and name.lower() == "authorization":
            credentials.append((name, value))
        else:
            extra.append((name, value))
    for token in config.tokens:
        if auth is None:
            credentials.append(("Authorization", f"Bearer {token}"))
        else:
            credentials.append(auth.apply(token))
    read_only = target_kind == "live" and not config.allow_writes and not is_loopback(base_url)
    return Plan(
        spec=spec,
        config=config,
        operations=operations,
        checks=checks,
        resources=infer_resources(spec),
        seed=seed,
        base_url=base_url.rstrip("/"),
        target_kind=target_kind,
        read_only=read_only,
        auth=auth,
        credentials=credentials,
        extra_headers=extra,
    )


def describe(plan: Plan) -> dict[str, Any]:
    return {
        "operations": [op.label for op in plan.operations],
        "checks": plan.checks,
        "read_only": plan.read_only,
        "credentials": len(plan.credentials),
    }

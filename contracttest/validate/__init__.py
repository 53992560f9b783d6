"""The one validation engine: JSON Schema with discriminators, plus the semantic rules.

Example:
    >>> from contracttest.validate import validate
    >>> findings = validate(spec, "POST /phone-number", payload)  # doctest: +SKIP
    >>> v = get_validator(spec, "CreateTwilioPhoneNumberDTO")  # doctest: +SKIP
    >>> v.is_valid(payload), list(v.iter_findings(payload))  # doctest: +SKIP

See `contracttest.validate.engine` for the design (fast path, detailed path, rule plan) and
`contracttest.validate.rules` for the rule registry and rule tables.
"""

from __future__ import annotations

from contracttest.findings import Finding, Severity
from contracttest.validate.engine import (
    E164_LEVELS,
    Validator,
    clear_cache,
    get_validator,
    iter_findings,
    validate,
)
from contracttest.validate.rules import RuleContext, register_rule, rule

__all__ = [  # noqa: RUF022 - grouped by purpose
    # validation
    "E164_LEVELS",
    "Validator",
    "clear_cache",
    "get_validator",
    "iter_findings",
    "validate",
    # records
    "Finding",
    "Severity",
    # semantic rules
    "RuleContext",
    "register_rule",
    "rule",
]

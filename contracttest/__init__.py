"""contracttest: prove that an HTTP API and the payloads sent to it honour their OpenAPI contract.

The top level stays cheap to import; each name below loads its layer on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [  # noqa: RUF022  (grouped by topic, not sorted)
    # errors and records
    "ContractTestError",
    "Finding",
    "Severity",
    # the contract model
    "Spec",
    "load_spec",
    "__version__",
]

_LAZY = {
    "ContractTestError": "contracttest.errors",
    "Finding": "contracttest.findings",
    "Severity": "contracttest.findings",
    "Spec": "contracttest.openapi",
    "load_spec": "contracttest.openapi",
}

if TYPE_CHECKING:
    from contracttest.errors import ContractTestError
    from contracttest.findings import Finding, Severity
    from contracttest.openapi import Spec, load_spec


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'contracttest' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)

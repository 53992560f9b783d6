"""Generators: valid payloads and labelled invalid payloads for every DTO and operation of a spec.

The public entry points are in `contracttest.strategies` (``valid``, ``invalid``,
``boundary_cases``); this package holds the machinery, in layers:

* `compiler` turns a target's translated JSON Schema into a *plan* (`_gen`): ``allOf`` merged,
  recursion bounded, discriminated unions split into variants, unsatisfiable parts found;
* `semantic` narrows the plan with the spec's rule table (E.164 numbers, hook filters);
* `positive` makes Hypothesis strategies of valid values from a plan (`strings`, `formats` build
  strings that satisfy pattern, format and lengths at once);
* `negative` finds the mutations of a valid payload, each breaking exactly one rule;
* `boundary` builds the deterministic cases at and just past every limit;
* `core` caches all of it per spec (`generator_for`); `coverage` reports what a spec allows.

Nothing here imports Hypothesis at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "GenerationOptions",
    "Generator",
    "Invalid",
    "Violation",
    "generator_for",
]

_LAZY = {
    "GenerationOptions": "contracttest.generate.core",
    "Generator": "contracttest.generate.core",
    "generator_for": "contracttest.generate.core",
    "Invalid": "contracttest.generate.negative",
    "Violation": "contracttest.generate.negative",
}

if TYPE_CHECKING:
    from contracttest.generate.core import GenerationOptions, Generator, generator_for
    from contracttest.generate.negative import Invalid, Violation


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'contracttest.generate' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)

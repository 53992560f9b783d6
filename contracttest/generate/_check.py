"""Membership checks the generator makes while planning (is this enum value allowed, does this value
also match another ``oneOf`` branch).

A plain ``jsonschema`` validator with two changes so it agrees with the validation engine on what
generation cares about: patterns are ECMA-262 (`contracttest.schema.ecma`: ``pattern`` read with the
``u`` flag as the translator writes it, ``x-ecma-pattern`` as the spec wrote it), and the formats the
engine checks (``uuid``, ``uri``, ``date-time``...) are checked.
Validators are compiled once per schema node (by identity) and cached.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

from contracttest.errors import PatternError

__all__ = ["Checker"]


def _validator_class(draft2020: bool) -> Any:
    import jsonschema
    from jsonschema import validators

    from contracttest.generate.formats import check_format
    from contracttest.schema.ecma import compile_pattern

    def matcher(flags: str) -> Any:
        def pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Iterator[Any]:
            if not isinstance(instance, str):
                return
            try:
                ok = compile_pattern(patrn, default_flags=flags).test(instance)
            except PatternError:
                return
            if not ok:
                yield jsonschema.ValidationError(f"{instance!r} does not match {patrn!r}")

        return pattern

    def fmt(validator: Any, format_: str, instance: Any, schema: Any) -> Iterator[Any]:
        if isinstance(instance, str) and not check_format(format_, instance):
            yield jsonschema.ValidationError(f"{instance!r} is not a {format_!r}")

    base = jsonschema.Draft202012Validator if draft2020 else jsonschema.Draft7Validator
    keywords = {"pattern": matcher("u"), "x-ecma-pattern": matcher(""), "format": fmt}
    return validators.extend(base, keywords)  # type: ignore[no-untyped-call]


class Checker:
    """Compiled membership checks over one bundle's ``definitions``."""

    def __init__(self, definitions: dict[str, Any], draft2020: bool = False) -> None:
        self.definitions = definitions
        self.cls = _validator_class(draft2020)
        self._cache: dict[int, tuple[Any, Callable[[Any], bool]]] = {}
        self._lock = threading.Lock()

    def predicate(self, schema: Any) -> Callable[[Any], bool]:
        """``value -> bool``: whether ``value`` satisfies ``schema`` (refs into our definitions)."""
        if schema is True or schema == {}:
            return _always
        key = id(schema)
        got = self._cache.get(key)
        if got is not None and got[0] is schema:
            return got[1]
        root = {**schema, "definitions": self.definitions} if isinstance(schema, dict) else schema
        validator = self.cls(root)
        check: Callable[[Any], bool] = validator.is_valid
        with self._lock:
            self._cache[key] = (schema, check)
        return check


def _always(value: Any) -> bool:
    return True

"""Short strings that match an ECMA-262 ``pattern``, for minimal response values.

Python's own regular-expression parser reads the part of ECMA syntax the two share (literals,
classes, ``\\d``/``\\w``/``\\s``, repeats, groups, alternation, backreferences, anchors); the walk takes
the first alternative and the fewest repeats. Lookarounds are skipped, so every result is checked
with ECMA semantics (`contracttest.schema.ecma`) before it is returned; anything else is None and
the caller falls back to the generators.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["pattern_example"]


def pattern_example(pattern: str) -> str | None:
    """A short string the ECMA ``pattern`` matches, or None.

    The common subset of ECMA and Python syntax (literals, classes, ``\\d``/``\\w``, repeats,
    groups, alternation, anchors) is read with Python's parser and walked taking the first choice
    and the fewest repeats; the result is checked with the ECMA semantics before it is used.
    """
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    from contracttest.errors import PatternError
    from contracttest.schema.ecma import compile_pattern

    try:
        compiled = compile_pattern(pattern)
        parsed = _parser.parse(compiled.source)
    except (PatternError, re.error, ValueError, OverflowError, RecursionError):
        return None
    groups: dict[int, str] = {}
    category = {
        c.CATEGORY_DIGIT: "0",
        c.CATEGORY_NOT_DIGIT: "a",
        c.CATEGORY_WORD: "a",
        c.CATEGORY_NOT_WORD: "-",
        c.CATEGORY_SPACE: " ",
        c.CATEGORY_NOT_SPACE: "a",
    }

    def cat_hit(cat: Any, ch: str) -> bool:
        digit = "0" <= ch <= "9"
        word = digit or ch == "_" or ("a" <= ch.lower() <= "z")
        space = ch in " \t\n\r\f\v"
        table = {
            c.CATEGORY_DIGIT: digit,
            c.CATEGORY_NOT_DIGIT: not digit,
            c.CATEGORY_WORD: word,
            c.CATEGORY_NOT_WORD: not word,
            c.CATEGORY_SPACE: space,
            c.CATEGORY_NOT_SPACE: not space,
        }
        return bool(table.get(cat, False))

    def in_class(items: list[tuple[Any, Any]]) -> str:
        negate = bool(items) and items[0][0] is c.NEGATE
        members = items[1:] if negate else items

        def hit(ch: str) -> bool:
            for op, av in members:
                if op is c.LITERAL and ord(ch) == av:
                    return True
                if op is c.RANGE and av[0] <= ord(ch) <= av[1]:
                    return True
                if op is c.CATEGORY and cat_hit(av, ch):
                    return True
            return False

        if not negate:
            op, av = members[0]
            if op is c.LITERAL:
                return chr(av)
            if op is c.RANGE:
                return chr(av[0])
            if op is c.CATEGORY and av in category:
                return category[av]
            raise ValueError(op)
        for ch in "a0A_- .":
            if not hit(ch):
                return ch
        raise ValueError("class excludes every candidate")

    def walk(items: Any, depth: int = 0) -> str:
        if depth > 50:
            raise ValueError("too deep")
        out = []
        for op, av in items:
            if op is c.LITERAL:
                out.append(chr(av))
            elif op is c.NOT_LITERAL:
                out.append("a" if av != ord("a") else "b")
            elif op is c.ANY:
                out.append("a")
            elif op is c.IN:
                out.append(in_class(list(av)))
            elif op is c.CATEGORY:
                out.append(category[av])
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
                low, _high, sub = av
                out.append(walk(sub, depth + 1) * low)
            elif op is c.SUBPATTERN:
                group, _add, _del, sub = av
                text = walk(sub, depth + 1)
                if group is not None:
                    groups[group] = text
                out.append(text)
            elif op is c.BRANCH:
                out.append(walk(av[1][0], depth + 1))
            elif op is c.GROUPREF:
                out.append(groups.get(av, ""))
            elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                continue  # anchors and lookarounds: checked on the result below
            else:
                raise ValueError(op)
        return "".join(out)

    try:
        text = walk(parsed)
    except (ValueError, KeyError, IndexError, OverflowError, MemoryError):
        return None
    if len(text) > 10_000:
        return None
    try:
        ok = compiled.test(text, timeout=1.0)
    except TimeoutError:
        return None
    return text if ok else None

"""Strings that satisfy a pattern and length limits at once: built, not filtered.

A pattern is read from its translation (`contracttest.schema.ecma`), parsed with Python's own regex
parser into a small tree (sequence, alternation, repeat, character set), and every node learns the
set of lengths it can produce, kept as a bitmask capped at the largest length we will ever want.
Generation first draws a total length that the pattern can produce *and* the schema allows, then
walks the tree handing each child a length its siblings can complete. No example is thrown away for
being too long or too short, and Hypothesis shrinks towards the shortest string made of the
simplest characters (``0``, ``a``).

Characters are drawn from the Basic Multilingual Plane without surrogates and without the variation
selectors U+FE0E/U+FE0F, so code points, UTF-16 units and validator.js's count agree: a string
within its limits is within them however the server counts. Nor are U+001C-U+001F, U+0085 and
U+FEFF drawn where anything else will do: regex dialects disagree whether they are whitespace. Lookarounds and other zero-width
assertions are not modelled; `PatternStrings` checks the final string with the ECMA pattern, which
only rejects for patterns that lean on them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from contracttest._ranges import (
    Ranges,
    complement,
    contains,
    intersect,
    normalize,
    size,
    subtract,
)
from contracttest.errors import PatternError

if TYPE_CHECKING:
    from hypothesis import strategies as st

    from contracttest.schema.ecma import EcmaPattern

__all__ = [
    "VARIATION_SELECTORS",
    "PatternStrings",
    "pattern_strings",
    "text",
]

VARIATION_SELECTORS = "\ufe0e\ufe0f"
_BMP_TOP = 0xFFFF
_SURROGATES = (0xD800, 0xDFFF)
# What a free-form character may be: the BMP minus surrogates, the two variation selectors, and
# the characters regex dialects disagree are whitespace: ECMA's \s holds U+FEFF, Python's (and
# PCRE's Unicode) \s holds U+001C-U+001F and U+0085 instead. A valid value holds none of them, so a
# pattern with \s or \S accepts it whichever engine reads it (the corpus oracle reads patterns with
# Python's regex: a BOM drawn for ECMA's \s was a disagreement, amazonaws migration-hub-refactor-spaces).
_SAFE: Ranges = (
    (0x0, 0x1B),
    (0x20, 0x84),
    (0x86, 0xD7FF),
    (0xE000, 0xFE0D),
    (0xFE10, 0xFEFE),
    (0xFF00, 0xFFFF),
)
# Readable characters come first so shrinking ends on them.
_PREFERRED: Ranges = ((0x30, 0x39), (0x61, 0x7A), (0x41, 0x5A))
DEFAULT_SLACK = 16
"""How far past its shortest form an unbounded string may grow."""


# ---------------------------------------------------------------------------------------- ranges
@functools.cache
def _bmp_text() -> str:
    return "".join(chr(c) for c in range(_BMP_TOP + 1) if not _SURROGATES[0] <= c <= _SURROGATES[1])


@functools.cache
def property_ranges(expr: str) -> Ranges:
    """BMP code points of the regex-module property ``\\p{expr}`` (generation never needs more)."""
    import regex

    text = _bmp_text()
    out = [(ord(m.group()[0]), ord(m.group()[-1])) for m in regex.finditer(rf"\p{{{expr}}}+", text)]
    # a run in `text` may straddle the surrogate gap; split it back into real ranges
    return intersect(normalize(out), (*_SAFE, (65038, 65039)))


_PROP = re.compile(r"\\([pP])\{([^}]*)\}")


def _class_text(ranges: Ranges) -> str:
    return "".join(f"\\u{lo:04x}" if lo == hi else f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in ranges)


def _expand_properties(python: str) -> str:
    """Replace ``\\p{..}``/``\\P{..}`` (regex-module only) by explicit BMP classes for `re`."""

    def repl(m: re.Match[str]) -> str:
        found = property_ranges(m.group(2))
        if m.group(1) == "P":
            found = intersect(complement(found, _BMP_TOP), _SAFE)
        return _class_text(found) if found else "\\u0000-\\u0000"

    out: list[str] = []
    pos = 0
    in_class = False
    i = 0
    while i < len(python):
        ch = python[i]
        if ch == "\\":
            m = _PROP.match(python, i)
            if m:
                out.append(python[pos:i])
                body = repl(m)
                out.append(body if in_class else f"[{body}]")
                pos = i = m.end()
                continue
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        i += 1
    out.append(python[pos:])
    return "".join(out)


# ---------------------------------------------------------------------------------- pattern tree
class _Node:
    """A pattern piece that knows which lengths it can produce (bitmask below ``cap``)."""

    mask: int

    def build(self, choose: Chooser, length: int) -> str:
        raise NotImplementedError


class Chooser:
    """How a build makes its choices: Hypothesis draws, or the simplest option (deterministic)."""

    def pick(self, options: list[Any]) -> Any:
        return options[0]

    def char(self, node: _Chars) -> str:
        return node.first


class DrawChooser(Chooser):
    def __init__(self, draw: Callable[[Any], Any]) -> None:
        self.draw = draw

    def pick(self, options: list[Any]) -> Any:
        from hypothesis import strategies as st

        return options[0] if len(options) == 1 else self.draw(st.sampled_from(options))

    def char(self, node: _Chars) -> str:
        return str(self.draw(node.strategy()))


class LastChooser(Chooser):
    """Deterministic, but prefers the last option (longest repeat, last branch)."""

    def pick(self, options: list[Any]) -> Any:
        return options[-1]


def _bits(mask: int, upto: int) -> list[int]:
    """The set bits of ``mask`` that are ``<= upto``, ascending."""
    mask &= (1 << (upto + 1)) - 1
    if mask.bit_count() > 64:
        # one pass over the binary text: clearing bits one by one is quadratic on the 500000-bit
        # masks of `^.*$` with a large maxLength
        text = bin(mask)[:1:-1]
        return [i for i, ch in enumerate(text) if ch == "1"]
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _sumset(a: int, b: int, full: int) -> int:
    """Every ``x + y`` with bit x in ``a`` and bit y in ``b`` (below ``full``)."""
    if a.bit_count() > b.bit_count():
        a, b = b, a
    out = 0
    while a:
        low = a & -a
        out |= b << (low.bit_length() - 1)
        a ^= low
    return out & full


class _Chars(_Node):
    def __init__(self, ranges: Ranges) -> None:
        self.ranges = ranges
        self.mask = 0b10 if ranges else 0
        self._strategy: Any = None
        self.first = _first_char(ranges) if ranges else ""

    def strategy(self) -> Any:
        if self._strategy is None:
            self._strategy = char_strategy(self.ranges)
        return self._strategy

    def build(self, choose: Chooser, length: int) -> str:
        return choose.char(self)


class _Empty(_Node):
    mask = 1

    def build(self, choose: Chooser, length: int) -> str:
        return ""


class _Seq(_Node):
    def __init__(self, items: list[_Node], full: int) -> None:
        self.items = items
        self.full = full
        # suffix[i]: lengths items[i:] can make together
        suffix = [1]
        for node in reversed(items):
            suffix.append(_sumset(node.mask, suffix[-1], full))
        self.suffix = list(reversed(suffix))
        self.mask = self.suffix[0]

    def build(self, choose: Chooser, length: int) -> str:
        out = []
        left = length
        for i, node in enumerate(self.items):
            rest = self.suffix[i + 1]
            options = [n for n in _bits(node.mask, left) if (rest >> (left - n)) & 1]
            n = choose.pick(options)
            out.append(node.build(choose, n))
            left -= n
        return "".join(out)


class _Alt(_Node):
    def __init__(self, branches: list[_Node]) -> None:
        self.branches = branches
        self.mask = 0
        for b in branches:
            self.mask |= b.mask

    def build(self, choose: Chooser, length: int) -> str:
        options = [b for b in self.branches if (b.mask >> length) & 1]
        return str(choose.pick(options).build(choose, length))


class _Repeat(_Node):
    def __init__(self, sub: _Node, lo: int, hi: int | None, full: int, cap: int) -> None:
        self.sub = sub
        self.full = full
        self.lo = lo
        # powers[k]: lengths of exactly k copies; stop once more copies cannot add a length
        powers = [1]
        top = hi if hi is not None else cap + 1
        top = min(top, cap + 1) if sub.mask != 1 else min(top, 1)
        width = sub.mask.bit_length() - 1
        if width > 0 and sub.mask == 1 << width:
            # Fixed width (a character class, a literal run): k copies make exactly k * width, so
            # the lengths are every multiple of width in [lo, top] -- computed at once, not copy by
            # copy (`^.*$` with maxLength 500000 needed 500001 masks of 500001 bits, 31 GB).
            self.powers = []
            top = min(top, cap // width)
            unit = (1 << width) - 1
            count = top - lo + 1
            self.mask = ((1 << (width * count)) - 1) // unit << (width * lo) if count > 0 else 0
            self.mask &= full
            return
        while len(powers) <= top:
            nxt = _sumset(powers[-1], sub.mask, full)
            if nxt == 0:
                break
            powers.append(nxt)
            if len(powers) > lo + 1 and nxt == powers[-2] and sub.mask & 1:
                break  # the sub-pattern can be empty: k+1 copies make the same lengths as k
        self.powers = powers
        self.mask = 0
        for k in range(lo, len(powers)):
            self.mask |= powers[k]

    def build(self, choose: Chooser, length: int) -> str:
        width = self.sub.mask.bit_length() - 1
        if self.sub.mask == 1 << width and width > 0:
            # fixed-width sub-pattern (a character class, a literal run): no split to choose
            return "".join(self.sub.build(choose, width) for _ in range(length // width))
        ks = [k for k in range(self.lo, len(self.powers)) if (self.powers[k] >> length) & 1]
        k = choose.pick(ks)
        out = []
        left = length
        for i in range(k):
            rest = self.powers[k - i - 1]
            options = [n for n in _bits(self.sub.mask, left) if (rest >> (left - n)) & 1]
            n = choose.pick(options)
            out.append(self.sub.build(choose, n))
            left -= n
        return "".join(out)


class _Unsupported(Exception):
    pass


def _sre_constants() -> Any:
    """``re._constants`` (the opcodes of Python's own regex parser; private, hence untyped)."""
    import importlib

    return importlib.import_module("re._constants")


def _class_ranges(items: list[tuple[Any, Any]], top: int) -> Ranges:
    c = _sre_constants()

    negate = False
    ranges: list[tuple[int, int]] = []
    for op, av in items:
        if op is c.NEGATE:
            negate = True
        elif op is c.LITERAL:
            ranges.append((av, av))
        elif op is c.RANGE:
            ranges.append((av[0], av[1]))
        elif op is c.CATEGORY:
            ranges.extend(_category(av))
        else:
            raise _Unsupported(str(op))
    out = normalize(ranges)
    if negate:
        out = complement(out, top)
    return out


def _category(cat: Any) -> Ranges:
    c = _sre_constants()

    digit: Ranges = ((0x30, 0x39),)
    word: Ranges = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
    space: Ranges = ((0x09, 0x0D), (0x20, 0x20))
    table = {
        c.CATEGORY_DIGIT: digit,
        c.CATEGORY_NOT_DIGIT: complement(digit, _BMP_TOP),
        c.CATEGORY_WORD: word,
        c.CATEGORY_NOT_WORD: complement(word, _BMP_TOP),
        c.CATEGORY_SPACE: space,
        c.CATEGORY_NOT_SPACE: complement(space, _BMP_TOP),
    }
    if cat not in table:
        raise _Unsupported(str(cat))
    return table[cat]


def _usable(ranges: Ranges) -> Ranges:
    """What generation may draw from ``ranges``: safe BMP characters, else whatever there is."""
    safe = intersect(ranges, _SAFE)
    if safe:
        return safe
    bmp = subtract(intersect(ranges, ((0, _BMP_TOP),)), (_SURROGATES,))
    return bmp or subtract(ranges, (_SURROGATES,))


class _Builder:
    def __init__(self, cap: int, unicode: bool) -> None:
        self.cap = cap
        self.full = (1 << (cap + 1)) - 1
        self.top = 0x10FFFF if unicode else _BMP_TOP
        self.has_assertions = False

    def seq(self, parsed: Any) -> _Node:
        items = [self.node(op, av) for op, av in parsed]
        items = [n for n in items if not isinstance(n, _Empty)]
        if not items:
            return _Empty()
        if len(items) == 1:
            return items[0]
        return _Seq(items, self.full)

    def node(self, op: Any, av: Any) -> _Node:
        c = _sre_constants()

        if op is c.LITERAL:
            return _Chars(((av, av),))
        if op is c.NOT_LITERAL:
            return _Chars(_usable(complement(((av, av),), self.top)))
        if op is c.ANY:
            return _Chars(_usable(complement(((0x0A, 0x0A),), self.top)))
        if op is c.IN:
            return _Chars(_usable(_class_ranges(av, self.top)))
        if op is c.BRANCH:
            return _Alt([self.seq(b) for b in av[1]])
        if op is c.SUBPATTERN:
            return self.seq(av[-1])
        if op is c.ATOMIC_GROUP:
            return self.seq(av)
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            hi_ = None if hi is c.MAXREPEAT else int(hi)
            return _Repeat(self.seq(sub), int(lo), hi_, self.full, self.cap)
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            # `_tree` strips the anchors at the pattern's two ends: any other (an inner \A or
            # \Z) constrains where the match sits, so the strings are checked against the pattern
            self.has_assertions = True
            return _Empty()
        raise _Unsupported(str(op))


def _anchored(parsed: list[tuple[Any, Any]]) -> tuple[bool, bool]:
    c = _sre_constants()

    start = bool(parsed) and parsed[0] == (c.AT, c.AT_BEGINNING_STRING)
    end = bool(parsed) and parsed[-1] == (c.AT, c.AT_END_STRING)
    return start, end


@dataclass
class PatternStrings:
    """Strategy factory for strings matching one ECMA pattern within length limits."""

    pattern: EcmaPattern
    min_len: int
    max_len: int
    root: _Node | None
    verify: bool
    """Whether generated strings must be re-checked (the pattern has lookarounds or \\b)."""

    @functools.cached_property
    def lengths(self) -> list[int]:
        if self.root is None:
            return []
        return [n for n in _bits(self.root.mask, self.max_len) if n >= self.min_len]

    @property
    def satisfiable(self) -> bool:
        return self.root is None or bool(self.lengths)

    def strategy(self) -> st.SearchStrategy[str]:
        from hypothesis import strategies as st

        if self.root is None:
            return self._fallback()
        lengths = self.lengths
        root = self.root

        choices = _length_choices(lengths)

        @st.composite
        def build(draw: Any) -> str:
            n = draw(choices)
            return root.build(DrawChooser(draw), n)

        out: st.SearchStrategy[str] = build()
        if self.verify:
            out = out.filter(self.pattern.test)
        return out

    def build_len(self, n: int, choose: Chooser | None = None) -> str | None:
        """A deterministic matching string of exactly ``n`` characters, if the pattern has one."""
        if self.root is None or n < 0 or not (self.root.mask >> n) & 1:
            return None
        value = self.root.build(choose or Chooser(), n)
        return value if self.pattern.test(value) else None

    def _fallback(self) -> st.SearchStrategy[str]:
        from hypothesis import strategies as st

        from contracttest.validate.rules.lengths import count

        lo, hi = self.min_len, self.max_len
        try:
            re.compile(_expand_properties(self.pattern.python))
        except (re.error, OverflowError, RecursionError) as exc:
            raise PatternError(
                f"pattern {self.pattern.source!r} is beyond what contracttest can generate strings "
                f"for ({exc}); give the property an example or a simpler pattern"
            ) from None
        return (
            st.from_regex(_expand_properties(self.pattern.python), fullmatch=False)
            .filter(lambda s: not any("\ud800" <= ch <= "\udfff" for ch in s))
            .filter(lambda s: lo <= count(s, "validatorjs") and count(s, "utf16") <= hi)
            .filter(self.pattern.test)
        )


def char_strategy(ranges: Ranges) -> Any:
    """Characters from ``ranges``, readable ones first (what shrinking ends on)."""
    from hypothesis import strategies as st

    preferred = tuple(r for p in _PREFERRED for r in intersect(ranges, (p,)))
    rest = subtract(ranges, normalize(list(preferred)))
    parts = []
    for group in (preferred, rest):
        if not group:
            continue
        table = group
        total = size(group)

        def pick(i: int, table: Ranges = table) -> str:
            for lo, hi in table:
                if i <= hi - lo:
                    return chr(lo + i)
                i -= hi - lo + 1
            raise AssertionError("index out of range")  # pragma: no cover

        parts.append(st.integers(0, total - 1).map(pick))
    return parts[0] if len(parts) == 1 else st.one_of(*parts)


def _first_char(ranges: Ranges) -> str:
    preferred = tuple(r for p in _PREFERRED for r in intersect(ranges, (p,)))
    return chr((preferred or ranges)[0][0])


RANDOM_LENGTH_SPAN = 256
"""Random strings stay within this many characters of their shortest form; the boundary phase
(`contracttest.generate.boundary`) covers the limits themselves."""


def _length_choices(lengths: list[int]) -> Any:
    """Mostly short strings (readable payloads), sometimes longer ones."""
    from hypothesis import strategies as st

    short = [n for n in lengths if n <= lengths[0] + DEFAULT_SLACK]
    longer = [n for n in lengths if n <= lengths[0] + RANDOM_LENGTH_SPAN]
    if len(longer) == len(short):
        return st.sampled_from(short)
    return st.one_of(st.sampled_from(short), st.sampled_from(longer))


def _without_lookarounds(pattern: EcmaPattern) -> EcmaPattern | None:
    """``pattern`` with its lookahead and lookbehind groups removed (they only narrow what matches),
    or None when nothing changes or the rest does not compile."""
    from contracttest.schema.ecma import compile_pattern

    src = pattern.source
    out: list[str] = []
    i, n, removed = 0, len(src), False
    in_class = False
    while i < n:
        ch = src[i]
        if ch == "\\":
            out.append(src[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
            out.append(ch)
            i += 1
            continue
        if ch == "[":
            in_class = True
        elif ch == "(" and src.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            end = _group_end(src, i)
            if end is None:
                return None
            i, removed = end + 1, True
            continue
        out.append(ch)
        i += 1
    if not removed:
        return None
    try:
        lighter = compile_pattern(f"/{''.join(out)}/{pattern.flags}")
        _parse(lighter.python)
    except (re.error, PatternError, OverflowError, RecursionError):
        return None
    return lighter


def _group_end(src: str, start: int) -> int | None:
    """Index of the ``)`` closing the group opened at ``start`` (escapes and classes skipped)."""
    depth, i, in_class = 0, start, False
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


@functools.lru_cache(maxsize=2048)
def _parse(python: str) -> Any:
    import importlib

    return importlib.import_module("re._parser").parse(_expand_properties(python))


def pattern_strings(
    pattern: EcmaPattern, min_len: int = 0, max_len: int | None = None
) -> PatternStrings:
    """Plan strings matching ``pattern`` with ``min_len <= length <= max_len``.

    Args:
        pattern: a compiled ECMA pattern (`contracttest.schema.ecma.compile_pattern`).
        min_len: the smallest length allowed (every counting agrees on generated strings).
        max_len: the largest; ``None`` lets strings grow `DEFAULT_SLACK` past their shortest form.

    Returns:
        A `PatternStrings`; ``.satisfiable`` is False when no length in range can match.
    """
    try:
        parsed = _parse(pattern.python)
    except (re.error, PatternError, OverflowError, RecursionError):
        # Python's parser cannot read the translation (a backreference inside a lookaround becomes
        # regex-module syntax: `(?(1)...)`, `\g<1>`). Plan the pattern without its lookarounds and
        # check every string against the real one (AWS's `^(?!.*?(.)\1{3})[-_a-zA-Z0-9]*$`).
        lighter = _without_lookarounds(pattern)
        if lighter is not None:
            plan = pattern_strings(lighter, min_len, max_len)
            return PatternStrings(pattern, plan.min_len, plan.max_len, plan.root, True)
        return PatternStrings(pattern, min_len, max_len or min_len + DEFAULT_SLACK, None, True)
    items = list(parsed)
    branches: list[list[tuple[Any, Any]]]
    c = _sre_constants()

    if len(items) == 1 and items[0][0] is c.BRANCH:
        branches = [list(b) for b in items[0][1][1]]
    else:
        branches = [items]
    lo_guess = min_len
    cap = max_len if max_len is not None else None
    if cap is None:
        # find the shortest form first, then allow some slack past it
        probe = _Builder(256 + min_len, pattern.unicode)
        try:
            shortest = min(
                (_bits(_tree(probe, b).mask, 256 + min_len) or [256 + min_len])[0] for b in branches
            )
        except _Unsupported:
            return PatternStrings(pattern, min_len, min_len + DEFAULT_SLACK, None, True)
        cap = max(lo_guess, shortest) + DEFAULT_SLACK
    builder = _Builder(cap, pattern.unicode)
    try:
        trees = [_tree(builder, b) for b in branches]
    except _Unsupported:
        return PatternStrings(pattern, min_len, cap, None, True)
    root: _Node = trees[0] if len(trees) == 1 else _Alt(trees)
    verify = builder.has_assertions or "i" in pattern.flags
    return PatternStrings(pattern, min_len, cap, root, verify)


def _hoist_end_anchor(items: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """``\\A(?:x\\Z|y\\Z)`` -> ``\\A(?:x|y)\\Z``: Python's parser factors the common ``\\A`` out of
    ``^$|^\\S(.*\\S)?$`` (AWS CodeStar's description) but leaves each branch its own ``\\Z``."""
    c = _sre_constants()
    end = (c.AT, c.AT_END_STRING)
    if not items or items[-1][0] is not c.BRANCH:
        return items
    alternatives = [list(b) for b in items[-1][1][1]]
    if not alternatives or not all(alt and alt[-1] == end for alt in alternatives):
        return items
    branch = (c.BRANCH, (items[-1][1][0], [alt[:-1] for alt in alternatives]))
    return [*items[:-1], branch, end]


def _tree(builder: _Builder, items: list[tuple[Any, Any]]) -> _Node:
    items = _hoist_end_anchor(items)
    start, end = _anchored(items)
    core = items[1 if start else 0 : len(items) - 1 if end else len(items)]
    node = builder.seq(core)
    parts: list[_Node] = []
    free = _Repeat(_Chars(_SAFE), 0, None, builder.full, builder.cap)
    if not start:
        parts.append(free)
    parts.append(node)
    if not end:
        parts.append(free)
    return parts[0] if len(parts) == 1 else _Seq(parts, builder.full)


# ------------------------------------------------------------------------------------ plain text
def text(min_len: int = 0, max_len: int | None = None, *, bmp_only: bool | None = None) -> Any:
    """Strings with ``min_len <= length <= max_len`` under every counting.

    Without limits the alphabet includes astral characters (emoji) and variation selectors; with a
    limit it is the safe BMP alphabet, so the three counts agree.
    """
    from hypothesis import strategies as st

    limited = min_len > 0 or max_len is not None
    if bmp_only is None:
        bmp_only = limited
    if bmp_only:
        chars = char_strategy(subtract(_SAFE, ((0, 0),)))
    else:
        chars = st.one_of(
            char_strategy(subtract(_SAFE, ((0, 0),))),
            st.characters(exclude_categories=["Cs"], min_codepoint=1),
        )
    hi = max_len if max_len is not None else min_len + DEFAULT_SLACK
    return st.lists(chars, min_size=min_len, max_size=hi).map("".join)


# ----------------------------------------------------------------------------- several patterns
class SeededChooser(Chooser):
    """Deterministic pseudo-random choices (witness search outside Hypothesis)."""

    def __init__(self, seed: int) -> None:
        import random

        self.random = random.Random(seed)

    def pick(self, options: list[Any]) -> Any:
        return options[self.random.randrange(len(options))]

    def char(self, node: _Chars) -> str:
        i = self.random.randrange(size(node.ranges))
        for lo, hi in node.ranges:
            if i <= hi - lo:
                return chr(lo + i)
            i -= hi - lo + 1
        raise AssertionError("index out of range")  # pragma: no cover


def _alphabet(node: _Node) -> Ranges | None:
    """Every character a match can hold (None: any, the pattern is not fully anchored)."""
    if isinstance(node, _Chars):
        return node.ranges if node.ranges != _SAFE else None
    parts: list[_Node] = []
    if isinstance(node, _Seq):
        parts = node.items
    elif isinstance(node, _Alt):
        parts = node.branches
    elif isinstance(node, _Repeat):
        parts = [node.sub]
    out: list[tuple[int, int]] = []
    for p in parts:
        got = _alphabet(p)
        if got is None:
            return None
        out.extend(got)
    return normalize(out)


def _required_chars(node: _Node) -> set[int]:
    """Characters every match of ``node`` contains (a sound under-approximation)."""
    if (
        isinstance(node, _Chars)
        and len(node.ranges) == 1
        and node.ranges[0][0] == node.ranges[0][1]
    ):
        return {node.ranges[0][0]}
    if isinstance(node, _Seq):
        out: set[int] = set()
        for item in node.items:
            out |= _required_chars(item)
        return out
    if isinstance(node, _Repeat) and node.lo > 0:
        return _required_chars(node.sub)
    if isinstance(node, _Alt) and node.branches:
        common = _required_chars(node.branches[0])
        for b in node.branches[1:]:
            common &= _required_chars(b)
        return common
    return set()


def common_match(
    patterns: list[EcmaPattern], min_len: int, max_len: int | None
) -> tuple[int, str | None, bool]:
    """Look for a string matching every pattern within the lengths.

    Returns:
        (index of the pattern to build from, a witness or None, proven) where ``proven`` says that
        no string can match them all (some pattern needs a character another can never hold).
    """
    plans = [pattern_strings(p, min_len, max_len) for p in patterns]
    for i, plan in enumerate(plans):
        if plan.root is None or not plan.lengths:
            continue
        others = [p for j, p in enumerate(patterns) if j != i]
        choosers: list[Chooser] = [Chooser(), LastChooser(), *(SeededChooser(s) for s in range(24))]
        for n in plan.lengths[:12] + plan.lengths[-4:]:
            for chooser in choosers:
                value = plan.build_len(n, chooser)
                if value is not None and all(p.test(value) for p in others):
                    return i, value, False
    for i, plan in enumerate(plans):
        alphabet = _alphabet(plan.root) if plan.root is not None else None
        if alphabet is None:
            continue
        for j, other in enumerate(plans):
            if j == i or other.root is None:
                continue
            missing = [c for c in _required_chars(other.root) if not contains(alphabet, c)]
            if missing:
                return i, None, True
    return 0, None, False

"""ECMA-262 regular expressions (OpenAPI / JSON Schema ``pattern``) on Python's ``regex`` module.

Why a translator and not ``regex.compile(pattern)``: the dialects disagree in ways that change verdicts.
In ECMA ``\\d`` and ``\\w`` are ASCII (even with ``u``), ``\\s`` is a fixed set, ``$`` without ``m``
matches only at the very end (Python's also matches before a final ``\\n``), ``.`` excludes four line
terminators, a backreference to a group that did not take part matches the empty string, ``{,5}`` is
literal text, ``\\p{L}`` without ``u`` means ``p{L}``, and without ``u`` a pattern works on UTF-16 code
units (``/^.$/`` does not match ``"😀"``). So a small recursive-descent parser reads the ECMA grammar
(with Annex B for patterns without ``u``, as browsers and Node do) and writes an equivalent pattern
out of constructs whose meaning is the same in both worlds: explicit classes, hex escapes, lookarounds.
Anything with no faithful equivalent raises `PatternError` naming the construct.

Patterns without ``u``/``v`` are matched against the UTF-16 code units of the subject (a Python str
holding surrogates); `EcmaPattern.search` does that conversion, so call it rather than
``EcmaPattern.compiled`` directly.

Known gaps (documented, not silently wrong in the common case): captures are not reset at each
iteration of a quantified group (matters only to a backreference that reads one), and a
backreference with ``i`` compares by simple case folding.
"""

from __future__ import annotations

import array
import bisect
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from contracttest.errors import PatternError

if TYPE_CHECKING:
    from collections.abc import Callable

    import regex

__all__ = [
    "FLAG_CHARS",
    "EcmaPattern",
    "compile_pattern",
    "split_delimited",
    "translate",
    "utf16_units",
]

FLAG_CHARS = "dgimsuvy"
"""Every flag ECMA-262 defines."""

_MAX_CP = 0x10FFFF
_MAX_UNIT = 0xFFFF
# The regex module's largest repeat count.
_MAX_REPEAT = 4294967294

_LINE_TERMINATORS = "\\n\\r\\u2028\\u2029"
_DIGIT = ((0x30, 0x39),)
_WORD = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
# With both u and i, \w also holds the two characters whose simple case folding is ASCII
# (ECMA-262 WordCharacters): U+017F LATIN SMALL LETTER LONG S and U+212A KELVIN SIGN.
_WORD_UI = (*_WORD, (0x17F, 0x17F), (0x212A, 0x212A))
# ECMA WhiteSpace + LineTerminator (ECMA-262 §22.2.2.9 CharacterClassEscape :: s).
_SPACE = (
    (0x09, 0x0D),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
)

_SYNTAX_CHARS = "^$\\.*+?()[]{}|"
_CONTROL_ESCAPES = {"f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B}
_HEX = frozenset("0123456789abcdefABCDEF")
_BRACED = re.compile(r"\{([0-9]+)(?:(,)([0-9]*))?\}")
_HAS_SURROGATE = re.compile("[\ud800-\udfff]")
_HAS_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

# ECMA-262 table "Value aliases and canonical values for the Unicode property General_Category".
_GENERAL_CATEGORY: dict[str, tuple[str, ...]] = {
    "C": ("Other",),
    "Cc": ("Control", "cntrl"),
    "Cf": ("Format",),
    "Cn": ("Unassigned",),
    "Co": ("Private_Use",),
    "Cs": ("Surrogate",),
    "L": ("Letter",),
    "LC": ("Cased_Letter",),
    "Ll": ("Lowercase_Letter",),
    "Lm": ("Modifier_Letter",),
    "Lo": ("Other_Letter",),
    "Lt": ("Titlecase_Letter",),
    "Lu": ("Uppercase_Letter",),
    "M": ("Mark", "Combining_Mark"),
    "Mc": ("Spacing_Mark",),
    "Me": ("Enclosing_Mark",),
    "Mn": ("Nonspacing_Mark",),
    "N": ("Number",),
    "Nd": ("Decimal_Number", "digit"),
    "Nl": ("Letter_Number",),
    "No": ("Other_Number",),
    "P": ("Punctuation", "punct"),
    "Pc": ("Connector_Punctuation",),
    "Pd": ("Dash_Punctuation",),
    "Pe": ("Close_Punctuation",),
    "Pf": ("Final_Punctuation",),
    "Pi": ("Initial_Punctuation",),
    "Po": ("Other_Punctuation",),
    "Ps": ("Open_Punctuation",),
    "S": ("Symbol",),
    "Sc": ("Currency_Symbol",),
    "Sk": ("Modifier_Symbol",),
    "Sm": ("Math_Symbol",),
    "So": ("Other_Symbol",),
    "Z": ("Separator",),
    "Zl": ("Line_Separator",),
    "Zp": ("Paragraph_Separator",),
    "Zs": ("Space_Separator",),
}
_GC_ALIASES = {
    alias: short for short, longs in _GENERAL_CATEGORY.items() for alias in (short, *longs)
}

# ECMA-262 table "Binary Unicode property aliases": canonical name -> short alias.
_BINARY_PROPERTIES: dict[str, str | None] = {
    "ASCII": None,
    "ASCII_Hex_Digit": "AHex",
    "Alphabetic": "Alpha",
    "Any": None,
    "Assigned": None,
    "Bidi_Control": "Bidi_C",
    "Bidi_Mirrored": "Bidi_M",
    "Case_Ignorable": "CI",
    "Cased": None,
    "Changes_When_Casefolded": "CWCF",
    "Changes_When_Casemapped": "CWCM",
    "Changes_When_Lowercased": "CWL",
    "Changes_When_NFKC_Casefolded": "CWKCF",
    "Changes_When_Titlecased": "CWT",
    "Changes_When_Uppercased": "CWU",
    "Dash": None,
    "Default_Ignorable_Code_Point": "DI",
    "Deprecated": "Dep",
    "Diacritic": "Dia",
    "Emoji": None,
    "Emoji_Component": "EComp",
    "Emoji_Modifier": "EMod",
    "Emoji_Modifier_Base": "EBase",
    "Emoji_Presentation": "EPres",
    "Extended_Pictographic": "ExtPict",
    "Extender": "Ext",
    "Grapheme_Base": "Gr_Base",
    "Grapheme_Extend": "Gr_Ext",
    "Hex_Digit": "Hex",
    "IDS_Binary_Operator": "IDSB",
    "IDS_Trinary_Operator": "IDST",
    "ID_Continue": "IDC",
    "ID_Start": "IDS",
    "Ideographic": "Ideo",
    "Join_Control": "Join_C",
    "Logical_Order_Exception": "LOE",
    "Lowercase": "Lower",
    "Math": None,
    "Noncharacter_Code_Point": "NChar",
    "Pattern_Syntax": "Pat_Syn",
    "Pattern_White_Space": "Pat_WS",
    "Quotation_Mark": "QMark",
    "Radical": None,
    "Regional_Indicator": "RI",
    "Sentence_Terminal": "STerm",
    "Soft_Dotted": "SD",
    "Terminal_Punctuation": "Term",
    "Unified_Ideograph": "UIdeo",
    "Uppercase": "Upper",
    "Variation_Selector": "VS",
    "White_Space": "space",
    "XID_Continue": "XIDC",
    "XID_Start": "XIDS",
}
_BINARY_ALIASES = {
    alias: name
    for name, short in _BINARY_PROPERTIES.items()
    for alias in (name, short)
    if alias is not None
}
# v-flag "properties of strings": they match sequences, which a class cannot express here.
_STRING_PROPERTIES = frozenset(
    {
        "Basic_Emoji",
        "Emoji_Keycap_Sequence",
        "RGI_Emoji_Modifier_Sequence",
        "RGI_Emoji_Flag_Sequence",
        "RGI_Emoji_Tag_Sequence",
        "RGI_Emoji_ZWJ_Sequence",
        "RGI_Emoji",
    }
)
_SCRIPT_VALUE = re.compile(r"[A-Z][A-Za-z_]*")
# v-mode: characters that must be escaped inside a class, and the reserved double punctuators.
_V_CLASS_SYNTAX = frozenset("()[]{}/-\\|")
_V_RESERVED_DOUBLE = frozenset("&!#$%*+,.:;<=>?@^`~")
_V_ESCAPABLE_PUNCT = frozenset("&-!#%,:;<=>@`~")

Ranges = tuple[tuple[int, int], ...]


def _hex(cp: int) -> str:
    if cp < 0x100:
        return f"\\x{cp:02x}"
    if cp < 0x10000:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


def _lit(cp: int) -> str:
    """A regex-module pattern matching exactly code point ``cp`` (outside a class)."""
    if cp < 0x80:
        ch = chr(cp)
        if ch.isalnum():
            return ch
        if 0x20 < cp < 0x7F:
            return "\\" + ch
    return _hex(cp)


def _class_char(cp: int) -> str:
    # Only alphanumerics stay bare: no `[`, `-`, `&&`, `||`, `~~` can reach the regex module's
    # set-operation parser (which would warn, or read a nested set).
    if cp < 0x80 and chr(cp).isalnum():
        return chr(cp)
    return _hex(cp)


def _normalize(ranges: list[tuple[int, int]] | Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)


def _complement(ranges: Ranges, top: int) -> Ranges:
    out: list[tuple[int, int]] = []
    nxt = 0
    for lo, hi in _normalize(ranges):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = max(nxt, hi + 1)
    if nxt <= top:
        out.append((nxt, top))
    return tuple(out)


def _contains(ranges: Ranges, cp: int) -> bool:
    i = bisect.bisect_right(ranges, (cp, _MAX_CP + 1)) - 1
    return i >= 0 and ranges[i][0] <= cp <= ranges[i][1]


def _legacy_canonicalize(cp: int) -> int:
    """ECMA-262 Canonicalize(rer, ch) with IgnoreCase and neither u nor v: toUpperCase, restricted."""
    if 0xD800 <= cp <= 0xDFFF:
        return cp
    up = chr(cp).upper()
    if len(up) != 1 or ord(up) > 0xFFFF:
        return cp
    cu = ord(up)
    if cp >= 0x80 and cu < 0x80:
        return cp
    return cu


# Simple case foldings (CaseFolding.txt status S) that Python's str methods cannot reveal.
_SIMPLE_FOLD_EXTRA = {0x1FD3: 0x0390, 0x1FE3: 0x03B0, 0xFB05: 0xFB06}


def _simple_fold_from_str(cp: int) -> int:
    if cp in _SIMPLE_FOLD_EXTRA:
        return _SIMPLE_FOLD_EXTRA[cp]
    ch = chr(cp)
    folded = ch.casefold()
    if len(folded) == 1:
        return ord(folded)
    # Only a full (F) folding: the simple one (S) is the one-character lowercase, if any.
    lower = ch.lower()
    return ord(lower) if len(lower) == 1 else cp


@functools.cache
def _simple_fold_function() -> Callable[[int], int]:
    """Unicode simple case folding (statuses C and S): ECMA Canonicalize with u.

    The regex module's tables are newer than Python's ``unicodedata`` (closer to what Node ships),
    so they are used when its folding primitive is there; it keeps ``I`` unfolded for its Turkic
    handling, which ECMA does not have.
    """
    import regex

    fold_case = getattr(getattr(regex, "_regex", None), "fold_case", None)
    if fold_case is None:
        return _simple_fold_from_str
    flags = regex.UNICODE | regex.IGNORECASE

    def fold(cp: int) -> int:
        if cp == 0x49:
            return 0x69
        folded = fold_case(flags, chr(cp))
        return ord(folded) if isinstance(folded, str) and len(folded) == 1 else cp

    return fold


@functools.cache
def _case_classes(unicode: bool) -> dict[int, tuple[int, ...]]:
    """Character -> every character with the same ECMA canonical form (non-trivial classes only).

    Without u ECMA canonicalizes UTF-16 units with toUpperCase; with u, code points with simple
    case folding. No cased character lies beyond plane 1.
    """
    canon = _simple_fold_function() if unicode else _legacy_canonicalize
    groups: dict[int, list[int]] = {}
    for cp in range(0x20000 if unicode else 0x10000):
        groups.setdefault(canon(cp), []).append(cp)
    out: dict[int, tuple[int, ...]] = {}
    for members in groups.values():
        if len(members) > 1:
            for cp in members:
                out[cp] = tuple(members)
    return out


def _case_closure(ranges: Ranges, unicode: bool) -> Ranges:
    """Every character that matches ``ranges`` with the i flag (ECMA CharacterSetMatcher)."""
    extra: list[tuple[int, int]] = []
    for cp, members in _case_classes(unicode).items():
        if _contains(ranges, cp):
            extra.extend((m, m) for m in members)
    return _normalize([*ranges, *extra]) if extra else ranges


@functools.cache
def _every_code_point() -> str:
    return array.array("I", range(_MAX_CP + 1)).tobytes().decode("utf-32-le", "surrogatepass")


@functools.cache
def _property_ranges(expr: str) -> Ranges:
    """The code points of ``\\p{expr}`` as ranges (needed to apply ECMA case folding to them)."""
    import regex

    found = regex.finditer("\\p{" + expr + "}+", _every_code_point())
    return tuple((m.start(), m.end() - 1) for m in found)


def utf16_units(text: str) -> str:
    """``text`` with every astral code point split into its UTF-16 surrogate pair.

    Patterns without the ``u``/``v`` flag see strings as UTF-16 code units; their translation
    must be searched in this form (`EcmaPattern.search` does it for you).
    """
    if text.isascii() or not _HAS_ASTRAL.search(text):
        return text
    out: list[str] = []
    for ch in text:
        cp = ord(ch)
        if cp > 0xFFFF:
            cp -= 0x10000
            out.append(chr(0xD800 + (cp >> 10)))
            out.append(chr(0xDC00 + (cp & 0x3FF)))
        else:
            out.append(ch)
    return "".join(out)


def _code_points(text: str) -> str:
    """``text`` with surrogate pairs joined into code points (lone surrogates kept), as ``u`` reads."""
    if text.isascii() or not _HAS_SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _scan_literal_end(text: str) -> int | None:
    """Index of the ``/`` closing a JS regex literal starting at ``text[0] == '/'``, if any."""
    i, n, in_class = 1, len(text), False
    while i < n:
        ch = text[i]
        if ch in "\n\r\u2028\u2029":
            return None
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
        elif ch == "/":
            return i
        i += 1
    return None


def split_delimited(pattern: str) -> tuple[str, str]:
    """Split a JavaScript regex literal ``/body/flags`` into ``(body, flags)``.

    The full Vapi spec writes ``pattern: "/^[a-zA-Z0-9_-]{1,40}$/"``. A string is read as a literal
    only when it lexes as one: it starts with ``/``, the first unescaped ``/`` outside a character
    class closes a non-empty body, and everything after it is distinct flags from ``dgimsuvy``.
    Anything else is returned unchanged with no flags: ``^/api/.*$``, ``/``, ``//``,
    ``/api/v1/users`` (an unescaped ``/`` inside the body cannot be in a literal).

    Example:
        >>> split_delimited("/^\\\\p{L}+$/u")
        ('^\\\\p{L}+$', 'u')
        >>> split_delimited("^/api/.*$")
        ('^/api/.*$', '')
    """
    if len(pattern) < 3 or not pattern.startswith("/"):
        return pattern, ""
    end = _scan_literal_end(pattern)
    if end is None or end == 1:
        return pattern, ""
    flags = pattern[end + 1 :]
    if any(f not in FLAG_CHARS for f in flags) or len(set(flags)) != len(flags):
        return pattern, ""
    return pattern[1:end], flags


def _check_flags(flags: str) -> None:
    for f in flags:
        if f not in FLAG_CHARS:
            raise PatternError(
                f"unknown regular expression flag {f!r} (ECMA-262 knows {FLAG_CHARS})"
            )
    if len(set(flags)) != len(flags):
        raise PatternError(f"repeated regular expression flag in {flags!r}")
    if "u" in flags and "v" in flags:
        raise PatternError("flags 'u' and 'v' cannot be combined")


class _Mode(NamedTuple):
    ignore_case: bool
    multiline: bool
    dotall: bool


@dataclass
class _ClassSet:
    ranges: Ranges
    # (regex-module property expression, negated)
    props: tuple[tuple[str, bool], ...] = ()


class _Translator:
    def __init__(self, source: str, flags: str) -> None:
        _check_flags(flags)
        self.flags = flags
        self.unicode = "u" in flags or "v" in flags
        self.vmode = "v" in flags
        self.top = _MAX_CP if self.unicode else _MAX_UNIT
        self.original = source
        self.src = _code_points(source) if self.unicode else utf16_units(source)
        self.pos = 0
        self.lookbehind_depth = 0
        self.group_count = 0
        self.group_names: dict[str, int] = {}
        self.python_names: dict[str, str] = {}
        self._scan_groups()

    # -- helpers -----------------------------------------------------------------------------

    def error(self, what: str, at: int | None = None) -> PatternError:
        where = self.pos if at is None else at
        return PatternError(
            f"{what} (at position {where} of /{self.original}/{self.flags})",
        )

    def peek(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.src[i] if i < len(self.src) else ""

    def at_end(self) -> bool:
        return self.pos >= len(self.src)

    def startswith(self, text: str) -> bool:
        return self.src.startswith(text, self.pos)

    def _scan_groups(self) -> None:
        """Count capturing groups and collect names first: ``\\2`` and ``\\k<x>`` may look ahead."""
        src, i, n, depth = self.src, 0, len(self.src), 0
        count = 0
        while i < n:
            ch = src[i]
            if ch == "\\":
                i += 2
                continue
            if depth:
                if ch == "]":
                    depth -= 1
                elif ch == "[" and self.vmode:
                    depth += 1
            elif ch == "[":
                depth = 1
            elif ch == "(":
                if not src.startswith("?", i + 1):
                    count += 1
                elif src.startswith("?<", i + 1) and not src.startswith(("?<=", "?<!"), i + 1):
                    count += 1
                    name, _ = self._read_group_name(i + 3)
                    if name in self.group_names:
                        raise self.error(
                            f"duplicate capture group name <{name}> (duplicate named groups are"
                            " not supported)",
                            i,
                        )
                    self.group_names[name] = count
            i += 1
        self.group_count = count
        for name, index in self.group_names.items():
            self.python_names[name] = name if name.isidentifier() else f"_ecma_group{index}"

    def _read_group_name(self, start: int) -> tuple[str, int]:
        """Parse a RegExpIdentifierName from ``start`` up to ``>``; return (name, index after ``>``)."""
        src, i, n = self.src, start, len(self.src)
        chars: list[str] = []
        while True:
            if i >= n:
                raise self.error("unterminated group name", start)
            ch = src[i]
            if ch == ">":
                i += 1
                break
            if ch == "\\":
                cp, i = self._read_unicode_escape_in_name(i)
                chars.append(chr(cp))
                continue
            chars.append(ch)
            i += 1
        name = _code_points("".join(chars))
        if not name or not _is_identifier_name(name):
            raise self.error(f"invalid capture group name <{name}>", start)
        return name, i

    def _read_unicode_escape_in_name(self, i: int) -> tuple[int, int]:
        src = self.src
        if not src.startswith("\\u", i):
            raise self.error("invalid escape in group name", i)
        if src.startswith("{", i + 2):
            end = src.find("}", i + 3)
            digits = src[i + 3 : end] if end > 0 else ""
            if not digits or any(d not in _HEX for d in digits) or int(digits, 16) > _MAX_CP:
                raise self.error("invalid \\u{...} escape in group name", i)
            return int(digits, 16), end + 1
        digits = src[i + 2 : i + 6]
        if len(digits) != 4 or any(d not in _HEX for d in digits):
            raise self.error("invalid \\u escape in group name", i)
        cp = int(digits, 16)
        if 0xD800 <= cp <= 0xDBFF and src.startswith("\\u", i + 6):
            low = src[i + 8 : i + 12]
            if len(low) == 4 and all(d in _HEX for d in low) and 0xDC00 <= int(low, 16) <= 0xDFFF:
                return 0x10000 + ((cp - 0xD800) << 10) + (int(low, 16) - 0xDC00), i + 12
        return cp, i + 6

    # -- grammar -----------------------------------------------------------------------------

    def translate(self) -> str:
        mode = _Mode("i" in self.flags, "m" in self.flags, "s" in self.flags)
        body = self.disjunction(mode)
        if not self.at_end():
            raise self.error("unmatched ')'")
        if "y" in self.flags:
            # Sticky: a single test() from lastIndex 0 only matches at the start.
            body = f"\\A(?:{body})"
        return body

    def disjunction(self, mode: _Mode) -> str:
        alternatives = [self.alternative(mode)]
        while self.peek() == "|":
            self.pos += 1
            alternatives.append(self.alternative(mode))
        return "|".join(alternatives)

    def alternative(self, mode: _Mode) -> str:
        parts: list[str] = []
        while not self.at_end() and self.peek() not in "|)":
            parts.append(self.term(mode))
        return "".join(parts)

    def term(self, mode: _Mode) -> str:
        ch = self.peek()
        if ch == "^":
            self.pos += 1
            self.forbid_quantifier("'^'")
            return f"(?<![^{_LINE_TERMINATORS}])" if mode.multiline else "\\A"
        if ch == "$":
            self.pos += 1
            self.forbid_quantifier("'$'")
            return f"(?![^{_LINE_TERMINATORS}])" if mode.multiline else "\\Z"
        if ch == "\\" and self.peek(1) in ("b", "B"):
            letter = self.peek(1)
            self.pos += 2
            self.forbid_quantifier(f"'\\{letter}'")
            word = self.word_class(mode)
            if letter == "b":
                return f"(?:(?<={word})(?!{word})|(?<!{word})(?={word}))"
            return f"(?:(?<={word})(?={word})|(?<!{word})(?!{word}))"
        if self.startswith("(?=") or self.startswith("(?!"):
            kind = self.src[self.pos + 2]
            self.pos += 3
            inner = self.disjunction(mode)
            self.expect_close()
            atom = f"(?{kind}{inner})"
            if self.unicode:
                self.forbid_quantifier("a lookahead (with the u flag)")
                return atom
            # Annex B: a lookahead may be quantified without u.
            quantifier = self.quantifier()
            return f"(?:{atom}){quantifier}" if quantifier else atom
        if self.startswith("(?<=") or self.startswith("(?<!"):
            kind = self.src[self.pos + 3]
            self.pos += 4
            self.lookbehind_depth += 1
            inner = self.disjunction(mode)
            self.lookbehind_depth -= 1
            self.expect_close()
            self.forbid_quantifier("a lookbehind")
            return f"(?<{kind}{inner})"
        atom = self.atom(mode)
        return atom + self.quantifier()

    def word_class(self, mode: _Mode) -> str:
        # With u and i the closure adds U+017F and U+212A (ECMA WordCharacters).
        return self.emit_class(_ClassSet(_WORD), negate=False, mode=mode)

    def forbid_quantifier(self, what: str) -> None:
        if self.at_quantifier():
            raise self.error(f"nothing to repeat: {what} cannot be quantified")

    def at_quantifier(self) -> bool:
        ch = self.peek()
        return ch in ("*", "+", "?") or (ch == "{" and self.braced() is not None)

    def braced(self) -> tuple[int, int | None, str] | None:
        """Parse ``{n}``, ``{n,}``, ``{n,m}`` at pos without consuming; None if not one."""
        m = _BRACED.match(self.src, self.pos)
        if m is None:
            return None
        low = int(m.group(1))
        high: int | None = low
        if m.group(2) is not None:
            high = int(m.group(3)) if m.group(3) else None
        return low, high, m.group(0)

    def quantifier(self) -> str:
        ch = self.peek()
        if ch in ("*", "+", "?"):
            self.pos += 1
            text = ch
        elif ch == "{":
            parsed = self.braced()
            if parsed is None:
                if self.unicode:
                    raise self.error("lone '{' (escape it as '\\{' with the u flag)")
                return ""  # Annex B: a literal '{', read by the next atom.
            low, high, raw = parsed
            if high is not None and high < low:
                raise self.error(f"numbers out of order in quantifier {raw}")
            if low > _MAX_REPEAT or (high is not None and high > _MAX_REPEAT):
                raise self.error(f"quantifier {raw} is larger than the regex module supports")
            self.pos += len(raw)
            if high is None:
                text = f"{{{low},}}"
            elif high == low:
                text = f"{{{low}}}"
            else:
                text = f"{{{low},{high}}}"
        else:
            return ""
        if self.peek() == "?":
            self.pos += 1
            text += "?"
        if self.at_quantifier():
            raise self.error("nothing to repeat: a quantifier cannot follow a quantifier")
        return text

    def expect_close(self) -> None:
        if self.peek() != ")":
            raise self.error("unterminated group: missing ')'")
        self.pos += 1

    def atom(self, mode: _Mode) -> str:
        ch = self.peek()
        if ch == ".":
            self.pos += 1
            return "(?s:.)" if mode.dotall else f"[^{_LINE_TERMINATORS}]"
        if ch == "(":
            return self.group(mode)
        if ch == "[":
            return self.character_class(mode)
        if ch == "\\":
            return self.atom_escape(mode)
        if ch in ("*", "+", "?"):
            raise self.error(f"nothing to repeat: {ch!r} has no atom before it")
        if ch == "{":
            if self.braced() is not None:
                raise self.error("nothing to repeat: a {n,m} quantifier has no atom before it")
            if self.unicode:
                raise self.error("lone '{' (escape it as '\\{' with the u flag)")
        if ch in ("}", "]") and self.unicode:
            raise self.error(f"lone {ch!r} (escape it with the u flag)")
        self.pos += 1
        return self.char(ord(ch), mode)

    def char(self, cp: int, mode: _Mode) -> str:
        if mode.ignore_case:
            members = _case_classes(self.unicode).get(cp)
            if members:
                return self.emit_class(
                    _ClassSet(_normalize([(m, m) for m in members])), False, mode
                )
        return _lit(cp)

    def group(self, mode: _Mode) -> str:
        if self.startswith("(?:"):
            self.pos += 3
            inner = self.disjunction(mode)
            self.expect_close()
            return f"(?:{inner})"
        if self.startswith("(?<"):
            name, after = self._read_group_name(self.pos + 3)
            self.pos = after
            inner = self.disjunction(mode)
            self.expect_close()
            return f"(?P<{self.python_names[name]}>{inner})"
        if self.startswith("(?"):
            return self.modifier_group(mode)
        self.pos += 1
        inner = self.disjunction(mode)
        self.expect_close()
        return f"({inner})"

    def modifier_group(self, mode: _Mode) -> str:
        """ES2025 pattern modifiers ``(?i:...)``, ``(?-m:...)``, ``(?s-i:...)``."""
        m = re.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?:").match(self.src, self.pos)
        if m is None:
            raise self.error("invalid group: '(?' must start (?:, (?=, (?!, (?<=, (?<!, (?<name>")
        add, remove = m.group(1), m.group(2) or ""
        both = add + remove
        if any(f not in "ims" for f in both):
            raise self.error(f"invalid modifier group {m.group(0)!r}: only i, m, s can be modified")
        if len(set(both)) != len(both) or (m.group(2) is not None and not both):
            raise self.error(f"invalid modifier group {m.group(0)!r}")
        if m.group(2) is not None and not remove:
            raise self.error(f"invalid modifier group {m.group(0)!r}: nothing after '-'")
        self.pos = m.end()
        new = _Mode(
            ("i" in add) or (mode.ignore_case and "i" not in remove),
            ("m" in add) or (mode.multiline and "m" not in remove),
            ("s" in add) or (mode.dotall and "s" not in remove),
        )
        inner = self.disjunction(new)
        self.expect_close()
        return f"(?:{inner})"

    def backreference(self, index: int, mode: _Mode, at: int) -> str:
        if self.lookbehind_depth:
            raise self.error(
                "backreference inside a lookbehind: ECMA matches lookbehinds right to left,"
                " which the regex module does not reproduce for captures",
                at,
            )
        # A group that did not take part (or comes later) matches the empty string in ECMA.
        ref = f"(?({index})(?:\\g<{index}>)|)"
        if mode.ignore_case:
            ref = f"(?i:{ref})"
        return ref

    def atom_escape(self, mode: _Mode) -> str:
        start = self.pos
        self.pos += 1
        if self.at_end():
            raise self.error("'\\' at end of pattern", start)
        ch = self.peek()
        if ch in "dDwWsS":
            self.pos += 1
            return self.emit_class(self.class_escape(ch, mode), False, mode)
        if ch in "pP" and self.unicode:
            return self.emit_class(self.property_escape(mode), False, mode)
        if ch == "k" and (self.unicode or self.group_names):
            self.pos += 1
            if self.peek() != "<":
                raise self.error("invalid named reference: expected \\k<name>", start)
            name, after = self._read_group_name(self.pos + 1)
            if name not in self.group_names:
                raise self.error(f"invalid named reference: no group named <{name}>", start)
            self.pos = after
            return self.backreference(self.group_names[name], mode, start)
        if ch in "123456789":
            m = re.compile(r"[0-9]+").match(self.src, self.pos)
            assert m is not None
            number = int(m.group(0))
            if number <= self.group_count:
                self.pos = m.end()
                return self.backreference(number, mode, start)
            if self.unicode:
                raise self.error(
                    f"invalid escape \\{m.group(0)}: there is no group {number}", start
                )
            return self.char(self.legacy_octal_or_identity(), mode)
        if ch == "c" and not _is_ascii_letter(self.peek(1)):
            if self.unicode:
                raise self.error("invalid escape \\c: expected a letter after it", start)
            # Annex B: the backslash is a literal and 'c' is read next.
            return self.char(0x5C, mode)
        return self.char(self.character_escape(start, in_class=False), mode)

    def legacy_octal_or_identity(self) -> int:
        """Annex B LegacyOctalEscapeSequence, or \\8 / \\9 as identity escapes. pos is at the digit."""
        ch = self.peek()
        if ch in "89":
            self.pos += 1
            return ord(ch)
        m = re.compile(r"[0-3][0-7]{0,2}|[4-7][0-7]?").match(self.src, self.pos)
        assert m is not None
        self.pos = m.end()
        return int(m.group(0), 8)

    def character_escape(self, start: int, *, in_class: bool) -> int:
        """CharacterEscape after the backslash (pos at the escaped char); returns the code point."""
        ch = self.peek()
        if ch in _CONTROL_ESCAPES:
            self.pos += 1
            return _CONTROL_ESCAPES[ch]
        if ch == "c":
            nxt = self.peek(1)
            if _is_ascii_letter(nxt) or (
                in_class and not self.unicode and (nxt in "0123456789_" and nxt != "")
            ):
                self.pos += 2
                return ord(nxt) % 32
            raise self.error("invalid escape \\c: expected a letter after it", start)
        if ch == "0":
            if self.peek(1).isdigit() and self.peek(1).isascii():
                if self.unicode:
                    raise self.error(
                        "invalid escape: \\0 followed by a digit (octal escapes"
                        " are not allowed with the u flag)",
                        start,
                    )
                return self.legacy_octal_or_identity()
            self.pos += 1
            return 0
        if ch == "x":
            digits = self.src[self.pos + 1 : self.pos + 3]
            if len(digits) == 2 and all(d in _HEX for d in digits):
                self.pos += 3
                return int(digits, 16)
            if self.unicode:
                raise self.error("invalid escape \\x: expected two hex digits", start)
            self.pos += 1
            return ord("x")
        if ch == "u":
            return self.unicode_escape(start)
        if self.unicode:
            if ch in _SYNTAX_CHARS or ch == "/" or (in_class and ch == "-"):
                self.pos += 1
                return ord(ch)
            if self.vmode and in_class and ch in _V_ESCAPABLE_PUNCT:
                self.pos += 1
                return ord(ch)
            raise self.error(
                f"invalid escape \\{ch} with the {'v' if self.vmode else 'u'} flag", start
            )
        if ch == "k" and self.group_names:
            raise self.error("invalid escape \\k: expected \\k<name>", start)
        # Annex B identity escape: any other character stands for itself (\a is 'a', not BEL).
        self.pos += 1
        return ord(ch)

    def unicode_escape(self, start: int) -> int:
        src, p = self.src, self.pos
        if self.unicode and src.startswith("u{", p):
            end = src.find("}", p + 2)
            digits = src[p + 2 : end] if end > 0 else ""
            if not digits or any(d not in _HEX for d in digits) or int(digits, 16) > _MAX_CP:
                raise self.error("invalid escape \\u{...}: expected hex digits up to 10FFFF", start)
            self.pos = end + 1
            return int(digits, 16)
        digits = src[p + 1 : p + 5]
        if len(digits) == 4 and all(d in _HEX for d in digits):
            cp = int(digits, 16)
            self.pos = p + 5
            if self.unicode and 0xD800 <= cp <= 0xDBFF and src.startswith("\\u", self.pos):
                low = src[self.pos + 2 : self.pos + 6]
                if len(low) == 4 and all(d in _HEX for d in low):
                    lo = int(low, 16)
                    if 0xDC00 <= lo <= 0xDFFF:
                        self.pos += 6
                        return 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
            return cp
        if self.unicode:
            raise self.error("invalid escape \\u: expected four hex digits or {...}", start)
        self.pos = p + 1
        return ord("u")

    def class_escape(self, ch: str, mode: _Mode) -> _ClassSet:
        if not ch.isupper():
            return _ClassSet({"d": _DIGIT, "w": _WORD, "s": _SPACE}[ch])
        self.forbid_v_complement(mode, f"\\{ch}")
        # With u and i, \W excludes U+017F and U+212A too (ECMA WordCharacters).
        word = _WORD_UI if self.unicode and mode.ignore_case else _WORD
        base = {"D": _DIGIT, "W": word, "S": _SPACE}[ch]
        return _ClassSet(_complement(base, self.top))

    def forbid_v_complement(self, mode: _Mode, what: str) -> None:
        if self.vmode and mode.ignore_case:
            raise self.error(
                f"{what} with the v and i flags: v-mode complements fold case differently,"
                " which is not supported"
            )

    def property_escape(self, mode: _Mode) -> _ClassSet:
        start = self.pos - 1
        negated = self.peek() == "P"
        self.pos += 1
        if self.peek() != "{":
            raise self.error("invalid property escape: expected \\p{...}", start)
        end = self.src.find("}", self.pos)
        if end < 0:
            raise self.error("invalid property escape: missing '}'", start)
        body = self.src[self.pos + 1 : end]
        self.pos = end + 1
        expr = _property_expression(body)
        if expr is None:
            if body in _STRING_PROPERTIES:
                raise self.error(
                    f"\\p{{{body}}} is a property of strings, which is not supported", start
                )
            raise self.error(f"invalid property name \\p{{{body}}}", start)
        _check_property_supported(expr, body)
        if negated:
            self.forbid_v_complement(mode, f"\\P{{{body}}}")
        return _ClassSet((), ((expr, negated),))

    def character_class(self, mode: _Mode) -> str:
        start = self.pos
        self.pos += 1
        negate = False
        if self.peek() == "^":
            negate = True
            self.pos += 1
            self.forbid_v_complement(mode, "a negated class [^...]")
        ranges: list[tuple[int, int]] = []
        props: list[tuple[str, bool]] = []

        def add(item: int | _ClassSet) -> None:
            if isinstance(item, int):
                ranges.append((item, item))
            else:
                ranges.extend(item.ranges)
                props.extend(item.props)

        while True:
            if self.at_end():
                raise self.error("unterminated character class: missing ']'", start)
            if self.peek() == "]":
                self.pos += 1
                break
            if self.vmode:
                self.check_v_class_syntax()
            left = self.class_atom(mode)
            if self.vmode:
                self.check_v_class_syntax()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                dash = self.pos
                self.pos += 1
                if self.vmode:
                    self.check_v_class_syntax()
                right = self.class_atom(mode)
                if isinstance(left, int) and isinstance(right, int):
                    if left > right:
                        raise self.error("range out of order in character class", dash)
                    ranges.append((left, right))
                    continue
                if self.unicode:
                    raise self.error(
                        "invalid character class: a class escape cannot be a range endpoint", dash
                    )
                # Annex B: [\d-z] is \d, '-' and 'z'.
                add(left)
                add(0x2D)
                add(right)
                continue
            if self.vmode and self.peek() == "-":
                raise self.error("invalid character class: '-' must be escaped with the v flag")
            add(left)
        return self.emit_class(_ClassSet(_normalize(ranges), tuple(props)), negate, mode)

    def check_v_class_syntax(self) -> None:
        ch, nxt = self.peek(), self.peek(1)
        if ch == "[":
            raise self.error("nested character classes (v flag set notation) are not supported")
        if ch + nxt in ("&&", "--"):
            raise self.error(
                f"v-flag set operation {ch + nxt!r} is not supported (no faithful translation)"
            )
        if ch == "\\" and nxt == "q":
            raise self.error("v-flag string literal \\q{...} is not supported")
        if ch in _V_RESERVED_DOUBLE and nxt == ch:
            raise self.error(f"reserved double punctuator {ch + nxt!r} in a v-flag class")
        if ch in _V_CLASS_SYNTAX and ch not in "\\-]":
            raise self.error(f"{ch!r} must be escaped inside a character class with the v flag")

    def class_atom(self, mode: _Mode) -> int | _ClassSet:
        ch = self.peek()
        if ch != "\\":
            self.pos += 1
            return ord(ch)
        start = self.pos
        self.pos += 1
        if self.at_end():
            raise self.error("'\\' at end of pattern", start)
        ch = self.peek()
        if ch in "dDwWsS":
            self.pos += 1
            return self.class_escape(ch, mode)
        if ch in "pP" and self.unicode:
            return self.property_escape(mode)
        if ch == "b":
            self.pos += 1
            return 0x08
        if ch == "-" and self.unicode:
            self.pos += 1
            return 0x2D
        if ch == "c" and not (
            _is_ascii_letter(self.peek(1))
            or (not self.unicode and self.peek(1) in "0123456789_" and self.peek(1) != "")
        ):
            if self.unicode:
                raise self.error("invalid escape \\c: expected a letter after it", start)
            return 0x5C  # Annex B: the backslash is literal, 'c' is read next.
        if ch in "123456789":
            if self.unicode:
                raise self.error(f"invalid escape \\{ch} inside a character class", start)
            return self.legacy_octal_or_identity()
        if ch == "k" and not self.unicode and not self.group_names:
            self.pos += 1
            return ord("k")
        if ch == "B" and not self.unicode:
            self.pos += 1
            return ord("B")
        return self.character_escape(start, in_class=True)

    def emit_class(self, cls: _ClassSet, negate: bool, mode: _Mode) -> str:
        ranges, props = cls.ranges, cls.props
        if mode.ignore_case:
            # The regex module folds case its own way (it pairs i with U+0130 and U+0131, and
            # reads \p{Lu} as cased letters): spell the ECMA closure out instead.
            members = list(ranges)
            for expr, negated in props:
                found = _property_ranges(expr)
                members.extend(_complement(found, _MAX_CP) if negated else found)
            ranges, props = _case_closure(_normalize(members), self.unicode), ()
        if not ranges and not props:
            return "(?s:.)" if negate else "(?!)"
        if not negate and not props and len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
            return _lit(ranges[0][0])
        parts: list[str] = []
        for lo, hi in ranges:
            if lo == hi:
                parts.append(_class_char(lo))
            elif hi == lo + 1:
                parts.append(_class_char(lo) + _class_char(hi))
            else:
                parts.append(f"{_class_char(lo)}-{_class_char(hi)}")
        parts.extend(("\\P" if neg else "\\p") + "{" + expr + "}" for expr, neg in props)
        return f"[{'^' if negate else ''}{''.join(parts)}]"


def _is_ascii_letter(ch: str) -> bool:
    return len(ch) == 1 and ch.isascii() and ch.isalpha()


def _is_identifier_name(name: str) -> bool:
    """ECMA IdentifierName (approximated with Python's XID tables plus ``$``, ZWNJ, ZWJ)."""
    first, rest = name[0], name[1:]
    if not (first in "$_" or first.isidentifier()):
        return False
    return all(c in "$\u200c\u200d" or ("a" + c).isidentifier() for c in rest)


def _property_expression(body: str) -> str | None:
    """The regex-module property expression for an ECMA ``\\p{body}``, or None if ECMA rejects it."""
    if "=" in body:
        name, _, value = body.partition("=")
        if name in ("General_Category", "gc"):
            short = _GC_ALIASES.get(value)
            return f"gc={short}" if short else None
        if name in ("Script", "sc", "Script_Extensions", "scx"):
            if not _SCRIPT_VALUE.fullmatch(value):
                return None
            long = "Script" if name in ("Script", "sc") else "Script_Extensions"
            return f"{long}={value}"
        return None
    if body in _GC_ALIASES:
        return f"gc={_GC_ALIASES[body]}"
    if body in _BINARY_ALIASES:
        return _BINARY_ALIASES[body]
    return None


@functools.cache
def _property_supported(expr: str) -> bool:
    import regex

    try:
        regex.compile("\\p{" + expr + "}")
    except regex.error:
        return False
    return True


def _check_property_supported(expr: str, body: str) -> None:
    if not _property_supported(expr):
        raise PatternError(f"Unicode property \\p{{{body}}} is not known to the regex module")


def translate(source: str, flags: str = "") -> str:
    """Translate an ECMA-262 pattern body into an equivalent ``regex``-module pattern.

    Args:
        source: the pattern body, without ``/`` delimiters.
        flags: ECMA flags (``dgimsuvy``). ``i`` becomes case-insensitive matching (ECMA's own case
            rules without ``u``), ``m`` and ``s`` change how ``^ $ .`` are written, ``y`` anchors the
            match at the start (a sticky ``test()`` from index 0), ``g`` and ``d`` do not change a
            single test and are ignored.

    Returns:
        A self-contained pattern for ``regex.compile(..., regex.V0)``. Without ``u``/``v`` it must
        be searched in `utf16_units` (subject); `compile_pattern` handles that.

    Raises:
        PatternError: ECMA rejects the pattern, or it has no faithful translation (v-flag set
            operations, properties of strings, backreferences inside lookbehinds, ...).

    Example:
        >>> translate("^\\\\d+$")
        '\\\\A[0-9]+\\\\Z'
    """
    return _Translator(source, flags).translate()


@dataclass(frozen=True, eq=False)
class EcmaPattern:
    """A compiled ECMA-262 pattern with JavaScript ``RegExp.prototype.test`` semantics.

    Attributes:
        pattern: the text as written in the spec (maybe ``/body/flags``).
        source: the ECMA pattern body.
        flags: the ECMA flags in effect.
        delimited: whether ``pattern`` was read as a ``/body/flags`` literal.
        python: the translated ``regex``-module pattern.
        compiled: the compiled translation (works on UTF-16 units when not `unicode`).
        notes: remarks about the translation worth showing a user (ignored flags, delimiters).
    """

    pattern: str
    source: str
    flags: str
    delimited: bool
    python: str
    compiled: regex.Pattern[str]
    notes: tuple[str, ...]

    @property
    def unicode(self) -> bool:
        """Whether the pattern sees code points (``u``/``v``) rather than UTF-16 code units."""
        return "u" in self.flags or "v" in self.flags

    def search(self, text: str, *, timeout: float | None = None) -> regex.Match[str] | None:
        """Find the pattern anywhere in ``text`` (JSON Schema ``pattern`` is not anchored).

        Offsets in the match are UTF-16 units when the pattern is not `unicode`.
        Raises ``TimeoutError`` when ``timeout`` seconds pass (catastrophic backtracking).
        """
        subject = _code_points(text) if self.unicode else utf16_units(text)
        return self.compiled.search(subject, timeout=timeout)

    def test(self, text: str, *, timeout: float | None = None) -> bool:
        """JavaScript ``RegExp.prototype.test`` on a fresh regex: does ``text`` match?"""
        return self.search(text, timeout=timeout) is not None


@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern: str, *, default_flags: str = "") -> EcmaPattern:
    """Compile an OpenAPI/JSON Schema ``pattern`` written in ECMA-262 syntax.

    Args:
        pattern: the pattern, bare (``^[a-z]+$``) or as a JS literal (``/^\\p{L}+$/u``).
        default_flags: flags for a bare pattern (JSON Schema 2020-12 suggests ``"u"``; the default
            ``""`` is what ``new RegExp(pattern)`` does).

    Returns:
        An `EcmaPattern`; call ``.search(text)`` or ``.test(text)``.

    Raises:
        PatternError: the pattern is invalid ECMA or has no faithful translation.

    Example:
        >>> compile_pattern("/^[a-zA-Z0-9_-]{1,40}$/").test("my-tool_1")
        True
    """
    import regex

    body, flags = split_delimited(pattern)
    delimited = body != pattern
    notes: list[str] = []
    if delimited:
        notes.append(
            f"read {pattern!r} as a JavaScript regex literal: body {body!r}, flags {flags!r}"
        )
    else:
        flags = default_flags
    ignored = [f for f in flags if f in "gd"]
    if ignored:
        notes.append(f"flag(s) {''.join(ignored)!r} ignored: they do not change a single test()")
    if "y" in flags:
        notes.append("flag 'y' (sticky): matched at the start of the string only")
    try:
        python = translate(body, flags)
    except PatternError as exc:
        raise PatternError(f"pattern {pattern!r}: {exc.message}") from exc
    try:
        compiled = regex.compile(python, regex.V0)
    except (regex.error, OverflowError) as exc:
        raise PatternError(
            f"pattern {pattern!r}: the regex module rejects its translation {python!r}: {exc}"
        ) from exc
    return EcmaPattern(pattern, body, flags, delimited, python, compiled, tuple(notes))

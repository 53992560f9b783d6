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

A *bare* schema pattern that writes ``\\p{...}`` is read with ``u`` (`bare_pattern_flags`): without
it no one means the letters ``p{L}``. `translate` itself stays ECMA-262 to the letter.

Patterns without ``u``/``v`` are matched against the UTF-16 code units of the subject (a Python str
holding surrogates); `EcmaPattern.search` does that conversion, so call it rather than
``EcmaPattern.compiled`` directly.

Known gaps (documented, not silently wrong in the common case): captures are not reset at each
iteration of a quantified group (matters only to a backreference that reads one), and a
backreference with ``i`` compares by simple case folding.

`to_portable` drives the same parser to a second dialect: a pattern that Python's ``re`` and
ECMA-262 with ``u`` both read like the original (for standalone JSON Schemas that other tools
consume). It has no inline flags, conditionals or ``\\A``/``\\Z`` to lean on, so it refuses more:
see its docstring for the rules, above all about astral characters in patterns without ``u``.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

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
    from collections.abc import Callable

    import regex

__all__ = [
    "FLAG_CHARS",
    "EcmaPattern",
    "bare_pattern_flags",
    "compile_pattern",
    "property_escapes",
    "split_delimited",
    "to_portable",
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
_ESCAPED_PAIR = re.compile(r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})")
# v-mode: characters that must be escaped inside a class, and the reserved double punctuators.
_V_CLASS_SYNTAX = frozenset("()[]{}/-\\|")
_V_RESERVED_DOUBLE = frozenset("&!#$%*+,.:;<=>?@^`~")
_V_ESCAPABLE_PUNCT = frozenset("&-!#%,:;<=>@`~")

# Portable output: class members escaped with a backslash (syntax characters both dialects
# accept escaped inside a class, with u).
_PORTABLE_CLASS_ESCAPED = frozenset("\\]^-[|")
_SURROGATES = ((0xD800, 0xDFFF),)
_ASTRAL = ((0x10000, _MAX_CP),)
_PROBE_SENTINEL = ((_MAX_CP, _MAX_CP),)
_PORTABLE_CONTROL = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}
_PORTABLE_ANY = "[\\s\\S]"
_PORTABLE_NOTHING = "[^\\s\\S]"


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


def _portable_lit(cp: int) -> str:
    """A pattern that Python's ``re`` and ECMA-262 (``u``) both read as code point ``cp``."""
    if cp in _PORTABLE_CONTROL:
        return _PORTABLE_CONTROL[cp]
    if 0x20 <= cp < 0x7F:
        ch = chr(cp)
        # With u, ECMA allows an identity escape only before a syntax character (or '/').
        return "\\" + ch if ch in _SYNTAX_CHARS else ch
    if cp < 0x10000:
        return _hex(cp)
    # No astral escape is common to both (\U0001F600 is Python's, \u{1F600} ECMA's).
    return chr(cp)


def _portable_class_char(cp: int) -> str:
    if cp in _PORTABLE_CONTROL:
        return _PORTABLE_CONTROL[cp]
    if 0x20 <= cp < 0x7F:
        ch = chr(cp)
        if ch in _PORTABLE_CLASS_ESCAPED:
            return "\\" + ch
        # ECMA (u) cannot escape '&' and '~'; Python warns on '&&' and '~~' in a class.
        return _hex(cp) if ch in "&~" else ch
    return _portable_lit(cp)


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
        if contains(ranges, cp):
            extra.extend((m, m) for m in members)
    return normalize([*ranges, *extra]) if extra else ranges


@functools.cache
def _every_code_point() -> str:
    # UTF-32-LE of 0..10FFFF built byte plane by byte plane: 3x faster than array(range(...)).
    n = _MAX_CP + 1
    buf = bytearray(4 * n)
    buf[0::4] = bytes(range(256)) * (n // 0x100)
    buf[1::4] = b"".join(bytes([b]) * 0x100 for b in range(256)) * (n // 0x10000)
    buf[2::4] = b"".join(bytes([p]) * 0x10000 for p in range(n // 0x10000))
    return bytes(buf).decode("utf-32-le", "surrogatepass")


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


def property_escapes(body: str) -> list[str]:
    """The names in the ``\\p{...}``/``\\P{...}`` escapes of a pattern body (escape-aware).

    Example:
        >>> property_escapes("^[\\\\p{L}\\\\p{N}_]+$")
        ['L', 'N']
        >>> property_escapes("\\\\\\\\p{L}")  # an escaped backslash, then the letter p
        []
    """
    found: list[str] = []
    i, n = 0, len(body)
    while i < n - 2:
        if body[i] != "\\":
            i += 1
            continue
        if body[i + 1] in "pP" and body[i + 2] == "{":
            end = body.find("}", i + 3)
            # ``\\p{2}`` is ``p`` twice: a quantifier, not a property name.
            if end > 0 and not _BRACED.fullmatch(body, i + 2, end + 1):
                found.append(body[i + 3 : end])
        i += 2
    return found


def bare_pattern_flags(body: str, default_flags: str = "") -> tuple[str, str | None]:
    """The flags a bare OpenAPI/JSON Schema ``pattern`` is read with, and why if not the default.

    A bare pattern is read like ``new RegExp(pattern, default_flags)``, except one that writes a
    property escape ``\\p{...}``: ECMA-262 defines those only with ``u`` (without it ``\\p{L}``
    is the letters ``p{L}``, which nobody spells that way), JSON Schema 2020-12 suggests ``u``
    for patterns, and ajv and the JSON Schema test suite read ``\\p{Letter}`` as the property. So
    such a pattern is read with ``u`` added. When it is not valid with ``u`` (a Java or POSIX
    name such as ``\\p{Alnum}``, an escape ``u`` forbids) no ECMA reading means what was
    written: `PatternError`, which the spec's diagnostics report as untranslatable.

    Returns:
        ``(flags, note)``: ``note`` is None when ``default_flags`` stand.

    Raises:
        PatternError: the pattern uses ``\\p{...}`` and is not valid ECMA-262 with ``u``.
    """
    if "u" in default_flags or "v" in default_flags:
        return default_flags, None
    names = property_escapes(body)
    if not names:
        return default_flags, None
    flags = default_flags + "u"
    shown = "\\p{" + names[0] + "}"
    try:
        _Translator(body, flags).translate()
    except PatternError as exc:
        raise PatternError(
            f"it writes the property escape {shown}, which ECMA-262 defines only with the u flag,"
            f" and with u it is invalid ({exc.message}); without u {shown} would be the letters"
            f" {shown[1:]!r}. Use an ECMA property name (L, N, Lu, Script=Greek, ...)"
        ) from exc
    note = (
        f"read with the u flag: it writes {shown}, which ECMA-262 defines only with u"
        f" (without u it would be the letters {shown[1:]!r})"
    )
    return flags, note


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


class _Shape(NamedTuple):
    """What `to_portable` needs to know about a piece of a pattern without u (`_check_astral`).

    ``wide`` atoms are classes that match every surrogate unit (``.``, ``[^a]``, ``\\S``): the
    only atoms that can consume half of an astral character.
    """

    nullable: bool
    first_wide: bool
    last_wide: bool
    zero_width: bool
    """It never consumes anything (assertions only)."""


_SHAPE_ATOM = _Shape(False, False, False, False)
_SHAPE_EMPTY = _Shape(True, False, False, True)
_SHAPE_BACKREF = _Shape(True, False, False, False)


class _Frame(NamedTuple):
    """One step of the path from the root to a capture group or a backreference."""

    kind: str
    """"alt" (an alternative of a disjunction), "atom" (a quantifiable atom) or "look"."""
    ident: int
    """The disjunction, atom or lookaround it belongs to."""
    detail: int = 0
    """The alternative's index ("alt"), 1 for a negative lookaround ("look")."""


def _quantifier_bounds(text: str) -> tuple[int, int | None]:
    """(min, max) of a translated quantifier (``*``, ``+?``, ``{2,}``, ...); max None is unbounded."""
    body = text[:-1] if len(text) > 1 and text.endswith("?") else text  # lazy: same bounds
    if body == "*":
        return 0, None
    if body == "+":
        return 1, None
    if body == "?":
        return 0, 1
    low, _, high = body[1:-1].partition(",")
    if "," not in body:
        return int(low), int(low)
    return int(low), int(high) if high else None


class _Translator:
    def __init__(
        self, source: str, flags: str, *, portable: bool = False, probe: bool = False
    ) -> None:
        _check_flags(flags)
        self.flags = flags
        # portable: write what Python's re and ECMA-262 with u both read alike (`to_portable`).
        # probe: the same, with U+10FFFF left out of every class (`_check_split_position`).
        self.portable = portable or probe
        self.probe = probe
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
        # Structure, for the checks `to_portable` makes once the pattern is read.
        self.shape = _SHAPE_ATOM
        self.wide_atom = False
        self.wide_count = 0
        self.astral_conflicts: list[tuple[int, str]] = []
        self.anchored = False
        self.lookarounds: list[int] = []
        self.floating_lookarounds: list[int] = []
        self.not_boundaries: list[int] = []
        self.wide_groups: set[int] = set()
        self.wide_backrefs: list[int] = []
        self.path: list[_Frame] = []
        self.next_id = 0
        self.alt_counts: dict[int, int] = {}
        self.quantifiers: dict[int, tuple[int, int | None]] = {}
        self.opened = 0
        self.group_paths: dict[int, tuple[_Frame, ...]] = {}
        self.closed: set[int] = set()

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

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def translate(self) -> str:
        mode = _Mode("i" in self.flags, "m" in self.flags, "s" in self.flags)
        body = self.disjunction(mode)
        if not self.at_end():
            raise self.error("unmatched ')'")
        if "y" in self.flags:
            # Sticky: a single test() from lastIndex 0 only matches at the start.
            body = f"^(?:{body})" if self.portable else f"\\A(?:{body})"
        return body

    def disjunction(self, mode: _Mode) -> str:
        did = self.new_id()
        self.path.append(_Frame("alt", did, 0))
        alternatives = [self.alternative(mode)]
        shape = self.shape
        while self.peek() == "|":
            self.pos += 1
            self.path[-1] = _Frame("alt", did, len(alternatives))
            alternatives.append(self.alternative(mode))
            shape = _Shape(
                shape.nullable or self.shape.nullable,
                shape.first_wide or self.shape.first_wide,
                shape.last_wide or self.shape.last_wide,
                shape.zero_width and self.shape.zero_width,
            )
        self.path.pop()
        self.alt_counts[did] = len(alternatives)
        self.shape = shape
        return "|".join(alternatives)

    def alternative(self, mode: _Mode) -> str:
        parts: list[str] = []
        acc = _SHAPE_EMPTY
        # Whether the terms so far pin the position to the start of the string (^ or sticky).
        root = len(self.path) == 1
        anchored = root and "y" in self.flags
        while not self.at_end() and self.peek() not in "|)":
            start = self.pos
            self.anchored = anchored
            parts.append(self.term(mode))
            if not self.src.startswith(("(?=", "(?!", "(?<=", "(?<!"), start):
                anchored = root and self.src[start] == "^" and not mode.multiline
            nxt = self.shape
            if acc.last_wide and nxt.first_wide:
                self.astral_conflicts.append(
                    (
                        start,
                        f"{self.original_text(start)!r} can start in the middle of an astral"
                        " character that the atom before it ends in",
                    )
                )
            acc = _Shape(
                acc.nullable and nxt.nullable,
                acc.first_wide or (acc.nullable and nxt.first_wide),
                nxt.last_wide or (nxt.nullable and acc.last_wide),
                acc.zero_width and nxt.zero_width,
            )
        self.shape = acc
        return "".join(parts)

    def original_text(self, start: int, end: int | None = None) -> str:
        """The pattern text (as written) between two positions of ``self.src``."""
        piece = self.src[start : self.pos if end is None else end]
        return piece if self.unicode else _code_points(piece)

    def term(self, mode: _Mode) -> str:
        ch = self.peek()
        start = self.pos
        if ch == "^":
            self.pos += 1
            self.forbid_quantifier("'^'")
            self.shape = _SHAPE_EMPTY
            if mode.multiline:
                if self.portable:
                    # Positive lookarounds only: see _check_split_position.
                    return f"(?:^|(?<=[{_LINE_TERMINATORS}]))"
                return f"(?<![^{_LINE_TERMINATORS}])"
            return "^" if self.portable else "\\A"
        if ch == "$":
            self.pos += 1
            self.forbid_quantifier("'$'")
            self.shape = _SHAPE_EMPTY
            if mode.multiline:
                if self.portable:
                    # Python's $ also matches before a final \n, which (?=...) covers anyway.
                    return f"(?:$|(?=[{_LINE_TERMINATORS}]))"
                return f"(?![^{_LINE_TERMINATORS}])"
            # Python's $ also matches before a final newline; (?!\n) rules that out, and a
            # trailing $ keeps hypothesis' from_regex from padding the string on the right.
            return "(?!\\n)$" if self.portable else "\\Z"
        if ch == "\\" and self.peek(1) in ("b", "B"):
            letter = self.peek(1)
            self.pos += 2
            self.forbid_quantifier(f"'\\{letter}'")
            word = self.word_class(mode)
            self.shape = _SHAPE_EMPTY
            if letter == "b":
                return f"(?:(?<={word})(?!{word})|(?<!{word})(?={word}))"
            self.not_boundaries.append(start)
            return f"(?:(?<={word})(?={word})|(?<!{word})(?!{word}))"
        if self.startswith("(?=") or self.startswith("(?!"):
            return self.lookahead(mode)
        if self.startswith("(?<=") or self.startswith("(?<!"):
            kind = self.src[self.pos + 3]
            self.pos += 4
            self.note_lookaround(start)
            self.lookbehind_depth += 1
            self.path.append(_Frame("look", self.new_id(), int(kind == "!")))
            inner = self.disjunction(mode)
            self.path.pop()
            self.lookbehind_depth -= 1
            self.expect_close()
            self.forbid_quantifier("a lookbehind")
            self.shape = _SHAPE_EMPTY
            return f"(?<{kind}{inner})"
        if self.portable and not self.unicode:
            pair = self.surrogate_pair()
            if pair is not None:
                return pair
        aid = self.new_id()
        self.path.append(_Frame("atom", aid))
        self.shape = _SHAPE_ATOM
        self.wide_atom = False
        is_group = ch == "("
        groups_before = self.opened
        atom = self.atom(mode)
        # A class sets wide_atom; a group keeps only the shape of what is inside.
        self.wide_atom = self.wide_atom and not is_group
        quantifier = self.quantifier()
        self.path.pop()
        bounds = _quantifier_bounds(quantifier) if quantifier else (1, 1)
        self.quantifiers[aid] = bounds
        zero_width = self.shape.zero_width
        self.shape_quantified(start, bounds)
        if quantifier and zero_width and self.portable and self.opened == groups_before:
            # A repeated group of assertions, as in (?:(?=a))*: ECMA rejects an empty iteration
            # once the minimum is met, so it is the group once (min >= 1) or nothing (min 0).
            # Some dialects (Rust's fancy-regex) refuse to repeat an assertion.
            return atom if bounds[0] else "(?:)"
        return atom + quantifier

    def note_lookaround(self, start: int) -> None:
        self.lookarounds.append(start)
        if not self.anchored:
            self.floating_lookarounds.append(start)

    def shape_quantified(self, start: int, bounds: tuple[int, int | None]) -> None:
        """Update `shape` for a quantified atom and note what breaks the astral rules."""
        low, high = bounds
        shape = self.shape
        if self.wide_atom:
            if low > 1 or high is not None:
                self.astral_conflicts.append(
                    (
                        start,
                        f"{self.original_text(start)!r} counts UTF-16 units: without the u flag"
                        " each half of an astral character (an emoji, say) is one match of it",
                    )
                )
            self.shape = _Shape(low == 0, True, True, False)
            return
        if high == 0:
            self.shape = _SHAPE_EMPTY
            return
        if (high is None or high > 1) and shape.first_wide and shape.last_wide:
            self.astral_conflicts.append(
                (
                    start,
                    f"{self.original_text(start)!r} repeats a group that can end and start in"
                    " the middle of an astral character",
                )
            )
        self.shape = _Shape(
            shape.nullable or low == 0, shape.first_wide, shape.last_wide, shape.zero_width
        )

    def lookahead(self, mode: _Mode) -> str:
        start = self.pos
        kind = self.src[self.pos + 2]
        self.pos += 3
        self.note_lookaround(start)
        groups_before = self.opened
        self.path.append(_Frame("look", self.new_id(), int(kind == "!")))
        inner = self.disjunction(mode)
        self.path.pop()
        self.expect_close()
        atom = f"(?{kind}{inner})"
        self.shape = _SHAPE_EMPTY
        if self.unicode:
            self.forbid_quantifier("a lookahead (with the u flag)")
            return atom
        # Annex B: a lookahead may be quantified without u.
        quantifier = self.quantifier()
        if not quantifier:
            return atom
        if not self.portable:
            return f"(?:{atom}){quantifier}"
        # ECMA rejects an empty iteration once the minimum is met, so the quantified assertion
        # is the assertion itself (min >= 1) or nothing (min 0); ECMA with u cannot quantify it.
        if _quantifier_bounds(quantifier)[0] >= 1:
            return atom
        if self.opened != groups_before:
            raise self.error(
                "a lookahead with capture groups quantified {0,...}: the groups never keep a"
                " value in ECMA, which no portable pattern can say",
                start,
            )
        return "(?:)"

    def surrogate_pair(self) -> str | None:
        """An astral character written in a pattern without u (as itself or as ``\\uD83D\\uDE00``).

        Without u it is two atoms, a high and a low surrogate unit, that together match exactly
        that character; unquantified, the portable form is the character itself.
        """
        start, src = self.pos, self.src
        m = _ESCAPED_PAIR.match(src, start)
        if m is not None:
            high, low, end = int(m.group(1), 16), int(m.group(2), 16), m.end()
        elif (
            start + 1 < len(src)
            and 0xD800 <= ord(src[start]) <= 0xDBFF
            and 0xDC00 <= ord(src[start + 1]) <= 0xDFFF
        ):
            high, low, end = ord(src[start]), ord(src[start + 1]), start + 2
        else:
            return None
        self.pos = end
        if self.at_quantifier():
            raise self.error(
                f"{self.original_text(start)!r} followed by a quantifier: without the u flag the"
                " quantifier repeats only the low surrogate of the astral character",
                start,
            )
        self.shape = _SHAPE_ATOM
        cp = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        return self.emit_class(_ClassSet(((cp, cp),)), False, _Mode(False, False, False))

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
            if self.portable:
                dot = () if mode.dotall else ((0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029))
                return self.emit_class(_ClassSet(dot), True, mode._replace(ignore_case=False))
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
                return self.emit_class(_ClassSet(normalize([(m, m) for m in members])), False, mode)
        if self.portable:
            return self.emit_class(_ClassSet(((cp, cp),)), False, mode)
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
            inner = self.capture(mode)
            # Python's re does not know (?<name>...); group numbers are the same without names.
            return f"({inner})" if self.portable else f"(?P<{self.python_names[name]}>{inner})"
        if self.startswith("(?"):
            return self.modifier_group(mode)
        self.pos += 1
        return f"({self.capture(mode)})"

    def capture(self, mode: _Mode) -> str:
        """The inside of a capture group (pos after its opening) and its ``)``."""
        self.opened += 1
        index = self.opened
        self.group_paths[index] = tuple(self.path)
        wide_before = self.wide_count
        inner = self.disjunction(mode)
        self.expect_close()
        self.closed.add(index)
        if self.wide_count != wide_before:
            self.wide_groups.add(index)
        return inner

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
        if self.portable:
            return self.portable_backreference(index, mode, at)
        # A group that did not take part (or comes later) matches the empty string in ECMA.
        ref = f"(?({index})(?:\\g<{index}>)|)"
        if mode.ignore_case:
            ref = f"(?i:{ref})"
        return ref

    def portable_backreference(self, index: int, mode: _Mode, at: int) -> str:
        """``\\N`` where ECMA and Python's re agree, else `PatternError`.

        ECMA matches the empty string for a group that has not matched (yet, or in this
        iteration of a quantifier: captures are reset at each one); Python's re fails instead.
        So the reference must come after the group has closed, and the group must take part in
        every match that reaches the reference.
        """
        self.shape = _SHAPE_BACKREF
        if mode.ignore_case:
            raise self.error(
                "backreference with the i flag: it compares ignoring case, which no portable"
                " pattern can say (neither dialect shares an inline flag)",
                at,
            )
        if index not in self.closed:
            return "(?:)"  # a forward or self reference: always empty in ECMA
        group_path, here = self.group_paths[index], self.path
        common = 0
        while common < min(len(group_path), len(here)) and group_path[common] == here[common]:
            common += 1
        private = group_path[common:]
        if any(frame.kind == "look" and frame.detail for frame in private):
            return "(?:)"  # captures inside a negative lookaround never survive it in ECMA
        for frame in private:
            # A disjunction still open has another alternative after this one.
            if frame.kind == "alt" and self.alt_counts.get(frame.ident, 2) > 1:
                raise self.error(
                    f"backreference to group {index}, which is in one branch of an alternation:"
                    " ECMA matches the empty string when the group did not take part, Python"
                    " fails",
                    at,
                )
            if frame.kind == "atom":
                low, high = self.quantifiers[frame.ident]
                if low != high or low == 0:
                    raise self.error(
                        f"backreference to group {index}, which is optional or repeated a"
                        " variable number of times: ECMA and Python disagree on the value of a"
                        " group that did not take part (or took part in an earlier iteration)",
                        at,
                    )
        if index in self.wide_groups:
            self.wide_backrefs.append(at)
        if index >= 100:
            raise self.error(
                f"backreference \\{index}: Python reads at most two digits of a group number", at
            )
        return f"(?:\\{index})"

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
        return _ClassSet(complement(base, self.top))

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
        return self.emit_class(_ClassSet(normalize(ranges), tuple(props)), negate, mode)

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
        if self.portable:
            return self.portable_class(cls, negate, mode)
        ranges, props = cls.ranges, cls.props
        if mode.ignore_case:
            # The regex module folds case its own way (it pairs i with U+0130 and U+0131, and
            # reads \p{Lu} as cased letters): spell the ECMA closure out instead.
            members = list(ranges)
            for expr, negated in props:
                found = _property_ranges(expr)
                members.extend(complement(found, _MAX_CP) if negated else found)
            ranges, props = _case_closure(normalize(members), self.unicode), ()
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

    def portable_class(self, cls: _ClassSet, negate: bool, mode: _Mode) -> str:
        """An explicit class both dialects read alike: properties and case folding spelled out.

        Surrogate code points are left out: they cannot appear in well-formed Unicode text.
        Without u, a class is a set of UTF-16 units; one that holds every surrogate unit (``.``,
        ``[^a]``, ``\\S``) also gets every astral character (`_check_astral` says when that is
        faithful); one that holds only some would match half of an astral character.
        """
        members = list(cls.ranges)
        for expr, negated in cls.props:
            found = _property_ranges(expr)
            members.extend(complement(found, _MAX_CP) if negated else found)
        ranges = normalize(members)
        if mode.ignore_case:
            ranges = _case_closure(ranges, self.unicode)
        if negate:
            ranges = complement(ranges, self.top)
        surrogates = intersect(ranges, _SURROGATES)
        ranges = subtract(ranges, _SURROGATES)
        if surrogates and not self.unicode:
            if surrogates != _SURROGATES:
                raise self.error(
                    "a class or escape that matches some UTF-16 surrogate units but not all:"
                    " without the u flag it matches half of an astral character, which no"
                    " portable pattern can say"
                )
            self.wide_atom = True
            self.wide_count += 1
            self.shape = _Shape(False, True, True, False)
            ranges = normalize([*ranges, *_ASTRAL])
        if self.probe:
            ranges = subtract(ranges, _PROBE_SENTINEL)
        return _portable_class_text(ranges)


def _portable_class_body(ranges: Ranges) -> str:
    parts: list[str] = []
    for lo, hi in ranges:
        if lo == hi:
            parts.append(_portable_class_char(lo))
        elif hi == lo + 1:
            parts.append(_portable_class_char(lo) + _portable_class_char(hi))
        else:
            parts.append(f"{_portable_class_char(lo)}-{_portable_class_char(hi)}")
    return "".join(parts)


def _portable_class_text(ranges: Ranges) -> str:
    """``[...]`` or ``[^...]`` for ``ranges`` (surrogates are don't-care), whichever lists fewer.

    Fewer code points, then fewer characters: hypothesis' ``from_regex`` walks every code point
    of every range it is given (``\\p{L}`` listed as ``[^...]`` costs it seconds).
    """
    if not ranges:
        return _PORTABLE_NOTHING
    inverse = subtract(complement(ranges, _MAX_CP), _SURROGATES)
    if not inverse:
        return _PORTABLE_ANY
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _portable_lit(ranges[0][0])
    positive = f"[{_portable_class_body(ranges)}]"
    negative = f"[^{_portable_class_body(inverse)}]"
    cost_positive = (size(ranges), len(positive))
    cost_negative = (size(inverse), len(negative))
    return negative if cost_negative < cost_positive else positive


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


@functools.lru_cache(maxsize=4096)
def to_portable(pattern: str, *, default_flags: str = "") -> str:
    """Rewrite an ECMA-262 pattern into one that Python's ``re`` and ECMA-262 read alike.

    Standalone JSON Schemas go to tools with different regex dialects: python ``jsonschema``
    and hypothesis-jsonschema use ``re``, JavaScript validators ``new RegExp(p, "u")``. The
    result ``p`` is such that, for every well-formed string ``s`` (no lone surrogates),
    ``re.search(p, s)``, ``new RegExp(p, "u").test(s)`` and the original's
    ``new RegExp(body, flags).test(s)`` agree. It uses only constructs both dialects share:
    explicit classes (``\\d`` is ``[0-9]``, ``\\p{L}`` its code points, ``i`` spelled out as
    case classes), ``\\xHH``/``\\uHHHH`` escapes, astral characters written as themselves, plain
    groups and lookarounds; ``$`` becomes ``(?!\\n)$``.

    Without the u flag, JavaScript reads the string as UTF-16 units, so ``.`` (and every class
    that holds all surrogates: ``[^a]``, ``\\S``, ``\\W``, ``\\D``) may match half of an astral
    character. The rewrite gives them whole astral characters, and accepts them only where that
    cannot change a verdict: each such atom repeated ``*`` or ``+`` (so ``^.+$`` and
    ``^\\S+@\\S+$`` are fine, ``^.{1,64}$`` is not), never next to another one, and no ``\\B``,
    lookaround (unless right after ``^``) or backreference to a group holding one in the same
    pattern. A class holding some surrogate units but not all (``[\\uD800-\\uDBFF]``) is
    refused, an unquantified astral literal is kept. Whatever the flags, a pattern that can
    match the empty string between the two halves of an astral character (``(?<!x)(?!x)``,
    ``\\B`` alone) is refused too: JavaScript tries that position, V8 even with u. Add the u
    flag to the spec's pattern when code points were meant.

    Other refusals: a backreference under ``i``, or to a group that may not have taken part
    (ECMA matches the empty string there, Python fails); a lookbehind Python cannot do
    (variable width); a capture inside a lookahead quantified ``{0,...}``.

    Args:
        pattern: the pattern, bare or as a JS literal ``/body/flags``.
        default_flags: flags for a bare pattern, as in `compile_pattern`.

    Returns:
        The portable pattern (for JSON Schema ``pattern``).

    Raises:
        PatternError: the pattern is invalid ECMA, or no portable pattern means the same (the
            message says why: backreference under ``i``, lookbehind Python cannot do, ...).

    Example:
        >>> to_portable("/^\\\\d+$/")
        '^[0-9]+(?!\\\\n)$'
    """
    body, flags = split_delimited(pattern)
    try:
        if body == pattern:
            flags, _ = bare_pattern_flags(body, default_flags)
        translator = _Translator(body, flags, portable=True)
        portable = translator.translate()
        _compile_portable(portable)
        if not translator.unicode:
            _check_astral(translator)
        if translator.lookarounds or translator.not_boundaries:
            _check_split_position(body, flags, translator)
    except PatternError as exc:
        raise PatternError(f"pattern {pattern!r} has no portable form: {exc.message}") from exc
    return portable


def _compile_portable(portable: str) -> re.Pattern[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return re.compile(portable)
        except (re.error, Warning, OverflowError, RecursionError) as exc:
            raise PatternError(f"Python's re rejects it ({exc})") from exc


def _check_astral(translator: _Translator) -> None:
    """Refuse a pattern without u whose verdicts may differ on strings with astral characters.

    JavaScript sees an astral character as two units, the portable pattern as one. Only "wide"
    atoms (classes holding every surrogate unit) can consume a unit of one. A JavaScript match
    that splits a character can be moved to whole characters, keeping the verdict, when:
    each wide atom repeats ``*``/``+``/``{0,}``/``{1,}`` (it may grow by one unit); no wide atom
    can follow another (a split between two of them cannot be moved); nothing looks at the
    position between the two units (``\\B``, lookarounds unless right after ``^``: ``^ $ \\b``
    fail there anyway); and no backreference reads a group holding a wide atom. The converse
    (a whole-character match is a unit match) always holds. A zero-width match between the two
    units is `_check_split_position`'s business.
    """
    if not translator.wide_count:
        return
    where = translator.error
    if translator.astral_conflicts:
        at, what = translator.astral_conflicts[0]
        raise where(what, at)
    for what, positions in (
        ("a lookaround (other than right after '^')", translator.floating_lookarounds),
        ("\\B", translator.not_boundaries),
        ("a backreference to a group holding '.' or such a class", translator.wide_backrefs),
    ):
        if positions:
            raise where(
                f"{what} in a pattern without the u flag that has '.' or a class holding"
                " every surrogate unit: it may see the two halves of an astral character"
                " apart",
                positions[0],
            )


def _check_split_position(body: str, flags: str, translator: _Translator) -> None:
    """Refuse a pattern that can match the empty string between the two halves of a pair.

    JavaScript without u tries that position, and so does V8 (node, Chrome) with u, against
    the spec: there it matches nothing on either side (``(?<!x)(?!x)`` and ``\\B`` succeed,
    ``(?<=[\\s\\S])`` fails), while Python never tries it. The portable pattern is translated
    again with U+10FFFF left out of every class and tried, in Python, between two U+10FFFF: a
    match there that is also empty is a verdict JavaScript may give and Python cannot.
    """
    probe = _Translator(body, flags, probe=True).translate()
    if re.compile(f"(?:{probe})(?<=\\A[\\s\\S])").match("\U0010ffff\U0010ffff", 1):
        raise PatternError(
            "it can match the empty string between the two UTF-16 halves of an astral"
            " character: JavaScript tries that position (V8 even with the u flag), Python"
            " never does"
        )


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
            ``""`` is what ``new RegExp(pattern)`` does), plus ``u`` when the pattern writes a
            property escape ``\\p{...}`` (`bare_pattern_flags`).

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
        try:
            flags, why = bare_pattern_flags(body, default_flags)
        except PatternError as exc:
            raise PatternError(f"pattern {pattern!r}: {exc.message}") from exc
        if why is not None:
            notes.append(why)
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

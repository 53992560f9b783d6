"""The string formats the validators check: ``date-time``, ``uuid``, ``uri``, ``email``.

One set of pure functions, used by both validation paths (the jsonschema-rs fast path gets them as
custom format callbacks, the detailed path through a copy of jsonschema's `FormatChecker`), so the two
can never disagree about a value. Every other ``format`` is an annotation and is not checked.

The grammars are the ones JSON Schema names: RFC 3339 ``date-time`` (leap second only at 23:59:60 UTC,
``T``/``Z`` in either case), RFC 4122 ``uuid`` (the 8-4-4-4-12 hex form, any version), RFC 3986 absolute
``uri`` (scheme required, ASCII only) and RFC 5321 ``email`` (dot-atom or quoted local part, domain or
address literal). Digits are ASCII digits only.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

__all__ = ["FORMATS", "is_date_time", "is_email", "is_uri", "is_uuid"]

_DATE_TIME = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})[Tt]"
    r"(?P<h>[0-9]{2}):(?P<mi>[0-9]{2}):(?P<s>[0-9]{2})(?:\.[0-9]+)?"
    r"(?:(?P<z>[Zz])|(?P<sign>[+-])(?P<oh>[0-9]{2}):(?P<om>[0-9]{2}))"
)
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_date_time(value: str) -> bool:
    """RFC 3339 ``date-time``: ``2024-02-29T23:59:60Z``, ``2024-01-01t10:00:00.5+02:00``."""
    m = _DATE_TIME.fullmatch(value)
    if m is None:
        return False
    year, month, day = int(m["y"]), int(m["mo"]), int(m["d"])
    if not 1 <= month <= 12:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= day <= (29 if month == 2 and leap else _DAYS[month - 1]):
        return False
    hour, minute, second = int(m["h"]), int(m["mi"]), int(m["s"])
    if hour > 23 or minute > 59 or second > 60:
        return False
    off_h = off_m = 0
    if m["z"] is None:
        off_h, off_m = int(m["oh"]), int(m["om"])
        if off_h > 23 or off_m > 59:
            return False
    if second == 60:
        # A leap second exists only at 23:59:60 UTC.
        sign = -1 if m["sign"] == "-" else 1
        utc = (hour * 60 + minute - sign * (off_h * 60 + off_m)) % (24 * 60)
        if utc != 23 * 60 + 59:
            return False
    return True


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_uuid(value: str) -> bool:
    """RFC 4122 string form: 32 hex digits in 8-4-4-4-12 groups (any version, either case)."""
    return _UUID.fullmatch(value) is not None


# RFC 3986, ASCII only (a non-ASCII character makes it an IRI, not a URI).
_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_SEGMENT = rf"{_PCHAR}*"
_SEGMENT_NZ = rf"{_PCHAR}+"
_QUERY = rf"(?:{_PCHAR}|[/?])*"
_URI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*:"
    rf"(?:(?://(?P<authority>[^/?#]*)(?:/{_SEGMENT})*)|/?(?:{_SEGMENT_NZ}(?:/{_SEGMENT})*)?)"
    rf"(?:\?{_QUERY})?(?:#{_QUERY})?"
)
_USERINFO = re.compile(rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*")
_REG_NAME = re.compile(rf"(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*")
_IP_FUTURE = re.compile(rf"[vV][0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+")
_PORT = re.compile(r"[0-9]*")


def _ip_literal(text: str) -> bool:
    """The inside of ``[...]``: an IPv6 address (no zone id) or IPvFuture."""
    if _IP_FUTURE.fullmatch(text):
        return True
    if "%" in text or not text.isascii():
        return False
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _authority(text: str) -> bool:
    userinfo, at, hostport = text.partition("@")
    if not at:
        userinfo, hostport = "", text
    if not _USERINFO.fullmatch(userinfo):
        return False
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0 or not _ip_literal(hostport[1:end]):
            return False
        rest = hostport[end + 1 :]
        return not rest or (rest.startswith(":") and _PORT.fullmatch(rest[1:]) is not None)
    host, colon, port = hostport.partition(":")
    if colon and not _PORT.fullmatch(port):
        return False
    return _REG_NAME.fullmatch(host) is not None


def is_uri(value: str) -> bool:
    """RFC 3986 ``URI`` (absolute: a scheme is required; a fragment is allowed)."""
    if not value.isascii():
        return False
    m = _URI.fullmatch(value)
    if m is None:
        return False
    authority = m["authority"]
    return authority is None or _authority(authority)


_ATEXT = r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]"
_DOT_STRING = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*")
# qtextSMTP (%d32-33 / %d35-91 / %d93-126) or quoted-pairSMTP (backslash + %d32-126).
_QUOTED_STRING = re.compile(r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"')
_SUB_DOMAIN = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"{_SUB_DOMAIN}(?:\.{_SUB_DOMAIN})*")
_GENERAL_LITERAL = re.compile(r"[A-Za-z0-9\-]*[A-Za-z0-9]:[\x21-\x5a\x5e-\x7e]+")


def _address_literal(text: str) -> bool:
    if text[:5].lower() == "ipv6:":
        try:
            ipaddress.IPv6Address(text[5:])
        except ValueError:
            return False
        return text[5:].isascii() and "%" not in text
    if re.fullmatch(r"[0-9.]+", text):
        try:
            ipaddress.IPv4Address(text)
        except ValueError:
            return False
        return True
    return _GENERAL_LITERAL.fullmatch(text) is not None


def is_email(value: str) -> bool:
    """RFC 5321 ``Mailbox``: ``local@domain`` or ``local@[address literal]``."""
    at = value.rfind("@")
    if at <= 0:
        return False
    local, domain = value[:at], value[at + 1 :]
    if not (_DOT_STRING.fullmatch(local) or _QUOTED_STRING.fullmatch(local)):
        return False
    if domain.startswith("[") and domain.endswith("]"):
        return _address_literal(domain[1:-1])
    return _DOMAIN.fullmatch(domain) is not None


FORMATS: dict[str, Callable[[str], bool]] = {
    "date-time": is_date_time,
    "email": is_email,
    "uri": is_uri,
    "uuid": is_uuid,
}
"""Format name -> check of a string value. Formats not listed here are annotations."""

"""Values for JSON Schema / OpenAPI ``format``s, in their canonical, strictest form.

Every value here passes the strict reading of its format (RFC 3339 for ``date-time``, RFC 3986
absolute URIs for ``uri``, RFC 4122 version-4 UUIDs, which class-validator's ``@IsUUID('4')``
also takes), so a payload built from them is valid whichever validator checks it. Unknown formats
are annotations (JSON Schema ignores them) and get plain text.
"""

from __future__ import annotations

import base64
import ipaddress
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

__all__ = ["FORMAT_MIN_LENGTH", "check_format", "format_strategy", "known_format", "sample"]

_LABEL = "[a-z][a-z0-9]{0,7}"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$"
)
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")

FORMAT_MIN_LENGTH = {
    "uuid": 36,
    "date-time": 20,
    "date": 10,
    "time": 9,
    "email": 3,
    "idn-email": 3,
    "uri": 3,
    "iri": 3,
    "hostname": 1,
    "ipv4": 7,
    "ipv6": 2,
}
"""The shortest value of each format (a ``maxLength`` below it makes the schema unsatisfiable)."""

# Deterministic, readable representatives (the boundary phase and minimal payloads use them).
SAMPLES: dict[str, str] = {
    "uuid": "00000000-0000-4000-8000-000000000000",
    "date-time": "2000-01-01T00:00:00Z",
    "date": "2000-01-01",
    "time": "00:00:00Z",
    "email": "a@example.com",
    "idn-email": "a@example.com",
    "uri": "https://example.com",
    "iri": "https://example.com",
    "uri-reference": "/a",
    "iri-reference": "/a",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "byte": "",
    "binary": "",
    "password": "",
    "regex": "^a$",
    "json-pointer": "",
}


def known_format(fmt: str) -> bool:
    return fmt in SAMPLES


def sample(fmt: str) -> str:
    """The simplest value of ``fmt`` ("" for formats every string satisfies)."""
    return SAMPLES.get(fmt, "")


def _is_date_time(value: str) -> bool:
    if not _DATE_TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_ip(version: int) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        try:
            return ipaddress.ip_address(value).version == version
        except ValueError:
            return False

    return check


def _is_base64(value: str) -> bool:
    try:
        base64.b64decode(value, validate=True)
    except ValueError:
        return False
    return True


_CHECKS: dict[str, Callable[[str], bool]] = {
    "uuid": lambda v: bool(_UUID.match(v)),
    "date-time": _is_date_time,
    "date": _is_date,
    "uri": lambda v: bool(_URI.match(v)),
    "email": lambda v: bool(_EMAIL.match(v)),
    "ipv4": _is_ip(4),
    "ipv6": _is_ip(6),
    "byte": _is_base64,
}


def check_format(fmt: str, value: str) -> bool:
    """Whether ``value`` is a well-formed ``fmt`` (True for formats we do not check)."""
    check = _CHECKS.get(fmt)
    return True if check is None else check(value)


def format_strategy(fmt: str) -> Any | None:
    """A Hypothesis strategy for ``fmt``, or None when the format does not restrict strings."""
    from hypothesis import strategies as st

    if fmt == "uuid":
        return st.uuids(version=4).map(str)
    if fmt == "date-time":
        return st.builds(_render_datetime, _datetimes(), st.integers(0, 2), _offsets())
    if fmt == "date":
        return st.dates(date(1970, 1, 1), date(2099, 12, 31)).map(date.isoformat)
    if fmt == "time":
        return st.builds(
            lambda dt, prec, off: _render_datetime(dt, prec, off).split("T", 1)[1],
            _datetimes(),
            st.integers(0, 2),
            _offsets(),
        )
    if fmt in ("email", "idn-email"):
        return st.builds(
            lambda local, host, tld: f"{local}@{host}.{tld}",
            st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,10}", fullmatch=True).filter(
                lambda s: ".." not in s and not s.endswith(".")
            ),
            st.from_regex(_LABEL, fullmatch=True),
            st.sampled_from(["com", "org", "io", "ai", "net"]),
        )
    if fmt in ("uri", "iri"):
        return _uri()
    if fmt in ("uri-reference", "iri-reference"):
        return st.one_of(
            st.lists(
                st.from_regex("[a-z0-9._~-]{1,8}", fullmatch=True), min_size=1, max_size=3
            ).map(lambda parts: "".join("/" + p for p in parts)),
            _uri(),
        )
    if fmt in ("hostname", "idn-hostname"):
        return st.lists(st.from_regex(_LABEL, fullmatch=True), min_size=1, max_size=3).map(".".join)
    if fmt == "ipv4":
        return st.ip_addresses(v=4).map(str)
    if fmt == "ipv6":
        return st.ip_addresses(v=6).map(str)
    if fmt == "byte":
        return st.binary(max_size=24).map(lambda b: base64.b64encode(b).decode("ascii"))
    if fmt == "regex":
        return st.sampled_from(["^a$", "[0-9]+", "^[a-z]{1,8}$", "abc|def"])
    return None


def _uri() -> Any:
    from hypothesis import strategies as st

    return st.builds(
        lambda scheme, host, path, query: f"{scheme}://{host}.com{path}{query}",
        st.sampled_from(["https", "http"]),
        st.from_regex(_LABEL, fullmatch=True),
        st.lists(st.from_regex("[a-z0-9._~-]{1,8}", fullmatch=True), max_size=3).map(
            lambda parts: "".join("/" + p for p in parts)
        ),
        st.one_of(
            st.just(""),
            st.from_regex("[a-z]{1,5}=[a-z0-9]{0,5}", fullmatch=True).map(lambda q: "?" + q),
        ),
    )


def _datetimes() -> Any:
    from hypothesis import strategies as st

    return st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31, 23, 59, 59))


def _offsets() -> Any:
    from hypothesis import strategies as st

    return st.one_of(st.just(0), st.integers(-12 * 60, 14 * 60).map(lambda m: m - m % 15))


def _render_datetime(dt: datetime, precision: int, offset_minutes: int) -> str:
    text = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if precision == 1:
        text += f".{dt.microsecond // 1000:03d}"
    elif precision == 2:
        text += f".{dt.microsecond:06d}"
    if offset_minutes == 0:
        return text + "Z"
    sign = "+" if offset_minutes > 0 else "-"
    hh, mm = divmod(abs(offset_minutes), 60)
    return f"{text}{sign}{hh:02d}:{mm:02d}"

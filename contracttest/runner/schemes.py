"""Security schemes as ways to present a token: which scheme the spec's operations use, and how a
token goes on the wire (a header with its prefix, a query parameter, a cookie). Below the plan, the
case builder and the transport, which all ask it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation, Spec

__all__ = ["AuthScheme", "auth_scheme", "operation_scheme", "scheme_named"]


@dataclass(frozen=True)
class AuthScheme:
    """How a token is presented: a header (``Authorization: Bearer <t>``) or a query parameter."""

    location: Literal["header", "query", "cookie"]
    name: str
    prefix: str = ""

    def apply(self, token: str) -> tuple[str, str]:
        return self.name, f"{self.prefix}{token}"


def auth_scheme(spec: Spec) -> AuthScheme | None:
    """The first security scheme the spec's operations use, as a way to present a token."""
    names: list[str] = []
    for op in spec.operations:
        for req in op.security:
            names.extend(n for n in req if n not in names)
    for name in names or list(_schemes(spec)):
        got = scheme_named(spec, name)
        if got is not None:
            return got
    return None


def operation_scheme(spec: Spec, op: Operation) -> AuthScheme | None:
    """How ``op`` takes a token: the first scheme of its own security requirements the runner
    can present (an API whose operations use different schemes, cdcgov's API key and OAuth2)."""
    for req in op.security:
        for name in req:
            got = scheme_named(spec, name)
            if got is not None:
                return got
    return None


def _schemes(spec: Spec) -> dict[str, Any]:
    comps = spec.raw.get("components")
    schemes = comps.get("securitySchemes", {}) if isinstance(comps, dict) else {}
    return schemes if isinstance(schemes, dict) else {}


def scheme_named(spec: Spec, name: str) -> AuthScheme | None:
    """The security scheme ``name`` as a way to present a token (None: not one the runner can)."""
    s = _schemes(spec).get(name)
    if not isinstance(s, dict):
        return None
    kind = str(s.get("type", "")).lower()
    if kind == "http":
        scheme = str(s.get("scheme", "bearer")).lower()
        prefix = "Basic " if scheme == "basic" else "Bearer "
        return AuthScheme("header", "Authorization", prefix)
    if kind == "apikey":
        loc = str(s.get("in", "header")).lower()
        if loc in ("header", "query", "cookie"):
            return AuthScheme(loc, str(s.get("name", "X-API-Key")), "")  # type: ignore[arg-type]
    if kind in ("oauth2", "openidconnect"):
        return AuthScheme("header", "Authorization", "Bearer ")
    return None

"""Credentials and orgs: each ``--token`` is one org, and an org only sees its own objects.

Tokens are compared with `hmac.compare_digest` against every configured token (no early exit), and
they are never stored, logged or echoed: an org's id is derived from the token with an HMAC keyed by the
store's random salt, so it is stable across restarts of a ``--db`` mock without revealing anything
about the token.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from contracttest.errors import UsageError

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation, Spec

__all__ = ["Authenticator", "Credential"]


@dataclass(frozen=True)
class Credential:
    """Where a security scheme carries its secret: ``("header", "authorization", "bearer")``."""

    location: str
    """``header``, ``query`` or ``cookie``."""
    name: str
    """Header (lower case), query or cookie name."""
    bearer: bool
    """Whether the value is ``<Scheme> <token>`` (HTTP authentication) rather than the bare token."""
    scheme: str = "bearer"
    """The HTTP authentication scheme when ``bearer``: ``bearer``, or ``basic`` (the token itself,
    or base64 of ``user:token``, ``token:`` or ``token``)."""


def _org_id(salt: bytes, token: str) -> str:
    digest = hmac.new(salt, token.encode("utf-8"), hashlib.sha256).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


class Authenticator:
    """Maps a request's credentials to an org id."""

    def __init__(self, spec: Spec, tokens: Sequence[str], salt: bytes) -> None:
        for i, tok in enumerate(tokens):
            if (
                not isinstance(tok, str)
                or not tok
                or tok != tok.strip()
                or any(c in tok for c in "\r\n")
            ):
                raise UsageError(
                    f"token #{i + 1} is empty or has surrounding whitespace; a token is sent as "
                    "'Authorization: Bearer <token>' and must be a non-empty word"
                )
        if len(set(tokens)) != len(tokens):
            raise UsageError("the same token is given twice; each token is one org")
        self.enabled = bool(tokens)
        self._tokens = [(tok.encode("utf-8"), _org_id(salt, tok)) for tok in tokens]
        self.default_org = _org_id(salt, "")
        self._schemes = self._read_schemes(spec)
        self._by_op: dict[str, list[Credential]] = {}

    @staticmethod
    def _read_schemes(spec: Spec) -> dict[str, Credential]:
        comps = spec.raw.get("components")
        raw = comps.get("securitySchemes") if isinstance(comps, dict) else None
        out: dict[str, Credential] = {}
        if not isinstance(raw, dict):
            return out
        for name, scheme in raw.items():
            if not isinstance(scheme, dict):
                continue
            kind = str(scheme.get("type", "")).lower()
            if kind == "apikey":
                where = str(scheme.get("in", "header")).lower()
                key = str(scheme.get("name", ""))
                out[name] = Credential(where, key.lower() if where == "header" else key, False)
            elif kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
                out[name] = Credential("header", "authorization", True, "basic")
            else:
                # http bearer, oauth2 and openIdConnect all send a bearer token.
                out[name] = Credential("header", "authorization", True)
        return out

    def credentials(self, op: Operation) -> list[Credential]:
        """Where ``op`` accepts credentials (bearer Authorization when the spec says nothing usable)."""
        got = self._by_op.get(op.key)
        if got is None:
            got = self._by_op[op.key] = self._credentials(op)
        return got

    def _credentials(self, op: Operation) -> list[Credential]:
        found: list[Credential] = []
        for requirement in op.security:
            for name in requirement:
                cred = self._schemes.get(name, Credential("header", "authorization", True))
                if cred not in found:
                    found.append(cred)
        return found or [Credential("header", "authorization", True)]

    def org_for(
        self,
        op: Operation,
        headers: Mapping[str, str],
        query: Mapping[str, str],
        cookies: Mapping[str, str],
    ) -> str | None:
        """The org of the request; None when ``op`` needs credentials and they are missing or wrong."""
        if not self.enabled:
            return self.default_org
        org = None
        for cred in self.credentials(op):
            source = (
                headers
                if cred.location == "header"
                else query
                if cred.location == "query"
                else cookies
            )
            value = source.get(cred.name)
            if value is None:
                continue
            if cred.bearer:
                scheme, _, rest = value.strip().partition(" ")
                if scheme.lower() != cred.scheme:
                    continue
                value = rest.strip()
                if cred.scheme == "basic":
                    org = org or self.match(value) or self.match_basic(value)
                    continue
            elif cred.name == "authorization" and " " in value.strip():
                # an API key carried in Authorization is often written "<Scheme> <key>" (JWT, Bearer)
                org = org or self.match(value.strip().partition(" ")[2].strip())
            org = org or self.match(value)
        if org is not None:
            return org
        return None if op.secured else self.default_org

    def match(self, presented: str) -> str | None:
        """The org whose token equals ``presented`` (constant time per token, every token tried)."""
        given = presented.encode("utf-8", "surrogateescape")
        org = None
        for token, org_id in self._tokens:
            if hmac.compare_digest(given, token) and org is None:
                org = org_id
        return org

    def hint(self, op: Operation) -> tuple[str, str]:
        """(what to send, the WWW-Authenticate challenge) for a 401 on ``op``."""
        ways = []
        for c in self.credentials(op):
            if c.bearer:
                scheme = c.scheme.capitalize()
                ways.append(
                    f"'Authorization: {scheme} <{'credentials' if c.scheme == 'basic' else 'token'}>'"
                )
            else:
                ways.append(f"the {c.location} {c.name!r}")
        first = self.credentials(op)[0]
        challenge = first.scheme.capitalize() if first.bearer else "ApiKey"
        return " or ".join(ways), f'{challenge} realm="contracttest-mock"'

    def match_basic(self, encoded: str) -> str | None:
        """The org of a Basic credential: base64 of ``user:token``, ``token:`` or ``token``."""
        import base64
        import binascii

        try:
            decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        user, sep, password = decoded.partition(":")
        return self.match(password) or self.match(user) if sep else self.match(decoded)

    def credential_params(self, op: Operation) -> set[tuple[str, str]]:
        """(location, name) of parameters that carry credentials (not validated as data)."""
        return {(c.location, c.name) for c in self.credentials(op) if c.location != "header"}

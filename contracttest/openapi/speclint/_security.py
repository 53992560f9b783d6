"""Security rules in the spirit of the OWASP API Security Top 10 (2023): what the contract says about
the attack surface, as Spectral's OWASP ruleset and vacuum check it, but read through references and
directions so each finding is about a payload that really travels that way.

* ``security.credential-in-response``: a credential (password, secret, API key, auth token) in a
  schema some response returns (API3, excessive data exposure). ``writeOnly`` properties are left out
  of responses and are fine.
* ``security.ssrf-url``: a request field holding a URL the server will call (``serverUrl``,
  ``webhookUrl``, ``format: uri``...) with no allow-list (``enum``/``const``): an SSRF candidate (API7).
* ``security.auth-responses``: a secured operation that documents no 401/403 (nor ``4XX``/``default``):
  clients and contract tests cannot tell what a rejected credential looks like (API2/API8).
* ``security.unbounded-input``: request strings with no ``maxLength`` (nor enum, const, bounded format
  or bounded pattern) and arrays with no ``maxItems``, one finding per schema that holds them (API4).

These judge the API's design, beyond what a contract must say, so they are advisory: the family runs
only when asked for (``--security``, ``security = true`` in ``[tool.contracttest.spec-lint]``, or a
rule named by ``--rule`` or given a severity), as Spectral's and vacuum's OWASP rulesets are opt-in, and
its findings are warnings unless a project raises or lowers them there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from contracttest import _pointer
from contracttest.findings import Finding, Severity
from contracttest.openapi.convert import Direction
from contracttest.openapi.speclint._context import LintContext, _as_dict, _as_list, _finding
from contracttest.openapi.speclint._registry import spec_rule

# A credential's own name: the secret itself, not an id that names one (credentialId) nor a
# pagination or CSRF token.
_CREDENTIAL = re.compile(
    r"(?:^|[a-z0-9_-])(?:pass(?:word|wd|phrase)|secret|api[-_]?key|private[-_]?key|"
    r"(?:auth|access|refresh|id|bearer|session)[-_]?token)$|^(?:token|secret|password)$",
    re.I,
)
_NOT_CREDENTIAL = re.compile(r"(?:next|page|pagination|continuation|cursor|sync|csrf|xsrf)", re.I)
# A field whose value is a URL the server fetches or calls back.
_URL_NAME = re.compile(r"(?:url|uri|webhook|callback|endpoint|href)$", re.I)
_URL_FORMATS = frozenset({"uri", "url", "iri", "uri-reference", "iri-reference", "uri-template"})
# Formats whose values have a length bound of their own.
_BOUNDED_FORMATS = frozenset({"date", "date-time", "time", "uuid", "ipv4", "ipv6", "duration"})
_AUTH_STATUSES = ("401", "403", "4XX", "4xx", "default")
_UNBOUNDED_QUANTIFIER = re.compile(r"(?<!\\)(?:[*+]|\{\d+,\})")


@dataclass(frozen=True)
class _Reached:
    """A schema node some operation's request (or response) reaches, refs followed."""

    pointer: str
    node: dict[str, Any]
    label: str
    prop: str | None
    via: str
    """The first operation (``POST /x request``) found to reach it."""


def _reach(ctx: LintContext, direction: Direction) -> list[_Reached]:
    """Every schema node the operations' requests (or responses) reach, each once, refs followed;
    ``readOnly`` properties are skipped in requests and ``writeOnly`` ones in responses."""
    key = f"security.reach.{direction}"
    cached = ctx.memo.get(key)
    if cached is not None:
        return list(cached)
    stack: list[tuple[Any, str, str, str | None, str]] = []
    for op in reversed(ctx.spec.operations):
        if direction == "request":
            via = f"{op.label} request"
            for p in op.parameters:
                label = f"{op.label} {p.location} parameter {p.name}"
                stack.append((p.schema_node, p.schema_pointer, label, p.name, via))
            for media in op.request_body.values():
                stack.append((media.schema_node, media.pointer, via, None, via))
        else:
            for status, resp in op.responses.items():
                via = f"{op.label} response {status}"
                for media in resp.content.values():
                    stack.append((media.schema_node, media.pointer, via, None, via))
    seen: set[str] = set()
    out: list[_Reached] = []
    skip = "readOnly" if direction == "request" else "writeOnly"
    while stack:
        node, ptr, label, prop, via = stack.pop()
        if not isinstance(node, dict) or ptr in seen:
            continue
        seen.add(ptr)
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = ctx.resolve_ref(ref)
            if target is not None:
                name = ctx.component_of(target[1])
                stack.append((target[0], target[1], name or label, prop, via))
            if ctx.dialect == "3.0":
                continue
        out.append(_Reached(ptr, node, label, prop, via))
        children: list[tuple[Any, str, str, str | None]] = []
        for name, sub in _as_dict(node.get("properties")).items():
            if isinstance(sub, dict) and sub.get(skip) is True:
                continue
            children.append((sub, _pointer.join(ptr, "properties", name), f"{label}.{name}", name))
        for comb in ("allOf", "oneOf", "anyOf", "prefixItems"):
            for i, sub in enumerate(_as_list(node.get(comb))):
                children.append((sub, _pointer.join(ptr, comb, i), label, prop))
        items = node.get("items")
        if isinstance(items, dict):
            children.append((items, _pointer.join(ptr, "items"), f"{label}[]", prop))
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            kp = _pointer.join(ptr, "additionalProperties")
            children.append((extra, kp, f"{label}.*", prop))
        stack.extend((n, p, lab, pr, via) for n, p, lab, pr in reversed(children))
    ctx.memo[key] = out
    return list(out)


def _kinds(ctx: LintContext, node: dict[str, Any]) -> frozenset[str]:
    return ctx.declared_kinds(node) or frozenset()


@spec_rule("security.credential-in-response", opt_in=True)
def credential_in_response(ctx: LintContext) -> Iterator[Finding]:
    """Credentials (passwords, secrets, API keys, auth tokens) in schemas responses return."""
    for r in _reach(ctx, "response"):
        name = r.prop
        if name is None or not r.pointer.endswith("/properties/" + _pointer.escape(name)):
            continue
        if not _CREDENTIAL.search(name) or _NOT_CREDENTIAL.search(name):
            continue
        yield _finding(
            "security.credential-in-response",
            Severity.WARNING,
            r.pointer,
            f"{r.label} looks like a credential, and {r.via} returns it: every client that can "
            "read the resource can read the secret (OWASP API3:2023, excessive data exposure)",
            "mark it `writeOnly: true` if the server never returns it; otherwise return a masked "
            "value or a reference to the secret instead",
            target=ctx.component_of(r.pointer),
        )


@spec_rule("security.ssrf-url", opt_in=True)
def ssrf_url(ctx: LintContext) -> Iterator[Finding]:
    """Request fields holding a URL the server will call, with no allow-list: SSRF candidates."""
    for r in _reach(ctx, "request"):
        node = r.node
        if "string" not in _kinds(ctx, node) and "format" not in node:
            continue
        fmt = node.get("format")
        by_name = r.prop is not None and _URL_NAME.search(r.prop) is not None
        by_format = isinstance(fmt, str) and fmt in _URL_FORMATS
        if not (by_name or by_format) or "enum" in node or "const" in node:
            continue
        if r.label.endswith("[]") or r.pointer.endswith("/additionalProperties"):
            continue  # the element of a list of URLs is reported at the list
        why = f"`format: {fmt}`" if by_format else f"its name {r.prop!r}"
        yield _finding(
            "security.ssrf-url",
            Severity.WARNING,
            r.pointer,
            f"{r.label} ({r.via}) is a URL the server will call, going by {why}, and the spec "
            "allows any value: a caller can point the server at internal addresses (cloud "
            "metadata, localhost, private networks) (OWASP API7:2023, server-side request "
            "forgery)",
            "make sure the server resolves the host and refuses private, loopback and link-local "
            "addresses, and document the rule (an https-only `pattern`, or an `enum` of allowed "
            "hosts)",
            target=ctx.component_of(r.pointer),
        )


@spec_rule("security.auth-responses", opt_in=True)
def auth_responses(ctx: LintContext) -> Iterator[Finding]:
    """Secured operations that document no 401/403 (nor ``4XX``/``default``)."""
    for op in ctx.spec.operations:
        if not op.secured or any(s in op.responses for s in _AUTH_STATUSES):
            continue
        schemes = sorted({name for req in op.security for name in req})
        yield _finding(
            "security.auth-responses",
            Severity.WARNING,
            _pointer.join(op.pointer, "responses"),
            f"{op.label} requires {' or '.join(schemes)} but documents no 401 or 403: clients "
            "cannot tell a rejected credential from another failure, and contract tests cannot "
            "check the rejection (OWASP API2:2023, broken authentication)",
            "document 401 (missing or invalid credentials) and 403 (not allowed), with the error "
            "body the server sends",
        )


@spec_rule("security.unbounded-input", opt_in=True)
def unbounded_input(ctx: LintContext) -> Iterator[Finding]:
    """Request strings with no ``maxLength`` and arrays with no ``maxItems``, per schema."""
    owners: dict[str, tuple[str, list[str], list[str]]] = {}  # pointer -> (name, strings, arrays)
    for r in _reach(ctx, "request"):
        kinds = _kinds(ctx, r.node)
        if not kinds or kinds == {"null"}:
            continue
        unbounded_string = "string" in kinds and not _bounded_string(r.node)
        unbounded_array = "array" in kinds and not isinstance(r.node.get("maxItems"), int)
        if not (unbounded_string or unbounded_array):
            continue
        comp = ctx.component_of(r.pointer)
        owner = _pointer.join("/components/schemas", comp) if comp else _owner(r.pointer)
        name = comp or r.via
        field = r.label.split(".", 1)[1] if comp and "." in r.label else r.label
        entry = owners.setdefault(owner, (name, [], []))
        (entry[1] if unbounded_string else entry[2]).append(field)
    for owner, (name, strings, arrays) in owners.items():
        parts = []
        if strings:
            parts.append(f"{_count(strings, 'string')} no maxLength ({_names(strings)})")
        if arrays:
            parts.append(f"{_count(arrays, 'array')} no maxItems ({_names(arrays)})")
        yield _finding(
            "security.unbounded-input",
            Severity.WARNING,
            owner,
            f"{name}: request {' and '.join(parts)}: the contract lets a client send values of any "
            "size (OWASP API4:2023, unrestricted resource consumption)",
            "bound each with maxLength / maxItems (an enum, const or a bounded format or pattern "
            "also bounds a string), as the server's own validation does",
            target=ctx.component_of(owner),
        )


def _bounded_string(node: dict[str, Any]) -> bool:
    if isinstance(node.get("maxLength"), int) or "enum" in node or "const" in node:
        return True
    if node.get("format") in _BOUNDED_FORMATS:
        return True
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        body = pattern.strip("/")
        return (
            body.startswith("^")
            and body.rstrip("gimsuyv").endswith("$")
            and not _UNBOUNDED_QUANTIFIER.search(body)
        )
    return False


def _owner(pointer: str) -> str:
    """The inline schema root an operation's request holds (its body or parameter schema)."""
    toks = _pointer.parts(pointer)
    for i, tok in enumerate(toks):
        if tok == "schema":
            return _pointer.from_parts(toks[: i + 1])
    return pointer


def _count(fields: list[str], kind: str) -> str:
    return f"{len(fields)} {kind}{'s have' if len(fields) != 1 else ' has'}"


def _names(fields: list[str]) -> str:
    shown = ", ".join(fields[:6])
    return shown + (f" and {len(fields) - 6} more" if len(fields) > 6 else "")

"""The checks that judge one exchange: response checks (on every response the run gets, whatever
sent it) and expectation checks (what the server did with one kind of case: valid accepted, invalid
rejected, the 400 names the field, unknown ids get 404, credentials required).

Each is a function ``(ctx, case, response) -> Iterable[Finding]`` registered with
`contracttest.runner.registry.check`; `contracttest.runner.catalog` runs the applicable ones on an
exchange. `CheckContext` is what they may read: the spec, compiled validators, the secrets the run
sent, and where to note what they learn about the spec itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from contracttest import _pointer
from contracttest.findings import Finding, Severity, is_secret_key, truncate_value
from contracttest.runner.case import NO_BODY, Case
from contracttest.runner.generation import field_names
from contracttest.runner.markers import LEAK_KEY, MARKER_PREFIX, MIN_LEAK_VALUE
from contracttest.runner.registry import check

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation, Spec
    from contracttest.runner.http import HttpResponse
    from contracttest.runner.recorder import SpecNotes
    from contracttest.runner.redaction import Redactor

__all__ = ["CheckContext", "documented_json", "error_text"]

JSON_RE = re.compile(r"^application/(?:[\w.+-]+\+)?json$")
GENERIC_MESSAGES = frozenset(
    {
        "",
        "bad request",
        "invalid request",
        "validation failed",
        "validation error",
        "error",
        "unprocessable entity",
        "not found",
    }
)
MASKED = re.compile(
    r"^(?:\*+.*|.*\*{3,}.*|.*•+.*|x{4,}.*|\[redacted\]|redacted|hidden|null)$", re.I
)
REQUEST_PHASES = ("positive", "negative")
"""The phases whose requests exist to exercise the response checks too."""


def _json_media(media_type: str) -> bool:
    mt = media_type.split(";", 1)[0].strip().lower()
    return bool(JSON_RE.match(mt)) or mt == "*/*"


def _matching_media(documented: Iterable[str], got: str) -> str | None:
    """The documented media type (or range: ``*/*``, ``image/*``) that covers ``got``, if any."""
    for mt in documented:
        want = mt.split(";", 1)[0].strip().lower()
        if want in ("*/*", got) or (want.endswith("/*") and got.startswith(want[:-1])):
            return mt
    return None


def documents_errors(op: Operation) -> bool:
    """Whether the operation documents any error response (4xx, 5xx, ``default``)."""
    return any(s[0] in "45" or s == "default" for s in op.responses)


BODILESS_STATUSES = frozenset({204, 205, 304})
"""Statuses whose responses HTTP forbids a body (RFC 9110 15.3.5, 15.3.6, 15.4.5)."""


def documented_json(op: Operation, status: int) -> tuple[str, str] | None:
    """(target key, media type) of the JSON body documented for ``status``, if any."""
    resp = op.response_for(status)
    if resp is None:
        return None
    for mt in resp.content:
        if _json_media(mt):
            return f"{op.label}:response:{resp.status}", mt
    return None


class CheckContext:
    """What checks read: the spec, validators, secrets the run sent; where they note spec gaps."""

    def __init__(self, spec: Spec, redactor: Redactor, notes: SpecNotes) -> None:
        self.spec = spec
        self.redactor = redactor
        self.notes = notes
        self.sent_secrets: dict[str, str] = {}
        """Secret values the runner sent -> the name they were sent under."""
        self.credential_values: set[str] = set()
        """The run's own credentials (tokens): never to come back, documented member or not."""

    # -- secrets ---------------------------------------------------------------------------
    def learn_sent(self, payload: Any) -> None:
        """Remember secret values the runner sends, to spot them echoed back."""
        for _where, key, value in _iter_secret_members(payload, ""):
            # Markers the runner planted, and values distinctive enough not to turn up by
            # chance (a generated "0000" could match anything).
            if isinstance(value, str) and (value.startswith(MARKER_PREFIX) or _distinctive(value)):
                self.sent_secrets.setdefault(value, key)
        self.redactor.learn(payload)

    def learn_credential(self, name: str, value: str) -> None:
        """A credential of the run: never to be echoed back, always scrubbed."""
        token = value.split(" ", 1)[1] if " " in value else value
        if len(token) >= MIN_LEAK_VALUE:
            self.sent_secrets.setdefault(token, name)
            self.credential_values.add(token)
        self.redactor.add(value, min_length=4)
        self.redactor.add(token, min_length=4)

    # -- validators ------------------------------------------------------------------------
    def response_findings(self, target: str, body: Any) -> list[Finding]:
        from contracttest.validate import get_validator
        from contracttest.validate._report import blames_spec

        v = get_validator(self.spec, target)
        found = []
        for f in v.iter_findings(body):
            if f.severity < Severity.ERROR:
                continue
            if blames_spec(f):
                self.notes.fault(f)
                continue
            found.append(f)
        found.extend(self.undeclared(target, body))
        return found

    def undeclared(self, target: str, body: Any) -> list[Finding]:
        """Members the response carries but its schema does not declare."""
        from contracttest.runner.undeclared import undeclared_members

        out = []
        for pointer in undeclared_members(self.spec.target(target).schema(), body):
            name = _pointer.parts(pointer)[-1] if pointer else ""
            out.append(
                Finding(
                    rule="schema.additionalProperties",
                    severity=Severity.ERROR,
                    pointer=pointer,
                    message=f"the response has member {name!r}, which the schema does not declare",
                    expected="only declared members",
                    actual=name,
                    target=target,
                )
            )
        return out


def _finding(rule: str, case: Case, message: str, pointer: str = "", **kw: Any) -> Finding:
    return Finding(
        rule=rule,
        severity=Severity.ERROR,
        pointer=pointer,
        message=message,
        target=case.label,
        **kw,
    )


def error_text(response: HttpResponse) -> str:
    """What an error body says, flattened (NestJS ``message`` arrays, ``errors``, ``detail``...)."""
    body = response.json_or_none()
    parts: list[str] = []

    def walk(v: Any, key: str = "") -> None:
        if isinstance(v, str):
            if key.lower() in (
                "error",
                "statuscode",
                "status",
                "code",
                "type",
                "title",
            ) and v.lower() in (GENERIC_MESSAGES | {"bad request", "unprocessable entity"}):
                return
            parts.append(v)
        elif isinstance(v, dict):
            for k, sub in v.items():
                if isinstance(k, str) and k.lower() in (
                    "statuscode",
                    "status",
                    "timestamp",
                    "path",
                ):
                    continue
                if isinstance(k, str) and k not in ("message", "errors", "detail", "details"):
                    parts.append(k)
                walk(sub, str(k))
        elif isinstance(v, list):
            for sub in v:
                walk(sub, key)

    if body is None:
        text = response.text.strip()
        return "" if text.lower() in GENERIC_MESSAGES else text[:4000]
    walk(body)
    joined = " ".join(p for p in parts if p.strip().lower() not in GENERIC_MESSAGES)
    return joined[:8000]


def _describe(case: Case) -> str:
    return case.description or case.kind


# --------------------------------------------------------------------------- expectation checks
@check(
    "request.valid-accepted",
    title="Valid requests are accepted",
    short="valid",
    description="A request that honours the contract gets a 2xx the operation documents.",
    scope="expectation",
    phases=("positive",),
    applies=lambda case: case.expect == "success",
)
def check_valid_accepted(
    ctx: CheckContext, case: Case, response: HttpResponse
) -> Iterator[Finding]:
    status = response.status
    if 200 <= status < 300 or status >= 500:
        return
    if status in (404, 410) and case.may_not_exist:
        return  # a path value the run did not get from a resource it made may name nothing
    said = error_text(response)
    yield _finding(
        "request.valid-rejected",
        case,
        f"a valid request ({_describe(case)}) was answered {status}"
        + (f": {truncate_value(ctx.redactor.text(said), 200)}" if said else ""),
        expected="a documented 2xx: " + (", ".join(case.operation.success_statuses()) or "2xx"),
        actual=str(status),
    )


@check(
    "request.invalid-rejected",
    title="Invalid requests are rejected with 4xx",
    short="invalid",
    description="A request that breaks the contract (schema, discriminator, semantic rule, malformed "
    "body, wrong content type, bad path id, out-of-range query value) gets a 4xx.",
    scope="expectation",
    phases=("negative",),
    applies=lambda case: case.expect == "reject",
)
def check_invalid_rejected(
    ctx: CheckContext, case: Case, response: HttpResponse
) -> Iterator[Finding]:
    status = response.status
    if 400 <= status < 500 or status >= 500:
        return
    v = case.violation
    yield _finding(
        "request.invalid-accepted",
        case,
        f"the server answered {status} to an invalid request: {_describe(case)}",
        v.pointer if v is not None else "",
        expected="a 4xx rejection" + (f" ({v.rule})" if v is not None else ""),
        actual=str(status),
    )


@check(
    "request.error-names-field",
    title="The 400 names the broken field",
    short="error msg",
    description="When the server says why it rejected a request, the message names the field that "
    "broke the contract.",
    scope="expectation",
    phases=("negative",),
    applies=lambda case: (
        case.expect == "reject" and case.violation is not None and bool(case.violation.names)
    ),
    level="advisory",
)
def check_error_names_field(
    ctx: CheckContext, case: Case, response: HttpResponse
) -> Iterator[Finding]:
    if response.status not in (400, 422):
        return
    v = case.violation
    assert v is not None
    said = error_text(response)
    if not said.strip():
        return
    low = said.lower()
    if any(_mentions(low, n) for n in v.names):
        return
    if _names_the_only_parameter(ctx, case, low):
        return  # "Validation failed (uuid is expected)" on a path with one id
    if any(_mentions(low, n) for n in _other_broken_fields(ctx, case)):
        return  # the payload breaks several fields and the server named another one of them
    yield _finding(
        "request.error-misses-field",
        case,
        f"the {response.status} response does not name the broken field "
        f"{' / '.join(repr(n) for n in v.names)} ({v.rule})",
        v.pointer,
        expected=f"a message naming {v.names[0]!r}",
        actual=truncate_value(ctx.redactor.text(said), 160),
    )


def _names_the_only_parameter(ctx: CheckContext, case: Case, said: str) -> bool:
    """Whether a message about a broken path parameter names what that parameter must be (its
    format or type), and it is the only path parameter that could be wrong: NestJS's
    ``ParseUUIDPipe`` answers ``Validation failed (uuid is expected)`` without a name."""
    v = case.violation
    if v is None or not v.pointer.startswith("/path/"):
        return False
    params = case.operation.path_params()
    if len(params) != 1:
        return False
    try:
        schema = ctx.spec.target(f"{case.operation.label}:parameters").schema()
    except Exception:  # no parameter schema to read the format from
        return False
    node = schema.get("properties", {}).get("path", {}).get("properties", {}).get(params[0].name)
    defs = schema.get("definitions", {})
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = defs.get(node["$ref"].rsplit("/", 1)[-1])
    if not isinstance(node, dict):
        return False
    words = [w for w in (node.get("format"), node.get("type")) if isinstance(w, str)]
    if node.get("type") == "integer":
        words.append("number")  # ParseIntPipe: "numeric string is expected"
    return any(_mentions(said, w) for w in words if w != "string")


def _other_broken_fields(ctx: CheckContext, case: Case) -> set[str]:
    """Names of every field the case's body breaks (a server may stop at the first it finds)."""
    from contracttest.validate import get_validator

    v = case.violation
    if v is None or case.body is NO_BODY or v.pointer.startswith(("/query", "/path")):
        return set()
    try:
        validator = get_validator(ctx.spec, f"{case.operation.label}:request")
        found = [f for f in validator.iter_findings(case.body) if f.severity >= Severity.ERROR]
    except Exception:  # no body schema to ask: only the labelled field counts
        return set()
    return {n for f in found for n in field_names(f.pointer, f.message, f.expected)}


def _mentions(text: str, name: str) -> bool:
    name = name.lower()
    if not name:
        return False
    return re.search(r"(?<![a-z0-9_])" + re.escape(name) + r"(?![a-z0-9_])", text) is not None


@check(
    "request.unknown-id",
    title="Unknown ids get 404",
    short="unknown id",
    description="A well-formed id that names no resource gets 404 (or 410), not 2xx, 400 or 5xx.",
    scope="expectation",
    phases=("positive", "negative"),
    applies=lambda case: case.expect == "not-found",
)
def check_unknown_id(ctx: CheckContext, case: Case, response: HttpResponse) -> Iterator[Finding]:
    status = response.status
    if status in (404, 410) or status >= 500:
        return
    what = "returned a resource" if 200 <= status < 300 else f"answered {status}"
    yield _finding(
        "request.unknown-id-not-404",
        case,
        f"{case.operation.method} with an id that does not exist {what} ({_describe(case)})",
        "/path",
        expected="404",
        actual=str(status),
    )


# ------------------------------------------------------------------------------ response checks
@check(
    "response.status",
    title="Status code is documented",
    short="status",
    description="Every response status is documented for the operation. Error statuses the runner "
    "provoked on purpose are a spec finding, not a failure, when the spec documents none.",
    scope="response",
    phases=REQUEST_PHASES,
)
def check_status(ctx: CheckContext, case: Case, response: HttpResponse) -> Iterator[Finding]:
    op = case.operation
    status = response.status
    if op.response_for(status) is not None or status >= 500:
        return
    if 200 <= status < 300 and not op.success_statuses() and case.expect in ("success", "any"):
        # The spec documents no success at all (only errors): the contract is what is missing.
        ctx.notes.no_success(op, status)
        return
    if 400 <= status < 500:
        if status in case.provoked:
            ctx.notes.gap(op, status, _gap_reason(case))
            return
        if not documents_errors(op):
            # Nothing documented to compare with; the expectation checks judge this 4xx.
            return
    documented = ", ".join(op.responses) or "none"
    finding = _finding(
        "response.status-undocumented",
        case,
        f"{op.method} {op.path} answered {status}, which the spec does not document "
        f"(documented: {documented})",
        expected=f"one of {documented}",
        actual=str(status),
    )
    if 400 <= status < 500:
        # An error the spec does not list: the request was refused either way, and the contract
        # only lacks the detail: advisory.
        from dataclasses import replace

        finding = replace(finding, severity=Severity.WARNING)
    yield finding


def _gap_reason(case: Case) -> str:
    return {
        "reject": "invalid input",
        "not-found": "unknown id",
        "unauthorized": "missing or wrong credentials",
        "hidden": "another org's resource",
    }.get(case.expect, case.kind)


@check(
    "response.content-type",
    title="Content-Type matches the documented media type",
    short="content-type",
    description="A response with a documented body says so in its Content-Type (application/json).",
    scope="response",
    phases=REQUEST_PHASES,
)
def check_content_type(ctx: CheckContext, case: Case, response: HttpResponse) -> Iterator[Finding]:
    op = case.operation
    resp = op.response_for(response.status)
    if resp is None or not resp.content or response.status >= 500 or not response.body:
        return
    if op.method == "HEAD":
        return  # the Content-Type of a HEAD answer describes the GET's body, which is not there
    got = response.media_type
    documented = list(resp.content)
    if got is None:
        yield _finding(
            "response.content-type-missing",
            case,
            f"the {response.status} response has a body but no Content-Type header",
            expected=" or ".join(documented),
            actual="no Content-Type",
        )
        return
    if _matching_media(documented, got) is not None:
        return
    yield _finding(
        "response.content-type",
        case,
        f"the {response.status} response is {got}, the spec documents {' or '.join(documented)}",
        expected=" or ".join(documented),
        actual=truncate_value(response.content_type or ""),
    )


@check(
    "response.schema",
    title="Response body matches its schema",
    short="schema",
    description="The body of a documented response validates against its schema: types, required "
    "and undeclared properties, formats, discriminated variants, semantic rules.",
    scope="response",
    phases=REQUEST_PHASES,
)
def check_schema(ctx: CheckContext, case: Case, response: HttpResponse) -> Iterator[Finding]:
    op = case.operation
    if response.status >= 500 or op.method == "HEAD":
        return  # a HEAD answer has no body, whatever the GET it mirrors documents
    doc = documented_json(op, response.status)
    if doc is None:
        return
    target, _mt = doc
    got = response.media_type
    if got is not None and not JSON_RE.match(got):
        resp = op.response_for(response.status)
        if resp is not None and _matching_media(resp.content, got) is not None:
            # The server chose a documented media type that is not JSON (the XML or binary
            # beside the JSON, or anything under */*): the JSON schema does not describe it.
            return
    if not response.body and response.status in BODILESS_STATUSES:
        # HTTP forbids the body the spec documents: the contract's defect, not the server's.
        ctx.notes.bodiless(op, response.status)
        return
    if not response.body:
        yield _finding(
            "response.empty-body",
            case,
            f"the {response.status} response has an empty body; the spec documents a JSON body",
            expected="a JSON body",
            actual="empty",
        )
        return
    try:
        body = response.json()
    except ValueError as exc:
        yield _finding(
            "response.not-json",
            case,
            f"the {response.status} response body is not JSON ({exc})",
            expected="JSON",
            actual=truncate_value(ctx.redactor.text(response.text[:200])),
        )
        return
    for f in ctx.response_findings(target, body):
        yield Finding(
            rule=f.rule,
            severity=Severity.ERROR,
            pointer=f.pointer,
            message=f"response {response.status}: {f.message}",
            expected=f.expected,
            actual=f.actual,
            schema_pointer=f.schema_pointer,
            target=target,
            details=f.details,
        )


@check(
    "response.no-secrets",
    title="Responses never expose secrets",
    short="secrets",
    description="No response carries a credential the contract does not: a member named like a "
    "token or secret (twilioAuthToken, twilioApiSecret) with a readable value that the response "
    "schema does not document, or a secret value the run sent, coming back. A credential the "
    "response schema documents is one spec finding per schema, not a failure.",
    scope="response",
    phases=REQUEST_PHASES,
)
def check_secrets(ctx: CheckContext, case: Case, response: HttpResponse) -> Iterator[Finding]:
    body = response.json_or_none() if response.body else None
    exposed: set[str] = set()
    documented: set[str] = set()
    documenting: _DocumentingSchemas | None = None
    if body is not None:
        for pointer, key, value in _iter_secret_members(body, ""):
            if not LEAK_KEY.search(key) or not isinstance(value, str) or not value.strip():
                continue
            if MASKED.match(value.strip()) or value in ctx.credential_values:
                continue  # the run's own credential: an echo, reported below
            if documenting is None:
                documenting = _DocumentingSchemas(ctx, case, response, body)
            if documenting.pins(pointer, value):
                continue  # a code the contract lists (ChargeBearer: BorneByCreditor): no secret
            schema = documenting.of(pointer)
            if schema is not None:
                # the contract itself puts a credential in this response: the spec's defect
                ctx.notes.documented_secret(schema, key, case.operation.label)
                documented.add(pointer)
                continue
            exposed.add(pointer)
            yield _finding(
                "response.secret-exposed",
                case,
                f"the response exposes the secret {key!r}, which its schema does not document, "
                "in clear text",
                pointer,
                expected="secrets omitted or masked",
                actual="[REDACTED]",
            )
    if not ctx.sent_secrets:
        return
    text = response.text
    for value, name in list(ctx.sent_secrets.items()):
        credential = value in ctx.credential_values
        header = next((k for k, v in response.headers if value in v), None)
        if header is not None:
            yield _finding(
                "response.secret-echoed",
                case,
                f"the response header {header!r} carries the value the runner sent as {name!r}",
                "",
                expected="secrets never returned",
                actual="[REDACTED]",
            )
        if not text or value not in text:
            continue
        places = _find_values(body, value) if body is not None else [""]
        for where in places or [""]:
            if where in exposed or (where in documented and not credential):
                continue  # reported above, or a member the contract documents carrying it
            if not credential and where and body is not None:
                if documenting is None:
                    documenting = _DocumentingSchemas(ctx, case, response, body)
                if documenting.pins(where, value):
                    continue  # a value the contract lists for that member: no secret
                schema = documenting.of(where)
                if schema is not None:
                    # the stored secret comes back in a member the response schema documents:
                    # the contract's choice, its finding
                    ctx.notes.documented_secret(schema, _pointer.parts(where)[-1], case.label)
                    continue
            yield _finding(
                "response.secret-echoed",
                case,
                f"the response echoes the value the runner sent as {name!r}",
                where,
                expected="secrets never returned",
                actual="[REDACTED]",
            )
            break


@check(
    "server.no-5xx",
    title="No server errors",
    short="no 5xx",
    description="No input, valid or not (malformed JSON, wrong types, non-object bodies, bad path "
    "ids, boundary query values), makes the server answer 5xx.",
    scope="response",
    phases=REQUEST_PHASES,
)
def check_no_5xx(ctx: CheckContext, case: Case, response: HttpResponse) -> Iterator[Finding]:
    if response.status >= 500:
        yield _finding(
            "server.5xx",
            case,
            f"the server answered {response.status} to {_describe(case)}",
            expected="a 2xx or 4xx answer",
            actual=str(response.status),
        )


# ------------------------------------------------------------------------------------ auth
@check(
    "auth.required",
    title="Credentials are required",
    short="auth",
    description="Every secured operation answers 401/403 to a request with missing or wrong "
    "credentials.",
    scope="expectation",
    phases=("auth",),
    applies=lambda case: case.expect == "unauthorized",
)
def check_auth_required(ctx: CheckContext, case: Case, response: HttpResponse) -> Iterator[Finding]:
    status = response.status
    if status in (401, 403) or status >= 500:
        return
    who = "without credentials" if case.credential is None else "with a wrong token"
    what = "accepted" if 200 <= status < 300 else f"answered {status}"
    yield _finding(
        "auth.not-enforced" if 200 <= status < 300 else "auth.wrong-status",
        case,
        f"{case.operation.method} {case.operation.path} {what} a request {who}",
        expected="401 or 403",
        actual=str(status),
    )


# ----------------------------------------------------------------------------------- helpers
def _iter_secret_members(value: Any, pointer: str) -> Iterator[tuple[str, str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            p = _pointer.join(pointer, str(k))
            if isinstance(k, str) and is_secret_key(k):
                yield p, k, v
            yield from _iter_secret_members(v, p)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _iter_secret_members(v, _pointer.join(pointer, i))


def _distinctive(value: str) -> bool:
    """A secret value long and varied enough that finding it again is no coincidence."""
    return len(value) >= 12 and len(set(value)) >= 6


class _DocumentingSchemas:
    """For one response: the spec pointer of the object schema that declares a member, or None
    when the response schema does not document it. The response schema and the body's undeclared
    members are worked out once per response, not once per secret member (a list of n numbers
    carries n secrets: once per member made the check quadratic in the list's length)."""

    def __init__(self, ctx: CheckContext, case: Case, response: HttpResponse, body: Any) -> None:
        from contracttest.runner.undeclared import undeclared_members

        self.body = body
        self.schema: dict[str, Any] | None = None
        self.undeclared: list[str] = []
        self._by_member: dict[tuple[str, frozenset[str]], tuple[str, dict[str, Any]] | None] = {}
        doc = documented_json(case.operation, response.status)
        if doc is None:
            return
        try:
            self.schema = ctx.spec.target(doc[0]).schema()
        except Exception:  # an unusual response schema: documented nowhere we can tell
            return
        self.undeclared = undeclared_members(self.schema, body)

    def of(self, pointer: str) -> str | None:
        """``/components/schemas/TwilioPhoneNumber`` for the member at ``pointer``, or None."""
        found = self._declaring(pointer)
        return found[0] if found is not None else None

    def pins(self, pointer: str, value: Any) -> bool:
        """Whether the schema that documents the member at ``pointer`` allows only listed values
        (``enum``/``const``), ``value`` among them: a code the contract fixes (openbanking's
        ``ChargeBearer: BorneByCreditor``), whatever the member's name suggests, is no secret."""
        found = self._declaring(pointer)
        if found is None or self.schema is None:
            return False
        parts = _pointer.parts(pointer)
        node = found[1]["properties"].get(parts[-1] if parts else "")
        defs = self.schema.get("definitions") or {}
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < 16:
            node = defs.get(_pointer.unescape(node["$ref"].rsplit("/", 1)[-1]))
            hops += 1
        if not isinstance(node, dict):
            return False
        allowed = node["enum"] if isinstance(node.get("enum"), list) else None
        if "const" in node:
            allowed = [node["const"]]
        return allowed is not None and value in allowed

    def _declaring(self, pointer: str) -> tuple[str, dict[str, Any]] | None:
        """(spec pointer, object schema) of the schema that declares the member at ``pointer``:
        the one declaring most of its siblings, inline objects (``Data.Initiation`` inside a
        response component) included; None when the response schema does not document it."""
        schema = self.schema
        if schema is None:
            return None
        if any(pointer == u or pointer.startswith(u + "/") for u in self.undeclared):
            return None
        parts = _pointer.parts(pointer)
        member = parts[-1] if parts else ""
        parent_pointer = _pointer.join("", *parts[:-1]) if len(parts) > 1 else ""
        parent = _pointer.resolve(self.body, parent_pointer, None)
        keys = frozenset(parent) if isinstance(parent, dict) else frozenset()
        key = (member, keys)
        if key not in self._by_member:
            best: tuple[int, str, dict[str, Any]] | None = None
            for node, where in _object_schemas(schema):
                props = node["properties"]
                if member in props:
                    score = len(keys & set(props))
                    if best is None or score > best[0]:
                        best = (score, where, node)
            self._by_member[key] = (best[1], best[2]) if best is not None else None
        return self._by_member[key]


def _object_schemas(schema: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Every object schema that declares ``properties`` in a standalone schema (the root, its
    ``definitions``, and the objects nested inline in them), with its spec pointer: the nearest
    ``x-spec-pointer`` and the way down from it. Breadth first, the root first."""
    defs = schema.get("definitions") or {}
    queue: list[tuple[Any, str]] = [(schema, ""), *((d, "") for d in defs.values())]
    out: list[tuple[dict[str, Any], str]] = []
    seen: set[int] = set()
    i = 0
    while i < len(queue):
        node, where = queue[i]
        i += 1
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        own = node.get("x-spec-pointer")
        where = own if isinstance(own, str) else where
        props = node.get("properties")
        if isinstance(props, dict):
            if where:
                out.append((node, where))
            for k, sub in props.items():
                queue.append((sub, _pointer.join(where, "properties", k) if where else ""))
        for kw in ("items", "additionalProperties"):
            if isinstance(node.get(kw), dict):
                queue.append((node[kw], _pointer.join(where, kw) if where else ""))
        for kw in ("allOf", "anyOf", "oneOf"):
            branches = node.get(kw)
            for n, sub in enumerate(branches if isinstance(branches, list) else []):
                queue.append((sub, _pointer.join(where, kw, n) if where else ""))
    return out


def _find_values(value: Any, needle: str, pointer: str = "") -> list[str]:
    """Every place (pointer) whose text contains ``needle``, in document order."""
    if isinstance(value, str):
        return [pointer] if needle in value else []
    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and needle in k:
                out.append(_pointer.join(pointer, k))
            out.extend(_find_values(v, needle, _pointer.join(pointer, str(k))))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_find_values(v, needle, _pointer.join(pointer, i)))
    return out

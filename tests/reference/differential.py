"""The differential oracle: the same requests to the NestJS reference server (class-validator), to
contracttest's validator (the API and ``contracttest validate``) and to ``contracttest mock``.

A verdict is ``accept`` (2xx; a well-formed unknown id's 404 too) or ``reject`` (any other 4xx). A
field is a JSON pointer: the server's come from its messages (`contracttest.mock.errors.message_field`;
class-validator's ``each value in x`` names the elements of ``x``, written ``/x/*``), the validator's
from its ERROR findings. A message that names no field (body-parser's, ``Validation failed (object is
expected)``) names the body, ``""``; ParseUUIDPipe's ``uuid is expected`` names the one path id.

Where the framework departs from the contract (`DEVIATIONS`, listed in tests/reference/nestjs/README.md)
the expected server outcome comes from `framework_expectation`, a model of what body-parser, NestJS's
ValidationPipe and class-transformer do before class-validator sees the body, so each deviation is
asserted by name, never silently tolerated. The mock serves the contract, so on those cases it is
held to the validator, not to the framework.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from contracttest import _pointer
from contracttest.findings import Severity
from contracttest.mock.errors import message_field

REPO = Path(__file__).resolve().parents[2]
ACCEPT, REJECT = "accept", "reject"


class _NoBody:
    def __repr__(self) -> str:
        return "NO_BODY"


NO_BODY: Any = _NoBody()
"""A request without a body."""

DEVIATIONS = {
    "optional-null": "@IsOptional() skips null as well as undefined: a member sent as null is "
    "taken as absent",
    "proto-keys": "ValidationPipe strips __proto__, prototype and constructor members, at any "
    "depth, before validating: no 'should not exist'",
    "inherited-keys": "class-transformer 0.5.1 drops members named like a method of "
    "Object.prototype (toString, hasOwnProperty, valueOf...): no 'should not exist'",
    "no-body": "a request without a JSON body (no bytes, or another content type) is validated as {}",
    "invalid-utf8": "body-parser decodes invalid UTF-8 with U+FFFD instead of refusing it",
    "array-body": "an array body is validated as an object whose members are its indexes",
    "transformer-null": "class-transformer 0.5.1 throws on a null element of an array it builds "
    "through a discriminator: 500",
    "body-limit": "body-parser's 100 kB JSON limit answers 413 before any validation",
    "uuid-version": "ParseUUIDPipe takes RFC 9562 versions 1-8 (RFC variant), nil and max only; "
    "the uuid format takes any 8-4-4-4-12 hex",
}
"""Every documented departure of the framework from the contract, by the name the table uses."""


# ------------------------------------------------------------------------------------ cases
@dataclass(frozen=True)
class Case:
    """One request, sent alike to every party."""

    family: str
    """Row of the table: ``generated valid``, ``boundary invalid``, ``length``, ``malformed JSON``..."""
    method: str
    variant: str
    """The provider: the body's tag (POST) or the stored phone number's (PATCH, GET, DELETE)."""
    target: str
    """What the validator checks the body (or, for ``bad id`` cases, the parameters) against."""
    body: Any = NO_BODY
    raw: bytes | None = None
    """Bytes sent instead of ``json.dumps(body)`` (malformed JSON, odd encodings)."""
    content_type: str = "application/json"
    bad_id: str | None = None
    """A path id (URL-encoded) sent instead of the stored phone number's id."""
    rule: str | None = None
    """The labelled violation's rule (generated invalid cases)."""
    label: str | None = None
    """The labelled violation's pointer."""
    note: str = ""

    def payload(self) -> bytes | None:
        if self.raw is not None:
            return self.raw
        if self.body is NO_BODY:
            return None
        return json.dumps(self.body).encode()

    def describe(self) -> str:
        what = self.note or (f"{self.rule} at {self.label or '/'}" if self.rule else "")
        return f"{self.method} {self.variant} [{self.family}] {what}".strip()


@dataclass(frozen=True)
class Outcome:
    """What one party said: ``status`` (0 for the validator), verdict, fields, messages."""

    status: int
    verdict: str
    fields: frozenset[str] = frozenset()
    messages: tuple[str, ...] = ()


def covered(named: frozenset[str], ours: frozenset[str]) -> bool:
    """Whether each field in ``named`` is one of ``ours``. ``/a/*`` (the elements of ``/a``) is
    covered by ``/a`` itself or anything inside it."""
    for p in named:
        if p.endswith("/*"):
            base = p[:-2]
            if not any(q == base or q.startswith(base + "/") for q in ours):
                return False
        elif p not in ours and not any(
            q.endswith("/*") and (p == q[:-2] or p.startswith(q[:-1])) for q in ours
        ):
            return False
    return True


def without_tag_fallout(named: frozenset[str], ours: frozenset[str]) -> frozenset[str]:
    """class-validator's names minus the whitelist fallout of a missing or unknown tag.

    class-transformer builds an object whose discriminator tag is missing or unknown as the base
    class, which declares only the tag, so whitelisting also names the object's other members
    (``fallbackDestination.property number should not exist``). The finding names the tag; the
    members that could not be judged are not separate faults.
    """
    tags = {p for p in ours if p in named}
    parents = {p.rsplit("/", 1)[0] for p in tags if p}
    return frozenset(
        p
        for p in named
        if p in tags or p.rsplit("/", 1)[0] not in parents or covered(frozenset({p}), ours)
    )


@dataclass(frozen=True)
class Result:
    case: Case
    server: Outcome
    validator: Outcome
    """The validator's outcome on the contract (the API)."""
    expected: Outcome
    """What the server should answer: ``validator``, or on a documented deviation the model's."""
    deviation: str | None
    mock: Outcome | None = None
    cli: Outcome | None = None

    @property
    def verdict_agrees(self) -> bool:
        return self.server.verdict == self.expected.verdict and (
            self.expected.status == 0 or self.server.status == self.expected.status
        )

    def _named(self, outcome: Outcome, ours: frozenset[str]) -> frozenset[str]:
        return without_tag_fallout(outcome.fields, ours)

    @property
    def fields_agree(self) -> bool:
        """Every field the server's 400 names is one a finding points at."""
        if self.server.status != 400 or not self.verdict_agrees:
            return self.verdict_agrees
        named = self._named(self.server, self.expected.fields)
        return bool(named) and covered(named, self.expected.fields)

    @property
    def fields_exact(self) -> bool:
        if self.server.status != 400 or not self.verdict_agrees:
            return self.verdict_agrees
        named = self._named(self.server, self.expected.fields)
        return covered(named, self.expected.fields) and covered(self.expected.fields, named)

    def _mock_matches(self, ref: Outcome) -> bool:
        assert self.mock is not None
        if ref.status == 0:  # the contract: a verdict and fields, no status
            if self.mock.verdict != ref.verdict:
                return False
        elif self.mock.status != ref.status:
            return False
        if ref.verdict != REJECT or self.mock.status != 400:
            return True
        named = self._named(ref, self.validator.fields)
        return bool(named) and covered(named, self.mock.fields)

    @property
    def mock_agrees(self) -> bool:
        """The mock answers the server's status and names the field the server names; on a
        documented deviation it may serve the contract instead (it is a mock of the spec)."""
        if self.mock is None:
            return False
        if self._mock_matches(self.server):
            return True
        return self.deviation is not None and self._mock_matches(self.validator)

    @property
    def mock_status_agrees(self) -> bool:
        if self.mock is None:
            return False
        refs = [self.server] + ([self.validator] if self.deviation else [])
        return any(
            (self.mock.verdict == ref.verdict)
            if ref.status == 0
            else (self.mock.status == ref.status)
            for ref in refs
        )


# ------------------------------------------------------------------------------ the spec side
@dataclass(frozen=True)
class SpecView:
    """The variants and targets of the Phone Numbers operations."""

    spec: Any
    create_target: str
    create_dtos: dict[str, str]
    """provider tag -> Create*DTO component."""
    update_dtos: dict[str, str]
    """provider tag -> Update*DTO component."""
    id_target: str


def spec_view(spec: Any) -> SpecView:
    def tags(target: str) -> dict[str, str]:
        table = spec.target(target).variant_tables[0]
        return {tag: v.component for tag, v in table.variants.items()}

    return SpecView(
        spec=spec,
        create_target="POST /phone-number",
        create_dtos=tags("POST /phone-number"),
        update_dtos=tags("PATCH /phone-number/{id}"),
        id_target="PhoneNumberController_findOne:parameters",
    )


def judge(view: SpecView, target: str, value: Any) -> Outcome:
    """The validator API's verdict on ``value`` (decoded JSON) and its ERROR pointers."""
    from contracttest.validate import get_validator

    v = get_validator(view.spec, target)
    errors = [f for f in v.iter_findings(value) if f.severity >= Severity.ERROR]
    if not errors:
        return Outcome(0, ACCEPT)
    return Outcome(
        0, REJECT, frozenset(f.pointer for f in errors), tuple(f.message for f in errors)
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_type(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def contract_value(case: Case) -> tuple[bool, Any]:
    """(is an acceptable body, value) as the contract reads the request: UTF-8 JSON under
    ``application/json`` (a BOM may be ignored, RFC 8259 section 8.1)."""
    data = case.payload()
    if data is None or not _json_type(case.content_type):
        return False, None
    try:
        return True, json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError):
        return False, None


def _strip(value: Any, drop: Callable[[str, Any], bool]) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v, drop) for k, v in value.items() if not drop(k, v)}
    if isinstance(value, list):
        return [_strip(v, drop) for v in value]
    return value


def transformer_crashes(schema: dict[str, Any], value: Any) -> bool:
    """Whether class-transformer 0.5.1 throws on ``value`` (a TypeError, answered 500): a null
    element of an array it builds through a discriminator (``hooks: [null]``), reached the way it
    reaches it (through the classes the tags select; an unknown tag stops it at the base class)."""
    defs = schema.get("definitions", {})

    def resolve(node: Any) -> Any:
        for _ in range(64):
            if not isinstance(node, dict):
                return node
            if isinstance(node.get("$ref"), str):
                node = defs.get(_pointer.parts(node["$ref"][1:])[-1], {})
            elif isinstance(node.get("allOf"), list) and len(node["allOf"]) == 1:
                node = node["allOf"][0]
            else:
                return node
        return node

    def visit(node: Any, v: Any, depth: int) -> bool:
        node = resolve(node)
        if depth > 64 or not isinstance(node, dict):
            return False
        branches = node.get("oneOf") or node.get("anyOf")
        xd = node.get("x-discriminator")
        if isinstance(branches, list) and isinstance(xd, dict):
            if isinstance(v, list):
                return any(x is None for x in v) or any(visit(node, x, depth + 1) for x in v)
            tag = v.get(xd.get("propertyName")) if isinstance(v, dict) else None
            idx = (xd.get("mapping") or {}).get(tag) if isinstance(tag, str) else None
            return isinstance(idx, int) and visit(branches[idx], v, depth + 1)
        if isinstance(branches, list):  # string | CustomMessage: @Type(() => CustomMessage)
            objects = [
                b for b in map(resolve, branches) if isinstance(b, dict) and "properties" in b
            ]
            return bool(objects) and visit(objects[0], v, depth + 1)
        props = node.get("properties")
        if isinstance(props, dict) and isinstance(v, dict):
            return any(visit(props[k], x, depth + 1) for k, x in v.items() if k in props)
        items = resolve(node.get("items"))
        if isinstance(items, dict) and isinstance(v, list):
            if "x-discriminator" in items and any(x is None for x in v):
                return True
            return any(visit(items, x, depth + 1) for x in v)
        return False

    return visit(schema, value, 0)


def framework_expectation(view: SpecView, case: Case) -> tuple[list[str], Outcome]:
    """(the documented deviations that applied, the outcome the NestJS server should give)."""
    applied: list[str] = []
    data = case.payload()
    if data is not None and len(data) > 100 * 1024:
        return ["body-limit"], Outcome(413, REJECT)
    value: Any
    if not data or not _json_type(case.content_type):
        applied.append("no-body")
        value = {}
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            applied.append("invalid-utf8")
            text = data.decode("utf-8", "replace")
        try:
            value = json.loads(text.removeprefix("\ufeff"), parse_constant=_no_constant)
        except ValueError:
            return applied, Outcome(400, REJECT, frozenset({""}))
        if not isinstance(value, dict | list):
            return applied, Outcome(400, REJECT, frozenset({""}))  # body-parser's strict mode
    if isinstance(value, list):
        applied.append("array-body")
        judged = judge(view, case.target, {str(i): v for i, v in enumerate(value)})
        if judged.verdict == ACCEPT:  # ValidationPipe: "Validation failed (object is expected)"
            judged = Outcome(0, REJECT, frozenset({""}))
        return applied, judged
    stripped = _strip(value, lambda k, v: k in ("__proto__", "prototype", "constructor"))
    if stripped != value:
        applied.append("proto-keys")
        value = stripped
    stripped = _strip(value, lambda k, v: k in OBJECT_PROTOTYPE_METHODS)
    if stripped != value:
        applied.append("inherited-keys")
        value = stripped
    if transformer_crashes(view.spec.target(case.target).schema(closed=True), value):
        return [*applied, "transformer-null"], Outcome(500, REJECT)
    stripped = _strip(value, lambda k, v: v is None)
    if stripped != value:
        applied.append("optional-null")
        value = stripped
    return applied, judge(view, case.target, value)


# The methods every JavaScript object inherits (node 20): class-transformer skips a member whose name
# is a function on the instance it builds.
OBJECT_PROTOTYPE_METHODS = frozenset(
    {
        "__defineGetter__",
        "__defineSetter__",
        "__lookupGetter__",
        "__lookupSetter__",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
        "toString",
        "valueOf",
    }
)

# ParseUUIDPipe's 'all' (@nestjs/common 12.6.3; validator.js 13.15.35 isUUID 'all' is the same):
# RFC 9562 versions 1-8 with the RFC variant, or the nil and max UUIDs.
PARSE_UUID_ALL = re.compile(
    r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    r"|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)",
    re.IGNORECASE,
)


def expectations(view: SpecView, case: Case) -> tuple[Outcome, Outcome, str | None]:
    """(the validator's outcome on the contract, the expected server outcome, deviation)."""
    if case.bad_id is not None:
        text = urllib.parse.unquote(case.bad_id)
        contract = judge(view, view.id_target, {"path": {"id": text}})
        if PARSE_UUID_ALL.fullmatch(text):
            expected = Outcome(0, ACCEPT)
        else:
            expected = Outcome(400, REJECT, frozenset({"/path/id"}))
        if expected.verdict == contract.verdict:
            return contract, contract, None
        return contract, expected, "uuid-version"
    ok, value = contract_value(case)
    contract = judge(view, case.target, value) if ok else Outcome(0, REJECT, frozenset({""}))
    applied, expected = framework_expectation(view, case)
    if (expected.status, expected.verdict, expected.fields) == (
        0,
        contract.verdict,
        contract.fields,
    ):
        return contract, contract, None
    return contract, expected, "+".join(applied) or None


# ------------------------------------------------------------------------------ HTTP parties
def named_fields(body: Any, *, id_case: bool) -> frozenset[str]:
    """The fields a NestJS-shaped 400 names."""
    if not isinstance(body, dict):
        return frozenset()
    message = body.get("message")
    if not isinstance(message, list):
        # A single message: the request as a whole failed (body-parser, a pipe, a guard)
        return frozenset({"/path/id" if id_case else ""})
    found: set[str] = set()
    for text in message:
        named = message_field(text) if isinstance(text, str) else None
        if named is None:
            found.add("/path/id" if id_case else "")
        else:
            pointer = ("/path" + named.pointer) if id_case else named.pointer
            found.add(pointer + "/*" if named.each else pointer)
    return frozenset(found)


class HttpParty:
    """A server under comparison, holding one stored phone number per provider."""

    def __init__(self, name: str, url: str, token: str) -> None:
        self.name = name
        self.client = httpx.Client(
            base_url=url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=8),
        )
        self.records: dict[str, str] = {}

    def close(self) -> None:
        self.client.close()

    def seed(self, bodies: dict[str, Any]) -> None:
        for provider, body in bodies.items():
            r = self.client.post("/phone-number", json=body)
            if r.status_code != 201:
                raise AssertionError(f"{self.name}: creating a {provider} number: {r.text}")
            self.records[provider] = r.json()["id"]

    def send(self, case: Case) -> Outcome:
        rid = case.bad_id if case.bad_id is not None else self.records[case.variant]
        path = "/phone-number" if case.method == "POST" else f"/phone-number/{rid}"
        data = case.payload()
        headers = {"content-type": case.content_type} if data is not None else {}
        r = self.client.request(case.method, path, content=data, headers=headers)
        try:
            body = r.json()
        except ValueError:
            body = None
        messages: tuple[str, ...] = ()
        if isinstance(body, dict) and "message" in body:
            m = body["message"]
            messages = tuple(map(str, m)) if isinstance(m, list) else (str(m),)
        status = r.status_code
        verdict = ACCEPT if 200 <= status < 300 or status == 404 else REJECT
        if status == 400:
            fields = named_fields(body, id_case=case.bad_id is not None)
        elif status in (413, 415):
            fields = frozenset({""})  # the body as a whole
        else:
            fields = frozenset()
        return Outcome(status, verdict, fields, messages)


def _contracttest() -> list[str]:
    exe = Path(sys.executable).with_name("contracttest")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "contracttest"]


def start_mock(tokens: Sequence[str]) -> tuple[subprocess.Popen[str], str]:
    """``contracttest mock --port 0`` (uvicorn, real HTTP), tokens from the environment."""
    env = {**os.environ, "CONTRACTTEST_MOCK_TOKENS": ",".join(tokens), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [*_contracttest(), "mock", "--port", "0"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen: list[str] = []
    url: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if url:
                continue  # keep draining, so the pipe never fills
            seen.append(line)
            m = re.search(r"Listening on (http://\S+)", line)
            if m:
                url.append(m.group(1))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    _READERS[proc.pid] = reader
    for _ in range(600):
        if url or proc.poll() is not None:
            break
        threading.Event().wait(0.1)
    if not url:
        stop(proc)
        raise RuntimeError("contracttest mock did not start:\n" + "".join(seen[-20:]))
    return proc, url[0]


_READERS: dict[int, threading.Thread] = {}


def stop(proc: subprocess.Popen[str]) -> None:
    """Stop a process of `start_mock` and close its output once its reader has seen the end."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    reader = _READERS.pop(proc.pid, None)
    if reader is not None:
        reader.join(timeout=10)
    if proc.stdout is not None:
        proc.stdout.close()


# ------------------------------------------------------------------------------ the CLI party
def cli_outcomes(cases: Sequence[Case]) -> dict[int, Outcome]:
    """``contracttest validate --format json`` over every JSON body file, one run per target.

    Returns outcomes by index into ``cases``; cases the CLI cannot take as a file (no body, bytes
    that are not JSON, bad ids) are left out.
    """
    by_target: dict[str, list[int]] = {}
    for i, case in enumerate(cases):
        if case.bad_id is None and contract_value(case)[0]:
            by_target.setdefault(case.target, []).append(i)
    out: dict[int, Outcome] = {}
    with tempfile.TemporaryDirectory(prefix="ct-differential-") as tmp:
        for target, indexes in by_target.items():
            files = []
            for i in indexes:
                path = Path(tmp) / f"case-{i}.json"
                path.write_bytes(cases[i].payload() or b"")
                files.append(str(path))
            done = subprocess.run(
                [*_contracttest(), "validate", "--target", target, "--format", "json", *files],
                cwd=REPO,
                # A lone surrogate in a finding's `actual` cannot be written as UTF-8 (requests.md,
                # to hostile); backslashreplace writes it as a JSON escape, so the output parses.
                env={**os.environ, "PYTHONIOENCODING": "utf-8:backslashreplace"},
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if done.returncode not in (0, 1):
                raise AssertionError(
                    f"contracttest validate --target {target}: {done.stderr[-2000:]}"
                )
            report = json.loads(done.stdout)
            for entry, i in zip(report["files"], indexes, strict=True):
                errors = [f for f in entry["findings"] if f["severity"] == "error"]
                out[i] = Outcome(
                    0,
                    REJECT if errors else ACCEPT,
                    frozenset(f["pointer"] for f in errors),
                    tuple(f["message"] for f in errors),
                )
    return out


# ------------------------------------------------------------------------------ running it all
def run_cases(
    view: SpecView,
    cases: Sequence[Case],
    server: HttpParty,
    mock: HttpParty | None,
    *,
    workers: int = 4,
) -> list[Result]:
    """Send every case to the server and the mock (``workers`` requests in flight) and judge it."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        sent = [
            (pool.submit(server.send, c), pool.submit(mock.send, c) if mock is not None else None)
            for c in cases
        ]
        results = []
        for case, (to_server, to_mock) in zip(cases, sent, strict=True):
            contract, expected, deviation = expectations(view, case)
            results.append(
                Result(
                    case=case,
                    server=to_server.result(),
                    validator=contract,
                    expected=expected,
                    deviation=deviation,
                    mock=to_mock.result() if to_mock is not None else None,
                )
            )
    return results


def with_cli(results: Sequence[Result], outcomes: dict[int, Outcome]) -> list[Result]:
    return [replace(r, cli=outcomes.get(i)) for i, r in enumerate(results)]


def cli_agrees(r: Result) -> bool:
    return r.cli is None or (r.cli.verdict, r.cli.fields) == (
        r.validator.verdict,
        r.validator.fields,
    )


@dataclass
class Row:
    family: str
    n: int = 0
    verdict: int = 0
    rejected: int = 0
    fields: int = 0
    exact: int = 0
    mock_status: int = 0
    mock: int = 0
    cli: int = 0
    cli_n: int = 0
    deviations: Counter[str] = field(default_factory=Counter)


def table(results: Sequence[Result]) -> tuple[list[Row], Row]:
    rows: dict[str, Row] = {}
    total = Row("all")
    for r in results:
        for row in (rows.setdefault(r.case.family, Row(r.case.family)), total):
            row.n += 1
            row.verdict += r.verdict_agrees
            if r.server.status == 400:
                row.rejected += 1
                row.fields += r.fields_agree
                row.exact += r.fields_exact
            row.mock_status += r.mock_status_agrees
            row.mock += r.mock_agrees
            if r.cli is not None:
                row.cli_n += 1
                row.cli += cli_agrees(r)
            if r.deviation:
                row.deviations[r.deviation] += 1
    return list(rows.values()), total


def render(rows: Iterable[Row], total: Row, versions: dict[str, str]) -> str:
    def pct(a: int, b: int) -> str:
        return "-" if b == 0 else f"{a}/{b} ({100 * a / b:.1f}%)"

    lines = [
        "| family | requests | verdict = server | server 400s | field named (server ⊆ ours) "
        "| same field set | mock status | mock status and field | CLI = API | deviations |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in [*rows, total]:
        devs = ", ".join(f"{k} {v}" for k, v in sorted(row.deviations.items())) or "-"
        name = f"**{row.family}**" if row is total else row.family
        lines.append(
            f"| {name} | {row.n} | {pct(row.verdict, row.n)} | {row.rejected} | "
            f"{pct(row.fields, row.rejected)} | {pct(row.exact, row.rejected)} | "
            f"{pct(row.mock_status, row.n)} | {pct(row.mock, row.n)} | "
            f"{pct(row.cli, row.cli_n)} | {devs} |"
        )
    pinned = ", ".join(f"{k} {v}" for k, v in versions.items())
    return "\n".join([f"Ground truth: {pinned}.", "", *lines])


def problems(r: Result) -> list[str]:
    out = []
    if not r.verdict_agrees:
        out.append(
            f"verdict: server {r.server.status}, expected {r.expected.status or r.expected.verdict}"
        )
    elif not r.fields_agree:
        out.append("field")
    if r.mock is not None and not r.mock_status_agrees:
        out.append(f"mock status {r.mock.status} vs server {r.server.status}")
    elif r.mock is not None and not r.mock_agrees:
        out.append("mock field")
    if not cli_agrees(r):
        out.append("CLI != API")
    return out


def disagreements(results: Sequence[Result], limit: int = 40) -> Iterator[str]:
    """Readable lines for the results that break an expectation (for assertion messages)."""
    shown = 0
    for r in results:
        found = problems(r)
        if not found:
            continue
        shown += 1
        if shown > limit:
            yield "..."
            return
        body = (r.case.payload() or b"")[:300].decode("utf-8", "replace")
        mock = (
            f"    mock {r.mock.status}: {list(r.mock.messages)[:4]} -> {sorted(r.mock.fields)}\n"
            if r.mock
            else ""
        )
        yield (
            f"{r.case.describe()}: {'; '.join(found)}\n"
            f"    body: {body}\n"
            f"    server {r.server.status}: {list(r.server.messages)[:6]} -> {sorted(r.server.fields)}\n"
            f"    ours ({r.deviation or 'contract'}): {r.expected.verdict} {sorted(r.expected.fields)}"
            f" {list(r.validator.messages)[:4]}\n" + mock
        )

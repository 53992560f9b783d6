"""The mock as a Starlette ASGI app: HTTP in, `MockEngine` in the middle, JSON out.

Error answers take the error schema the spec documents for the operation and status, else NestJS's
envelope (`contracttest.mock.error_answers`).

Order of the checks, as in a NestJS server: route (404 ``Cannot GET /x``), credentials (401), request
body framing (413 over the cap, 415 for a media type the operation does not take, 400 for bytes that
are not JSON), parameter and body validation (400, one message per finding), then existence (404) and
the operation itself. The engine's work is synchronous and runs on the event loop, so each request's
read-modify-write on the store happens without interleaving; stores lock on top of that for apps shared
between threads.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from contracttest.errors import TargetError
from contracttest.mock.auth import Authenticator
from contracttest.mock.engine import MockEngine, MockRequest, Reply
from contracttest.mock.error_answers import ErrorAnswers
from contracttest.mock.errors import error_body
from contracttest.mock.media import MediaAnswers, content_type, wire_media
from contracttest.mock.parsing import (
    HTTPProblem,
    coerce_value,
    media_type_of,
    parse_json_body,
    raw_schema,
    read_capped,
)
from contracttest.mock.routing import Router
from contracttest.mock.store import Store, open_store
from contracttest.openapi.model import JSON_MEDIA

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.types import Receive, Scope, Send

    from contracttest.mock.routing import Match
    from contracttest.openapi.model import Operation, Spec

__all__ = ["DEFAULT_MAX_BODY", "DEFAULT_MAX_DEPTH", "MockASGI", "create_app"]

log = logging.getLogger("contracttest.mock")

DEFAULT_MAX_BODY = 1024 * 1024
"""Request bodies over 1 MiB get 413 (NestJS's body-parser default is 100 kB; Vapi's is larger)."""
DEFAULT_MAX_DEPTH = 64
"""JSON nesting beyond 64 levels gets 400; no Vapi DTO comes close."""

_JSON_HEADERS = [(b"content-type", b"application/json; charset=utf-8")]
_NO_BODY = frozenset({204, 205, 304})

OFFLOAD_BYTES = 64 * 1024
"""Bodies from this size on are parsed and validated in a worker thread, off the event loop."""


def _declared_length(request: Request) -> int:
    value = request.headers.get("content-length") or ""
    return int(value) if value.isdigit() else 0


def _is_json(media: str) -> bool:
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _dumps(value: Any) -> bytes:
    # ensure_ascii keeps lone surrogates a client sent (valid in JSON text) encodable.
    return json.dumps(value, separators=(",", ":"), allow_nan=False).encode("ascii")


class MockASGI:
    """The raw ASGI callable behind `create_app` (one catch-all route)."""

    def __init__(
        self,
        engine: MockEngine,
        auth: Authenticator,
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY,
        max_depth: int = DEFAULT_MAX_DEPTH,
    ) -> None:
        self.engine = engine
        self.auth = auth
        self.router = Router(engine.spec.operations, engine.spec)
        self.max_body_bytes = max_body_bytes
        self.max_depth = max_depth
        self.errors = ErrorAnswers(engine)
        self.media = MediaAnswers(engine.spec)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.requests import ClientDisconnect, Request

        request = Request(scope, receive)
        try:
            status, headers, payload = await self.dispatch(request)
        except ClientDisconnect:
            return  # the client left mid-request: nobody to answer, nothing went wrong
        except HTTPProblem as problem:
            status = problem.status
            media = self.errors.media_type(problem.operation, status)
            if media is not None and problem.operation is not None:
                message = "; ".join(problem.messages)
                payload = self.media.body(problem.operation, status, media, message)
                kind = [(b"content-type", content_type(media))]
            else:
                payload = _dumps(self.errors.body(problem.operation, problem))
                kind = _json_headers(problem.operation, status)
            headers = [*kind, *((k.encode(), v.encode()) for k, v in problem.headers.items())]
        except Exception:
            # Never expected: a 500 here is a mock bug. Log the traceback, not the request.
            log.exception("mock failed on %s %s", scope.get("method"), scope.get("path"))
            status, headers = 500, list(_JSON_HEADERS)
            payload = _dumps({"message": "Internal server error", "statusCode": 500})
        if status in _NO_BODY:
            # HTTP forbids a body here, even where the spec documents one (AWS's 204s with JSON);
            # sending it made the server drop the connection.
            payload = b""
            headers = [h for h in headers if h[0] != b"content-type"]
        else:
            headers.append((b"content-length", str(len(payload)).encode()))
        if scope.get("method") == "HEAD":
            payload = b""
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    async def dispatch(self, request: Request) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        scope = request.scope
        method = str(scope["method"]).upper()
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1") if isinstance(raw_path, bytes) else quote(scope["path"])
        path = path.split("?", 1)[0]
        match = self.router.match(method, path, request.headers, request.query_params)
        if match is None:
            raise HTTPProblem(404, f"Cannot {method} {scope['path']}")
        try:
            return await self.handle(match, request)
        except HTTPProblem as problem:
            problem.operation = match.operation
            raise

    async def handle(
        self, match: Match, request: Request
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Answer a routed request (problems become the operation's documented errors)."""
        op = match.operation
        query = request.query_params
        org = self.auth.org_for(op, request.headers, query, request.cookies)
        if org is None:
            how, challenge = self.auth.hint(op)
            raise HTTPProblem(
                401,
                f"Missing or invalid credentials: send {how}",
                headers={"www-authenticate": challenge},
            )
        params = self.collect_params(op, match, request)
        body, kind = await self.read_body(op, request)
        req = MockRequest(match, org, params, body, kind)
        if _declared_length(request) >= OFFLOAD_BYTES:
            # Validating a large body takes long: off the event loop, so other clients are served.
            import anyio.to_thread

            await anyio.to_thread.run_sync(self.engine.validate_request, req)
            req.validated = True
        reply = self.engine.handle(req)
        if self.engine.check_responses:
            reply = self.self_check(op, reply)
        media = wire_media(op, reply.status)
        if media is not None:
            # The status documents no JSON body (AWS's query protocol: text/xml)
            return (
                reply.status,
                [(b"content-type", content_type(media))],
                self.media.body(op, reply.status, media),
            )
        if reply.body is None:
            return reply.status, [], b""
        return reply.status, _json_headers(op, reply.status), _dumps(reply.body)

    def collect_params(
        self, op: Operation, match: Match, request: Request
    ) -> dict[str, dict[str, Any]]:
        """Declared parameters as JSON values, grouped by location (what ``op:parameters`` checks)."""
        grouped: dict[str, list[str]] = {}
        for k, v in request.query_params.multi_items():
            grouped.setdefault(k, []).append(v)
        skip = self.auth.credential_params(op)
        out: dict[str, dict[str, Any]] = {}
        declared_query: set[str] = set()
        for p in op.parameters:
            group = out.setdefault(p.location, {})
            schema = raw_schema(self.engine.spec, p.schema_node)
            if p.location == "path":
                if p.name in match.path_params:
                    group[p.name] = coerce_value([match.path_params[p.name]], schema)
            elif p.location == "query":
                declared_query.add(p.name)
                if p.name in grouped:
                    group[p.name] = coerce_value(
                        grouped[p.name], schema, explode=p.explode is not False
                    )
            elif p.location == "header":
                values = request.headers.getlist(p.name)
                if values:
                    group[p.name] = coerce_value(values, schema)
            elif p.location == "cookie" and p.name in request.cookies:
                group[p.name] = coerce_value([request.cookies[p.name]], schema)
        if "query" in out:
            for name, values in grouped.items():
                if name not in declared_query and ("query", name) not in skip:
                    out["query"][name] = values[0] if len(values) == 1 else values
        return out

    async def read_body(self, op: Operation, request: Request) -> tuple[Any, str | None]:
        """(body, kind): kind is ``json``, ``other`` (a declared non-JSON media type), ``empty-json``
        (no bytes under a JSON content type) or None (no body)."""
        if not op.request_body:
            return None, None
        raw = await read_capped(
            request.stream(), request.headers.get("content-length"), self.max_body_bytes
        )
        media, params = media_type_of(request.headers.get("content-type"))
        if not raw:
            # No bytes: an absent body (NestJS hands the handler {}), unless the client said it
            # was sending JSON, in which case it sent malformed JSON.
            return None, ("empty-json" if _is_json(media) and op.json_body() is not None else None)
        if _is_json(media) and op.json_body() is not None:
            # A NestJS server's body-parser takes only objects and arrays (its strict mode).
            charset, strict = params.get("charset"), self.errors.nestjs
            if len(raw) >= OFFLOAD_BYTES:
                import anyio.to_thread

                parsed = await anyio.to_thread.run_sync(
                    lambda: parse_json_body(raw, charset, self.max_depth, strict=strict)
                )
                return parsed, "json"
            return parse_json_body(raw, charset, self.max_depth, strict=strict), "json"
        for declared in op.request_body:
            want = declared.split(";")[0].strip().lower()
            if (
                want == media
                or want == "*/*"
                or (want.endswith("/*") and media.startswith(want[:-1]))
            ):
                return None, "other"
        expected = ", ".join(sorted(op.request_body))
        raise HTTPProblem(
            415, f"Unsupported Media Type: {media or 'no Content-Type'}; expected {expected}"
        )

    def self_check(self, op: Operation, reply: Reply) -> Reply:
        """Validate an outgoing body against its documented response (``check_responses=True``)."""
        status = str(reply.status)
        if reply.body is None or op.response_for(reply.status) is None:
            return reply
        documented = status if status in op.responses else self.engine.success_status(op)
        try:
            found = self.engine.answer_findings(f"{op.label}:response:{documented}", reply.body)
        except TargetError:  # no JSON schema documented for that status
            return reply
        if not found:
            return reply
        log.error(
            "mock answer for %s does not conform: %s", op.label, "; ".join(map(str, found[:5]))
        )
        return Reply(500, error_body(500, [f"mock bug: {f}" for f in found[:20]]))


def _json_headers(op: Operation | None, status: int) -> list[tuple[bytes, bytes]]:
    """The Content-Type of a JSON answer: the JSON media type the operation documents for the
    status when it names one (``application/vnd.amadeus+json``), else ``application/json``."""
    resp = op.response_for(status) if op is not None else None
    for media in resp.content if resp is not None else ():
        if JSON_MEDIA.match(media) and "*" not in media:
            if media.split(";")[0].strip().lower() == "application/json":
                break
            return [(b"content-type", media.encode("latin-1", "replace"))]
    return list(_JSON_HEADERS)


def create_app(
    spec: Spec,
    *,
    tokens: Sequence[str] = (),
    db: str | os.PathLike[str] | None = None,
    store: Store | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    max_depth: int = DEFAULT_MAX_DEPTH,
    check_responses: bool = False,
) -> Starlette:
    """The mock of ``spec`` as an ASGI app (serve it with uvicorn, or call it in-process).

    Args:
        spec: the contract to serve.
        tokens: bearer tokens; each one is an org. Without tokens every request is accepted and all
            requests share one org.
        db: a SQLite file that keeps state across restarts; in memory when None.
        store: a ready store (overrides ``db``).
        max_body_bytes: request bodies above this get 413.
        max_depth: JSON nesting above this gets 400.
        check_responses: validate every answer against its documented response schema and turn a
            non-conforming one into a 500 naming the findings (a self-test of the mock).

    Returns:
        A Starlette app; ``app.state.engine`` is the `MockEngine` (its store, resources...).

    Example:
        >>> from starlette.testclient import TestClient
        >>> client = TestClient(create_app(spec, tokens=["t1"]))  # doctest: +SKIP
    """
    from starlette.applications import Starlette

    from contracttest.openapi.refs import ensure_resolvable

    ensure_resolvable(spec, "the mock")  # a 500 per request would blame the server for the spec
    the_store = store if store is not None else open_store(db)
    auth = Authenticator(spec, list(tokens), the_store.salt())
    engine = MockEngine(spec, the_store, check_responses=check_responses)
    asgi = MockASGI(engine, auth, max_body_bytes=max_body_bytes, max_depth=max_depth)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if store is None:
            the_store.close()

    # Every request goes to the mock's own router: Starlette's path regex stops at a newline, which
    # a decoded path parameter may hold (corpus class 5), and then answered a bare text/plain 404.
    app = Starlette(routes=[], lifespan=lifespan)
    app.router.default = asgi
    app.state.engine = engine
    app.state.store = the_store
    app.state.asgi = asgi
    return app

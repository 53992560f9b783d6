"""A small live API that leaks: it echoes every credential it receives, in every encoding it can think of.

Serves ``/things`` (list, create) and ``/things/{id}`` (get, delete) on 127.0.0.1, with bearer tokens as
orgs. It is *meant* to be a bad server: the ``Location`` of a created thing carries the token
percent-encoded, every answer has an ``X-Echo`` header with the base64 of the Authorization header, a 400
quotes the token and the ``apiSecret`` it was sent (JSON-escaped), a ``GET /things/{id}`` answers 500
with the raw token in its message, and a list returns each thing's ``apiSecret``. A conformance run
against it fails many checks, so its reports are full of responses: the hostile suite scans them for the
secrets (`received_secrets`).

It also keeps score for the other probes: ``live`` is what exists right now, ``created`` / ``deleted``
count what runs did, and ``delay`` slows every answer down (the SIGTERM probe).
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Leaky things", "version": "1"},
    "security": [{"bearer": []}],
    "paths": {
        "/things": {
            "get": {
                "operationId": "listThings",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Thing"},
                                }
                            }
                        },
                    },
                    "401": {"description": "no token"},
                },
            },
            "post": {
                "operationId": "createThing",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/NewThing"}}
                    },
                },
                "responses": {
                    "201": {
                        "description": "created",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        },
                    },
                    "400": {"description": "bad"},
                    "401": {"description": "no token"},
                },
            },
        },
        "/things/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": {
                "operationId": "getThing",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        },
                    },
                    "401": {"description": "no token"},
                    "404": {"description": "none"},
                },
            },
            "delete": {
                "operationId": "deleteThing",
                "responses": {
                    "204": {"description": "deleted"},
                    "401": {"description": "no token"},
                    "404": {"description": "none"},
                },
            },
        },
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "NewThing": {
                "type": "object",
                "required": ["name", "apiSecret"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 20},
                    "apiSecret": {"type": "string", "minLength": 12, "maxLength": 40},
                },
            },
            "Thing": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
            },
        },
    },
}


class LeakyApi:
    """The server; ``url`` is its base URL. ``close()`` stops it."""

    def __init__(self, tokens: list[str], *, delay: float = 0.0) -> None:
        self.tokens = list(tokens)
        self.delay = delay
        self.lock = threading.Lock()
        self.live: dict[str, dict[str, Any]] = {}
        self.created = 0
        self.deleted = 0
        self.secrets_seen: set[str] = set()
        self.requests = 0
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                api.handle(self, "GET")

            def do_POST(self) -> None:
                api.handle(self, "POST")

            def do_DELETE(self) -> None:
                api.handle(self, "DELETE")

            def do_PATCH(self) -> None:
                api.handle(self, "PATCH")

            def do_PUT(self) -> None:
                api.handle(self, "PUT")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add(self, token_index: int = 0, name: str = "pre") -> str:
        """A thing that exists before a run (for the cleanup probes); returns its id."""
        tid = uuid.uuid4().hex[:16]
        with self.lock:
            self.live[tid] = {"id": tid, "name": name, "org": token_index}
        return tid

    def received_secrets(self) -> list[str]:
        """The ``apiSecret`` values clients sent that are distinctive enough to search for."""
        return sorted(s for s in self.secrets_seen if len(s) >= 8 and len(set(s)) >= 4)

    # ------------------------------------------------------------------------------------------
    def handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        self.requests += 1
        if self.delay:
            time.sleep(self.delay)
        length = int(h.headers.get("content-length") or 0)
        raw = h.rfile.read(length) if length else b""
        auth = h.headers.get("authorization") or ""
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        echo = base64.b64encode(auth.encode()).decode("ascii")
        path = urlsplit(h.path).path.rstrip("/") or "/"
        org = self.tokens.index(token) if token in self.tokens else None
        if org is None:
            return self.send(h, 401, {"message": f"Unauthorized: {auth!r} is not a token"}, echo)
        parts = path.strip("/").split("/")
        if parts[0] != "things" or len(parts) > 2:
            return self.send(h, 404, {"message": f"Cannot {method} {path}"}, echo)
        if len(parts) == 1:
            if method == "GET":
                with self.lock:
                    items = [
                        {"id": t["id"], "name": t["name"], "apiSecret": t.get("apiSecret", "")}
                        for t in self.live.values()
                        if t["org"] == org
                    ]
                return self.send(h, 200, items, echo)
            if method == "POST":
                return self.create(h, raw, token, org, echo)
            return self.send(h, 405, {"message": "no"}, echo)
        tid = parts[1]
        with self.lock:
            thing = self.live.get(tid)
        if thing is None or thing["org"] != org:
            return self.send(h, 404, {"message": f"no thing {tid}"}, echo)
        if method == "GET":
            # A crash that quotes the credentials, as badly written servers do.
            return self.send(h, 500, {"message": f"internal: token {token} failed"}, echo)
        if method == "DELETE":
            with self.lock:
                self.live.pop(tid, None)
                self.deleted += 1
            return self.send(h, 204, None, echo)
        return self.send(h, 405, {"message": "no"}, echo)

    def create(
        self, h: BaseHTTPRequestHandler, raw: bytes, token: str, org: int, echo: str
    ) -> None:
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            return self.send(h, 400, {"message": f"bad JSON; token {quote(token)}"}, echo)
        secret = body.get("apiSecret") if isinstance(body, dict) else None
        if isinstance(secret, str):
            self.secrets_seen.add(secret)
        name = body.get("name") if isinstance(body, dict) else None
        problems = []
        if not isinstance(name, str) or not 1 <= len(name) <= 20:
            problems.append(f"name must be 1-20 characters (token {token} tried)")
        if not isinstance(secret, str) or not 12 <= len(secret) <= 40:
            problems.append(f"apiSecret {json.dumps(secret)} must be 12-40 characters")
        if isinstance(body, dict) and set(body) - {"name", "apiSecret"}:
            problems.append("unknown properties")
        if problems:
            return self.send(h, 400, {"message": problems, "statusCode": 400}, echo)
        tid = uuid.uuid4().hex[:16]
        with self.lock:
            self.live[tid] = {"id": tid, "name": name, "org": org, "apiSecret": secret}
            self.created += 1
        headers = {"Location": f"/things/{tid}?token={quote_plus(token)}"}
        return self.send(h, 201, {"id": tid, "name": name}, echo, headers)

    def send(
        self,
        h: BaseHTTPRequestHandler,
        status: int,
        body: Any,
        echo: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        h.send_response(status)
        if body is not None:
            h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.send_header("X-Echo", echo)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        if data:
            h.wfile.write(data)

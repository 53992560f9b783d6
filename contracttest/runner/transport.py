"""Turning a case into a request on the wire: the path rendered, the credential the case names
presented as the spec's security scheme says, extra headers, the body and its content type; sent
through the run's `contracttest.runner.http.HttpClient`. And deleting what the run created.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import TYPE_CHECKING

from contracttest.errors import ContractTestError, TransportError
from contracttest.openapi.model import FRAMING_HEADERS
from contracttest.runner.case import Case
from contracttest.runner.http import encode_query, render_path
from contracttest.runner.schemes import AuthScheme, operation_scheme

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation
    from contracttest.runner.fixtures import Instance, Ledger
    from contracttest.runner.http import HttpClient, HttpRequest, HttpResponse
    from contracttest.runner.plan import Plan

__all__ = ["INVALID_TOKEN_PREFIX", "Transport"]

INVALID_TOKEN_PREFIX = "ct-invalid-"


class Transport:
    """Builds and sends the requests of one run, and counts them."""

    def __init__(self, plan: Plan, client: HttpClient) -> None:
        self.plan = plan
        self.client = client
        self.requests = 0
        self.invalid_token = INVALID_TOKEN_PREFIX + secrets.token_hex(12)
        self._lock = threading.Lock()
        self._schemes: dict[str, AuthScheme | None] = {}

    def build(self, case: Case) -> HttpRequest:
        op = case.operation
        path = render_path(op.wire_path, case.path_params)
        query = encode_query(list(case.query))
        given = {k for k, _ in query}
        # A path key's literal query (flickr's ``/rest?method=flickr.favorites.getList``) is part
        # of the operation's address: it travels as the query.
        query = [*((k, v) for k, v in op.literal_query if k not in given), *query]
        # Its ``name={param}`` pairs (learnifier's ``/users/{userid}/pic?key={APIKEY}``) carry a
        # parameter documented ``in: path`` in the query, under that name.
        query += encode_query(
            [
                (name, case.path_params[param])
                for name, param in op.path_query.items()
                if param in case.path_params and name not in given
            ]
        )
        headers: list[tuple[str, str]] = [("accept", "application/json")]
        headers.extend(self.plan.extra_headers)
        cred = case.credential
        auth = self._scheme(op)
        value: tuple[str, str] | None = None
        if isinstance(cred, int) and 0 <= cred < len(self.plan.credentials):
            value = self.plan.credentials[cred]
            if auth is not self.plan.auth and auth is not None:
                value = auth.apply(self._token(value))
        elif cred == "invalid":
            if auth is not None:
                value = auth.apply(self.invalid_token)
            else:
                value = ("Authorization", f"Bearer {self.invalid_token}")
        if value is not None:
            # the credential takes its parameter's place: a drawn value of the same parameter
            # (trello documents ``key`` as a query parameter too) sent beside it makes it a list
            if auth is not None and auth.location == "query":
                query = [(k, v) for k, v in query if k != value[0]]
                query.append(value)
            elif auth is not None and auth.location == "cookie":
                headers.append(("cookie", f"{value[0]}={value[1]}"))
            else:
                headers.append(value)
        carried = value[0].lower() if value is not None and auth is not None else None
        for name, text in case.headers:
            if name.lower() in FRAMING_HEADERS:
                continue  # the client frames the message; a spec's value would contradict it
            if not text.isascii() or "\r" in text or "\n" in text:
                raise TransportError(
                    f"header {name}: {text[:40]!r} is not plain ASCII; HTTP cannot carry it as "
                    "the case has it"
                )
        headers.extend(
            (k, v)
            for k, v in case.headers
            if k.lower() not in FRAMING_HEADERS
            and not (
                carried and auth is not None and auth.location == "header" and k.lower() == carried
            )
        )
        body = case.body_bytes()
        if body is not None and not any(k.lower() == "content-type" for k, _ in case.headers):
            media = op.json_body()
            ctype = case.content_type or (
                media.media_type if media is not None else "application/json"
            )
            if ctype:
                headers.append(("content-type", ctype))
        return self.client.build(
            case.method or op.method, path, query=query, headers=headers, body=body
        )

    def _scheme(self, op: Operation) -> AuthScheme | None:
        """How ``op`` takes the run's token: its own security scheme where the spec gives its
        operations different ones (an API key here, OAuth2 there), else the plan's."""
        got = self._schemes.get(op.key, self.plan.auth)
        if op.key not in self._schemes:
            own = operation_scheme(self.plan.spec, op)
            got = self._schemes[op.key] = own if own != self.plan.auth else self.plan.auth
        return got

    def _token(self, credential: tuple[str, str]) -> str:
        """The token of a credential the plan presents in its own scheme."""
        value = credential[1]
        prefix = self.plan.auth.prefix if self.plan.auth is not None else "Bearer "
        return value[len(prefix) :] if prefix and value.startswith(prefix) else value

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send one request (raises `TransportError` when it cannot be)."""
        response = self.client.send(request)
        with self._lock:
            self.requests += 1
        return response

    def cleanup(self, ledger: Ledger, *, deadline: float | None = None) -> list[str]:
        """Delete every resource the run created and has not deleted; returns problems."""
        problems: list[str] = []
        todo: list[Instance] = ledger.live()
        for inst in reversed(todo):
            res = inst.resource
            if res.delete is None or res.item is None:
                continue
            if deadline is not None and time.monotonic() > deadline:
                problems.append("cleanup stopped at the time limit; run `contracttest cleanup`")
                break
            case = Case(
                operation=res.delete,
                kind="cleanup",
                expect="any",
                path_params={**inst.scope, res.id_param or "id": inst.id},
                credential=inst.credential,
                description="cleanup",
            )
            try:
                request = self.build(case)
                response = self.send(request)
            except ContractTestError as exc:
                problems.append(f"could not delete {inst.id}: {exc}")
                continue
            if 200 <= response.status < 300 or response.status in (404, 410):
                ledger.mark_deleted(inst)
            else:
                problems.append(
                    f"DELETE {request.path} answered {response.status}; left in the journal"
                )
        return problems

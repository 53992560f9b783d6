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
from contracttest.runner.case import Case
from contracttest.runner.http import encode_query, render_path

if TYPE_CHECKING:
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

    def build(self, case: Case) -> HttpRequest:
        op = case.operation
        path = render_path(op.wire_path, case.path_params)
        query = encode_query(list(case.query))
        headers: list[tuple[str, str]] = [("accept", "application/json")]
        headers.extend(self.plan.extra_headers)
        cred = case.credential
        auth = self.plan.auth
        value: tuple[str, str] | None = None
        if isinstance(cred, int) and 0 <= cred < len(self.plan.credentials):
            value = self.plan.credentials[cred]
        elif cred == "invalid":
            if auth is not None:
                value = auth.apply(self.invalid_token)
            else:
                value = ("Authorization", f"Bearer {self.invalid_token}")
        if value is not None:
            if auth is not None and auth.location == "query":
                query.append(value)
            elif auth is not None and auth.location == "cookie":
                headers.append(("cookie", f"{value[0]}={value[1]}"))
            else:
                headers.append(value)
        for name, text in case.headers:
            if not text.isascii() or "\r" in text or "\n" in text:
                raise TransportError(
                    f"header {name}: {text[:40]!r} is not plain ASCII; HTTP cannot carry it as "
                    "the case has it"
                )
        headers.extend(case.headers)
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

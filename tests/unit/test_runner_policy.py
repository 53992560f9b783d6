"""The finding policy: a failure breaks the contract; an advisory finding goes beyond it, is
reported and counted apart, and fails the run only with ``--fail-on advisory``. A credential the
response schema documents is one spec finding per schema; one it does not document, or one the run
sent coming back, stays a failure. A 400 that names the expected format of the only path
parameter names the field well enough."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from _runner_fake import TOKENS, engine_for

from contracttest.openapi.model import Spec
from contracttest.runner.results import Status

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ACCOUNT = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "apiToken": {"type": "string", "description": "the account's API token"},
    },
}
CREATE = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string", "maxLength": 10}},
    "additionalProperties": False,
}


def spec(*, id_params: int = 1) -> Spec:
    """Accounts: create, list, get by id (one path parameter, or two with an org)."""
    item = "/accounts/{id}" if id_params == 1 else "/orgs/{org}/accounts/{id}"
    params = [
        {
            "name": "id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "format": "uuid"},
        }
    ]
    if id_params == 2:
        params.insert(
            0,
            {
                "name": "org",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "format": "uuid"},
            },
        )
    ref = {"$ref": "#/components/schemas/Account"}
    ok = {"description": "ok", "content": {"application/json": {"schema": ref}}}
    bad = {"description": "bad request"}
    return Spec(
        {
            "openapi": "3.0.3",
            "info": {"title": "accounts", "version": "1"},
            "components": {"schemas": {"Account": ACCOUNT}},
            "paths": {
                "/accounts": {
                    "post": {
                        "operationId": "createAccount",
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": CREATE}},
                        },
                        "responses": {"201": ok, "400": bad},
                    },
                    "get": {
                        "operationId": "listAccounts",
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {"schema": {"type": "array", "items": ref}}
                                },
                            }
                        },
                    },
                },
                item: {
                    "parameters": params,
                    "get": {
                        "operationId": "getAccount",
                        "responses": {"200": ok, "400": bad, "404": {"description": "none"}},
                    },
                },
            },
        },
        source="<accounts>",
        sha256="2" * 64,
    )


class Server:
    """A correct accounts server, with switches for how it words errors and what it returns."""

    def __init__(self, *, token: str = "", vague_ids: bool = False, gone: int = 404) -> None:
        self.token = token
        """A credential every account response carries (documented by ACCOUNT)."""
        self.vague_ids = vague_ids
        self.gone = gone
        self.accounts: dict[str, dict[str, Any]] = {}
        self.extra: dict[str, Any] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")
        if request.method == "POST" and parts == ["accounts"]:
            try:
                body = json.loads(request.content)
            except (ValueError, RecursionError):
                return self.reply(400, {"message": ["malformed JSON"]})
            if not isinstance(body, dict):
                return self.reply(400, {"message": ["the body must be an object"]})
            problems = [f"property {k} should not exist" for k in body if k != "name"]
            name = body.get("name")
            if not isinstance(name, str) or len(name) > 10:
                problems.append("name must be a string of at most 10 characters")
            if problems:
                return self.reply(400, {"message": problems, "error": "Bad Request"})
            rid = f"{len(self.accounts) + 1:08d}-0000-4000-8000-000000000000"
            self.accounts[rid] = {"id": rid, "name": name}
            return self.reply(201, self.render(self.accounts[rid]))
        if request.method == "GET" and parts == ["accounts"]:
            return self.reply(200, [self.render(a) for a in self.accounts.values()])
        if request.method == "GET" and parts[-2:-1] == ["accounts"] and len(parts) in (2, 4):
            ids = [parts[-1]] + ([parts[1]] if len(parts) == 4 else [])
            if not all(UUID.match(i) for i in ids):
                message = (
                    "Validation failed (uuid is expected)"
                    if self.vague_ids
                    else "id must be a UUID"
                )
                return self.reply(400, {"message": message, "error": "Bad Request"})
            got = self.accounts.get(parts[-1])
            if got is None:
                return self.reply(self.gone, {"message": "not found"})
            return self.reply(200, self.render(got))
        return self.reply(404, {"message": f"Cannot {request.method} {request.url.path}"})

    def render(self, account: dict[str, Any]) -> dict[str, Any]:
        out = dict(account)
        if self.token:
            out["apiToken"] = self.token
        out.update(self.extra)
        return out

    def reply(self, status: int, body: Any) -> httpx.Response:
        return httpx.Response(status, json=body)


def run(server: Server, *, checks: list[str] | None = None, id_params: int = 1, **kw: Any) -> Any:
    return engine_for(spec(id_params=id_params), server, checks=checks, **kw).run()


def test_a_documented_credential_is_one_spec_finding_not_a_failure() -> None:
    result = run(Server(token="live-token-0123456789"), checks=["response.no-secrets"])
    assert result.verdict == "passed", [f.title for f in result.failures()]
    found = [f for f in result.spec_findings if f.rule == "spec.documented-secret"]
    # one finding for the schema, however many operations returned the member
    assert len(found) == 1
    assert "apiToken" in found[0].message and "createAccount" in found[0].message
    assert found[0].pointer == "/components/schemas/Account/properties/apiToken"


def test_an_undocumented_credential_stays_a_failure() -> None:
    server = Server()
    server.extra = {"clientSecret": "sk-live-0123456789"}
    result = run(server, checks=["response.no-secrets"])
    assert result.verdict == "failed"
    rules = {f.finding.rule for f in result.failures("contract")}
    assert rules == {"response.secret-exposed"}


def test_the_runs_own_credential_coming_back_stays_a_failure() -> None:
    server = Server(token=TOKENS[0])  # documented member, but it is the caller's token
    result = run(server, checks=["response.no-secrets"])
    assert result.verdict == "failed"
    assert {f.finding.rule for f in result.failures("contract")} == {"response.secret-echoed"}
    assert not [f for f in result.spec_findings if f.rule == "spec.documented-secret"]


def test_uuid_is_expected_names_the_only_path_parameter() -> None:
    result = run(Server(vague_ids=True), checks=["request.error-names-field"])
    named = result.result("getAccount", "request.error-names-field")
    assert named is not None and named.cases and named.status is Status.PASSED


def test_with_two_path_parameters_it_does_not_and_that_is_advisory() -> None:
    result = run(Server(vague_ids=True), checks=["request.error-names-field"], id_params=2)
    named = result.result("getAccount", "request.error-names-field")
    assert named is not None and named.status is Status.ADVISORY
    assert all(f.level == "advisory" for f in named.failures)
    # advisory findings are reported and counted apart, and do not fail the run ...
    assert result.verdict == "passed" and result.exit_code == 0
    assert result.counts()["advisory"] == 1 and not result.failures("contract")
    # ... unless the run is asked to fail on them
    strict = run(
        Server(vague_ids=True),
        checks=["request.error-names-field"],
        id_params=2,
        fail_on="advisory",
    )
    assert strict.verdict == "failed" and strict.exit_code == 1


def test_an_undocumented_error_status_is_advisory() -> None:
    # the get documents 400 and 404; this server answers unknown ids with 409
    result = run(Server(gone=409), checks=["response.status"])
    got = result.result("getAccount", "response.status")
    assert got is not None and got.status is Status.ADVISORY, got
    assert {f.finding.rule for f in got.failures} == {"response.status-undocumented"}
    assert result.verdict == "passed"


@pytest.mark.parametrize("fail_on", ["nope", "Contract"])
def test_fail_on_takes_contract_or_advisory(fail_on: str) -> None:
    from contracttest.errors import UsageError

    with pytest.raises(UsageError, match="--fail-on"):
        run(Server(), fail_on=fail_on)


def _payments_spec() -> Spec:
    """openbanking payment-initiation's shape: the response component holds an inline object
    (``Data.Initiation``) whose members are named like credentials: ``ChargeBearer`` (a code
    from an enum) and ``ClientSecret`` (a string the contract documents)."""
    initiation = {
        "type": "object",
        "required": ["ChargeBearer"],
        "properties": {
            "ChargeBearer": {
                "type": "string",
                "enum": ["BorneByCreditor", "BorneByDebtor", "FollowingServiceLevel"],
            },
            "ClientSecret": {"type": "string", "minLength": 16, "maxLength": 16},
        },
        "additionalProperties": False,
    }
    body = {
        "type": "object",
        "required": ["Data"],
        "properties": {
            "Data": {
                "type": "object",
                "required": ["Initiation"],
                "properties": {"Initiation": initiation},
                "additionalProperties": False,
            }
        },
        "additionalProperties": False,
    }
    answer = {"$ref": "#/components/schemas/PaymentResponse"}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "payments", "version": "1"},
        "paths": {
            "/payments": {
                "post": {
                    "operationId": "createPayment",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": body}},
                    },
                    "responses": {
                        "201": {
                            "description": "made",
                            "content": {"application/json": {"schema": answer}},
                        },
                        "400": {"description": "bad"},
                    },
                }
            }
        },
        "components": {"schemas": {"PaymentResponse": body}},
    }
    return Spec(doc, source="<payments>", sha256="2" * 64)


def test_a_code_the_contract_lists_is_no_secret_and_inline_members_are_documented() -> None:
    """openbanking.org.uk/payment-initiation-openapi.json: ``Data.Initiation.ChargeBearer``
    ("Bearer") echoed as sent is a code from the member's enum, not a secret (7 failures); a
    credential-like member an inline object of the response component declares is documented
    there (a spec finding, pointing into the component), not an undocumented leak."""

    def server(request: httpx.Request) -> httpx.Response:
        try:
            body = json.loads(request.content)
        except (ValueError, RecursionError):
            return httpx.Response(400, json={"message": "malformed JSON"})
        data = body.get("Data") if isinstance(body, dict) else None
        init = data.get("Initiation") if isinstance(data, dict) else None
        ok = (
            isinstance(init, dict)
            and set(body) == {"Data"}
            and set(data) == {"Initiation"}
            and init.get("ChargeBearer")
            in ("BorneByCreditor", "BorneByDebtor", "FollowingServiceLevel")
            and set(init) <= {"ChargeBearer", "ClientSecret"}
            and (
                "ClientSecret" not in init
                or (isinstance(init["ClientSecret"], str) and len(init["ClientSecret"]) == 16)
            )
        )
        if not ok:
            return httpx.Response(400, json={"message": "invalid payment"})
        return httpx.Response(201, json=body)

    result = engine_for(_payments_spec(), server, checks=["response.no-secrets"]).run()
    assert result.verdict == "passed", [f.finding.message for f in result.failures()]
    found = [f for f in result.spec_findings if f.rule == "spec.documented-secret"]
    assert found and all("ChargeBearer" not in f.message for f in found)
    assert any(f.pointer.startswith("/components/schemas/PaymentResponse/") for f in found)

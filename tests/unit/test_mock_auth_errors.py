"""Mock credentials/orgs, NestJS error bodies and validation messages, list plans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from contracttest.errors import UsageError
from contracttest.findings import Finding, Severity
from contracttest.mock.auth import Authenticator
from contracttest.mock.errors import error_body, field_path, finding_message, messages_for
from contracttest.mock.listing import ListPlan
from contracttest.mock.store import Record
from contracttest.openapi.model import Spec

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "spec" / "vapi-phone-numbers.yaml"
if not SEED.is_file():
    SEED = REPO.parent / "shared" / "seeds" / "vapi-phone-numbers.openapi.yaml"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return Spec(yaml.safe_load(SEED.read_text()), source=str(SEED), sha256="0")


def api_key_spec() -> Spec:
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "components": {
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}
        },
        "paths": {
            "/open": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/closed": {
                "get": {"security": [{"key": []}], "responses": {"200": {"description": "ok"}}}
            },
            "/optional": {
                "get": {"security": [{}, {"key": []}], "responses": {"200": {"description": "ok"}}}
            },
        },
    }
    return Spec(doc, source="<t>", sha256="0")


# ---------------------------------------------------------------------------------------------- auth
def test_bearer_tokens_map_to_distinct_stable_orgs(spec: Spec) -> None:
    op = spec.operation("GET /phone-number")
    auth = Authenticator(spec, ["tok-a", "tok-b"], b"salt")
    a = auth.org_for(op, {"authorization": "Bearer tok-a"}, {}, {})
    b = auth.org_for(op, {"authorization": "bearer   tok-b "}, {}, {})
    assert a and b and a != b
    assert a == Authenticator(spec, ["tok-a"], b"salt").org_for(
        op, {"authorization": "Bearer tok-a"}, {}, {}
    )
    assert a != Authenticator(spec, ["tok-a"], b"other").org_for(
        op, {"authorization": "Bearer tok-a"}, {}, {}
    )
    assert "tok-a" not in a
    for header in (
        {},
        {"authorization": "Bearer nope"},
        {"authorization": "tok-a"},
        {"authorization": "Basic tok-a"},
        {"authorization": "Bearer tok-a2"},
    ):
        assert auth.org_for(op, header, {}, {}) is None


def test_without_tokens_everyone_shares_one_org(spec: Spec) -> None:
    op = spec.operation("GET /phone-number")
    auth = Authenticator(spec, [], b"s")
    assert auth.org_for(op, {}, {}, {}) == auth.default_org
    assert auth.org_for(op, {"authorization": "Bearer whatever"}, {}, {}) == auth.default_org


def test_api_key_schemes_and_optional_security() -> None:
    spec = api_key_spec()
    auth = Authenticator(spec, ["k1"], b"s")
    closed, open_, optional = (spec.operation(f"GET /{p}") for p in ("closed", "open", "optional"))
    assert auth.org_for(closed, {"x-key": "k1"}, {}, {}) is not None
    assert auth.org_for(closed, {"authorization": "Bearer k1"}, {}, {}) is None
    assert auth.org_for(open_, {}, {}, {}) == auth.default_org
    assert auth.org_for(optional, {}, {}, {}) == auth.default_org
    assert auth.org_for(optional, {"x-key": "k1"}, {}, {}) != auth.default_org


@pytest.mark.parametrize("tokens", [[""], [" padded"], ["a\nb"], ["same", "same"]])
def test_bad_tokens_are_usage_errors(spec: Spec, tokens: list[str]) -> None:
    with pytest.raises(UsageError) as info:
        Authenticator(spec, tokens, b"s")
    for tok in tokens:
        if tok.strip():
            assert tok.strip() not in str(info.value) or tok == "same"


# ---------------------------------------------------------------------------------------------- errors
def test_error_body_shapes() -> None:
    assert error_body(404, "x") == {"message": "x", "error": "Not Found", "statusCode": 404}
    # NestJS answers body-parser's 413 without an "error" member
    assert error_body(413, "big") == {"statusCode": 413, "message": "big"}
    assert error_body(400, ["a"])["message"] == ["a"]
    assert error_body(599, "?")["error"] == "Error"


def f(rule: str, pointer: str, message: str, expected: str | None = None) -> Finding:
    return Finding(
        rule=rule, severity=Severity.ERROR, pointer=pointer, message=message, expected=expected
    )


@pytest.mark.parametrize(
    ("finding", "parameter", "text"),
    [
        (
            f("schema.maxLength", "/name", "name must be shorter than or equal to 40 characters"),
            False,
            "name must be shorter than or equal to 40 characters",
        ),
        (
            f(
                "phone.e164",
                "/fallbackDestination/number",
                "fallbackDestination.number must be a valid phone number (E.164)",
            ),
            False,
            "fallbackDestination.number must be a valid phone number (E.164)",
        ),
        (
            f("phone.e164", "/number", "not an E.164 phone number: must start with '+'"),
            False,
            "number must be a valid phone number (E.164): not an E.164 phone number: must start with '+'",
        ),
        (
            f("schema.uniqueItems", "/tags", "all of tags's elements must be unique"),
            False,
            "All tags's elements must be unique",
        ),
        (
            f(
                "schema.enum",
                "/hooks/0/on",
                "hooks[0].on must be one of the following values: a, b",
            ),
            False,
            "hooks.0.on must be one of the following values: a, b",
        ),
        (
            f("schema.additionalProperties", "/foo", "property foo should not exist"),
            False,
            "property foo should not exist",
        ),
        (
            f("schema.additionalProperties", "/server/foo", "property foo should not exist"),
            False,
            "server.property foo should not exist",
        ),
        (
            f("schema.additionalProperties", "/query/foo", "property foo should not exist"),
            True,
            "property foo should not exist",
        ),
        (
            f("schema.maximum", "/query/limit", "query.limit must not be greater than 1000"),
            True,
            "limit must not be greater than 1000",
        ),
        (f("schema.format", "/path/id", "path.id must be a UUID"), True, "id must be a UUID"),
        (
            f(
                "schema.required",
                "/credentialId",
                "credentialId is required",
                "required property credentialId",
            ),
            False,
            "credentialId should not be null or undefined",
        ),
        (
            f("schema.required", "/server", "server is required", "required property url"),
            False,
            "server.url should not be null or undefined",
        ),
        (
            f("schema.required", "/query", "query is required", "required property purpose"),
            True,
            "purpose should not be null or undefined",
        ),
        (
            f("schema.type", "", "the payload must be an object"),
            False,
            "the payload must be an object",
        ),
        (
            f("custom.rule", "/a/b", "something odd"),
            False,
            "a.b must be valid (custom.rule): something odd",
        ),
    ],
)
def test_finding_messages_name_the_field(finding: Finding, parameter: bool, text: str) -> None:
    assert finding_message(finding, parameter=parameter) == text


def test_messages_are_deduplicated_and_capped() -> None:
    many = [f("schema.type", f"/a{i}", f"a{i} must be a string") for i in range(300)]
    out = messages_for([*many[:2], many[0], *many])
    assert out[:2] == ["a0 must be a string", "a1 must be a string"]
    assert len(out) == 100
    assert field_path("") == "the payload"


# ---------------------------------------------------------------------------------------------- lists
def test_list_plan_reads_the_seed_operations(spec: Spec) -> None:
    props = {"name", "number", "sipUri", "provider", "createdAt", "credentialId"}
    op = spec.operation("PhoneNumberController_findAllPaginated")
    schema = spec.target("PhoneNumberController_findAllPaginated:response").schema()
    plan = ListPlan.build(op, schema, props, spec.raw)
    assert (
        plan.limit_name == "limit" and plan.default_limit == 100
    )  # "Defaults to 100." in the description
    assert plan.page_name == "page" and plan.order_name == "sortOrder" and plan.default_descending
    assert plan.search_fields == ("name", "number", "sipUri")  # "by name, number, or SIP URI"
    assert plan.ranges["createdAtGe"] == ("created", "ge") and plan.ranges["updatedAtLt"] == (
        "updated",
        "lt",
    )
    assert plan.array_member == "results" and plan.meta_member == "metadata"

    q = plan.query(
        {"limit": 7.9, "page": 3, "sortOrder": "ASC", "createdAtGt": "2024-01-01T00:00:00Z"},
        "o",
        (),
    )
    assert (q.limit, q.offset, q.descending) == (7, 14, False)
    assert q.ranges == [("created", "gt", 1_704_067_200_000_000)]

    body = plan.render([], 23, q, {"page": 3})
    assert body["metadata"] == {
        "itemsPerPage": 7,
        "totalItems": 23,
        "currentPage": 3,
        "totalPages": 4,
        "hasNextPage": True,
        "sortOrder": "ASC",
        "itemsBeyondRetention": False,
    }
    empty = plan.render([], 0, plan.query({"limit": 0}, "o", ()), {})
    assert empty["metadata"]["totalPages"] == 0 and empty["metadata"]["hasNextPage"] is False


def test_list_plan_of_a_plain_array(spec: Spec) -> None:
    op = spec.operation("PhoneNumberController_findAll")
    plan = ListPlan.build(
        op, spec.target("PhoneNumberController_findAll:response").schema(), {"name"}, spec.raw
    )
    assert plan.array_member is None and plan.page_name is None
    record = Record("i", "o", 1, 0, 0, {"provider": "vapi", "id": "i", "junk": 1})
    items: list[Any] = [plan.project_item(record)]
    (item,) = plan.render(items, 1, plan.query({}, "o", ()), {})
    # undeclared members dropped; what the item schema requires and the record lacks is filled
    assert item["provider"] == "vapi" and item["id"] == "i" and "junk" not in item

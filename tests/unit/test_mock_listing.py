"""How a list operation's answer is shaped and paged (`ListPlan`), on small hand-written schemas."""

from __future__ import annotations

from typing import Any

from contracttest.mock.listing import ListPlan
from contracttest.openapi.model import Spec

STR = {"type": "string"}
THING = {"type": "object", "properties": {"id": STR, "name": STR}}


def plan_of(schema: dict[str, Any], params: list[dict[str, Any]] | None = None) -> ListPlan:
    spec = Spec(
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/things": {
                    "get": {
                        "operationId": "list",
                        "parameters": params or [],
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {"application/json": {"schema": schema}},
                            }
                        },
                    }
                }
            },
        },
        source="<test>",
        sha256="0",
    )
    op = spec.operations[0]
    return ListPlan.build(op, spec.target("list:response:200").schema(), {"id", "name"}, spec.raw)


def test_an_items_member_typed_array_or_null_holds_the_page() -> None:
    # e-conomic: {collection: {type: [array, null], items: Thing}, pagination: {...}}
    plan = plan_of(
        {
            "type": "object",
            "properties": {
                "collection": {"type": ["array", "null"], "items": THING},
                "self": STR,
            },
        }
    )
    assert plan.lists_items and plan.array_member == "collection"
    assert plan.item_members() == {"id", "name"}
    root = plan_of({"type": ["array", "null"], "items": THING})
    assert root.array_member is None and root.item_members() == {"id", "name"}


def test_the_array_of_the_resources_objects_holds_the_page() -> None:
    # Google: {instances: [Instance], unreachable: [string], nextPageToken}
    plan = plan_of(
        {
            "type": "object",
            "properties": {
                "instances": {"type": "array", "items": THING},
                "unreachable": {"type": "array", "items": STR},
                "nextPageToken": STR,
            },
        }
    )
    assert plan.array_member == "instances"
    # two arrays of objects: the one whose items share the resource's members
    other = {"type": "object", "properties": {"code": STR}}
    plan = plan_of(
        {
            "type": "object",
            "properties": {
                "warnings": {"type": "array", "items": other},
                "things": {"type": "array", "items": THING},
            },
        }
    )
    assert plan.array_member == "things"


def test_page_size_named_size_and_numbers_sent_as_strings() -> None:
    # impala pages with `size`; eBay types `limit` and `offset`-like `page` as strings of digits
    def query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "in": "query", "schema": schema}

    page = {"type": "array", "items": THING}
    plan = plan_of(page, [query("size", {"type": "integer"})])
    assert plan.limit_name == "size" and plan.query({"size": 1}, "o", ()).limit == 1
    plan = plan_of(page, [query("limit", STR), query("page", STR)])
    q = plan.query({"limit": "2", "page": "3"}, "o", ())
    assert (q.limit, q.offset) == (2, 4)
    assert plan.query({"limit": "two"}, "o", ()).limit is None
    assert plan.page_number({"page": "3"}) == 3


def test_a_list_of_strings_lists_the_objects_ids() -> None:
    from contracttest.mock.store import Record

    # AWS Security Hub: {ProductSubscriptions: [arn]} lists what POST /productSubscriptions made
    arns = {"type": "array", "items": {"type": "string", "pattern": "^arn:"}}
    plan = plan_of({"type": "object", "properties": {"ProductSubscriptions": arns}})
    assert plan.array_member == "ProductSubscriptions"
    record = Record("arn:aws:x", "o", 1, 0, 0, {"ProductSubscriptionArn": "arn:aws:x"})
    assert plan.project_item(record) == "arn:aws:x"
    other = Record("3f2a", "o", 2, 0, 0, {})
    assert str(plan.project_item(other)).startswith("arn:")  # an id the items cannot hold
    numbers = plan_of({"type": "array", "items": {"type": "integer"}})
    assert numbers.project_item(Record("12", "o", 1, 0, 0, {})) == 12


def test_no_page_is_longer_than_the_arrays_max_items() -> None:
    # EVE's mail labels: {labels: {maxItems: 30, items: Label}}, no page-size parameter
    capped = {"type": "array", "maxItems": 30, "items": THING}
    plan = plan_of({"type": "object", "properties": {"labels": capped, "total": STR}})
    assert plan.query({}, "o", ()).limit == 30
    # a bare array; a page member behind allOf; a limit asking for more, or for fewer
    limit = [{"name": "limit", "in": "query", "schema": {"type": "integer"}}]
    bare = plan_of(capped, limit)
    assert bare.query({"limit": 50}, "o", ()).limit == 30
    assert bare.query({"limit": 5}, "o", ()).limit == 5
    wrapped = {"allOf": [{"type": "array", "items": THING}, {"maxItems": 3}]}
    plan = plan_of({"type": "object", "properties": {"results": wrapped}}, limit)
    assert plan.array_member == "results" and plan.query({"limit": 10}, "o", ()).limit == 3
    assert plan_of({"type": "array", "items": THING}).query({}, "o", ()).limit is None


def test_an_order_parameter_named_after_the_items_member_filters() -> None:
    # gsmtasks: documents carry an `order` URI, and `GET /documents/?order=<uri>` filters on it
    doc = {
        "type": "object",
        "properties": {"id": STR, "order": {"type": "string", "format": "uri"}},
    }
    order = {"name": "order", "in": "query", "schema": STR}
    plan = plan_of({"type": "array", "items": doc}, [order])
    assert plan.order_name is None and plan.equals == {"order"}
    q = plan.query({"order": "https://x.example/o/1"}, "o", ())
    assert q.equals == [("order", "https://x.example/o/1")]
    # an `order` of directions stays the sort order, as does one the items do not carry
    direction = {**order, "schema": {"type": "string", "enum": ["asc", "desc"]}}
    assert plan_of({"type": "array", "items": doc}, [direction]).order_name == "order"
    assert plan_of({"type": "array", "items": THING}, [order]).order_name == "order"

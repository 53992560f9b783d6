"""What the runner takes from a create's answer and compares after a round trip."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from contracttest.runner.fixtures import created_id
from contracttest.runner.undeclared import misfit_members


def _res(id_param: str | None = "id") -> Any:
    return SimpleNamespace(id_param=id_param)


def test_the_id_of_a_create_answer_is_found_in_any_letter_case_and_inside_an_envelope() -> None:
    assert created_id(_res(), {"Id": "ch-1", "Arn": "arn:x"}) == "ch-1"  # AWS MediaPackage
    assert created_id(_res("channelId"), {"channelId": 7}) == "7"
    # Sakari: {"success": true, "data": {"id": ...}}
    assert created_id(_res("templateId"), {"success": True, "data": {"id": "t-1"}}) == "t-1"
    assert created_id(_res(), {"success": True}) is None
    assert created_id(_res(), {"id": True}) is None  # a flag is no id
    # Content API's ProductDeliveryTime: the id member is an object holding the id by its name
    pid = {"areaDeliveryTimes": [], "productId": {"productId": "online:en:US:1"}}
    assert created_id(_res("productId"), pid) == "online:en:US:1"
    assert created_id(_res("productId"), {"productId": {"other": "x"}}) is None


def test_members_the_response_cannot_hold_as_sent_are_not_compared() -> None:
    """sakari.io.json webhooks: the request leaves ``callbackUrl`` untyped, the response makes
    it a string; a server answers what its response schema can hold."""
    response = {
        "type": "object",
        "properties": {
            "callbackUrl": {"type": "string"},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "nested": {"type": "object", "properties": {"n": {"type": "integer"}}},
            "name": {"type": "string"},
        },
    }
    sent = {"callbackUrl": {"x": 1}, "kind": "c", "nested": {"n": "5"}, "name": "same"}
    assert sorted(misfit_members(response, sent)) == ["/callbackUrl", "/kind", "/nested/n"]
    union: dict[str, Any] = {
        "oneOf": [{"$ref": "#/definitions/A"}, {"$ref": "#/definitions/B"}],
        "definitions": {
            "A": {"type": "object", "properties": {"a": {"type": "string"}}},
            "B": {"type": "object", "properties": {"b": {"type": "integer"}}},
        },
    }
    # the union's trial walks over the other branch record nothing
    assert misfit_members(union, {"a": "text"}) == []


def test_a_member_the_schema_requires_is_declared_even_where_properties_leave_it_out() -> None:
    """xero.com/xero_files.json ``Folder``: ``required: [name]`` with ``properties: {Name}``; a
    response carrying ``name`` honours the schema, it adds no undeclared member."""
    from contracttest.runner.undeclared import undeclared_members

    folder = {
        "type": "object",
        "additionalProperties": False,
        "required": ["name"],
        "properties": {"Name": {"type": "string"}},
    }
    assert undeclared_members(folder, {"name": "a", "Name": "a"}) == []
    assert undeclared_members(folder, {"name": "a", "other": 1}) == ["/other"]


def test_a_path_keys_literal_query_travels_with_the_request() -> None:
    """flickr.com.json: ``/rest?method=flickr.favorites.getList`` is one operation of many at
    ``/rest``; ``method`` names it and must be sent (``{param}`` values are parameters)."""
    from contracttest.openapi.model import literal_query

    assert literal_query("/rest?method=flickr.favorites.getList") == (
        ("method", "flickr.favorites.getList"),
    )
    assert literal_query("/users/{id}/pic?key={KEY}&size=large#x") == (("size", "large"),)
    assert literal_query("/plain") == ()


def test_a_string_off_a_format_the_response_checks_is_a_misfit() -> None:
    """vtex.local/Subscriptions-API-(v3).json: the create body takes any string at
    ``plan.validity.end``, the answer declares a date-time; a conforming server cannot echo "K"
    there, so the round trip does not compare it. A string of the format is still compared."""
    end = {"type": ["string", "null"], "format": "date-time"}
    answer = {
        "type": "object",
        "properties": {"validity": {"type": "object", "properties": {"end": end}}},
    }
    assert misfit_members(answer, {"validity": {"end": "K"}}) == ["/validity/end"]
    assert misfit_members(answer, {"validity": {"end": "2026-12-04T10:00:00Z"}}) == []
    assert misfit_members(answer, {"validity": {"end": None}}) == []


def test_a_flat_patch_is_compared_inside_the_object_a_get_wraps() -> None:
    """amazonaws.com/managedblockchain.json: ``PATCH /networks/{n}/nodes/{id}`` sends
    ``{MemberId, LogPublishingConfiguration}`` while GET answers ``{"Node": {...}}``; the members
    the patch leaves alone are those of ``Node``, not ``Node`` itself (which read as clobbered)."""
    from contracttest.runner.sources.lifecycle import _inside_wrapper

    patch = {"MemberId": "m-2"}
    node = {"Id": "n-1", "MemberId": "m-2", "InstanceType": "bc.t3.small"}
    assert _inside_wrapper(patch, {"Node": node}) is node
    flat = {"Id": "n-1", "MemberId": "m-2"}
    assert _inside_wrapper(patch, flat) is flat  # the patch names its own members
    owner = {"Owner": {"Name": "x"}}
    assert _inside_wrapper(patch, owner) is owner  # the only member is not what was patched

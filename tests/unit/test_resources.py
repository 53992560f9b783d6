"""Resource inference (openapi/resources.py) on tiny hand-written specs."""

from __future__ import annotations

from typing import Any

from contracttest.openapi.model import Spec
from contracttest.openapi.resources import (
    Resource,
    id_member,
    infer_resources,
    named_by_client,
    template_params,
    template_segments,
    wrapper_names,
)

OK = {"200": {"description": "ok"}}


def make_spec(paths: dict[str, Any]) -> Spec:
    return Spec(
        {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths},
        source="<test>",
        sha256="0",
    )


def ops(*methods: str) -> dict[str, Any]:
    return {m: {"responses": OK} for m in methods}


def test_a_post_on_the_item_path_of_a_collection_is_its_update() -> None:
    # Twilio's shape: POST /v2/Credentials creates, POST /v2/Credentials/{Sid} updates.
    spec = make_spec(
        {
            "/v2/Credentials": ops("get", "post"),
            "/v2/Credentials/{Sid}": ops("delete", "get", "post"),
            "/v2/Services/{ServiceSid}/Channels": ops("get", "post"),
            "/v2/Services/{ServiceSid}/Channels/{Sid}": ops("delete", "get", "post"),
            "/v2/Services": ops("get", "post"),
            "/v2/Services/{Sid}": ops("delete", "get", "post"),
        }
    )
    rmap = infer_resources(spec)
    assert {r.name for r in rmap.resources} == {
        "/v2/Credentials",
        "/v2/Services",
        "/v2/Services/{ServiceSid}/Channels",
    }
    assert rmap.bindings["GET /v2/Credentials/{Sid}"].role == "get"
    assert rmap.bindings["POST /v2/Credentials/{Sid}"].role == "update"
    assert rmap.bindings["POST /v2/Credentials"].role == "create"
    creds = next(r for r in rmap.resources if r.name == "/v2/Credentials")
    assert creds.update is not None and creds.update.key == "POST /v2/Credentials/{Sid}"
    channels = next(r for r in rmap.resources if r.name.endswith("/Channels"))
    assert channels.update is not None and channels.update.method == "POST"
    assert channels.scope_params == ("ServiceSid",)


def test_patch_or_put_stays_the_update_next_to_a_post_on_the_item() -> None:
    spec = make_spec({"/x": ops("get", "post"), "/x/{id}": ops("get", "post", "put")})
    rmap = infer_resources(spec)
    assert rmap.bindings["PUT /x/{id}"].role == "update"
    assert "POST /x/{id}" not in rmap.bindings
    assert [r.name for r in rmap.resources] == ["/x"]


def test_a_post_on_a_path_that_is_no_item_path_is_still_a_create() -> None:
    spec = make_spec({"/kb/{id}/file": ops("get", "post"), "/kb/{id}": ops("get")})
    rmap = infer_resources(spec)
    assert rmap.bindings["POST /kb/{id}/file"].role == "create"


def test_template_params_include_mixed_segments() -> None:
    assert template_params("/v1beta/{name}:query") == ("name",)
    assert template_params("/files/{id}.json") == ("id",)
    assert template_params("/a/{x}/b/{y}.{ext}") == ("x", "y", "ext")
    assert template_params("/") == ()
    # A mixed segment is text to match, not a bare parameter segment.
    assert template_segments("/files/{id}.json") == ("files", "{id}.json")


def _answers(ref: str) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{ref}"}
    return {
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": schema}}}
        }
    }


def test_a_get_only_path_answering_the_list_is_a_view_not_the_item() -> None:
    # payrun.io's shape: GET /Employers/{EffectiveDate} answers the same LinkCollection as the list
    # (the employers as of a date); the item lives at /Employer/{EmployerId}. Taking the date as an
    # id made "an id that does not exist" a failure when the server answered the list.
    spec = make_spec(
        {
            "/Employers": {"get": _answers("LinkCollection"), "post": {"responses": OK}},
            "/Employers/{EffectiveDate}": {"get": _answers("LinkCollection")},
            "/Employers/{EffectiveDate}/Summary": {"get": _answers("LinkCollection")},
        }
    )
    rmap = infer_resources(spec)
    employers = next(r for r in rmap.resources if r.name == "/Employers")
    assert employers.item is None and employers.get is None
    assert "GET /Employers/{EffectiveDate}" not in rmap.bindings
    assert "GET /Employers/{EffectiveDate}/Summary" not in rmap.parents


def test_a_get_only_item_answering_its_own_schema_stays_the_item() -> None:
    spec = make_spec(
        {
            "/pets": {"get": _answers("PetList"), "post": {"responses": OK}},
            "/pets/{petId}": {"get": _answers("Pet")},
        }
    )
    rmap = infer_resources(spec)
    assert rmap.bindings["GET /pets/{petId}"].role == "get"


def _resource(item_param: str) -> Resource:
    spec = make_spec({"/things": ops("get", "post"), f"/things/{{{item_param}}}": ops("get")})
    (res,) = infer_resources(spec).resources
    return res


def test_the_id_member_is_named_after_the_item_path_first_then_id_in_any_case() -> None:
    pets = _resource("petId")
    assert id_member(pets, ["name", "id", "petId"]) == "petId"
    assert id_member(pets, ["name", "id"]) == "id"
    assert id_member(pets, ["Name", "PetID"]) == "PetID"  # xero's FolderID for {FolderId}
    assert id_member(pets, ["Id", "Name"]) == "Id"  # AWS
    assert id_member(pets, ["_id", "name"]) == "_id"  # Mongo
    assert id_member(pets, ["name", "owner"]) is None


def test_an_answer_wraps_its_object_in_an_envelope_or_its_only_member() -> None:
    assert wrapper_names(["success", "Data", "Links"]) == ["Data"]
    assert wrapper_names(["abuse"]) == ["abuse"]
    # an object beside other members is not the one answered
    assert wrapper_names(["name", "owner"]) == []


def test_the_client_names_an_object_by_its_path_parameter_or_a_required_id() -> None:
    files = _resource("fileId")
    assert named_by_client(files, "fileId", required=())
    channels = _resource("id")
    assert named_by_client(channels, "id", required=("id",))
    # an optional plain id stays the server's to set
    assert not named_by_client(channels, "id", required=())
    assert not named_by_client(files, "_id", required=())
    assert named_by_client(files, "_id", required=("_id", "name"))

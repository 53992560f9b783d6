"""Path-template routing and resource inference on tiny specs."""

from __future__ import annotations

from typing import Any

import pytest

from contracttest.mock.routing import Router, split_path
from contracttest.openapi.model import Spec
from contracttest.openapi.resources import infer_resources, template_segments

OK = {"200": {"description": "ok"}}


def make_spec(paths: dict[str, Any]) -> Spec:
    return Spec(
        {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths},
        source="<test>",
        sha256="0",
    )


def ops(*methods: str) -> dict[str, Any]:
    return {m: {"responses": OK} for m in methods}


@pytest.fixture
def router() -> Router:
    spec = make_spec(
        {
            "/chat": ops("get", "post"),
            "/chat/{id}": ops("get", "delete"),
            "/chat/responses": ops("post"),
            "/a/{x}/c": ops("get"),
            "/a/b/{y}": ops("get"),
            "/": ops("get"),
        }
    )
    return Router(spec.operations)


def test_template_segments() -> None:
    assert template_segments("/a/{id}/b") == ("a", None, "b")
    assert template_segments("/") == ()


@pytest.mark.parametrize(
    ("method", "path", "template", "params"),
    [
        ("GET", "/chat", "/chat", {}),
        ("GET", "/chat/", "/chat", {}),
        ("GET", "/chat/123", "/chat/{id}", {"id": "123"}),
        # Literal segments win over parameters when both serve the method...
        ("POST", "/chat/responses", "/chat/responses", {}),
        # ...and a parameter takes the literal when the literal route lacks the method.
        ("GET", "/chat/responses", "/chat/{id}", {"id": "responses"}),
        ("GET", "/a/b/c", "/a/b/{y}", {"y": "c"}),
        ("GET", "/a/z/c", "/a/{x}/c", {"x": "z"}),
        # An encoded slash stays inside its segment.
        ("GET", "/chat/a%2Fb", "/chat/{id}", {"id": "a/b"}),
        ("HEAD", "/chat/1", "/chat/{id}", {"id": "1"}),
        ("GET", "/", "/", {}),
    ],
)
def test_match(
    router: Router, method: str, path: str, template: str, params: dict[str, str]
) -> None:
    m = router.match(method, path)
    assert m is not None
    assert m.route.template == template
    assert m.path_params == params
    assert m.operation.method == ("GET" if method == "HEAD" else method)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/chat"),  # known path, method not served: NestJS says "Cannot PUT /chat" (404)
        ("GET", "/nope"),
        ("GET", "/chat/1/2"),
        ("OPTIONS", "/chat"),
        ("GET", "/chat/%ff"),  # not UTF-8 once decoded
    ],
)
def test_no_match(router: Router, method: str, path: str) -> None:
    assert router.match(method, path) is None


def test_allowed_methods(router: Router) -> None:
    assert router.allowed("/chat") == ["GET", "POST"]
    assert router.allowed("/chat/responses") == ["DELETE", "GET", "POST"]


def test_split_path_ignores_query_and_one_trailing_slash() -> None:
    assert split_path("/a/b/?x=1") == ["a", "b"]
    assert split_path("/") == []


def test_infer_resources_collection_item_views_and_parents() -> None:
    spec = make_spec(
        {
            "/thing": ops("post", "get"),
            "/thing/{id}": ops("get", "patch", "delete"),
            "/v2/thing": ops("get"),
            "/thing/{id}/logs": ops("get"),
            "/kb": ops("post", "get"),
            "/kb/{id}": ops("get"),
            "/kb/{id}/file": ops("post", "get"),
            "/kb/{id}/file/{fileId}": ops("delete"),
            "/analytics": ops("post"),
            "/run/{id}/item": ops("get"),
        }
    )
    rmap = infer_resources(spec)
    by_name = {r.name: r for r in rmap.resources}
    assert set(by_name) == {"/thing", "/kb", "/kb/{id}/file"}
    thing = by_name["/thing"]
    assert thing.item == "/thing/{id}" and thing.id_param == "id"
    assert thing.update is not None and thing.update.method == "PATCH"
    assert [v.path for v in thing.views] == ["/v2/thing"]
    assert rmap.bindings["GET /v2/thing"].role == "list"
    assert rmap.bindings["POST /thing"].role == "create"
    assert rmap.bindings["DELETE /thing/{id}"].role == "delete"
    # Lone POSTs are actions, not resources.
    assert "POST /analytics" not in rmap.bindings
    # Nested collections are scoped by their parent's id, and need the parent to exist.
    files = by_name["/kb/{id}/file"]
    assert files.scope_params == ("id",) and files.id_param == "fileId"
    assert files.collection_key({"id": "k1"}) != files.collection_key({"id": "k2"})
    assert [r.name for r in rmap.parents["POST /kb/{id}/file"]] == ["/kb"]
    assert [r.name for r in rmap.parents["DELETE /kb/{id}/file/{fileId}"]] == ["/kb"]
    assert [r.name for r in rmap.parents["GET /thing/{id}/logs"]] == ["/thing"]
    # A resource's own item operations do not count it as their parent.
    assert "GET /thing/{id}" not in rmap.parents


def test_templates_that_mix_parameters_and_text_in_a_segment() -> None:
    spec = make_spec(
        {
            "/v1/{name}:query": ops("post"),
            "/v1/{name}": ops("get"),
            "/files/{id}.{ext}": ops("get"),
        }
    )
    router = Router(spec.operations, spec)
    m = router.match("POST", "/v1/projects%2Fp%2Fd:query")
    assert m is not None and m.route.template == "/v1/{name}:query"
    assert m.path_params == {"name": "projects/p/d"}
    m = router.match("GET", "/v1/x:query")  # GET is served by /v1/{name} only
    assert m is not None and m.path_params == {"name": "x:query"}
    m = router.match("GET", "/files/report.json")
    assert m is not None and m.path_params == {"id": "report", "ext": "json"}


def test_an_empty_last_parameter_is_a_value() -> None:
    spec = make_spec({"/a/{x}/{y}": ops("get"), "/b/{x}": ops("get")})
    router = Router(spec.operations, spec)
    m = router.match("GET", "/b/1/")
    assert m is not None and m.path_params == {"x": "1"}, "a trailing slash is still ignored first"
    m = router.match("GET", "/a/1/")
    assert (
        m is not None and m.route.template == "/a/{x}/{y}" and m.path_params == {"x": "1", "y": ""}
    )


def test_only_parameters_marked_for_it_take_unencoded_slashes() -> None:
    skip = {"name": "p", "in": "path", "required": True, "x-ms-skip-url-encoding": True}
    spec = make_spec(
        {
            "/r/{ns}/{p}/{name}": {
                "get": {
                    "parameters": [
                        skip,
                        {**skip, "name": "ns"} | {"x-ms-skip-url-encoding": False},
                    ],
                    "responses": OK,
                }
            },
            "/g/{name}": {
                "get": {
                    "parameters": [
                        {
                            "name": "name",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^projects/[^/]+$"},
                        }
                    ],
                    "responses": OK,
                }
            },
            "/chat/{id}": ops("get"),
        }
    )
    router = Router(spec.operations, spec)
    m = router.match("GET", "/r/Microsoft.Web/sites/s1/slots/x")
    assert m is not None and m.path_params == {
        "ns": "Microsoft.Web",
        "p": "sites/s1/slots",
        "name": "x",
    }
    m = router.match("GET", "/g/projects/p1")
    assert m is not None and m.path_params == {"name": "projects/p1"}
    assert router.match("GET", "/chat/1/2") is None
    assert router.match("GET", "/r/a/b") is None


def _query_param(name: str, *, enum: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if enum is not None:
        schema["enum"] = enum
    return {"name": name, "in": "query", "required": True, "schema": schema}


def test_path_keys_told_apart_by_a_literal_query_route_by_its_pairs() -> None:
    # Flickr: every operation is GET /rest, keyed by ?method=<name>
    spec = make_spec(
        {
            "/rest?method=flickr.favorites.getList": {
                "get": {"operationId": "favorites", "responses": OK}
            },
            "/rest?method=flickr.photos.getInfo": {
                "get": {"operationId": "photo", "responses": OK}
            },
            "/rest?method=flickr.photos.getInfo&format=json": {
                "get": {"operationId": "photoJson", "responses": OK}
            },
        }
    )
    router = Router(spec.operations, spec)
    for query, label in (
        ({"method": "flickr.photos.getInfo"}, "photo"),
        ({"method": "flickr.favorites.getList", "page": "2"}, "favorites"),
        ({"method": "flickr.photos.getInfo", "format": "json"}, "photoJson"),
    ):
        m = router.match("GET", "/rest", {}, query)
        assert m is not None and m.operation.label == label, query


def test_a_request_without_the_pinned_value_is_the_plain_keys() -> None:
    # Chime: POST /accounts/{id}/users (BatchUpdateUser) beside #operation=suspend / #operation=add,
    # each with a required `operation` query parameter pinned to one value
    def pinned(value: str) -> dict[str, Any]:
        return {
            "post": {
                "operationId": value,
                "parameters": [_query_param("operation", enum=[value])],
                "responses": OK,
            }
        }

    spec = make_spec(
        {
            "/accounts/{id}/users#operation=suspend": pinned("suspend"),
            "/accounts/{id}/users": {"post": {"operationId": "batchUpdate", "responses": OK}},
            "/accounts/{id}/users#operation=add": pinned("add"),
        }
    )
    router = Router(spec.operations, spec)
    m = router.match("POST", "/accounts/1/users", {}, {})
    assert m is not None and m.operation.label == "batchUpdate"
    m = router.match("POST", "/accounts/1/users", {}, {"operation": "add"})
    assert m is not None and m.operation.label == "add"


def test_a_mixed_segment_splits_where_the_values_fit_their_schemas() -> None:
    # TomTom: /copyrights/{maxLat}.{format} with maxLat a number, so "1.5.json" holds two dots
    def param(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "in": "path", "required": True, "schema": schema}

    spec = make_spec(
        {
            "/copyrights/{maxLat}.{format}": {
                "get": {
                    "parameters": [
                        param("maxLat", {"type": "number"}),
                        param("format", {"type": "string", "enum": ["json", "xml"]}),
                    ],
                    "responses": OK,
                }
            },
            "/files/{name}.{ext}": {
                "get": {
                    "parameters": [
                        param("name", {"type": "string"}),
                        param("ext", {"type": "string", "pattern": "^[a-z]+$"}),
                    ],
                    "responses": OK,
                }
            },
        }
    )
    router = Router(spec.operations, spec)
    m = router.match("GET", "/copyrights/1.5.json")
    assert m is not None and m.path_params == {"maxLat": "1.5", "format": "json"}
    m = router.match("GET", "/copyrights/-0.25.xml")
    assert m is not None and m.path_params == {"maxLat": "-0.25", "format": "xml"}
    m = router.match("GET", "/files/report.v2.pdf")
    assert m is not None and m.path_params == {"name": "report.v2", "ext": "pdf"}
    # not every value fits: the split where most do, so validation names the one that does not
    m = router.match("GET", "/copyrights/1.5.png")
    assert m is not None and m.path_params == {"maxLat": "1.5", "format": "png"}
    m = router.match("GET", "/copyrights/north.json")
    assert m is not None and m.path_params == {"maxLat": "north", "format": "json"}


def test_an_empty_segment_before_the_trailing_slash_is_its_own_route() -> None:
    # TomTom: GET /map/{v}/wms/ (GetMap) and GET /map/{v}/wms// (GetCapabilities)
    spec = make_spec(
        {
            "/map/{v}/wms/": {"get": {"operationId": "getMap", "responses": OK}},
            "/map/{v}/wms//": {"get": {"operationId": "getCapabilities", "responses": OK}},
        }
    )
    router = Router(spec.operations, spec)
    for path, label in (
        ("/map/1/wms/", "getMap"),
        ("/map/1/wms", "getMap"),
        ("/map/1/wms//", "getCapabilities"),
    ):
        m = router.match("GET", path)
        assert m is not None and m.operation.label == label, path


@pytest.mark.parametrize("first", ["/api/coupon", "/api/coupon/"])
def test_a_spec_documenting_both_slash_forms_routes_each_to_its_own(first: str) -> None:
    # VTEX Promotions: POST /api/rnb/pvt/coupon and POST /api/rnb/pvt/coupon/ are two operations
    other = "/api/coupon/" if first == "/api/coupon" else "/api/coupon"
    label = {"/api/coupon": "createOne", "/api/coupon/": "createMany"}
    spec = make_spec(
        {
            first: {"post": {"operationId": label[first], "responses": OK}},
            other: {"post": {"operationId": label[other], "responses": OK}},
            "/api/{kind}": {"post": {"operationId": "createKind", "responses": OK}},
            "/single/": {"get": {"operationId": "single", "responses": OK}},
        }
    )
    router = Router(spec.operations, spec)
    for path, want in (
        ("/api/coupon", "createOne"),
        ("/api/coupon/", "createMany"),
        ("/api/other", "createKind"),
    ):
        m = router.match("POST", path)
        assert m is not None and m.operation.label == want, path
    # where only one form is documented, one trailing slash is still ignored
    for path in ("/single", "/single/"):
        m = router.match("GET", path)
        assert m is not None and m.operation.label == "single", path


def test_values_are_named_by_the_operations_own_template() -> None:
    # trello: GET .../members/{filter} and PUT/DELETE .../members/{idMember} are one route; the
    # values were named by the first key's parameters, so every PUT/DELETE lacked its idMember
    spec = make_spec(
        {
            "/boards/{idBoard}/members/{filter}": ops("get"),
            "/boards/{idBoard}/members/{idMember}": ops("put", "delete"),
        }
    )
    router = Router(spec.operations)
    for method in ("PUT", "DELETE"):
        m = router.match(method, "/boards/b1/members/m1")
        assert m is not None and m.path_params == {"idBoard": "b1", "idMember": "m1"}, method
    m = router.match("GET", "/boards/b1/members/all")
    assert m is not None and m.path_params == {"idBoard": "b1", "filter": "all"}

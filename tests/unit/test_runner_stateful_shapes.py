"""The stateful checks read what a real API's answers mean, not what one server happens to do:
Google's list answers that leave an empty page out, a PUT that replaces, ids the server sets, an
answer that declares no member, objects the client names. Each server here conforms to its spec,
so no check may fail on it; the specs' defects and real bugs still are reported."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from _runner_fake import TOKENS, engine_for

from contracttest.openapi.model import Spec
from contracttest.runner.results import RunResult, Status

ERR = {"description": "error"}
ERRORS = {"400": ERR, "401": ERR, "404": ERR}
BEARER = {
    "security": [{"bearer": []}],
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
}
REMOTE = "https://api.example.test"
"""Not this machine: without --allow-writes the run is read-only, so nothing is created."""
Handler = Callable[[httpx.Request], httpx.Response]


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _spec(title: str, paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> Spec:
    doc: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": title, "version": "1"}, **BEARER}
    doc["components"] = {**doc["components"], "schemas": schemas or {}}
    doc["paths"] = paths
    return Spec(doc, source=f"<{title}>", sha256="0" * 64)


def _ok(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    """Responses: ``status`` with a JSON ``schema``, and the errors."""
    return {status: {"description": "ok", **_json(schema)}, **ERRORS}


def _created_and_read(
    title: str, name: str, id_param: str, create: dict[str, Any], answer: dict[str, Any]
) -> Spec:
    """``POST /<name>`` taking ``create`` and ``GET /<name>/{id_param}``, both answering ``answer``."""
    return _spec(
        title,
        {
            f"/{name}": {
                "post": {
                    "operationId": "create",
                    "requestBody": {"required": True, **_json(create)},
                    "responses": _ok(answer),
                }
            },
            f"/{name}/{{{id_param}}}": {
                "parameters": [_param(id_param)],
                "get": {"operationId": "get", "responses": _ok(answer)},
            },
        },
    )


def _status(result: RunResult, check: str) -> dict[str, Status]:
    return {op: r.status for (op, c), r in result.results.items() if c == check}


def _messages(result: RunResult, check: str) -> list[str]:
    return [f.finding.message for f in result.failures() if f.check == check]


def _org(request: httpx.Request) -> str:
    return request.headers.get("authorization", "").removeprefix("Bearer ")


def _body(request: httpx.Request) -> Any:
    try:
        return json.loads(request.content or b"null")
    except ValueError:
        return None


def _reply(status: int, body: Any = None) -> httpx.Response:
    return httpx.Response(status, json=body) if body is not None else httpx.Response(status)


Store = dict[str, dict[str, Any]]


def _org_server(
    collection: str, serve: Callable[[Store, list[str], httpx.Request], httpx.Response]
) -> Handler:
    """A server of ``/<collection>`` and ``/<collection>/{id}``: each token is an org with a store
    of its own, an unknown token is a 401, any other path a 404; ``serve`` answers the rest."""
    store: dict[str, Store] = {t: {} for t in TOKENS}

    def handle(request: httpx.Request) -> httpx.Response:
        org = store.get(_org(request))
        if org is None:
            return _reply(401, {"message": "unauthenticated"})
        parts = request.url.path.strip("/").split("/")
        if parts[0] != collection or len(parts) > 2:
            return _reply(404, {"message": "no route"})
        return serve(org, parts, request)

    return handle


# ------------------------------------------------------------------ Google's omitted empty page
THING = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "displayName": {"type": "string", "maxLength": 20}},
}


def _google_spec(*, required: bool = False) -> Spec:
    page: dict[str, Any] = {
        "type": "object",
        "properties": {
            "things": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
            "nextPageToken": {"type": "string"},
            "unreachable": {"type": "array", "items": {"type": "string"}},
        },
    }
    if required:
        page["required"] = ["things"]
    create = {"type": "object", "properties": {"displayName": {"type": "string", "maxLength": 20}}}
    size = {"name": "pageSize", "in": "query", "schema": {"type": "integer", "minimum": 1}}
    spec = _created_and_read("google-list", "v1/things", "id", create, THING)
    spec.raw["paths"]["/v1/things"]["get"] = {
        "operationId": "list",
        "parameters": [size],
        "responses": _ok({"$ref": "#/components/schemas/Page"}),
    }
    spec.raw["components"]["schemas"] = {"Thing": THING, "Page": page}
    return Spec(spec.raw, source="<google-list>", sha256="0" * 64)


def _google_server(empty_page: Any = None) -> Handler:
    """Google's way: an empty repeated field is left out of the answer (``{}`` for no things),
    and ``unreachable`` names the locations it could not read. ``empty_page``: what it answers
    instead when there is nothing to list."""
    store: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in TOKENS}

    def handle(request: httpx.Request) -> httpx.Response:
        org = store.get(_org(request))
        if org is None:
            return _reply(401, {"message": "unauthenticated"})
        parts = request.url.path.strip("/").split("/")
        if parts[:2] != ["v1", "things"] or len(parts) > 3:
            return _reply(404, {"message": "no route"})
        if len(parts) == 3:
            if request.method != "GET" or parts[2] not in org:
                return _reply(404, {"message": "not found"})
            return _reply(200, org[parts[2]])
        if request.method == "POST":
            body = _body(request)
            if not isinstance(body, dict) or set(body) - {"displayName"}:
                return _reply(400, {"message": "bad body"})
            if (
                not isinstance(body.get("displayName", ""), str)
                or len(body.get("displayName", "")) > 20
            ):
                return _reply(400, {"message": "displayName must be a string of at most 20"})
            thing = {"id": uuid.uuid4().hex, **body}
            org[thing["id"]] = thing
            return _reply(200, thing)
        size = request.url.params.get("pageSize", "100")
        if not size.isdigit() or int(size) < 1:
            return _reply(400, {"message": "pageSize must be a positive integer"})
        things = list(org.values())[: int(size)]
        if not things:
            return _reply(200, {} if empty_page is None else empty_page)
        return _reply(200, {"things": things, "unreachable": ["us-east1"]})

    return handle


def test_an_absent_optional_items_member_is_an_empty_page() -> None:
    """googleapis.com/looker.json ``GET /v1/{parent}/instances``: ``ListInstancesResponse`` has
    an optional ``instances`` array, and Google leaves empty repeated fields out."""
    spec = _google_spec()
    # on a read-only run nothing is created: the list is the empty ``{}``
    result = engine_for(
        spec, _google_server(), checks=["stateful.pagination"], allow_writes=False, base_url=REMOTE
    ).run()
    assert _status(result, "stateful.pagination") == {"list": Status.PASSED}, _messages(
        result, "stateful.pagination"
    )
    # with things, the page is the member the schema names, beside an array of strings
    result = engine_for(
        spec, _google_server(), checks=["stateful.pagination", "stateful.lifecycle"]
    ).run()
    assert result.failures() == [], [f.finding.message for f in result.failures()]
    assert _status(result, "stateful.pagination") == {"list": Status.PASSED}


def test_a_missing_required_items_member_or_a_non_array_is_still_no_page() -> None:
    result = engine_for(
        _google_spec(required=True),
        _google_server(),
        checks=["stateful.pagination"],
        allow_writes=False,
        base_url=REMOTE,
    ).run()
    assert _messages(result, "stateful.pagination") == [
        "listing answered 200 without an array of items"
    ]
    result = engine_for(
        _google_spec(),
        _google_server(empty_page={"things": {"none": True}}),
        checks=["stateful.pagination"],
        allow_writes=False,
        base_url=REMOTE,
    ).run()
    assert _messages(result, "stateful.pagination") == [
        "listing answered 200 without an array of items"
    ]


def test_a_list_documented_as_one_object_is_the_specs_defect() -> None:
    """openchannel.io/market.json ``GET /files`` documents one File as its answer."""
    spec = _google_spec()
    spec.raw["paths"]["/v1/things"]["get"]["responses"]["200"] = {
        "description": "ok",
        **_json({"$ref": "#/components/schemas/Thing"}),
    }
    spec = Spec(spec.raw, source="<one-object>", sha256="1" * 64)
    server = _google_server(empty_page={"id": "x"})
    result = engine_for(
        spec, server, checks=["stateful.pagination"], allow_writes=False, base_url=REMOTE
    ).run()
    verdict = result.results[("list", "stateful.pagination")]
    assert verdict.status is Status.SKIPPED
    assert "spec defect" in (verdict.reason or "") and "Thing" in (verdict.reason or "")


def test_a_list_documented_as_one_object_is_no_lifecycle_failure() -> None:
    """gsmtasks.com.json ``GET /accounts/{id}/managers/`` documents one AccountUser: the
    lifecycle's "is it listed" step skips it naming the spec defect (it failed "the list response
    has no array of items" on a server answering what the spec documents)."""
    spec = _google_spec()
    spec.raw["paths"]["/v1/things"]["get"]["responses"]["200"] = {
        "description": "ok",
        **_json({"$ref": "#/components/schemas/Thing"}),
    }
    spec = Spec(spec.raw, source="<one-object>", sha256="1" * 64)
    things = _google_server()

    def server(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path == "/v1/things":
            return _reply(200, {"id": "x", "displayName": "one"})
        return things(request)

    result = engine_for(spec, server, checks=["stateful.lifecycle"]).run()
    assert _messages(result, "stateful.lifecycle") == []
    verdict = result.results[("list", "stateful.lifecycle")]
    assert verdict.status is Status.SKIPPED and "spec defect" in (verdict.reason or "")


# ------------------------------------------------------------- PUT replaces; ids the server sets
WIDGET = {
    "type": "object",
    "properties": {
        "Id": {"type": "string"},
        "name": {"type": "string", "minLength": 1, "maxLength": 20},
        "color": {"type": "string", "enum": ["red", "blue"], "default": "red"},
        "size": {"type": "integer", "minimum": 1, "maximum": 9, "default": 1},
    },
}
WIDGET_CREATE = {**WIDGET, "required": ["name"]}
WIDGET_PUT = {
    "type": "object",
    "required": ["name"],
    "properties": {k: WIDGET["properties"][k] for k in ("name", "color")},
}
TARGET = {
    "type": "object",
    "properties": {
        "TargetArn": {"type": "string"},
        "Name": {"type": "string", "minLength": 1, "maxLength": 20},
        "Note": {"type": "string", "enum": ["kept"]},
    },
}
TARGET_WRITE = {"type": "object", "properties": {"Name": TARGET["properties"]["Name"]}}


def _param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _writes_spec() -> Spec:
    return _spec(
        "writes",
        {
            "/widgets": {
                "post": {
                    "operationId": "createWidget",
                    "requestBody": {"required": True, **_json(WIDGET_CREATE)},
                    "responses": _ok(WIDGET, "201"),
                },
                "get": {
                    "operationId": "listWidgets",
                    "responses": _ok({"type": "array", "items": WIDGET}),
                },
            },
            "/widgets/{WidgetId}": {
                "parameters": [_param("WidgetId")],
                "get": {"operationId": "getWidget", "responses": _ok(WIDGET)},
                "put": {
                    "operationId": "putWidget",
                    "requestBody": {"required": True, **_json(WIDGET_PUT)},
                    "responses": _ok(WIDGET),
                },
                "delete": {
                    "operationId": "deleteWidget",
                    "responses": {"204": {"description": "gone"}, **ERRORS},
                },
            },
            "/targets": {
                "post": {
                    "operationId": "createTarget",
                    "requestBody": {
                        "required": True,
                        **_json({**TARGET_WRITE, "required": ["Name"]}),
                    },
                    "responses": _ok(
                        {"type": "object", "properties": {"TargetArn": {"type": "string"}}}
                    ),
                },
            },
            "/targets/{TargetArn}": {
                "parameters": [_param("TargetArn")],
                "get": {"operationId": "getTarget", "responses": _ok(TARGET)},
                "patch": {
                    "operationId": "updateTarget",
                    "requestBody": {"required": True, **_json(TARGET_WRITE)},
                    # AWS's UpdateActionTargetResponse: an object that declares no member
                    "responses": _ok({"type": "object", "properties": {}}),
                },
            },
        },
    )


def _writes_server(*, clobbering_patch: bool = False) -> Handler:
    """Widgets: the server sets ``Id`` (one sent is ignored), a PUT replaces the widget (what it
    leaves out takes its default). Targets: a PATCH merges and answers ``{}``; with
    ``clobbering_patch`` it drops the members it was not sent (a bug)."""
    store: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in TOKENS}

    def widget(body: Any, *, partial: bool) -> dict[str, Any] | None:
        if not isinstance(body, dict):
            return None
        name, color, size = body.get("name"), body.get("color", "red"), body.get("size", 1)
        if not (isinstance(name, str) and 1 <= len(name) <= 20) or color not in ("red", "blue"):
            return None
        if partial:
            size = 1
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 9:
            return None
        return {"name": name, "color": color, "size": size}

    def handle(request: httpx.Request) -> httpx.Response:
        org = store.get(_org(request))
        if org is None:
            return _reply(401, {"message": "unauthenticated"})
        parts = request.url.path.strip("/").split("/")
        kind, method = parts[0], request.method
        if kind not in ("widgets", "targets") or len(parts) > 2:
            return _reply(404, {"message": "no route"})
        if len(parts) == 1:
            if method == "GET" and kind == "widgets":
                return _reply(200, [w for k, w in org.items() if k.startswith("w-")])
            if method != "POST":
                return _reply(404, {"message": "no route"})
            body = _body(request)
            if kind == "widgets":
                made = widget(body, partial=False)
                if made is None:
                    return _reply(400, {"message": "invalid widget"})
                rid = f"w-{uuid.uuid4().hex[:12]}"
                org[rid] = {"Id": rid, **made}
                return _reply(201, org[rid])
            name = body.get("Name") if isinstance(body, dict) else None
            if not (isinstance(name, str) and 1 <= len(name) <= 20):
                return _reply(400, {"message": "Name must be 1 to 20 characters"})
            rid = f"t-{uuid.uuid4().hex[:12]}"
            org[rid] = {"TargetArn": rid, "Name": name}
            if isinstance(body, dict) and isinstance(body.get("Note"), str):
                org[rid]["Note"] = body["Note"]
            return _reply(200, {"TargetArn": rid})
        rid = parts[1]
        if rid not in org:
            return _reply(404, {"message": "not found"})
        if method == "GET":
            return _reply(200, org[rid])
        if method == "DELETE" and kind == "widgets":
            del org[rid]
            return _reply(204)
        body = _body(request)
        if method == "PUT" and kind == "widgets":
            made = widget(body, partial=True)
            if made is None:
                return _reply(400, {"message": "invalid widget"})
            org[rid] = {"Id": rid, **made}
            return _reply(200, org[rid])
        if method == "PATCH" and kind == "targets":
            name = body.get("Name", org[rid]["Name"]) if isinstance(body, dict) else None
            if not (isinstance(name, str) and 1 <= len(name) <= 20):
                return _reply(400, {"message": "Name must be 1 to 20 characters"})
            org[rid] = {"TargetArn": rid} if clobbering_patch else dict(org[rid])
            org[rid]["Name"] = name
            return _reply(200, {})
        return _reply(404, {"message": "no route"})

    return handle


def test_a_put_replaces_and_the_server_sets_the_id() -> None:
    """postmarkapp.com/account.json ``PUT /domains/{domainid}``: what a PUT leaves out may take
    its default; xero.com/xero_files.json ``POST /Folders``: an ``Id`` the create body may carry
    is the server's to set; securityhub's ``PATCH /actionTargets/{ActionTargetArn}`` answers an
    object that declares no member, so it owes no echo of the patch."""
    result = engine_for(_writes_spec(), _writes_server(), checks=["stateful.lifecycle"]).run()
    assert result.failures() == [], [f.finding.message for f in result.failures()]
    statuses = _status(result, "stateful.lifecycle")
    assert statuses["putWidget"] is Status.PASSED and statuses["updateTarget"] is Status.PASSED


def test_a_patch_that_drops_what_it_did_not_touch_is_still_caught() -> None:
    spec = _writes_spec()
    create = {"type": "object", "required": ["Name", "Note"], "properties": TARGET["properties"]}
    spec.raw["paths"]["/targets"]["post"]["requestBody"] = {"required": True, **_json(create)}
    spec = Spec(spec.raw, source="<writes-note>", sha256="2" * 64)
    server = _writes_server(clobbering_patch=True)
    result = engine_for(spec, server, checks=["stateful.lifecycle"]).run()
    assert _messages(result, "stateful.lifecycle") == [
        "PATCH changed $.Note, which it did not touch"
    ]


# ----------------------------------------------------------------- objects the client names
CHANNEL_CREATE = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string", "minLength": 1, "maxLength": 40},
        "description": {"type": "string", "maxLength": 20},
    },
}
CHANNEL = {
    "type": "object",
    "properties": {"Name": {"type": "string"}, "description": {"type": "string"}},
}


def _channels_spec(*, with_id: bool = True) -> Spec:
    one: dict[str, Any] = {"type": "object", "properties": {"Channel": CHANNEL}}
    if with_id:
        one["properties"]["id"] = {"type": "string"}
    summary = {"type": "object", "properties": {"description": {"type": "string"}}}
    page = {"type": "object", "properties": {"Channels": {"type": "array", "items": summary}}}
    return _spec(
        "channels",
        {
            "/channels": {
                "post": {
                    "operationId": "createChannel",
                    "requestBody": {"required": True, **_json(CHANNEL_CREATE)},
                    "responses": _ok(one),
                },
                "get": {"operationId": "listChannels", "responses": _ok(page)},
            },
            "/channels/{id}": {
                "parameters": [_param("id")],
                "get": {"operationId": "getChannel", "responses": _ok(one)},
                "delete": {"operationId": "deleteChannel", "responses": _ok({"type": "object"})},
            },
        },
    )


def _channels_server(*, with_id: bool) -> Handler:
    """AWS's way: each account names its channels in a namespace of its own, a channel is
    answered as ``{"Channel": {"Name": ...}}`` (GameSparks' ``{"Game": ...}``; ``with_id``: with
    the ``id`` beside it), and the list shows summaries without the name."""

    def one(channel: dict[str, Any]) -> dict[str, Any]:
        return {"id": channel["Name"], "Channel": channel} if with_id else {"Channel": channel}

    def serve(org: Store, parts: list[str], request: httpx.Request) -> httpx.Response:
        if len(parts) == 1 and request.method == "GET":
            return _reply(
                200, {"Channels": [{"description": c["description"]} for c in org.values()]}
            )
        if len(parts) == 1 and request.method == "POST":
            body = _body(request)
            name = body.get("id") if isinstance(body, dict) else None
            note = body.get("description", "") if isinstance(body, dict) else None
            if not (isinstance(name, str) and 1 <= len(name) <= 40) or not (
                isinstance(note, str) and len(note) <= 20
            ):
                return _reply(400, {"message": "invalid channel"})
            if name in org:
                return _reply(409, {"message": "exists"})
            org[name] = {"Name": name, "description": note}
            return _reply(200, one(org[name]))
        if len(parts) == 2 and parts[1] in org:
            if request.method == "GET":
                return _reply(200, one(org[parts[1]]))
            if request.method == "DELETE":
                return _reply(200, one(org.pop(parts[1])))
        return _reply(404, {"message": "not found"})

    return _org_server("channels", serve)


@pytest.mark.parametrize("with_id", [True, False])
def test_each_org_names_its_own_objects_and_a_read_of_ones_own_is_no_leak(with_id: bool) -> None:
    """amazonaws.com/mediapackage.json ``POST /channels {"id": ...}``: two orgs' fixtures drawn
    from one body named the same channel, and org 1 reading that id read its own."""
    spec = _channels_spec(with_id=with_id)
    server = _channels_server(with_id=with_id)
    result = engine_for(spec, server, checks=["auth.isolation", "stateful.lifecycle"]).run()
    assert result.failures() == [], [f.finding.message for f in result.failures()]
    assert _status(result, "auth.isolation")["getChannel"] is Status.PASSED
    # the object is known by the name it was given, though the answer does not repeat the id
    statuses = _status(result, "stateful.lifecycle")
    assert statuses["getChannel"] is Status.PASSED and statuses["deleteChannel"] is Status.PASSED
    # list items with no id member cannot show it: nothing to judge, no failure
    assert result.results[("listChannels", "stateful.lifecycle")].status is Status.SKIPPED


def test_a_create_answer_names_its_object_inside_its_only_member() -> None:
    from types import SimpleNamespace

    from contracttest.runner.fixtures import created_id, sent_id

    res: Any = SimpleNamespace(id_param="abuseId")
    assert created_id(res, {"abuse": {"id": 1}}) == "1"  # PeerTube's POST /api/v1/abuses
    assert created_id(res, {"abuse": {"id": 1}, "video": {"id": 2}}) is None  # which one?
    assert created_id(res, {"name": "a", "owner": {"id": "u-1"}}) is None  # not the one made
    spec = _channels_spec()
    channel: Any = SimpleNamespace(id_param="id", create=spec.operation("createChannel"))
    assert sent_id(spec, channel, {"id": "ch-1", "description": "x"}) == "ch-1"
    widgets = _writes_spec()
    widget: Any = SimpleNamespace(id_param="id", create=widgets.operation("createWidget"))
    assert sent_id(widgets, widget, {"id": "w-1"}) is None  # not required: the server's to set
    # GameSparks' ``GameName`` of ``/game/{GameName}``: a member the create must carry
    notes = _notes_spec()
    note: Any = SimpleNamespace(id_param="noteId", create=notes.operation("create"))
    assert sent_id(notes, note, {"noteId": "n-1", "name": "x"}) == "n-1"
    # anchore's optional ``registry``: a server may key the object by it, or not
    optional: Any = SimpleNamespace(id_param="Id", create=widgets.operation("createWidget"))
    assert sent_id(widgets, optional, {"Id": "w-1", "name": "x"}) is None


# ------------------------------------------------------------ parents, names, items without id
def _teams_spec() -> Spec:
    def _ok(schema: dict[str, Any]) -> dict[str, Any]:
        return {"200": {"description": "ok", **_json(schema)}, **ERRORS, "403": ERR}

    team = {"type": "object", "properties": {"id": {"type": "string"}}}
    member = {
        "type": "object",
        "properties": {"$id": {"type": "string"}, "name": {"type": "string"}},
    }
    limit = {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}}
    search = {"name": "search", "in": "query", "schema": {"type": "string"}}
    return _spec(
        "teams",
        {
            "/teams": {
                "post": {
                    "operationId": "createTeam",
                    "requestBody": {"required": True, **_json({"type": "object"})},
                    "responses": _ok(team),
                },
            },
            "/teams/{teamId}": {
                "parameters": [_param("teamId")],
                "get": {"operationId": "getTeam", "responses": _ok(team)},
            },
            "/teams/{teamId}/memberships": {
                "parameters": [_param("teamId")],
                "get": {
                    "operationId": "listMemberships",
                    "parameters": [limit],
                    "responses": _ok({"type": "array", "items": member}),
                },
                "post": {
                    "operationId": "addMembership",
                    "requestBody": {"required": True, **_json({"type": "object"})},
                    "responses": _ok(member),
                },
            },
            "/files": {
                "get": {
                    "operationId": "listFiles",
                    "parameters": [limit, search],
                    "responses": _ok({"type": "array", "items": member}),
                },
                "post": {
                    "operationId": "createFile",
                    "requestBody": {"required": True, **_json({"type": "object"})},
                    "responses": _ok(member),
                },
            },
        },
    )


def _teams_server(request: httpx.Request) -> httpx.Response:
    """This org may make no team (403), so no team exists to list members of; its files are
    Appwrite's, named by ``$id``, and none is made here either."""
    if _org(request) not in TOKENS:
        return _reply(401, {"message": "unauthenticated"})
    parts = request.url.path.strip("/").split("/")
    if request.method == "POST":
        return _reply(403, {"message": "not allowed"})
    if parts == ["files"] and request.method == "GET":
        term = request.url.params.get("search")
        files = [{"$id": "f1", "name": "report"}, {"$id": "f2", "name": "notes"}]
        limit = int(request.url.params.get("limit", "100"))
        return _reply(200, [f for f in files if term is None or term in f["name"]][:limit])
    return _reply(404, {"message": "not found"})


def test_a_list_under_a_parent_that_could_not_be_made_is_not_judged() -> None:
    """appwrite.io/client.json ``GET /teams/{teamId}/memberships`` answered 404 for a team id
    drawn from the parameter's schema: no parent, nothing to page through. Its files carry
    ``$id``, no id the runner reads: no filter can be judged by what it finds."""
    checks = ["stateful.pagination", "stateful.filters"]
    result = engine_for(_teams_spec(), _teams_server, checks=checks).run()
    assert result.failures() == [], [f.finding.message for f in result.failures()]
    skipped = result.results[("listMemberships", "stateful.pagination")]
    assert skipped.status is Status.SKIPPED and "no parent" in (skipped.reason or "")
    skipped = result.results[("listFiles", "stateful.filters")]
    assert skipped.status is Status.SKIPPED and "no id" in (skipped.reason or "")


NOTE = {
    "type": "object",
    "required": ["noteId", "name"],
    "properties": {
        "noteId": {"type": "string", "maxLength": 40},
        "name": {"type": "string", "minLength": 1, "maxLength": 60},
    },
}


def _notes_spec() -> Spec:
    return _created_and_read("notes", "notes", "noteId", NOTE, NOTE)


def _notes_server() -> Handler:
    """The client names each note (content.json's ``returnPolicyId``); a create naming a note
    that exists replaces it."""
    store: dict[str, dict[str, Any]] = {}

    def handle(request: httpx.Request) -> httpx.Response:
        if _org(request) not in TOKENS:
            return _reply(401, {"message": "unauthenticated"})
        parts = request.url.path.strip("/").split("/")
        if parts == ["notes"] and request.method == "POST":
            body = _body(request)
            if not isinstance(body, dict) or not all(
                isinstance(body.get(k), str) for k in ("noteId", "name")
            ):
                return _reply(400, {"message": "noteId and name are required strings"})
            if len(body["noteId"]) > 40 or not 1 <= len(body["name"]) <= 60:
                return _reply(400, {"message": "too long"})
            store[body["noteId"]] = {"noteId": body["noteId"], "name": body["name"]}
            return _reply(200, store[body["noteId"]])
        if len(parts) == 2 and parts[1] in store and request.method == "GET":
            return _reply(200, store[parts[1]])
        return _reply(404, {"message": "not found"})

    return handle


def test_every_create_of_a_client_named_object_names_a_new_one() -> None:
    """googleapis.com/content.json ``POST /{merchantId}/returnpolicy``: the second create (with
    a long non-ASCII name) reused the first one's ``returnPolicyId`` and replaced it."""
    result = engine_for(_notes_spec(), _notes_server(), checks=["stateful.lifecycle"]).run()
    assert result.failures() == [], [f.finding.message for f in result.failures()]
    assert result.results[("get", "stateful.lifecycle")].status is Status.PASSED


def test_an_error_answer_to_a_read_back_is_no_changed_resource() -> None:
    """amazonaws.com/managedblockchain.json: org 1's read after org 2's refused PATCH answered
    400 (the id was too long for the path); its error body is not the resource, changed."""
    from contracttest.runner.http import Exchange, HttpRequest, HttpResponse
    from contracttest.runner.sources.isolation import _reread_changed
    from contracttest.runner.sources.scenario import Scenario

    spec = _writes_spec()
    ctx = engine_for(spec, _writes_server(), checks=["auth.isolation"]).context
    res = ctx.scope.resource_of(spec.operation("getTarget"))
    assert res is not None
    before = {"TargetArn": "t-1", "Name": "a"}

    def reread(status: int, body: dict[str, Any]) -> Any:
        steps = _reread_changed(Scenario(ctx, "auth.isolation"), res, {"TargetArn": "t-1"}, before)
        next(steps)
        answer = HttpResponse(
            status, (("content-type", "application/json"),), json.dumps(body).encode(), 0.0
        )
        try:
            steps.send(Exchange(HttpRequest("GET", "http://x", "/targets/t-1"), answer))
        except StopIteration as stop:
            return stop.value
        raise AssertionError("one read only")

    assert reread(400, {"message": "TargetArn too long"}) is None
    assert reread(200, {"TargetArn": "t-1", "Name": "b"}) == "$.Name"


def test_a_create_that_takes_no_json_object_is_skipped_naming_why() -> None:
    """circleci.com.json ``POST /project/{username}/{project}/checkout-key`` takes the JSON string
    ``"deploy-key"``: the runner makes resources from objects, so its scenarios cannot run, which
    is no check that failed to finish."""

    key = {"type": "object", "properties": {"id": {"type": "string"}}}
    kind = {"type": "string", "enum": ["deploy-key", "github-user-key"]}
    spec = _created_and_read("keys", "keys", "id", kind, key)
    keys: dict[str, dict[str, Any]] = {}

    def server(request: httpx.Request) -> httpx.Response:
        if _org(request) not in TOKENS:
            return _reply(401, {"message": "unauthenticated"})
        if request.url.path == "/keys" and request.method == "POST":
            if _body(request) not in ("deploy-key", "github-user-key"):
                return _reply(400, {"message": "a key type is required"})
            made = {"id": uuid.uuid4().hex}
            keys[made["id"]] = made
            return _reply(200, made)
        found = keys.get(request.url.path.rsplit("/", 1)[-1])
        return _reply(200, found) if found else _reply(404, {"message": "not found"})

    result = engine_for(spec, server, checks=["stateful.lifecycle", "auth.isolation"]).run()
    for check in ("stateful.lifecycle", "auth.isolation"):
        verdict = result.results[("create", check)]
        assert verdict.status is Status.SKIPPED, (check, verdict)
        assert "JSON string, not an object" in (verdict.reason or "")


def test_the_page_of_a_list_answer_is_read_from_its_schema() -> None:
    from contracttest.runner.sources.scenario import PageShape, _shape_of

    summary = {"type": "object", "properties": {"Id": {"type": "string"}}}
    defs = {
        "Summary": summary,
        "SummaryList": {"type": "array", "items": {"$ref": "#/definitions/Summary"}},
    }
    # AWS wraps every member in allOf (managedblockchain's ListAccessorsOutput)
    aws = {
        "type": "object",
        "properties": {
            "Accessors": {"allOf": [{"$ref": "#/definitions/SummaryList"}, {}]},
            "NextToken": {"type": "string"},
        },
        "definitions": defs,
    }
    assert _shape_of(aws) == PageShape("member", "Accessors", False)
    assert _shape_of({"type": "array", "items": summary}) == PageShape("array")
    # two arrays of objects, neither named like a page: no telling which
    two = {
        "type": "object",
        "properties": {"a": defs["SummaryList"], "b": defs["SummaryList"]},
        "definitions": defs,
    }
    assert _shape_of(two) is None
    named = {
        **two,
        "properties": {**two["properties"], "items": defs["SummaryList"]},
        "required": ["items"],
    }
    assert _shape_of(named) == PageShape("member", "items", True)
    assert _shape_of(
        {"type": "object", "properties": {"names": {"type": "array", "items": {"type": "string"}}}}
    ) == PageShape("none")


# ----------------------------------------------------------------------- a list that answers ids
@pytest.mark.parametrize("lists_it", [True, False])
def test_a_list_of_ids_shows_the_object_by_its_id(lists_it: bool) -> None:
    """mailscript.com.json ``GET /domains`` answers ``{"id": ["..."]}`` and AWS Security Hub its
    ARNs: the item is the object's id. A server that lists what it made passes; one that leaves
    the new object out is still caught."""
    create = {"type": "object", "properties": {"domain": {"type": "string", "maxLength": 20}}}
    spec = _created_and_read("ids", "domains", "id", create, THING)
    spec.raw["paths"]["/domains"]["get"] = {
        "operationId": "list",
        "responses": _ok(
            {"type": "object", "properties": {"id": {"type": "array", "items": {"type": "string"}}}}
        ),
    }
    spec = Spec(spec.raw, source="<ids>", sha256="0" * 64)

    def serve(org: Store, parts: list[str], request: httpx.Request) -> httpx.Response:
        if len(parts) == 2:
            if request.method != "GET" or parts[1] not in org:
                return _reply(404, {"message": "not found"})
            return _reply(200, org[parts[1]])
        if request.method == "POST":
            body = _body(request)
            domain = body.get("domain", "") if isinstance(body, dict) else None
            if not isinstance(domain, str) or len(domain) > 20 or set(body) - {"domain"}:
                return _reply(400, {"message": "domain must be a string of at most 20"})
            thing = {"id": uuid.uuid4().hex, "displayName": domain}
            org[thing["id"]] = thing
            return _reply(200, thing)
        listed = list(org) if lists_it else list(org)[:-1]
        return _reply(200, {"id": listed})

    result = engine_for(spec, _org_server("domains", serve), checks=["stateful.lifecycle"]).run()
    messages = _messages(result, "stateful.lifecycle")
    if lists_it:
        assert messages == [], messages
        assert set(_status(result, "stateful.lifecycle").values()) == {Status.PASSED}
    else:
        assert any("not in GET /domains" in m for m in messages), messages


# ------------------------------------------------------- an id each answer types its own way
PAYMENT = {"type": "object", "properties": {"amount": {"type": "number"}}}


def _payments(get_id: dict[str, Any]) -> Spec:
    """beanstream.com.json: the create answer types ``id`` a string, GET's ``get_id``."""
    made = {"type": "object", "properties": {"id": {"type": "string"}}}
    read = {"type": "object", "properties": {"id": get_id, "amount": {"type": "number"}}}
    return _spec(
        "payments",
        {
            "/payments": {
                "post": {
                    "operationId": "create",
                    "requestBody": {"required": True, **_json(PAYMENT)},
                    "responses": _ok(made),
                }
            },
            "/payments/{transId}": {
                "parameters": [_param("transId")],
                "get": {"operationId": "get", "responses": _ok(read)},
            },
        },
    )


def _payments_server() -> Handler:
    """Writes an id as a string in the create answer and as a number when read back."""
    store: dict[str, Any] = {}

    def handle(request: httpx.Request) -> httpx.Response:
        if _org(request) not in TOKENS:
            return _reply(401, {"message": "unauthenticated"})
        parts = request.url.path.strip("/").split("/")
        if parts == ["payments"] and request.method == "POST":
            body = _body(request)
            if not isinstance(body, dict):
                return _reply(400, {"message": "an object is required"})
            key = str(len(store) + 44)
            store[key] = body
            return _reply(200, {"id": key})
        if len(parts) == 2 and parts[1] in store and request.method == "GET":
            return _reply(200, {**store[parts[1]], "id": int(parts[1])})
        return _reply(404, {"message": "not found"})

    return handle


@pytest.mark.parametrize("retyped", [True, False])
def test_an_id_is_the_same_when_each_answer_writes_it_as_its_schema_types_it(
    retyped: bool,
) -> None:
    """beanstream.com.json ``POST /payments`` answers ``id`` as a string, ``GET
    /payments/{transId}`` as a number: ``"44"`` then ``44`` is the one id, each written as its
    schema says. Where both schemas type it a string, the server that turns it into ``44`` has
    changed it (and the check says so)."""
    spec = _payments({"type": "number"} if retyped else {"type": "string"})
    result = engine_for(spec, _payments_server(), checks=["stateful.lifecycle"]).run()
    unstable = [f for f in result.failures() if f.finding.rule == "stateful.unstable"]
    if retyped:
        assert result.failures() == [], [f.finding.message for f in result.failures()]
        assert result.results[("get", "stateful.lifecycle")].status is Status.PASSED
    else:
        assert [f.finding.pointer for f in unstable] == ["/id"]


# ------------------------------------------------ a create answer with no place for the tag
def _verifications(answer_has_type: bool) -> Spec:
    """mailscript.com.json ``POST /verifications``: a discriminated create body (``type``
    email/sms) answered by ``AddVerificationResponse``, which declares only ``id``."""
    branch = {
        "email": {
            "type": "object",
            "required": ["type", "email"],
            "properties": {
                "type": {"type": "string", "enum": ["email"]},
                "email": {"type": "string"},
            },
        },
        "sms": {
            "type": "object",
            "required": ["type", "sms"],
            "properties": {"type": {"type": "string", "enum": ["sms"]}, "sms": {"type": "string"}},
        },
    }
    body = {"oneOf": [branch["email"], branch["sms"]], "discriminator": {"propertyName": "type"}}
    made = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    if answer_has_type:
        made["properties"]["type"] = {"type": "string"}
    read = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "type": {"type": "string"},
            "email": {"type": "string"},
            "sms": {"type": "string"},
        },
    }
    return _spec(
        "verifications",
        {
            "/verifications": {
                "post": {
                    "operationId": "create",
                    "requestBody": {"required": True, **_json(body)},
                    "responses": _ok(made, "201"),
                }
            },
            "/verifications/{verification}": {
                "parameters": [_param("verification")],
                "get": {"operationId": "get", "responses": _ok(read)},
            },
        },
    )


def _verifications_server() -> Handler:
    """Answers a create with its id only, and a read with the whole object."""
    store: dict[str, Any] = {}

    def handle(request: httpx.Request) -> httpx.Response:
        if _org(request) not in TOKENS:
            return _reply(401, {"message": "unauthenticated"})
        parts = request.url.path.strip("/").split("/")
        if parts == ["verifications"] and request.method == "POST":
            body = _body(request)
            kind = body.get("type") if isinstance(body, dict) else None
            if kind not in ("email", "sms") or not isinstance(body.get(kind), str):
                return _reply(400, {"message": "type and its address are required"})
            key = uuid.uuid4().hex
            store[key] = {"id": key, "type": kind, kind: body[kind]}
            return _reply(201, {"id": key})
        if len(parts) == 2 and parts[1] in store and request.method == "GET":
            return _reply(200, store[parts[1]])
        return _reply(404, {"message": "not found"})

    return handle


@pytest.mark.parametrize("answer_has_type", [False, True])
def test_a_create_answer_whose_schema_has_no_place_for_the_tag_need_not_show_it(
    answer_has_type: bool,
) -> None:
    """mailscript.com.json: the create answer's schema declares only ``id``, so an answer
    without ``type`` conforms (stateful.discriminator failed "type='(missing)'"); the read-back
    still shows the tag sent. Where the answer's schema declares ``type``, leaving it out is
    still reported."""
    spec = _verifications(answer_has_type)
    result = engine_for(spec, _verifications_server(), checks=["stateful.discriminator"]).run()
    messages = _messages(result, "stateful.discriminator")
    if answer_has_type:
        assert messages and all("(missing)" in m for m in messages)
    else:
        assert messages == []
        assert Status.PASSED in _status(result, "stateful.discriminator").values()


# ------------------------------------------- a parent no create makes, a list that requires a filter
LIST_ITEM = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string", "maxLength": 40},
        "advertiserId": {"type": "string", "maxLength": 20},
    },
}


def _profile_lists_spec() -> Spec:
    """dfareporting's remarketing lists: under a profile no operation creates, and listed only
    for an advertiser (a required filter on a member the create body may leave out)."""
    base, item = "/userprofiles/{profileId}/lists", "/userprofiles/{profileId}/lists/{id}"
    page = {"type": "object", "properties": {"lists": {"type": "array", "items": LIST_ITEM}}}
    return _spec(
        "profile-lists",
        {
            base: {
                "parameters": [_param("profileId")],
                "post": {
                    "operationId": "insert",
                    "requestBody": {"required": True, **_json(LIST_ITEM)},
                    "responses": _ok(LIST_ITEM),
                },
                "get": {
                    "operationId": "list",
                    "parameters": [
                        {
                            "name": "advertiserId",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 20},
                        },
                        {"name": "name", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": _ok(page),
                },
            },
            item: {
                "parameters": [_param("profileId"), _param("id")],
                "get": {"operationId": "get", "responses": _ok(LIST_ITEM)},
            },
        },
    )


def _profile_lists_server() -> Handler:
    """Objects are kept per org and profile; a list shows only the advertiser it is asked for."""
    store: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}

    def handle(request: httpx.Request) -> httpx.Response:
        if _org(request) not in TOKENS:
            return _reply(401, {"message": "unauthenticated"})
        parts = request.url.path.strip("/").split("/")
        if len(parts) < 3 or parts[0] != "userprofiles" or parts[2] != "lists" or not parts[1]:
            return _reply(404, {"message": "no route"})
        mine = store.setdefault((_org(request), parts[1]), {})
        if len(parts) == 3 and request.method == "POST":
            body = _body(request)
            if not isinstance(body, dict) or any(
                not isinstance(body.get(k, ""), str) for k in ("name", "advertiserId")
            ):
                return _reply(400, {"message": "invalid list"})
            if len(body.get("name", "")) > 40 or len(body.get("advertiserId", "")) > 20:
                return _reply(400, {"message": "too long"})
            made = {k: body[k] for k in ("name", "advertiserId") if k in body}
            made["id"] = str(uuid.uuid4())
            mine[made["id"]] = made
            return _reply(200, made)
        if len(parts) == 3 and request.method == "GET":
            q = request.url.params
            adv = q.get("advertiserId")
            if adv is None or len(adv) > 20:
                return _reply(400, {"message": "advertiserId is required"})
            found = [
                o
                for o in mine.values()
                if o.get("advertiserId") == adv and q.get("name", o.get("name")) == o.get("name")
            ]
            return _reply(200, {"lists": found})
        if len(parts) == 4 and request.method == "GET" and parts[3] in mine:
            return _reply(200, mine[parts[3]])
        return _reply(404, {"message": "not found"})

    return handle


def test_a_parent_no_create_makes_is_one_parent_and_a_required_filter_follows_the_object() -> None:
    """googleapis.com/dfareporting.json: the create drew one profileId and the list another, then
    listed under a sample advertiserId; the lists just made were 'not in the list' and a name
    filter 'dropped' them, from a server that does what its contract says."""
    checks = ["stateful.lifecycle", "stateful.filters"]
    result = engine_for(_profile_lists_spec(), _profile_lists_server(), checks=checks).run()
    assert result.failures() == [], [f.finding.message for f in result.failures()]
    assert result.results[("get", "stateful.lifecycle")].status is Status.PASSED

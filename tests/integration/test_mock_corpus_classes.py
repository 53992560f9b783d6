"""The mock on hand-written specs that reproduce what the public API corpus found (issue 13).

Each spec under tests/data/corpus/ is written here, after a class of corpus failures; no corpus file
is copied into the repository. The corpus itself runs in `nox -s corpus`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml
from _runner_support import run_cli_on

from contracttest.openapi import load_spec
from contracttest.validate import get_validator

DATA = Path(__file__).resolve().parents[1] / "data" / "corpus"
TOKEN = "corpus-token"


def mock_of(
    name: str, make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> tuple[Any, httpx.Client]:
    spec = load_spec(DATA / name, cache=False)
    return spec, make_client(make_app(spec, tokens=[TOKEN], check_responses=True), TOKEN)


def test_open_objects_accept_unknown_members_and_answer_within_the_response_schema(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec, c = mock_of("open-objects.yaml", make_app, make_client)
    # callbackUrl is required but undeclared: any value is valid; the answer types it as a string
    r = c.post("/webhooks", json={"callbackUrl": True, "events": ["sent"], "extra": 1})
    assert r.status_code == 201, r.text
    created = r.json()
    assert get_validator(spec, "subscribe:response:201").is_valid(created), created
    assert "extra" not in created  # the response schema does not declare it
    r = c.post("/webhooks", json={"callbackUrl": "https://x.example/hook"})
    assert r.status_code == 201, r.text
    assert r.json()["callbackUrl"] == "https://x.example/hook"


def test_templates_beyond_one_parameter_per_segment_are_routed(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    _, c = mock_of("routes-and-errors.yaml", make_app, make_client)
    r = c.post("/v1beta/projects%2Fp1%2Fdatasets%2Fd1:query", json={"limit": 2})
    assert r.status_code == 200, r.text
    r = c.get("/files/report.json")
    assert r.status_code == 200, r.text
    # an unencoded slash inside x-ms-skip-url-encoding's parameter
    r = c.get("/providers/Microsoft.Web/sites/site1/slots/slot1")
    assert r.status_code == 200, r.text
    # control characters and a newline in a value: routed, answered in JSON
    r = c.get("/accounts/a%0Ab%01c/notes")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    # an empty last parameter value
    r = c.get("/providers/ns/parent/type/")
    assert r.status_code == 200, r.text


def test_errors_are_answered_in_the_documented_error_schema(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec, c = mock_of("routes-and-errors.yaml", make_app, make_client)
    # 400 documented as an RFC 7807-like Problem: the message goes to `detail`, the status too
    r = c.get("/accounts/a1/notes", params={"limit": 500})
    assert r.status_code == 400, r.text
    problem = r.json()
    assert get_validator(spec, "listNotes:response:400").is_valid(problem), problem
    assert problem["status"] == 400 and "limit" in problem["detail"]
    # a `default` error wraps its message in `error.message`
    r = c.post("/v1beta/x:query", json={"limit": 0})
    assert r.status_code == 400, r.text
    cloud = r.json()
    assert get_validator(spec, "query:response:default").is_valid(cloud), cloud
    assert "limit" in cloud["error"]["message"]
    # 401: the message is cut to the schema's maxLength; the enum-pinned code stays
    r = make_client(make_app(spec, tokens=[TOKEN])).get("/accounts/a1/notes")
    assert r.status_code == 401, r.text
    body = r.json()
    assert get_validator(spec, "listNotes:response:401").is_valid(body), body
    assert body["success"] is False and body["error"]["code"] == "UNAUTHORIZED"
    assert 0 < len(body["error"]["message"]) <= 40
    # no operation routed: nothing documented, NestJS's envelope
    r = c.get("/nowhere")
    assert r.status_code == 404 and r.json()["statusCode"] == 404


def test_the_vapi_rule_table_keeps_nestjs_errors(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    c = make_client(make_app(tokens=[TOKEN]), TOKEN)
    r = c.post("/phone-number", json={"provider": "vapi", "surprise": 1})
    assert r.status_code == 400
    assert r.json()["statusCode"] == 400
    assert "property surprise should not exist" in r.json()["message"]


def test_minted_ids_fit_the_id_parameter(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec, c = mock_of("ids.yaml", make_app, make_client)
    guests = [c.post("/guests", json={"name": f"g{i}"}) for i in range(3)]
    ids = [g.json()["id"] for g in guests]
    assert all(isinstance(i, int) and i >= 100 for i in ids) and len(set(ids)) == 3, ids
    assert c.get(f"/guests/{ids[1]}").json()["name"] == "g1"
    tags = [c.post("/tags", json={"name": f"t{i}"}).json()["tagId"] for i in range(3)]
    assert all(re.fullmatch(r"T-[0-9]{4}", t) for t in tags) and len(set(tags)) == 3, tags
    assert c.get(f"/tags/{tags[2]}").json()["name"] == "t2"
    regions = [c.post("/regions", json={"name": f"r{i}"}) for i in range(4)]
    assert [r.status_code for r in regions[:3]] == [201, 201, 201]
    assert sorted(r.json()["id"] for r in regions[:3]) == ["apac", "eu", "us"]
    assert regions[3].status_code == 201  # every value taken: a uuid (the read then says 400)
    item = c.post("/items", json={"name": "i"}).json()
    assert isinstance(item["id"], int), item  # the path says string, the answer integer: both fit
    assert c.get(f"/items/{item['id']}").status_code == 200
    for key, body in (("getGuest", guests[0].json()), ("getItem", item)):
        assert get_validator(spec, f"{key}:response:200").is_valid(body)


def test_path_fragments_are_spec_findings_and_pinned_headers_route(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec, c = mock_of("fragments.yaml", make_app, make_client)
    found = {
        (f.pointer, f.severity.name) for f in spec.diagnostics if f.rule == "spec.path-fragment"
    }
    assert found == {
        ("/paths/~1#X-Amz-Target=Voice.Associate", "WARNING"),
        ("/paths/~1#X-Amz-Target=Voice.Describe", "WARNING"),
        ("/paths/~1files~1{file_id}#add_shared_link", "ERROR"),
        ("/paths/~1files~1{file_id}#remove_shared_link", "ERROR"),
    }
    assert spec.operation("Describe").wire_path == "/"
    r = c.post("/", json={"id": "x"}, headers={"X-Amz-Target": "Voice.Describe"})
    assert r.status_code == 200 and "description" in r.json(), r.text
    r = c.post("/", json={"who": "x"}, headers={"X-Amz-Target": "Voice.Associate"})
    assert r.status_code == 200 and "associated" in r.json(), r.text
    r = c.post("/", json={"who": "x"})  # no target: the first operation says what is missing
    assert r.status_code == 400 and "X-Amz-Target" in r.text
    # path keys with a query part: a warning each, routed by the query names the request carries
    queries = {f.pointer for f in spec.diagnostics if f.rule == "spec.path-query"}
    assert queries == {"/paths/~1weather?city={city}", "/paths/~1weather?lat={lat}&lon={lon}"}
    r = c.get("/weather", params={"lat": 10, "lon": 20})
    assert r.status_code == 200 and "lat" in r.json(), r.text
    r = c.get("/weather", params={"lat": 100, "lon": 20})
    assert r.status_code == 400 and "lat" in r.text, r.text
    r = c.get("/weather", params={"city": "Paris"})
    assert r.status_code == 200 and "city" in r.json(), r.text
    ambiguous = [f for f in spec.diagnostics if f.rule == "spec.path-ambiguous"]
    assert [(f.pointer, f.severity.name) for f in ambiguous] == [
        ("/paths/~1conversations~1{id}~1offer", "ERROR")
    ]


def test_basic_credentials_and_vendor_json_media_types(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    import base64

    spec = load_spec(DATA / "auth-and-media.yaml", cache=False)
    app = make_app(spec, tokens=[TOKEN], check_responses=True)
    c = make_client(app)
    for value in (TOKEN, base64.b64encode(f"user:{TOKEN}".encode()).decode()):
        r = c.get("/flights/f1", headers={"Authorization": f"Basic {value}"})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/vnd.amadeus+json"
    r = c.get("/flights/f1", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Basic ")
    assert r.headers["content-type"] == "application/vnd.amadeus+json"
    assert "Authorization: Basic" in r.json()["errors"][0]["detail"]


def test_no_body_on_204_and_lists_that_answer_a_map(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec, c = mock_of("aws-shapes.yaml", make_app, make_client)
    r = c.post("/tags/arn%3Aaws%3Ax", json={"Tags": {"team": "a"}})
    assert r.status_code == 204 and r.content == b"" and "content-type" not in r.headers
    r = c.get("/tags/arn%3Aaws%3Ax")
    assert r.status_code == 200, r.text
    assert get_validator(spec, "ListTagsForResource:response:200").is_valid(r.json()), r.json()


def test_creates_that_answer_ids_and_lists_that_require_more(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec, c = mock_of("answers.yaml", make_app, make_client)
    r = c.post("/contacts", json=[1, 2])
    assert r.status_code == 201, r.text
    assert get_validator(spec, "addContacts:response:201").is_valid(r.json()), r.json()
    r = c.get("/contacts")
    assert r.status_code == 200 and len(r.json()) == 1, r.text
    assert get_validator(spec, "listContacts:response:200").is_valid(r.json()), r.json()
    r = c.post("/mail", json={"subject": "hi"})
    assert r.status_code == 201 and isinstance(r.json(), int), r.text
    r = c.post("/users", json={"primaryEmail": "not an email"})
    assert r.status_code == 201, r.text
    assert get_validator(spec, "createUser:response:201").is_valid(r.json()), r.json()


def test_pages_read_per_page_and_fill_a_required_count(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec, c = mock_of("pages.yaml", make_app, make_client)
    for i in range(3):
        assert c.post("/streams", json={"name": f"s{i}"}).status_code == 201
    r = c.get("/streams", params={"per_page": 2})
    assert r.status_code == 200, r.text
    page = r.json()
    assert len(page["list"]) == 2 and page["count"] == 3, page
    assert get_validator(spec, "listStreams:response:200").is_valid(page)


def test_text_errors_and_jwt_keys_in_authorization(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec = load_spec(DATA / "auth-and-media.yaml", cache=False)
    c = make_client(make_app(spec, tokens=[TOKEN], check_responses=True))
    basic = {"Authorization": f"Basic {TOKEN}"}
    r = c.post("/crx/setpassword.jsp", headers=basic)
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/plain")
    assert "old" in r.text
    for value in (TOKEN, f"JWT {TOKEN}", f"Bearer {TOKEN}"):
        r = c.post("/receipts", json={"total": 3}, headers={"Authorization": value})
        assert r.status_code == 201, (value, r.text)
        rid = r.json()["id"]
        assert c.get(f"/receipts/{rid}", headers={"Authorization": TOKEN}).json()["total"] == 3
    assert c.post("/receipts", json={"total": 3}).status_code == 401


def test_answers_keep_required_members_the_schema_does_not_declare(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec, c = mock_of("required-undeclared.yaml", make_app, make_client)
    # `name` is required, undeclared (the schema declares `Name`): any value, null too, is valid...
    r = c.post("/folders", json={"name": None, "IsInbox": True})
    assert r.status_code == 200, r.text
    folder = r.json()
    # ...and the answer, judged by the same schema, must hold it
    assert get_validator(spec, "createFolder:response:200").is_valid(folder), folder
    assert folder["name"] is None and folder["IsInbox"] is True
    r = c.get(f"/folders/{folder['Id']}")
    assert r.status_code == 200, r.text
    assert r.json() == folder
    # leaving it out is the client's fault, named
    r = c.post("/folders", json={"IsInbox": True})
    assert r.status_code == 400 and "name" in r.text, r.text
    # A generated answer (`default: Event`, which requires an undeclared `message`) holds it too
    r = c.get("/events/e1")
    assert r.status_code == 200, r.text
    assert get_validator(spec, "getEvent:response:default").is_valid(r.json()), r.text


def test_a_create_that_must_carry_the_id_names_the_object(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec, c = mock_of("client-named-ids.yaml", make_app, make_client)
    r = c.post("/channels", json={"id": "live-1", "description": "news"})
    assert r.status_code == 200, r.text
    channel = r.json()
    assert channel["Id"] == "live-1"  # the answer declares the id as `Id`
    assert get_validator(spec, "CreateChannel:response:200").is_valid(channel), channel
    for method in ("GET", "PUT"):
        r = c.request(method, "/channels/live-1", json={} if method == "PUT" else None)
        assert r.status_code == 200, (method, r.text)
        assert r.json()["Id"] == "live-1"
    assert c.get("/channels/live-2").status_code == 404


def test_envelopes_hold_the_object_and_lists_filter_on_the_items_members(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec, c = mock_of("envelopes.yaml", make_app, make_client)
    base = "/accounts/a1/templates"
    # The create answers a page holding the new template (it answered {} before: no id to use)
    r = c.post(base, json={"name": "welcome", "kinds": ["sms", "fax"]})
    assert r.status_code == 201, r.text
    created = r.json()["data"][0]
    assert created["name"] == "welcome" and created["id"]
    # `fax` is taken by the request schema, not by the answers: the answers hold only what they can
    assert get_validator(spec, "createTemplate:response:201").is_valid(r.json()), r.text
    r = c.get(f"{base}/{created['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["id"] == created["id"]
    c.post(base, json={"name": "reminder"})
    # `name` filters: a member of the listed items, though no answer names it at its top
    page = c.get(base, params={"name": "reminder"}).json()
    assert [t["name"] for t in page["data"]] == ["reminder"], page
    assert get_validator(spec, "listTemplates:response:200").is_valid(page), page
    everything = c.get(base).json()
    assert get_validator(spec, "listTemplates:response:200").is_valid(everything), everything
    assert len(everything["data"]) == 2


def test_each_org_names_its_own_objects(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec = load_spec(DATA / "client-named-ids.yaml", cache=False)
    app = make_app(spec, tokens=["org-a", "org-b"], check_responses=True)
    a, b = make_client(app, "org-a"), make_client(app, "org-b")
    # Two tenants may both have a channel "live-1" (it was a 409 for the second one)
    assert a.post("/channels", json={"id": "live-1", "description": "a"}).status_code == 200
    r = b.post("/channels", json={"id": "live-1", "description": "b"})
    assert r.status_code == 200, r.text
    for client in (a, b):
        assert client.get("/channels/live-1").json()["Id"] == "live-1"
    a.post("/channels", json={"id": "live-2"})
    assert b.get("/channels/live-2").status_code == 404  # and each sees only its own


def test_an_id_declared_inside_the_answers_wrapper_addresses_the_object(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec, c = mock_of("wrapped-ids.yaml", make_app, make_client)
    # docdb-elastic: a flat body, answered inside the only member `cluster`; the clusterArn it
    # answered was a made-up "a" and GET /cluster/{that} was a 404
    r = c.post("/cluster", json={"clusterName": "c1"})
    assert r.status_code == 200, r.text
    cluster = r.json()["cluster"]
    assert cluster["clusterName"] == "c1"
    assert get_validator(spec, "createCluster:response:200").is_valid(r.json()), r.text
    r = c.get(f"/cluster/{cluster['clusterArn']}")
    assert r.status_code == 200, r.text
    assert r.json()["cluster"] == cluster
    # Open Banking: the body and the answers wrap the object in `Data`
    r = c.post("/payments", json={"Data": {"Amount": "1.00"}})
    assert r.status_code == 201, r.text
    payment = r.json()["Data"]
    assert get_validator(spec, "createPayment:response:201").is_valid(r.json()), r.text
    r = c.get(f"/payments/{payment['PaymentId']}")
    assert r.status_code == 200, r.text
    assert r.json()["Data"]["PaymentId"] == payment["PaymentId"]
    assert r.json()["Data"]["Amount"] == "1.00"
    assert c.get("/payments/nothing-here").status_code == 404
    # apideck: a flat body, the create answers only the id inside the envelope `data`; the id it
    # answered was a filled-in one the item was never stored under
    r = c.post("/pos/items", json={"name": "Cocoa"})
    assert r.status_code == 201, r.text
    item = r.json()["data"]["id"]
    r = c.get(f"/pos/items/{item}")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["id"] == item
    # Google Content: the id member is an object holding the id (it answered `productId: {}`)
    r = c.post("/m1/deliverytime", json={"days": 2, "productId": {}})
    assert r.status_code == 200, r.text
    product = r.json()["productId"]["productId"]
    r = c.get(f"/m1/deliverytime/{product}")
    assert r.status_code == 200, r.text
    assert r.json() == {"days": 2, "productId": {"productId": product}}
    # and a client that names the product keeps its name
    r = c.post("/m1/deliverytime", json={"days": 3, "productId": {"productId": "online:en:US:1"}})
    assert r.status_code == 200, r.text
    assert c.get("/m1/deliverytime/online:en:US:1").json()["days"] == 3


def test_creates_whose_objects_share_an_item_path_share_the_objects(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    _, c = mock_of("shared-item-path.yaml", make_app, make_client)
    # VTEX Promotions: what POST /coupon stored, GET /coupon/{couponCode} answered 404 for (the GET
    # was bound to the other create, POST /coupon/, and read its collection)
    r = c.post("/coupon", json={"couponCode": "spring", "utmCampaign": "c1"})
    assert r.status_code == 200, r.text
    r = c.get("/coupon/spring")
    assert r.status_code == 200, r.text
    assert r.json()["utmCampaign"] == "c1"
    r = c.post("/coupon/", json={"couponCode": "autumn", "utmSource": "s"})
    assert r.status_code == 200, r.text
    assert c.get("/coupon/autumn").json()["utmSource"] == "s"
    assert c.get("/coupon/winter").status_code == 404


def test_objects_known_by_a_mongo_id_in_a_one_member_wrapper(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec, c = mock_of("mongo-ids.yaml", make_app, make_client)
    # A member's create must carry `_id`: the client names it, and naming it again replaces it
    # (the list repeated items with one `_id`, and the object was stored under another id)
    for email in ("a@example.com", "b@example.com"):
        r = c.post("/members", json={"_id": "m1", "email": email})
        assert r.status_code == 200, r.text
        assert r.json() == {"member": {"_id": "m1", "email": email}}
    r = c.get("/members/m1")
    assert r.status_code == 200, r.text
    assert r.json()["member"]["email"] == "b@example.com"
    assert [m["_id"] for m in c.get("/members").json()["members"]] == ["m1"]
    # A feed's `_id` is optional: the server's to set, answered inside `feed` (it answered the
    # filled-in "a" while the feed was stored under a uuid)
    r = c.post("/feeds", json={"_id": "mine", "label": "news"})
    assert r.status_code == 200, r.text
    feed = r.json()["feed"]
    assert feed["_id"] != "mine" and feed["label"] == "news"
    assert get_validator(spec, "createFeed:response:200").is_valid(r.json()), r.text
    r = c.get(f"/feeds/{feed['_id']}")
    assert r.status_code == 200, r.text
    assert r.json()["feed"] == feed
    assert c.get("/feeds/a").status_code == 404


def test_an_id_written_through_an_allof_keeps_its_type(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    # PeerTube's `{video: {id: {allOf: [{$ref: id}]}}}`: the id the mock minted was answered as the
    # string "1" where the schema says integer
    spec, c = mock_of("wrapped-ids.yaml", make_app, make_client)
    r = c.post("/videos/imports", json={"targetUrl": "https://example.com/v.mp4"})
    assert r.status_code == 200, r.text
    assert get_validator(spec, "importVideo:response:200").is_valid(r.json()), r.text
    assert isinstance(r.json()["video"]["id"], int)
    # the path takes an integer or a uuid, the answers an integer: the minted id is a number
    r = c.post("/videos/live")
    assert r.status_code == 200, r.text
    assert get_validator(spec, "addLive:response:200").is_valid(r.json()), r.text
    live = r.json()["video"]["id"]
    assert isinstance(live, int)
    assert c.get(f"/videos/live/{live}").json()["id"] == live


def test_a_client_named_object_is_keyed_by_the_name_however_the_answers_spell_it(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    spec, c = mock_of("client-named-ids.yaml", make_app, make_client)
    base = "/multiplexes/m1/programs"
    # AWS MediaLive: the body names the program `programName`, the answers hold `ProgramName`
    # (the mock minted a ProgramName of its own, and GET .../programs/news was a 404)
    r = c.post(base, json={"programName": "news", "requestId": "r1", "channelId": "c1"})
    assert r.status_code == 201, r.text
    assert r.json()["MultiplexProgram"]["ProgramName"] == "news"
    assert get_validator(spec, "CreateMultiplexProgram:response:201").is_valid(r.json()), r.text
    r = c.get(f"{base}/news")
    assert r.status_code == 200, r.text
    assert r.json()["ProgramName"] == "news"
    assert [p["ProgramName"] for p in c.get(base).json()["MultiplexPrograms"]] == ["news"]
    assert c.delete(f"{base}/news").status_code == 200
    assert c.get(f"{base}/news").status_code == 404


def test_the_runner_and_the_mock_agree_on_client_named_objects(tmp_path: Path) -> None:
    # The run reads the create body's name as the id; the mock keys the object by it (MediaLive's
    # lifecycle failed four ways: not listed, read 404, patch 404, delete 404)
    spec = yaml.safe_load((DATA / "client-named-ids.yaml").read_text())
    code, report, console = run_cli_on(spec, tmp_path, "--max-examples", "2", "--seed", "1")
    assert code == 0, console
    lifecycle = {
        op["operation_id"]: check["status"]
        for op in report["operations"]
        for check in op["checks"]
        if check["check"] == "stateful.lifecycle"
    }
    assert lifecycle.get("DescribeMultiplexProgram") == "passed", lifecycle

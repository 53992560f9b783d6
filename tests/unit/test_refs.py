"""contracttest.openapi.refs: the $ref resolution policy, and the loader's findings."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from contracttest.errors import RefError
from contracttest.openapi import load_spec
from contracttest.openapi.refs import RefPolicy, RefResolver, iter_refs, unresolvable_parts


def _spec(name_ref: str) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "operationId": "createThing",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        }
                    },
                    "responses": {"201": {"description": "ok"}},
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {"type": "object", "properties": {"name": {"$ref": name_ref}}},
            }
        },
    }


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, int], dict[str, bytes]]]:
    """A local HTTP server: ``files`` path -> body (404 otherwise), ``hits`` path -> count."""
    hits: dict[str, int] = {}
    files: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            hits[self.path] = hits.get(self.path, 0) + 1
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits, files
    httpd.shutdown()
    httpd.server_close()


# ------------------------------------------------------------------------------------ locate
def test_remote_base_resolves_against_the_url_never_locally() -> None:
    r = RefResolver(RefPolicy.for_source("http://h:1/api/v1/spec.json"))
    assert r.locate("", "common.json") == "http://h:1/api/v1/common.json"
    assert r.locate("", "../x.yaml") == "http://h:1/api/x.yaml"
    assert r.locate("", "/etc/passwd") == "http://h:1/etc/passwd"
    with pytest.raises(RefError, match="cannot read local files"):
        r.locate("", "file:///etc/passwd")
    with pytest.raises(RefError, match="unsupported scheme 'ftp'"):
        r.locate("", "ftp://h/x")


def test_a_remote_spec_fetches_only_its_own_origin_unless_allowed() -> None:
    r = RefResolver(RefPolicy.for_source("https://api.example.com/v1/spec.json"))
    assert r.locate("", "https://api.example.com/other/x.json") == (
        "https://api.example.com/other/x.json"
    )
    assert (
        r.locate("", "https://API.example.com:443/x.json") == "https://API.example.com:443/x.json"
    )
    for ref in [
        "http://169.254.169.254/latest/meta-data#/x",  # a cloud metadata address
        "http://api.example.com/x.json",  # another scheme is another origin
        "https://api.example.com:8443/x.json",
        "https://schemas.example.org/x.json",
    ]:
        with pytest.raises(RefError, match="another origin") as info:
            r.locate("", ref.split("#")[0])
        assert "--allow-ref-url" in info.value.message
    allowed = RefResolver(
        RefPolicy.for_source(
            "https://api.example.com/v1/spec.json", allowed_urls=["https://schemas.example.org/v2/"]
        )
    )
    assert allowed.locate("", "https://schemas.example.org/v2/a.json")
    with pytest.raises(RefError, match="another origin"):
        allowed.locate("", "https://schemas.example.org/v1/a.json")
    # a local spec may fetch any http(s) document
    assert RefResolver(RefPolicy.for_source("/tmp/spec.json")).locate("", "http://h/x")


def test_local_refs_stay_in_the_spec_directory(tmp_path: Path) -> None:
    api = tmp_path / "api"
    (api / "sub").mkdir(parents=True)
    (api / "sub" / "ok.json").write_text("{}")
    (tmp_path / "outside.json").write_text("{}")
    (api / "link.json").symlink_to(tmp_path / "outside.json")
    os.mkfifo(api / "pipe.json")
    r = RefResolver(RefPolicy.for_source(api / "spec.json"))
    assert r.locate("", "sub/ok.json") == str((api / "sub" / "ok.json").resolve())
    for ref, words in [
        ("../outside.json", "outside"),
        (str(tmp_path / "outside.json"), "outside"),
        ("link.json", "outside"),
        ("/etc/passwd", "outside"),
        ("/dev/zero", "outside"),
        (f"file://{tmp_path}/outside.json", "outside"),
        ("pipe.json", "named pipe"),
        ("sub", "a directory"),
    ]:
        with pytest.raises(RefError, match=words):
            r.locate("", ref)
    with pytest.raises(RefError, match="no such file"):
        r.locate("", "missing.json")


def test_an_allowed_directory_widens_the_policy(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "c.json").write_text("{}")
    policy = RefPolicy.for_source(tmp_path / "api" / "spec.json", [tmp_path / "shared"])
    got = RefResolver(policy).locate("", "../shared/c.json")
    assert got == str((tmp_path / "shared" / "c.json").resolve())


def test_devices_are_refused_even_inside_an_allowed_directory() -> None:
    r = RefResolver(RefPolicy.for_source("/dev/spec.json"))
    with pytest.raises(RefError, match="character device"):
        r.locate("", "zero")


# ------------------------------------------------------------------------------------ load
def test_each_document_is_fetched_once_and_failures_are_remembered(
    server: tuple[str, dict[str, int], dict[str, bytes]],
) -> None:
    url, hits, files = server
    files["/c.json"] = json.dumps({"N": {"type": "string"}}).encode()
    r = RefResolver(RefPolicy.for_source(f"{url}/spec.json"))
    for _ in range(3):
        _, doc = r.load("", "c.json")
        assert doc == {"N": {"type": "string"}}
        with pytest.raises(RefError, match="HTTP 404"):
            r.load("", "missing.json")
    assert hits == {"/c.json": 1, "/missing.json": 1}


def test_check_reports_every_bad_ref_at_its_pointer(
    server: tuple[str, dict[str, int], dict[str, bytes]],
) -> None:
    url, _, files = server
    files["/ok.json"] = json.dumps({"A": {"$ref": "/etc/passwd#/x"}, "B": {}}).encode()
    doc = _spec("ok.json#/B")
    doc["components"]["schemas"]["More"] = {"$ref": "ok.json#/A"}
    doc["components"]["schemas"]["Gone"] = {"$ref": "ok.json#/Nope"}
    findings = RefResolver(RefPolicy.for_source(f"{url}/spec.json")).check(doc, "spec.json")
    by_pointer = {f.pointer: f for f in findings}
    entry = "/components/schemas/Thing/properties/name"
    assert set(by_pointer) == {entry, "/components/schemas/Gone"}
    assert by_pointer["/components/schemas/Gone"].rule == "spec.ref-unresolvable"
    # the bad ref inside ok.json is reported at the spec's $ref that first led there; being in a
    # remote document, /etc/passwd is a path on that server (a 404 here), never a local file
    assert f"in {url}/ok.json at /A" in by_pointer[entry].message
    assert f"{url}/etc/passwd: HTTP 404" in by_pointer[entry].message


def test_iter_refs_is_iterative_and_in_document_order() -> None:
    deep: Any = {"$ref": "#/x"}
    for _ in range(20_000):
        deep = {"a": [deep]}
    assert len(list(iter_refs(deep))) == 1
    doc = {"a": {"$ref": "#/1"}, "b": [{"$ref": "#/2"}], "c": {"$ref": 3}}
    assert list(iter_refs(doc)) == [("/a", "#/1"), ("/b/0", "#/2")]


# ------------------------------------------------------------------------------------ load_spec
def test_a_remote_spec_uses_the_document_next_to_it(
    server: tuple[str, dict[str, int], dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, _, files = server
    monkeypatch.chdir(tmp_path)
    (tmp_path / "common.json").write_text(json.dumps({"N": {"enum": ["local"]}}))
    files["/api/common.json"] = json.dumps({"N": {"type": "string", "enum": ["remote"]}}).encode()
    files["/api/spec.json"] = json.dumps(_spec("common.json#/N")).encode()
    spec = load_spec(f"{url}/api/spec.json", cache=False)
    schema = spec.target("Thing").schema()
    assert "remote" in json.dumps(schema) and "local" not in json.dumps(schema)
    assert unresolvable_parts(spec) == []


def test_a_refused_ref_is_a_located_diagnostic_and_the_mock_refuses_the_spec(
    tmp_path: Path,
) -> None:
    path = tmp_path / "spec.json"
    text = json.dumps(_spec("/etc/passwd#/x"), indent=1)
    path.write_text(text)
    line = text.splitlines().index('     "name": {') + 1
    spec = load_spec(path, cache=False)
    (diag,) = [d for d in spec.diagnostics if d.rule == "spec.ref-refused"]
    assert diag.pointer == "/components/schemas/Thing/properties/name"
    assert (diag.source, diag.line) == (str(path), line)
    with pytest.raises(RefError) as info:
        spec.target("Thing").schema()
    assert (info.value.source, info.value.line) == (str(path), line)
    from contracttest.errors import SpecError
    from contracttest.mock.app import create_app

    with pytest.raises(SpecError, match="the mock cannot serve this spec"):
        create_app(spec)


def test_ref_findings_are_not_taken_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTRACTTEST_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "api").mkdir()
    path = tmp_path / "api" / "spec.json"
    path.write_text(json.dumps(_spec("common.json#/N")))
    first = load_spec(path)
    assert [d.rule for d in first.diagnostics if d.rule.startswith("spec.ref")] == [
        "spec.ref-unresolvable"
    ]
    (tmp_path / "api" / "common.json").write_text(json.dumps({"N": {"type": "string"}}))
    second = load_spec(path)  # a cache hit, but the document now exists
    assert not [d for d in second.diagnostics if d.rule.startswith("spec.ref")]


def test_the_cache_key_names_the_libraries_that_computed_the_diagnostics(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from contracttest.openapi import loader

    before = loader._cache_key("text", [], False)
    assert "jsonschema-rs=" in loader._diagnostic_libraries()
    monkeypatch.setattr(loader, "_diagnostic_libraries", lambda: "jsonschema-rs=0.0.1")
    assert loader._cache_key("text", [], False) != before

"""The corpus harness's own parts (`nox -s corpus` itself is long and stays out of the suite)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from benchmarks import _corpus_worker as worker
from benchmarks import corpus


def test_integrity_is_checked() -> None:
    data = b"tarball"
    good = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    corpus.check_integrity(data, good)
    with pytest.raises(corpus.CorpusError, match="refusing to use it"):
        corpus.check_integrity(b"tampered", good)
    with pytest.raises(corpus.CorpusError, match="unsupported"):
        corpus.check_integrity(data, "md5-xyz")


def _tarball(tmp_path: Path, members: dict[str, bytes]) -> Path:
    path = tmp_path / "p.tgz"
    with tarfile.open(path, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path


def test_only_api_json_is_extracted_and_nothing_outside(tmp_path: Path) -> None:
    tgz = _tarball(
        tmp_path,
        {
            "package/api/a.com.json": b"{}",
            "package/api/b.com/v1.json": b"{}",
            "package/api/_index.js": b"",
            "package/README.md": b"",
        },
    )
    dest = tmp_path / "out"
    assert corpus.extract_specs(tgz, dest) == 2
    assert sorted(str(p.relative_to(dest)) for p in corpus.list_specs(dest)) == [
        "a.com.json",
        "b.com/v1.json",
    ]
    evil = _tarball(tmp_path, {"package/api/../../evil.json": b"{}"})
    with pytest.raises(corpus.CorpusError, match="outside"):
        corpus.extract_specs(evil, tmp_path / "out2")


def test_the_sample_is_fixed_and_in_random_order() -> None:
    specs = [Path(f"s{i:03}.json") for i in range(50)]
    one = corpus.sample(specs, 10, seed=13)
    assert one == corpus.sample(list(reversed(specs)), 10, seed=13)
    assert len(set(one)) == 10 and one != sorted(one)
    assert sorted(corpus.sample(specs, 100)) == specs


def test_body_targets_follow_refs_and_pick_the_json_media_type() -> None:
    doc = {
        "openapi": "3.0.3",
        "paths": {
            "/a": {"post": {"requestBody": {"$ref": "#/components/requestBodies/B"}}},
            "/b/{id}": {
                "put": {
                    "requestBody": {
                        "content": {
                            "text/plain": {"schema": {}},
                            "application/merge-patch+json": {"schema": {"type": "object"}},
                        }
                    }
                },
                "get": {},
            },
        },
        "components": {
            "requestBodies": {
                "B": {"content": {"application/json": {"schema": {"type": "object"}}}}
            }
        },
    }
    assert worker.body_targets(doc) == [
        ("POST /a", "/components/requestBodies/B/content/application~1json/schema"),
        (
            "PUT /b/{id}",
            "/paths/~1b~1{id}/put/requestBody/content/application~1merge-patch+json/schema",
        ),
    ]


def test_the_independent_validator_reads_the_untranslated_spec() -> None:
    doc = {
        "openapi": "3.0.3",
        "components": {
            "schemas": {
                "P": {
                    "type": "object",
                    "required": ["n"],
                    "properties": {
                        "n": {"type": "integer", "nullable": True},
                        "r": {"type": "string", "readOnly": True},
                    },
                }
            }
        },
    }
    make = worker._independent_validator(doc)
    v = make("/components/schemas/P")
    assert v.is_valid({"n": None})
    assert not v.is_valid({"n": "x"})
    assert not v.is_valid({"n": 1, "r": "server's"})  # readOnly in a request


def test_a_required_read_only_member_behind_a_ref_is_not_needed_in_a_request() -> None:
    # apideck accounting's Customer: required [id], id is {$ref: Id} and Id is readOnly.
    # OpenAPI 3.0.3: a required readOnly property is required of responses only.
    doc = {
        "openapi": "3.0.3",
        "components": {
            "schemas": {
                "Id": {"type": "string", "readOnly": True},
                "Customer": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {"id": {"$ref": "#/components/schemas/Id"}, "name": {}},
                },
            }
        },
    }
    v = worker._independent_validator(doc)("/components/schemas/Customer")
    assert v.is_valid({"name": "a"})
    assert not v.is_valid({})  # name is still required


def test_tracebacks_are_told_from_errors() -> None:
    crash = (
        'Traceback (most recent call last):\n  File "/x/contracttest/generate/strings.py", line 176, '
        "in _sumset\nMemoryError\ninternal error: MemoryError: \nre-run with --debug\n"
    )
    assert worker._traceback(crash) == "MemoryError:  at strings.py:176 in _sumset"
    assert worker._traceback("error: no DTO 'X'\n") is None
    assert worker._first_error("warning: a\nerror: no DTO 'X'\n") == "error: no DTO 'X'"


def test_the_table_counts_what_the_issue_measures() -> None:
    rows = [
        {
            "spec": "a.json",
            "seconds": 2.0,
            "timeout": None,
            "lint": {"exit": 0},
            "generate": {
                "targets": 2,
                "payloads": 6,
                "accepted": 5,
                "disagreements": 1,
                "examples": [{"target": "POST /a", "message": "m", "at": "/x"}],
            },
            "run": {
                "exit": 1,
                "checks": 10,
                "passed": 8,
                "failed": 1,
                "errored": 1,
                "failed_by_check": {"response.schema": 1},
                "errored_by_check": {"auth.required": 1},
                "examples": {"response.schema": "GET /a: bad", "error:auth.required": "GET /a: no"},
            },
        },
        {
            "spec": "b.json",
            "seconds": 4.0,
            "timeout": None,
            "lint": {"exit": 2, "error": "error: boom"},
            "generate": {"targets": 0, "payloads": 0, "accepted": 0, "disagreements": 0},
            "run": {"exit": 0, "checks": 5, "passed": 5, "failed": 0, "errored": 0},
        },
    ]
    s = corpus.summarize(rows)
    assert (s["clean_runs"], s["runs"], s["failed"], s["errored"]) == (1, 2, 1, 1)
    assert (s["accepted"], s["payloads"], s["disagreements"]) == (5, 6, 1)
    assert s["median_seconds"] == 3.0 and s["worst_spec"] == "b.json"
    text = corpus.render(rows, "t", "nox -s corpus")
    assert "| response.schema | 1 | 1 | a.json: GET /a: bad |" in text
    assert "spec lint exit 2: error: boom" in text


def test_a_disagreement_is_named_by_the_spec_finding_that_quotes_its_pattern_or_tag() -> None:
    from types import SimpleNamespace

    findings = [
        {
            "rule": "pattern.delimited",
            "severity": "warning",
            "message": "pattern '/^[a-z]+$/' is...",
        },
        {
            "rule": "spec.discriminator-target-missing",
            "severity": "warning",
            "message": "discriminator 'kind' has no mapping for the tag(s) 'Blob', 'Folder'",
        },
        {"rule": "components.unused", "severity": "info", "message": "'^x$' is unused"},
    ]
    pattern = SimpleNamespace(validator="pattern", validator_value="/^[a-z]+$/", message="")
    tag = SimpleNamespace(
        validator="allOf",
        validator_value=[],
        message="{'kind': 'Blob'} reference '#/components/schemas/Blob' could not be resolved",
    )
    other = SimpleNamespace(validator="pattern", validator_value="^x$", message="")
    assert worker.spec_finding_for(pattern, findings) == "pattern.delimited"
    assert worker.spec_finding_for(tag, findings) == "spec.discriminator-target-missing"
    assert worker.spec_finding_for(other, findings) is None  # an info finding explains nothing


def test_records_holding_unicode_line_separators_are_read_whole(tmp_path: Path) -> None:
    # A generated payload quoted raw (ensure_ascii=False) may hold U+2028 or U+0085, where
    # str.splitlines would cut the line: the generate phase of such a spec was lost.
    out = tmp_path / "out.jsonl"
    records = [{"phase": "generate", "payload": "a\u2028b\x85c\x1cd"}, {"phase": "run", "exit": 0}]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    out.write_text("\n".join(lines) + "\n" + '{"phase": "li', encoding="utf-8")
    assert corpus.read_jsonl(out) == records

"""One spec of the corpus: ``python -m benchmarks._corpus_worker SPEC OUT.jsonl --seed S``.

Runs, in this process and in this order, what a new user would run on a spec no one here wrote:

1. ``contracttest spec lint --format json`` (exit 0 or 1 expected; 2 or a traceback is a bug);
2. ``contracttest generate --target "METHOD /path" -n 3`` for every operation with a JSON request
   body (the generator API the command calls, the spec loaded once), each payload checked by an independent validator (openapi-schema-validator's write
   validator on the untranslated spec, formats checked): a rejection is a *disagreement*;
3. ``contracttest run --max-examples 3`` against the built-in mock, read from its JSON report.

Each phase appends one JSON line to OUT as soon as it ends, so a parent that kills this process at
its timeout still has the phases that finished. The CLI runs with ``--debug`` so an internal error
comes with its traceback; the last frame is kept.

Never imported by contracttest: openapi-schema-validator is a benchmark tool, not a dependency.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

JSON_MEDIA = re.compile(r"^application/(?:[\w.+-]+\+)?json\b|^\*/\*$", re.I)
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
GENERATE_COUNT = 3
RUN_MAX_EXAMPLES = 3
KEEP = 3
"""Examples kept per kind of problem and spec (the table needs one; the JSON lines a few)."""


def _emit(out: Path, record: dict[str, Any]) -> None:
    with out.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


def _cli(argv: list[str]) -> tuple[int, str, str]:
    from contracttest.cli import run

    out, err = io.StringIO(), io.StringIO()
    code = run(["--debug", "--no-color", *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _traceback(stderr: str) -> str | None:
    """The internal error and its innermost frame, if the command crashed."""
    m = re.search(r"^internal error: (.*)$", stderr, re.M)
    if not m:
        return None
    frames = re.findall(r'File "([^"]+)", line (\d+), in (\S+)', stderr)
    where = ""
    if frames:
        path, line, fn = frames[-1]
        where = f" at {Path(path).name}:{line} in {fn}"
    return m.group(1)[:300] + where


def _first_error(stderr: str) -> str:
    for line in stderr.splitlines():
        if line.startswith(("error:", "internal error:")):
            return line[:400]
    return stderr.strip().splitlines()[-1][:400] if stderr.strip() else ""


# --------------------------------------------------------------------------------------------------
# 1. spec lint


_LINT_FINDINGS: dict[str, list[dict[str, Any]]] = {}
"""Spec lint's findings per spec, kept for the generate phase (which names the spec finding behind
each disagreement)."""


def lint(spec: str) -> dict[str, Any]:
    code, out, err = _cli(["spec", "lint", "--spec", spec, "--format", "json"])
    record: dict[str, Any] = {"exit": code, "traceback": _traceback(err)}
    if code == 2:
        record["error"] = _first_error(err)
    with contextlib.suppress(ValueError):
        doc = json.loads(out)
        findings = doc.get("findings", doc) if isinstance(doc, dict) else doc
        if isinstance(findings, list):
            _LINT_FINDINGS[spec] = [f for f in findings if isinstance(f, dict)]
            record["findings"] = len(findings)
            record["rules"] = dict(Counter(str(f.get("rule")) for f in findings))
    return record


_UNRESOLVED_TAG = re.compile(r"reference '#/components/schemas/([^']+)' could not be resolved")


def spec_finding_for(error: Any, findings: list[dict[str, Any]]) -> str | None:
    """The spec lint rule (warning or error) that names what made the oracle reject a payload, if any.

    A disagreement is the spec's defect, not the generator's, when no payload could satisfy both
    readings: a ``pattern`` written as a JavaScript literal (``pattern.delimited``: the oracle
    wants the slashes), a discriminator tag that names no schema (``*discriminator-target-missing``:
    the oracle rejects every payload with it). The finding must quote the same pattern or tag.
    """
    needles: list[str] = []
    if getattr(error, "validator", None) == "pattern" and isinstance(error.validator_value, str):
        needles.append(repr(error.validator_value))
    m = _UNRESOLVED_TAG.search(str(getattr(error, "message", "")))
    if m:
        needles.append(repr(m.group(1)))
    for f in findings:
        if f.get("severity") not in ("warning", "error"):
            continue
        message = str(f.get("message", ""))
        if any(n in message for n in needles):
            return str(f.get("rule"))
    return None


# --------------------------------------------------------------------------------------------------
# 2. generate + independent validator


def _deref(doc: dict[str, Any], node: Any, pointer: str) -> tuple[Any, str]:
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#") or ref in seen:
            return None, pointer
        seen.add(ref)
        pointer = ref[1:]
        node = _resolve(doc, pointer)
    return node, pointer


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _resolve(doc: Any, pointer: str) -> Any:
    from urllib.parse import unquote

    node = doc
    for raw in pointer.split("/")[1:]:
        token = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def body_targets(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """``("METHOD /path", pointer of the JSON body's schema)`` for every operation that has one."""
    found: list[tuple[str, str]] = []
    paths = doc.get("paths")
    if not isinstance(paths, dict):
        return found
    for path, item in paths.items():
        item, ipath = _deref(doc, item, "/paths/" + _escape(path))
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict) or "requestBody" not in op:
                continue
            rb, rbptr = _deref(doc, op["requestBody"], f"{ipath}/{method}/requestBody")
            content = rb.get("content") if isinstance(rb, dict) else None
            if not isinstance(content, dict):
                continue
            for mt, media in content.items():
                if JSON_MEDIA.match(mt) and isinstance(media, dict):
                    if "schema" in media:
                        found.append(
                            (f"{method.upper()} {path}", f"{rbptr}/content/{_escape(mt)}/schema")
                        )
                    break
    return found


def _independent_validator(doc: dict[str, Any]) -> Any:
    """A factory ``pointer -> validator`` of openapi-schema-validator over the untranslated spec."""
    import jsonschema.validators
    from openapi_schema_validator import (
        OAS30WriteValidator,
        OAS31Validator,
        oas30_format_checker,
        oas31_format_checker,
    )
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4, DRAFT202012

    v31 = str(doc.get("openapi", "")).startswith("3.1")
    uri = "urn:corpus-spec"
    resource = Resource.from_contents(doc, default_specification=DRAFT202012 if v31 else DRAFT4)
    registry: Registry[Any] = Registry().with_resource(uri, resource)
    # `pattern` through the `regex` package, which reads ECMA's \p{L} (Python's `re` cannot, and
    # the oracle then judged nothing); a pattern it cannot compile is not held against a payload.
    # `required` (3.0 requests only): openapi-schema-validator 0.9.0 sees a property's readOnly
    # only on the property's own schema, not behind its $ref ({"id": {"$ref": ".../Id"}} with Id
    # readOnly: apideck's accounting Customer), and then demands a member OpenAPI 3.0.3 requires
    # of responses only. The same gap is express-openapi-validator#733; JSON::Validator fixed it.
    keywords: dict[str, Any] = {"pattern": _pattern_keyword}
    if not v31:
        keywords["required"] = _write_required_keyword
    cls = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        OAS31Validator if v31 else OAS30WriteValidator, keywords
    )
    checker = oas31_format_checker if v31 else oas30_format_checker

    def make(pointer: str) -> Any:
        return cls({"$ref": f"{uri}#{pointer}"}, registry=registry, format_checker=checker)

    return make


def _write_required_keyword(validator: Any, required: Any, instance: Any, schema: Any) -> Any:
    """``required`` of a request body: a readOnly member (also behind a ``$ref``) is not needed."""
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "object") or not isinstance(required, list):
        return
    props = schema.get("properties")
    props = props if isinstance(props, dict) else {}
    for name in required:
        if name not in instance and not _read_only(validator, props.get(name)):
            yield ValidationError(f"{name!r} is a required property")


def _read_only(validator: Any, node: Any) -> bool:
    resolver = getattr(validator, "_resolver", None)
    for _ in range(20):
        if not isinstance(node, dict):
            return False
        if node.get("readOnly") is True:
            return True
        ref = node.get("$ref")
        if not isinstance(ref, str) or resolver is None:
            return False
        try:
            resolved = resolver.lookup(ref)
        except Exception:  # an unresolvable $ref: the oracle reports it elsewhere
            return False
        node, resolver = resolved.contents, resolved.resolver
    return False


def _pattern_keyword(validator: Any, pattern: Any, instance: Any, schema: Any) -> Any:
    import regex
    from jsonschema.exceptions import ValidationError

    if not isinstance(instance, str) or not isinstance(pattern, str):
        return
    try:
        compiled = regex.compile(pattern)
    except (regex.error, ValueError):
        return
    if not compiled.search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def generate(spec: str, seed: int) -> dict[str, Any]:
    """What ``contracttest generate --target "METHOD /path" -n 3 --seed S`` does for each body
    target, with the spec loaded once (the CLI loads it per call), each payload judged by the
    independent validator."""
    import traceback

    from contracttest.errors import ContractTestError
    from contracttest.generate.core import GenerationOptions, examples, generator_for
    from contracttest.openapi import load_spec

    doc = json.loads(Path(spec).read_text(encoding="utf-8"))
    targets = body_targets(doc)
    make = _independent_validator(doc)
    record: dict[str, Any] = {
        "targets": len(targets),
        "payloads": 0,
        "accepted": 0,
        "disagreements": 0,
        "explained": 0,
        "explained_by": {},
        "could_not": 0,
        "tracebacks": 0,
        "examples": [],
        "errors": [],
    }
    if not targets:
        return record
    try:
        loaded = load_spec(spec)
    except ContractTestError as exc:
        record["errors"].append(f"load: {exc}"[:400])
        return record
    generator = generator_for(loaded, GenerationOptions(max_depth=2))
    for key, pointer in targets:
        try:
            target = loaded.target(key)
            payloads = list(examples(generator.valid(target), GENERATE_COUNT, seed))
        except ContractTestError as exc:
            record["could_not"] += 1
            if len(record["errors"]) < KEEP:
                record["errors"].append(f"{key}: {exc}"[:400])
            continue
        except Exception as exc:  # what the CLI reports as an internal error
            record["tracebacks"] += 1
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            record.setdefault(
                "traceback",
                f"{key}: {type(exc).__name__}: {str(exc)[:200]} at "
                f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}",
            )
            continue
        try:
            validator = make(pointer)
        except Exception as exc:  # the oracle cannot read this schema: say so, count nothing
            record["errors"].append(f"{key}: independent validator: {type(exc).__name__}: {exc}")
            continue
        for payload in payloads:
            record["payloads"] += 1
            try:
                error = next(iter(validator.iter_errors(payload)), None)
            except Exception as exc:  # e.g. an unresolvable $ref inside the spec
                record["errors"].append(
                    f"{key}: independent validator: {type(exc).__name__}: {str(exc)[:200]}"
                )
                record["payloads"] -= 1
                break
            if error is None:
                record["accepted"] += 1
                continue
            record["disagreements"] += 1
            if spec not in _LINT_FINDINGS:
                lint(spec)
            finding = spec_finding_for(error, _LINT_FINDINGS.get(spec, []))
            if finding is not None:
                record["explained"] += 1
                record["explained_by"][finding] = record["explained_by"].get(finding, 0) + 1
            if len(record["examples"]) < KEEP:
                record["examples"].append(
                    {
                        "target": key,
                        "spec_finding": finding,
                        "message": error.message[:300],
                        "at": "/" + "/".join(str(p) for p in error.absolute_path),
                        "schema_path": "/".join(str(p) for p in error.absolute_schema_path)[-200:],
                        "payload": json.dumps(payload, ensure_ascii=False)[:400],
                    }
                )
    record["errors"] = record["errors"][:KEEP]
    return record


# --------------------------------------------------------------------------------------------------
# 3. run against the built-in mock


def run(spec: str, seed: int, max_time: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ct-corpus-") as tmp:
        argv = ["run", "--spec", spec, "--max-examples", str(RUN_MAX_EXAMPLES), "--seed", str(seed)]
        argv += ["--report", "json", "--report-dir", tmp, "--max-time", str(max_time)]
        argv += ["--journal", str(Path(tmp) / "journal.jsonl")]
        code, _out, err = _cli(argv)
        record: dict[str, Any] = {"exit": code, "traceback": _traceback(err)}
        report = Path(tmp) / "contracttest-report.json"
        if not report.is_file():
            record["error"] = _first_error(err)
            return record
        doc = json.loads(report.read_text(encoding="utf-8"))
    summary = doc.get("summary", {})
    record.update(
        {k: summary.get(k, 0) for k in ("operations", "checks", "passed", "failed", "errored")}
    )
    record["skipped"] = summary.get("skipped", 0)
    failed: Counter[str] = Counter()
    errored: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for op in doc.get("operations", []):
        for check in op.get("checks", []):
            cid = check.get("check", "?")
            if check.get("status") == "failed":
                failed[cid] += 1
                if cid not in examples and check.get("failures"):
                    f = check["failures"][0]
                    finding = f.get("finding", {})
                    examples[cid] = (
                        f"{op.get('method')} {op.get('path')}: {f.get('case', '')}: "
                        f"{finding.get('message', '')}"
                    )[:400]
            elif check.get("status") == "errored":
                errored[cid] += 1
                key = "error:" + cid
                if key not in examples and check.get("errors"):
                    examples[key] = f"{op.get('method')} {op.get('path')}: {check['errors'][0]}"[
                        :400
                    ]
    record["failed_by_check"] = dict(failed)
    record["errored_by_check"] = dict(errored)
    record["examples"] = examples
    record["spec_findings"] = dict(
        Counter(str(f.get("rule")) for f in doc.get("spec_findings", []))
    )
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("spec")
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-time", type=float, default=120.0)
    parser.add_argument("--phases", default="lint,generate,run")
    parser.add_argument(
        "--max-memory", type=float, default=6.0, help="GiB of address space (default 6)"
    )
    args = parser.parse_args(argv)
    # The machine is shared: a spec that makes contracttest blow up its memory (one corpus spec took
    # 12 GB) ends in a MemoryError, recorded as that phase's crash, not in the OOM killer.
    limit = int(args.max_memory * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # the oracle walks recursive schemas ($ref cycles) by recursion
    sys.setrecursionlimit(10_000)
    # The run's mock and reports must not read this repository's pyproject.toml.
    os.chdir(tempfile.gettempdir())
    phases = {"lint": lambda: lint(args.spec), "generate": lambda: generate(args.spec, args.seed)}
    phases["run"] = lambda: run(args.spec, args.seed, args.max_time)
    for name in args.phases.split(","):
        start = time.perf_counter()
        try:
            record = phases[name]()
        except Exception as exc:  # a harness error, not the tool's: recorded, not hidden
            record = {"harness_error": f"{type(exc).__name__}: {exc}"[:400]}
        record["seconds"] = round(time.perf_counter() - start, 2)
        _emit(args.out, {"phase": name, **record})
    return 0


if __name__ == "__main__":
    sys.exit(main())

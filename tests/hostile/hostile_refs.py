"""Probes of ``$ref`` handling: issue 16 items 1 (refs that read local files), 3 (failing external refs)
and 7 (broken refs that passed silently)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hostile_kit import Observation, StaticServer, Workspace, dump, things_spec, variants

LOCAL_SECRET = "sk-live-LOCALFILE-9f8e7d6c5b4a"
ENV_SECRET = "env-secret-DO-NOT-READ-31337"
PASSWD_LINE = "root:x:0:0:"
NAME_PTR = r"/components/schemas/Thing/properties/name"


def _spec_with_name(ref: str, **extra: Any) -> dict[str, Any]:
    return things_spec(
        {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"$ref": ref}},
        },
        **extra,
    )


def _secret_file(ws: Workspace, where: str = "private/secrets.json") -> Path:
    return ws.write(where, json.dumps({"creds": {"type": "string", "enum": [LOCAL_SECRET]}}))


# Each command a user may point at a spec, and what it must answer for a spec whose Thing.name is
# unusable: spec lint reports it (1), validate/generate/run cannot check or build Thing (2).
def _command(ws: Workspace, command: str, spec: str) -> tuple[list[str], int]:
    if command == "spec-lint":
        return ["spec", "lint", "--spec", spec], 1
    if command == "validate":
        ws.write("thing.json", '{"name": "x"}')
        return ["validate", "--spec", spec, "--target", "Thing", "thing.json"], 2
    if command == "generate":
        return ["generate", "--spec", spec, "--target", "createThing", "-n", "3"], 2
    if command == "lint":
        ws.write("payloads/thing.json", '{"name": "x"}')
        return ["lint", "--spec", spec, "--target", "Thing", "payloads"], 2
    assert command == "run"
    return [
        "run",
        "--spec",
        spec,
        "--max-examples",
        "2",
        "--report",
        "json,md",
        "--report-dir",
        "reports",
    ], 2


def _observe(
    ws: Workspace,
    command: str,
    spec: str,
    *,
    secrets: list[str],
    where: str | None = NAME_PTR,
    env: dict[str, str] | None = None,
    max_seconds: float | None = 60,
) -> Observation:
    args, code = _command(ws, command, spec)
    kwargs: dict[str, Any] = {"timeout": 120}
    if env is not None:
        from hostile_kit import clean_env

        kwargs["env"] = clean_env(env, cache=ws.dir / ".ct-cache")
    result = ws.cli(*args, **kwargs)
    obs = Observation(
        result,
        exit=code,
        where=where,
        secrets=secrets,
        scan=[ws.dir / "reports"],
        max_seconds=max_seconds,
    )
    if command == "run" and "server.no-5xx" in result.output:
        obs.wrong.append("run blamed the server (server.no-5xx) for the spec's broken $ref")
    if command == "validate" and ": valid" in result.stdout:
        obs.wrong.append("validate said 'valid' although the target's schema is unusable")
    return obs


COMMANDS = ("spec-lint", "validate", "generate", "run")


# --------------------------------------------------------------------------------------------------
# 1. A remote spec must never read local files; a local spec's refs stay in its directory.


@variants(1, {c: c for c in COMMANDS}, fast=("generate", "spec-lint"))
def remote_spec_absolute_path_ref(ws: Workspace, command: str) -> Observation:
    secret = _secret_file(ws)
    url = ws.serve("spec.json", dump(_spec_with_name(f"{secret}#/creds")))
    return _observe(ws, command, url, secrets=[LOCAL_SECRET])


@variants(1, {c: c for c in ("spec-lint", "generate")})
def remote_spec_file_url_ref(ws: Workspace, command: str) -> Observation:
    secret = _secret_file(ws)
    url = ws.serve("spec.json", dump(_spec_with_name(f"file://{secret}#/creds")))
    return _observe(ws, command, url, secrets=[LOCAL_SECRET])


@variants(1, {c: c for c in ("spec-lint", "generate")})
def remote_spec_traversal_ref(ws: Workspace, command: str) -> Observation:
    # Resolved against the spec's URL this is http://127.0.0.1:port/etc/passwd: a 404, not a local file.
    url = ws.serve("spec.json", dump(_spec_with_name("../../../../../../etc/passwd#/x")))
    return _observe(ws, command, url, secrets=[PASSWD_LINE])


@variants(1, {"generate": "generate", "validate": "validate"}, fast=("generate",))
def remote_spec_relative_ref_resolves_against_url(ws: Workspace, command: str) -> Observation:
    """``common.json`` next to the remote spec is used, not the one in the current directory."""
    ws.write("common.json", json.dumps({"Name": {"type": "string", "enum": [LOCAL_SECRET]}}))
    ws.serve("common.json", json.dumps({"Name": {"type": "string", "enum": ["remote-value"]}}))
    url = ws.serve("spec.json", dump(_spec_with_name("common.json#/Name")))
    if command == "generate":
        result = ws.cli("generate", "--spec", url, "--target", "createThing", "-n", "2", timeout=60)
        obs = Observation(result, exit=0, secrets=[LOCAL_SECRET], max_seconds=30)
        if "remote-value" not in result.stdout:
            obs.wrong.append("the remote common.json was not used")
        return obs
    ws.write("ok.json", '{"name": "remote-value"}')
    ws.write("bad.json", json.dumps({"name": LOCAL_SECRET}))
    result = ws.cli("validate", "--spec", url, "--target", "Thing", "ok.json", timeout=60)
    obs = Observation(result, exit=0, secrets=[LOCAL_SECRET], max_seconds=30)
    return obs


@variants(1, {c: c for c in ("spec-lint", "generate")}, fast=("spec-lint",))
def remote_spec_cross_origin_ref(ws: Workspace, command: str) -> Observation:
    """A remote spec naming a document on another origin (here another port; in the wild a cloud
    metadata address or an internal service): refused, and never fetched."""
    other = StaticServer()
    try:
        secret = other.add("/internal.json", json.dumps({"X": {"enum": [LOCAL_SECRET]}}))
        url = ws.serve("spec.json", dump(_spec_with_name(f"{secret}#/X")))
        obs = _observe(ws, command, url, secrets=[LOCAL_SECRET])
        if other.hits:
            obs.leaked.append(f"the other origin was fetched {sum(other.hits.values())} time(s)")
        return obs
    finally:
        other.close()


LOCAL_TARGETS = {
    "etc-passwd": "/etc/passwd#/x",
    "traversal": "../../../../../../../../etc/passwd#/x",
    "dev-zero": "/dev/zero#/x",
    "dev-urandom": "/dev/urandom#/x",
    "dev-stdin": "/dev/stdin#/x",
    "proc-environ": "/proc/self/environ#/x",
    "outside-dir": "{outside}#/creds",
    "fifo": "pipe.json#/x",
    "symlink-out": "link.json#/creds",
    "file-url-outside": "file://{outside}#/creds",
}


@variants(
    1,
    {f"{k}-{c}": (v, c) for k, v in LOCAL_TARGETS.items() for c in ("spec-lint", "generate")},
    fast=("etc-passwd-generate", "dev-zero-spec-lint", "fifo-generate", "symlink-out-spec-lint"),
)
def local_spec_ref_outside(ws: Workspace, case: tuple[str, str]) -> Observation:
    target, command = case
    outside = _secret_file(ws, "outside/secrets.json")
    api = ws.dir / "api"
    api.mkdir()
    if target.startswith("pipe.json"):
        os.mkfifo(api / "pipe.json")
    if target.startswith("link.json"):
        (api / "link.json").symlink_to(outside)
    spec = ws.write("api/spec.json", dump(_spec_with_name(target.format(outside=outside))))
    return _observe(
        ws,
        command,
        str(spec),
        secrets=[LOCAL_SECRET, PASSWD_LINE, ENV_SECRET],
        env={"CT_PROBE_SECRET": ENV_SECRET},
        max_seconds=30,
    )


@variants(1, {"spec-lint": "spec-lint", "generate": "generate"}, fast=("generate",))
def local_spec_sibling_ref_allowed(ws: Workspace, command: str) -> Observation:
    ws.write("api/common.yaml", "Name:\n  type: string\n  enum: [sibling-value]\n")
    ws.write("api/sub/more.json", json.dumps({"N": {"$ref": "../common.yaml#/Name"}}))
    spec = ws.write("api/spec.json", dump(_spec_with_name("sub/more.json#/N")))
    args, _ = _command(ws, command, str(spec))
    result = ws.cli(*args, timeout=60)
    obs = Observation(result, exit=0, max_seconds=30)
    if command == "generate" and "sibling-value" not in result.stdout:
        obs.wrong.append("the sibling document was not used")
    return obs


@variants(1, {"refused": False, "allowed": True}, fast=("allowed",))
def local_spec_allowed_ref_dir(ws: Workspace, allowed: bool) -> Observation:
    ws.write("shared/common.json", json.dumps({"Name": {"type": "string", "enum": ["shared"]}}))
    spec = ws.write("api/spec.json", dump(_spec_with_name("../shared/common.json#/Name")))
    args = ["spec", "lint", "--spec", str(spec)]
    if allowed:
        args += ["--allow-ref-dir", str(ws.dir / "shared")]
    result = ws.cli(*args, timeout=60)
    if allowed:
        return Observation(result, exit=0, max_seconds=30)
    return Observation(result, exit=1, where=NAME_PTR, max_seconds=30)


# --------------------------------------------------------------------------------------------------
# 3. A failing external $ref: exit 2 with the spec finding, fetched once.


FAILING = {
    "404": "missing",
    "refused": "refused",
    "html": "html",
    "hang": "hang",
}


def _failing_url(ws: Workspace, kind: str) -> str:
    if kind == "missing":
        return ws.serve("missing.json", "no", status=404)
    if kind == "html":
        return ws.serve("page.json", "<html><body>{{ not json", status=200)
    if kind == "hang":
        return ws.hang("hang.json")
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/refused.json"


@variants(
    3,
    {f"{k}-{c}": (v, c) for k, v in FAILING.items() for c in ("spec-lint", "run", "validate")},
    fast=("404-run", "refused-spec-lint", "html-validate"),
)
def failing_external_ref(ws: Workspace, case: tuple[str, str]) -> Observation:
    kind, command = case
    url = _failing_url(ws, kind)
    spec = ws.write("spec.json", dump(_spec_with_name(url + "#/Name")))
    obs = _observe(ws, command, str(spec), secrets=[], max_seconds=45)
    if kind == "hang":
        hits = ws.hits("hang.json")
        if hits > 1:
            obs.wrong.append(
                f"the hanging URL was fetched {hits} times (once per run is the bound)"
            )
    return obs


@variants(3, {"mock": "mock"})
def failing_external_ref_mock_command(ws: Workspace, _: str) -> Observation:
    url = ws.serve("missing.json", "no", status=404)
    spec = ws.write("spec.json", dump(_spec_with_name(url + "#/Name")))
    result = ws.cli("mock", "--spec", str(spec), "--port", "0", timeout=30)
    return Observation(result, exit=2, where=NAME_PTR, max_seconds=25)


# --------------------------------------------------------------------------------------------------
# 7. Broken refs: never "valid", never a generated "anything".

BROKEN: dict[str, dict[str, Any]] = {
    "missing": {"ref": "#/components/schemas/Nope"},
    "cycle": {
        "ref": "#/components/schemas/A",
        "extra": {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}},
    },
    "self": {
        "ref": "#/components/schemas/Self",
        "extra": {"Self": {"$ref": "#/components/schemas/Self"}},
    },
    "not-a-schema": {"ref": "#/info/title"},
    "anchor": {"ref": "#name-anchor"},
    "bad-escape": {"ref": "#/components/schemas/A~2B"},
    "missing-file": {"ref": "missing.json#/Name"},
}


@variants(
    7,
    {f"{k}-{c}": (k, c) for k in BROKEN for c in ("validate", "generate", "spec-lint")}
    | {
        "missing-run": ("missing", "run"),
        "cycle-run": ("cycle", "run"),
        "missing-31-validate": ("missing-31", "validate"),
    },
    fast=(
        "missing-validate",
        "missing-generate",
        "cycle-validate",
        "cycle-generate",
        "self-generate",
    ),
)
def broken_ref(ws: Workspace, case: tuple[str, str]) -> Observation:
    kind, command = case
    version = "3.0.3"
    if kind == "missing-31":
        kind, version = "missing", "3.1.0"
    info = BROKEN[kind]
    spec = _spec_with_name(info["ref"], extra_schemas=info.get("extra"), version=version)
    path = ws.write("spec.json", dump(spec))
    where = (
        NAME_PTR
        if kind not in ("cycle", "self", "not-a-schema")
        else r"/components/schemas/\w+|/info/title"
    )
    obs = _observe(ws, command, str(path), secrets=[], where=r"spec\.json:\d+:\d+.*(" + where + ")")
    if command == "generate":
        for line in obs.result.stdout.splitlines():
            if line.strip() in (
                '{"name": ""}',
                '{"name": true}',
                '{"name": {}}',
                "{}",
                '""',
                "true",
            ):
                obs.wrong.append(f"generate printed an 'anything' value: {line.strip()}")
                break
    return obs

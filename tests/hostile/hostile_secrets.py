"""Probes of issue 16 item 2: no secret in any report, console line or journal, in any encoding."""

from __future__ import annotations

import json
import socket
from typing import Any

from hostile_api import SPEC as LEAKY_SPEC
from hostile_api import LeakyApi
from hostile_kit import REPO, Observation, Workspace, basic, dump, things_spec, variants

SEED = REPO / "spec" / "vapi-phone-numbers.yaml"
FIXES = REPO / "spec" / "overlays" / "vapi-fixes.yaml"

TOKEN_A = "tok+en/Se=cr3t+AAAA"
TOKEN_B = 't0k en"B\\&<x>=='
USER, PASSWORD = "admin", "BasePass-5151"
API_KEY = "BaseKey-626262"
HEADER_KEY = "HdrKey-8080-zz"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


# --------------------------------------------------------------------------------------------------
# Credentials in URLs


@variants(2, {"run": "run", "spec-lint": "spec-lint", "validate": "validate"}, fast=("spec-lint",))
def spec_url_credentials(ws: Workspace, command: str) -> Observation:
    password, token = "SpecPass-4242", "SpecTok-777777"
    ws.serve("spec.json", dump(things_spec()))
    port = ws.http.url.rsplit(":", 1)[1]
    url = f"http://reader:{password}@127.0.0.1:{port}{ws.prefix}/spec.json?access_token={token}"
    if command == "run":
        args = [
            "run",
            "--spec",
            url,
            "--max-examples",
            "2",
            "--report",
            "all",
            "--report-dir",
            "reports",
        ]
        exit_: Any = (0, 1)
    elif command == "spec-lint":
        args, exit_ = ["spec", "lint", "--spec", url, "--format", "json"], (0, 1)
    else:
        ws.write("t.json", '{"name": 5}')
        args, exit_ = (
            ["validate", "--spec", url, "--target", "Thing", "--format", "json", "t.json"],
            1,
        )
    result = ws.cli(*args, timeout=120)
    return Observation(
        result,
        exit=exit_,
        secrets=[password, token, basic("reader", password)],
        scan=[ws.dir / "reports"],
    )


@variants(2, {"unreachable-spec": "spec", "unreachable-base": "base"}, fast=("unreachable-base",))
def url_credentials_when_unreachable(ws: Workspace, which: str) -> Observation:
    port = _closed_port()
    secret_url = f"http://{USER}:{PASSWORD}@127.0.0.1:{port}/api?api_key={API_KEY}"
    if which == "spec":
        args = ["spec", "lint", "--spec", secret_url + "&x=.json"]
    else:
        spec = ws.write("spec.json", dump(things_spec()))
        args = [
            "run",
            "--spec",
            str(spec),
            "--base-url",
            secret_url,
            "--retries",
            "0",
            "--report",
            "all",
            "--report-dir",
            "reports",
        ]
    result = ws.cli(*args, timeout=60)
    return Observation(
        result,
        exit=2,
        secrets=[PASSWORD, API_KEY, basic(USER, PASSWORD)],
        scan=[ws.dir / "reports"],
    )


# --------------------------------------------------------------------------------------------------
# A live run against a server that echoes every credential


@variants(2, {"live": "plain", "live-userinfo": "userinfo"}, fast=("live",))
def leaky_server_run(ws: Workspace, how: str) -> Observation:
    api = LeakyApi([TOKEN_A, TOKEN_B])
    try:
        spec = ws.write("leaky.json", dump(LEAKY_SPEC))
        base = api.url
        secrets = [TOKEN_A, TOKEN_B, HEADER_KEY, f"Bearer {TOKEN_A}"]
        if how == "userinfo":
            base = f"http://{USER}:{PASSWORD}@{api.url[7:]}/?api_key={API_KEY}"
            secrets += [PASSWORD, API_KEY, basic(USER, PASSWORD)]
        result = ws.cli(
            "run",
            "--spec",
            str(spec),
            "--base-url",
            base,
            "--token",
            TOKEN_A,
            "--token",
            TOKEN_B,
            "-H",
            f"X-Api-Key: {HEADER_KEY}",
            "--max-examples",
            "4",
            "--seed",
            "1",
            "--report",
            "all",
            "--report-dir",
            "reports",
            "--journal",
            "journal.jsonl",
            timeout=180,
        )
        secrets += api.received_secrets()
        obs = Observation(
            result,
            exit=1,
            secrets=secrets,
            scan=[ws.dir / "reports", ws.dir / "journal.jsonl"],
        )
        if api.requests < 10:
            obs.lost.append(f"the run sent only {api.requests} requests")
        if api.live:
            obs.lost.append(f"{len(api.live)} things the run created are still on the server")
        return obs
    finally:
        api.close()


# --------------------------------------------------------------------------------------------------
# Payload secrets in lint / validate output

TWILIO = {
    "provider": "twilio",
    "number": "+14155550100",
    "twilioAccountSid": "AC0123456789",
}
PAYLOAD_SECRETS: dict[str, tuple[dict[str, Any], str]] = {
    "misspelt": ({**TWILIO, "twilioAuthTokn": "tw-secret-MISSPELT-1"}, "tw-secret-MISSPELT-1"),
    "snake": ({**TWILIO, "twilio_auth_token": "tw-secret-SNAKE-22"}, "tw-secret-SNAKE-22"),
    "wrong-type": ({**TWILIO, "twilioAuthToken": 918273645546}, "918273645546"),
    "in-array": ({**TWILIO, "twilioAuthToken": ["tw-secret-ARRAY-33"]}, "tw-secret-ARRAY-33"),
    "nested": (
        {
            **TWILIO,
            "twilioAuthToken": "ok-token-1",
            "fallbackDestination": {
                "type": "number",
                "number": "+1",
                "apiPassword": "nested-PASS-777",
            },
        },
        "nested-PASS-777",
    ),
    "private-key": (
        {**TWILIO, "twilioAuthToken": "ok-token-1", "privateKey": "-----BEGIN KEY-----abc123"},
        "BEGIN KEY-----abc123",
    ),
    "api-key-typo": (
        {**TWILIO, "twilioAuthToken": "ok-token-1", "twilioApiKye": "apikey-TYPO-4141"},
        "apikey-TYPO-4141",
    ),
}
OUTPUTS = {
    "lint-text": ["lint", "--format", "text"],
    "lint-json": ["lint", "--format", "json"],
    "lint-sarif": ["lint", "--format", "sarif"],
    "lint-github": ["lint", "--format", "github"],
    "validate-text": ["validate"],
    "validate-json": ["validate", "--format", "json"],
}


@variants(
    2,
    {f"{p}-{o}": (p, o) for p in PAYLOAD_SECRETS for o in OUTPUTS},
    fast=(
        "misspelt-lint-text",
        "misspelt-validate-json",
        "wrong-type-validate-text",
        "nested-lint-json",
    ),
)
def payload_secret_output(ws: Workspace, case: tuple[str, str]) -> Observation:
    payload_name, output = case
    payload, secret = PAYLOAD_SECRETS[payload_name]
    ws.write("payloads/p.json", json.dumps(payload, indent=1))
    args = [
        *OUTPUTS[output],
        "--spec",
        str(SEED),
        "--overlay",
        str(FIXES),
        "--target",
        "CreateTwilioPhoneNumberDTO",
        "payloads/p.json",
    ]
    result = ws.cli(*args, timeout=60)
    return Observation(result, exit=1, where=r"p\.json", secrets=[secret])


@variants(2, {"spec-example": "example"})
def spec_example_secret(ws: Workspace, _: str) -> Observation:
    thing = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": 3},
            "twilioAuthToken": {"type": "string"},
        },
        "example": {
            "name": "too long",
            "twilioAuthToken": "spec-EXAMPLE-secret-99",
            "passwrd": "spec-EXAMPLE-pw-98",
        },
    }
    spec = ws.write("spec.json", dump(things_spec(thing)))
    result = ws.cli("spec", "lint", "--spec", str(spec), timeout=60)
    return Observation(result, exit=1, secrets=["spec-EXAMPLE-secret-99", "spec-EXAMPLE-pw-98"])


@variants(2, {"cleanup-echo": "cleanup"})
def cleanup_echoes_token(ws: Workspace, _: str) -> Observation:
    api = LeakyApi([TOKEN_A])
    try:
        tid = api.add(0)
        record = {
            "format": 1,
            "event": "created",
            "entry": "r1:1",
            "run": "r1",
            "base_url": api.url,
            "operation": "createThing",
            "resource_id": tid,
            "delete_method": "GET",  # the leaky server answers GET /things/{id} with a 500 quoting the token
            "delete_path": f"/things/{tid}",
            "credential": 0,
            "created_at": "2024-01-01T00:00:00Z",
        }
        ws.write("journal.jsonl", json.dumps(record) + "\n")
        result = ws.cli("cleanup", "--journal", "journal.jsonl", "--token", TOKEN_A, timeout=60)
        return Observation(result, exit=1, secrets=[TOKEN_A], scan=[ws.dir / "journal.jsonl"])
    finally:
        api.close()

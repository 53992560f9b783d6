"""contracttest.redaction: the one layer every output goes through."""

from __future__ import annotations

import base64
import html
import json
import re
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from contracttest.findings import Finding, Severity
from contracttest.redaction import (
    REDACTED,
    TOO_DEEP,
    Redactor,
    is_secret_header,
    is_secret_key,
    is_secret_param,
    redact,
    scrub_findings,
    url_without_credentials,
)


@pytest.mark.parametrize(
    "name",
    [
        "twilioAuthToken",
        "twilioApiSecret",
        "twilioApiKey",
        "serverUrlSecret",
        "credentialId",
        "password",
        "apiKey",
        "api_key",
        "x-api-key",
        "Authorization",
        "SecretAccessKey",
        "awsSecretAccessKey",
        "privateKey",
        "openAIKey",
        "clientSecret",
        "refreshToken",
        "SessionToken",
        "twilio_auth_token",
        "TWILIO_AUTH_TOKEN",
        # one typo away: a misspelt field still holds the secret
        "twilioAuthTokn",
        "twilioAuthTokne",
        "twilioApiKye",
        "clientSecert",
        "passwrd",
        "pasword",
        "apiPassword",
        "bearer",
        "Bearer",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_key(name)


@pytest.mark.parametrize(
    "name",
    [
        # counts, ids and plain words that only look close (all from the full Vapi spec)
        "maxTokens",
        "promptTokens",
        "tokenCount",
        "tokenUri",
        "publicKey",
        "promptCacheKey",
        "providerConfigKey",
        "privateKeyId",
        "secretIsBase64",
        "passed",
        "filterPassed",
        "credentials",
        "authenticationPlan",
        "bearerPrefixEnabled",
        "ChargeBearer",  # Open Banking: who bears the charges
        "timeTaken",
        "keywords",
        "name",
        "number",
    ],
)
def test_ordinary_names(name: str) -> None:
    assert not is_secret_key(name)


def test_headers_and_query_parameters() -> None:
    assert all(map(is_secret_header, ["Authorization", "X-Api-Key", "Cookie", "X-Auth-Token"]))
    assert not is_secret_header("Content-Type")
    assert all(map(is_secret_param, ["access_token", "api_key", "key", "sig", "X-Amz-Signature"]))
    assert not any(map(is_secret_param, ["limit", "page", "name"]))


SECRET = 'tok+en/Se=cr3t "ü" <&>'


def _encodings(secret: str) -> list[str]:
    raw = secret.encode()
    return [
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret),
        quote(secret, safe=""),
        quote_plus(secret),
        re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(secret, safe="")),
        html.escape(secret),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    ]


@pytest.mark.parametrize("form", _encodings(SECRET))
def test_a_secret_is_scrubbed_in_every_encoding(form: str) -> None:
    r = Redactor([SECRET])
    assert r.text(f"before {form} after") == f"before {REDACTED} after"


def test_basic_credentials_and_url_credentials() -> None:
    basic = base64.b64encode(b"admin:Pa55-word").decode()
    r = Redactor([f"Basic {basic}"])
    assert "Pa55-word" not in r.text("password Pa55-word echoed")
    assert basic not in r.text(f"Authorization: Basic {basic}")
    r2 = Redactor()
    r2.add_url("http://admin:Pa55%2Bword@h:1/x?api_key=K3y-123456&page=2")
    assert (
        r2.text("Pa55+word K3y-123456 YWRtaW46UGE1NSt3b3Jk") == f"{REDACTED} {REDACTED} {REDACTED}"
    )


def test_urls() -> None:
    r = Redactor()
    assert r.url("https://u:p@h/x?access_token=abc&page=2") == (
        f"https://{REDACTED}@h/x?access_token={REDACTED}&page=2"
    )
    assert (
        url_without_credentials("https://u:p@h:8/x?api_key=abc&page=2#f")
        == "https://h:8/x?page=2#f"
    )


def test_learn_takes_every_scalar_under_a_secret_name() -> None:
    r = Redactor()
    r.learn({"a": [{"twilioAuthTokn": "misspelt-value-1"}], "apiKey": 918273645546, "x": "open"})
    assert r.text("misspelt-value-1 918273645546 open") == f"{REDACTED} {REDACTED} open"


def test_value_redacts_by_name_and_scrubs_by_value_keys_included() -> None:
    r = Redactor(["sekrit-value-1"])
    got = r.value({"password": "x", "note": "has sekrit-value-1", "sekrit-value-1": 1, "n": None})
    assert got == {"password": REDACTED, "note": f"has {REDACTED}", REDACTED: 1, "n": None}


def _deep(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"a": [value]}
    return value


def test_redaction_is_iterative_and_cuts_past_the_depth_cap() -> None:
    deep = _deep(100_000)  # recursion would die long before this
    out = redact(deep, max_depth=10)
    node = out
    for _ in range(5):
        node = node["a"][0]
    assert node == TOO_DEEP
    assert Redactor(["leaf-secret"]).value(deep) is not deep
    json.dumps(redact(deep))  # writers downstream never recurse past the cap


def test_scrub_findings_hides_a_secret_quoted_in_a_message() -> None:
    payload = {"twilioAuthTokn": "tw-secret-value-77"}
    f = Finding(
        rule="schema.additionalProperties",
        severity=Severity.ERROR,
        pointer="/twilioAuthTokn",
        message="property twilioAuthTokn should not exist (value 'tw-secret-value-77')",
        actual='"tw-secret-value-77"',
    )
    (out,) = scrub_findings(payload, [f])
    assert "tw-secret-value-77" not in out.message + (out.actual or "")
    assert REDACTED in out.message


def test_scrub_text_hides_url_credentials_in_free_text() -> None:
    r = Redactor()
    text = "could not reach http://u:pw@127.0.0.1:9/x?api_key=k-123456 (refused)"
    assert (
        r.scrub(text)
        == f"could not reach http://{REDACTED}@127.0.0.1:9/x?api_key={REDACTED} (refused)"
    )


def test_an_already_redacted_or_odd_url_is_handled_not_an_error() -> None:
    # urllib refuses "[REDACTED]" as a host literal; redaction must not turn that into a crash
    r = Redactor()
    text = "http://[REDACTED]@127.0.0.1:5/api?api_key=[REDACTED] (live)"
    assert r.text(text) == text
    assert r.url("http://user:pw@[::1]:8/x") == f"http://{REDACTED}@[::1]:8/x"
    assert url_without_credentials("http://[bad@h/x?api_key=1") == "http://h/x"

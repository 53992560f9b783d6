"""The validation engine side by side with plain jsonschema and jsonschema-rs, on the same corpora.

Four corpora, built deterministically here (seeded), each mostly valid payloads plus about one in ten
that breaks a schema constraint and one in ten that breaks only a semantic rule (an E.164 number, a
hook prefix with ``+``, a length the server counts differently):

* (a) ``CreateTwilioPhoneNumberDTO`` and (b) the ``POST /phone-number`` body (five providers) of the
  seed spec with ``spec/overlays/vapi-fixes.yaml``;
* (c) 100-item ``PhoneNumberPaginatedResponse`` pages (``GET /v2/phone-number``, 200 response);
* (d) ``CreateAssistantDTO`` of the full Vapi spec (``../shared/vapi/openapi.json``, or
  ``CONTRACTTEST_VAPI_SPEC``; skipped with a note when absent).

Contestants, each compiled once before timing, verdict only (``is_valid``):

* **ours**: `contracttest.validate.get_validator` with every rule of the spec's rule table, the
  discriminators, ECMA patterns, format checks and server-side length counting;
* **ours, findings**: the full report (``findings``), i.e. what a user sees;
* **plain jsonschema** ``Draft4Validator`` and ``Draft7Validator`` over the same translated schema (no
  format checker, no rules, no discriminators);
* **jsonschema-rs** ``validator_for`` over the same schema, defaults.

The reference verdict is our detailed path without the fast path (python-jsonschema with our keyword
semantics, then the rules); ours must agree with it on every payload or the benchmark fails. The
plain validators' disagreements are counted, not failed: they cannot see rules or discriminators.

Run it with ``python -m benchmarks.bench_validate`` or through the harness (``run(report)``).
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks import Report

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec" / "vapi-phone-numbers.yaml"
SEED = REPO.parent / "shared" / "seeds" / "vapi-phone-numbers.openapi.yaml"
OVERLAY = REPO / "spec" / "overlays" / "vapi-fixes.yaml"
VAPI_SPEC = Path(
    os.environ.get("CONTRACTTEST_VAPI_SPEC", REPO.parent / "shared" / "vapi" / "openapi.json")
)
TARGET_RATIO = 20.0
MIN_SECONDS = 0.5
"""Each contestant runs whole passes over the corpus until this much time has passed."""
RUNS = 3


# ------------------------------------------------------------------------------------------ corpus
def _e164(rng: random.Random) -> str:
    return "+1" + "".join(rng.choice("23456789") for _ in range(3)) + f"{rng.randrange(10**7):07d}"


def _destination(rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.7:
        dest: dict[str, Any] = {"type": "number", "number": _e164(rng)}
        if rng.random() < 0.5:
            dest["callerId"] = rng.choice(["{{customer.number}}", "{{phoneNumber.number}}"])
        if rng.random() < 0.4:
            dest["transferPlan"] = {"mode": "blind-transfer", "sipVerb": "refer"}
        if rng.random() < 0.3:
            dest["message"] = {"type": "custom-message", "content": "Connecting you now."}
        return dest
    return {"type": "sip", "sipUri": f"sip:desk{rng.randrange(100)}@example.com"}


def _hooks(rng: random.Random) -> list[dict[str, Any]]:
    ringing: dict[str, Any] = {
        "on": "call.ringing",
        "filters": [{"type": "startsWith", "key": "number", "startsWith": ["1", "44", "91"]}],
        "do": [{"type": "say", "exact": "Thanks for calling, please hold."}],
    }
    ending: dict[str, Any] = {
        "on": "call.ending",
        "filters": [
            {"type": "oneOf", "key": "call.endedReason", "oneOf": ["assistant-request-failed"]}
        ],
        "do": {"type": "transfer", "destination": {"type": "number", "number": _e164(rng)}},
    }
    return [ringing, ending][: rng.randint(1, 2)]


def _server(rng: random.Random) -> dict[str, Any]:
    server: dict[str, Any] = {"url": f"https://hooks.example.com/vapi/{rng.randrange(1000)}"}
    if rng.random() < 0.5:
        server["timeoutSeconds"] = rng.randint(1, 300)
    if rng.random() < 0.3:
        server["backoffPlan"] = {"type": "exponential", "maxRetries": 3, "baseDelaySeconds": 1}
    return server


def create_body(i: int, rng: random.Random, provider: str | None = None) -> dict[str, Any]:
    """A valid ``POST /phone-number`` body (``provider`` forced, else one of five in turn)."""
    provider = provider or ("twilio", "vonage", "vapi", "telnyx", "byo-phone-number")[i % 5]
    p: dict[str, Any] = {"provider": provider, "name": f"Line {i} ❤️"[: rng.randint(6, 12)]}
    if provider == "twilio":
        p.update(number=_e164(rng), twilioAccountSid=f"AC{i:032x}", twilioAuthToken="t" * 32)
        if rng.random() < 0.3:
            p["smsEnabled"] = False
    elif provider in ("vonage", "telnyx"):
        p.update(number=_e164(rng), credentialId=f"cred-{i}")
    elif provider == "vapi":
        p["numberDesiredAreaCode"] = rng.choice(["415", "212", "646"])
    else:
        p.update(credentialId=f"cred-{i}", number=_e164(rng))
        if rng.random() < 0.3:
            p.update(numberE164CheckEnabled=False, number=f"ext{i}")
    if rng.random() < 0.5:
        p["fallbackDestination"] = _destination(rng)
    if rng.random() < 0.4:
        p["hooks"] = _hooks(rng)
    if rng.random() < 0.5:
        p["server"] = _server(rng)
    if rng.random() < 0.3:
        p["assistantId"] = f"asst-{i}"
    return p


def _break_schema(p: dict[str, Any], rng: random.Random) -> None:
    """One schema violation: unknown property, long name, wrong type, or a bad enum."""
    kind = rng.randrange(4)
    if kind == 0:
        p["nmae"] = "typo"
    elif kind == 1:
        p["name"] = "x" * 41
    elif kind == 2:
        p["assistantId"] = 42
    else:
        p["fallbackDestination"] = {"type": "carrier-pigeon", "number": "+14155550100"}


def _break_rule(p: dict[str, Any], rng: random.Random) -> None:
    """One violation only a semantic rule sees: a non-E.164 number or a '+' hook prefix."""
    if rng.random() < 0.5:
        p["fallbackDestination"] = {"type": "number", "number": "0044 20 7946 0000"}
    else:
        p["hooks"] = [
            {
                "on": "call.ringing",
                "filters": [{"type": "startsWith", "key": "number", "startsWith": ["+44"]}],
                "do": [{"type": "say", "exact": "hi"}],
            }
        ]


def phone_corpus(n: int, *, provider: str | None, seed: int) -> list[Any]:
    rng = random.Random(seed)
    out: list[Any] = []
    for i in range(n):
        p = create_body(i, rng, provider)
        if i % 10 == 3:
            _break_schema(p, rng)
        elif i % 10 == 7:
            _break_rule(p, rng)
        out.append(p)
    return out


def phone_number(i: int, rng: random.Random) -> dict[str, Any]:
    """A valid phone-number response object."""
    p = create_body(i, rng)
    if p["provider"] == "vapi":
        p["number"] = _e164(rng)
    p.pop("numberDesiredAreaCode", None)
    p.update(
        id=f"{rng.getrandbits(128):032x}",
        orgId=f"org-{i % 7}",
        createdAt=f"2026-0{1 + i % 9}-1{i % 10}T12:{i % 60:02d}:00.000Z",
        updatedAt="2026-11-20T08:00:00Z",
        status=rng.choice(["active", "activating", "blocked"]),
    )
    return p


def page_corpus(pages: int, *, seed: int) -> list[Any]:
    rng = random.Random(seed)
    out: list[Any] = []
    for page in range(pages):
        items = [phone_number(page * 100 + i, rng) for i in range(100)]
        if page % 5 == 3:
            items[rng.randrange(100)]["createdAt"] = "yesterday"
        elif page % 5 == 4:
            items[rng.randrange(100)]["fallbackDestination"] = {
                "type": "number",
                "number": "415-555-0100",
            }
        out.append(
            {
                "results": items,
                "metadata": {
                    "itemsPerPage": 100,
                    "totalItems": 100 * pages,
                    "currentPage": page + 1,
                    "totalPages": pages,
                    "hasNextPage": page + 1 < pages,
                    "sortOrder": "DESC",
                },
            }
        )
    return out


_MODELS = (
    {"provider": "openai", "model": "gpt-4o"},
    {"provider": "anthropic", "model": "claude-3-5-sonnet-20241022"},
    {"provider": "openai", "model": "gpt-4o-mini"},
)
_VOICES = (
    {"provider": "11labs", "voiceId": "my-cloned-voice", "stability": 0.5},
    {"provider": "azure", "voiceId": "en-US-JennyNeural"},
    {"provider": "11labs", "voiceId": "support-voice-2", "model": "eleven_turbo_v2_5"},
)
_TRANSCRIBERS = (
    {"provider": "deepgram", "language": "en"},
    {"provider": "deepgram", "model": "my-tuned-model", "language": "en-US"},
)


def assistant(i: int, rng: random.Random) -> dict[str, Any]:
    """A valid ``CreateAssistantDTO`` of the full spec."""
    model: dict[str, Any] = dict(_MODELS[i % len(_MODELS)])
    model["messages"] = [{"role": "system", "content": f"You are support agent {i}. Be brief."}]
    if rng.random() < 0.6:
        model["temperature"] = round(rng.random(), 2)
    if rng.random() < 0.4:
        model["maxTokens"] = rng.randint(50, 1000)
    a: dict[str, Any] = {
        "name": f"Support {i}",
        "firstMessage": rng.choice(["Hello! How can I help?", "Hi, thanks for calling 😀"]),
        "model": model,
        "voice": dict(_VOICES[i % len(_VOICES)]),
        "transcriber": dict(_TRANSCRIBERS[i % len(_TRANSCRIBERS)]),
    }
    if rng.random() < 0.5:
        a["firstMessageMode"] = "assistant-speaks-first"
    if rng.random() < 0.5:
        a["maxDurationSeconds"] = rng.randint(60, 3600)
    if rng.random() < 0.4:
        a["endCallPhrases"] = ["goodbye", "bye for now"]
    if rng.random() < 0.4:
        a["server"] = {"url": "https://hooks.example.com/vapi", "timeoutSeconds": 20}
    if rng.random() < 0.3:
        a["metadata"] = {"team": "support", "tier": i % 3}
    if rng.random() < 0.4:
        a["hooks"] = [{"on": "call.ending", "do": [{"type": "say", "exact": "Goodbye!"}]}]
    if rng.random() < 0.3:
        a["voicemailMessage"] = "Please call back later."
    return a


def assistant_corpus(n: int, *, seed: int) -> list[Any]:
    rng = random.Random(seed)
    out: list[Any] = []
    for i in range(n):
        a = assistant(i, rng)
        if i % 10 == 3:
            kind = rng.randrange(3)
            if kind == 0:
                a["silenceTimeout"] = 30
            elif kind == 1:
                a["model"]["temperature"] = 7
            else:
                a["voice"] = {"provider": "11labs"}
        elif i % 10 == 7:
            a["name"] = "😀" * 41
        out.append(a)
    return out


# ------------------------------------------------------------------------------------------ timing
def _throughput(check: Callable[[Any], Any], corpus: Sequence[Any]) -> float:
    """Payloads per CPU second: best of `RUNS` runs of whole passes lasting `MIN_SECONDS`.

    CPU time of this process, not wall time: every contestant is single-threaded and CPU-bound, and
    CPU time does not count the time other processes on a busy machine take from it.
    """
    best = 0.0
    for _ in range(RUNS):
        done = 0
        start = time.process_time()
        while True:
            for payload in corpus:
                check(payload)
            done += len(corpus)
            elapsed = time.process_time() - start
            if elapsed >= MIN_SECONDS:
                break
        best = max(best, done / elapsed)
    return best


def _load_specs() -> dict[str, Any]:
    from contracttest.openapi import load_spec

    spec_path = SPEC if SPEC.is_file() else SEED
    specs = {"fixed": load_spec(spec_path, overlays=[OVERLAY])}
    if VAPI_SPEC.is_file():
        specs["vapi"] = load_spec(VAPI_SPEC)
    return specs


def _case(report: Report, label: str, spec: Any, target: str, corpus: list[Any]) -> dict[str, Any]:
    import jsonschema

    from contracttest.findings import Severity
    from contracttest.validate import get_validator
    from contracttest.validate.engine import Validator

    ours = get_validator(spec, target)
    reference = Validator(spec, spec.target(target), use_fast_path=False)
    schema = spec.target(target).schema()
    plain4 = jsonschema.Draft4Validator(schema)
    plain7 = jsonschema.Draft7Validator(schema)
    contestants: list[tuple[str, Callable[[Any], Any]]] = [
        ("ours (is_valid, all rules)", ours.is_valid),
        ("ours (findings)", ours.findings),
        ("plain jsonschema Draft4", plain4.is_valid),
        ("plain jsonschema Draft7", plain7.is_valid),
    ]
    try:
        import jsonschema_rs

        rs = jsonschema_rs.validator_for(schema)
        contestants.append(("jsonschema-rs", rs.is_valid))
    except ImportError:
        report.note(f"{label}: jsonschema-rs is not installed; its column is missing")

    expected = [
        not any(f.severity >= Severity.ERROR for f in reference.iter_findings(p)) for p in corpus
    ]
    mismatches = [i for i, p in enumerate(corpus) if ours.is_valid(p) != expected[i]]
    if mismatches:
        raise AssertionError(
            f"{label}: our fast verdict disagrees with the detailed reference on payloads "
            f"{mismatches[:10]} (of {len(corpus)})"
        )
    rates = {name: _throughput(check, corpus) for name, check in contestants}
    baseline = rates["plain jsonschema Draft4"]
    baseline7 = rates["plain jsonschema Draft7"]
    rows = []
    for name, check in contestants:
        verdicts = [
            (not any(f.severity >= Severity.ERROR for f in check(p)))
            if name == "ours (findings)"
            else bool(check(p))
            for p in corpus
        ]
        agree = sum(v == e for v, e in zip(verdicts, expected, strict=True))
        rows.append(
            (
                name,
                f"{rates[name]:,.0f}",
                f"{rates[name] / baseline:.1f}x",
                f"{rates[name] / baseline7:.1f}x",
                f"{agree}/{len(corpus)}",
            )
        )
    valid = sum(expected)
    report.table(
        f"{label}: {len(corpus)} payloads ({valid} valid)",
        ("validator", "payloads/s", "vs Draft4", "vs Draft7", "verdicts = reference"),
        rows,
    )
    ratio = rates["ours (is_valid, all rules)"] / baseline
    return {"case": label, "ratio": ratio, "ours": rates["ours (is_valid, all rules)"]}


def run(report: Report) -> list[dict[str, Any]]:
    """Measure every corpus; fails if a verdict differs from the reference (ratios are notes)."""
    specs = _load_specs()
    fixed = specs["fixed"]
    cases: list[tuple[str, Any, str, list[Any]]] = [
        (
            "(a) CreateTwilioPhoneNumberDTO",
            fixed,
            "CreateTwilioPhoneNumberDTO",
            phone_corpus(300, provider="twilio", seed=1),
        ),
        (
            "(b) POST /phone-number",
            fixed,
            "POST /phone-number",
            phone_corpus(300, provider=None, seed=2),
        ),
        (
            "(c) PhoneNumberPaginatedResponse, 100 items",
            fixed,
            "PhoneNumberController_findAllPaginated:response",
            page_corpus(10, seed=3),
        ),
    ]
    if "vapi" in specs:
        cases.append(
            (
                "(d) CreateAssistantDTO (full Vapi spec)",
                specs["vapi"],
                "CreateAssistantDTO",
                assistant_corpus(100, seed=4),
            )
        )
    else:
        report.note(f"(d) skipped: the full Vapi spec is not at {VAPI_SPEC}")
    results = [_case(report, *case) for case in cases]
    summary = ", ".join(f"{r['case'].split(')')[0]}) {r['ratio']:.0f}x" for r in results)
    report.note(f"ours vs plain jsonschema Draft4 (target >= {TARGET_RATIO:.0f}x): {summary}")
    slow = [r for r in results if r["ratio"] < TARGET_RATIO]
    if slow:
        # Reported, not raised: timings on a shared machine are noisy, verdicts are not.
        report.note(
            "BELOW TARGET: "
            + ", ".join(f"{r['case']} {r['ratio']:.1f}x" for r in slow)
            + ". Most of (a)'s time is the six hooks.* rules, each re-checking the whole hooks"
            " array (contracttest/validate/rules/hooks.py)."
        )
    return results


if __name__ == "__main__":
    from benchmarks import Report as _Report

    rep = _Report()
    rep.start("bench_validate", "")
    from rich.console import Console

    try:
        run(rep)
    finally:
        rep.print(Console())

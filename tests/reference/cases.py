"""The requests of the differential oracle (`differential`), by family.

``generated``/``boundary`` come from contracttest's own generators for every create and update
variant; the other families are written here because the generators do not aim at them (lengths
around variation selectors, E.164 edges, hook filters, hostile property names, nested union members,
malformed JSON, non-object bodies, bad ids, the framework's documented deviations).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from differential import NO_BODY, Case, SpecView

from contracttest.validate.rules.hooks import ENDING_REASONS

# ------------------------------------------------------------------------ generator families


def _case_for(view: SpecView, target: str, payload: Any, family: str, violation: Any) -> Case:
    """A body case for a Create*/Update* DTO ``target``: POSTed, or PATCHed to its variant's number."""
    for tag, dto in view.create_dtos.items():
        if dto == target:
            return Case(
                family,
                "POST",
                tag,
                view.create_target,
                body=payload,
                rule=violation.rule if violation else None,
                label=violation.pointer if violation else None,
            )
    for tag, dto in view.update_dtos.items():
        if dto == target:
            return Case(
                family,
                "PATCH",
                tag,
                dto,
                body=payload,
                rule=violation.rule if violation else None,
                label=violation.pointer if violation else None,
            )
    raise KeyError(target)


def dto_targets(view: SpecView) -> list[str]:
    return [*view.create_dtos.values(), *view.update_dtos.values()]


def boundary(view: SpecView, per_target: int | None = None) -> Iterator[Case]:
    """The boundary cases of every create and update variant (valid at each limit, invalid past
    it); ``per_target`` caps the limits pass of each (None: all of them)."""
    from contracttest.generate.boundary import boundary_cases
    from contracttest.generate.core import generator_for

    generator = generator_for(view.spec)
    for target in dto_targets(view):
        for c in boundary_cases(generator, view.spec.target(target), limit=per_target):
            family = "boundary invalid" if c.violation else "boundary valid"
            yield _case_for(view, target, c.payload, family, c.violation)


def generated(view: SpecView, per_target: int, seed: int) -> Iterator[Case]:
    """Hypothesis-drawn valid and labelled invalid bodies (``per_target`` of each per variant)."""
    from contracttest.generate.core import examples, generator_for

    generator = generator_for(view.spec)
    for n, target in enumerate(dto_targets(view)):
        for payload in examples(generator.valid(target), per_target, seed=seed + n):
            yield _case_for(view, target, payload, "generated valid", None)
        for bad in examples(generator.invalid(target), per_target, seed=seed + n):
            yield _case_for(view, target, bad.payload, "generated invalid", bad.violation)


def minimal_bodies(view: SpecView) -> dict[str, dict[str, Any]]:
    """The minimal valid create body of each provider (what the servers store to PATCH)."""
    from contracttest.generate.boundary import NO_VALUE, minimal
    from contracttest.generate.core import generator_for

    generator = generator_for(view.spec)
    out = {}
    for tag, dto in view.create_dtos.items():
        value = minimal(generator.plan(dto).root)
        assert value is not NO_VALUE and isinstance(value, dict), dto
        out[tag] = value
    return out


# ------------------------------------------------------------------------ hand-written families
def _with(base: dict[str, Any], **members: Any) -> dict[str, Any]:
    out = copy.deepcopy(base)
    out.update(members)
    return out


@dataclass
class Targets:
    """Where a hand-written body goes: a POST of a provider's create body, and a PATCH of a stored
    number. ``every_variant`` sends each body to all five providers both ways; otherwise each body
    goes to one POST and one PATCH variant, taken in turn (the members they share are validated by
    the same DTO classes, so the turn still reaches every variant)."""

    view: SpecView
    bases: dict[str, dict[str, Any]]
    """Each provider's minimal valid create body."""
    every_variant: bool = True
    turn: int = 0

    def each(self, *, every: bool = False) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """(method, provider, validator target, base body) for each place a body is sent."""
        tags = list(self.view.create_dtos)
        if every or self.every_variant:
            for tag in tags:
                yield "POST", tag, self.view.create_target, self.bases[tag]
            for tag, dto in self.view.update_dtos.items():
                yield "PATCH", tag, dto, {}
            return
        i, self.turn = self.turn, self.turn + 1
        post, patch = tags[i % len(tags)], tags[(i + 2) % len(tags)]
        yield "POST", post, self.view.create_target, self.bases[post]
        yield "PATCH", patch, self.view.update_dtos[patch], {}


def _emit(t: Targets, family: str, members: dict[str, Any], note: str) -> Iterator[Case]:
    for method, tag, target, base in t.each():
        yield Case(family, method, tag, target, body=_with(base, **members), note=note)


VS16, VS15 = "\ufe0f", "\ufe0e"
# name: maxLength 40, counted by validator.js isLength (13.15.22+: a selector right after another
# character is not counted; one that follows a selector or starts the string is).
LENGTH_TEXTS = {
    "40 x heart+VS16": "\u2764" + VS16,
    "40 x grinning face (astral)": "\U0001f600",
    "40 x letter+VS15": "a" + VS15,
}
LENGTH_EXTRA = {
    "20 x thumbs up+skin tone": ("\U0001f44d\U0001f3fd" * 20, True),
    "20 x thumbs up+skin tone + 1": ("\U0001f44d\U0001f3fd" * 20 + "a", False),
    "40 x VS16 alone": (VS16 * 40, True),
    "41 x VS16 alone": (VS16 * 41, False),
    "20 x a+VS16+VS16 (second selector counts)": (("a" + VS16 + VS16) * 20, True),
    "21 x a+VS16+VS16": (("a" + VS16 + VS16) * 21, False),
    "VS16 + 39 x a (leading selector counts)": (VS16 + "a" * 39, True),
    "VS16 + 40 x a": (VS16 + "a" * 40, False),
    "40 x lone high surrogate": ("\ud83d" * 40, True),
    "41 x lone high surrogate": ("\ud83d" * 41, False),
    "20 x e + combining acute": ("e\u0301" * 20, True),
    "21 x e + combining acute": ("e\u0301" * 21, False),
    "40 x CJK": ("\u6f22" * 40, True),
    "39 x a + family emoji (ZWJ sequence)": (
        "a" * 39 + "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        False,
    ),
}


def lengths(t: Targets) -> Iterator[Case]:
    """Strings around maxLength/minLength where code points, UTF-16 and validator.js disagree."""
    for label, unit in LENGTH_TEXTS.items():
        for n in (40, 41):
            text = unit * n
            note = f"name = {label.replace('40 x', f'{n} x')}"
            yield from _emit(t, "length", {"name": text}, note)
    for label, (text, _valid) in LENGTH_EXTRA.items():
        yield from _emit(t, "length", {"name": text}, f"name = {label}")
    # numberDesiredAreaCode: minLength = maxLength = 3 (vapi create only).
    for label, text in {
        "3 x heart+VS16": ("\u2764" + VS16) * 3,
        "3 x VS16": VS16 * 3,
        "ab+VS16 (2)": "ab" + VS16,
        "abc+VS16 (3)": "abc" + VS16,
        "3 x astral": "\U0001f600" * 3,
        "2 x astral": "\U0001f600" * 2,
    }.items():
        yield Case(
            "length",
            "POST",
            "vapi",
            t.view.create_target,
            body=_with(t.bases["vapi"], numberDesiredAreaCode=text),
            note=f"numberDesiredAreaCode = {label}",
        )
    # SipAuthentication.username/password: 20..40; say.exact: maxLength 4000.
    for label, text in {
        "20 x heart+VS16": ("\u2764" + VS16) * 20,
        "19 x heart+VS16": ("\u2764" + VS16) * 19,
        "41 x astral": "\U0001f600" * 41,
    }.items():
        auth = {"username": text, "password": "p" * 20}
        yield Case(
            "length",
            "POST",
            "vapi",
            t.view.create_target,
            body=_with(t.bases["vapi"], authentication=auth),
            note=f"authentication.username = {label}",
        )
    for n in (4000, 4001):
        hooks = [{"on": "call.ringing", "do": [{"type": "say", "exact": ("\u2764" + VS16) * n}]}]
        yield from _emit(t, "length", {"hooks": hooks}, f"say.exact = {n} x heart+VS16")


E164_NUMBERS = {
    "+14155550100": "valid",
    "+12": "shortest",
    "+123456789012345": "15 digits",
    "+1234567890123456": "16 digits",
    "14155550100": "no +",
    "+04155550100": "country code 0",
    "+1 415 555 0100": "spaces",
    "+1-415-555-0100": "dashes",
    "+\u0661\u0662\u0663\u0664": "Arabic-Indic digits",
    "+\uff11\uff12\uff13": "fullwidth digits",
    "+14155550100\n": "trailing newline",
    "++14155550100": "two +",
}
ALNUM_NUMBERS = {
    "abc": "letters",
    "+abc123": "+ and alphanumerics",
    "1234": "digits",
    "+001234567890": "leading zeros",
    "ab-c": "dash",
    "ab c": "space",
    "\u00e9t\u00e9": "non-ASCII letters",
    "abc\n": "trailing newline",
}


def phones(t: Targets) -> Iterator[Case]:
    """E.164 and the numberE164CheckEnabled toggle: BYO numbers and transfer destinations."""
    byo_post = ("POST", t.view.create_target, t.bases["byo-phone-number"])
    byo_patch = ("PATCH", t.view.update_dtos["byo-phone-number"], {})
    for method, target, base in (byo_post, byo_patch):
        for number, what in E164_NUMBERS.items():
            yield Case(
                "E.164",
                method,
                "byo-phone-number",
                target,
                body=_with(base, number=number),
                note=f"number {what}",
            )
        for number, what in ALNUM_NUMBERS.items():
            yield Case(
                "E.164",
                method,
                "byo-phone-number",
                target,
                body=_with(base, number=number, numberE164CheckEnabled=False),
                note=f"number {what}, E.164 check off",
            )
        yield Case(
            "E.164",
            method,
            "byo-phone-number",
            target,
            body=_with(base, number="abc", numberE164CheckEnabled="false"),
            note="numberE164CheckEnabled as a string",
        )
    for number, what in {**E164_NUMBERS, "abc": "letters"}.items():
        dest = {"type": "number", "number": number}
        yield from _emit(t, "E.164", {"fallbackDestination": dest}, f"destination {what}")
    for number, what in ALNUM_NUMBERS.items():
        dest = {"type": "number", "number": number, "numberE164CheckEnabled": False}
        yield from _emit(
            t, "E.164", {"fallbackDestination": dest}, f"destination {what}, check off"
        )
    for caller in ("{{customer.number}}", "4155550100", "+14155550100"):
        dest = {"type": "number", "number": "+14155550100", "callerId": caller}
        yield from _emit(
            t,
            "E.164",
            {"fallbackDestination": dest},
            f"callerId {caller!r} (warning only)",
        )


def _ringing(filters: Any = NO_BODY, do: Any = NO_BODY, on: Any = "call.ringing") -> dict[str, Any]:
    hook: dict[str, Any] = {"on": on}
    hook["do"] = [{"type": "say", "exact": "hi"}] if do is NO_BODY else do
    if filters is not NO_BODY:
        hook["filters"] = filters
    return hook


def _ending(filters: Any = NO_BODY, do: Any = NO_BODY, on: Any = "call.ending") -> dict[str, Any]:
    hook: dict[str, Any] = {"on": on}
    if do is not NO_BODY:
        hook["do"] = do
    if filters is not NO_BODY:
        hook["filters"] = filters
    return hook


def _starts(prefixes: Any) -> list[dict[str, Any]]:
    return [{"type": "startsWith", "key": "number", "startsWith": prefixes}]


def _reasons(values: Any) -> list[dict[str, Any]]:
    return [{"type": "oneOf", "key": "call.endedReason", "oneOf": values}]


HOOKS: dict[str, Any] = {
    "ringing, one prefix": [_ringing(_starts(["91"]))],
    "ringing, 20 prefixes of 20 digits": [_ringing(_starts(["1" * 20] * 20))],
    "ringing, 21 prefixes": [_ringing(_starts(["1"] * 21))],
    "ringing, a 21-digit prefix": [_ringing(_starts(["1" * 21]))],
    "ringing, prefix with +": [_ringing(_starts(["+1"]))],
    "ringing, empty prefix": [_ringing(_starts([""]))],
    "ringing, Arabic-Indic digits": [_ringing(_starts(["\u0661"]))],
    "ringing, prefix with a newline": [_ringing(_starts(["1\n"]))],
    "ringing, numeric prefix": [_ringing(_starts([1]))],
    "ringing, no prefixes": [_ringing(_starts([]))],
    "ringing, startsWith a string": [_ringing(_starts("91"))],
    "ringing, ending filter": [_ringing(_reasons(["assistant-request-failed"]))],
    "ringing, two actions (only the first runs)": [
        _ringing(do=[{"type": "say", "exact": "a"}, {"type": "say", "exact": "b"}])
    ],
    "ringing, no actions": [_ringing(do=[])],
    "ringing, do an object": [_ringing(do={"type": "say", "exact": "a"})],
    "ringing, without do": [{"on": "call.ringing"}],
    "ringing, transfer to a number": [
        _ringing(
            do=[{"type": "transfer", "destination": {"type": "number", "number": "+14155550100"}}]
        )
    ],
    "ringing, transfer to an unknown kind": [
        _ringing(
            do=[{"type": "transfer", "destination": {"type": "fax", "number": "+14155550100"}}]
        )
    ],
    "ringing, unknown action": [_ringing(do=[{"type": "hangup"}])],
    "ringing, action without type": [_ringing(do=[{"exact": "hi"}])],
    "ringing, action not an object": [_ringing(do=["say"])],
    "ending, all six reasons": [
        _ending(_reasons(list(ENDING_REASONS)), do={"type": "say", "exact": "bye"})
    ],
    "ending, other ended reason": [_ending(_reasons(["customer-ended-call"]))],
    "ending, no reasons": [_ending(_reasons([]))],
    "ending, reasons a string": [_ending(_reasons("assistant-request-failed"))],
    "ending, ringing filter": [_ending(_starts(["1"]))],
    "ending, do an array": [_ending(do=[{"type": "say", "exact": "a"}])],
    "ending, say without exact": [_ending(do={"type": "say"})],
    "unknown event": [_ending(on="call.started")],
    "no event": [{"do": {"type": "say", "exact": "a"}}],
    "event a number": [{"on": 1}],
    "hook not an object": ["call.ringing"],
    "hook null": [None],
    "hooks an object": {"on": "call.ending"},
    "a ringing and an ending hook": [_ringing(), _ending(do={"type": "say", "exact": "a"})],
}


def hooks(t: Targets) -> Iterator[Case]:
    for note, value in HOOKS.items():
        yield from _emit(t, "hooks", {"hooks": value}, note)


UNKNOWN_NAMES = [
    "x",
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    "valueOf",
    "__defineGetter__",
    "",
    "a.b",
    "0",
    "a b",
]


def unknown_properties(t: Targets) -> Iterator[Case]:
    """Undeclared members at the top and nested, hostile names included; free-form objects stay open."""
    for name in UNKNOWN_NAMES:
        yield from _emit(t, "unknown property", {name: 1}, f"top-level {name!r}")
        dest = {"type": "sip", "sipUri": "sip:a@b.c", name: {"polluted": True}}
        yield from _emit(t, "unknown property", {"fallbackDestination": dest}, f"nested {name!r}")
    # Another provider's member (whitelisting is per DTO).
    for method, tag, target, base in t.each(every=True):
        other = "smsEnabled" if tag != "twilio" else "credentialId"
        yield Case(
            "unknown property",
            method,
            tag,
            target,
            body=_with(base, **{other: True if other == "smsEnabled" else "c"}),
            note=f"another provider's {other}",
        )
    for free in ({"X-Any": "v", "nested": {"deep": [1]}}, {}):
        yield from _emit(
            t,
            "unknown property",
            {"server": {"headers": free}},
            "server.headers is free-form",
        )
        dest = {"type": "sip", "sipUri": "sip:a@b.c", "sipHeaders": free}
        yield from _emit(
            t,
            "unknown property",
            {"fallbackDestination": dest},
            "sipHeaders is free-form",
        )


UNIONS: dict[str, Any] = {
    "destination number": {"fallbackDestination": {"type": "number", "number": "+14155550100"}},
    "destination sip": {"fallbackDestination": {"type": "sip", "sipUri": "sip:a@b.c"}},
    "destination unknown type": {"fallbackDestination": {"type": "fax", "number": "+14155550100"}},
    "destination without type": {"fallbackDestination": {"number": "+14155550100"}},
    "destination type a number": {"fallbackDestination": {"type": 1}},
    "destination sip with a number member": {
        "fallbackDestination": {"type": "sip", "sipUri": "s", "number": "+14155550100"}
    },
    "destination a string": {"fallbackDestination": "sip:a@b.c"},
    "destination an array": {"fallbackDestination": [{"type": "sip", "sipUri": "s"}]},
    "destination empty array": {"fallbackDestination": []},
    "message a string": {"fallbackDestination": {"type": "sip", "sipUri": "s", "message": "hi"}},
    "message empty string": {"fallbackDestination": {"type": "sip", "sipUri": "s", "message": ""}},
    "message a custom message": {
        "fallbackDestination": {
            "type": "sip",
            "sipUri": "s",
            "message": {"type": "custom-message", "content": "hi"},
        }
    },
    "message an object without type": {
        "fallbackDestination": {"type": "sip", "sipUri": "s", "message": {"content": "hi"}}
    },
    "message a number": {"fallbackDestination": {"type": "sip", "sipUri": "s", "message": 5}},
    "message an array": {"fallbackDestination": {"type": "sip", "sipUri": "s", "message": ["hi"]}},
    "message contents with an unknown language": {
        "fallbackDestination": {
            "type": "sip",
            "sipUri": "s",
            "message": {
                "type": "custom-message",
                "contents": [{"type": "text", "text": "a", "language": "xx"}],
            },
        }
    },
    "context plan lastNMessages": {
        "fallbackDestination": {
            "type": "sip",
            "sipUri": "s",
            "transferPlan": {
                "mode": "blind-transfer",
                "contextEngineeringPlan": {"type": "lastNMessages", "maxMessages": 3},
            },
        }
    },
    "context plan lastNMessages without maxMessages": {
        "fallbackDestination": {
            "type": "sip",
            "sipUri": "s",
            "transferPlan": {
                "mode": "blind-transfer",
                "contextEngineeringPlan": {"type": "lastNMessages"},
            },
        }
    },
    "context plan unknown type": {
        "fallbackDestination": {
            "type": "sip",
            "sipUri": "s",
            "transferPlan": {"mode": "blind-transfer", "contextEngineeringPlan": {"type": "some"}},
        }
    },
    "transfer plan without mode": {
        "fallbackDestination": {"type": "sip", "sipUri": "s", "transferPlan": {}}
    },
    "fallback plan message a custom message": {
        "fallbackDestination": {
            "type": "sip",
            "sipUri": "s",
            "transferPlan": {
                "mode": "blind-transfer",
                "fallbackPlan": {"message": {"type": "custom-message"}},
            },
        }
    },
    "fallback plan without message": {
        "fallbackDestination": {
            "type": "sip",
            "sipUri": "s",
            "transferPlan": {"mode": "blind-transfer", "fallbackPlan": {}},
        }
    },
    "backoff plan type an object (the seed spec's defect)": {
        "server": {"backoffPlan": {"type": {}, "maxRetries": 0, "baseDelaySeconds": 1}}
    },
    "backoff plan excluded codes as strings": {
        "server": {
            "backoffPlan": {
                "type": "fixed",
                "maxRetries": 0,
                "baseDelaySeconds": 1,
                "excludedStatusCodes": ["400"],
            }
        }
    },
    "summary plan messages not objects": {
        "fallbackDestination": {
            "type": "sip",
            "sipUri": "s",
            "transferPlan": {"mode": "blind-transfer", "summaryPlan": {"messages": ["a", [1]]}},
        }
    },
}


def unions(t: Targets) -> Iterator[Case]:
    for note, members in UNIONS.items():
        yield from _emit(t, "nested union member", members, note)


WRONG_TYPES: dict[str, Any] = {
    "name a number": {"name": 1},
    "name a boolean": {"name": True},
    "name an array": {"name": ["a"]},
    "name an object": {"name": {}},
    "assistantId a number": {"assistantId": 5},
    "server a string": {"server": "https://x"},
    "server an array": {"server": []},
    "server.timeoutSeconds a numeric string": {"server": {"timeoutSeconds": "20"}},
    "server.timeoutSeconds 0": {"server": {"timeoutSeconds": 0}},
    "server.timeoutSeconds 300.5": {"server": {"timeoutSeconds": 300.5}},
    "server.timeoutSeconds 1e2": {"server": {"timeoutSeconds": 1e2}},
    "server.timeoutSeconds a huge integer": {"server": {"timeoutSeconds": 10**30}},
    "server.staticIpAddressesEnabled a string": {"server": {"staticIpAddressesEnabled": "true"}},
    "server.staticIpAddressesEnabled 1": {"server": {"staticIpAddressesEnabled": 1}},
    "server.encryptedPaths a string": {"server": {"encryptedPaths": "a"}},
    "server.encryptedPaths with a number": {"server": {"encryptedPaths": ["a", 1]}},
    "server.headers an array": {"server": {"headers": []}},
    "hooks a string": {"hooks": "x"},
}


def wrong_types(t: Targets) -> Iterator[Case]:
    for note, members in WRONG_TYPES.items():
        yield from _emit(t, "wrong type", members, note)
    for method, tag, target, base in t.each(every=True):
        if method == "POST":
            for tag_value in (None, 1, "", "TWILIO", ["twilio"]):
                yield Case(
                    "wrong type",
                    method,
                    tag,
                    target,
                    body=_with(base, provider=tag_value),
                    note=f"provider {tag_value!r}",
                )
            yield Case(
                "wrong type",
                method,
                tag,
                target,
                body={k: v for k, v in base.items() if k != "provider"},
                note="no provider",
            )
        else:
            for tag_value in (tag, "vonage" if tag != "vonage" else "twilio", "x"):
                yield Case(
                    "wrong type",
                    method,
                    tag,
                    target,
                    body={"provider": tag_value},
                    note=f"provider {tag_value!r} on a {tag} number",
                )


MALFORMED = {
    "unterminated object": b'{"provider": ',
    "trailing comma": b'{"provider": "vapi",}',
    "single quotes": b"{'provider': 'vapi'}",
    "NaN": b'{"provider": "vapi", "server": {"timeoutSeconds": NaN}}',
    "garbage after the value": b'{"provider": "vapi"} x',
    "invalid UTF-8": b'{"provider": "vapi", "name": "\xff\xfe"}',
    "UTF-8 BOM": b'\xef\xbb\xbf{"provider": "vapi"}',
    "a lone {": b"{",
    "null": b"null",
    "a string": b'"vapi"',
    "a number": b"42",
    "true": b"true",
    "whitespace only": b"  \n ",
}
NON_OBJECTS = {
    "empty array": [],
    "array of one object": [{"provider": "vapi"}],
    "array of numbers": [1, 2],
}


def malformed(t: Targets) -> Iterator[Case]:
    for method, tag, target, _base in t.each():
        for note, raw in MALFORMED.items():
            family = (
                "malformed JSON"
                if note not in ("null", "a string", "a number", "true")
                else "non-object body"
            )
            yield Case(family, method, tag, target, raw=raw, note=note)
        for note, body in NON_OBJECTS.items():
            yield Case("non-object body", method, tag, target, body=body, note=note)
        yield Case("no body", method, tag, target, note="no body at all")
        yield Case("no body", method, tag, target, raw=b"", note="no bytes, JSON content type")
        yield Case(
            "no body",
            method,
            tag,
            target,
            raw=b'{"provider": "vapi", "name": 1}',
            content_type="text/plain",
            note="JSON sent as text/plain",
        )
        big = {"provider": tag, "name": "n", "server": {"headers": {"x": "a" * 110_000}}}
        if method == "PATCH":
            big.pop("provider")
        yield Case("no body", method, tag, target, body=big, note="a body over 100 kB")


BAD_IDS = {
    "0": False,
    "not-a-uuid": False,
    "3f2504e0-4f89-41d3-9a0c-0305e82c3301": True,
    "3F2504E0-4F89-41D3-9A0C-0305E82C3301": True,
    "00000000-0000-0000-0000-000000000000": True,
    "ffffffff-ffff-ffff-ffff-ffffffffffff": True,
    "3f2504e0-4f89-01d3-9a0c-0305e82c3301": False,
    "3f2504e0-4f89-91d3-9a0c-0305e82c3301": False,
    "3f2504e0-4f89-41d3-ca0c-0305e82c3301": False,
    "3f2504e0-4f89-71d3-9a0c-0305e82c3301": True,
    "3f2504e0-4f89-81d3-9a0c-0305e82c3301": True,
    "3f2504e04f8941d39a0c0305e82c3301": False,
    "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}": False,
    "3f2504e0-4f89-41d3-9a0c-0305e82c330": False,
    "3f2504e0-4f89-41d3-9a0c-0305e82c33012": False,
    "urn:uuid:3f2504e0-4f89-41d3-9a0c-0305e82c3301": False,
    "3f2504e0-4f89-41d3-9a0c-0305e82c330g": False,
    " 3f2504e0-4f89-41d3-9a0c-0305e82c3301": False,
}


def bad_ids(t: Targets) -> Iterator[Case]:
    """Path ids ParseUUIDPipe takes or refuses (RFC 9562: versions 1-8, nil, max)."""
    from urllib.parse import quote

    for text in BAD_IDS:
        for method in ("GET", "DELETE", "PATCH"):
            body = {"name": "x"} if method == "PATCH" else NO_BODY
            yield Case(
                "bad id",
                method,
                "vapi",
                t.view.id_target,
                body=body,
                bad_id=quote(text, safe=""),
                note=f"id {text!r}",
            )


def nulls(t: Targets) -> Iterator[Case]:
    """Members sent as null: a documented deviation (class-validator's @IsOptional)."""
    for note, members in {
        "name null": {"name": None},
        "fallbackDestination null": {"fallbackDestination": None},
        "hooks null": {"hooks": None},
        "server.url null": {"server": {"url": None}},
        "destination message null": {
            "fallbackDestination": {"type": "sip", "sipUri": "s", "message": None}
        },
        "destination type null": {"fallbackDestination": {"type": None, "sipUri": "s"}},
        "say.exact null (required)": {"hooks": [_ending(do={"type": "say", "exact": None})]},
    }.items():
        yield from _emit(t, "null member", members, note)
    for method, tag, target, base in t.each(every=True):
        yield Case(
            "null member",
            method,
            tag,
            target,
            body=_with(base, provider=None),
            note="provider null",
        )


HANDWRITTEN = (
    lengths,
    phones,
    hooks,
    unknown_properties,
    unions,
    wrong_types,
    malformed,
    bad_ids,
    nulls,
)


def handwritten(t: Targets) -> Iterator[Case]:
    for family in HANDWRITTEN:
        yield from family(t)

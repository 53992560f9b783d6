"""Deliberately buggy Phone Numbers servers, for the runner's tests and the benchmark.

`make_app(spec, tokens, bug=None)` is a small Starlette app implementing the seed spec's Phone Numbers
API (with the fixes overlay) the way a correct server would: NestJS-shaped 400s that name the field,
401 without a valid bearer token, one org per token, 404 for unknown ids, merge PATCH that keeps the
provider, limit/pagination/filters/search/sort on the lists, write-only Twilio secrets. Requests are
validated with contracttest's own validators, so "correct" means correct by the same rules the runner
applies; what the buggy variants get wrong is behaviour, which is what a conformance run must catch.

``bug`` switches on exactly one defect from `BUGS`; each entry names the checks that must report it.
Serve an app on 127.0.0.1 with `serve` (uvicorn in a thread).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import math
import re
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

BUGS: dict[str, tuple[str, frozenset[str]]] = {
    name: (text, frozenset(checks))
    for name, text, checks in (
        ("create-200", "POST answers 200 where the spec documents 201", {"response.status"}),
        (
            "leak-auth-token",
            "responses carry twilioAuthToken in clear text",
            {"response.no-secrets"},
        ),
        ("ignore-limit", "the lists ignore limit", {"stateful.pagination"}),
        ("limit-off-by-one", "GET /phone-number returns limit-1 items", {"stateful.pagination"}),
        ("page-off-by-one", "page n skips to offset n*limit", {"stateful.pagination"}),
        ("total-pages-floor", "totalPages rounds down", {"stateful.pagination"}),
        ("total-all-orgs", "totalItems counts every org's numbers", {"auth.isolation"}),
        (
            "accept-invalid-e164",
            "a BYO number that is not E.164 is accepted",
            {"request.invalid-rejected"},
        ),
        (
            "accept-long-name",
            "name longer than 40 characters is accepted",
            {"request.invalid-rejected"},
        ),
        (
            "accept-unknown-fields",
            "unknown body properties are accepted",
            {"request.invalid-rejected"},
        ),
        ("accept-big-limit", "limit above 1000 is accepted", {"request.invalid-rejected"}),
        ("accept-text-plain", "JSON sent as text/plain is accepted", {"request.invalid-rejected"}),
        (
            "vague-errors",
            "400 bodies never say which field is wrong",
            {"request.error-names-field"},
        ),
        ("extra-field", "responses carry an undocumented member", {"response.schema"}),
        ("missing-required", "responses leave out the required orgId", {"response.schema"}),
        ("wrong-type", "createdAt is an epoch number", {"response.schema"}),
        ("bad-date-format", "createdAt is not RFC 3339", {"response.schema"}),
        ("bad-status-enum", "status is a value outside its enum", {"response.schema"}),
        ("text-content-type", "JSON answers say text/plain", {"response.content-type"}),
        ("patch-changes-provider", "PATCH may change the provider", {"stateful.discriminator"}),
        (
            "provider-rewritten",
            "every number is stored as provider vapi",
            {"stateful.discriminator"},
        ),
        ("delete-noop", "DELETE answers 200 but keeps the number", {"stateful.lifecycle"}),
        (
            "patch-not-persisted",
            "PATCH answers the merge but does not store it",
            {"stateful.lifecycle"},
        ),
        ("patch-replaces", "PATCH replaces the number with the patch", {"stateful.lifecycle"}),
        ("create-drops-name", "name is not stored", {"stateful.lifecycle"}),
        ("wrong-default", "numberE164CheckEnabled defaults to false", {"stateful.lifecycle"}),
        ("list-stale", "new numbers do not show up in GET /phone-number", {"stateful.lifecycle"}),
        ("ignore-date-filters", "createdAt/updatedAt filters are ignored", {"stateful.filters"}),
        ("ignore-search", "search is ignored", {"stateful.filters"}),
        (
            "updated-filter-uses-created",
            "updatedAt filters compare createdAt",
            {"stateful.filters"},
        ),
        ("ignore-sort", "sortOrder is ignored", {"stateful.filters"}),
        (
            "default-sort-asc",
            "without sortOrder the list is oldest first, metadata says DESC",
            {"stateful.filters"},
        ),
        (
            "search-case-sensitive",
            "search is case-sensitive though documented otherwise",
            {"stateful.filters"},
        ),
        (
            "reject-name-at-max",
            "a name of exactly 40 characters is rejected",
            {"request.valid-accepted"},
        ),
        ("cross-org-read", "GET by id ignores the org", {"auth.isolation"}),
        ("cross-org-write", "PATCH and DELETE by id ignore the org", {"auth.isolation"}),
        ("list-all-orgs", "lists show every org's numbers", {"auth.isolation"}),
        ("no-auth", "no credentials needed", {"auth.required"}),
        ("any-token", "any bearer token is accepted", {"auth.required"}),
        ("crash-malformed-json", "malformed JSON gets 500", {"server.no-5xx"}),
        ("crash-bad-id", "an id that is not a UUID gets 500", {"server.no-5xx"}),
        ("crash-limit-zero", "limit=0 on the paginated list divides by zero", {"server.no-5xx"}),
        ("crash-unicode", "non-ASCII names get 500", {"server.no-5xx"}),
        ("unknown-id-400", "unknown ids get 400 instead of 404", {"request.unknown-id"}),
        ("unknown-id-200", "unknown ids get 200 with an empty object", {"request.unknown-id"}),
        ("echo-token", "404 messages echo the caller's token", {"response.no-secrets"}),
        ("echo-token-header", "a debug header echoes the caller's token", {"response.no-secrets"}),
        # -- secrets ---------------------------------------------------------------------------
        (
            "leak-api-secret",
            "responses carry twilioApiSecret in clear text",
            {"response.no-secrets"},
        ),
        (
            "leak-in-list",
            "only the items of GET /phone-number carry twilioAuthToken",
            {"response.no-secrets"},
        ),
        (
            "echo-secret-in-400",
            "a 400 quotes the twilioAuthToken the client sent",
            {"response.no-secrets"},
        ),
        # -- validation ------------------------------------------------------------------------
        (
            "accept-wrong-type",
            "a number for name is accepted (coerced to a string)",
            {"request.invalid-rejected"},
        ),
        (
            "accept-missing-required",
            "a BYO number without credentialId is accepted",
            {"request.invalid-rejected"},
        ),
        (
            "accept-unknown-provider",
            "an unknown provider is accepted and stored as byo-phone-number",
            {"request.invalid-rejected"},
        ),
        (
            "accept-null",
            "null is accepted for members that are not nullable",
            {"request.invalid-rejected"},
        ),
        ("accept-page-zero", "page=0 is accepted", {"request.invalid-rejected"}),
        (
            "reject-max-limit",
            "limit=1000, the documented maximum, is rejected",
            {"request.valid-accepted"},
        ),
        (
            "misnamed-field-errors",
            "every 400 blames name, whatever field is wrong",
            {"request.error-names-field"},
        ),
        # -- robustness ------------------------------------------------------------------------
        ("crash-astral", "names with characters beyond the BMP get 500", {"server.no-5xx"}),
        ("crash-array-body", "a JSON array as the body gets 500", {"server.no-5xx"}),
        ("crash-null", "null for a member gets 500", {"server.no-5xx"}),
        ("crash-wrong-type", "a number where name expects a string gets 500", {"server.no-5xx"}),
        ("crash-empty-patch", "PATCH with an empty object gets 500", {"server.no-5xx"}),
        ("crash-huge-page", "a page number past 1,000,000 gets 500", {"server.no-5xx"}),
        # -- responses -------------------------------------------------------------------------
        ("create-empty-body", "POST answers 201 with an empty body", {"response.schema"}),
        (
            "delete-204",
            "DELETE answers 204 No Content where the spec documents 200 with the number",
            {"response.status"},
        ),
        (
            "list-provider-alias",
            "lists show provider byo-phone-number as 'byo'",
            {"response.schema"},
        ),
        # -- state -----------------------------------------------------------------------------
        (
            "delete-still-listed",
            "DELETE hides the number from GET by id, but the lists still show it",
            {"stateful.lifecycle"},
        ),
        (
            "patch-drops-field",
            "PATCH answers the merge but stores only name",
            {"stateful.lifecycle"},
        ),
        ("patch-moves-created-at", "PATCH resets createdAt", {"stateful.lifecycle"}),
        ("name-truncated", "names are stored cut to 30 characters", {"stateful.lifecycle"}),
        (
            "unicode-mangled",
            "non-ASCII characters of names are stored as '?'",
            {"stateful.lifecycle"},
        ),
        ("has-next-page-wrong", "hasNextPage is always false", {"stateful.pagination"}),
        ("items-per-page-wrong", "metadata.itemsPerPage is always 100", {"stateful.pagination"}),
        # -- isolation and auth ----------------------------------------------------------------
        ("cross-org-delete", "DELETE by id ignores the org (PATCH checks it)", {"auth.isolation"}),
        (
            "search-all-orgs",
            "search on /v2/phone-number looks through every org's numbers",
            {"auth.isolation"},
        ),
        ("no-auth-delete", "DELETE needs no credentials", {"auth.required"}),
        (
            "no-auth-list",
            "GET /phone-number needs no credentials (org 1's list)",
            {"auth.required"},
        ),
        # -- more of each kind -----------------------------------------------------------------
        (
            "page-overlap",
            "page n starts one item early (repeats the last of page n-1)",
            {"stateful.pagination"},
        ),
        ("total-is-page-size", "totalItems counts the current page only", {"stateful.pagination"}),
        ("current-page-always-1", "metadata.currentPage is always 1", {"stateful.pagination"}),
        ("gt-inclusive", "createdAtGt/updatedAtGt include the pivot itself", {"stateful.filters"}),
        (
            "patch-no-validation",
            "PATCH stores whatever it gets (no validation)",
            {"request.invalid-rejected"},
        ),
        ("null-optional-fields", "unset optional members come back as null", {"response.schema"}),
        ("list-missing-required", "list items leave out the required orgId", {"response.schema"}),
        ("date-no-timezone", "createdAt has no UTC offset", {"response.schema"}),
        (
            "no-content-type-on-create",
            "the 201 of POST /phone-number has no Content-Type",
            {"response.content-type"},
        ),
        (
            "reject-date-offset",
            "date filters with an offset other than Z are rejected",
            {"request.valid-accepted"},
        ),
        ("crash-search-regex", "search builds a regex: '(' or '[' gets 500", {"server.no-5xx"}),
        ("crash-sql-quote", "a name with an apostrophe breaks the SQL: 500", {"server.no-5xx"}),
        # -- one wrong way of each semantic rule (every other way of it is enforced) ------------
        (
            "e164-country-code-0",
            "an E.164 number with country code 0 (+0415...) is accepted",
            {"request.invalid-rejected"},
        ),
        (
            "alphanumeric-symbols",
            "with numberE164CheckEnabled false, a number with '#' is accepted",
            {"request.invalid-rejected"},
        ),
        (
            "prefix-with-plus",
            "a ringing filter prefix written with '+' is accepted",
            {"request.invalid-rejected"},
        ),
        (
            "prefix-count-unchecked",
            "a ringing filter with 21 prefixes is accepted",
            {"request.invalid-rejected"},
        ),
        (
            "ending-reason-unchecked",
            "an ending filter reason outside the six assistant-request ones is accepted",
            {"request.invalid-rejected"},
        ),
        (
            "hook-on-unchecked",
            "a hook whose 'on' does not fit its shape is accepted",
            {"request.invalid-rejected"},
        ),
        (
            "ringing-do-object",
            "a ringing hook's do given as one object instead of an array is accepted",
            {"request.invalid-rejected"},
        ),
        (
            "length-code-points",
            "lengths are counted in code points: a 40-character name with a variation selector "
            "(40 as the contract counts) is rejected",
            {"request.valid-accepted"},
        ),
        # -- a constraint three unions deep -----------------------------------------------------
        (
            "hook-destination-unchecked",
            "the destination of a hook's transfer action (hooks[] -> do[] -> destination, three "
            "unions deep) is not validated",
            {"request.invalid-rejected"},
        ),
        # -- HTTP semantics oracles -------------------------------------------------------------
        (
            "rejected-create-persists",
            "a create rejected with 400 is stored anyway",
            {"stateful.rejected-writes"},
        ),
        (
            "rejected-patch-applies",
            "a PATCH rejected with 400 still applies its valid members",
            {"stateful.rejected-writes"},
        ),
        (
            "patch-appends-arrays",
            "PATCH appends array members to the stored ones: the same PATCH twice differs",
            {"stateful.idempotent-patch"},
        ),
        (
            "location-wrong",
            "the 201 of a create has a Location header that names another resource",
            {"stateful.location"},
        ),
        (
            "undocumented-method-200",
            "PUT /phone-number/{id}, which the spec does not document, answers 200",
            {"request.undocumented-method"},
        ),
    )
}

BEYOND_CONTRACT = frozenset({"vague-errors", "misnamed-field-errors", "location-wrong"})
"""Bugs the contract does not forbid, reported as advisory findings: how helpful a 400's message
is (the spec documents no error body), and a Location header the spec does not document. Every
other bug breaks the contract and must fail a contract-level check, except:"""
IN_THE_SPEC = {
    "leak-auth-token": "spec.documented-secret",
    "leak-api-secret": "spec.documented-secret",
    "leak-in-list": "spec.documented-secret",
}
"""Bugs the contract itself commits: the TwilioPhoneNumber response schema documents
twilioAuthToken and twilioApiSecret, so a server returning them conforms; the check reports the
spec's defect (a spec finding, this rule), never a failure of the server."""

CREATE = "PhoneNumberController_create"
LIST = "PhoneNumberController_findAll"
PAGED = "PhoneNumberController_findAllPaginated"
GET = "PhoneNumberController_findOne"
UPDATE = "PhoneNumberController_update"
DELETE = "PhoneNumberController_remove"
WRITE_ONLY = frozenset({"twilioAuthToken", "twilioApiSecret"})
TWILIO_MARK = "tw-auth-"
"""Prefix of the Twilio auth token the ``leak-auth-token`` server hands out (must never be reported)."""
UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
DATE_FILTERS = (
    "createdAtGt",
    "createdAtLt",
    "createdAtGe",
    "createdAtLe",
    "updatedAtGt",
    "updatedAtLt",
    "updatedAtGe",
    "updatedAtLe",
)


class Problem(Exception):
    def __init__(self, status: int, message: str | list[str], error: str) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"message": message, "error": error, "statusCode": status}


def _bad(message: str | list[str]) -> Problem:
    return Problem(400, message, "Bad Request")


def _message(finding: Any) -> str:
    """A NestJS-style message: it names the field (``number must be ...``)."""
    from contracttest.findings import pointer_to_path

    label = pointer_to_path(finding.pointer)[1:].lstrip(".")
    label = label.removeprefix("query.").removeprefix("path.")
    last = label.rsplit(".", 1)[-1]
    if not label or last in finding.message:
        return str(finding.message)
    return f"{label}: {finding.message}"


def _code_point_lengths(spec: Any, target: str, payload: Any) -> list[Any]:
    """``name`` longer than its maxLength in code points (a server counting them, not as
    class-validator does: variation selectors count)."""
    from contracttest.findings import Finding, Severity

    if not isinstance(payload, dict) or not isinstance(payload.get("name"), str):
        return []
    if len(payload["name"]) <= 40:
        return []
    return [
        Finding(
            rule="length.maxLength",
            severity=Severity.ERROR,
            pointer="/name",
            message="name must be shorter than or equal to 40 characters",
            target=target,
        )
    ]


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class PhoneNumberServer:
    """State and behaviour of one server (one bug at most)."""

    def __init__(self, spec: Any, tokens: Sequence[str], bug: str | None = None) -> None:
        if bug is not None and bug not in BUGS:
            raise ValueError(f"unknown bug {bug!r}")
        self.spec = spec
        self.tokens = list(tokens)
        self.bug = bug
        self.records: dict[str, dict[str, Any]] = {}
        self.stale: set[str] = set()
        self.ghosts: set[str] = set()
        """Deleted by id but still listed (delete-still-listed)."""
        self._last = datetime.now(UTC) - timedelta(seconds=1)
        self.defaults = self._defaults()

    # -- helpers ---------------------------------------------------------------------------
    def _defaults(self) -> dict[str, dict[str, Any]]:
        raw = self.spec.raw
        body = raw["paths"]["/phone-number"]["post"]["requestBody"]["content"]["application/json"][
            "schema"
        ]
        out: dict[str, dict[str, Any]] = {}
        for tag, ref in body["discriminator"]["mapping"].items():
            comp = raw["components"]["schemas"][ref.rsplit("/", 1)[-1]]
            out[tag] = {
                k: v["default"] for k, v in comp.get("properties", {}).items() if "default" in v
            }
        return out

    def now(self) -> str:
        now = datetime.now(UTC)
        if now <= self._last:
            now = self._last + timedelta(milliseconds=1)
        self._last = now
        return _iso(now)

    def org_of(self, authorization: str | None) -> str:
        if self.bug == "no-auth":
            return "org-1"
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Problem(401, "Unauthorized", "Unauthorized")
        for i, known in enumerate(self.tokens):
            if hmac.compare_digest(known.encode(), token.encode()):
                return f"org-{i + 1}"
        if self.bug == "any-token":
            return "org-1"
        raise Problem(401, "Unauthorized", "Unauthorized")

    def findings(self, target: str, payload: Any) -> list[Any]:
        from contracttest.findings import Severity
        from contracttest.validate import get_validator

        found = [
            f
            for f in get_validator(self.spec, target).iter_findings(payload)
            if f.severity >= Severity.ERROR
        ]
        if self.bug == "accept-invalid-e164":
            found = [f for f in found if not f.rule.startswith("phone.")]
        if self.bug == "accept-long-name":
            found = [f for f in found if not (f.pointer == "/name" and "ength" in f.rule)]
        if self.bug == "accept-unknown-fields":
            found = [f for f in found if f.rule != "schema.additionalProperties"]
        if self.bug == "accept-wrong-type":
            found = [f for f in found if not (f.pointer == "/name" and f.rule == "schema.type")]
        if self.bug == "accept-missing-required":
            found = [
                f
                for f in found
                if not (f.rule == "schema.required" and f.pointer == "/credentialId")
            ]
        if self.bug == "accept-unknown-provider":
            found = [f for f in found if not f.rule.startswith("discriminator.")]
        if self.bug == "accept-null":
            found = [f for f in found if _at(payload, f.pointer) is not None]
        if self.bug == "accept-page-zero":
            found = [
                f for f in found if not (f.pointer.endswith("/page") and f.rule == "schema.minimum")
            ]
        if self.bug == "accept-big-limit":
            found = [
                f
                for f in found
                if not (f.pointer.endswith("/limit") and f.rule == "schema.maximum")
            ]
        found = self.waive(found, payload)
        if self.bug == "length-code-points":
            found += _code_point_lengths(self.spec, target, payload)
        return found

    def waive(self, found: list[Any], payload: Any) -> list[Any]:
        """What this server's one wrong way of a semantic rule lets through: every finding about
        the value (the schema's constraint and the rule say the same thing; the server's check
        of it is the one that is wrong)."""
        bug = self.bug

        def value(f: Any) -> Any:
            return _at(payload, f.pointer)

        def hook(f: Any) -> str | None:
            m = re.match(r"^/hooks/\d+", f.pointer)
            return m.group(0) if m else None

        if bug == "e164-country-code-0":
            return [
                f
                for f in found
                if not (
                    f.rule == "phone.e164"
                    and isinstance(value(f), str)
                    and value(f).startswith("+0")
                )
            ]
        if bug == "alphanumeric-symbols":
            return [
                f
                for f in found
                if not (
                    f.rule == "phone.alphanumeric" and isinstance(value(f), str) and "#" in value(f)
                )
            ]
        if bug == "prefix-with-plus":
            return [
                f
                for f in found
                if not (
                    "/startsWith/" in f.pointer
                    and isinstance(value(f), str)
                    and value(f).startswith("+")
                    and value(f)[1:].isdigit()
                )
            ]
        if bug == "prefix-count-unchecked":
            return [
                f
                for f in found
                if not (
                    f.pointer.endswith("/startsWith")
                    and f.rule in ("schema.maxItems", "hooks.filter.count")
                )
            ]
        if bug == "ending-reason-unchecked":
            return [f for f in found if re.search(r"/filters/\d+/oneOf/\d+$", f.pointer) is None]
        if bug == "hook-on-unchecked":
            # the hook's kind is taken from its do, never checked against its on
            loose = {hook(f) for f in found if f.rule == "hooks.on"}
            return [f for f in found if hook(f) not in loose]
        if bug == "ringing-do-object":
            loose = {
                hook(f)
                for f in found
                if hook(f) is not None
                and isinstance(_at(payload, f"{hook(f)}/do"), dict)
                and _at(payload, f"{hook(f)}/on") == "call.ringing"
            }
            return [f for f in found if hook(f) not in loose]
        if bug == "hook-destination-unchecked":
            return [
                f
                for f in found
                if re.search(r"^/hooks/\d+/do(?:/\d+)?/destination(?:/|$)", f.pointer) is None
            ]
        return found

    def validate(self, target: str, payload: Any) -> None:
        if (
            self.bug == "reject-name-at-max"
            and isinstance(payload, dict)
            and isinstance(payload.get("name"), str)
            and len(payload["name"]) >= 40
        ):
            raise _bad(["name must be shorter than 40 characters"])
        found = self.findings(target, payload)
        if found:
            if self.bug == "vague-errors":
                raise _bad(["the request was rejected by validation"])
            if self.bug == "misnamed-field-errors":
                raise _bad(["name must be a string"])
            messages = [_message(f) for f in found]
            if self.bug == "echo-secret-in-400" and isinstance(payload, dict):
                token = payload.get("twilioAuthToken")
                if isinstance(token, str):
                    messages.append(f"could not verify twilioAuthToken {token}")
            raise _bad(messages)

    def params(self, op: str, query: Any, path: dict[str, str] | None = None) -> dict[str, Any]:
        q: dict[str, Any] = {}
        for name, value in query.multi_items():
            if name in ("limit", "page"):
                try:
                    num = float(value)
                except ValueError:
                    num = math.nan
                q[name] = (
                    value if not math.isfinite(num) else (int(num) if num.is_integer() else num)
                )
            else:
                q[name] = value
        if self.bug == "reject-date-offset" and any(
            k in DATE_FILTERS and not str(v).endswith("Z") for k, v in q.items()
        ):
            raise _bad(["dates must be given in UTC (Z)"])
        if self.bug == "reject-max-limit" and q.get("limit") == 1000:
            raise _bad(["limit must not be greater than 999"])
        payload: dict[str, Any] = {"query": q} if q else {}
        if path is not None:
            payload["path"] = path
        self.validate(f"{op}:parameters", payload)
        return q

    def check_id(self, rid: str) -> None:
        if not UUID_RE.match(rid):
            if self.bug == "crash-bad-id":
                raise RuntimeError("invalid input syntax for type uuid")
            raise _bad(["id must be a UUID"])

    def visible(
        self, org: str | None, rec: dict[str, Any], *, write: bool = False, delete: bool = False
    ) -> bool:
        if org is None:  # a route without its auth guard (no-auth-delete)
            return True
        if self.bug == "cross-org-read" and not write:
            return True
        if self.bug == "cross-org-write" and write:
            return True
        if self.bug == "cross-org-delete" and delete:
            return True
        return rec["orgId"] == org

    def find(
        self,
        org: str | None,
        rid: str,
        authorization: str | None,
        *,
        write: bool = False,
        delete: bool = False,
    ) -> dict[str, Any]:
        self.check_id(rid)
        rec = self.records.get(rid) if rid not in self.ghosts else None
        if rec is None or not self.visible(org, rec, write=write, delete=delete):
            if self.bug == "unknown-id-400":
                raise _bad(["Phone number does not exist"])
            if self.bug == "unknown-id-200":
                raise _Answer(200, {})
            message = "Phone Number not found"
            if self.bug == "echo-token":
                message += f" (caller {authorization})"
            raise Problem(404, message, "Not Found")
        return rec

    def render(self, rec: dict[str, Any], *, listed: bool = False) -> dict[str, Any]:
        leak = self.bug == "leak-auth-token" or (self.bug == "leak-in-list" and listed)
        out = {k: v for k, v in rec.items() if k not in WRITE_ONLY or leak}
        if leak and out.get("provider") == "twilio":
            out.setdefault("twilioAuthToken", TWILIO_MARK + rec["id"][:8])
        if self.bug == "leak-api-secret" and out.get("provider") == "twilio":
            out["twilioApiSecret"] = rec.get("twilioApiSecret") or TWILIO_MARK + rec["id"][:8]
        if self.bug == "null-optional-fields":
            for key in ("assistantId", "squadId", "workflowId"):
                out.setdefault(key, None)
        if self.bug == "list-missing-required" and listed:
            out.pop("orgId", None)
        if self.bug == "date-no-timezone":
            out["createdAt"] = out["createdAt"].removesuffix("Z")
        if (
            self.bug == "list-provider-alias"
            and listed
            and out.get("provider") == "byo-phone-number"
        ):
            out["provider"] = "byo"
        if self.bug == "extra-field":
            out["internalCost"] = 0.42
        if self.bug == "missing-required":
            out.pop("orgId", None)
        if self.bug == "wrong-type":
            out["createdAt"] = int(_parse_iso(rec["createdAt"]).timestamp() * 1000)
        if self.bug == "bad-date-format":
            out["createdAt"] = _parse_iso(rec["createdAt"]).strftime("%Y-%m-%d %H:%M:%S")
        if self.bug == "bad-status-enum":
            out["status"] = "enabled"
        return out

    # -- operations ------------------------------------------------------------------------
    def crashes(self, body: dict[str, Any], *, patch: bool = False) -> None:
        """Defects that blow up before validation (a handler that trusts its input)."""
        if self.bug == "crash-null" and any(v is None for v in body.values()):
            raise TypeError("'NoneType' object is not subscriptable")
        if self.bug == "crash-wrong-type" and "name" in body and not isinstance(body["name"], str):
            raise AttributeError("'int' object has no attribute 'strip'")
        if self.bug == "crash-empty-patch" and patch and not body:
            raise KeyError("provider")

    def stored_name(self, body: dict[str, Any]) -> dict[str, Any]:
        """What a lossy name column makes of the name."""
        name = body.get("name")
        if not isinstance(name, str):
            return body
        if self.bug == "crash-sql-quote" and "'" in name:
            raise RuntimeError('syntax error at or near "Brien"')
        if self.bug == "crash-astral" and any(ord(c) > 0xFFFF for c in name):
            raise UnicodeEncodeError("utf8mb3", name, 0, 1, "4-byte characters")
        if self.bug == "name-truncated":
            name = name[:30]
        if self.bug == "unicode-mangled":
            name = "".join(c if ord(c) < 128 else "?" for c in name)
        return {**body, "name": name}

    def create(self, org: str, body: Any) -> tuple[int, Any]:
        self.crashes(body)
        try:
            self.validate(f"{CREATE}:request", body)
        except Problem:
            if self.bug == "rejected-create-persists" and isinstance(body, dict):
                # stored before validation, then refused: a half-done create
                stamp = self.now()
                rec = {**body, "id": str(uuid.uuid4()), "orgId": org}
                rec.update(createdAt=stamp, updatedAt=stamp, status="active")
                self.records[rec["id"]] = rec
            raise
        if self.bug == "crash-unicode" and any(ord(c) > 127 for c in str(body.get("name", ""))):
            raise UnicodeEncodeError("ascii", "", 0, 1, "legacy column")
        body = self.stored_name(body)
        if self.bug == "accept-wrong-type" and "name" in body:
            body = {**body, "name": str(body["name"])}
        tag = body["provider"]
        if tag not in self.defaults:  # accept-unknown-provider
            tag = "byo-phone-number"
            body = {**body, "provider": tag}
        rec: dict[str, Any] = dict(self.defaults.get(tag, {}))
        if self.bug == "wrong-default" and "numberE164CheckEnabled" in rec:
            rec["numberE164CheckEnabled"] = False
        rec.update(body)
        if self.bug == "create-drops-name":
            rec.pop("name", None)
        if self.bug == "provider-rewritten":
            rec["provider"] = "vapi"
        stamp = self.now()
        rec.update(
            id=str(uuid.uuid4()), orgId=org, createdAt=stamp, updatedAt=stamp, status="active"
        )
        self.records[rec["id"]] = rec
        if self.bug == "list-stale":
            self.stale.add(rec["id"])
        if self.bug == "create-empty-body":
            return 201, EMPTY
        return (200 if self.bug == "create-200" else 201), self.render(rec)

    def update(self, org: str, rid: str, body: Any, authorization: str | None) -> tuple[int, Any]:
        rec = self.find(org, rid, authorization, write=True)
        self.crashes(body, patch=True)
        if self.bug != "patch-no-validation":
            try:
                self.validate(f"{UPDATE}:request", body)
            except Problem:
                if self.bug == "rejected-patch-applies" and isinstance(body.get("name"), str):
                    rec["name"] = body["name"]  # applied member by member, then refused
                raise
        body = self.stored_name(body)
        if (
            "provider" in body
            and body["provider"] != rec["provider"]
            and self.bug != "patch-changes-provider"
        ):
            raise _bad([f"provider cannot be changed from {rec['provider']} to {body['provider']}"])
        client = {
            k: v
            for k, v in rec.items()
            if k not in ("id", "orgId", "createdAt", "updatedAt", "status")
        }
        merged = {**client, **body}
        if self.bug == "patch-appends-arrays":
            for key, value in body.items():
                if isinstance(value, list) and isinstance(client.get(key), list):
                    merged[key] = [*client[key], *value]
        if self.bug not in ("patch-changes-provider", "patch-no-validation"):
            self.validate(f"{CREATE}:request", merged)
        server = {k: rec[k] for k in ("id", "orgId", "createdAt", "status")}
        new = {
            **(body if self.bug == "patch-replaces" else merged),
            **server,
            "updatedAt": self.now(),
        }
        if self.bug == "patch-replaces":
            new.setdefault("provider", rec["provider"])
        if self.bug == "patch-moves-created-at":
            new["createdAt"] = new["updatedAt"]
        stored = new
        if self.bug == "patch-drops-field":
            stored = {**rec, **{k: v for k, v in body.items() if k == "name"}}
            stored["updatedAt"] = new["updatedAt"]
        if self.bug != "patch-not-persisted":
            self.records[rid] = stored
        return 200, self.render(new)

    def delete(self, org: str | None, rid: str, authorization: str | None) -> tuple[int, Any]:
        rec = self.find(org, rid, authorization, write=True, delete=True)
        if self.bug == "delete-still-listed":
            self.ghosts.add(rid)
        elif self.bug != "delete-noop":
            del self.records[rid]
        if self.bug == "delete-204":
            return 204, EMPTY
        return 200, self.render(rec)

    def listing(self, org: str | None, q: dict[str, Any]) -> list[dict[str, Any]]:
        items = [
            r
            for r in self.records.values()
            if self.bug == "list-all-orgs" or org is None or r["orgId"] == org
        ]
        if self.bug != "ignore-date-filters":
            for name in DATE_FILTERS:
                if name not in q:
                    continue
                field, op = name[:-2], name[-2:]
                if self.bug == "updated-filter-uses-created":
                    field = "createdAt"
                pivot = _parse_iso(q[name])
                inclusive = self.bug == "gt-inclusive"
                cmp = {
                    "Gt": (lambda a, b: a >= b) if inclusive else (lambda a, b: a > b),
                    "Lt": lambda a, b: a < b,
                    "Ge": lambda a, b: a >= b,
                    "Le": lambda a, b: a <= b,
                }[op]
                items = [r for r in items if cmp(_parse_iso(r[field]), pivot)]
        return items

    def find_all(self, org: str, q: dict[str, Any]) -> list[dict[str, Any]]:
        items = [r for r in self.listing(org, q) if r["id"] not in self.stale]
        items.sort(key=lambda r: r["createdAt"], reverse=True)
        limit = int(q.get("limit", 100))
        if self.bug == "limit-off-by-one" and limit > 0 and len(items) > limit:
            limit -= 1
        if self.bug != "ignore-limit":
            items = items[:limit]
        return [self.render(r, listed=True) for r in items]

    def find_paginated(self, org: str, q: dict[str, Any]) -> dict[str, Any]:
        search = q.get("search")
        items = self.listing(None if search and self.bug == "search-all-orgs" else org, q)
        if search and self.bug == "crash-search-regex":
            re.compile(str(search))  # unescaped: "(" raises re.error, answered 500
        if search and self.bug != "ignore-search":
            fold = (lambda t: t) if self.bug == "search-case-sensitive" else str.lower
            term = fold(str(search))
            items = [
                r
                for r in items
                if any(term in fold(str(r.get(k, ""))) for k in ("name", "number", "sipUri"))
            ]
        order = q.get("sortOrder", "DESC")
        if self.bug == "ignore-sort":
            order = "DESC"
        if self.bug == "default-sort-asc" and "sortOrder" not in q:
            order = "ASC"
        items.sort(key=lambda r: r["createdAt"], reverse=order == "DESC")
        limit = int(q.get("limit", 100))
        page = int(q.get("page", 1))
        if self.bug == "crash-huge-page" and page > 1_000_000:
            raise OverflowError("OFFSET out of range for type integer")
        total = len(items)
        if self.bug == "total-all-orgs":
            total = len(self.records)
        if limit == 0 and self.bug == "crash-limit-zero":
            pages = math.ceil(total / limit)
        pages = math.ceil(total / limit) if limit else 0
        if self.bug == "total-pages-floor":
            pages = total // limit if limit else 0
        start = (page * limit) if self.bug == "page-off-by-one" else (page - 1) * limit
        if self.bug == "page-overlap" and page > 1:
            start -= 1
        window = items if self.bug == "ignore-limit" else items[start : start + limit]
        return {
            "results": [self.render(r, listed=True) for r in window],
            "metadata": {
                "itemsPerPage": 100 if self.bug == "items-per-page-wrong" else limit,
                "totalItems": min(total, len(window))
                if self.bug == "total-is-page-size"
                else total,
                "currentPage": 1 if self.bug == "current-page-always-1" else page,
                "totalPages": pages,
                "hasNextPage": page < pages and self.bug != "has-next-page-wrong",
                "sortOrder": q.get("sortOrder", "DESC"),
            },
        }


EMPTY = object()
"""A response without a body."""


def _at(payload: Any, pointer: str) -> Any:
    """The value at a JSON pointer (``...`` when there is none)."""
    from contracttest import _pointer

    node = payload
    for part in _pointer.parts(pointer):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and str(part).isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return ...
    return node


class _Answer(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


def make_app(
    spec: Any,
    tokens: Sequence[str],
    bug: str | None = None,
    *,
    throttle_every: int = 0,
    slow: float = 0.0,
) -> Any:
    """The Starlette app of a (buggy) Phone Numbers server.

    ``throttle_every=n`` answers every n-th request 429 with ``Retry-After: 0`` (a rate limiter, not
    a bug); ``slow`` delays every GET of a list by that many seconds.
    """
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    server = PhoneNumberServer(spec, tokens, bug)
    json_type = (
        "text/plain; charset=utf-8"
        if bug == "text-content-type"
        else "application/json; charset=utf-8"
    )

    def respond(status: int, body: Any, *, ctype: str | None = json_type) -> Response:
        if ctype is None:
            return Response(json.dumps(body), status_code=status, media_type=None)
        if body is EMPTY:
            return Response(b"", status_code=status, media_type=None)
        return Response(
            json.dumps(body),
            status_code=status,
            media_type=None,
            headers={"content-type": ctype},
        )

    async def read_body(request: Request) -> Any:
        ctype = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
        raw = await request.body()
        if len(raw) > 1024 * 1024:
            raise Problem(413, "request entity too large", "Payload Too Large")
        if ctype != "application/json" and not (
            bug == "accept-text-plain" and ctype == "text/plain"
        ):
            raise Problem(
                415, f"Unsupported Media Type: {ctype or 'none'}", "Unsupported Media Type"
            )
        try:
            body = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            if bug == "crash-malformed-json":
                raise RuntimeError("body parser failed") from exc
            raise _bad("Unexpected token in JSON") from None
        if isinstance(body, list) and bug == "crash-array-body":
            raise AttributeError("'list' object has no attribute 'get'")
        if not isinstance(body, dict):
            raise _bad(["the body must be a JSON object"])
        return body

    def handler(fn: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            try:
                status, body = await fn(request)
            except Problem as p:
                status, body = p.status, p.body
            except _Answer as a:
                status, body = a.status, a.body
            except Exception:
                status, body = 500, {"message": "Internal server error", "statusCode": 500}
            bare = bug == "no-content-type-on-create" and request.method == "POST"
            response = respond(status, body, ctype=None if bare else json_type)
            if bug == "echo-token-header" and request.headers.get("authorization"):
                response.headers["x-debug-caller"] = request.headers["authorization"]
            if request.method == "POST" and status == 201 and isinstance(body, dict):
                rid = body.get("id") if bug != "location-wrong" else str(uuid.uuid4())
                response.headers["location"] = f"/phone-number/{rid}"
            if status == 405 and isinstance(body, dict) and "allow" in body:
                response.headers["allow"] = body.pop("allow")
                response.body = json.dumps(body).encode()
                response.headers["content-length"] = str(len(response.body))
            return response

        return endpoint

    def auth(request: Request) -> str:
        return server.org_of(request.headers.get("authorization"))

    async def create(request: Request) -> tuple[int, Any]:
        org = auth(request)
        server.params(CREATE, request.query_params) if request.query_params else None
        return server.create(org, await read_body(request))

    async def find_all(request: Request) -> tuple[int, Any]:
        try:
            org = auth(request)
        except Problem:
            if bug != "no-auth-list":
                raise
            org = "org-1"  # the guard is missing: the first org's list for anyone
        return 200, server.find_all(org, server.params(LIST, request.query_params))

    async def find_paginated(request: Request) -> tuple[int, Any]:
        org = auth(request)
        return 200, server.find_paginated(org, server.params(PAGED, request.query_params))

    async def find_one(request: Request) -> tuple[int, Any]:
        org = auth(request)
        rid = request.path_params["id"]
        server.check_id(rid)
        server.params(GET, request.query_params, {"id": rid})
        return 200, server.render(server.find(org, rid, request.headers.get("authorization")))

    async def update(request: Request) -> tuple[int, Any]:
        org = auth(request)
        rid = request.path_params["id"]
        server.check_id(rid)
        body = await read_body(request)
        server.params(UPDATE, request.query_params, {"id": rid})
        return server.update(org, rid, body, request.headers.get("authorization"))

    async def delete(request: Request) -> tuple[int, Any]:
        org: str | None
        try:
            org = auth(request)
        except Problem:
            if bug != "no-auth-delete":
                raise
            org = None  # the guard is missing on this route
        rid = request.path_params["id"]
        server.check_id(rid)
        server.params(DELETE, request.query_params, {"id": rid})
        return server.delete(org, rid, request.headers.get("authorization"))

    async def put(request: Request) -> tuple[int, Any]:
        org = auth(request)
        rid = request.path_params["id"]
        if bug == "undocumented-method-200":
            body = await read_body(request)
            return server.update(org, rid, body, request.headers.get("authorization"))
        raise _Answer(
            405,
            {"message": "Method Not Allowed", "statusCode": 405, "allow": "GET, PATCH, DELETE"},
        )

    async def not_allowed(request: Request) -> tuple[int, Any]:
        raise _Answer(
            405, {"message": "Method Not Allowed", "statusCode": 405, "allow": "GET, POST"}
        )

    routes = [
        Route("/phone-number", handler(create), methods=["POST"]),
        Route("/phone-number", handler(not_allowed), methods=["PUT", "PATCH", "DELETE"]),
        Route("/phone-number/{id:path}", handler(put), methods=["PUT", "POST"]),
        Route("/phone-number", handler(find_all), methods=["GET"]),
        Route("/v2/phone-number", handler(find_paginated), methods=["GET"]),
        Route("/phone-number/{id:path}", handler(find_one), methods=["GET"]),
        Route("/phone-number/{id:path}", handler(update), methods=["PATCH"]),
        Route("/phone-number/{id:path}", handler(delete), methods=["DELETE"]),
    ]
    app = Starlette(routes=routes)
    app.state.server = server
    app.state.throttled = 0
    if not throttle_every and not slow:
        return app
    import asyncio

    count = 0

    async def politeness(scope: Any, receive: Any, send: Any) -> None:
        nonlocal count
        if scope["type"] == "http":
            count += 1
            if throttle_every and count % throttle_every == 0:
                app.state.throttled += 1
                await send(
                    {
                        "type": "http.response.start",
                        "status": 429,
                        "headers": [(b"retry-after", b"0"), (b"content-type", b"application/json")],
                    }
                )
                await send(
                    {"type": "http.response.body", "body": b'{"message":"Too Many Requests"}'}
                )
                return
            if (
                slow
                and scope["method"] == "GET"
                and scope["path"] in ("/phone-number", "/v2/phone-number")
            ):
                await asyncio.sleep(slow)
        await app(scope, receive, send)

    politeness.state = app.state  # type: ignore[attr-defined]
    return politeness


@contextlib.contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free 127.0.0.1 port (uvicorn in a thread); yields the base URL."""
    from contracttest.mock.server import running_mock

    with running_mock(app) as url:
        yield url


def main(argv: Sequence[str] | None = None) -> None:
    """Serve one server in the foreground: ``python buggy_servers.py --bug NAME --port N --token T``."""
    import argparse
    from pathlib import Path

    from contracttest.mock.server import serve as serve_forever
    from contracttest.openapi import load_spec

    repo = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bug", choices=sorted(BUGS), default=None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", action="append", default=[])
    parser.add_argument("--ready-file", help="write the base URL here once listening")
    args = parser.parse_args(argv)
    spec = load_spec(
        repo / "spec" / "vapi-phone-numbers.yaml",
        overlays=[repo / "spec" / "overlays" / "vapi-fixes.yaml"],
    )

    def ready(url: str) -> None:
        if args.ready_file:
            Path(args.ready_file).write_text(url)

    serve_forever(make_app(spec, args.token, args.bug), port=args.port, on_ready=ready)


if __name__ == "__main__":
    main()

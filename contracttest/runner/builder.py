"""The one case builder: turns generated values into the runner's cases, for ``contracttest run``'s
case sources and for the pytest plugin alike.

What makes a request a valid case or an invalid one is decided here, once: parameters are judged on
their wire form (`contracttest.runner.generation`), an item operation gets the id of a resource the
run created (or, when it may not create one, an id that names nothing and the expectation 404), a
path whose segment would be empty is no case of the operation, a value only the spec's own
contradiction speaks against gets no expectation, and a PATCH whose merge breaks a cross-field rule
expects nothing but no 5xx.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING, Any

from contracttest.runner.case import NO_BODY, Case, Violation, provoked_for
from contracttest.runner.fixtures import declared_properties, discriminator_property
from contracttest.runner.generation import (
    draw_examples,
    headers_of,
    params_of,
    violation_of,
)
from contracttest.runner.http import sendable_header
from contracttest.runner.schemes import AuthScheme, operation_scheme

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation, Spec
    from contracttest.openapi.resources import Resource
    from contracttest.runner.enumeration import Enumeration, Planned
    from contracttest.runner.fixtures import Fixtures, Instance
    from contracttest.runner.generation import Generation
    from contracttest.runner.scope import Scope

__all__ = [
    "CaseBuilder",
    "headers_of",
    "params_of",
    "path_text",
    "routable_path",
    "stable_hash",
]


def routable_path(path: dict[str, Any]) -> bool:
    """Whether every path value fills its segment (an empty value leaves ``//`` or a trailing
    ``/``, which a router sends elsewhere)."""
    return all(not (isinstance(v, str) and v.strip() in ("", ".", "..")) for v in path.values())


def stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def path_text(pointer: str) -> str:
    from contracttest.findings import pointer_to_path

    return pointer_to_path(pointer)


class CaseBuilder:
    """Cases for one run: valid, invalid and unauthenticated requests, and what they reuse (sample
    parameters and bodies, drawn once per run, and the fixtures' resources)."""

    def __init__(
        self, spec: Spec, scope: Scope, generation: Generation, fixtures: Fixtures
    ) -> None:
        self.spec = spec
        self.scope = scope
        self.generation = generation
        self.fixtures = fixtures
        self._params: dict[str, dict[str, Any]] = {}
        self._parents: dict[str, Any] = {}
        self._examples: dict[str, list[Any]] = {}
        self._coverage: dict[str, list[Enumeration]] = {}
        self._shares: dict[str, dict[str, int]] = {}

    # ---------------------------------------------------------------------------- samples
    def seed_for(self, op: Operation, salt: int) -> int:
        """The Hypothesis seed of one operation's exploration (deterministic for the run's seed)."""
        return (self.scope.seed * 7919 + salt * 104729 + stable_hash(op.label)) % (2**32)

    def sample_params(self, op: Operation) -> dict[str, Any]:
        """One valid set of parameters (the first routable one the generator gives)."""
        if not op.parameters:
            return {}
        got = self._params.get(op.label)
        if got is not None:
            return got
        drawn = draw_examples(self.generation.valid(f"{op.label}:parameters"), 8, self.scope.seed)
        candidates = [g for g in drawn if isinstance(g, dict)]
        # The simplest draw gives "" to a string path parameter: an empty segment routes to
        # another URL (``/run/{id}/item/`` is not an item), so a routable draw is preferred.
        routable = [g for g in candidates if routable_path(params_of(g)[0])]
        # A header value that is not plain ASCII cannot travel as the generator wrote it.
        sendable = [g for g in routable if all(sendable_header(v) for _, v in headers_of(g))]
        if not sendable:
            target = f"{op.label}:parameters"
            fixed = (self._ascii_headers(g) for g in routable)
            sendable = [g for g in fixed if g is not None and self.generation.is_valid(target, g)]
        chosen = self._same_parents(op, (sendable or routable or candidates or [{}])[0])
        self._params[op.label] = chosen
        return chosen

    def _same_parents(self, op: Operation, draw: dict[str, Any]) -> dict[str, Any]:
        """``draw`` with each path value an earlier sample gave the same place (the template up
        to that parameter: ``/userprofiles/{profileId}``) where it stays valid for ``op``: the
        operations of one resource address one parent. Each drew its own, so dfareporting's
        create made a remarketing list under one profile and the list looked under another."""
        path = draw.get("path")
        if not isinstance(path, dict) or not path:
            return draw
        places = {name: _place(op.path, name) for name in path}
        earlier = {n: self._parents[k] for n, k in places.items() if k in self._parents}
        if earlier and any(path[n] != v for n, v in earlier.items()):
            same = {**draw, "path": {**path, **earlier}}
            if self.generation.is_valid(f"{op.label}:parameters", same):
                draw = same
        for name, key in places.items():
            if key is not None:
                self._parents.setdefault(key, draw["path"][name])
        return draw

    @staticmethod
    def _ascii_headers(draw: dict[str, Any]) -> dict[str, Any] | None:
        """``draw`` with each header string that cannot travel made plain ASCII (None when that
        changes nothing); the caller checks it is still valid."""
        headers = draw.get("header")
        if not isinstance(headers, dict):
            return None
        out = {}
        for name, value in headers.items():
            if isinstance(value, str) and not sendable_header(value):
                value = "".join(ch if " " <= ch <= "~" else "a" for ch in value).strip() or "a"
            out[name] = value
        return {**draw, "header": out} if out != headers else None

    def examples(self, target: str, n: int = 24) -> list[Any]:
        """Valid values of a target, drawn once per run (deterministic for the seed)."""
        got = self._examples.get(target)
        if got is None:
            got = self._examples[target] = draw_examples(
                self.generation.valid(target),
                n,
                (self.scope.seed + stable_hash(target)) % (2**32),
            )
        return got

    def body_examples(self, op: Operation) -> list[Any]:
        """Valid bodies of ``op``, richest first."""
        got = list(self.examples(f"{op.label}:request"))
        got.sort(key=lambda b: -len(b) if isinstance(b, dict) else 0)
        return got

    def sample_body(self, op: Operation, tag: Any = None) -> Any:
        """A valid body for ``op`` (of a variant, when asked); NO_BODY when it has none."""
        if op.json_body() is None:
            return NO_BODY
        res = self.scope.resource_of(op)
        if res is not None and res.create is op:
            body = self.fixtures.body_for(res, tag)
            if body is not None:
                return body
        examples = self.body_examples(op)
        prop = discriminator_property(self.spec, op)
        for ex in examples:
            if tag is None or prop is None or (isinstance(ex, dict) and ex.get(prop) == tag):
                return ex
        return examples[0] if examples else NO_BODY

    def param_schema(self, op: Operation, name: str) -> dict[str, Any]:
        """The (dereferenced) schema of query parameter ``name``."""
        schema = self.spec.target(f"{op.label}:parameters").schema()
        node = schema.get("properties", {}).get("query", {}).get("properties", {}).get(name, {})
        defs = schema.get("definitions", {})
        hops = 0
        while isinstance(node, dict) and "$ref" in node and hops < 16:
            node = defs.get(str(node["$ref"]).rsplit("/", 1)[-1], {})
            hops += 1
        return node if isinstance(node, dict) else {}

    # ------------------------------------------------------------------------ resources
    def known_id(
        self, op: Operation, body: Any = NO_BODY, *, fresh: bool = False, credential: int = 0
    ) -> tuple[Instance | None, str | None, Any]:
        """An existing resource for an item operation: (instance, reason when none, tag)."""
        res, role = self.scope.item_role(op)
        if res is None:
            return None, "not an item operation", None
        tag = None
        if role == "update" and isinstance(body, dict):
            prop = discriminator_property(self.spec, op)
            tag = body.get(prop) if prop else None
            if tag is None and prop:
                # An untagged PATCH is judged against the stored variant: send it to a resource
                # of a variant that declares every member it carries.
                tag = self._variant_declaring(op, prop, body)
            if tag is not None and tag not in self.fixtures.tags(res):
                # Never a resource of another variant: a PATCH naming another provider would
                # provoke the very change the discriminator check is there to catch.
                return None, f"no resource with {prop}={tag!r} to patch", tag
        if fresh or role == "delete":
            inst = self.fixtures.fresh(res, tag, credential)
        else:
            inst = self.fixtures.get(res, tag, credential)
        if inst is None:
            return None, self.fixtures.why_not(res, tag, credential), tag
        return inst, None, tag

    def _variant_declaring(self, op: Operation, prop: str, body: dict[str, Any]) -> Any:
        res = self.scope.resource_of(op)
        if res is None:
            return None
        target = f"{op.label}:request"
        for tag in self.fixtures.tags(res):
            declared = declared_properties(self.spec, target, {prop: tag})
            if all(k in declared for k in body):
                return tag
        return None

    def item_path(
        self, op: Operation, body: Any, path: dict[str, Any], missing_id: str | None = None
    ) -> dict[str, Any]:
        """``path`` with an existing id for an item operation (or, when none can be had or the run
        is read-only, ``missing_id`` or a random one)."""
        res, _role = self.scope.item_role(op)
        if res is None or not res.id_param:
            return path
        if self.scope.read_only:
            return {**path, res.id_param: missing_id or str(uuid.uuid4())}
        inst, _why, _tag = self.known_id(op, body)
        if inst is None:
            return {**path, res.id_param: missing_id or str(uuid.uuid4())}
        return {**path, res.id_param: inst.id}

    def merge_valid(self, res: Resource | None, inst: Instance, patch: dict[str, Any]) -> bool:
        """Whether a PATCH merged into what the resource was created with is still a valid create
        body (a cross-field rule the patch alone cannot break)."""
        if res is None or res.create.json_body() is None:
            return True
        merged = {**(inst.sent or {}), **patch}
        return self.generation.is_valid(f"{res.create.label}:request", merged)

    def patch_body(
        self, res: Resource, tag: Any, prop: str | None, created: dict[str, Any]
    ) -> dict[str, Any] | None:
        """A valid patch of the same variant that changes at least one member (``name`` when it
        can), and whose merge with ``created`` stays valid."""
        if res.update is None or res.update.json_body() is None:
            return None
        target = f"{res.update.label}:request"
        gen = self.generation
        candidates: list[dict[str, Any]] = []
        try:
            examples = self.examples(target)
        except Exception:  # generation problems leave the patch step out
            examples = []
        for ex in examples:
            if not isinstance(ex, dict):
                continue
            if prop and tag is not None and ex.get(prop) not in (tag, None):
                continue
            if any(k != prop for k in ex):
                candidates.append(ex)
        candidates.sort(key=lambda b: -len(b))
        fresh_name = f"ct-patched-{uuid.uuid4().hex[:8]}"
        declared = declared_properties(self.spec, target, {prop: tag} if prop else None)
        for cand in candidates[:10]:
            body = dict(cand)
            if prop and tag is not None:
                body[prop] = tag
            if "name" in declared:
                body["name"] = fresh_name
            merged = {**created, **body}
            if gen.is_valid(target, body) and gen.is_valid(f"{res.create.label}:request", merged):
                return body
        simple: dict[str, Any] = {prop: tag} if prop and tag is not None else {}
        if "name" in declared:
            simple["name"] = fresh_name
            if gen.is_valid(target, simple):
                return simple
        return None

    # ------------------------------------------------------------------------ valid cases
    def valid_case(
        self, op: Operation, params: Any, body: Any, *, known: bool = True
    ) -> Case | None:
        """The case for one generated valid request; None when it is no valid case of ``op`` (a
        path segment left empty, a value the wire turns invalid, an unknown id the run may not
        send).

        ``known``: for an item operation, put in the id of a resource the run created (else the
        generated id stays, which names nothing: the case expects 404).
        """
        scope = self.scope
        path, query = params_of(params)
        res, role = scope.item_role(op)
        expect = "success"
        provoked: frozenset[int] | None = None
        description = "valid request"
        inst: Instance | None = None
        if res is not None and res.id_param:
            if known and not scope.read_only:
                inst, _why, _tag = self.known_id(op, body)
                if inst is not None:
                    path[res.id_param] = inst.id
                    description = "valid request on an existing resource"
            if inst is None:
                ledger = self.fixtures.ledger
                if ledger.instance(res, str(path.get(res.id_param))) is not None:
                    return None  # the generated id is one the server minted: it names something
                expect = "not-found"
                description = "valid request with an id that does not exist"
                if not scope.may_send(op, expect_rejection=True):
                    return None
                if ledger.unnamed.get(res.name):
                    # The run made objects whose ids their answers did not name: the drawn id
                    # may be one of them, so nothing says what the server must answer (a 404
                    # is still what it provokes most likely).
                    expect, provoked = "any", provoked_for("not-found")
                    description = "valid request with an id the run cannot tell is unused"
        if not routable_path(path):
            return None  # an empty path segment addresses another route; not this operation
        wire_path, wire_query = self.generation.wire_params(op, path, query)
        disputed: list[Any] = []
        if self.generation.wire_findings(op, wire_path, wire_query, disputed=disputed):
            return None  # the wire turned a valid value into an invalid one; not a valid case
        if disputed:
            expect = "any"  # only the spec's own contradiction speaks against it
        if (
            inst is not None
            and role == "update"
            and isinstance(body, dict)
            and not self.merge_valid(res, inst, body)
        ):
            expect = "any"
            description = "patch whose merge with the resource breaks a cross-field rule"
        return Case(
            operation=op,
            kind="valid",
            expect=expect,  # type: ignore[arg-type]
            path_params=path,
            query=tuple(query),
            body=body,
            credential=scope.credential(),
            description=description,
            provoked=provoked if provoked is not None else provoked_for(expect),  # type: ignore[arg-type]
            known_resource=inst is not None,
        )

    # ---------------------------------------------------------------------- invalid cases
    def invalid_body_case(
        self, op: Operation, labelled: Any, base_params: Any, *, missing_id: str | None = None
    ) -> Case | None:
        """The case for one labelled invalid body; None when it is no negative case (the
        validator accepts the payload, or it would be a DELETE on a read-only run)."""
        payload, violation = labelled.payload, labelled.violation
        findings = self.generation.findings(f"{op.label}:request", payload)
        if not findings:
            return None  # the validator accepts it: the server must too; not a negative case
        if op.method == "DELETE" and self.scope.read_only:
            return None
        if not violation.rule or violation.rule == "invalid" or not _near(violation, findings):
            violation = violation_of(findings[0])
        path, query = params_of(base_params)
        path = self.item_path(op, payload, path, missing_id)
        return Case(
            operation=op,
            kind="invalid",
            expect="reject",
            path_params=path,
            query=tuple(query),
            body=payload,
            credential=self.scope.credential(),
            violation=violation,
            description=f"invalid body: {violation.rule} at {path_text(violation.pointer)}",
            provoked=provoked_for("reject"),
        )

    def invalid_params_case(
        self, op: Operation, labelled: Any, base_body: Any, *, missing_id: str | None = None
    ) -> Case | None:
        """The case for one labelled invalid set of parameters; None when it is no negative case
        (a path segment missing, or the mutation does not survive the trip through strings)."""
        path, query = params_of(labelled.payload)
        if any(p.name not in path for p in op.path_params()):
            return None  # a request without a path segment is another URL, not this operation
        # A path value the template has no segment for never reaches the wire: the request would
        # be the valid one (no case can break "no extra path parameter").
        names = {p.name for p in op.path_params()}
        path = {k: v for k, v in path.items() if k in names}
        if not routable_path(path):
            return None  # an empty segment addresses another route: no value of this one

        wire_path, wire_query = self.generation.wire_params(op, path, query)
        auth = self.credential_scheme(op)
        if auth is not None and auth.location == "query":  # the credential takes its place
            wire_query = [(k, v) for k, v in wire_query if k != auth.name]
            wire_query.append((auth.name, "credential"))
        findings = self.generation.wire_findings(op, wire_path, wire_query)
        if not findings:
            return None  # the mutation does not survive the trip through strings
        if any(not isinstance(v, (str, int, float, bool)) for v in path.values()):
            return None
        f = findings[0]
        violation = violation_of(f)
        path_violation = f.pointer.startswith("/path")
        res, _role = self.scope.item_role(op)
        if res is not None and res.id_param and not path_violation:
            if self.scope.read_only and op.method not in ("GET", "HEAD"):
                path[res.id_param] = missing_id or str(uuid.uuid4())
            else:
                path = self.item_path(op, base_body, path, missing_id)
        # Undeclared query parameters are commonly ignored rather than refused; the contract does
        # not say which, so such a case only has to avoid a 5xx.
        unknown_only = all(
            x.rule == "schema.additionalProperties" and x.pointer.startswith("/query/")
            for x in findings
        )
        expect = "any" if unknown_only else "reject"
        return Case(
            operation=op,
            kind="invalid",
            expect=expect,  # type: ignore[arg-type]
            path_params=path,
            query=tuple(query),
            body=base_body,
            credential=self.scope.credential(),
            violation=violation,
            description=f"invalid parameter: {f.rule} at {path_text(f.pointer)}",
            provoked=provoked_for("reject", path_violation=path_violation),
        )

    # ---------------------------------------------------------------------- coverage units
    def coverage(self, op: Operation) -> list[Enumeration]:
        """The coverage units of ``op`` (its body and its parameters), enumerated once per run."""
        got = self._coverage.get(op.label)
        if got is not None:
            return got
        from contracttest.generate._gen import Gen
        from contracttest.runner.enumeration import Enumeration
        from contracttest.validate._report import blames_spec

        gen = self.generation
        table = gen.rule_table()
        out: list[Enumeration] = []
        if op.json_body() is not None:
            target = f"{op.label}:request"
            root = gen.plan(target).root
            if isinstance(root, Gen):  # else no valid body exists: the sources say so already
                out.append(
                    Enumeration(
                        op.label,
                        "body",
                        root,
                        gen.validator(target),
                        table,
                        blames_spec=blames_spec,
                    )
                )
        if op.parameters:
            target = f"{op.label}:parameters"
            root = gen.plan(target).root
            if isinstance(root, Gen):
                out.append(
                    Enumeration(
                        op.label,
                        "parameters",
                        root,
                        gen.validator(target),
                        table,
                        split=_split_parameter,
                        wire=lambda params, op=op: gen.params_wire_findings(  # type: ignore[misc]
                            op, self.with_credential(op, params)
                        ),
                        blames_spec=blames_spec,
                    )
                )
        self._coverage[op.label] = out
        return out

    def credential_scheme(self, op: Operation) -> AuthScheme | None:
        """How the run presents its credential to ``op`` (None: it presents none)."""
        return operation_scheme(self.spec, op) if self.scope.credentials else None

    def with_credential(self, op: Operation, params: Any) -> Any:
        """``params`` as they reach the server: the parameter that carries the run's API key
        (trello's ``key`` in the query) holds the credential, whatever the case drew or left out
        there (the transport puts it there), so a case that breaks it breaks nothing."""
        auth = self.credential_scheme(op)
        if auth is None or not isinstance(params, dict) or auth.location not in params:
            return params
        group = params[auth.location]
        if not isinstance(group, dict):
            return params
        same = auth.name.lower() if auth.location == "header" else auth.name
        kept = {
            k: v
            for k, v in group.items()
            if (k.lower() if auth.location == "header" else k) != same
        }
        return {**params, auth.location: {**kept, auth.name: "credential"}}

    def unit_share(self, op: Operation, kind: str) -> int:
        """How many units of ``kind`` ``op`` may send: the run's budget (``--max-units`` per kind)
        shared out so that small operations get every unit and the big ones split the rest."""
        shares = self._shares.get(kind)
        if shares is None:
            counts = {
                o.label: sum(1 for e in self.coverage(o) for u in e.units if u.kind == kind)
                for o in self.scope.operations
            }
            shares = self._shares[kind] = _water_fill(counts, self.scope.max_units)
        return shares.get(op.label, 0)

    def unit_case(self, op: Operation, planned: Planned) -> Case | str:
        """The case that exercises a planned unit, or why it is not sent (a valid edge that needs
        a resource the run cannot create, or whose merge into the resource would break a
        cross-field rule: the server would store a state its own responses cannot show)."""
        unit = planned.unit
        if unit.part == "body":
            body = planned.payload
            path, query = params_of(self.sample_params(op))
            headers = headers_of(self.sample_params(op))
        else:
            body = self.sample_body(op)
            path, query = params_of(planned.payload)
            headers = headers_of(planned.payload)
        if not all(sendable_header(v) for _, v in headers):
            return "a header value that is not plain ASCII cannot travel as written"
        if not routable_path(path) and unit.part != "path":
            # The minimal payload leaves a path value empty (``/orders/released{nextCursor}``
            # would become another route): the segments not under test take a routable sample.
            sample_path = params_of(self.sample_params(op))[0]
            path = {**path, **{k: v for k, v in sample_path.items() if k in path}}
        if not routable_path(path):
            return "an empty path segment addresses another route"
        res, role = self.scope.item_role(op)
        if unit.kind == "edge":
            expect, description = "success", unit.describe()
            provoked: frozenset[int] | None = None
            known = False
            if res is not None and unit.part == "path" and unit.location == f"/{res.id_param}":
                if self.fixtures.ledger.instance(res, str(path.get(unit.location[1:]))):
                    return "the edge value names a resource the run created"
                # a well-formed id that names nothing, unless the run made objects whose ids it
                # was not told (then nothing says what the server must answer)
                expect = "any" if self.fixtures.ledger.unnamed.get(res.name) else "not-found"
                provoked = provoked_for("not-found")
            elif res is not None and res.id_param:
                if self.scope.read_only:
                    return "read-only run: no resource to send it to"
                inst, why, _tag = self.known_id(op, body)
                if inst is None:
                    return f"no resource to send it to: {why}"
                if (
                    role == "update"
                    and isinstance(body, dict)
                    and not self.merge_valid(res, inst, body)
                ):
                    # what earlier patches stored conflicts with it: a resource created to take it
                    inst = self.fixtures.fresh(res, inst.tag, patch=body)
                    if inst is None or not self.merge_valid(res, inst, body):
                        return (
                            "merged into the resource it patches, it would break a cross-field "
                            "rule of the resource"
                        )
                path = {**path, res.id_param: inst.id}
                known = True
            if not self.scope.may_send(op):
                return "read-only run: a write not sent"
            return Case(
                operation=op,
                kind="edge",
                expect=expect,  # type: ignore[arg-type]
                path_params=path,
                query=tuple(query),
                headers=headers,
                body=body,
                credential=self.scope.credential(),
                description=description,
                provoked=provoked if provoked is not None else provoked_for(expect),  # type: ignore[arg-type]
                known_resource=known,
                unit=unit,
            )
        violation = planned.violation
        assert violation is not None
        path_violation = unit.part == "path"
        if res is not None and res.id_param and not path_violation:
            path = self.item_path(op, body, path)
        return Case(
            operation=op,
            kind="invalid",
            expect="reject",
            path_params=path,
            query=tuple(query),
            headers=headers,
            body=body,
            credential=self.scope.credential(),
            violation=violation,
            description=f"invalid {unit.part}: {unit.rule} at {path_text(violation.pointer)} "
            f"({unit.way})",
            provoked=provoked_for("reject", path_violation=path_violation),
            unit=unit,
        )

    # ------------------------------------------------------------------------- auth cases
    def auth_cases(self, op: Operation, *, missing_id: str | None = None) -> list[Case]:
        """A request without credentials and one with a wrong token (each on a resource of its
        own for an item operation: a DELETE that wrongly succeeds removes only that one)."""
        path, query = params_of(self.sample_params(op))
        body = self.sample_body(op)
        res, role = self.scope.item_role(op)
        out = []
        for credential, what in ((None, "no credentials"), ("invalid", "a wrong token")):
            inst = None
            if res is not None and res.id_param:
                if self.scope.read_only or not self.scope.credentials:
                    path = {**path, res.id_param: missing_id or str(uuid.uuid4())}
                else:
                    inst, _why, _tag = self.known_id(op, body, fresh=role == "delete")
                    path = {
                        **path,
                        res.id_param: inst.id
                        if inst is not None
                        else (missing_id or str(uuid.uuid4())),
                    }
            out.append(
                Case(
                    operation=op,
                    kind="auth",
                    expect="unauthorized",
                    path_params=path,
                    query=tuple(query),
                    body=body,
                    credential=credential,  # type: ignore[arg-type]
                    description=f"request with {what}",
                    provoked=provoked_for("unauthorized"),
                    known_resource=inst is not None,
                )
            )
        return out


def _water_fill(counts: dict[str, int], budget: int | None) -> dict[str, int]:
    """Share ``budget`` out: each gets its count when it fits, the biggest split what is left."""
    if budget is None:
        return dict(counts)
    out: dict[str, int] = {}
    left = budget
    pending = sorted(counts.items(), key=lambda kv: kv[1])
    while pending:
        fair = left // len(pending)
        name, n = pending.pop(0)
        out[name] = min(n, fair)
        left -= out[name]
    return out


def _split_parameter(pointer: str) -> tuple[str, str]:
    """``/query/limit`` -> (``query``, ``/limit``): a parameter pointer's part and place in it."""
    from contracttest import _pointer

    parts = _pointer.parts(pointer)
    if not parts:
        return "parameters", ""
    return parts[0], _pointer.join("", *parts[1:]) if len(parts) > 1 else ""


def _near(violation: Violation, findings: list[Any]) -> bool:
    """Whether the validator's findings include the labelled violation's place."""
    return any(
        f.pointer == violation.pointer
        or f.pointer.startswith(violation.pointer + "/")
        or violation.pointer.startswith(f.pointer + "/")
        or f.pointer == ""
        for f in findings
    )


def _place(template: str, name: str) -> str | None:
    """The path template up to and including parameter ``name`` (``/a/{x}`` of ``/a/{x}/b``)."""
    at = template.find("{" + name + "}")
    return template[: at + len(name) + 2] if at >= 0 else None

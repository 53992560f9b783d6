"""The conformance runner: phases of cases against one endpoint, events out, a `RunResult` at the end.

Phases, in order: ``positive`` (valid requests, Hypothesis-generated), ``negative`` (labelled invalid
bodies and parameters, malformed and odd input, boundary values), ``auth`` (missing and wrong
credentials), ``stateful`` (resource lifecycles, lists, pagination, filters, org isolation), then
``cleanup``, which deletes everything the run created, also after Ctrl-C or an error.
"""

from __future__ import annotations

import itertools
import platform
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from contracttest.errors import ContractTestError, TransportError
from contracttest.runner import events as ev
from contracttest.runner.case import NO_BODY, Case, Violation, provoked_for
from contracttest.runner.checks import CheckContext
from contracttest.runner.executor import (
    Executor,
    Fixtures,
    declared_properties,
    discriminator_property,
)
from contracttest.runner.generation import Generation, draw_examples, explore, field_names
from contracttest.runner.http import HttpClient
from contracttest.runner.redaction import Redactor
from contracttest.runner.results import OperationInfo, PhaseTiming, RunMetadata, RunResult, Status

if TYPE_CHECKING:
    from contracttest.mock.resources import Resource
    from contracttest.openapi.model import Operation
    from contracttest.runner.events import Handler
    from contracttest.runner.journal import Journal
    from contracttest.runner.plan import Plan

__all__ = ["PHASES", "Runner"]

PHASES = ("positive", "negative", "auth", "stateful")
PHASE_TITLES = {
    "positive": "valid requests",
    "negative": "invalid & odd input",
    "auth": "authentication",
    "stateful": "stateful & isolation",
    "cleanup": "cleanup",
}
RESPONSE_CHECKS = (
    "response.status",
    "response.content-type",
    "response.schema",
    "response.no-secrets",
    "server.no-5xx",
)
PHASE_CHECKS = {
    "positive": ("request.valid-accepted", "request.unknown-id"),
    "negative": ("request.invalid-rejected", "request.error-names-field", "request.unknown-id"),
    "auth": ("auth.required",),
    "stateful": (
        "stateful.lifecycle",
        "stateful.discriminator",
        "stateful.pagination",
        "stateful.filters",
        "auth.isolation",
    ),
}
MAX_PROBES = 80
MAX_BOUNDARY = 25
MAX_PROBE_TRIES = 600
# Odd values tried in place of each member of a valid body (strings, numbers, types, nulls).
_PROBE_VALUES: tuple[Any, ...] = (
    "",
    "x" * 5000,
    "12ab",
    "+1",
    "not a value",
    123,
    -1,
    1e12,
    True,
    None,
    {},
    [],
)
BAD_IDS = (
    "not-a-uuid",
    "0",
    "-1",
    "null",
    "' OR '1'='1",
    "x" * 300,
    "ñ",
    "00000000-0000-0000-0000-00000000000g",
)


@dataclass
class _Budget:
    deadline: float | None

    def exceeded(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline


class Runner:
    """Runs a plan against ``plan.base_url``.

    Args:
        plan: what to run (`contracttest.runner.plan.build_plan`).
        handlers: event consumers (console, pytest...).
        journal: where created resources are recorded (live endpoints); None for the built-in mock.
        client: an `HttpClient` to use instead of building one from the plan.
    """

    def __init__(
        self,
        plan: Plan,
        handlers: Iterable[Handler] = (),
        *,
        journal: Journal | None = None,
        client: HttpClient | None = None,
    ) -> None:
        cfg = plan.config
        self.plan = plan
        self.handlers = list(handlers)
        self.journal = journal
        self.redactor = Redactor(v for _, v in plan.credentials)
        for _, v in plan.extra_headers:
            from contracttest.runner.redaction import is_secret_header

            if any(is_secret_header(k) for k, vv in plan.extra_headers if vv == v):
                self.redactor.add(v, min_length=4)
        self.ctx = CheckContext(
            plan.spec, self.redactor, checks=plan.checks, credentials=len(plan.credentials)
        )
        for name, value in plan.credentials:
            self.ctx.learn_credential(name, value)
        self.client = client or HttpClient(
            plan.base_url,
            timeout=cfg.timeout,
            rate_limit=cfg.rate_limit,
            retries=cfg.retries,
        )
        self._own_client = client is None
        self.executor = Executor(plan, self.client, self.ctx, journal)
        self.generation = Generation(plan.spec)
        self.fixtures = Fixtures(self.executor, self.generation, plan.seed)
        self.run_id = uuid.uuid4().hex[:12]
        self.phases: list[PhaseTiming] = []
        self.notes: list[str] = []
        self.budget = _Budget(None)

    def attach_journal(self, journal: Journal) -> None:
        """Record created resources in ``journal`` (before the run starts)."""
        self.journal = journal
        self.executor.journal = journal

    # ------------------------------------------------------------------ events
    def emit(self, event: ev.Event) -> None:
        for h in self.handlers:
            h.handle_event(event)

    def note(self, message: str, level: str = "info") -> None:
        text = self.redactor.text(message)
        if text not in self.notes:
            self.notes.append(text)
        self.emit(ev.Note(text, level))

    # ------------------------------------------------------------------ run
    def run(self) -> RunResult:
        """Run every phase, clean up, and return the result (never raises for contract problems)."""
        started = time.monotonic()
        started_at = _now()
        cfg = self.plan.config
        self.budget = _Budget(started + cfg.deadline if cfg.deadline else None)
        meta = self._metadata(started_at)
        for h in self.handlers:
            h.start(self.plan)
        self.emit(ev.RunStarted(meta))
        interrupted = False
        aborted: str | None = None
        try:
            self._preflight()
            for phase in PHASES:
                if not self._phase_enabled(phase):
                    continue
                if self.budget.exceeded():
                    self.note(
                        f"time limit reached: phase {phase!r} and later ones did not run", "warning"
                    )
                    break
                self._run_phase(phase)
        except KeyboardInterrupt:
            interrupted = True
            self.note("interrupted: cleaning up what the run created", "warning")
        except ContractTestError as exc:
            aborted = str(exc)
            self.note(f"the run could not be carried out: {exc}", "error")
        finally:
            try:
                self._cleanup()
            except KeyboardInterrupt:
                interrupted = True
                self.note(
                    "cleanup interrupted; run `contracttest cleanup` to delete what is left",
                    "error",
                )
            finally:
                if self._own_client:
                    self.client.close()
        meta.finished_at = _now()
        meta.duration_s = round(time.monotonic() - started, 3)
        meta.interrupted = interrupted
        meta.aborted = aborted
        meta.requests = self.executor.requests
        result = self._result(meta)
        self.emit(ev.RunDone(result))
        for h in self.handlers:
            h.shutdown()
        return result

    def _phase_enabled(self, phase: str) -> bool:
        enabled = set(self.plan.checks)
        return bool(enabled & set(PHASE_CHECKS[phase])) or (
            phase in ("positive", "negative") and bool(enabled & set(RESPONSE_CHECKS))
        )

    def _preflight(self) -> None:
        """Make sure the endpoint answers at all (else the run cannot be carried out: exit 2)."""
        op = next(
            (o for o in self.plan.operations if o.method == "GET" and not o.path_params()), None
        )
        op = op or next(
            (o for o in self.plan.spec.operations if o.method == "GET" and not o.path_params()),
            None,
        )
        path = op.path if op is not None else "/"
        request = self.client.build("GET", path, headers=[("accept", "application/json")])
        try:
            self.client.send(request)
        except TransportError as exc:
            raise TransportError(f"cannot reach {self.plan.base_url}: {exc}") from exc
        self.executor.requests += 1

    def _run_phase(self, phase: str) -> None:
        units = self._units(phase)
        self.emit(ev.PhaseStarted(phase, PHASE_TITLES[phase], len(units)))
        t0 = time.monotonic()
        r0 = self.executor.requests
        for label, fn in units:
            if self.budget.exceeded():
                self.note(f"time limit reached during phase {phase!r}", "warning")
                break
            fn()
            self.emit(ev.CaseDone(phase, label))
        seconds = time.monotonic() - t0
        requests = self.executor.requests - r0
        self.phases.append(PhaseTiming(phase, seconds, requests))
        self.emit(ev.PhaseDone(phase, seconds, requests))

    def _units(self, phase: str) -> list[tuple[str, Any]]:
        ops = self.plan.operations
        if phase == "positive":
            return [(op.label, lambda op=op: self.positive(op)) for op in ops]
        if phase == "negative":
            return [(op.label, lambda op=op: self.negative(op)) for op in ops]
        if phase == "auth":
            return [(op.label, lambda op=op: self.auth(op)) for op in ops if op.secured]
        from contracttest.runner import stateful

        return stateful.units(self)

    def _cleanup(self) -> None:
        todo = [i for i in self.executor.created if not i.deleted]
        if not todo:
            return
        self.emit(ev.PhaseStarted("cleanup", PHASE_TITLES["cleanup"], 1))
        t0 = time.monotonic()
        r0 = self.executor.requests
        problems = self.executor.cleanup()
        for p in problems[:10]:
            self.note(p, "warning")
        left = [i for i in self.executor.created if not i.deleted]
        if left:
            where = f" (journal: {self.journal.path})" if self.journal is not None else ""
            self.note(
                f"{len(left)} created resource(s) could not be deleted{where}; "
                "run `contracttest cleanup` to retry",
                "warning",
            )
        self.emit(ev.CaseDone("cleanup", "cleanup"))
        seconds = time.monotonic() - t0
        self.phases.append(PhaseTiming("cleanup", seconds, self.executor.requests - r0))
        self.emit(ev.PhaseDone("cleanup", seconds, self.executor.requests - r0))

    # ------------------------------------------------------------------ helpers
    def credential(self, op: Operation, index: int = 0) -> int | None:
        """The credential index to use for ``op`` (None when the run has none)."""
        if index < len(self.plan.credentials):
            return index
        return None

    def missing_credentials(self, op: Operation) -> bool:
        return op.secured and not self.plan.credentials

    def item_role(self, op: Operation) -> tuple[Resource | None, str | None]:
        res = self.plan.resource_of(op)
        role = self.plan.role_of(op)
        if res is None or role not in ("get", "update", "delete") or not res.id_param:
            return None, None
        return res, role

    def params_of(self, draw: Any) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
        path: dict[str, Any] = {}
        query: list[tuple[str, Any]] = []
        if isinstance(draw, dict):
            p = draw.get("path")
            if isinstance(p, dict):
                path.update(p)
            q = draw.get("query")
            if isinstance(q, dict):
                query.extend(q.items())
        return path, query

    def sample_params(self, op: Operation) -> dict[str, Any]:
        """One valid set of parameters (the first the generator gives)."""
        if not op.parameters:
            return {}
        got = draw_examples(self.generation.valid(f"{op.label}:parameters"), 1, self.plan.seed)
        return got[0] if got and isinstance(got[0], dict) else {}

    def sample_body(self, op: Operation, tag: Any = None) -> Any:
        """A valid body for ``op`` (of a variant, when asked); NO_BODY when it has none."""
        if op.json_body() is None:
            return NO_BODY
        res = self.plan.resource_of(op)
        if res is not None and res.create is op:
            body = self.fixtures.body_for(res, tag)
            if body is not None:
                return body
        examples = self._examples(op)
        prop = discriminator_property(self.plan.spec, op)
        for ex in examples:
            if tag is None or prop is None or (isinstance(ex, dict) and ex.get(prop) == tag):
                return ex
        return examples[0] if examples else NO_BODY

    def _examples(self, op: Operation) -> list[Any]:
        got = list(self.examples(f"{op.label}:request"))
        got.sort(key=lambda b: -len(b) if isinstance(b, dict) else 0)
        return got

    def examples(self, target: str, n: int = 24) -> list[Any]:
        """Valid values of a target, drawn once per run (deterministic for the seed)."""
        cache: dict[str, list[Any]] = self.__dict__.setdefault("_examples_cache", {})
        got = cache.get(target)
        if got is None:
            got = cache[target] = draw_examples(
                self.generation.valid(target), n, (self.plan.seed + _stable_hash(target)) % (2**32)
            )
        return got

    def known_id(
        self, op: Operation, body: Any = NO_BODY, *, fresh: bool = False, credential: int = 0
    ) -> tuple[Any, str | None, Any]:
        """An existing resource id for an item operation: (instance, reason when none, tag)."""
        res, role = self.item_role(op)
        if res is None:
            return None, "not an item operation", None
        tag = None
        if role == "update" and isinstance(body, dict):
            prop = discriminator_property(self.plan.spec, op)
            tag = body.get(prop) if prop else None
            if tag is not None and tag not in self.fixtures.tags(res):
                tag = None
        if fresh or role == "delete":
            inst = self.fixtures.fresh(res, tag, credential)
        else:
            inst = self.fixtures.get(res, tag, credential)
        if inst is None:
            return None, self.fixtures.why_not(res, tag, credential), tag
        return inst, None, tag

    # ------------------------------------------------------------------ positive
    def positive(self, op: Operation) -> None:
        from hypothesis import strategies as st

        check = "request.valid-accepted"
        if not self.plan.may_send(op):
            self.ctx.skip(op, check, "read-only run: writes need --allow-writes or a loopback URL")
            return
        if self.missing_credentials(op):
            self.ctx.skip(op, check, "no credentials (pass --token or set CONTRACTTEST_TOKEN)")
            return
        res, role = self.item_role(op)
        try:
            params = (
                self.generation.valid(f"{op.label}:parameters") if op.parameters else st.just({})
            )
            body = (
                self.generation.valid(f"{op.label}:request") if op.json_body() else st.just(NO_BODY)
            )
        except ContractTestError as exc:
            self.ctx.error(op, check, f"cannot generate requests: {exc}")
            return
        # Mostly existing resources (the first, simplest draw is one too), some unknown ids.
        known = (
            st.sampled_from((True, True, False))
            if res is not None and op.method != "DELETE"
            else st.just(res is not None)
        )
        strategy = st.fixed_dictionaries({"params": params, "body": body, "known": known})

        def test(draw: dict[str, Any]) -> None:
            path, query = self.params_of(draw["params"])
            body_value = draw["body"]
            expect = "success"
            description = "valid request"
            known_resource = False
            inst = None
            if res is not None and res.id_param:
                if draw["known"] and not self.plan.read_only:
                    inst, _why, _tag = self.known_id(op, body_value)
                    if inst is not None:
                        path[res.id_param] = inst.id
                        known_resource = True
                        description = "valid request on an existing resource"
                if not known_resource:
                    expect = "not-found"
                    description = "valid request with an id that does not exist"
                    if not self.plan.may_send(op, expect_rejection=True):
                        return
            wire_path, wire_query = self.generation.wire_params(op, path, query)
            if self.generation.wire_findings(op, wire_path, wire_query):
                return  # the wire turned a valid value into an invalid one; not a valid case
            if (
                known_resource
                and role == "update"
                and inst is not None
                and isinstance(body_value, dict)
                and not self._merge_valid(res, inst, body_value)
            ):
                expect = "any"
                description = "patch whose merge with the resource breaks a cross-field rule"
            case = Case(
                operation=op,
                kind="valid",
                expect=expect,  # type: ignore[arg-type]
                path_params=path,
                query=tuple(query),
                body=body_value,
                credential=self.credential(op),
                description=description,
                provoked=provoked_for(expect),  # type: ignore[arg-type]
                known_resource=known_resource,
            )
            ex = self.executor.send(case)
            if ex is not None and inst is not None and role == "delete" and 200 <= ex.status < 300:
                self.executor.mark_deleted(inst)

        self._explore(op, check, strategy, test, salt=1)
        for case in self._variant_cases(op):
            ex = self.executor.send(case)
            if ex is not None and op.method == "DELETE" and 200 <= ex.status < 300:
                res_, _r = self.item_role(op)
                inst = (
                    self.executor.instance(res_, case.path_params.get(res_.id_param or "id", ""))
                    if res_
                    else None
                )
                if inst is not None:
                    self.executor.mark_deleted(inst)

    def _variant_cases(self, op: Operation) -> Iterator[Case]:
        """One valid request per discriminated variant of the resource, whatever the random draws
        did: every variant is created, read, patched and deleted at least once."""
        res = self.plan.resource_of(op)
        role = self.plan.role_of(op)
        if res is None or self.plan.read_only or self.missing_credentials(op):
            return
        params = self.sample_params(op)
        path, query = self.params_of(params)
        prop = discriminator_property(self.plan.spec, res.create)
        for tag in self.fixtures.tags(res):
            what = f"{prop}={tag!r}" if prop else "a resource"
            if role == "create":
                created = self.fixtures.body_for(res, tag, variant=2)
                if created is not None:
                    yield Case(
                        operation=op,
                        kind="valid",
                        expect="success",
                        path_params=path,
                        query=tuple(query),
                        body=created,
                        credential=self.credential(op),
                        description=f"create {what}",
                    )
                continue
            if role not in ("get", "update", "delete") or not res.id_param:
                continue
            inst = (
                self.fixtures.fresh(res, tag) if role == "delete" else self.fixtures.get(res, tag)
            )
            if inst is None:
                continue
            body: Any = NO_BODY
            if role == "update":
                from contracttest.runner.stateful import _patch_body

                body = _patch_body(self, res, tag, prop, inst.sent)
                if body is None:
                    continue
            yield Case(
                operation=op,
                kind="valid",
                expect="success",
                path_params={**path, res.id_param: inst.id},
                query=tuple(query),
                body=body,
                credential=self.credential(op),
                known_resource=True,
                description=f"{op.method} on {what}",
            )

    def _merge_valid(self, res: Resource | None, inst: Any, patch: dict[str, Any]) -> bool:
        if res is None or res.create.json_body() is None:
            return True
        merged = {**(inst.sent or {}), **patch}
        return self.generation.is_valid(f"{res.create.label}:request", merged)

    def _explore(self, op: Operation, check: str, strategy: Any, test: Any, *, salt: int) -> None:
        try:
            note = explore(
                strategy,
                test,
                max_examples=self.plan.max_examples,
                seed=(self.plan.seed * 7919 + salt * 104729 + _stable_hash(op.label)) % (2**32),
            )
        except ContractTestError as exc:
            self.ctx.error(op, check, f"cannot generate requests: {exc}")
            return
        if note:
            self.ctx.error(op, check, note)

    # ------------------------------------------------------------------ negative
    def negative(self, op: Operation) -> None:
        check = "request.invalid-rejected"
        if self.missing_credentials(op):
            self.ctx.skip(op, check, "no credentials (pass --token or set CONTRACTTEST_TOKEN)")
            return
        if not self.plan.may_send(op, expect_rejection=True):
            self.ctx.skip(op, check, "read-only run")
            return
        if op.json_body() is not None:
            self._invalid_bodies(op)
            for case in self._probes(op):
                self.executor.send(case)
            for case in self._body_boundaries(op):
                self.executor.send(case)
            for case in self._robustness(op):
                self.executor.send(case)
        if op.parameters:
            self._invalid_params(op)
            for case in self._boundaries(op):
                self.executor.send(case)
        res, _role = self.item_role(op)
        if res is not None:
            for case in self._bad_ids(op, res):
                self.executor.send(case)

    def _item_path(self, op: Operation, body: Any, path: dict[str, Any]) -> dict[str, Any] | None:
        """Put an existing id (or, read-only, a random one) into an item operation's path."""
        res, _role = self.item_role(op)
        if res is None or not res.id_param:
            return path
        if self.plan.read_only:
            return {**path, res.id_param: str(uuid.uuid4())}
        inst, _why, _tag = self.known_id(op, body)
        if inst is None:
            return {**path, res.id_param: str(uuid.uuid4())}
        return {**path, res.id_param: inst.id}

    def _bases(self, op: Operation) -> list[Any]:
        """Valid bodies to mutate: one per variant for creates, a sample otherwise."""
        res = self.plan.resource_of(op)
        if res is not None and res.create is op:
            bases = [self.fixtures.body_for(res, tag) for tag in self.fixtures.tags(res)]
            return [b for b in bases if b is not None]
        if res is not None and res.update is op and res.create.json_body() is not None:
            prop = discriminator_property(self.plan.spec, op)
            out = []
            seen: set[Any] = set()
            for ex in self._examples(op):
                tag = ex.get(prop) if isinstance(ex, dict) and prop else None
                if tag not in seen and isinstance(ex, dict) and len(ex) > (1 if prop else 0):
                    seen.add(tag)
                    out.append(ex)
            return out
        body = self.sample_body(op)
        return [] if body is NO_BODY else [body]

    def _body_boundaries(self, op: Operation) -> Iterator[Case]:
        """The generators' boundary phase: each constraint at its limit (must be accepted) and just
        past it (must be rejected), one case per constraint and place."""
        target = f"{op.label}:request"
        try:
            cases = self.generation.boundary(target)
        except ContractTestError as exc:
            self.ctx.error(op, "request.valid-accepted", f"cannot build boundary cases: {exc}")
            return
        params = self.sample_params(op)
        path, query = self.params_of(params)
        res, role = self.item_role(op)
        seen: set[tuple[str, str]] = set()
        valid_sent = invalid_sent = 0
        # Values at an upper limit first (a 40-character name), then the rest in generator order.
        cases = sorted(cases, key=lambda c: -_longest(c[0]) if c[1] is None else 0)
        for payload, violation in cases:
            if violation is None:
                if valid_sent >= MAX_BOUNDARY or self.plan.read_only:
                    continue
                key = ("valid", _shape(payload))
                if key in seen:
                    continue
                seen.add(key)
                expect = "success"
                description = "valid body at a boundary"
                item_path = path
                if res is not None and res.id_param:
                    inst, _why, _tag = self.known_id(op, payload)
                    if inst is None:
                        continue
                    item_path = {**path, res.id_param: inst.id}
                    if role == "update" and not self._merge_valid(res, inst, payload):
                        expect, description = "any", "boundary patch that breaks a cross-field rule"
                valid_sent += 1
                yield Case(
                    operation=op,
                    kind="boundary",
                    expect=expect,  # type: ignore[arg-type]
                    path_params=item_path,
                    query=tuple(query),
                    body=payload,
                    credential=self.credential(op),
                    description=description,
                    known_resource=res is not None,
                )
                continue
            key = (violation.rule, _pattern(violation.pointer))
            if invalid_sent >= MAX_BOUNDARY or key in seen:
                continue
            seen.add(key)
            invalid_sent += 1
            yield Case(
                operation=op,
                kind="boundary",
                expect="reject",
                path_params=self._item_path(op, payload, path) or path,
                query=tuple(query),
                body=payload,
                credential=self.credential(op),
                violation=violation,
                description=f"just past a limit: {violation.rule} at {_path_text(violation.pointer)}",
                provoked=provoked_for("reject"),
            )

    def _probes(self, op: Operation) -> Iterator[Case]:
        """Deterministic mutations: an odd value in place of each member of valid bodies (and for
        each declared member they lack). A mutation is sent when it breaks a rule at a place no
        earlier probe covered; mutations that break exactly one rule are preferred, so each case
        tests one constraint."""
        if op.method == "DELETE" and self.plan.read_only:
            return
        target = f"{op.label}:request"
        params = self.sample_params(op)
        path, query = self.params_of(params)
        single: list[tuple[Any, Any]] = []
        multi: list[tuple[Any, list[Any]]] = []
        for base in self._bases(op):
            absent = [
                k
                for k in declared_properties(self.plan.spec, target, base)
                if isinstance(base, dict) and k not in base
            ]
            additions = (({**base, k: v}, f"/{k}") for k in absent for v in _PROBE_VALUES)
            # Shallow places first: every top-level member is probed before nested ones.
            ordered = sorted(
                itertools.chain(_mutations(base), additions), key=lambda m: m[1].count("/")
            )
            for mutated, where in ordered[:MAX_PROBE_TRIES]:
                findings = [
                    f
                    for f in self.generation.findings(target, mutated)
                    if _pattern(f.pointer).startswith(_pattern(where))
                ]
                if len(findings) == 1:
                    single.append((mutated, findings[0]))
                elif findings:
                    multi.append((mutated, findings))
        seen: set[tuple[str, str]] = set()
        chosen: list[tuple[Any, Any]] = []
        for mutated, f in single:
            key = (f.rule, _pattern(f.pointer))
            if key not in seen:
                seen.add(key)
                chosen.append((mutated, f))
        for mutated, findings in multi:
            fresh = [f for f in findings if (f.rule, _pattern(f.pointer)) not in seen]
            if fresh:
                seen.add((fresh[0].rule, _pattern(fresh[0].pointer)))
                chosen.append((mutated, fresh[0]))
        for mutated, f in chosen[:MAX_PROBES]:
            yield Case(
                operation=op,
                kind="invalid",
                expect="reject",
                path_params=self._item_path(op, mutated, path) or path,
                query=tuple(query),
                body=mutated,
                credential=self.credential(op),
                violation=Violation(
                    f.rule, f.pointer, f.message, field_names(f.pointer, f.message, f.expected)
                ),
                description=f"invalid body: {f.rule} at {_path_text(f.pointer)}",
                provoked=provoked_for("reject"),
            )

    def _invalid_bodies(self, op: Operation) -> None:
        target = f"{op.label}:request"
        try:
            strategy = self.generation.invalid(target)
        except ContractTestError as exc:
            self.ctx.error(op, "request.invalid-rejected", f"cannot generate invalid bodies: {exc}")
            return
        base_params = self.sample_params(op)

        def test(labelled: Any) -> None:
            payload, violation = labelled.payload, labelled.violation
            findings = self.generation.findings(target, payload)
            if not findings:
                return  # the validator accepts it: the server must too; not a negative case
            if not violation.rule or violation.rule == "invalid" or not _near(violation, findings):
                f = findings[0]
                violation = Violation(
                    f.rule, f.pointer, f.message, field_names(f.pointer, f.message, f.expected)
                )
            path, query = self.params_of(base_params)
            if op.method == "DELETE" and self.plan.read_only:
                return
            path = self._item_path(op, payload, path) or path
            case = Case(
                operation=op,
                kind="invalid",
                expect="reject",
                path_params=path,
                query=tuple(query),
                body=payload,
                credential=self.credential(op),
                violation=violation,
                description=f"invalid body: {violation.rule} at {_path_text(violation.pointer)}",
                provoked=provoked_for("reject"),
            )
            self.executor.send(case)

        self._explore(op, "request.invalid-rejected", strategy, test, salt=2)

    def _invalid_params(self, op: Operation) -> None:
        target = f"{op.label}:parameters"
        try:
            strategy = self.generation.invalid(target)
        except ContractTestError as exc:
            self.ctx.error(
                op, "request.invalid-rejected", f"cannot generate invalid parameters: {exc}"
            )
            return
        body = self.sample_body(op)

        def test(labelled: Any) -> None:
            path, query = self.params_of(labelled.payload)
            if any(p.name not in path for p in op.path_params()):
                return  # a request without a path segment is another URL, not this operation
            wire_path, wire_query = self.generation.wire_params(op, path, query)
            findings = self.generation.wire_findings(op, wire_path, wire_query)
            if not findings:
                return  # the mutation does not survive the trip through strings
            if any(not isinstance(v, (str, int, float, bool)) for v in path.values()):
                return
            f = findings[0]
            violation = Violation(
                f.rule, f.pointer, f.message, field_names(f.pointer, f.message, f.expected)
            )
            path_violation = f.pointer.startswith("/path")
            res, _role = self.item_role(op)
            if res is not None and res.id_param and not path_violation:
                if self.plan.read_only and op.method not in ("GET", "HEAD"):
                    path[res.id_param] = str(uuid.uuid4())
                else:
                    fixed = self._item_path(op, body, path)
                    path = fixed or path
            case = Case(
                operation=op,
                kind="invalid",
                expect="reject",
                path_params=path,
                query=tuple(query),
                body=body,
                credential=self.credential(op),
                violation=violation,
                description=f"invalid parameter: {f.rule} at {_path_text(f.pointer)}",
                provoked=provoked_for("reject", path_violation=path_violation),
            )
            self.executor.send(case)

        self._explore(op, "request.invalid-rejected", strategy, test, salt=3)

    def _robustness(self, op: Operation) -> Iterator[Case]:
        """Malformed and odd bodies: never a 5xx, and a 4xx where the body breaks the contract."""
        base_params = self.sample_params(op)
        path, query = self.params_of(base_params)
        path = self._item_path(op, NO_BODY, path) or path
        if op.method == "DELETE" and self.plan.read_only:
            return
        valid = self.sample_body(op)
        media = op.json_body()
        json_type = media.media_type if media is not None else "application/json"
        common = {
            "operation": op,
            "path_params": path,
            "query": tuple(query),
            "credential": self.credential(op),
        }

        def reject(
            raw: bytes | None,
            description: str,
            *,
            content_type: str | None = None,
            body: Any = NO_BODY,
        ) -> Case:
            return Case(
                kind="robustness",
                expect="reject",
                raw_body=raw,
                body=body,
                content_type=content_type or json_type,
                description=description,
                provoked=provoked_for("reject"),
                **common,  # type: ignore[arg-type]
            )

        yield reject(b'{"', "malformed JSON (truncated)")
        yield reject(b"{'single': 'quotes'}", "malformed JSON (single quotes)")
        yield reject(b"{} trailing", "malformed JSON (trailing garbage)")
        yield reject(b'{"a": "\xff\xfe"}', "a body that is not UTF-8")
        yield reject(b"[" * 3000 + b"]" * 3000, "JSON nested 3000 levels deep")
        root_object = self._root_is_object(op)
        if root_object:
            for raw, what in (
                (b"[]", "an array"),
                (b'"text"', "a string"),
                (b"42", "a number"),
                (b"null", "null"),
                (b"true", "a boolean"),
            ):
                yield reject(raw, f"a JSON body that is {what}, not an object")
        if op.request_body_required:
            yield reject(b"", "an empty body with a JSON content type")
        if valid is not NO_BODY:
            import json as _json

            text = _json.dumps(valid).encode()
            yield reject(text, "a valid JSON body sent as text/plain", content_type="text/plain")
            yield reject(
                b"provider=x&name=y",
                "a form-encoded body",
                content_type="application/x-www-form-urlencoded",
            )
            odd = self._odd_strings(op, valid)
            if odd is not None:
                yield Case(
                    kind="robustness",
                    expect="any",
                    body=odd,
                    description="a valid body with NUL, RTL and astral characters in a string",
                    **common,  # type: ignore[arg-type]
                )
        from contracttest.runner.http import is_loopback

        if is_loopback(self.plan.base_url) and root_object:
            yield reject(b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}', "a 2 MiB body")

    def _root_is_object(self, op: Operation) -> bool:
        target = f"{op.label}:request"
        probes: tuple[Any, ...] = ([], "x", 1)
        return all(not self.generation.is_valid(target, probe) for probe in probes)

    def _odd_strings(self, op: Operation, valid: Any) -> Any:
        """``valid`` with odd but legal text (NUL, RTL mark, accents, an astral emoji) in as many
        top-level string members as the schema allows."""
        if not isinstance(valid, dict):
            return None
        target = f"{op.label}:request"
        out = dict(valid)
        changed = False
        for key, value in valid.items():
            if not isinstance(value, str) or key in ("provider", "type"):
                continue
            for odd in ("ct\u0000\u202eé\U0001f600", "é\U0001f600", "é"):
                candidate = dict(out, **{key: odd})
                if self.generation.is_valid(target, candidate):
                    out, changed = candidate, True
                    break
        return out if changed else None

    def _boundaries(self, op: Operation) -> Iterator[Case]:
        """Query parameters at and just past each limit; validity decided on the wire."""
        res, _role = self.item_role(op)
        params = self.sample_params(op)
        path, _query = self.params_of(params)
        if res is not None and res.id_param:
            if op.method != "GET":
                return  # a write with a lenient server would change a real resource
            fixed = self._item_path(op, NO_BODY, path)
            path = fixed or path
        body = self.sample_body(op)
        for param in op.parameters:
            if param.location != "query":
                continue
            for value in _boundary_values(self._param_schema(op, param.name)):
                wire_path, wire_query = self.generation.wire_params(op, path, [(param.name, value)])
                findings = self.generation.wire_findings(op, wire_path, wire_query)
                if findings:
                    f = findings[0]
                    yield Case(
                        operation=op,
                        kind="boundary",
                        expect="reject",
                        path_params=path,
                        query=((param.name, value),),
                        body=body,
                        credential=self.credential(op),
                        violation=Violation(f.rule, f.pointer, f.message, (param.name,)),
                        description=f"{param.name}={value!r} (out of range)",
                        provoked=provoked_for("reject"),
                    )
                elif op.method == "GET" or not self.plan.read_only:
                    yield Case(
                        operation=op,
                        kind="boundary",
                        expect="success",
                        path_params=path,
                        query=((param.name, value),),
                        body=body,
                        credential=self.credential(op),
                        description=f"{param.name}={value!r} (boundary value)",
                    )

    def _param_schema(self, op: Operation, name: str) -> dict[str, Any]:
        schema = self.plan.spec.target(f"{op.label}:parameters").schema()
        node = schema.get("properties", {}).get("query", {}).get("properties", {}).get(name, {})
        defs = schema.get("definitions", {})
        hops = 0
        while isinstance(node, dict) and "$ref" in node and hops < 16:
            node = defs.get(str(node["$ref"]).rsplit("/", 1)[-1], {})
            hops += 1
        return node if isinstance(node, dict) else {}

    def _bad_ids(self, op: Operation, res: Resource) -> Iterator[Case]:
        assert res.id_param
        params = self.sample_params(op)
        path, query = self.params_of(params)
        body = self.sample_body(op)
        for bad in (str(uuid.uuid4()), *BAD_IDS):
            p = {**path, res.id_param: bad}
            wire_path, wire_query = self.generation.wire_params(op, p, query)
            findings = [
                f
                for f in self.generation.wire_findings(op, wire_path, wire_query)
                if f.pointer.startswith("/path")
            ]
            if findings:
                f = findings[0]
                yield Case(
                    operation=op,
                    kind="bad-id",
                    expect="reject",
                    path_params=p,
                    query=tuple(query),
                    body=body,
                    credential=self.credential(op),
                    violation=Violation(f.rule, f.pointer, f.message, (res.id_param,)),
                    description=f"malformed id {bad[:40]!r}",
                    provoked=provoked_for("reject", path_violation=True),
                )
            else:
                yield Case(
                    operation=op,
                    kind="bad-id",
                    expect="not-found",
                    path_params=p,
                    query=tuple(query),
                    body=body,
                    credential=self.credential(op),
                    description=f"id {bad[:40]!r} that names nothing",
                    provoked=provoked_for("not-found"),
                )

    # ------------------------------------------------------------------ auth
    def auth(self, op: Operation) -> None:
        check = "auth.required"
        if check not in self.plan.checks:
            return
        if not self.plan.may_send(op, expect_rejection=True):
            self.ctx.skip(op, check, "read-only run")
            return
        params = self.sample_params(op)
        path, query = self.params_of(params)
        body = self.sample_body(op)
        res, role = self.item_role(op)
        for credential, what in ((None, "no credentials"), ("invalid", "a wrong token")):
            inst = None
            if res is not None and res.id_param:
                if self.plan.read_only or not self.plan.credentials:
                    path = {**path, res.id_param: str(uuid.uuid4())}
                else:
                    inst, _why, _tag = self.known_id(op, body, fresh=role == "delete")
                    path = {
                        **path,
                        res.id_param: inst.id if inst is not None else str(uuid.uuid4()),
                    }
            case = Case(
                operation=op,
                kind="auth",
                expect="unauthorized",
                path_params=path,
                query=tuple(query),
                body=body,
                credential=credential,  # type: ignore[arg-type]
                description=f"request with {what}",
                provoked=provoked_for("unauthorized"),
            )
            ex = self.executor.send(case)
            if ex is not None and inst is not None and role == "delete" and 200 <= ex.status < 300:
                self.executor.mark_deleted(inst)

    # ------------------------------------------------------------------ result
    def _metadata(self, started_at: str) -> RunMetadata:
        import hypothesis

        from contracttest import __version__

        plan = self.plan
        cfg = plan.config
        spec = plan.spec
        info = spec.raw.get("info") if isinstance(spec.raw.get("info"), dict) else {}
        versions = {
            "contracttest": __version__,
            "python": platform.python_version(),
            "hypothesis": hypothesis.__version__,
        }
        try:
            import httpx

            versions["httpx"] = httpx.__version__
        except ImportError:  # pragma: no cover - httpx is a dependency
            pass
        return RunMetadata(
            run_id=self.run_id,
            started_at=started_at,
            finished_at=None,
            duration_s=0.0,
            spec_source=cfg.spec_source or spec.source,
            spec_sha256=_sha(spec),
            spec_title=str(info.get("title", "")) if isinstance(info, dict) else "",
            spec_version=str(info.get("version", "")) if isinstance(info, dict) else "",
            overlays=list(cfg.overlays),
            base_url=self.redactor.url(plan.base_url),
            target=plan.target_kind,
            seed=plan.seed,
            max_examples=plan.max_examples,
            allow_writes=cfg.allow_writes,
            read_only=plan.read_only,
            credentials=len(plan.credentials),
            versions=versions,
            include=list(cfg.include),
            rate_limit=cfg.rate_limit,
            timeout=cfg.timeout,
        )

    def _result(self, meta: RunMetadata) -> RunResult:
        from contracttest.runner.registry import checks_info

        infos = {c.id: c for c in checks_info()}
        self.ctx.finalize()
        results = {}
        for op in self.plan.operations:
            for cid in self.plan.checks:
                slot = self.ctx.results.get((op.label, cid))
                if slot is None:
                    continue
                r = slot.result
                if r.status is Status.PASSED and r.cases == 0 and not r.errors:
                    continue
                results[(op.label, cid)] = r
        operations = [
            OperationInfo(op.operation_id, op.method, op.path, op.label, op.summary)
            for op in self.plan.operations
        ]
        return RunResult(
            metadata=meta,
            operations=operations,
            checks=list(self.plan.checks),
            results=results,
            spec_findings=self.ctx.spec_findings(),
            phases=list(self.phases),
            notes=list(self.notes),
            check_meta={
                cid: {
                    "title": infos[cid].title,
                    "short": infos[cid].short,
                    "description": infos[cid].description,
                }
                for cid in self.plan.checks
                if cid in infos
            },
            redactor=self.redactor,
        )


def _longest(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return max((_longest(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return max((_longest(v) for v in value), default=0)
    return 0


def _shape(payload: Any) -> str:
    """Which members a payload sets, and the length class of each scalar: boundary cases that
    differ only in values of the same kind are one case."""
    import json

    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: walk(x) for k, x in sorted(v.items())}
        if isinstance(v, list):
            return [walk(x) for x in v[:3]]
        if isinstance(v, str):
            return f"s{len(v)}"
        return type(v).__name__ + (str(v) if isinstance(v, (int, float)) else "")

    return json.dumps(walk(payload), sort_keys=True)


def _pattern(pointer: str) -> str:
    import re

    return re.sub(r"/\d+(?=/|$)", "/*", pointer)


def _probe_values(current: Any) -> tuple[Any, ...]:
    """Odd values to try in place of ``current``: each breaks a different kind of constraint."""
    if isinstance(current, bool):
        return ("true", None, 1)
    if isinstance(current, (int, float)):
        return (-1, 1e12, 0.5, "1", None)
    if isinstance(current, str):
        return ("", "x" * 5000, "12ab", "+1", "not a value", 123, None)
    if isinstance(current, (dict, list)):
        return ("x", None, [] if isinstance(current, dict) else {})
    return _PROBE_VALUES


def _mutations(base: Any, pointer: str = "", depth: int = 0) -> Iterator[tuple[Any, str]]:
    """(mutated copy of ``base``, pointer of the change) for each member and probe value."""
    import copy

    if depth > 5:
        return
    if isinstance(base, dict):
        extra = dict(base)
        extra["ctUnexpectedMember"] = 1
        yield extra, pointer
        for key in list(base):
            member = f"{pointer}/{key}"
            removed = {k: v for k, v in base.items() if k != key}
            yield removed, pointer
            for value in _probe_values(base[key]):
                if value == base[key] and type(value) is type(base[key]):
                    continue
                yield {**base, key: value}, member
            for sub, where in _mutations(base[key], member, depth + 1):
                yield {**base, key: sub}, where
    elif isinstance(base, list) and base:
        for sub, where in _mutations(base[0], f"{pointer}/0", depth + 1):
            yield [sub, *copy.deepcopy(base[1:])], where


def _near(violation: Violation, findings: list[Any]) -> bool:
    """Whether the validator's findings include the labelled violation's place."""
    return any(
        f.pointer == violation.pointer
        or f.pointer.startswith(violation.pointer + "/")
        or violation.pointer.startswith(f.pointer + "/")
        or f.pointer == ""
        for f in findings
    )


def _path_text(pointer: str) -> str:
    from contracttest.findings import pointer_to_path

    return pointer_to_path(pointer)


def _stable_hash(text: str) -> int:
    import hashlib

    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def _sha(spec: Any) -> str:
    sha = str(getattr(spec, "sha256", "") or "")
    if len(sha) == 64:
        return sha
    import hashlib
    import json

    return hashlib.sha256(json.dumps(spec.raw, sort_keys=True, default=str).encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _boundary_values(schema: dict[str, Any]) -> list[Any]:
    """Values at and just past the limits of a parameter schema (validity is decided later)."""
    out: list[Any] = []
    types = schema.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    if "enum" in schema and isinstance(schema["enum"], list):
        for v in schema["enum"][:6]:
            out.append(v)
            if isinstance(v, str) and v.swapcase() != v:
                out.append(v.swapcase())
        out.append("NOT-A-CHOICE")
        return out
    if "integer" in types or "number" in types:
        lo, hi = schema.get("minimum"), schema.get("maximum")
        for bound, step in ((lo, -1), (hi, 1)):
            if isinstance(bound, (int, float)) and not isinstance(bound, bool):
                out += [bound, bound + step]
        if "number" in types:
            out.append(0.5 if not isinstance(lo, (int, float)) or lo <= 0.5 else lo + 0.5)
        else:
            out.append(1.5)
        out += ["abc", "NaN", "1e999"]
        return out
    if "boolean" in types:
        return [True, False, "yes"]
    if "string" in types or not types:
        fmt = schema.get("format")
        if fmt == "date-time":
            return ["2024-01-01T00:00:00Z", "2024-02-30T10:00:00Z", "yesterday"]
        if fmt == "uuid":
            return [str(uuid.UUID(int=0)), "not-a-uuid"]
        mx, mn = schema.get("maxLength"), schema.get("minLength")
        if isinstance(mx, int):
            out += ["x" * mx, "x" * (mx + 1)]
        if isinstance(mn, int) and mn > 0:
            out += ["x" * mn, "x" * (mn - 1)]
    return out

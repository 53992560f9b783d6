"""The conformance runner: phases of cases against one endpoint, events out, a `RunResult` at the end.

Phases, in order: ``positive`` (valid requests, Hypothesis-generated), ``negative`` (labelled invalid
bodies and parameters, malformed and odd input, boundary values), ``auth`` (missing and wrong
credentials), ``stateful`` (resource lifecycles, lists, pagination, filters, org isolation), then
``cleanup``, which deletes everything the run created, also after Ctrl-C or an error.
"""

from __future__ import annotations

import platform
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from contracttest.errors import ContractTestError, TransportError
from contracttest.runner import events as ev
from contracttest.runner.case import NO_BODY, Case, provoked_for
from contracttest.runner.checks import CheckContext
from contracttest.runner.executor import (
    Executor,
    Fixtures,
    discriminator_property,
)
from contracttest.runner.generation import Generation, draw_examples, explore
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
        # the password and secret query values of the endpoint's and the spec's URLs
        self.redactor.add_url(plan.base_url)
        self.redactor.add_url(cfg.spec_source or "")
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
        self.generation.on_spec_fault = self.ctx.spec_fault
        self.fixtures = Fixtures(self.executor, self.generation, plan.seed)
        self.executor.scope_for = self.fixtures.op_scope
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
            aborted = self.redactor.text(str(exc))
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
            import httpx

            if isinstance(exc.__cause__, httpx.ReadTimeout):
                # Connected but slow: the checks will say which requests time out.
                self.note(f"the endpoint is slow: {exc}", "warning")
                return
            raise TransportError(f"cannot reach {self.plan.base_url}: {exc}") from exc
        self.executor.requests += 1

    def _run_phase(self, phase: str) -> None:
        units = self._units(phase)
        self.emit(ev.PhaseStarted(phase, PHASE_TITLES[phase], len(units)))
        t0 = time.monotonic()
        r0 = self.executor.requests
        for label, fn, op, check in units:
            if self.budget.exceeded():
                self.note(f"time limit reached during phase {phase!r}", "warning")
                break
            try:
                fn()
            except TransportError:
                raise
            except ContractTestError as exc:
                # One operation the runner cannot drive (a body it cannot build, a path it cannot
                # fill) is that operation's problem, not the whole run's.
                self.ctx.error(op, check, f"could not finish: {exc}")
            self.emit(ev.CaseDone(phase, label))
        seconds = time.monotonic() - t0
        requests = self.executor.requests - r0
        self.phases.append(PhaseTiming(phase, seconds, requests))
        self.emit(ev.PhaseDone(phase, seconds, requests))

    def _units(self, phase: str) -> list[tuple[str, Any, Operation, str]]:
        """(label, work, operation, check) for each unit of a phase; a unit that cannot be
        carried out is reported as that operation and check not finishing."""
        import functools

        ops = self.plan.operations
        if phase == "positive":
            return [
                (op.label, functools.partial(self.positive, op), op, "request.valid-accepted")
                for op in ops
            ]
        if phase == "negative":
            from contracttest.runner import negative

            return [
                (
                    op.label,
                    functools.partial(negative.run_negative, self, op),
                    op,
                    "request.invalid-rejected",
                )
                for op in ops
            ]
        if phase == "auth":
            return [
                (op.label, functools.partial(self.auth, op), op, "auth.required")
                for op in ops
                if op.secured
            ]
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
        undeletable = [i for i in left if i.resource.delete is None or i.resource.item is None]
        if undeletable:
            kinds = sorted({i.resource.name for i in undeletable})
            self.note(
                f"{len(undeletable)} created resource(s) have no DELETE operation in the spec "
                f"and were left in place ({', '.join(kinds[:8])}{', ...' if len(kinds) > 8 else ''})",
                "warning",
            )
        left = [i for i in left if i not in undeletable]
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
        cache: dict[str, dict[str, Any]] = self.__dict__.setdefault("_params_cache", {})
        if op.label in cache:
            return cache[op.label]
        got = draw_examples(self.generation.valid(f"{op.label}:parameters"), 8, self.plan.seed)
        draws = [g for g in got if isinstance(g, dict)]
        # The simplest draw gives "" to a string path parameter: an empty segment routes to
        # another URL (``/run/{id}/item/`` is not an item), so a routable draw is preferred.
        routable = [g for g in draws if routable_path(self.params_of(g)[0])]
        chosen = (routable or draws or [{}])[0]
        cache[op.label] = chosen
        return chosen

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
            if not routable_path(path):
                return  # an empty path segment addresses another route; not this operation
            wire_path, wire_query = self.generation.wire_params(op, path, query)
            disputed: list[Any] = []
            if self.generation.wire_findings(op, wire_path, wire_query, disputed=disputed):
                return  # the wire turned a valid value into an invalid one; not a valid case
            if disputed:
                expect = "any"  # only the spec's own contradiction speaks against it
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
        from contracttest.runner.negative import body_boundaries, query_boundaries

        if op.json_body() is not None:
            for case in body_boundaries(self, op, valid=True):
                self.executor.send(case)
        if op.parameters:
            for case in query_boundaries(self, op, valid=True):
                self.executor.send(case)
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
    def _param_schema(self, op: Operation, name: str) -> dict[str, Any]:
        schema = self.plan.spec.target(f"{op.label}:parameters").schema()
        node = schema.get("properties", {}).get("query", {}).get("properties", {}).get(name, {})
        defs = schema.get("definitions", {})
        hops = 0
        while isinstance(node, dict) and "$ref" in node and hops < 16:
            node = defs.get(str(node["$ref"]).rsplit("/", 1)[-1], {})
            hops += 1
        return node if isinstance(node, dict) else {}

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
            spec_source=self.redactor.url(cfg.spec_source or spec.source),
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


def routable_path(path: dict[str, Any]) -> bool:
    """Whether every path value fills its segment (an empty value leaves ``//`` or a trailing
    ``/``, which a router sends elsewhere)."""
    return all(not (isinstance(v, str) and v.strip() in ("", ".", "..")) for v in path.values())


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

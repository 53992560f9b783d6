"""The engine: a loop that asks the case sources for their units, sends every case they yield,
hands each exchange to the checks, and gives the one owner of results (`Recorder`) what the checks
and the sources concluded. Events go out to handlers; a `RunResult` comes back.

Phases are case sources (`contracttest.runner.sources`), run in order: ``positive`` (valid
requests), ``negative`` (labelled invalid bodies and parameters, malformed and odd input, boundary
values), ``auth`` (missing and wrong credentials), ``stateful`` (the scenario checks: lifecycles,
lists, isolation). A phase runs when a selected check names it. Then ``cleanup`` deletes
everything the run created, also after Ctrl-C or an error.
"""

from __future__ import annotations

import platform
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from contracttest._signals import deferred_interrupts
from contracttest.errors import ContractTestError, TransportError
from contracttest.runner import events as ev
from contracttest.runner.builder import CaseBuilder
from contracttest.runner.case import NO_BODY, Case
from contracttest.runner.catalog import checks_info, phases_of, run_checks
from contracttest.runner.checks import CheckContext
from contracttest.runner.context import SourceContext, Unit
from contracttest.runner.fixtures import Fixtures, Ledger
from contracttest.runner.generation import Generation, NoValidPayload
from contracttest.runner.http import Exchange, HttpClient
from contracttest.runner.recorder import Recorder, SpecNotes
from contracttest.runner.redaction import Redactor, is_secret_header
from contracttest.runner.results import OperationInfo, PhaseTiming, RunMetadata, RunResult, Status
from contracttest.runner.scope import Budget
from contracttest.runner.sources import auth, negative, positive, stateful
from contracttest.runner.transport import Transport

if TYPE_CHECKING:
    from contracttest.findings import Finding
    from contracttest.runner.events import Handler
    from contracttest.runner.http import HttpRequest, HttpResponse
    from contracttest.runner.journal import Journal
    from contracttest.runner.plan import Plan

__all__ = ["SOURCES", "Engine"]

SOURCES = (positive, negative, auth, stateful)
"""The case sources, in the order their phases run."""
CLEANUP_TITLE = "cleanup"
INTERRUPTED_CLEANUP_SECONDS = 7.0
"""How long cleanup may take after an interrupt (GitHub Actions allows 7.5 s before SIGKILL)."""


class Engine:
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
        self.run_id = uuid.uuid4().hex[:12]
        self.redactor = Redactor(v for _, v in plan.credentials)
        # the password and secret query values of the endpoint's and the spec's URLs
        self.redactor.add_url(plan.base_url)
        self.redactor.add_url(cfg.spec_source or "")
        for name, value in plan.extra_headers:
            if is_secret_header(name):
                self.redactor.add(value, min_length=4)
        self.spec_notes = SpecNotes(plan.spec)
        self.check_context = CheckContext(plan.spec, self.redactor, self.spec_notes)
        for name, value in plan.credentials:
            self.check_context.learn_credential(name, value)
        self.recorder = Recorder(self.redactor)
        self.recorder.levels = {c.id: c.level for c in checks_info()}
        self.client = client or HttpClient(
            plan.base_url, timeout=cfg.timeout, rate_limit=cfg.rate_limit, retries=cfg.retries
        )
        self._own_client = client is None
        self.transport = Transport(plan, self.client)
        self.scope = plan.scope()
        self.generation = Generation(plan.spec)
        self.generation.on_spec_fault = self.spec_notes.fault
        self.generation.on_no_payload = self.spec_notes.no_payload
        self.ledger = Ledger(plan.spec, self.scope, plan.base_url)
        self.ledger.journal = journal
        self.fixtures = Fixtures(plan.spec, self.scope, self.generation, self.ledger, self.send)
        self.builder = CaseBuilder(plan.spec, self.scope, self.generation, self.fixtures)
        self.fixtures.param_sample = self.builder.sample_params
        self.budget = Budget()
        self.context = SourceContext(
            plan.spec, self.scope, self.fixtures, self.ledger, self.budget, self.builder
        )
        self.phases: list[PhaseTiming] = []
        self.notes: list[str] = []
        for op in plan.operations:
            why = self.scope.unroutable.get(op.key)
            if why is not None:
                self.spec_notes.unroutable[op.path] = why

    @property
    def journal(self) -> Journal | None:
        return self.ledger.journal

    def attach_journal(self, journal: Journal) -> None:
        """Record created resources in ``journal`` (before the run starts)."""
        self.ledger.journal = journal

    @property
    def requests(self) -> int:
        return self.transport.requests

    # ------------------------------------------------------------------ events
    def emit(self, event: ev.Event) -> None:
        for h in self.handlers:
            h.handle_event(event)

    def note(self, message: str, level: str = "info") -> None:
        text = self.redactor.text(message)
        if text not in self.notes:
            self.notes.append(text)
        self.emit(ev.Note(text, level))

    # ------------------------------------------------------------------ sending
    def exchange(self, case: Case) -> tuple[Case, Exchange | None]:
        """Send a case without judging it: (the case as sent, its exchange); the exchange is None
        when the request could not be sent, or may not be (on a read-only run a write goes out
        only when the case expects it refused)."""
        case = self.fixtures.address(case)
        rejected = case.expect in ("reject", "unauthorized", "not-found", "hidden")
        if not self.scope.may_send(case.operation, expect_rejection=rejected):
            return case, None
        if case.body is not NO_BODY:
            self.check_context.learn_sent(case.body)
        request = self.transport.build(case)
        # A write's answer must reach the journal before Ctrl-C / SIGTERM may stop the run.
        with deferred_interrupts(case.operation.method != "GET"):
            response = self.transport.send(request)
            self.recorder.answered(case, response.status)
            self.ledger.track(case, response)
            self.ledger.retire(case, response)
            self.ledger.patched(case, response)
        return case, Exchange(request, response)

    def send(self, case: Case, *, only: Iterable[str] | None = None) -> Exchange | None:
        """Send a case and run the checks on its response; None when it was not sent (a request
        that could not be sent leaves its checks not finished)."""
        try:
            sent, ex = self.exchange(case)
        except TransportError as exc:
            for info in self._applicable(case, only):
                self.recorder.error(case.operation, info, str(exc))
            if case.unit is not None:
                self.recorder.coverage.unexercised(case.unit, f"not sent: {exc}")
            return None
        if ex is not None:
            self.judge(sent, ex.request, ex.response, only=only)
            if sent.unit is not None:
                self.recorder.coverage.exercise(sent.unit)
        elif case.unit is not None:
            self.recorder.coverage.unexercised(case.unit, "read-only run: a write not sent")
        return ex

    def _applicable(self, case: Case, only: Iterable[str] | None) -> list[str]:
        from contracttest.runner.catalog import applicable

        return [i.id for i in applicable(self.scope.checks, case, only=only)]

    def judge(
        self,
        case: Case,
        request: HttpRequest,
        response: HttpResponse,
        *,
        only: Iterable[str] | None = None,
    ) -> dict[str, list[Finding]]:
        """Run the applicable checks on one exchange and record the outcome."""
        outcome = run_checks(self.check_context, self.scope.checks, case, response, only=only)
        for check_id, findings in outcome.items():
            self.recorder.count(case.operation, check_id)
            for f in findings:
                self.recorder.fail(check_id, case, f, request=request, response=response)
        return outcome

    def drive(self, unit: Unit) -> None:
        """Carry out one unit: send each case it yields (the exchange goes back into it), record
        each verdict. A unit that cannot be carried out is its operation's problem, reported
        under the unit's check; an endpoint that cannot be reached stops the run."""
        steps = unit.steps()
        reply: Exchange | None = None
        try:
            while True:
                step = steps.send(reply)
                if isinstance(step, Case):
                    reply = self.send(step)
                else:
                    self.recorder.record(step)
                    reply = None
        except StopIteration:
            return
        except TransportError:
            raise
        except NoValidPayload as exc:
            # The spec's defect (named as a spec finding), not the server's: nothing to send.
            self.recorder.skip(unit.operation, unit.check, exc.skip_reason)
        except ContractTestError as exc:
            self.recorder.error(unit.operation, unit.check, f"could not finish: {exc}")
        finally:
            steps.close()

    # ------------------------------------------------------------------ run
    def run(self) -> RunResult:
        """Run every phase, clean up, and return the result (never raises for contract problems)."""
        started = time.monotonic()
        started_at = _now()
        cfg = self.plan.config
        self.budget.deadline = Budget.of(cfg.deadline).deadline
        meta = self._metadata(started_at)
        for h in self.handlers:
            h.start(self.plan)
        self.emit(ev.RunStarted(meta))
        interrupted = False
        aborted: str | None = None
        try:
            self._preflight()
            wanted = phases_of(self.scope.checks)
            for source in SOURCES:
                if source.PHASE not in wanted:
                    continue
                if self.budget.exceeded():
                    self.note(
                        f"time limit reached: phase {source.PHASE!r} and later ones did not run",
                        "warning",
                    )
                    break
                self._run_phase(source.PHASE, source.TITLE, source.units(self.context))
        except KeyboardInterrupt:
            interrupted = True
            self.note("interrupted: cleaning up what the run created", "warning")
        except ContractTestError as exc:
            aborted = self.redactor.text(str(exc))
            self.note(f"the run could not be carried out: {exc}", "error")
        finally:
            try:
                # After Ctrl-C or SIGTERM the process may be killed soon (docker stop gives 10 s):
                # cleanup gets a deadline, and the journal keeps what it did not reach.
                self._cleanup(INTERRUPTED_CLEANUP_SECONDS if interrupted else None)
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
        meta.requests = self.requests
        result = self.result(meta)
        self.emit(ev.RunDone(result))
        for h in self.handlers:
            h.shutdown()
        return result

    def _preflight(self) -> None:
        """Make sure the endpoint answers at all (else the run cannot be carried out: exit 2)."""

        def plain(o: Any) -> bool:
            return o.method == "GET" and not o.path_params() and o.key not in self.scope.unroutable

        op = next((o for o in self.plan.operations if plain(o)), None)
        op = op or next((o for o in self.plan.spec.operations if plain(o)), None)
        path = op.path if op is not None else "/"
        request = self.client.build("GET", path, headers=[("accept", "application/json")])
        try:
            self.transport.send(request)
        except TransportError as exc:
            import httpx

            if isinstance(exc.__cause__, httpx.ReadTimeout):
                # Connected but slow: the checks will say which requests time out.
                self.note(f"the endpoint is slow: {exc}", "warning")
                return
            raise TransportError(f"cannot reach {self.plan.base_url}: {exc}") from exc

    def _run_phase(self, phase: str, title: str, units: list[Unit]) -> None:
        self.emit(ev.PhaseStarted(phase, title, len(units)))
        t0 = time.monotonic()
        r0 = self.requests
        for unit in units:
            if self.budget.exceeded():
                self.note(f"time limit reached during phase {phase!r}", "warning")
                break
            why = self.scope.unroutable.get(unit.operation.key)
            if why is not None:
                self.recorder.skip(unit.operation, unit.check, why)
            else:
                self.drive(unit)
            self.emit(ev.CaseDone(phase, unit.label))
        seconds = time.monotonic() - t0
        requests = self.requests - r0
        self.phases.append(PhaseTiming(phase, seconds, requests))
        self.emit(ev.PhaseDone(phase, seconds, requests))

    def _cleanup(self, seconds: float | None = None) -> None:
        if not self.ledger.live():
            return
        self.emit(ev.PhaseStarted("cleanup", CLEANUP_TITLE, 1))
        t0 = time.monotonic()
        r0 = self.requests
        deadline = t0 + seconds if seconds is not None else None
        problems = self.transport.cleanup(self.ledger, deadline=deadline)
        for p in problems[:10]:
            self.note(p, "warning")
        left = self.ledger.live()
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
        self.phases.append(PhaseTiming("cleanup", seconds, self.requests - r0))
        self.emit(ev.PhaseDone("cleanup", seconds, self.requests - r0))

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
            coverage_fail_under=cfg.coverage_fail_under,
            fail_on=cfg.fail_on,
        )

    def result(self, meta: RunMetadata) -> RunResult:
        """The run's result from what the recorder holds."""
        infos = {c.id: c for c in checks_info()}
        self.recorder.finalize()
        results = {}
        for op in self.plan.operations:
            for cid in self.plan.checks:
                r = self.recorder.outcome(op, cid)
                if r is None:
                    continue
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
            spec_findings=self.spec_notes.findings(),
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
            coverage=self.recorder.coverage.summary([op.label for op in self.plan.operations]),
            responses={op: dict(t) for op, t in self.recorder.responses.items()},
        )


def _sha(spec: Any) -> str:
    sha = str(getattr(spec, "sha256", "") or "")
    if len(sha) == 64:
        return sha
    import hashlib
    import json

    return hashlib.sha256(json.dumps(spec.raw, sort_keys=True, default=str).encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

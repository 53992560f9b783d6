"""The engine with a fake transport: it sends what the sources yield, hands exchanges to the checks
and back to the source, records verdicts, runs only the phases the selected checks need, and stops
cleanly when the endpoint is unreachable."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from _runner_fake import TOKENS, ItemsServer, engine_for, items_spec

from contracttest.errors import UsageError
from contracttest.findings import Finding, Severity
from contracttest.runner.case import Case
from contracttest.runner.context import Unit
from contracttest.runner.results import Status
from contracttest.runner.verdicts import Errored, Failed, Passed, Skipped


@pytest.fixture(scope="module")
def spec() -> Any:
    return items_spec()


def test_a_unit_gets_the_exchange_of_each_case_it_yields_and_its_verdicts_are_recorded(
    spec: Any,
) -> None:
    # Given an engine on a correct server, and a unit that sends one request and judges it
    server = ItemsServer()
    engine = engine_for(spec, server)
    op = spec.operation("listItems")
    seen: list[Any] = []

    def steps() -> Any:
        ex = yield Case(operation=op, kind="valid", expect="success", credential=0)
        seen.append(ex)
        yield Passed(op, "stateful.pagination", 2)
        yield Failed(
            "stateful.pagination",
            Case(operation=op, kind="stateful", expect="any"),
            Finding(rule="pagination.x", severity=Severity.ERROR, pointer="", message="bad page"),
            ex,
        )

    # When the engine drives it
    engine.drive(Unit("u", op, "stateful.pagination", steps))
    # Then the request went out with org 1's token, the source got its exchange back ...
    assert len(server.requests) == 1
    assert server.requests[0].headers["authorization"] == f"Bearer {TOKENS[0]}"
    assert seen[0] is not None and seen[0].status == 200
    # ... the response and expectation checks judged it, and the verdicts are recorded
    assert engine.recorder.outcome(op, "request.valid-accepted").cases == 1  # type: ignore[union-attr]
    assert engine.recorder.outcome(op, "response.schema").cases == 1  # type: ignore[union-attr]
    pag = engine.recorder.outcome(op, "stateful.pagination")
    assert pag is not None and pag.status is Status.FAILED and pag.cases == 3
    assert pag.failures[0].finding.message == "bad page"
    assert pag.failures[0].request is not None  # the exchange it was judged on


def test_a_scenario_step_is_judged_by_the_response_checks_only(spec: Any) -> None:
    engine = engine_for(spec, ItemsServer())
    op = spec.operation("getItem")
    # A step that expects success but gets 404 (an unknown id): the scenario judges that, not
    # request.valid-accepted
    step = Case(
        operation=op,
        kind="stateful",
        expect="success",
        path_params={"id": "00000000-0000-4000-8000-000000000000"},
        scenario="stateful.lifecycle",
    )
    engine.drive(Unit("u", op, "stateful.lifecycle", lambda: iter_steps(step)))
    assert engine.recorder.outcome(op, "request.valid-accepted") is None
    assert engine.recorder.outcome(op, "response.status").cases == 1  # type: ignore[union-attr]


def iter_steps(*steps: Any) -> Any:
    """A unit's steps (a generator: the engine sends each exchange back into it)."""
    for s in steps:  # noqa: UP028
        yield s


def test_a_unit_that_cannot_be_carried_out_is_its_operations_problem(spec: Any) -> None:
    engine = engine_for(spec, ItemsServer())
    op = spec.operation("createItem")

    def steps() -> Any:
        yield Skipped(op, "request.invalid-rejected", "not reached")
        raise UsageError("no body can be built")

    engine.drive(Unit("u", op, "request.invalid-rejected", steps))
    got = engine.recorder.outcome(op, "request.invalid-rejected")
    assert got is not None and got.status is Status.ERRORED
    assert got.errors == ["could not finish: no body can be built"]


def test_errored_and_skipped_verdicts(spec: Any) -> None:
    engine = engine_for(spec, ItemsServer())
    op = spec.operation("createItem")
    engine.drive(
        Unit(
            "u",
            op,
            "auth.required",
            lambda: iter_steps(Skipped(op, "auth.required", "why"), Errored(op, "x.y", "boom")),
        )
    )
    assert engine.recorder.outcome(op, "auth.required").status is Status.SKIPPED  # type: ignore[union-attr]
    assert engine.recorder.outcome(op, "x.y").errors == ["boom"]  # type: ignore[union-attr]


def test_a_run_on_a_correct_server_passes_and_deletes_what_it_created(spec: Any) -> None:
    server = ItemsServer()
    result = engine_for(spec, server).run()
    assert result.verdict == "passed", [f.title for f in result.failures()]
    ran = {c for (_op, c), r in result.results.items() if r.cases}
    assert {"request.valid-accepted", "request.invalid-rejected", "auth.required"} <= ran
    assert {"stateful.lifecycle", "stateful.pagination", "auth.isolation"} <= ran
    # Everything the run created is gone again
    assert all(not items for items in server.store.values())
    assert [p.name for p in result.phases] == [
        "positive",
        "negative",
        "auth",
        "stateful",
        "cleanup",
    ]


def test_only_the_phases_the_selected_checks_need_run(spec: Any) -> None:
    server = ItemsServer()
    result = engine_for(spec, server, checks=["auth.required"]).run()
    assert [p.name for p in result.phases][:1] == ["auth"]
    assert {c for _op, c in result.results} == {"auth.required"}
    # the preflight GET (no token), then two requests per secured operation (no token, a wrong
    # one); the fixtures the item operations need go out with org 1's token
    unauthenticated = [
        r for r in server.requests if not r.headers.get("authorization", "").endswith(TOKENS)
    ]
    assert len(unauthenticated) == 1 + 2 * len(spec.operations)


def test_a_buggy_server_fails_the_check_meant_for_it(spec: Any) -> None:
    result = engine_for(spec, ItemsServer("accept-long-name"), checks=["request"]).run()
    failed = {c for (_op, c), r in result.results.items() if r.status is Status.FAILED}
    assert "request.invalid-rejected" in failed
    result = engine_for(spec, ItemsServer("no-auth"), checks=["auth.required"]).run()
    assert result.verdict == "failed"


def test_an_unreachable_endpoint_stops_the_run_with_exit_2(spec: Any) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    result = engine_for(spec, refuse).run()
    assert result.metadata.aborted and "cannot reach" in result.metadata.aborted
    assert result.exit_code == 2


def test_a_read_only_run_sends_writes_only_when_it_expects_them_refused(spec: Any) -> None:
    server = ItemsServer()
    engine = engine_for(
        spec, server, allow_writes=False, base_url="http://api.example.test", checks=["request"]
    )
    result = engine.run()
    assert result.metadata.read_only
    writes = [r for r in server.requests if r.method in ("POST", "PATCH", "DELETE")]
    assert writes  # invalid bodies still go out ...
    assert all(not items for items in server.store.values())  # ... and none was accepted


def test_a_successful_delete_of_a_created_resource_retires_it(spec: Any) -> None:
    engine = engine_for(spec, ItemsServer())
    res = engine.scope.resource_of(spec.operation("createItem"))
    assert res is not None
    inst = engine.fixtures.get(res)
    assert inst is not None and engine.ledger.live() == [inst]
    delete = Case(
        operation=spec.operation("deleteItem"),
        kind="valid",
        expect="success",
        path_params={"id": inst.id},
        known_resource=True,
    )
    assert engine.send(delete) is not None
    assert inst.deleted and engine.ledger.live() == []


def test_cleanup_after_an_interrupt_has_a_deadline(
    spec: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from contracttest.runner import engine as engine_module
    from contracttest.runner import events

    # Given a server whose DELETEs are slow, and a run interrupted once resources exist
    monkeypatch.setattr(engine_module, "INTERRUPTED_CLEANUP_SECONDS", 0.5)
    server = ItemsServer()

    def slow(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            time.sleep(0.3)
        return server(request)

    class Interrupt:
        def start(self, plan: Any) -> None:
            pass

        def handle_event(self, event: Any) -> None:
            if isinstance(event, events.PhaseStarted) and event.phase == "auth":
                raise KeyboardInterrupt

        def shutdown(self) -> None:
            pass

    engine = engine_for(spec, slow)
    engine.handlers.append(Interrupt())
    started = time.monotonic()
    result = engine.run()
    # Then cleanup stops at its deadline, and says what is left to `contracttest cleanup`
    assert result.metadata.interrupted
    assert time.monotonic() - started < 30
    left = engine.ledger.live()
    assert left, "the slow deletes did not all fit in the deadline"
    assert any("time limit" in n or "could not be deleted" in n for n in result.notes), result.notes

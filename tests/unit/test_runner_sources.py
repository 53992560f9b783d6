"""The case sources and the case builder on a small spec: what each phase yields, the guards every
case passes (shared by ``contracttest run`` and the pytest plugin), and the check registry that
phases and scenarios derive from."""

from __future__ import annotations

from typing import Any

import pytest
from _runner_fake import ItemsServer, engine_for, items_spec

from contracttest.runner import catalog
from contracttest.runner.case import NO_BODY, Case
from contracttest.runner.engine import SOURCES
from contracttest.runner.generation import Labelled
from contracttest.runner.sources import auth, negative, positive, stateful
from contracttest.runner.verdicts import Enumerated, Skipped, Unexercised


@pytest.fixture(scope="module")
def spec() -> Any:
    return items_spec()


def collect(engine: Any, steps: Any) -> list[Any]:
    """Drive a source's steps as the engine does (cases are sent), keeping what it yielded."""
    out: list[Any] = []
    reply = None
    try:
        while True:
            step = steps.send(reply)
            out.append(step)
            reply = engine.send(step) if isinstance(step, Case) else None
    except StopIteration:
        return out


# --------------------------------------------------------------------------------- registry
def test_every_check_names_phases_a_source_runs() -> None:
    phases = {s.PHASE for s in SOURCES}
    for info in catalog.checks_info():
        assert info.phases and set(info.phases) <= phases, info.id
        assert info.fn is not None
        if info.scope == "expectation":
            assert info.applies is not None, info.id
        if info.scope == "scenario":
            assert info.over in ("resource", "list", "path"), info.id
    assert catalog.phases_of(["auth.required"]) == {"auth"}
    assert catalog.phases_of(["response.schema"]) == {"positive", "negative"}
    assert catalog.phases_of(["stateful.filters"]) == {"stateful"}


def test_selection_by_prefix_keeps_display_order() -> None:
    ids = [c.id for c in catalog.checks_info()]
    assert catalog.resolve_checks(["stateful", "request.valid-accepted"]) == [
        c for c in ids if c.startswith("stateful.") or c == "request.valid-accepted"
    ]
    assert catalog.resolve_checks(None) == ids
    with pytest.raises(Exception, match="no check 'nope'"):
        catalog.resolve_checks(["nope"])


def test_a_scenario_step_gets_only_response_checks(spec: Any) -> None:
    op = spec.operation("getItem")
    step = Case(operation=op, kind="stateful", expect="success", scenario="stateful.lifecycle")
    plain = step.with_(scenario=None)
    every = [c.id for c in catalog.checks_info()]
    assert {c.scope for c in catalog.applicable(every, step)} == {"response"}
    assert "request.valid-accepted" in {c.id for c in catalog.applicable(every, plain)}


def test_scenarios_run_once_per_resource_or_list_operation(spec: Any) -> None:
    engine = engine_for(spec, ItemsServer())
    labels = [u.label for u in stateful.units(engine.context)]
    assert labels == [
        "/items undocumented_methods",
        "/items/{id} undocumented_methods",
        "/items lifecycle",
        "listItems pagination",
        "listItems filters",
        "/items isolation",
        "/items rejected_writes",
        "/items idempotent_patch",
        "/items location",
    ]
    # The discriminator alone still needs the lifecycle, which then runs once
    engine = engine_for(spec, ItemsServer(), checks=["stateful.discriminator"])
    units = stateful.units(engine.context)
    assert [(u.label, u.check) for u in units] == [("/items lifecycle", "stateful.discriminator")]


# ---------------------------------------------------------------------------------- sources
def test_positive_yields_valid_cases_and_query_values_at_their_limits(spec: Any) -> None:
    server = ItemsServer()
    engine = engine_for(spec, server, max_examples=4)
    op = spec.operation("listItems")
    steps = collect(engine, positive.positive(engine.context, op))
    cases = [s for s in steps if isinstance(s, Case)]
    assert cases and all(
        c.expect == "success" and c.kind in ("valid", "boundary", "edge") for c in cases
    )
    limits = {dict(c.query).get("limit") for c in cases if c.kind in ("boundary", "edge")}
    assert {1, 50} <= limits
    # every valid edge of the parameters went out once, as a unit
    edges = [c for c in cases if c.kind == "edge"]
    assert edges and all(c.unit is not None and c.unit.kind == "edge" for c in edges)
    # Item operations get the id of a resource the run created (or expect 404 for another one)
    get = spec.operation("getItem")
    cases = [
        s for s in collect(engine, positive.positive(engine.context, get)) if isinstance(s, Case)
    ]
    known = [c for c in cases if c.known_resource]
    assert known and all(
        c.path_params["id"] in {i.id for i in engine.ledger.created} for c in known
    )
    assert all(c.expect == "not-found" for c in cases if not c.known_resource)


def test_negative_yields_one_broken_rule_per_case_plus_odd_input(spec: Any) -> None:
    engine = engine_for(spec, ItemsServer(), max_examples=3)
    op = spec.operation("createItem")
    cases = [
        s for s in collect(engine, negative.negative(engine.context, op)) if isinstance(s, Case)
    ]
    invalid = [c for c in cases if c.kind in ("invalid", "boundary")]
    assert invalid and all(c.expect == "reject" and c.violation is not None for c in invalid)
    rules = {(c.violation.rule, c.violation.pointer) for c in invalid if c.violation}
    assert ("schema.maxLength", "/name") in rules or ("length.maxLength", "/name") in rules
    assert ("schema.required", "/kind") in rules or ("schema.required", "/name") in rules
    odd = {c.description for c in cases if c.kind == "robustness"}
    assert (
        "malformed JSON (truncated)" in odd and "a JSON body that is an array, not an object" in odd
    )
    # A malformed id must be refused; a well-formed unknown one must get 404
    get = spec.operation("getItem")
    cases = [
        s for s in collect(engine, negative.negative(engine.context, get)) if isinstance(s, Case)
    ]
    bad = {c.path_params["id"]: c.expect for c in cases if c.kind == "bad-id"}
    assert bad["not-a-uuid"] == "reject"
    assert sorted(set(bad.values())) == ["not-found", "reject"]


def test_auth_sends_no_token_and_a_wrong_one(spec: Any) -> None:
    engine = engine_for(spec, ItemsServer())
    op = spec.operation("deleteItem")
    cases = [s for s in collect(engine, auth.auth(engine.context, op)) if isinstance(s, Case)]
    assert [c.credential for c in cases] == [None, "invalid"]
    assert all(c.expect == "unauthorized" and c.known_resource for c in cases)
    # each on a resource of its own: a DELETE that wrongly succeeds removes only that one
    assert len({c.path_params["id"] for c in cases}) == 2


def test_a_source_skips_what_a_read_only_run_may_not_send(spec: Any) -> None:
    engine = engine_for(spec, ItemsServer(), allow_writes=False, base_url="http://api.example.test")
    op = spec.operation("createItem")
    steps = list(positive.positive(engine.context, op))
    assert type(steps[0]) is Skipped and "read-only" in steps[0].reason
    # no case, and every valid edge of the operation is reported as not sent, with the reason
    assert not any(isinstance(s, Case) for s in steps)
    assert isinstance(steps[1], Enumerated)
    assert {type(s) for s in steps[2:]} == {Unexercised}
    assert len(steps[2:]) == len(steps[1].units)


# ---------------------------------------------------------------------------------- builder
def test_the_builder_drops_values_that_are_no_case_of_the_operation(spec: Any) -> None:
    engine = engine_for(spec, ItemsServer())
    builder = engine.builder
    get = spec.operation("getItem")
    # An empty path segment routes elsewhere (/items/ is the collection)
    assert builder.valid_case(get, {"path": {"id": ""}}, NO_BODY, known=False) is None
    # An id that names nothing: the case expects 404
    case = builder.valid_case(
        get, {"path": {"id": "00000000-0000-4000-8000-000000000000"}}, NO_BODY, known=False
    )
    assert case is not None and case.expect == "not-found"
    # A read-only run creates nothing to patch: a PATCH goes to an id that names nothing and
    # must be refused (404), so it changes nothing
    server = ItemsServer()
    ro = engine_for(spec, server, allow_writes=False, base_url="http://api.example.test")
    patch = spec.operation("updateItem")
    draw = {"path": {"id": "00000000-0000-4000-8000-000000000000"}}
    case = ro.builder.valid_case(patch, draw, {"name": "x"}, known=True)
    assert case is not None and case.expect == "not-found" and not case.known_resource
    assert not server.requests


def test_an_invalid_body_the_validator_accepts_is_no_negative_case(spec: Any) -> None:
    engine = engine_for(spec, ItemsServer())
    builder = engine.builder
    op = spec.operation("createItem")
    from contracttest.runner.case import Violation

    fine = Labelled({"name": "ok", "kind": "a"}, Violation("schema.type", "/name"))
    assert builder.invalid_body_case(op, fine, {}) is None
    broken = Labelled({"name": "x" * 11, "kind": "a"}, Violation("invalid", ""))
    case = builder.invalid_body_case(op, broken, {})
    assert case is not None and case.violation is not None
    # an unlabelled payload is labelled by what the validator finds
    assert case.violation.pointer == "/name" and "maxLength" in case.violation.rule

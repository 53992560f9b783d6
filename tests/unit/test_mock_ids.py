"""Which kind of id a resource's id parameter takes, and the integer range it allows."""

from __future__ import annotations

from typing import Any

import pytest

from contracttest.mock.ids import _bounds, _kind_of


@pytest.mark.parametrize(
    ("schema", "kind"),
    [
        ({"type": "string"}, None),
        ({"type": "string", "description": "the id", "example": "x"}, None),
        ({"type": "integer", "format": "int64"}, "integer"),
        ({"type": "number"}, "integer"),
        ({"type": "integer", "enum": [1, 2]}, "drawn"),
        ({"type": "string", "format": "uuid"}, "uuid"),
        ({"type": "string", "pattern": "^T-\\d+$"}, "drawn"),
        ({"type": "string", "enum": ["a"]}, "drawn"),
        ({"type": "string", "maxLength": 8}, "drawn"),
        ({"type": ["string", "integer"]}, "drawn"),
        (None, None),
    ],
)
def test_kind_of(schema: Any, kind: str | None) -> None:
    assert _kind_of(schema) == kind


@pytest.mark.parametrize(
    ("schema", "bounds"),
    [
        ({}, (1, None)),
        ({"minimum": 0}, (0, None)),
        ({"minimum": 100, "maximum": 200}, (100, 200)),
        ({"minimum": 1, "exclusiveMinimum": True, "maximum": 9, "exclusiveMaximum": True}, (2, 8)),
        ({"exclusiveMinimum": 5, "exclusiveMaximum": 10}, (6, 9)),
        ({"minimum": 1.5}, (2, None)),
        ({"minimum": 5, "maximum": 3}, (5, 5)),
    ],
)
def test_bounds(schema: dict[str, Any], bounds: tuple[int, int | None]) -> None:
    assert _bounds(schema) == bounds


def test_a_drawn_id_is_not_the_simplest_value_a_client_would_send_as_unknown() -> None:
    # Twilio's Sids (pattern ^CR[0-9a-fA-F]{32}$): the mock minted CR000...0 first, the very id
    # the runner sends as "an id that names nothing", so GET/POST/DELETE found the resource.
    from contracttest.mock.ids import IdMinter, IdShape
    from contracttest.openapi import load_spec
    from contracttest.openapi.resources import infer_resources

    sid = {"type": "string", "pattern": "^CR[0-9a-fA-F]{32}$", "minLength": 34, "maxLength": 34}
    param = {"name": "Sid", "in": "path", "required": True, "schema": sid}
    ok = {"200": {"description": "ok"}}
    spec = load_spec(
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/Credentials": {"post": {"responses": ok}, "get": {"responses": ok}},
                "/Credentials/{Sid}": {"get": {"parameters": [param], "responses": ok}},
            },
        },
        cache=False,
    )
    res = infer_resources(spec).resources[0]
    minted = IdMinter(spec, lambda: 1).mint(res, IdShape("drawn", sid), lambda _id: False)
    assert minted.startswith("CR") and len(minted) == 34
    assert minted != "CR" + "0" * 32


def test_a_plain_id_parameter_mints_ids_that_fit_the_answers_id_member() -> None:
    # Twilio's conversations: `{Sid}` is a plain string, the answers' `sid` is 34 characters with a
    # pattern; a uuid (36 characters) made every answer fail its own schema.
    from contracttest.mock.ids import IdMinter, id_shape
    from contracttest.openapi import load_spec
    from contracttest.openapi.resources import infer_resources
    from contracttest.schema.ecma import compile_pattern

    sid = {"type": "string", "pattern": "^CH[0-9a-fA-F]{32}$", "minLength": 34, "maxLength": 34}
    param = {"name": "Sid", "in": "path", "required": True, "schema": {"type": "string"}}
    ok = {"200": {"description": "ok"}}
    spec = load_spec(
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/Channels": {"post": {"responses": ok}, "get": {"responses": ok}},
                "/Channels/{Sid}": {"get": {"parameters": [param], "responses": ok}},
            },
        },
        cache=False,
    )
    res = infer_resources(spec).resources[0]
    shape = id_shape(spec, res, [sid])
    counter = iter(range(1, 100))
    minter = IdMinter(spec, lambda: next(counter))
    taken: set[str] = set()
    for _ in range(3):
        minted = minter.mint(res, shape, lambda v: v in taken)
        assert compile_pattern(sid["pattern"]).test(minted) and len(minted) == 34
        assert minted != "CH" + "0" * 32 and minted not in taken
        taken.add(minted)


def _one_resource_spec(param_schema: dict[str, Any]) -> Any:
    from contracttest.openapi import load_spec

    param = {"name": "memberId", "in": "path", "required": True, "schema": param_schema}
    ok = {"200": {"description": "ok"}}
    return load_spec(
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/members": {"post": {"responses": ok}},
                "/members/{memberId}": {"get": {"parameters": [param], "responses": ok}},
            },
        },
        cache=False,
    )


@pytest.mark.parametrize(
    ("param", "member"),
    [
        # managedblockchain: both at most 32 characters; after 40 drawn ids a uuid (36) came out
        ({"type": "string", "minLength": 1, "maxLength": 32}, {"type": "string", "maxLength": 32}),
        # a plain path parameter, the answer's MemberId at most 32: the uuid broke the answers
        ({"type": "string"}, {"type": "string", "minLength": 1, "maxLength": 32}),
        # chime's channel ARNs: a pattern on both
        (
            {"type": "string", "pattern": "arn:[a-z0-9-\\.]{1,63}:[a-z0-9-\\.]{0,63}:[^/].{0,9}"},
            {"type": "string", "pattern": "arn:[a-z0-9-\\.]{1,63}:[a-z0-9-\\.]{0,63}:[^/].{0,9}"},
        ),
    ],
)
def test_every_minted_id_fits_the_parameter_and_the_answers_id_member(
    param: dict[str, Any], member: dict[str, Any]
) -> None:
    from contracttest.mock.ids import IdMinter, id_shape
    from contracttest.mock.responses import holds
    from contracttest.openapi.resources import infer_resources

    spec = _one_resource_spec(param)
    res = infer_resources(spec).resources[0]
    shape = id_shape(spec, res, [member])
    counter = iter(range(1, 10_000))
    minter = IdMinter(spec, lambda: next(counter))
    taken: set[str] = set()
    for _ in range(150):  # more than any fixed list of drawn candidates holds
        minted = minter.mint(res, shape, lambda v: v in taken)
        assert holds(param, minted) and holds(member, minted), minted
        assert minted not in taken and "/" not in minted
        taken.add(minted)


def test_an_id_parameter_that_takes_a_number_among_others_is_numbered_for_integer_answers() -> None:
    # PeerTube: `{id}` is a oneOf of an integer id, a uuid and a short uuid, and its answers'
    # `id` is an integer; a uuid was minted, answered where the schema says integer
    from contracttest.mock.ids import IdMinter, id_shape
    from contracttest.openapi.resources import infer_resources

    param = {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "format": "uuid"}]}
    spec = _one_resource_spec(param)
    res = infer_resources(spec).resources[0]
    shape = id_shape(spec, res, [{"type": "integer", "minimum": 1}])
    counter = iter(range(1, 100))
    minted = IdMinter(spec, lambda: next(counter)).mint(res, shape, lambda _v: False)
    assert minted.isdigit() and int(minted) >= 1
    # a parameter that only takes strings keeps string ids, whatever the answers say
    spec = _one_resource_spec({"type": "string", "pattern": "^v[0-9]+$"})
    res = infer_resources(spec).resources[0]
    shape = id_shape(spec, res, [{"type": "integer"}])
    assert IdMinter(spec, lambda: 7).mint(res, shape, lambda _v: False).startswith("v")

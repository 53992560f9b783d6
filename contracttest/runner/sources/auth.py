"""The auth phase: every secured operation, sent without credentials and with a wrong token."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from contracttest.runner.context import Unit
from contracttest.runner.verdicts import Skipped

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation
    from contracttest.runner.context import SourceContext, Steps

__all__ = ["PHASE", "units"]

PHASE = "auth"
TITLE = "authentication"
CHECK = "auth.required"


def units(ctx: SourceContext) -> list[Unit]:
    return [
        Unit(op.label, op, CHECK, functools.partial(auth, ctx, op))
        for op in ctx.scope.operations
        if op.secured
    ]


def auth(ctx: SourceContext, op: Operation) -> Steps:
    if not ctx.scope.may_send(op, expect_rejection=True):
        yield Skipped(op, CHECK, "read-only run")
        return
    # Not ``yield from`` a list: the engine sends each exchange back, which a list cannot take.
    for case in ctx.builder.auth_cases(op):  # noqa: UP028
        yield case

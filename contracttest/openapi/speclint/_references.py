"""Rules about references between parts of the document: components nobody uses, and
``$ref``s that point at nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from contracttest import _pointer
from contracttest.errors import ContractTestError
from contracttest.findings import Finding, Severity
from contracttest.openapi.speclint._context import LintContext, _did_you_mean, _finding, _section
from contracttest.openapi.speclint._registry import spec_rule

if TYPE_CHECKING:
    pass


_UNUSED_SECTIONS = (
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
    "pathItems",
)


def _component_ptr(ref: str) -> str | None:
    if not ref.startswith("#/components/"):
        return None
    from urllib.parse import unquote

    toks = _pointer.parts(unquote(ref[1:]))
    return _pointer.from_parts(toks[:3]) if len(toks) >= 3 else None


def _dispatches(ctx: LintContext, ptr: str) -> bool:
    """Whether the component at ``ptr`` is an allOf-inheritance parent: a discriminator and no
    ``oneOf``/``anyOf``, so a ``$ref`` to it stands for the components that inherit it."""
    toks = _pointer.parts(ptr)
    node = _section(ctx, toks[1]).get(toks[2]) if len(toks) == 3 else None
    return (
        isinstance(node, dict)
        and isinstance(node.get("discriminator"), dict)
        and "oneOf" not in node
        and "anyOf" not in node
    )


def _descendants(children: dict[str, set[str]], ptr: str) -> set[str]:
    out: set[str] = set()
    todo = list(children.get(ptr, ()))
    while todo:
        cur = todo.pop()
        if cur not in out:
            out.add(cur)
            todo.extend(children.get(cur, ()))
    return out


@spec_rule("components.unused")
def components_unused(ctx: LintContext) -> Iterator[Finding]:
    """Components no operation reaches, directly or through other components."""
    edges: dict[str, set[str]] = {}
    children: dict[str, set[str]] = {}  # component -> components whose own allOf names it
    roots: set[str] = set()
    for ptr, ref in ctx.refs:
        target = _component_ptr(ref.removeprefix("mapping:"))
        if target is None:
            continue
        toks = _pointer.parts(ptr)
        owner = (
            _pointer.from_parts(toks[:3]) if len(toks) >= 3 and toks[0] == "components" else None
        )
        if owner is None:
            if ptr.startswith(("/paths/", "/webhooks/")):
                roots.add(target)
        else:
            edges.setdefault(owner, set()).add(target)
            if toks[3:4] == ["allOf"] and len(toks) == 5:
                children.setdefault(target, set()).add(owner)
    reached: set[str] = set()
    todo = list(roots)
    while todo:
        cur = todo.pop()
        if cur in reached:
            continue
        reached.add(cur)
        todo.extend(edges.get(cur, ()))
        if _dispatches(ctx, cur):
            # a used inheritance parent stands for every component inheriting it, at any depth
            # (the translator's dispatch: `Translator._subtypes_of`)
            todo.extend(_descendants(children, cur))
    for section in _UNUSED_SECTIONS:
        for name in _section(ctx, section):
            ptr = _pointer.join("/components", section, name)
            if ptr not in reached:
                yield _finding(
                    "components.unused",
                    Severity.INFO,
                    ptr,
                    f"components/{section}/{name} is not used by any operation",
                    "remove it, or reference it where it is meant to be used",
                    target=name if section == "schemas" else None,
                )


@spec_rule("components.missing")
def components_missing(ctx: LintContext) -> Iterator[Finding]:
    """``$ref``s that point at nothing: a missing component or local pointer, an external
    document that cannot be read (or that the resolver refuses), a pointer missing in it."""
    external: dict[str, str | None] = {}
    for ptr, ref in ctx.refs:
        if ref.startswith("mapping:"):
            continue  # discriminator.target-missing
        if not ref.startswith("#"):
            if ref not in external:
                external[ref] = _external_error(ctx, ref)
            why = external[ref]
            if why is not None:
                yield _finding(
                    "components.missing",
                    Severity.ERROR,
                    ptr,
                    (why if repr(ref) in why else f"$ref {ref!r} cannot be resolved: {why}")
                    + "; validation, generation and the mock cannot use what it names",
                    "fix the reference, or bundle the external document into the spec",
                )
            continue
        if ctx.resolve_ref(ref) is not None:
            continue
        toks = _pointer.parts(ref[1:]) if ref[1:].startswith("/") else []
        hint = ""
        if len(toks) == 3 and toks[0] == "components":
            hint = _did_you_mean(toks[2], list(_section(ctx, toks[1])))
        yield _finding(
            "components.missing",
            Severity.ERROR,
            ptr,
            f"$ref {ref!r} points at nothing",
            f"define the component, or fix the reference{hint}",
        )


def _external_error(ctx: LintContext, ref: str) -> str | None:
    """Why the spec's resolver cannot follow an external ``$ref`` (None: it can)."""
    try:
        ctx.spec.translator.resolve_node({"$ref": ref}, "")
    except ContractTestError as exc:
        return exc.message
    except (KeyError, ValueError, OSError) as exc:
        return str(exc) or type(exc).__name__
    return None

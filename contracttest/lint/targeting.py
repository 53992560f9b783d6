"""Which DTO or operation a payload file is checked against.

In order: ``--target``; else the first glob of ``[tool.contracttest.lint.targets]`` that matches the file;
else the file's ``"$contract"`` key; else detection. Detection only ever picks an operation's request body,
and it always says how it chose:

1. *By discriminator*: operations whose request body is a discriminated ``oneOf`` whose tag property the
   payload sets to one of its tags (``provider: twilio`` -> ``POST /phone-number`` and
   ``PATCH /phone-number/{id}``). When the tag is unknown, the operations discriminating on that property
   are still the candidates: the finding that matters is then ``discriminator.unknown``.
2. *By best match*: otherwise, operations whose body declares the payload's top-level properties, at least
   half of them.

Candidates are ranked by the validator itself: fewest errors, then fewest undeclared properties, then most
required properties present (the most specific fit: a complete create payload also fits the update DTO, but
only the create DTO requires what it holds). Candidates that tie at the top are reported as
``lint.target-ambiguous``; no candidate at all is ``lint.no-target``. Nothing is skipped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from contracttest import _pointer
from contracttest.errors import RefError, TargetError
from contracttest.findings import Finding, Severity

if TYPE_CHECKING:
    from contracttest.lint.globs import GlobTargets
    from contracttest.lint.reading import Payload
    from contracttest.openapi import Operation, Spec, Target

__all__ = ["Detector", "Resolution", "Resolver", "TargetSource"]

TargetSource = Literal["option", "config", "contract", "detected"]
MAX_VALIDATED = 6
"""How many best-overlapping candidates the best-match route validates."""


@dataclass
class Resolution:
    """The target of one file and how it was chosen (``target`` None: the file matched nothing)."""

    target: Target | None
    source: TargetSource | None
    how: str
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class _Shape:
    """What the raw request-body schema of an operation declares at the top level."""

    properties: frozenset[str]
    combinator: bool
    """The root is a oneOf/anyOf (the only place a root discriminator can sit)."""
    discriminator: str | None = None
    """The root's declared ``discriminator.propertyName`` (None: none, or one inferred later)."""


@dataclass
class _Scored:
    op: Operation
    target: Target
    errors: int
    undeclared: int
    required_present: int
    order: int
    reason: str
    variant: str | None = None

    def rank(self) -> tuple[int, int, int, int]:
        return (self.errors, self.undeclared, -self.required_present, self.order)

    def tie_key(self) -> tuple[int, int, int]:
        return (self.errors, self.undeclared, -self.required_present)


ErrorCounter = Callable[["Target", Any], int]


class Detector:
    """Detects the operation a payload is meant for (see the module docstring)."""

    def __init__(self, spec: Spec, count_errors: ErrorCounter) -> None:
        self.spec = spec
        self.count_errors = count_errors
        self._shapes: list[tuple[Operation, _Shape]] | None = None

    # ----------------------------------------------------------------- raw shapes
    def shapes(self) -> list[tuple[Operation, _Shape]]:
        if self._shapes is None:
            shapes = []
            for op in self.spec.operations:
                media = op.json_body()
                if media is None:
                    continue
                shapes.append((op, self._shape(media.schema_node)))
            self._shapes = shapes
        return self._shapes

    def _shape(self, node: Any) -> _Shape:
        props: set[str] = set()
        root, _, _ = self._deref(node)
        combinator = isinstance(root, dict) and any(k in root for k in ("oneOf", "anyOf"))
        disc = root.get("discriminator") if isinstance(root, dict) else None
        disc_prop = disc.get("propertyName") if isinstance(disc, dict) else None
        seen: set[int] = set()
        stack = [node]
        while stack:
            cur, _, _ = self._deref(stack.pop())
            if not isinstance(cur, dict) or id(cur) in seen:
                continue
            seen.add(id(cur))
            p = cur.get("properties")
            if isinstance(p, dict):
                props.update(k for k in p if isinstance(k, str))
            for comb in ("allOf", "oneOf", "anyOf"):
                subs = cur.get(comb)
                if isinstance(subs, list):
                    stack.extend(subs)
        return _Shape(
            frozenset(props), combinator, disc_prop if isinstance(disc_prop, str) else None
        )

    def _deref(self, node: Any) -> tuple[Any, str, str]:
        try:
            return self.spec.translator.resolve_node(node)
        except (RefError, KeyError):
            return None, "", ""

    # ----------------------------------------------------------------- detection
    def detect(self, payload: Any) -> Resolution:
        if not isinstance(payload, dict):
            kind = type(payload).__name__ if payload is not None else "null"
            return _no_target(
                f"the payload is {_article(kind)} {kind}, and targets are detected only for JSON "
                "objects"
            )
        if not payload:
            return _no_target("the payload is an empty object: nothing to detect a target by")
        keys = set(payload)
        scored = self._by_discriminator(payload)
        route = "discriminator"
        if not scored:
            scored = self._by_overlap(payload, keys)
            route = "overlap"
        if not scored:
            return _no_target(self._closest(keys))
        scored.sort(key=lambda s: s.rank())
        best = scored[0]
        ties = [s for s in scored[1:] if s.tie_key() == best.tie_key()]
        variant = f" ({best.variant})" if best.variant else ""
        how = f"detected target {best.op.key}{variant} by {best.reason}"
        if route == "overlap":
            declared = len(keys) - best.undeclared
            how += f" ({declared} of {len(keys)} top-level properties declared)"
        others = [s for s in scored[1:] if s not in ties]
        if others and not ties:
            nxt = others[0]
            if nxt.errors > best.errors:
                how += f"; next best {nxt.op.key} with {_plural(nxt.errors, 'error')}"
            elif nxt.undeclared > best.undeclared:
                how += f"; {nxt.op.key} does not declare {_plural(nxt.undeclared, 'property', 'properties')}"
            else:
                how += (
                    f"; {nxt.op.key} fits too but less specifically (it requires "
                    f"{nxt.required_present} of these properties, not {best.required_present})"
                )
        findings = []
        if ties:
            # Valid against every tied target: nothing is hidden, so it is only worth knowing.
            # With errors, they may come from the wrong target: a warning.
            names = ", ".join(s.op.key for s in ties)
            if best.errors == 0:
                severity = Severity.INFO
                verdict = f"it is valid against each; it was checked against {best.op.key}"
            else:
                severity = Severity.WARNING
                verdict = f"it was checked against {best.op.key}, which may not be the one meant"
            findings.append(
                Finding(
                    rule="lint.target-ambiguous",
                    severity=severity,
                    pointer="",
                    message=(
                        f"{len(ties) + 1} targets fit this payload equally well ({best.op.key}, "
                        f"{names}): {verdict}"
                    ),
                    suggestion='name the target with "$contract", a pyproject glob, or --target',
                    target=best.op.key,
                )
            )
        return Resolution(best.target, "detected", how, findings)

    def _by_discriminator(self, payload: dict[str, Any]) -> list[_Scored]:
        exact: list[_Scored] = []
        loose: list[_Scored] = []
        for order, (op, shape) in enumerate(self.shapes()):
            # Translating a body is the expensive part: only for roots that can discriminate on a
            # property this payload has.
            if not shape.combinator:
                continue
            if shape.discriminator is not None and shape.discriminator not in payload:
                continue
            if shape.discriminator is None and not (shape.properties & payload.keys()):
                continue
            target = self.spec.target(op.key)
            schema = target.schema()
            xd = schema.get("x-discriminator")
            if not isinstance(xd, dict):
                continue
            prop = xd.get("propertyName")
            if not isinstance(prop, str) or prop not in payload:
                continue
            tag = payload[prop]
            mapping = xd.get("mapping") or {}
            shown = f"{prop}={tag}" if isinstance(tag, str) else f"{prop}={tag!r}"
            if isinstance(tag, str) and tag in mapping:
                variant = self._variant_name(xd, tag)
                exact.append(self._score(op, target, payload, order, shown, variant))
            else:
                reason = f"its discriminator property {prop} ({shown} is none of its tags)"
                loose.append(self._score(op, target, payload, order, reason, None))
        return exact or loose

    def _variant_name(self, xd: dict[str, Any], tag: str) -> str | None:
        table = self.spec.translator.tables.get(str(xd.get("pointer")))
        if table is None:
            return None
        variant = table.variants.get(tag)
        if variant is None or variant.component is None:
            return None
        return str(variant.component)

    def _by_overlap(self, payload: dict[str, Any], keys: set[str]) -> list[_Scored]:
        pre = []
        for order, (op, shape) in enumerate(self.shapes()):
            declared = len(keys & shape.properties)
            if declared == 0 or declared * 2 < len(keys):
                continue
            pre.append((len(keys) - declared, order, op))
        pre.sort(key=lambda t: (t[0], t[1]))
        out = []
        for _, order, op in pre[:MAX_VALIDATED]:
            target = self.spec.target(op.key)
            out.append(self._score(op, target, payload, order, "best match", None))
        return out

    def _closest(self, keys: set[str]) -> str:
        best: tuple[int, str] | None = None
        for op, shape in self.shapes():
            declared = len(keys & shape.properties)
            if declared and (best is None or declared > best[0]):
                best = (declared, op.key)
        msg = "no operation's request body fits this payload"
        if best is not None:
            msg += (
                f"; the closest, {best[1]}, declares only {best[0]} of its {len(keys)} top-level "
                "properties"
            )
        return msg

    def _score(
        self,
        op: Operation,
        target: Target,
        payload: dict[str, Any],
        order: int,
        reason: str,
        variant: str | None,
    ) -> _Scored:
        schema = target.schema()
        node = _effective(schema, payload)
        declared = _declared(schema, node)
        undeclared = 0 if declared is None else len(set(payload) - declared)
        required = _required(schema, node)
        return _Scored(
            op=op,
            target=target,
            errors=self.count_errors(target, payload),
            undeclared=undeclared,
            required_present=len(required & set(payload)),
            order=order,
            reason=reason,
            variant=variant,
        )


class Resolver:
    """Applies the four targeting ways in order, for one spec and one set of options."""

    def __init__(
        self,
        spec: Spec,
        *,
        option: str | None = None,
        globs: GlobTargets | None = None,
        detector: Detector | None = None,
    ) -> None:
        self.spec = spec
        self.option = spec.target(option) if option else None
        self.globs = globs
        self.detector = detector
        if globs:
            for rule in globs.rules:
                try:
                    spec.target(rule.target)
                except TargetError as exc:
                    raise TargetError(
                        f"[tool.contracttest.lint.targets] {rule.glob!r}: {exc.message}",
                        source=globs.source,
                    ) from exc

    def resolve(self, path: str | None, payload: Payload) -> Resolution:
        if self.option is not None:
            res = Resolution(self.option, "option", f"target {self.option.key} from --target")
        elif self.globs and path is not None and (hit := self.globs.match(path)) is not None:
            glob, key = hit
            res = Resolution(
                self.spec.target(key), "config", f"target {key} from pyproject glob {glob!r}"
            )
        elif payload.has_contract:
            return self._from_contract(payload)
        elif self.detector is not None:
            return self.detector.detect(payload.data)
        else:
            return _no_target("target detection is off")
        if payload.has_contract:
            res.findings.extend(self._contract_conflict(payload, res))
        return res

    def _from_contract(self, payload: Payload) -> Resolution:
        value = payload.contract
        ptr = _pointer.join("", "$contract")
        if not isinstance(value, str) or not value.strip():
            return Resolution(
                None,
                None,
                'no target: "$contract" is not a target string',
                [
                    _contract_finding(
                        payload,
                        ptr,
                        f'"$contract" must be a target string such as "POST /phone-number", got '
                        f"{_short(value)}",
                    )
                ],
            )
        try:
            target = self.spec.target(value.strip())
        except TargetError as exc:
            return Resolution(
                None,
                None,
                f'no target: "$contract" names nothing in {self.spec.source}',
                [_contract_finding(payload, ptr, self._unknown_target(value.strip(), exc))],
            )
        return Resolution(target, "contract", f'target {target.key} from "$contract"')

    def _unknown_target(self, value: str, exc: TargetError) -> str:
        """The spec's message, with suggestions that include ``METHOD /path`` forms."""
        import difflib

        choices = [op.key for op in self.spec.operations]
        choices += [op.operation_id for op in self.spec.operations]
        choices += self.spec.dto_names
        close = difflib.get_close_matches(value, choices, n=3, cutoff=0.6)
        if not close:
            return f'"$contract": {exc.message}'
        shown = ", ".join(repr(c) for c in close)
        return (
            f'"$contract": no DTO or operation named {value!r} in the spec; did you mean {shown}?'
        )

    def _contract_conflict(self, payload: Payload, res: Resolution) -> list[Finding]:
        value = payload.contract
        if not isinstance(value, str) or res.target is None:
            return []
        try:
            named = self.spec.target(value.strip())
        except TargetError:
            named = None
        if named is not None and named.pointer == res.target.pointer:
            return []
        line, col = payload.locate("/$contract")
        return [
            Finding(
                rule="lint.target-conflict",
                severity=Severity.WARNING,
                pointer="/$contract",
                message=(
                    f'"$contract" names {value!r}, but the file was checked against '
                    f"{res.target.key} ({res.how.split(' from ', 1)[-1]})"
                ),
                source=payload.source,
                line=line,
                column=col,
            )
        ]


def _contract_finding(payload: Payload, ptr: str, message: str) -> Finding:
    line, col = payload.locate(ptr)
    return Finding(
        rule="lint.contract-invalid",
        severity=Severity.ERROR,
        pointer=ptr,
        message=message,
        source=payload.source,
        line=line,
        column=col,
    )


def _no_target(why: str) -> Resolution:
    finding = Finding(
        rule="lint.no-target",
        severity=Severity.ERROR,
        pointer="",
        message=f"no target for this file: {why}",
        suggestion=(
            'name it with --target, a glob in [tool.contracttest.lint.targets], or a "$contract" key'
        ),
    )
    return Resolution(None, None, f"no target: {why}", [finding])


# ------------------------------------------------------------------------ translated-schema helpers
def _deref_def(schema: dict[str, Any], node: Any) -> Any:
    defs = schema.get("definitions") or {}
    for _ in range(32):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return node
        ref = node["$ref"]
        if not ref.startswith("#/definitions/"):
            return node
        node = defs.get(_pointer.unescape(ref[len("#/definitions/") :]))
    return node


def _effective(schema: dict[str, Any], payload: dict[str, Any]) -> Any:
    """The object schema that applies to ``payload``: follow refs and the discriminator it names."""
    node = _deref_def(schema, schema)
    for _ in range(8):
        if not isinstance(node, dict):
            return node
        xd = node.get("x-discriminator")
        comb = "oneOf" if "oneOf" in node else "anyOf"
        if not isinstance(xd, dict) or not isinstance(node.get(comb), list):
            return node
        tag = payload.get(str(xd.get("propertyName")))
        idx = (xd.get("mapping") or {}).get(tag) if isinstance(tag, str) else None
        if not isinstance(idx, int) or not 0 <= idx < len(node[comb]):
            return node
        node = _deref_def(schema, node[comb][idx])
    return node


def _members(schema: dict[str, Any], node: Any) -> list[dict[str, Any]]:
    """``node`` and its ``allOf`` members, refs followed."""
    out: list[dict[str, Any]] = []
    stack = [node]
    while stack and len(out) < 64:
        cur = _deref_def(schema, stack.pop())
        if isinstance(cur, dict):
            out.append(cur)
            subs = cur.get("allOf")
            if isinstance(subs, list):
                stack.extend(subs)
    return out


def _declared(schema: dict[str, Any], node: Any) -> set[str] | None:
    """Top-level property names ``node`` declares (None: it declares none, so anything goes)."""
    names: set[str] = set()
    found = False
    for member in _members(schema, node):
        props = member.get("properties")
        if isinstance(props, dict):
            found = True
            names.update(props)
        for comb in ("oneOf", "anyOf"):
            for sub in member.get(comb) or []:
                for m in _members(schema, sub):
                    p = m.get("properties")
                    if isinstance(p, dict):
                        found = True
                        names.update(p)
    return names if found else None


def _required(schema: dict[str, Any], node: Any) -> set[str]:
    names: set[str] = set()
    for member in _members(schema, node):
        req = member.get("required")
        if isinstance(req, list):
            names.update(r for r in req if isinstance(r, str))
    return names


def _short(value: Any) -> str:
    from contracttest.findings import truncate_value

    return truncate_value(value, 60)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"

"""OpenAPI Schema Objects -> standalone JSON Schema.

One `Translator` per loaded spec. It converts every schema node it is asked for, keyword-aware (a property
*named* ``oneOf`` stays a property), and bundles what a root reaches into ``definitions`` so that recursive
schemas stay finite. Conversions are cached per (definition, direction, closed) so the 981 schemas of the full
Vapi spec share their work.

Choices, all of them deliberate:

* OAS 3.0 -> JSON Schema Draft 7 (numeric ``exclusiveMinimum``, ``const``, ``examples``): the newest draft
  hypothesis-jsonschema supports. OAS 3.1 schemas are JSON Schema 2020-12 already and pass through (refs
  rewritten, ``discriminator`` turned into a variant table).
* ``nullable`` -> ``type: [t, "null"]`` (and ``null`` added to an ``enum``), or ``anyOf [.., {type: null}]``
  where there is no ``type`` to extend.
* Direction: ``readOnly`` properties vanish from request schemas (and from ``required``), ``writeOnly`` ones
  from response schemas.
* ``closed``: object schemas that declare ``properties`` (and say nothing of ``additionalProperties``) get
  ``additionalProperties: false``; Vapi's NestJS server rejects unknown properties in requests. An ``allOf``
  that combines several property-declaring members is merged first, or closing it would reject valid payloads.
* Discriminated ``oneOf``/``anyOf`` become variant tables; each variant is a definition with the tag pinned
  (``enum: [tag]`` + required), and the combinator carries
  ``x-discriminator: {propertyName, mapping: {tag: branch index}, pointer, inferred}``.
  A ``oneOf`` without a discriminator whose branches all pin one common required property to distinct single
  values gets an *inferred* table (the Vapi hook ``on``, transfer destination ``type``...).
* ``pattern``: ECMA-262 (``/body/flags`` JavaScript literals included) is rewritten into a *portable*
  regex that ECMA (with ``u``) and Python's ``re`` read identically (``contracttest.schema.ecma.to_portable``),
  so every JSON Schema tool agrees on it; a valid pattern with no portable form moves to ``x-ecma-pattern``,
  which only contracttest enforces; an invalid one is dropped with a diagnostic.
* Annotations that only bloat (``description``, ``x-*``, ``externalDocs``, ``xml``) are dropped; ``example``
  becomes ``examples``.
"""

from __future__ import annotations

import builtins
import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from contracttest import _pointer
from contracttest.errors import PatternError, RefError, TranslationError
from contracttest.findings import Finding, Severity

Direction = Literal["request", "response"]

MAX_SCHEMA_DEPTH = 250
"""Deepest JSON nesting of a translated bundle (jsonschema-rs refuses to compile past 255)."""

DRAFT7 = "http://json-schema.org/draft-07/schema#"
DRAFT2020 = "https://json-schema.org/draft/2020-12/schema"

# Keyword classes (JSON Schema 2020-12 + Draft 7); everything else is a plain value.
SCHEMA_MAP_KEYWORDS = frozenset(
    {"properties", "patternProperties", "definitions", "$defs", "dependentSchemas"}
)
SCHEMA_LIST_KEYWORDS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
NULL_DISPUTED = "x-null-disputed"
"""Marks a ``null`` that ``nullable: true`` allows only on the lenient reading (OpenAPI 3.0.3: nullable adds
null to ``type`` where ``type`` is given; ``enum`` and a ``$ref`` still apply). Validators accept it (real
specs mean it); generators leave it out of valid payloads, so a server reading the spec strictly does not
reject them (corpus: apideck's nullable enums, gsmtasks' nullable $refs)."""
SCHEMA_KEYWORDS = frozenset(
    {
        "items",
        "additionalProperties",
        "additionalItems",
        "not",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
VALUE_KEYWORDS = frozenset(
    {
        "type",
        "enum",
        "const",
        "format",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "required",
        "default",
        "title",
        "readOnly",
        "writeOnly",
        "examples",
        "dependentRequired",
        "dependencies",
        "minContains",
        "maxContains",
        "contentMediaType",
        "contentEncoding",
        "deprecated",
    }
)
DROPPED = frozenset(
    {
        "description",
        "externalDocs",
        "xml",
        "$comment",
        "$id",
        "$schema",
        "$anchor",
        "$dynamicAnchor",
    }
)


def split_js_literal(pattern: str) -> tuple[str, str]:
    """``/^a+$/u`` -> (``^a+$``, ``u``); anything else -> (pattern, "")."""
    from contracttest.schema.ecma import split_delimited

    return split_delimited(pattern)


def check_pattern(body: str, flags: str) -> str | None:
    """None when ``body`` (ECMA-262 with ``flags``) is a valid regex we can enforce, else why not."""
    from contracttest.schema.ecma import compile_pattern

    try:
        compile_pattern(f"/{body}/{flags}" if flags else body)
    except PatternError as exc:
        return exc.message
    return None


def portable_pattern(pattern: str) -> tuple[str | None, str | None]:
    """(portable regex, None), or (None, why) when the ECMA pattern has no portable form.

    A portable regex means the same to ECMA-262 (with ``u``) and to Python's ``re``, so python-jsonschema,
    hypothesis-jsonschema, jsonschema-rs and JavaScript validators all agree on it.
    """
    from contracttest.schema.ecma import compile_pattern, to_portable

    try:
        compile_pattern(pattern)
    except PatternError as exc:
        return None, exc.message
    try:
        return to_portable(pattern), None
    except PatternError as exc:
        return None, exc.message


@dataclass(frozen=True)
class Variant:
    """One branch of a discriminated ``oneOf``."""

    tag: Any
    branch: int
    """Index of the branch in the translated combinator."""
    component: str | None
    """Definition key of the mapped schema (``None`` for an inline branch)."""
    definition: str | None
    """Definition key of the tag-pinned variant (``None`` for inferred tables: the branch pins itself)."""


@dataclass(frozen=True)
class VariantTable:
    """A discriminated (or inferably discriminated) ``oneOf``/``anyOf``."""

    pointer: str
    """Spec pointer of the schema node that holds the combinator."""
    property: str
    keyword: str
    variants: dict[Any, Variant]
    inferred: bool = False
    optional: bool = False
    """The tag may be left out (no mapped schema requires it); a present tag still selects its variant."""

    @builtins.property  # the field ``property`` shadows the builtin in the class body
    def tags(self) -> list[Any]:
        return list(self.variants)


@dataclass
class _Def:
    schema: dict[str, Any]
    deps: set[str]
    acyclic: bool = False
    """Every in-place ``$ref`` cycle through this definition has been cut (see
    ``_break_pure_ref_cycles``); the schema is final."""


@dataclass(frozen=True)
class _Ctx:
    direction: Direction
    closed: bool
    doc: str
    """Base URI of the document the node lives in ("" = the main spec)."""


@dataclass
class Translator:
    """Translates the schemas of one spec. Not thread-safe while warming; read-only afterwards."""

    document: dict[str, Any]
    dialect: Literal["3.0", "3.1"]
    load_external: Callable[[str, str], tuple[str, dict[str, Any]]] | None = None
    """``(base_doc, relative_uri) -> (uri, document)`` loader for refs to other files."""
    diagnostics: list[Finding] = field(default_factory=list)
    tables: dict[str, VariantTable] = field(default_factory=dict)
    _defs: dict[tuple[str, Direction, bool], _Def] = field(default_factory=dict)
    _reach: dict[tuple[str, Direction, bool], frozenset[str]] = field(default_factory=dict)
    _keys: dict[tuple[str, str], str] = field(default_factory=dict)
    _origin: dict[str, tuple[str, str]] = field(default_factory=dict)
    _docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    _seen_diag: set[tuple[str, str]] = field(default_factory=set)
    _variant_of: dict[str, tuple[str, str, Any, bool]] = field(default_factory=dict)
    _dispatch_of: dict[str, tuple[str, str]] = field(default_factory=dict)
    _subtypes: dict[str, list[tuple[Any, str]]] | None = None
    where: Callable[[str], tuple[str | None, int | None, int | None]] | None = None
    """Spec pointer -> (source, line, column), so a schema that cannot be built names its place
    (set by the loader once the spec's positions are known)."""

    def __post_init__(self) -> None:
        self._docs[""] = self.document

    def _refuse(self, error: RefError | TranslationError) -> RefError | TranslationError:
        """``error`` with the file, line and column of its pointer, when known."""
        if self.where is not None and error.pointer is not None and error.source is None:
            error.source, error.line, error.column = self.where(error.pointer)
        return error

    # ------------------------------------------------------------------ diagnostics
    def _diag(
        self,
        rule: str,
        pointer: str,
        message: str,
        severity: Severity = Severity.WARNING,
        suggestion: str | None = None,
    ) -> None:
        if (rule, pointer) in self._seen_diag:
            return
        self._seen_diag.add((rule, pointer))
        self.diagnostics.append(
            Finding(
                rule=rule,
                severity=severity,
                pointer=pointer,
                message=message,
                suggestion=suggestion,
            )
        )

    # ------------------------------------------------------------------ refs
    def _split_ref(self, ref: str, doc: str) -> tuple[str, str]:
        """``ref`` seen in ``doc`` -> (document uri, pointer)."""
        uri, _, frag = ref.partition("#")
        if uri:
            if self.load_external is None:
                raise RefError(
                    f"external $ref {ref!r} cannot be resolved without a file", pointer=None
                )
            uri, data = self.load_external(doc, uri)
            self._docs.setdefault(uri, data)
        else:
            uri = doc
        from urllib.parse import unquote

        frag = unquote(frag)
        if frag and not frag.startswith("/"):
            raise RefError(f"$ref {ref!r}: only JSON-pointer fragments are supported")
        return uri, frag

    def lookup(self, uri: str, pointer: str) -> Any:
        return _pointer.resolve(self._docs[uri], pointer)

    def def_key(self, uri: str, pointer: str) -> str:
        """Stable ``definitions`` key for the schema at (uri, pointer)."""
        key = self._keys.get((uri, pointer))
        if key is not None:
            return key
        toks = _pointer.parts(pointer)
        if len(toks) == 3 and toks[:2] == ["components", "schemas"]:
            base = toks[2]
        else:
            base = "_".join(toks) or "root"
        if uri:
            base = f"{uri.rsplit('/', 1)[-1]}.{base}"
        base = re.sub(r"[^A-Za-z0-9_.\-]", "_", base)
        key, n = base, 1
        while key in self._origin and self._origin[key] != (uri, pointer):
            n += 1
            key = f"{base}_{n}"
        self._keys[(uri, pointer)] = key
        self._origin[key] = (uri, pointer)
        return key

    def origin(self, key: str) -> tuple[str, str]:
        """(document uri, pointer) a definition key was made from."""
        return self._origin[key]

    def resolve_node(self, node: Any, doc: str = "") -> tuple[Any, str, str]:
        """Follow ``$ref`` chains: (target node, uri, pointer); cycles raise RefError."""
        seen: set[tuple[str, str]] = set()
        uri, ptr = doc, ""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            uri, ptr = self._split_ref(node["$ref"], uri)
            if (uri, ptr) in seen:
                raise RefError(f"$ref cycle through {ptr!r} with no schema in it", pointer=ptr)
            seen.add((uri, ptr))
            try:
                node = self.lookup(uri, ptr)
            except KeyError:
                raise RefError(f"$ref {node['$ref']!r} points at nothing", pointer=ptr) from None
        return node, uri, ptr

    # ------------------------------------------------------------------ public
    def definition(self, key: str, direction: Direction, closed: bool) -> _Def:
        """The translated definition ``key`` (built on first use)."""
        ck = (key, direction, closed)
        got = self._defs.get(ck)
        if got is not None:
            return got
        if key in self._variant_of:
            got = self._defs[ck] = self.build_variant(key, direction, closed)
            return got
        if key in self._dispatch_of:
            got = self._defs[ck] = self._build_dispatch(key, direction, closed)
            return got
        uri, ptr = self._origin[key]
        node = self.lookup(uri, ptr)
        deps: set[str] = set()
        ctx = _Ctx(direction, closed, uri)
        schema = self._convert(node, ptr, ctx, deps)
        if isinstance(schema, dict):
            schema.setdefault("x-spec-pointer", ptr if not uri else f"{uri}#{ptr}")
        d = _Def(
            schema if isinstance(schema, dict) else {"not": {}} if schema is False else {}, deps
        )
        self._defs[ck] = d
        return d

    def component_key(self, name: str) -> str:
        ptr = _pointer.join("/components/schemas", name)
        if _pointer.resolve(self.document, ptr, None) is None:
            raise KeyError(name)
        return self.def_key("", ptr)

    def bundle(
        self, node: Any, pointer: str, direction: Direction, closed: bool, doc: str = ""
    ) -> dict[str, Any]:
        """A standalone JSON Schema for ``node`` (which lives at ``pointer``).

        A bare ``$ref`` to a definition is inlined as the root, so a DTO's own keywords sit at the top.
        """
        deps: set[str] = set()
        if isinstance(node, dict) and set(node) == {"$ref"} and isinstance(node["$ref"], str):
            try:
                uri, ptr = self._split_ref(node["$ref"], doc)
                self.lookup(uri, ptr)
            except (KeyError, RefError):
                pass
            else:
                key = self._dispatching_key(uri, ptr, pointer)
                d = self.definition(key, direction, closed)
                return self._assemble(
                    dict(d.schema), set(d.deps), direction, closed, ptr, root_key=key
                )
        root = self._convert(node, pointer, _Ctx(direction, closed, doc), deps)
        if not isinstance(root, dict):
            root = {} if root is True else {"not": {}}
        return self._assemble(dict(root), deps, direction, closed, pointer)

    def _assemble(
        self,
        root: dict[str, Any],
        deps: set[str],
        direction: Direction,
        closed: bool,
        pointer: str,
        root_key: str | None = None,
    ) -> dict[str, Any]:
        keys: set[str] = set()
        for key in deps:
            keys |= self._reachable(key, direction, closed)
        found = {key: self.definition(key, direction, closed) for key in keys}
        self._break_pure_ref_cycles(found)
        if root_key is not None and root_key in found:
            root = dict(found[root_key].schema)  # the inlined root gets the same cuts
        defs = {k: d.schema for k, d in found.items()}
        out: dict[str, Any] = {"$schema": DRAFT7 if self.dialect == "3.0" else DRAFT2020}
        out.update(root)
        if defs:
            out["definitions"] = {k: defs[k] for k in sorted(defs)}
        out.setdefault("x-spec-pointer", pointer)
        self._check_depth(out, pointer)
        return out

    def _check_depth(self, schema: dict[str, Any], pointer: str) -> None:
        """Refuse a bundle nested deeper than validators compile (`MAX_SCHEMA_DEPTH`).

        The document cap bounds the spec, but translation can add levels (``nullable`` without a
        ``type`` wraps every level in ``anyOf``); past the limit jsonschema-rs stops with "Recursion
        limit reached", so the bundle is refused here, at its place, with what to do about it.
        """
        from contracttest._io import check_depth

        inner = check_depth(schema, MAX_SCHEMA_DEPTH)
        if inner is None:
            return
        shown = inner if len(inner) <= 80 else f"{inner[:60]}…{inner[-16:]}"
        message = (
            f"the schema at {pointer or '/'} nests more than {MAX_SCHEMA_DEPTH} levels deep once "
            f"translated to JSON Schema (at {shown}); validators cannot compile it: flatten it "
            "with $refs to named components"
        )
        self._diag("spec.schema-too-deep", pointer, message, Severity.ERROR)
        raise self._refuse(TranslationError(message, pointer=pointer))

    def _reachable(self, key: str, direction: Direction, closed: bool) -> frozenset[str]:
        """``key`` and every definition it refers to, directly or not (memoised: a bundle needs
        the closure of its root's references, and most DTOs share most of theirs)."""
        ck = (key, direction, closed)
        got = self._reach.get(ck)
        if got is not None:
            return got
        out: set[str] = set()
        todo = [key]
        while todo:
            k = todo.pop()
            if k in out:
                continue
            known = self._reach.get((k, direction, closed))
            if known is not None:
                out |= known
                continue
            out.add(k)
            todo.extend(self.definition(k, direction, closed).deps)
        got = self._reach[ck] = frozenset(out)
        return got

    def bundle_ref(self, key: str, direction: Direction, closed: bool) -> dict[str, Any]:
        uri, ptr = self._origin[key]
        return self.bundle(
            {"$ref": f"{uri}#{ptr}"} if uri else {"$ref": "#" + ptr}, ptr, direction, closed
        )

    def iter_tables(self) -> Iterator[VariantTable]:
        yield from self.tables.values()

    # ------------------------------------------------------------------ conversion
    _APPLICATORS_IN_PLACE = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else")

    def _in_place_refs(
        self, node: Any, path: tuple[Any, ...] = ()
    ) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """``$ref``s reachable from ``node`` without descending into the instance."""
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            yield _pointer.unescape(ref[len("#/definitions/") :]), path
        for kw in self._APPLICATORS_IN_PLACE:
            sub = node.get(kw)
            if isinstance(sub, list):
                for i, member in enumerate(sub):
                    yield from self._in_place_refs(member, (*path, kw, i))
            elif isinstance(sub, dict):
                yield from self._in_place_refs(sub, (*path, kw))

    def _break_pure_ref_cycles(self, defs: dict[str, _Def]) -> None:
        """Cut ``$ref`` cycles that never descend into the instance (``A = allOf[A, ...]``).

        Validating such a schema recurses forever. Where the cycle passes through an ``allOf``
        member, the self-reference adds no constraint and becomes ``{}``; through an ``anyOf`` /
        ``oneOf`` branch, the branch can never be the one a finite value matches and becomes
        ``{"not": {}}``; either way it is reported, in the shared definition, so every bundle gets the
        cut. A cycle with nothing else in it (``A = B``, ``B = A``, or one through ``not``/``if``)
        has no meaning at all: it is reported and the bundle is refused (`RefError`), never treated
        as "anything". A definition whose cycles were cut for an earlier bundle is final.
        """
        edges = {k: list(self._in_place_refs(d.schema)) for k, d in defs.items() if not d.acyclic}
        # 1 = on the stack, 2 = done
        state: dict[str, int] = {k: 2 for k, d in defs.items() if d.acyclic}

        def visit(key: str, trail: list[str]) -> None:
            state[key] = 1
            for target, path in list(edges.get(key, [])):
                if target not in defs:
                    continue
                if state.get(target) == 1:
                    cycle = (
                        [*trail[trail.index(target) :], target]
                        if target in trail
                        else [key, target]
                    )
                    where = self._origin[key][1] if key in self._origin else ""
                    cut = _cycle_cut(path)
                    if cut is not None:
                        defs[key].schema = _replace_at(defs[key].schema, path, cut)
                        edges[key] = [e for e in edges[key] if e != (target, path)]
                    if cut is None or _says_nothing(defs[key].schema):
                        message = (
                            f"$ref cycle {' -> '.join(cycle)} has no schema that ends it: no value "
                            "is valid or invalid against it"
                        )
                        self._diag("spec.ref-cycle", where, message, Severity.ERROR)
                        raise self._refuse(RefError(message, pointer=where))
                    self._diag(
                        "spec.ref-cycle",
                        where,
                        f"$ref cycle {' -> '.join(cycle)} never descends into the payload; "
                        "the self-reference is ignored",
                        Severity.ERROR,
                    )
                elif state.get(target) is None:
                    visit(target, [*trail, target])
            state[key] = 2

        for key in sorted(defs):
            if state.get(key) is None:
                visit(key, [key])
        for d in defs.values():
            d.acyclic = True

    def _ref_to(self, ref: str, ctx: _Ctx, pointer: str, deps: set[str]) -> dict[str, Any]:
        uri = ""
        try:
            uri, ptr = self._split_ref(ref, ctx.doc)
            self.lookup(uri, ptr)
        except (KeyError, RefError) as exc:
            if isinstance(exc, RefError):
                msg = exc.message
            elif uri:
                msg = f"$ref {ref!r} points at nothing in {_shown_uri(uri)}"
            else:
                msg = f"$ref {ref!r} points at nothing"
            rule = str(getattr(exc, "rule", "spec.ref-unresolvable"))  # refused or unresolvable
            self._diag(rule, pointer, msg, Severity.ERROR)
            # An unresolved part is never "anything": whatever reaches it cannot be built.
            error = RefError(msg, pointer=pointer)
            error.rule = rule  # type: ignore[attr-defined]
            raise self._refuse(error) from None
        key = self._dispatching_key(uri, ptr, pointer)
        deps.add(key)
        return {"$ref": "#/definitions/" + _pointer.escape(key)}

    # ------------------------------------------------------------------ allOf inheritance
    def _dispatching_key(self, uri: str, ptr: str, at: str) -> str:
        """Definition key a ``$ref`` (at spec pointer ``at``) to (uri, ptr) stands for.

        A component with a ``discriminator`` and no ``oneOf`` is the parent of an allOf
        inheritance: its subtypes say ``allOf: [$ref parent, ...]``. A reference to the parent
        means "one of its subtypes, chosen by the tag" (OpenAPI 3.0.3, Discriminator Object), so
        it becomes a dispatching definition; only a subtype's own ``allOf`` entry means the
        parent's own keywords.
        """
        key = self.def_key(uri, ptr)
        if uri or not self._subtypes_of(ptr):
            return key
        try:
            parts = _pointer.parts(at)
        except ValueError:  # a pointer into another document
            return key
        owner = parts[:-2]
        if len(parts) >= 2 and (
            # a component's own allOf entry: it extends the parent (even one whose tag is not
            # among the parent's, which then is no branch)
            (parts[-2] == "allOf" and len(owner) == 3 and owner[:2] == ["components", "schemas"])
            # the dispatch's branch for the parent's own tags
            or (parts[-2] == "oneOf" and _pointer.join("", *owner) == ptr)
        ):
            return key
        dptr = f"{ptr}#dispatch"
        dkey = self._keys.get((uri, dptr))
        if dkey is None:
            dkey, n = f"{key}.dispatch", 1
            while dkey in self._origin:
                n += 1
                dkey = f"{key}.dispatch_{n}"
            self._keys[(uri, dptr)] = dkey
            self._origin[dkey] = (uri, dptr)
            self._dispatch_of[dkey] = (uri, ptr)
        return dkey

    def _subtypes_of(self, ptr: str) -> list[tuple[Any, str]]:
        """(tag, pointer) per branch of the discriminated parent at ``ptr`` (empty for any other
        schema): each component schema that inherits from it through ``allOf`` (at any depth),
        under the parent mapping's name for it, else Azure's ``x-ms-discriminator-value``, else
        its component name; a tag outside the property's enum is no subtype a payload can be. A tag of the enum that
        no subtype carries (Service Fabric's ``ServiceKind: Invalid``), or the parent's own name
        when the property has no enum, keeps the parent's own keywords (the parent's pointer)."""
        if self._subtypes is None:
            self._subtypes = self._find_subtypes()
        return self._subtypes.get(ptr, [])

    def _find_subtypes(self) -> dict[str, list[tuple[Any, str]]]:
        comps = self.document.get("components")
        schemas = comps.get("schemas") if isinstance(comps, dict) else None
        if not isinstance(schemas, dict):
            return {}
        prefix = "#/components/schemas/"
        bases: dict[str, list[str]] = {}  # component -> the components its allOf names
        for name, node in schemas.items():
            all_of = node.get("allOf") if isinstance(node, dict) else None
            refs = [m.get("$ref") for m in all_of or [] if isinstance(m, dict)]
            bases[name] = [
                r[len(prefix) :] for r in refs if isinstance(r, str) and r.startswith(prefix)
            ]
        found: dict[str, list[tuple[Any, str]]] = {}
        enums: dict[str, list[Any] | None] = {}
        for name, node in schemas.items():
            # every ancestor through allOf chains (Service Fabric: ApplicationCreatedEvent ->
            # ApplicationEvent -> FabricEvent, each level with its own tag)
            ancestors: list[str] = []
            todo = list(bases.get(name, []))
            while todo and len(ancestors) < 32:
                up = todo.pop(0)
                if up in ancestors or up == name:
                    continue
                ancestors.append(up)
                todo.extend(bases.get(up, []))
            for up in ancestors:
                parent = schemas.get(up)
                disc = parent.get("discriminator") if isinstance(parent, dict) else None
                if (
                    not isinstance(parent, dict)
                    or not isinstance(disc, dict)
                    or not isinstance(disc.get("propertyName"), str)
                    or "oneOf" in parent
                    or "anyOf" in parent
                ):
                    continue
                pptr = _pointer.join("/components/schemas", up)
                if pptr not in enums:
                    enums[pptr] = self._tag_enum(parent, disc["propertyName"])
                sub_ptr = _pointer.join("/components/schemas", name)
                raw = disc.get("mapping")
                mapping = raw if isinstance(raw, dict) else {}
                named = [t for t, target in mapping.items() if target in (f"#{sub_ptr}", name)]
                tag: Any = named[0] if named else node.get("x-ms-discriminator-value", name)
                enum = enums[pptr]
                if enum is not None and tag not in enum:
                    continue
                found.setdefault(pptr, []).append((tag, sub_ptr))
        for pptr, subs in found.items():
            taken = {tag for tag, _ in subs}
            enum = enums[pptr]
            rest = enum if enum is not None else [_pointer.parts(pptr)[-1]]
            subs.extend((tag, pptr) for tag in rest if tag not in taken)
        return found

    def _tag_enum(
        self, parent: dict[str, Any], prop: str, doc: str = "", depth: int = 0
    ) -> list[Any] | None:
        """The values the parent allows for its tag property (through ``$ref``s, also where an
        ``allOf`` member declares it: securityinsights' ``AlertRule`` takes ``kind`` from
        ``AlertRuleKind``), if it says."""
        props = parent.get("properties")
        node = props.get(prop) if isinstance(props, dict) else None
        try:
            node, _, _ = self.resolve_node(node, doc)
        except (RefError, KeyError):
            return None
        enum = node.get("enum") if isinstance(node, dict) else None
        if isinstance(enum, list):
            return enum
        members = parent.get("allOf")
        if depth > 8 or not isinstance(members, list):
            return None
        for member in members:
            try:
                member, uri, _ = self.resolve_node(member, doc)
            except (RefError, KeyError):
                continue
            if isinstance(member, dict):
                found = self._tag_enum(member, prop, uri, depth + 1)
                if found is not None:
                    return found
        return None

    def _build_dispatch(self, dkey: str, direction: Direction, closed: bool) -> _Def:
        """The discriminated ``oneOf`` over the subtypes of an allOf-inheritance parent."""
        uri, ptr = self._dispatch_of[dkey]
        parent = self.lookup(uri, ptr)
        subtypes = self._subtypes_of(ptr)
        branches = list(dict.fromkeys(sub for _, sub in subtypes))
        prop = parent["discriminator"]["propertyName"]
        node: dict[str, Any] = {
            "oneOf": [{"$ref": "#" + sub} for sub in branches],
            "discriminator": {
                "propertyName": prop,
                "mapping": {str(tag): "#" + sub for tag, sub in subtypes},
            },
            # The tag chooses the subtype, so a payload carries it even where the parent does not
            # list it as required (OpenAPI 3.1.1: the discriminating property MUST be required;
            # validators that dispatch refuse a payload without it: azure.com/azure-kusto Database).
            "required": [prop],
            # A discriminator names a property: the value is an object, whatever its branches
            # leave out (Azure's subtypes rarely say `type: object`, so a string passed every
            # branch and the oneOf failed only as overlapping: Service Fabric's Impact "x").
            "type": "object",
        }
        if parent.get("nullable") is True:
            node["nullable"] = True
        deps: set[str] = set()
        schema = self._convert(node, ptr, _Ctx(direction, closed, uri), deps)
        schema.setdefault("x-spec-pointer", ptr)
        return _Def(schema, deps)

    def _convert(self, node: Any, pointer: str, ctx: _Ctx, deps: set[str]) -> Any:
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict):
            message = f"a schema must be an object, got {type(node).__name__}"
            self._diag("spec.schema-not-object", pointer, message, Severity.ERROR)
            raise self._refuse(TranslationError(message, pointer=pointer))
        if "$ref" in node and isinstance(node["$ref"], str):
            ref = self._ref_to(node["$ref"], ctx, pointer, deps)
            if self.dialect == "3.0":
                # OAS 3.0: siblings of $ref are ignored, except the nullable idiom many specs rely on.
                if node.get("nullable") is True:
                    return {"anyOf": [ref, {"type": "null"}], NULL_DISPUTED: True}
                return ref
            rest = {k: v for k, v in node.items() if k != "$ref"}
            if not any(
                k in rest for k in (*SCHEMA_KEYWORDS, *SCHEMA_LIST_KEYWORDS, *VALUE_KEYWORDS)
            ):
                return ref
            inner = self._convert(rest, pointer, ctx, deps)
            inner.setdefault("allOf", []).insert(0, ref)
            return inner

        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in DROPPED or key.startswith("x-"):
                continue
            kp = _pointer.join(pointer, key)
            if key in SCHEMA_MAP_KEYWORDS:
                if not isinstance(value, dict):
                    self._diag("spec.keyword-type", kp, f"{key} must be an object", Severity.ERROR)
                    continue
                if key == "properties":
                    out[key] = self._properties(value, kp, ctx, deps)
                else:
                    out[key] = {
                        name: self._convert(sub, _pointer.join(kp, name), ctx, deps)
                        for name, sub in value.items()
                    }
            elif key in SCHEMA_LIST_KEYWORDS:
                if not isinstance(value, list):
                    self._diag("spec.keyword-type", kp, f"{key} must be an array", Severity.ERROR)
                    continue
                out[key] = [
                    self._convert(sub, _pointer.join(kp, i), ctx, deps)
                    for i, sub in enumerate(value)
                ]
            elif key in SCHEMA_KEYWORDS:
                if key == "items" and isinstance(value, list):  # draft 4 tuple form
                    out[key] = [
                        self._convert(sub, _pointer.join(kp, i), ctx, deps)
                        for i, sub in enumerate(value)
                    ]
                else:
                    out[key] = self._convert(value, kp, ctx, deps)
            elif key == "pattern":
                if not isinstance(value, str):
                    self._diag("spec.keyword-type", kp, "pattern must be a string", Severity.ERROR)
                    continue
                portable, why = portable_pattern(value)
                if portable is not None:
                    out[key] = portable
                    continue
                from contracttest.schema.ecma import compile_pattern

                try:
                    compile_pattern(value)
                except PatternError:
                    self._diag(
                        "spec.pattern-untranslatable",
                        kp,
                        f"pattern {value!r} is not a valid ECMA-262 regex: {why}; it is ignored",
                        Severity.ERROR,
                    )
                    continue
                # Valid ECMA, but no form other tools read the same way: only contracttest's own
                # validator (and generators) enforce it, through this extension keyword.
                out["x-ecma-pattern"] = value
                self._diag(
                    "spec.pattern-not-portable",
                    kp,
                    f"pattern {value!r} has no form that Python and JavaScript read alike ({why}); "
                    "contracttest enforces it, generic JSON Schema tools will not",
                    Severity.INFO,
                )
            elif key == "example":
                if self.dialect == "3.0" and "examples" not in node:
                    out["examples"] = [value]
            elif key in ("nullable", "discriminator"):
                continue  # handled below
            elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                if value and isinstance(node.get(bound), (int, float)):
                    out[key] = node[bound]
            elif key in VALUE_KEYWORDS:
                out[key] = value
            # anything else is not a schema keyword (a 3.0 spec's typo, or a vendor key): dropped.

        # boolean exclusive* consumed their bound
        for ex, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if node.get(ex) is True and bound in out:
                del out[bound]

        self._direction_filter(node, out, ctx)

        disc = node.get("discriminator")
        for comb in ("oneOf", "anyOf"):
            if comb in out:
                if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str):
                    self._discriminate(node, out, comb, pointer, ctx, deps)
                else:
                    self._infer_discriminator(node, out, comb, pointer, ctx)
                break
        else:
            if isinstance(disc, dict):
                if not (ctx.doc == "" and self._subtypes_of(pointer)):
                    self._diag(
                        "spec.discriminator-without-oneOf",
                        _pointer.join(pointer, "discriminator"),
                        "discriminator next to no oneOf/anyOf, and no component schema inherits"
                        " from this one through allOf: it is not dispatched on",
                        Severity.INFO,
                    )
                self._implicit_targets(node, disc, pointer, ctx)

        if ctx.closed and ctx.direction == "request":
            self._close(node, out, pointer, ctx, deps)

        if node.get("nullable") is True and self.dialect == "3.0":
            out = self._nullable(out)
        return out

    def _implicit_targets(
        self, node: dict[str, Any], disc: dict[str, Any], pointer: str, ctx: _Ctx
    ) -> None:
        """Tags of an allOf parent's discriminator that name no schema (a spec finding).

        OpenAPI 3.0.3 dispatches a tag by its ``mapping``, else to the component schema of that
        name. Azure writes the subtype's tag in ``x-ms-discriminator-value`` (not OpenAPI), so a
        tag such as ``Blob`` names nothing and validators that dispatch (openapi-schema-validator)
        reject every payload that carries it (azure.com/datashare: DataSetMapping.kind).
        """
        prop = disc.get("propertyName")
        if not isinstance(prop, str):
            return
        enum = self._tag_enum(node, prop, ctx.doc)
        if enum is None:
            return
        raw = disc.get("mapping")
        mapping: dict[str, Any] = raw if isinstance(raw, dict) else {}
        missing: list[str] = []
        for tag in enum:
            if not isinstance(tag, str) or not tag or tag in mapping:
                continue
            try:
                uri, ptr = self._split_ref("#" + _pointer.join("/components/schemas", tag), ctx.doc)
                self.lookup(uri, ptr)
            except (RefError, KeyError):
                missing.append(tag)
        if not missing:
            return
        shown = ", ".join(repr(t) for t in missing[:30]) + (", ..." if len(missing) > 30 else "")
        self._diag(
            "spec.discriminator-target-missing",
            _pointer.join(pointer, "discriminator"),
            f"discriminator {prop!r} has no mapping for the tag(s) {shown}, and no component"
            " schema has that name: OpenAPI dispatches such a tag to #/components/schemas/<tag>,"
            " so validators that follow it reject every payload carrying it",
            Severity.WARNING,
            suggestion="add a mapping from each tag to its schema"
            " (x-ms-discriminator-value is not read by OpenAPI tools)",
        )

    def _properties(
        self, props: dict[str, Any], pointer: str, ctx: _Ctx, deps: set[str]
    ) -> dict[str, Any]:
        out = {}
        for name, sub in props.items():
            if self._hidden(sub, ctx):
                continue
            out[name] = self._convert(sub, _pointer.join(pointer, name), ctx, deps)
        return out

    def _hidden(self, sub: Any, ctx: _Ctx) -> bool:
        """Whether a property schema is readOnly (request) / writeOnly (response)."""
        flag = "readOnly" if ctx.direction == "request" else "writeOnly"
        if not isinstance(sub, dict):
            return False
        if sub.get(flag) is True:
            return True
        if "$ref" in sub:
            try:
                target, _, _ = self.resolve_node(sub, ctx.doc)
            except RefError:
                return False
            return isinstance(target, dict) and target.get(flag) is True
        return False

    def _direction_filter(self, node: dict[str, Any], out: dict[str, Any], ctx: _Ctx) -> None:
        props = node.get("properties")
        req = out.get("required")
        if not isinstance(props, dict) or not isinstance(req, list):
            return
        kept = [r for r in req if not (r in props and self._hidden(props[r], ctx))]
        if len(kept) != len(req):
            if kept:
                out["required"] = kept
            else:
                del out["required"]

    @staticmethod
    def _nullable(out: dict[str, Any]) -> dict[str, Any]:
        t = out.get("type")
        if isinstance(t, str):
            out["type"] = [t, "null"]
        elif isinstance(t, list):
            if "null" not in t:
                out["type"] = [*t, "null"]
        else:
            spec_ptr = out.pop("x-spec-pointer", None)
            wrapped: dict[str, Any] = {"anyOf": [out, {"type": "null"}], NULL_DISPUTED: True}
            if spec_ptr:
                wrapped["x-spec-pointer"] = spec_ptr
            return wrapped
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
            out[NULL_DISPUTED] = True
        return out

    # ------------------------------------------------------------------ closing objects
    def _declares_properties(
        self, sub: Any, ctx: _Ctx, _seen: frozenset[int] = frozenset()
    ) -> bool:
        try:
            target, _, _ = self.resolve_node(sub, ctx.doc)
        except RefError:
            return False
        if not isinstance(target, dict) or id(target) in _seen:
            return False  # a schema that is its own allOf member adds no properties of its own
        if "properties" in target:
            return True
        seen = _seen | {id(target)}
        return any(self._declares_properties(m, ctx, seen) for m in target.get("allOf", []) or [])

    def _close(
        self, node: dict[str, Any], out: dict[str, Any], pointer: str, ctx: _Ctx, deps: set[str]
    ) -> None:
        if "additionalProperties" in node or "patternProperties" in node:
            return
        allof = node.get("allOf")
        members = allof if isinstance(allof, list) else []
        with_props = [m for m in members if self._declares_properties(m, ctx)]
        if with_props and ("properties" in node or len(with_props) > 1):
            self._merge_allof(node, out, pointer, ctx, deps)
            return
        if "properties" in out and not with_props:
            out["additionalProperties"] = False

    def _merge_allof(
        self, node: dict[str, Any], out: dict[str, Any], pointer: str, ctx: _Ctx, deps: set[str]
    ) -> None:
        """Flatten ``allOf`` members that declare properties into one closed object."""
        props: dict[str, Any] = dict(out.get("properties", {}))
        required: list[str] = list(out.get("required", []))
        rest: list[Any] = []
        open_ = False

        def absorb(member: Any, mptr: str, depth: int) -> None:
            nonlocal open_
            try:
                target, uri, tptr = self.resolve_node(member, ctx.doc)
            except RefError:
                # a member that resolves to nothing: converting it reports (and refuses) it
                rest.append(self._convert(member, mptr, ctx, deps))
                return
            if depth > 16 or not isinstance(target, dict):
                rest.append(self._convert(member, mptr, ctx, deps))
                return
            sub_ctx = _Ctx(ctx.direction, False, uri or ctx.doc)
            base_ptr = tptr if "$ref" in member else mptr
            for i, m in enumerate(target.get("allOf", []) or []):
                absorb(m, _pointer.join(base_ptr, "allOf", i), depth + 1)
            conv = self._convert(
                {k: v for k, v in target.items() if k != "allOf"}, base_ptr, sub_ctx, deps
            )
            conv.pop("x-spec-pointer", None)
            for name, sub in conv.pop("properties", {}).items():
                props[name] = {"allOf": [props[name], sub]} if name in props else sub
            for r in conv.pop("required", []):
                if r not in required:
                    required.append(r)
            if conv.pop("additionalProperties", None) not in (None, False):
                open_ = True
            conv.pop("type", None)
            if conv:
                rest.append(conv)

        for i, member in enumerate(node.get("allOf", [])):
            absorb(member, _pointer.join(pointer, "allOf", i), 0)
        out.pop("allOf", None)
        out["type"] = out.get("type", "object")
        out["properties"] = props
        if required:
            out["required"] = required
        if rest:
            out["allOf"] = rest
        if not open_:
            out["additionalProperties"] = False

    # ------------------------------------------------------------------ discriminators
    def _discriminate(
        self,
        node: dict[str, Any],
        out: dict[str, Any],
        comb: str,
        pointer: str,
        ctx: _Ctx,
        deps: set[str],
    ) -> None:
        disc = node["discriminator"]
        prop: str = disc["propertyName"]
        dptr = _pointer.join(pointer, "discriminator")
        branches_raw = node[comb]
        # which definition each $ref branch names
        branch_keys: dict[str, int] = {}
        for i, b in enumerate(branches_raw):
            if isinstance(b, dict) and isinstance(b.get("$ref"), str):
                try:
                    uri, ptr = self._split_ref(b["$ref"], ctx.doc)
                except RefError:
                    continue
                branch_keys.setdefault(self.def_key(uri, ptr), i)
        mapping: dict[Any, str] = {}
        raw_map = disc.get("mapping") or {}
        if not isinstance(raw_map, dict):
            self._diag(
                "spec.discriminator-mapping", dptr, "mapping must be an object", Severity.ERROR
            )
            raw_map = {}
        for tag, target in raw_map.items():
            if not isinstance(target, str):
                self._diag(
                    "spec.discriminator-mapping",
                    _pointer.join(dptr, "mapping", tag),
                    "mapping values must be strings",
                    Severity.ERROR,
                )
                continue
            ref = (
                target
                if ("#" in target or "/" in target or "." in target)
                else ("#/components/schemas/" + target)
            )
            try:
                uri, ptr = self._split_ref(ref, ctx.doc)
                self.lookup(uri, ptr)
            except (RefError, KeyError):
                self._diag(
                    "spec.discriminator-target-missing",
                    _pointer.join(dptr, "mapping", tag),
                    f"mapping {tag!r} -> {target!r} points at no schema",
                    Severity.ERROR,
                    suggestion="point the mapping at an existing component schema",
                )
                continue
            mapping[tag] = self.def_key(uri, ptr)
        # implicit mapping: every $ref branch not named by an explicit value is reachable by its name
        named = set(mapping.values())
        for key in branch_keys:
            if key in named:
                continue
            implicit = key.rsplit(".", 1)[-1]
            pinned = self._pinned_value(key, prop)
            if pinned is not None and pinned != implicit and pinned not in mapping:
                # The branch pins the tag itself; servers dispatch on that value, not on the schema
                # name, so the mapping just forgot it.
                self._diag(
                    "spec.discriminator-mapping-incomplete",
                    _pointer.join(dptr, "mapping"),
                    f"branch {implicit} pins {prop}={pinned!r} but the mapping has no {pinned!r}; "
                    f"dispatching {pinned!r} to {implicit}",
                    Severity.WARNING,
                    suggestion=f"add mapping {pinned}: '#/components/schemas/{implicit}'",
                )
                mapping[pinned] = key
            elif implicit not in mapping:
                mapping[implicit] = key
        # The tag is required when a mapped schema requires the property (POST bodies); when none
        # does (the seed's PATCH body: Update*DTOs without a required provider) a payload may leave it
        # out, as Vapi's server allows: it then only has to match one branch (anyOf), while a present
        # tag still selects exactly its variant.
        optional = not any(self._requires(key, prop) for key in set(mapping.values()))
        new_branches: list[Any] = []
        variants: dict[Any, Variant] = {}
        tag_index: dict[str, int] = {}
        for tag, key in mapping.items():
            if key not in branch_keys:
                self._diag(
                    "spec.discriminator-mapping-outside-oneOf",
                    _pointer.join(dptr, "mapping", str(tag)),
                    f"mapping {tag!r} names {key}, which is not one of the {comb} branches",
                    Severity.WARNING,
                )
            vkey = self._variant(key, prop, tag, ctx, dptr, optional)
            deps.add(vkey)
            deps.add(key)
            tag_index[str(tag)] = len(new_branches)
            variants[tag] = Variant(
                tag=tag, branch=len(new_branches), component=key, definition=vkey
            )
            new_branches.append({"$ref": "#/definitions/" + _pointer.escape(vkey)})
        # inline branches (no $ref) cannot be selected by the discriminator; keep them as they are
        for i, b in enumerate(branches_raw):
            if not (isinstance(b, dict) and "$ref" in b):
                self._diag(
                    "spec.discriminator-inline-branch",
                    _pointer.join(pointer, comb, i),
                    "an inline branch cannot be named by the discriminator mapping",
                    Severity.WARNING,
                )
                new_branches.append(out[comb][i])
        if optional and comb == "oneOf":
            del out[comb]
            comb = "anyOf"
        out[comb] = new_branches
        out["x-discriminator"] = {
            "propertyName": prop,
            "mapping": tag_index,
            "pointer": pointer,
            "inferred": False,
            "optional": optional,
        }
        self.tables[pointer] = VariantTable(
            pointer, prop, comb, variants, inferred=False, optional=optional
        )

    def _requires(self, key: str, prop: str) -> bool:
        """Whether component ``key`` lists ``prop`` as required (through allOf members too)."""
        uri, ptr = self._origin[key]

        def walk(node: Any, depth: int) -> bool:
            try:
                node, _, _ = self.resolve_node(node, uri)
            except RefError:
                return False
            if not isinstance(node, dict) or depth > 16:
                return False
            req = node.get("required")
            if isinstance(req, list) and prop in req:
                return True
            return any(walk(m, depth + 1) for m in node.get("allOf", []) or [])

        return walk(self.lookup(uri, ptr), 0)

    def _pinned_value(self, key: str, prop: str) -> Any:
        """The single value component ``key`` allows for ``prop`` (enum of one, or const)."""
        uri, ptr = self._origin[key]
        try:
            node, _, _ = self.resolve_node(self.lookup(uri, ptr), uri)
            ps = node.get("properties", {}).get(prop) if isinstance(node, dict) else None
            ps, _, _ = self.resolve_node(ps, uri)
        except (RefError, KeyError, AttributeError):
            return None
        if not isinstance(ps, dict):
            return None
        if "const" in ps:
            return ps["const"]
        enum = ps.get("enum")
        return enum[0] if isinstance(enum, list) and len(enum) == 1 else None

    def _variant(
        self, key: str, prop: str, tag: Any, ctx: _Ctx, dptr: str, optional: bool = False
    ) -> str:
        """Definition key of ``key`` with ``prop`` pinned to ``tag`` (built lazily by `definition`)."""
        safe = re.sub(r"[^A-Za-z0-9_.\-]", "_", str(tag))
        vkey_base = f"{key}.{prop}={safe}" + (".tag-optional" if optional else "")
        uri, ptr = self._origin[key]
        vptr = f"{ptr}#variant:{prop}={tag}" + ("?" if optional else "")
        vkey = self._keys.get((uri, vptr))
        if vkey is None:
            vkey, n = vkey_base, 1
            while vkey in self._origin:
                n += 1
                vkey = f"{vkey_base}_{n}"
            self._keys[(uri, vptr)] = vkey
            self._origin[vkey] = (uri, vptr)
            self._variant_of[vkey] = (key, prop, tag, optional)
        return vkey

    def lookup_variant(self, vkey: str) -> tuple[str, str, Any, bool] | None:
        return self._variant_of.get(vkey)

    def _infer_discriminator(
        self, node: dict[str, Any], out: dict[str, Any], comb: str, pointer: str, ctx: _Ctx
    ) -> None:
        branches = node.get(comb)
        if not isinstance(branches, list) or len(branches) < 2:
            return
        pins: list[dict[str, Any]] = []
        for b in branches:
            try:
                target, _, _ = self.resolve_node(b, ctx.doc)
            except RefError:
                return
            if not isinstance(target, dict) or not isinstance(target.get("properties"), dict):
                return
            required = target.get("required")
            req = required if isinstance(required, list) else []
            found: dict[str, Any] = {}
            for name, ps in target["properties"].items():
                if name not in req:
                    continue
                try:
                    ps, _, _ = self.resolve_node(ps, ctx.doc)
                except RefError:
                    continue
                if not isinstance(ps, dict):
                    continue
                if "const" in ps:
                    found[name] = ps["const"]
                elif isinstance(ps.get("enum"), list) and len(ps["enum"]) == 1:
                    found[name] = ps["enum"][0]
            pins.append(found)
        common = set(pins[0]).intersection(*pins[1:])
        for prop in sorted(common):
            values = [p[prop] for p in pins]
            if all(isinstance(v, (str, int, bool)) for v in values) and len(set(values)) == len(
                values
            ):
                variants = {
                    v: Variant(tag=v, branch=i, component=None, definition=None)
                    for i, v in enumerate(values)
                }
                out["x-discriminator"] = {
                    "propertyName": prop,
                    "mapping": {str(v): i for i, v in enumerate(values)},
                    "pointer": pointer,
                    "inferred": True,
                }
                self.tables[pointer] = VariantTable(pointer, prop, comb, variants, inferred=True)
                return

    def build_variant(self, vkey: str, direction: Direction, closed: bool) -> _Def:
        key, prop, tag, optional = self._variant_of[vkey]
        base = self.definition(key, direction, closed)
        schema = copy.copy(base.schema)
        pin = {"enum": [tag]}
        if "properties" in schema or schema.get("type") == "object":
            props = dict(schema.get("properties", {}))
            existing = props.get(prop)
            if isinstance(existing, dict) and existing and "$ref" not in existing:
                merged = dict(existing)
                if isinstance(existing.get("enum"), list) and tag not in existing["enum"]:
                    self._diag(
                        "spec.discriminator-tag-outside-enum",
                        _pointer.join(self._origin[key][1], "properties", prop),
                        f"tag {tag!r} maps here, but {prop!r} only allows {existing['enum']!r}",
                        Severity.ERROR,
                    )
                merged.update(pin)
                merged.pop("default", None)
                props[prop] = merged
            else:
                props[prop] = {"type": "string", **pin} if isinstance(tag, str) else pin
            schema["properties"] = props
            req = list(schema.get("required", []))
            if prop not in req and not optional:
                req.append(prop)
            if req:
                schema["required"] = req
        else:
            schema = {
                "allOf": [{"$ref": "#/definitions/" + _pointer.escape(key)}],
                "properties": {prop: pin},
            }
            if not optional:
                schema["required"] = [prop]
        schema["x-spec-pointer"] = base.schema.get("x-spec-pointer")
        return _Def(schema, set(base.deps) | {key})


def _shown_uri(uri: str) -> str:
    from contracttest.openapi.refs import shown

    return shown(uri)


def _cycle_cut(path: tuple[Any, ...]) -> Any:
    """What replaces a self-reference at ``path`` (see ``_break_pure_ref_cycles``), or None."""
    if not path:
        return None  # the definition is nothing but the reference
    keyword = path[-2] if isinstance(path[-1], int) else path[-1]
    if keyword == "allOf":
        return {}
    if keyword in ("anyOf", "oneOf"):
        return {"not": {}}
    return None  # not / if / then / else: a paradox, nothing to cut to


_ANNOTATIONS = frozenset(
    ("x-spec-pointer", "$schema", "title", "examples", "default", "deprecated")
)


def _says_nothing(schema: Any) -> bool:
    """Whether ``schema`` constrains nothing: ``{}`` or an ``allOf`` of such (after a cut)."""
    if schema is True:
        return True
    if not isinstance(schema, dict):
        return False
    for key, value in schema.items():
        if key in _ANNOTATIONS:
            continue
        if key == "allOf" and isinstance(value, list) and all(_says_nothing(m) for m in value):
            continue
        return False
    return True


def _replace_at(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of ``node`` with the member at ``path`` replaced (copies only along the path)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        out = dict(node)
        out[head] = _replace_at(node[head], rest, value)
        return out
    out_list = list(node)
    out_list[head] = _replace_at(node[head], rest, value)
    return out_list

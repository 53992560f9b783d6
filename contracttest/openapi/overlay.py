"""OpenAPI Overlay Specification 1.0 (https://spec.openapis.org/overlay/v1.0.0.html).

An overlay is an ordered list of actions; each action selects nodes of the target document with an
RFC 9535 JSONPath and either merges ``update`` into them or removes them. Actions apply in order,
each one on the result of the previous one, so a later action sees what an earlier one added.

Semantics where the 1.0 text leaves room (the choices match the reference implementation,
``openapi-overlays-js``):

* ``update`` on an object node merges recursively: members of ``update`` that are objects on both
  sides are merged, arrays on both sides are concatenated (update's items appended), anything else
  replaces the member.
* ``update`` on an array node appends ``update`` to the array as one entry (the spec: "the value of
  this field MUST be an entry to append to the array").
* ``update`` on a primitive node (string, number, boolean, null) cannot be done: Overlay 1.0 has no
  replace operation, so it is an `OverlayError` (target the parent object instead).
* ``remove: true`` deletes every selected node from its parent, object member or array element;
  array elements go from the highest index down so the indices of the others stay valid.
* A node selected twice by one target (``$.a[0,0]``) is changed once.
* An action whose target selects nothing is not an error but an ``overlay.no-match`` warning: it
  tells the user the document changed under the overlay.

The input document is never mutated: it is copied once (aliased YAML nodes become independent
copies, so an update at one place never leaks to another) and the actions work on the copy.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from contracttest.errors import OverlayError
from contracttest.findings import Finding, Severity

if TYPE_CHECKING:
    from jsonpath import JSONPathEnvironment
    from jsonpath.path import CompoundJSONPath, JSONPath

__all__ = ["SUPPORTED_VERSIONS", "Locator", "apply_overlay", "apply_overlays"]

SUPPORTED_VERSIONS = "1.0.x"
_VERSION_RE = re.compile(r"1\.0\.(0|[1-9][0-9]*)")

_OVERLAY_FIELDS = frozenset({"overlay", "info", "extends", "actions"})
_INFO_FIELDS = frozenset({"title", "version"})
_ACTION_FIELDS = frozenset({"target", "description", "update", "remove"})


class Locator(Protocol):
    """Maps a JSON pointer into the overlay document to its (line, column) in the source file.

    ``contracttest._io.Document.positions`` has this shape.
    """

    def locate(self, pointer: str) -> tuple[int, int] | None: ...


_OverlayEntry: TypeAlias = (
    "tuple[Mapping[str, Any], str] | tuple[Mapping[str, Any], str, Locator | None]"
)


def apply_overlay(
    document: dict[str, Any],
    overlay: Mapping[str, Any],
    *,
    source: str = "<overlay>",
    positions: Locator | None = None,
) -> tuple[dict[str, Any], list[Finding]]:
    """Apply one Overlay 1.0 document to ``document``.

    Args:
        document: the target document (an OpenAPI description, parsed). Not mutated.
        overlay: the parsed overlay document.
        source: file or URL of the overlay, used in errors and findings.
        positions: where the overlay's nodes are in ``source``, to put line and column on errors.

    Returns:
        The patched copy of ``document`` and the findings (``overlay.no-match`` warnings).

    Raises:
        OverlayError: the overlay is malformed (with the pointer of the bad member), a target is not
            valid RFC 9535 JSONPath, or an action cannot be applied (update of a primitive node,
            removal of the document root).

    Example:
        >>> doc = {"a": {"b": 1}}
        >>> ov = {"overlay": "1.0.0", "info": {"title": "t", "version": "1"},
        ...       "actions": [{"target": "$.a", "update": {"c": 2}}]}
        >>> apply_overlay(doc, ov)[0]
        {'a': {'b': 1, 'c': 2}}
    """
    actions = _check_overlay(overlay, source, positions)
    result = _clone(document)
    findings = _apply_actions(result, actions, source, positions)
    return result, findings


def apply_overlays(
    document: dict[str, Any],
    overlays: Sequence[_OverlayEntry],
) -> tuple[dict[str, Any], list[Finding]]:
    """Apply several overlays in order; each works on the result of the previous one.

    Args:
        document: the target document. Not mutated.
        overlays: ``(overlay, source)`` or ``(overlay, source, positions)`` tuples, in the order
            to apply them.

    Returns:
        The patched copy of ``document`` and the findings of all overlays, in order.

    Raises:
        OverlayError: as `apply_overlay`; every overlay is checked before any is applied.
    """
    checked: list[tuple[list[_Action], str, Locator | None]] = []
    for entry in overlays:
        overlay, source = entry[0], entry[1]
        positions = entry[2] if len(entry) > 2 else None
        checked.append((_check_overlay(overlay, source, positions), source, positions))
    result = _clone(document)
    findings: list[Finding] = []
    for actions, source, positions in checked:
        findings.extend(_apply_actions(result, actions, source, positions))
    return result, findings


# ---------------------------------------------------------------------------------------------
# Checking the overlay document


class _Action:
    __slots__ = ("index", "path", "remove", "target", "update")

    def __init__(
        self, index: int, target: str, path: JSONPath | CompoundJSONPath, update: Any, remove: bool
    ) -> None:
        self.index = index
        self.target = target
        self.path = path
        self.update = update
        self.remove = remove


def _error(message: str, source: str, pointer: str, positions: Locator | None) -> OverlayError:
    line = column = None
    if positions is not None:
        loc = positions.locate(pointer)
        if loc is not None:
            line, column = loc
    return OverlayError(message, source=source, line=line, column=column, pointer=pointer)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def _check_fields(
    obj: Mapping[str, Any],
    allowed: frozenset[str],
    where: str,
    pointer: str,
    source: str,
    positions: Locator | None,
) -> None:
    for key in obj:
        if not isinstance(key, str) or (key not in allowed and not key.startswith("x-")):
            expected = ", ".join(sorted(allowed))
            raise _error(
                f"unknown field {key!r} in {where}; expected one of {expected} or an x- extension",
                source,
                f"{pointer}/{_escape(str(key))}",
                positions,
            )


def _check_overlay(overlay: Any, source: str, positions: Locator | None) -> list[_Action]:
    if not isinstance(overlay, Mapping):
        raise _error(
            f"an overlay document must be an object, got {_type_name(overlay)}",
            source,
            "",
            positions,
        )
    if "overlay" not in overlay:
        raise _error(
            f"missing required field 'overlay' (the Overlay Specification version, "
            f"{SUPPORTED_VERSIONS})",
            source,
            "",
            positions,
        )
    version = overlay["overlay"]
    if not isinstance(version, str) or not _VERSION_RE.fullmatch(version):
        hint = " (quote it: YAML reads 1.0 as a number)" if not isinstance(version, str) else ""
        raise _error(
            f"unsupported overlay version {version!r}; "
            f"expected a string {SUPPORTED_VERSIONS}{hint}",
            source,
            "/overlay",
            positions,
        )
    _check_fields(overlay, _OVERLAY_FIELDS, "the overlay object", "", source, positions)

    info = overlay.get("info")
    if info is None:
        raise _error(
            "missing required field 'info' (an object with 'title' and 'version')",
            source,
            "",
            positions,
        )
    if not isinstance(info, Mapping):
        raise _error(
            f"'info' must be an object with 'title' and 'version', got {_type_name(info)}",
            source,
            "/info",
            positions,
        )
    for key in ("title", "version"):
        if key not in info:
            raise _error(f"missing required field 'info.{key}'", source, "/info", positions)
        if not isinstance(info[key], str):
            raise _error(
                f"'info.{key}' must be a string, got {_type_name(info[key])} {info[key]!r}",
                source,
                f"/info/{key}",
                positions,
            )
    _check_fields(info, _INFO_FIELDS, "the info object", "/info", source, positions)

    if "extends" in overlay and not isinstance(overlay["extends"], str):
        raise _error(
            f"'extends' must be a URL string, got {_type_name(overlay['extends'])}",
            source,
            "/extends",
            positions,
        )

    if "actions" not in overlay:
        raise _error("missing required field 'actions' (an array)", source, "", positions)
    raw_actions = overlay["actions"]
    if not isinstance(raw_actions, list):
        raise _error(
            f"'actions' must be an array of action objects, got {_type_name(raw_actions)}",
            source,
            "/actions",
            positions,
        )
    if not raw_actions:
        raise _error("'actions' must contain at least one action", source, "/actions", positions)
    return [_check_action(i, raw, source, positions) for i, raw in enumerate(raw_actions)]


def _check_action(index: int, raw: Any, source: str, positions: Locator | None) -> _Action:
    pointer = f"/actions/{index}"
    if not isinstance(raw, Mapping):
        raise _error(
            f"action {index} must be an object with 'target' and 'update' or 'remove', "
            f"got {_type_name(raw)}",
            source,
            pointer,
            positions,
        )
    _check_fields(raw, _ACTION_FIELDS, f"action {index}", pointer, source, positions)
    if "target" not in raw:
        raise _error(
            f"action {index} has no 'target' (an RFC 9535 JSONPath such as $.paths)",
            source,
            pointer,
            positions,
        )
    target = raw["target"]
    if not isinstance(target, str):
        raise _error(
            f"'target' must be a JSONPath string, got {_type_name(target)}",
            source,
            f"{pointer}/target",
            positions,
        )
    if "description" in raw and not isinstance(raw["description"], str):
        raise _error(
            f"'description' must be a string, got {_type_name(raw['description'])}",
            source,
            f"{pointer}/description",
            positions,
        )
    remove = raw.get("remove", False)
    if not isinstance(remove, bool):
        raise _error(
            f"'remove' must be a boolean, got {_type_name(remove)} {remove!r}",
            source,
            f"{pointer}/remove",
            positions,
        )
    has_update = "update" in raw
    if remove and has_update:
        raise _error(
            f"action {index} has both 'update' and 'remove: true'; expected exactly one of them",
            source,
            pointer,
            positions,
        )
    if not remove and not has_update:
        raise _error(
            f"action {index} does nothing; expected 'update' or 'remove: true'",
            source,
            pointer,
            positions,
        )
    path = _compile(target, source, f"{pointer}/target", positions)
    return _Action(index, target, path, raw.get("update"), remove)


@functools.cache
def _environment() -> JSONPathEnvironment:
    import jsonpath

    # strict: RFC 9535 only (no python-jsonpath extensions such as `|`, `~` or `#`).
    return jsonpath.JSONPathEnvironment(strict=True)


def _compile(
    target: str, source: str, pointer: str, positions: Locator | None
) -> JSONPath | CompoundJSONPath:
    import jsonpath

    try:
        return _environment().compile(target)
    except (jsonpath.JSONPathError, RecursionError) as exc:
        message = exc.message if isinstance(exc, jsonpath.JSONPathError) else str(exc)
        where = ""
        token = getattr(exc, "token", None)
        if token is not None and token.index >= 0:
            where = f" at character {token.index + 1}"
        raise _error(
            f"invalid JSONPath {target!r}{where}: {message}; expected an RFC 9535 query "
            f"starting with $",
            source,
            pointer,
            positions,
        ) from exc


# ---------------------------------------------------------------------------------------------
# Applying actions


def _apply_actions(
    document: dict[str, Any],
    actions: Iterable[_Action],
    source: str,
    positions: Locator | None,
) -> list[Finding]:
    findings: list[Finding] = []
    for action in actions:
        locations = _select(document, action, source, positions)
        if not locations:
            pointer = f"/actions/{action.index}"
            loc = positions.locate(pointer) if positions is not None else None
            findings.append(
                Finding(
                    rule="overlay.no-match",
                    severity=Severity.WARNING,
                    pointer=pointer,
                    message=f"target {action.target} selects nothing; the action was skipped",
                    expected="at least one node",
                    suggestion="the document changed under the overlay: update or drop the action",
                    source=source,
                    line=loc[0] if loc else None,
                    column=loc[1] if loc else None,
                )
            )
            continue
        if action.remove:
            _remove(document, locations, action, source, positions)
        else:
            _update(document, locations, action, source, positions)
    return findings


def _select(
    document: dict[str, Any], action: _Action, source: str, positions: Locator | None
) -> list[tuple[Any, ...]]:
    """Normalized locations (key/index tuples) of the selected nodes, duplicates dropped."""
    import jsonpath

    try:
        matches = list(action.path.finditer(document))
    except (jsonpath.JSONPathError, RecursionError) as exc:
        raise _error(
            f"cannot evaluate target {action.target!r}: {exc}",
            source,
            f"/actions/{action.index}/target",
            positions,
        ) from exc
    seen: set[tuple[Any, ...]] = set()
    out: list[tuple[Any, ...]] = []
    for match in matches:
        parts = tuple(match.parts)
        if parts not in seen:
            seen.add(parts)
            out.append(parts)
    return out


def _resolve(document: Any, parts: tuple[Any, ...]) -> Any:
    node = document
    for part in parts:
        node = node[part]
    return node


def _update(
    document: dict[str, Any],
    locations: list[tuple[Any, ...]],
    action: _Action,
    source: str,
    positions: Locator | None,
) -> None:
    nodes = [(parts, _resolve(document, parts)) for parts in locations]
    for parts, node in nodes:
        if isinstance(node, dict):
            if not isinstance(action.update, Mapping):
                raise _error(
                    f"target {action.target} selects an object at {_render(parts)}, so 'update' "
                    f"must be an object to merge into it; got {_type_name(action.update)}",
                    source,
                    f"/actions/{action.index}/update",
                    positions,
                )
        elif not isinstance(node, list):
            raise _error(
                f"target {action.target} selects a {_type_name(node)} at {_render(parts)}; "
                f"Overlay 1.0 can only update objects (merge) and arrays (append): target the "
                f"parent object and set the member instead",
                source,
                f"/actions/{action.index}/target",
                positions,
            )
    for _parts, node in nodes:
        if isinstance(node, dict):
            _merge(node, action.update)
        else:
            node.append(_clone(action.update))


def _merge(node: dict[str, Any], update: Mapping[str, Any]) -> None:
    for key, value in update.items():
        current = node.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping):
            _merge(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            current.extend(_clone(v) for v in value)
        else:
            node[key] = _clone(value)


def _remove(
    document: dict[str, Any],
    locations: list[tuple[Any, ...]],
    action: _Action,
    source: str,
    positions: Locator | None,
) -> None:
    if () in locations:
        raise _error(
            f"target {action.target} selects the document root, which cannot be removed",
            source,
            f"/actions/{action.index}/target",
            positions,
        )
    # Resolve every parent before removing anything: removing an outer node first would
    # otherwise make the paths of nodes inside it unresolvable.
    by_parent: dict[int, tuple[Any, list[Any]]] = {}
    for parts in locations:
        parent = _resolve(document, parts[:-1])
        by_parent.setdefault(id(parent), (parent, []))[1].append(parts[-1])
    for parent, keys in by_parent.values():
        if isinstance(parent, list):
            for index in sorted(keys, reverse=True):
                del parent[index]
        else:
            for key in keys:
                parent.pop(key, None)


# ---------------------------------------------------------------------------------------------
# Helpers


def _clone(value: Any) -> Any:
    """A deep copy of a JSON value that shares no containers (even where the source did)."""
    if isinstance(value, Mapping):
        return {k: _clone(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clone(v) for v in value]
    return value


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _render(parts: tuple[Any, ...]) -> str:
    """Normalized JSONPath of a location, e.g. ``$['paths']['/a'][0]``."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            escaped = str(part).replace("\\", "\\\\").replace("'", "\\'")
            out += f"['{escaped}']"
    return out

"""Probes of depth and size limits and of odd inputs: issue 16 items 4 (deep nesting), 8 (stdin) and the
input-reading part of 9 (FIFOs, huge numbers, UTF-16)."""

from __future__ import annotations

import json
import os
import re

from hostile_kit import Observation, Workspace, dump, things_spec, variants

LOC = r":\d+:\d+"  # file:line:col
UNREADABLE = (1, 2)
"""Marks an input the command cannot read: lint reports it as a finding (1), validate cannot do its
job (2); `unreadable_exit` picks the one that applies."""


def unreadable_exit(command: str, expected: object) -> object:
    if expected != UNREADABLE:
        return expected
    return 1 if command.startswith("lint") else 2


def _deep_json(levels: int, leaf: str = "1") -> str:
    return '{"a":' * levels + leaf + "}" * levels


def _deep_yaml(levels: int) -> str:
    return "".join(f"{'  ' * i}a:\n" for i in range(levels)) + f"{'  ' * levels}b: 1\n"


def _no_tmp_pickles(ws: Workspace, obs: Observation) -> Observation:
    cache = ws.dir / ".ct-cache"
    left = sorted(p.name for p in cache.rglob(".tmp-*")) if cache.exists() else []
    if left:
        obs.lost.append(f"temporary cache files left behind: {left[:3]}")
    return obs


# --------------------------------------------------------------------------------------------------
# 4. Deep nesting


def _deep_spec_text(levels: int, fmt: str) -> str:
    spec = things_spec()
    text = dump(spec)
    if fmt == "json":
        # an x- extension nested `levels` deep, inside the info object
        return text.replace(
            '"title": "Things"', f'"x-deep": {_deep_json(levels)}, "title": "Things"', 1
        )
    import yaml

    lines = yaml.safe_dump(spec, sort_keys=False)
    return (
        lines
        + "x-deep:\n"
        + "".join(f"{'  ' * (i + 1)}a:\n" for i in range(levels))
        + f"{'  ' * (levels + 1)}b: 1\n"
    )


DEEP_SPECS = {
    "json-300": ("json", 300),
    "json-600": ("json", 600),
    "json-1500": ("json", 1500),
    "json-100k": ("json", 100_000),
    "yaml-300": ("yaml", 300),
    "yaml-2000": ("yaml", 2000),
}
SPEC_COMMANDS = {
    "spec-lint": ["spec", "lint"],
    "validate": ["validate", "--target", "Thing", "t.json"],
    "generate": ["generate", "--target", "Thing", "-n", "1"],
    "run": ["run", "--max-examples", "1", "--report", "json", "--report-dir", "reports"],
}


@variants(
    4,
    {f"{k}-{c}": (k, c) for k in DEEP_SPECS for c in SPEC_COMMANDS},
    fast=("json-600-validate", "json-100k-spec-lint", "yaml-300-generate"),
)
def deep_spec(ws: Workspace, case: tuple[str, str]) -> Observation:
    key, command = case
    fmt, levels = DEEP_SPECS[key]
    spec = ws.write(f"spec.{fmt}", _deep_spec_text(levels, fmt))
    ws.write("t.json", '{"name": "x"}')
    result = ws.cli(*SPEC_COMMANDS[command], "--spec", str(spec), timeout=120)
    where = r"spec\.(json|yaml)" + LOC
    return _no_tmp_pickles(ws, Observation(result, exit=2, where=where, max_seconds=60))


def _deep_schema(levels: int, how: str) -> dict[str, object]:
    leaf: dict[str, object] = {"type": "string", "maxLength": 5}
    node = leaf
    for _ in range(levels):
        if how == "properties":
            node = {"type": "object", "properties": {"a": node}}
        elif how == "nullable":  # no type: translation wraps each level in anyOf [.., null]
            node = {"nullable": True, "properties": {"a": node}}
        else:
            node = {"type": "array", "items": node}
    return node


def _deep_value(levels: int, how: str, leaf: object = "ok") -> object:
    value = leaf
    for _ in range(levels):
        value = [value] if how == "items" else {"a": value}
    return value


DEEP_SCHEMAS = {
    "properties-60": ("properties", 60),
    "properties-120": ("properties", 120),
    "items-130": ("items", 130),
    "items-240": ("items", 240),
    "nullable-110": ("nullable", 110),
}


@variants(
    4,
    {
        f"{k}-{c}": (k, c)
        for k in DEEP_SCHEMAS
        for c in ("validate", "validate-bad", "generate", "run")
    },
    fast=("items-130-validate", "properties-120-validate-bad", "nullable-110-validate"),
)
def deep_schema(ws: Workspace, case: tuple[str, str]) -> Observation:
    """A schema nested deep but within the document cap must work, or fail with a clear error."""
    key, command = case
    how, levels = DEEP_SCHEMAS[key]
    spec = things_spec(
        {
            "type": "object",
            "properties": {"name": {"type": "string"}, "deep": _deep_schema(levels, how)},
        }
    )
    path = ws.write("spec.json", dump(spec))
    if how == "nullable":  # deeper than validators compile once translated: refused, at its place
        args = {
            "validate": ["validate", "--target", "Thing", "t.json"],
            "validate-bad": ["validate", "--target", "Thing", "t.json"],
            "generate": ["generate", "--target", "Thing", "-n", "1"],
            "run": ["run", "--max-examples", "1", "--report", "none"],
        }[command]
        ws.write("t.json", json.dumps({"name": "x", "deep": _deep_value(levels, how)}))
        result = ws.cli(*args, "--spec", str(path), timeout=120)
        return Observation(result, exit=2, where=r"spec\.json" + LOC, max_seconds=60)
    if command.startswith("validate"):
        leaf = "too long for five" if command == "validate-bad" else "ok"
        ws.write("t.json", json.dumps({"name": "x", "deep": _deep_value(levels, how, leaf)}))
        result = ws.cli("validate", "--spec", str(path), "--target", "Thing", "t.json", timeout=120)
        if command == "validate-bad":
            return Observation(result, exit=1, where=r"t\.json" + LOC, max_seconds=60)
        return Observation(result, exit=0, max_seconds=60)
    if command == "generate":
        result = ws.cli(
            "generate", "--spec", str(path), "--target", "Thing", "-n", "2", timeout=120
        )
        return Observation(result, exit=(0, 2), max_seconds=60)
    result = ws.cli(
        "run",
        "--spec",
        str(path),
        "--max-examples",
        "2",
        "--report",
        "json",
        "--report-dir",
        "reports",
        timeout=180,
    )
    return Observation(result, exit=(0, 1), max_seconds=150)


DEEP_PAYLOADS = {
    "json-300": ("json", 300),
    "json-490": ("json", 490),
    "json-1000": ("json", 1000),
    "json-100k": ("json", 100_000),
    "yaml-400": ("yaml", 400),
}


@variants(
    4,
    {f"{k}-{c}": (k, c) for k in DEEP_PAYLOADS for c in ("lint-dir", "validate-files")},
    fast=("json-490-lint-dir", "json-1000-validate-files", "yaml-400-lint-dir"),
)
def deep_payload_among_others(ws: Workspace, case: tuple[str, str]) -> Observation:
    """One deep payload among ordinary ones: its own finding, and every other file's findings kept."""
    key, command = case
    fmt, levels = DEEP_PAYLOADS[key]
    spec = ws.write("spec.json", dump(things_spec()))
    ws.write("payloads/a-good.json", '{"name": "fine"}')
    ws.write("payloads/b-bad.json", '{"name": 42}')
    ws.write(
        "payloads/c-bad.json", '{"name": "this name is far too long to pass the forty char cap"}'
    )
    deep = _deep_json(levels) if fmt == "json" else _deep_yaml(levels)
    ws.write(f"payloads/d-deep.{fmt}", deep)
    files = sorted(str(p.relative_to(ws.dir)) for p in (ws.dir / "payloads").iterdir())
    if command == "lint-dir":
        result = ws.cli("lint", "--spec", str(spec), "--target", "Thing", "payloads", timeout=120)
    else:
        result = ws.cli("validate", "--spec", str(spec), "--target", "Thing", *files, timeout=120)
    # lint: every unreadable file is a finding (1); validate: a file it cannot read means it could
    # not do its whole job (2), but it still reports every other file
    code = 1 if command == "lint-dir" else 2
    obs = Observation(result, exit=code, where=rf"d-deep\.{fmt}" + LOC, max_seconds=60)
    for name in ("b-bad.json", "c-bad.json"):
        if name not in result.output:
            obs.lost.append(f"the findings of {name} were lost")
    return obs


# --------------------------------------------------------------------------------------------------
# 8. Standard input

STDIN_CASES: dict[str, tuple[bytes, object, str | None]] = {
    # name: (bytes, expected exit(s), regex the output must match)
    "trailing-comma": (b'{"name": "x",}', (1, 2), r"<stdin>:1:\d+"),
    "single-quotes-flow-yaml": (b"{'name': 'x'}", 0, None),
    "unquoted-keys": (b'{name: "x"}', (1, 2), r"<stdin>:1:\d+"),
    "extra-data": (b'{"name": "x"} }', (1, 2), r"<stdin>:1:\d+"),
    "latin1": (b'{"name": "caf\xe9"}', (1, 2), r"<stdin>:1:\d+"),
    "binary": (bytes(range(256)) * 8, (1, 2), r"<stdin>"),
    "nul-in-json": (b'{"name": "a\x00b"}', (1, 2), r"<stdin>"),
    "empty": (b"", (1, 2), r"<stdin>"),
    "over-cap": (b'{"name": "' + b"x" * (12 * 1024 * 1024) + b'"}', (1, 2), r"<stdin>"),
    "utf16-bom-valid": ('{"name": "ok"}'.encode("utf-16"), 0, None),
    "yaml-valid": (b"name: ok\n", 0, None),
    "json-valid": (b'{"name": "ok"}', 0, None),
}


@variants(
    8,
    {f"{k}-{c}": (k, c) for k in STDIN_CASES for c in ("validate", "lint")},
    fast=(
        "trailing-comma-validate",
        "latin1-validate",
        "binary-validate",
        "over-cap-validate",
        "utf16-bom-valid-lint",
        "trailing-comma-lint",
    ),
)
def stdin_input(ws: Workspace, case: tuple[str, str]) -> Observation:
    key, command = case
    data, exit_, where = STDIN_CASES[key]
    spec = ws.write("spec.json", dump(things_spec()))
    result = ws.cli(command, "--spec", str(spec), "--target", "Thing", "-", stdin=data, timeout=60)
    obs = Observation(result, exit=unreadable_exit(command, exit_), where=where, max_seconds=30)  # type: ignore[arg-type]
    if exit_ != 0 and ": valid" in result.stdout:
        obs.wrong.append("a broken standard input was called valid")
    return obs


SUFFIXLESS = {
    "trailing-comma": b'{"name": "x",}',
    "json5-comment": b'{"name": "x" /* c */}',
    "unquoted-key": b'{name: "x"}',
}


@variants(
    8,
    {f"{k}-{c}": (k, c) for k in SUFFIXLESS for c in ("validate", "lint")},
    fast=("trailing-comma-lint",),
)
def suffixless_invalid_json(ws: Workspace, case: tuple[str, str]) -> Observation:
    key, command = case
    spec = ws.write("spec.json", dump(things_spec()))
    ws.write("payload", SUFFIXLESS[key])
    result = ws.cli(command, "--spec", str(spec), "--target", "Thing", "payload", timeout=60)
    code = 1 if command == "lint" else 2
    return Observation(result, exit=code, where=r"payload:1:\d+", max_seconds=30)


@variants(8, {"validate": "validate", "lint": "lint"})
def suffixless_flow_yaml_still_reads(ws: Workspace, command: str) -> Observation:
    spec = ws.write("spec.json", dump(things_spec()))
    ws.write("payload", b"{name: x}")
    result = ws.cli(command, "--spec", str(spec), "--target", "Thing", "payload", timeout=60)
    return Observation(result, exit=0, max_seconds=30)


# --------------------------------------------------------------------------------------------------
# 9. Odd files: FIFOs, numbers JSON cannot hold, encodings


@variants(
    9, {"lint": "lint", "validate": "validate", "lint-dir": "lint-dir"}, fast=("lint", "validate")
)
def fifo_payload(ws: Workspace, command: str) -> Observation:
    spec = ws.write("spec.json", dump(things_spec()))
    (ws.dir / "payloads").mkdir()
    os.mkfifo(ws.dir / "payloads" / "pipe.json")
    ws.write("payloads/ok.json", '{"name": 7}')
    if command == "lint-dir":
        result = ws.cli("lint", "--spec", str(spec), "--target", "Thing", "payloads", timeout=30)
        obs = Observation(result, exit=1, where=r"pipe\.json", max_seconds=20)
        if "ok.json" not in result.output:
            obs.lost.append("the findings of ok.json were lost")
        return obs
    cmd = ["lint"] if command == "lint" else ["validate"]
    result = ws.cli(
        *cmd, "--spec", str(spec), "--target", "Thing", "payloads/pipe.json", timeout=30
    )
    return Observation(
        result, exit=unreadable_exit(command, UNREADABLE), where=r"pipe\.json", max_seconds=20
    )  # type: ignore[arg-type]


NUMBERS = {
    "yaml-5000-digits": ("p.yaml", "name: x\ncount: " + "9" * 5000 + "\n"),
    "json-5000-digits": ("p.json", '{"name": "x", "count": ' + "9" * 5000 + "}"),
    "yaml-1e400": ("p.yaml", "name: x\ncount: 1e400\n"),
    "json-1e400": ("p.json", '{"name": "x", "count": 1e400}'),
    "json-neg-1e400": ("p.json", '{"name": "x", "count": -1e400}'),
}


@variants(
    9,
    {f"{k}-{c}": (k, c) for k in NUMBERS for c in ("validate", "lint")},
    fast=("yaml-5000-digits-validate", "json-1e400-lint"),
)
def huge_number(ws: Workspace, case: tuple[str, str]) -> Observation:
    key, command = case
    name, text = NUMBERS[key]
    thing = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "count": {"type": "number", "maximum": 1e300}},
    }
    spec = ws.write("spec.json", dump(things_spec(thing)))
    ws.write(name, text)
    result = ws.cli(command, "--spec", str(spec), "--target", "Thing", name, timeout=60)
    where = name.replace(".", r"\.") + LOC
    obs = Observation(
        result, exit=unreadable_exit(command, UNREADABLE), where=where, max_seconds=30
    )  # type: ignore[arg-type]
    if not re.search(r"digits|64-bit float", result.output):
        obs.wrong.append("no message says the number cannot be held (was it read as Infinity?)")
    return obs


ENCODINGS = {
    "utf16-le-bom": "utf-16-le",
    "utf16-be-bom": "utf-16-be",
    "utf32-le-bom": "utf-32-le",
    "utf8-bom": "utf-8-sig",
}


@variants(
    9,
    {f"{k}-{c}": (k, c) for k in ENCODINGS for c in ("validate", "lint")},
    fast=("utf16-le-bom-validate",),
)
def bom_encodings(ws: Workspace, case: tuple[str, str]) -> Observation:
    """A BOM-marked payload is read the same way by lint and validate (both accept it)."""
    key, command = case
    codec = ENCODINGS[key]
    text = '{"name": "bom ok"}'
    data = text.encode(codec)
    if codec.startswith(("utf-16", "utf-32")):
        data = "\ufeff".encode(codec) + data
    spec = ws.write("spec.json", dump(things_spec()))
    ws.write("p.json", data)
    result = ws.cli(command, "--spec", str(spec), "--target", "Thing", "p.json", timeout=60)
    return Observation(result, exit=0, max_seconds=30)

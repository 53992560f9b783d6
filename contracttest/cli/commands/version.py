"""``contracttest version``: the versions of contracttest, Python and the libraries it relies on."""

from __future__ import annotations

import argparse
import json
import platform
from importlib import metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["DEPENDENCIES", "execute", "register", "versions"]

DEPENDENCIES = (
    "jsonschema",
    "jsonschema-rs",
    "openapi-spec-validator",
    "hypothesis",
    "PyYAML",
    "httpx",
    "starlette",
    "uvicorn",
    "rich",
    "phonenumbers",
    "regex",
    "python-jsonpath",
    "pytest",
)
"""Distributions whose versions change contracttest's behaviour (jsonschema-rs is optional)."""


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _libyaml_version() -> str | None:
    """The libyaml PyYAML was built with (None: the slow pure-Python parser is used)."""
    try:
        from yaml import _yaml
    except ImportError:
        return None
    version: str = _yaml.get_version_string()
    return version


def versions() -> dict[str, str | None]:
    """``{name: version or None}`` for contracttest, Python, libyaml and `DEPENDENCIES`."""
    from contracttest.cli import own_version

    result: dict[str, str | None] = {
        "contracttest": own_version(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }
    for name in DEPENDENCIES:
        result[name] = _version(name)
    result["libyaml"] = _libyaml_version()
    return result


def register(subparsers: Any) -> None:
    """Add the ``version`` subcommand."""
    parser = subparsers.add_parser(
        "version",
        help="show the versions of contracttest and its key dependencies",
        description="Show the versions of contracttest, Python and its key dependencies.",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON object instead of text")
    parser.set_defaults(execute=execute)


def execute(args: argparse.Namespace, console: Console, err_console: Console) -> int:
    """Print the versions; always exit 0."""
    from contracttest.exitcodes import ExitCode

    info = versions()
    if args.json:
        console.file.write(json.dumps(info, indent=2, sort_keys=False) + "\n")
        return int(ExitCode.OK)
    console.print(f"contracttest {info.pop('contracttest')}", markup=False, highlight=False)
    width = max(len(name) for name in info)
    for name, version in info.items():
        shown = version if version is not None else "not installed"
        console.print(f"  {name:<{width}}  {shown}", markup=False, highlight=False)
    return int(ExitCode.OK)

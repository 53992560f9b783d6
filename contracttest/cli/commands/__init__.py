"""The subcommands of ``contracttest``: one module per command, registered from a list.

A command module exposes ``register(subparsers) -> None``, which adds its parser with
``subparsers.add_parser(...)`` and sets ``execute`` (``parser.set_defaults(execute=execute)``;
``func`` is accepted too), where::

    def execute(args: argparse.Namespace, console: Console, err_console: Console) -> int: ...

returns an `ExitCode`. Modules are imported at every CLI start, so they import heavy dependencies
inside ``execute``. A name listed here whose module does not exist (yet) is skipped; any other import
error is a bug and propagates.

``spec`` is a command group: its subcommands (``contracttest spec check``...) are the modules
``spec_<name>`` listed in `SPEC_COMMANDS`, with the same ``register`` contract; the group appears
once at least one of them exists.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType
from typing import Any

__all__ = ["COMMANDS", "SPEC_COMMANDS", "load_command_modules", "register_commands"]

COMMANDS = ("version", "spec", "validate", "generate", "mock", "run", "lint", "cleanup")
"""Top-level command modules, in the order ``--help`` lists them."""

SPEC_COMMANDS = ("check", "lint", "show", "targets")
"""Subcommands of ``contracttest spec``: modules ``contracttest.cli.commands.spec_<name>``."""


def load_command_modules(names: Iterable[str], *, prefix: str = "") -> list[ModuleType]:
    """Import ``contracttest.cli.commands.<prefix><name>`` for each name that exists.

    Raises:
        ImportError: a command module exists but fails to import (including a missing dependency
            of it): that is a bug to show, not a command to hide.
        TypeError: a module has no callable ``register``.
    """
    modules: list[ModuleType] = []
    for name in names:
        qualified = f"{__name__}.{prefix}{name}"
        try:
            module = importlib.import_module(qualified)
        except ModuleNotFoundError as exc:
            if exc.name == qualified:
                continue
            raise
        if not callable(getattr(module, "register", None)):
            raise TypeError(f"command module {qualified} has no register(subparsers) function")
        modules.append(module)
    return modules


def register_commands(subparsers: Any, names: Iterable[str] = COMMANDS, *, prefix: str = "") -> int:
    """Let each existing command module add its parser; returns how many did."""
    modules = load_command_modules(names, prefix=prefix)
    for module in modules:
        module.register(subparsers)
    return len(modules)

"""``contracttest spec``: the group of commands about the spec itself (``spec check``...).

Its subcommands are the modules named in `contracttest.cli.commands.SPEC_COMMANDS`
(``spec_check.py``...), each with the usual ``register(subparsers)``. The group is only added when
at least one of them exists, so ``--help`` never lists an empty group.
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]

DESCRIPTION = """\
Commands about the spec itself. Every one takes --spec/--overlay/--strict; the defaults come from
[tool.contracttest] in pyproject.toml.
"""


def register(subparsers: Any) -> None:
    """Add the ``spec`` group and its existing subcommands."""
    from contracttest.cli.commands import SPEC_COMMANDS, load_command_modules

    modules = load_command_modules(SPEC_COMMANDS, prefix="spec_")
    if not modules:
        return
    parser = subparsers.add_parser(
        "spec",
        help="check and inspect the spec",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    group = parser.add_subparsers(
        dest="spec_command", metavar="SUBCOMMAND", title="subcommands", required=True
    )
    for module in modules:
        module.register(group)

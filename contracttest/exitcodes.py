"""The one exit-code table of the whole CLI (documented in the README)."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Exit codes of every ``contracttest`` subcommand."""

    OK = 0
    """Clean: nothing found."""
    FINDINGS = 1
    """The tool ran and found contract violations (or failing checks)."""
    ERROR = 2
    """The tool could not run: usage error, unreadable spec or file, internal error."""

"""The hostile suite (issue 16): every probe runs the real CLI in a subprocess, bounded by a timeout.

The default test run takes the fast slice (probes registered with ``fast=``); ``nox -s hostile`` sets
``CONTRACTTEST_HOSTILE=full`` and runs them all. With ``CONTRACTTEST_HOSTILE_RECORD=FILE`` each verdict is
appended to FILE, and ``python tests/hostile/hostile_table.py FILE`` prints the table of the issue.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hostile_kit import FULL_ENV, StaticServer


@pytest.fixture(scope="session")
def static_server() -> Iterator[StaticServer]:
    server = StaticServer()
    yield server
    server.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Outside ``nox -s hostile`` only the fast slice runs; the rest is deselected, not skipped."""
    if os.environ.get(FULL_ENV) == "full":
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("hostile_full") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "hostile_full: a hostile probe outside the fast slice (run by nox -s hostile)"
    )

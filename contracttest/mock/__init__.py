"""A stateful mock of any OpenAPI spec: validates requests like the real server, stores what is created.

``create_app(spec)`` is the ASGI app (call it in-process); ``running_mock(spec)`` serves it on a free
loopback port in a background thread; ``contracttest mock`` serves it in the foreground.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "MemoryStore",
    "SQLiteStore",
    "create_app",
    "running_mock",
    "serve",
]

_LAZY = {
    "create_app": "contracttest.mock.app",
    "running_mock": "contracttest.mock.server",
    "serve": "contracttest.mock.server",
    "MemoryStore": "contracttest.mock.store",
    "SQLiteStore": "contracttest.mock.store",
}

if TYPE_CHECKING:
    from contracttest.mock.app import create_app
    from contracttest.mock.server import running_mock, serve
    from contracttest.mock.store import MemoryStore, SQLiteStore


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'contracttest.mock' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)

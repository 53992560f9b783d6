"""Ways to reach an API under test: ``asgi.in_process_client(app)`` calls an ASGI app (the mock)
through a normal `httpx.Client` without opening a socket.

Submodules are imported on demand so that ``import contracttest`` stays cheap (httpx is heavy).
"""

from __future__ import annotations

__all__: list[str] = []

"""Call an ASGI app (the mock) in-process from synchronous code, through a normal `httpx.Client`.

`httpx.ASGITransport` is async-only; `SyncASGITransport` runs it on a private event loop in a
daemon thread, so runner code and tests written against ``httpx.Client`` work unchanged whether the
target is a real server or an app object. No sockets are opened.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["SyncASGITransport", "in_process_client"]


class SyncASGITransport(httpx.BaseTransport):
    """A synchronous httpx transport that hands every request to an ASGI app."""

    def __init__(
        self, app: Callable[..., Any], *, client: tuple[str, int] = ("127.0.0.1", 50000)
    ) -> None:
        self._inner = httpx.ASGITransport(app=app, client=client)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="contracttest-asgi", daemon=True
        )
        self._thread.start()
        self._closed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._closed:
            raise RuntimeError("SyncASGITransport is closed")
        body = request.read()
        inner_request = httpx.Request(
            request.method, request.url, headers=request.headers, content=body
        )

        async def call() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            response = await self._inner.handle_async_request(inner_request)
            content = await response.aread()
            return response.status_code, list(response.headers.raw), content

        status, headers, content = asyncio.run_coroutine_threadsafe(call(), self._loop).result()
        return httpx.Response(status, headers=headers, content=content, request=request)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


def in_process_client(
    app: Callable[..., Any], base_url: str = "http://mock.local", **kwargs: Any
) -> httpx.Client:
    """An `httpx.Client` whose requests go straight to ``app`` (close it, or use it in ``with``)."""
    return httpx.Client(transport=SyncASGITransport(app), base_url=base_url, **kwargs)

"""Serve the mock on a real socket with uvicorn: in the foreground (CLI) or in a background thread.

`running_mock` binds the listening socket itself (port 0 picks a free one) before uvicorn starts,
so there is no window in which another process can take the port, and the yielded URL is connectable
as soon as the context is entered. Leaving the context stops uvicorn and joins its thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from contracttest.errors import TransportError, UsageError

if TYPE_CHECKING:
    import os

    from contracttest.openapi.model import Spec

__all__ = ["REQUEST_READ_TIMEOUT", "bind_socket", "running_mock", "serve"]

log = logging.getLogger("contracttest.mock")

REQUEST_READ_TIMEOUT = 15.0
"""Seconds a client has to send a whole request (headers and body) once it starts one, or to start
one on a new connection: slow senders (slowloris) are disconnected instead of holding a connection."""


def _timed_protocol(timeout: float) -> type:
    """uvicorn's h11 protocol with a deadline on reading each request.

    uvicorn times out idle keep-alive connections but not a request that trickles in one header a
    second: this closes the connection when a request is not complete ``timeout`` seconds after its
    first byte (or after the connection opened). The application then sees a disconnect.
    """
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class TimedH11Protocol(H11Protocol):
        _read_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self._read_timer is None and self.conn.their_state is h11.IDLE:
                self._arm()  # the first bytes of the next request on a kept-alive connection
            super().data_received(data)
            if self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):
                self._disarm()  # the whole request is in (or the connection is done)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._read_timer = self.loop.call_later(timeout, self._too_slow)

        def _disarm(self) -> None:
            if self._read_timer is not None:
                self._read_timer.cancel()
                self._read_timer = None

        def _too_slow(self) -> None:
            self._read_timer = None
            if (
                self.conn.their_state in (h11.IDLE, h11.SEND_BODY)
                and not self.transport.is_closing()
            ):
                self.transport.close()

    return TimedH11Protocol


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``port`` 0 = any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio turns Nagle off (TCP_NODELAY) only on sockets whose proto
    # says TCP, and with Nagle on every response stalls ~40 ms on the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _config(app: Callable[..., Any], *, access_log: bool, log_level: str) -> Any:
    import uvicorn

    return uvicorn.Config(
        app,
        log_level=log_level,
        access_log=access_log,
        lifespan="on",
        server_header=False,
        date_header=True,
        timeout_keep_alive=30,
        timeout_graceful_shutdown=5,
        http=_timed_protocol(REQUEST_READ_TIMEOUT),
    )


def serve(
    app: Callable[..., Any],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    access_log: bool = False,
    log_level: str = "warning",
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``app`` in the foreground until interrupted (Ctrl-C / SIGTERM)."""
    import uvicorn

    sock = bind_socket(host, port)
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(_config(app, access_log=access_log, log_level=log_level))
    if on_ready is not None:
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{bound_port}"
        _notify_when_started(server, lambda: on_ready(url))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def _notify_when_started(server: Any, callback: Callable[[], None]) -> None:
    def wait() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.02)
        if server.started:
            callback()

    threading.Thread(target=wait, name="contracttest-mock-ready", daemon=True).start()


@contextlib.contextmanager
def running_mock(
    spec_or_app: Spec | Callable[..., Any],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    tokens: Sequence[str] = (),
    db: str | os.PathLike[str] | None = None,
    startup_timeout: float = 15.0,
    **app_options: Any,
) -> Iterator[str]:
    """Run the mock of a spec (or any ASGI app) on a background uvicorn server.

    Args:
        spec_or_app: a `Spec` (the mock is built with `create_app`) or a ready ASGI app.
        host: interface to listen on; loopback by default.
        port: 0 picks a free port.
        tokens: bearer tokens (one org each), as for `create_app`.
        db: SQLite file for state, as for `create_app`.
        startup_timeout: seconds to wait for the server to accept connections.
        **app_options: more `create_app` keywords (``check_responses``, ``max_body_bytes``...).

    Yields:
        The base URL, e.g. ``http://127.0.0.1:54321``.

    Example:
        >>> with running_mock(spec, tokens=["t"]) as url:  # doctest: +SKIP
        ...     httpx.get(url + "/phone-number", headers={"Authorization": "Bearer t"})
    """
    import uvicorn

    from contracttest.openapi.model import Spec

    if isinstance(spec_or_app, Spec):
        from contracttest.mock.app import create_app

        app: Callable[..., Any] = create_app(spec_or_app, tokens=tokens, db=db, **app_options)
    else:
        if tokens or db is not None or app_options:
            raise UsageError("tokens, db and app options apply to a Spec, not to a ready app")
        app = spec_or_app
    sock = bind_socket(host, port)
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(_config(app, access_log=False, log_level="warning"))
    errors: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported to the caller below
            errors.append(exc)

    thread = threading.Thread(target=run, name=f"contracttest-mock-{bound_port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if errors or not thread.is_alive():
                raise TransportError(
                    f"the mock server did not start: {errors[0] if errors else 'exited'}"
                )
            if time.monotonic() > deadline:
                raise TransportError(f"the mock server did not start within {startup_timeout} s")
            time.sleep(0.01)
        shown = f"[{host}]" if ":" in host else host
        yield f"http://{shown}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=5)
        sock.close()

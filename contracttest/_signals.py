"""Ctrl-C and SIGTERM as one interruption, deferred while a step must not be torn in half.

The CLI installs `interrupt` for SIGINT and SIGTERM (``timeout``, CI cancellation, ``docker stop``):
both raise `KeyboardInterrupt`, so a run stops sending, deletes what it created, writes its reports
and exits 2. Code that must finish a step once it has begun it (a create request whose answer has to
reach the journal, or the resource is lost) runs it inside `deferred_interrupts`: a signal arriving
then is held and raised when the step is over. A second signal while one is held is raised at once,
so a user who insists is never ignored.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

__all__ = ["deferred_interrupts", "handling_interrupts", "interrupt"]

_depth = 0
_pending: KeyboardInterrupt | None = None


def interrupt(signum: int, frame: FrameType | None) -> None:
    """Signal handler: raise `KeyboardInterrupt` now, or when the current deferred step ends."""
    global _pending
    exc = KeyboardInterrupt(f"interrupted by {signal.Signals(signum).name}")
    if _depth and _pending is None:
        _pending = exc
        return
    _pending = None
    raise exc


@contextlib.contextmanager
def deferred_interrupts(active: bool = True) -> Iterator[None]:
    """Hold an interruption that arrives inside the block until the block is done (main thread)."""
    global _depth, _pending
    if not active or threading.current_thread() is not threading.main_thread():
        yield
        return
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _pending is not None:
            held, _pending = _pending, None
            raise held


@contextlib.contextmanager
def handling_interrupts() -> Iterator[None]:
    """Install `interrupt` for SIGINT and SIGTERM for the duration of the block (main thread only;
    the previous handlers are restored afterwards, so an in-process caller keeps its own)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: list[tuple[signal.Signals, Any]] = []
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous.append((signum, signal.signal(signum, interrupt)))
    except (ValueError, OSError):  # no signals here (an embedded interpreter)
        pass
    try:
        yield
    finally:
        for signum, handler in previous:
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(signum, handler)

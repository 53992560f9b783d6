"""contracttest._signals: SIGTERM does what Ctrl-C does; a step in progress is not torn in half."""

from __future__ import annotations

import os
import signal

import pytest

from contracttest._signals import deferred_interrupts, handling_interrupts


def test_sigterm_becomes_keyboard_interrupt_and_handlers_are_restored() -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt, match="SIGTERM"), handling_interrupts():
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # the handler runs between bytecodes
            pass
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_an_interrupt_waits_for_the_deferred_step_to_end() -> None:
    done = []
    with pytest.raises(KeyboardInterrupt), handling_interrupts():
        with deferred_interrupts():
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(1000):
                pass
            done.append("the step finished")
        done.append("never reached")
    assert done == ["the step finished"]


def test_a_second_signal_is_not_held() -> None:
    steps = []
    with pytest.raises(KeyboardInterrupt), handling_interrupts(), deferred_interrupts():
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):
            pass
        steps.append("held once")
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass
        steps.append("never reached")
    assert steps == ["held once"]


def test_inactive_deferral_does_nothing() -> None:
    with pytest.raises(KeyboardInterrupt), handling_interrupts(), deferred_interrupts(False):
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):
            pass
        pytest.fail("the interrupt should have been raised at once")

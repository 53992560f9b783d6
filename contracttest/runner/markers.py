"""Secrets the run plants and looks for: the marker prefix of planted values, and member names that
hold a credential a server must never hand back."""

from __future__ import annotations

import re

__all__ = ["LEAK_KEY", "MARKER_PREFIX", "MIN_LEAK_VALUE"]

MARKER_PREFIX = "ctsecret"
"""Secret members of the bodies the run sends carry ``ctsecret-<hex>``: seen again, it is an echo."""
LEAK_KEY = re.compile(r"(?:token|secret|privatekey|private_key)$", re.I)
"""Credentials a server must never hand back (twilioAuthToken, twilioApiSecret, serverUrlSecret...).
Passwords are left out: a SIP ``authentication.password`` is declared required in Vapi's responses."""
MIN_LEAK_VALUE = 8

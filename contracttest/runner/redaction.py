"""Keep secrets out of everything a run renders: reports, console, failure messages.

Two layers. By name: values of secret-named JSON members, headers and query parameters become
``[REDACTED]`` (`contracttest.findings.redact` / `is_secret_key`). By value: the credentials of the run
(tokens, secret header values) and any secret the runner itself sent (a generated ``twilioAuthToken``)
are replaced wherever they show up, so a server that echoes a token inside an error message cannot put
it into a report either.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from contracttest.findings import REDACTED, is_secret_key, redact

__all__ = ["REDACTED", "Redactor", "is_secret_header"]

_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
)
# A value we scrub by content must be long enough not to erase ordinary text ("0", "abc").
MIN_SCRUB_LENGTH = 6
MIN_CREDENTIAL_LENGTH = 4


def is_secret_header(name: str) -> bool:
    low = name.lower()
    return low in _SECRET_HEADERS or is_secret_key(low) or "auth" in low or "key" in low


class Redactor:
    """Redacts by name and scrubs known secret values from text."""

    def __init__(self, credentials: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        for c in credentials:
            self.add(c, min_length=MIN_CREDENTIAL_LENGTH)

    def add(self, secret: Any, *, min_length: int = MIN_SCRUB_LENGTH) -> None:
        """Scrub ``secret`` (a string) from now on, when it is long enough to be distinctive."""
        if not isinstance(secret, str):
            return
        candidates = {secret, secret.strip()}
        if secret.lower().startswith("bearer "):
            candidates.add(secret[7:].strip())
        with self._lock:
            before = len(self._values)
            for s in candidates:
                if len(s) >= min_length:
                    self._values.add(s)
                    # The JSON-escaped form shows up in raw bodies.
                    esc = json.dumps(s)[1:-1]
                    if esc != s:
                        self._values.add(esc)
            if len(self._values) != before:
                ordered = sorted(self._values, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(v) for v in ordered))

    def learn(self, payload: Any) -> None:
        """Remember the values of secret-named members of a payload the runner sends."""
        if isinstance(payload, dict):
            for k, v in payload.items():
                if isinstance(k, str) and is_secret_key(k) and isinstance(v, str):
                    self.add(v)
                else:
                    self.learn(v)
        elif isinstance(payload, list):
            for v in payload:
                self.learn(v)

    def text(self, text: str) -> str:
        pattern = self._pattern
        if pattern is None or not text:
            return text
        return pattern.sub(REDACTED, text)

    def value(self, value: Any) -> Any:
        """A deep copy with secret-named members redacted and known secrets scrubbed from strings."""
        return self._scrub(redact(value))

    def _scrub(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {
                self.text(k) if isinstance(k, str) else k: self._scrub(v) for k, v in value.items()
            }
        if isinstance(value, list):
            return [self._scrub(v) for v in value]
        return value

    def header(self, name: str, value: str) -> str:
        if is_secret_header(name):
            if name.lower() in ("authorization", "proxy-authorization"):
                scheme = value.split(" ", 1)[0] if " " in value else ""
                return f"{scheme} {REDACTED}".strip()
            return REDACTED
        return self.text(value)

    def headers(self, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(k, self.header(k, v)) for k, v in headers]

    def query(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(k, REDACTED if is_secret_key(k) else self.text(v)) for k, v in pairs]

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
        query = parts.query
        if query:
            query = urlencode(
                self.query(parse_qsl(query, keep_blank_values=True)), safe="[]", quote_via=quote
            )
        return self.text(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))

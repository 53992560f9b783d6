"""The runner's HTTP client: rate limit, retries on 429/503 with backoff and Retry-After, timeouts.

Requests and responses are plain frozen records (`HttpRequest`, `HttpResponse`) so checks, reports and the
journal never hold an httpx object. The client never logs: what it sent is rendered by the reports, which
redact it.
"""

from __future__ import annotations

import email.utils
import json
import math
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from contracttest.errors import TransportError, UsageError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "URL_TEXT_LIMIT",
    "Exchange",
    "HttpClient",
    "HttpRequest",
    "HttpResponse",
    "RateLimiter",
    "RetryExhausted",
    "is_loopback",
    "parse_rate",
    "render_path",
    "sendable_header",
]

URL_TEXT_LIMIT = 2048
"""The longest parameter text the runner puts in a URL: request lines past a few KiB are refused by
common servers (nginx and Node answer 414 / 431 at 8 KiB) before any validation, so a length limit
beyond this cannot be tested through a URL (a ``maxLength`` of 2**31 would not even fit in
memory)."""
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES = frozenset({429, 503})
_NO_JSON = object()


class RetryExhausted(TransportError):
    """The server kept answering 429/503 (or kept failing to connect) after every retry."""


def parse_rate(text: str | float | None) -> float | None:
    """``"10/s"``, ``"120/m"``, ``"3600/h"`` or a bare number (per second) -> requests per second.

    Raises:
        UsageError: the text is not a positive rate.
    """
    if text is None or text == "":
        return None
    if isinstance(text, (int, float)):
        value, per = float(text), 1.0
    else:
        m = re.fullmatch(
            r"\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute|h|hour))?\s*", text, re.I
        )
        if not m:
            raise UsageError(
                f"--rate-limit {text!r}: expected N/s, N/m or N/h (e.g. 10/s), a positive number"
            )
        value = float(m.group(1))
        unit = (m.group(2) or "s").lower()
        per = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0}.get(
            unit, 3600.0
        )
    if not value > 0 or math.isinf(value):
        raise UsageError(f"--rate-limit {text!r}: the rate must be a positive number")
    return value / per


def is_loopback(base_url: str) -> bool:
    """Whether ``base_url`` points at this machine (127.0.0.0/8, ::1, localhost)."""
    from contracttest._io import is_loopback_url

    return is_loopback_url(base_url)


def render_path(template: str, values: Mapping[str, Any]) -> str:
    """Fill ``{name}`` segments, percent-encoding each value as one path segment (``/`` included)."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in values:
            raise UsageError(f"no value for path parameter {name!r} of {template}")
        value = values[name]
        text = _wire_scalar(value)
        return quote(text, safe="")

    return re.sub(r"\{([^{}/]+)\}", sub, template)


def sendable_header(value: str) -> bool:
    """Whether a header value travels as it is: visible ASCII and inner spaces only. HTTP carries
    other bytes at best as Latin-1 (a server reads UTF-8 text back as other characters, so its
    length and pattern change) and strips surrounding whitespace; CR/LF end the header."""
    return value == value.strip(" \t") and all(" " <= ch <= "~" for ch in value)


def _wire_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def encode_query(query: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    """Query parameters as wire strings (form style, exploded arrays)."""
    items = query.items() if isinstance(query, Mapping) else query
    out: list[tuple[str, str]] = []
    for name, value in items:
        if isinstance(value, list):
            out.extend((name, _wire_scalar(v)) for v in value)
        else:
            out.append((name, _wire_scalar(value)))
    return out


@dataclass(frozen=True)
class HttpRequest:
    """One request as sent."""

    method: str
    base_url: str
    path: str
    """The rendered path (already percent-encoded), without the query."""
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None

    @property
    def url(self) -> str:
        url = self.base_url.rstrip("/") + self.path
        if self.query:
            url += "?" + urlencode(list(self.query), quote_via=quote)
        return url

    def header(self, name: str) -> str | None:
        low = name.lower()
        for k, v in self.headers:
            if k.lower() == low:
                return v
        return None

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")


@dataclass(frozen=True)
class HttpResponse:
    """One response as received (body read fully, capped by the client)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    elapsed: float
    reason: str = ""
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def header(self, name: str) -> str | None:
        low = name.lower()
        for k, v in self.headers:
            if k.lower() == low:
                return v
        return None

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")

    @property
    def media_type(self) -> str | None:
        """The content type without parameters, lower-cased (``application/json``)."""
        ct = self.content_type
        return ct.split(";", 1)[0].strip().lower() if ct else None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body parsed as JSON; raises ValueError when it is not JSON."""
        if "json" not in self._cache:
            try:
                got = (
                    json.loads(self.body.decode("utf-8"), parse_constant=_reject_constant)
                    if self.body
                    else _NO_JSON
                )
            except (ValueError, UnicodeDecodeError, RecursionError) as exc:
                got = exc
            self._cache["json"] = got
        got = self._cache["json"]
        if got is _NO_JSON:
            raise ValueError("empty body")
        if isinstance(got, Exception):
            raise ValueError(str(got))
        return got

    def json_or_none(self) -> Any:
        try:
            return self.json()
        except ValueError:
            return None

    @property
    def is_json(self) -> bool:
        try:
            self.json()
        except ValueError:
            return False
        return True


@dataclass(frozen=True)
class Exchange:
    """A request as sent and the response it got."""

    request: HttpRequest
    response: HttpResponse

    @property
    def status(self) -> int:
        return self.response.status

    def json(self) -> Any:
        return self.response.json_or_none()


class RateLimiter:
    """Spaces requests ``1/rate`` seconds apart (no bursts), across threads."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not rate > 0:
            raise UsageError(f"rate limit must be positive, got {rate!r}")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Wait for the next slot; returns how long it waited."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return max(wait, 0.0)


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


@dataclass
class ClientStats:
    requests: int = 0
    retries: int = 0
    waited: float = 0.0
    by_status: dict[int, int] = field(default_factory=dict)


class HttpClient:
    """Send requests to one base URL with the runner's politeness rules.

    Args:
        base_url: scheme, host, port and optional path prefix.
        timeout: seconds for connect and for each read.
        rate_limit: requests per second across the run, or None for no limit.
        retries: how many times a 429/503 or a connection failure is retried.
        backoff: first retry delay in seconds; doubles each time (with jitter), capped by ``max_wait``.
        max_wait: the longest single wait; a Retry-After beyond it gives up (`RetryExhausted`).
        max_body: responses larger than this are cut (the check sees the first bytes).
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        rate_limit: float | None = None,
        retries: int = 3,
        backoff: float = 0.5,
        max_wait: float = 60.0,
        max_body: int = 5 * 1024 * 1024,
        verify: bool = True,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx

        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(
                f"--base-url {base_url!r}: expected an http(s) URL like https://api.example.com"
            )
        if timeout <= 0:
            raise UsageError(f"--timeout must be positive, got {timeout!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_body = max_body
        self._sleep = sleep
        self._limiter = RateLimiter(rate_limit, sleep=sleep) if rate_limit else None
        self._rng = random.Random(0)
        self.stats = ClientStats()
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            verify=verify,
            transport=transport,
            headers={"user-agent": _user_agent()},
            # HTTP_PROXY must never carry a request for this machine (and its credentials) off it.
            trust_env=not is_loopback(base_url),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def build(
        self,
        method: str,
        path: str,
        *,
        query: Iterable[tuple[str, str]] = (),
        headers: Iterable[tuple[str, str]] = (),
        body: bytes | None = None,
    ) -> HttpRequest:
        return HttpRequest(
            method=method.upper(),
            base_url=self.base_url,
            path=path,
            query=tuple(query),
            headers=tuple(headers),
            body=body,
        )

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request``, retrying 429/503 and connection failures.

        Raises:
            TransportError: the request timed out or the connection failed (after retries).
            RetryExhausted: every attempt got 429/503, or Retry-After asked for too long a wait.
        """
        import httpx

        attempt = 0
        while True:
            if self._limiter is not None:
                self.stats.waited += self._limiter.acquire()
            start = time.perf_counter()
            try:
                resp = self._exchange(request)
            except httpx.TimeoutException as exc:
                retryable = isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout)) or (
                    request.method in IDEMPOTENT
                )
                if retryable and attempt < self.retries:
                    attempt += 1
                    self._wait(self._delay(attempt, None))
                    continue
                raise TransportError(
                    f"{request.method} {_safe_url(request)} timed out after {self.timeout:g} s"
                    f"{_attempts(attempt)}"
                ) from exc
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                # A refused connection never reached the server; a dropped one may have, so only
                # idempotent requests are retried then.
                retryable = isinstance(exc, httpx.ConnectError) or request.method in IDEMPOTENT
                if retryable and attempt < self.retries:
                    attempt += 1
                    self._wait(self._delay(attempt, None))
                    continue
                raise TransportError(
                    f"{request.method} {_safe_url(request)} failed: {_describe(exc)}{_attempts(attempt)}"
                ) from exc
            except httpx.HTTPError as exc:
                raise TransportError(
                    f"{request.method} {_safe_url(request)} failed: {_describe(exc)}"
                ) from exc
            except httpx.InvalidURL as exc:
                # a URL the client refuses to build (a query past 64 KiB): this request only
                raise TransportError(
                    f"{request.method} {request.path}: cannot be sent: {exc}"
                ) from exc
            elapsed = time.perf_counter() - start
            self.stats.requests += 1
            self.stats.by_status[resp.status_code] = (
                self.stats.by_status.get(resp.status_code, 0) + 1
            )
            body = resp.content[: self.max_body]
            response = HttpResponse(
                status=resp.status_code,
                headers=tuple((k, v) for k, v in resp.headers.multi_items()),
                body=body,
                elapsed=elapsed,
                reason=resp.reason_phrase,
            )
            if response.status not in RETRY_STATUSES:
                return response
            hint = retry_after_seconds(response.header("retry-after"))
            if hint is not None and hint > self.max_wait:
                raise RetryExhausted(
                    f"{request.method} {_safe_url(request)}: the server answered {response.status} "
                    f"with Retry-After {hint:g} s, longer than the {self.max_wait:g} s the runner waits"
                )
            if attempt >= self.retries:
                if self.retries == 0:
                    return response
                raise RetryExhausted(
                    f"{request.method} {_safe_url(request)}: the server still answered "
                    f"{response.status} after {attempt + 1} attempts (rate limited or unavailable)"
                )
            attempt += 1
            self._wait(self._delay(attempt, hint))

    def _exchange(self, request: HttpRequest) -> httpx.Response:
        url = request.base_url.rstrip("/") + request.path
        return self._client.request(
            request.method,
            url,
            params=list(request.query) or None,
            headers=list(request.headers),
            content=request.body,
        )

    def _delay(self, attempt: int, hint: float | None) -> float:
        if hint is not None:
            return min(hint, self.max_wait)
        base = float(self.backoff) * (2.0 ** (attempt - 1))
        return float(min(self.max_wait, base * (1.0 + self._rng.random() * 0.25)))

    def _wait(self, seconds: float) -> None:
        self.stats.retries += 1
        self.stats.waited += seconds
        if seconds > 0:
            self._sleep(seconds)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _attempts(retried: int) -> str:
    return f" ({retried + 1} attempts)" if retried else ""


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


def _safe_url(request: HttpRequest) -> str:
    """The URL without its query (query values may carry secrets)."""
    return request.base_url.rstrip("/") + request.path


def _user_agent() -> str:
    from contracttest import __version__

    return f"contracttest/{__version__}"

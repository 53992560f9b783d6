"""The one redaction layer: every output (reports, console, journal, lint/validate/spec-lint findings) goes
through it, so no secret reaches a file or a terminal.

Two ways a secret is recognised:

* **By name.** Values of members, headers and query parameters whose name says "secret"
  (`is_secret_key`, `is_secret_header`, `is_secret_param`) become ``[REDACTED]``. Names are read as
  words (``twilioAuthToken`` -> twilio, auth, token), so ``maxTokens`` (a count) is not a secret and
  ``secretAccessKey`` is; a last word one typo away from a secret word (``twilioAuthTokn``,
  ``clientSecert``, ``passwrd``) counts too, since a misspelt field still holds the secret.
* **By value.** A `Redactor` is told the secrets of a run (tokens, credential headers, the password in a
  URL, every value it sent under a secret name) and scrubs each of them from any text, in every form a
  server may echo it in: raw, JSON-escaped, percent-encoded (any flavour), HTML-escaped, base64 (also
  of the ``user:password`` pair of a Basic header).

Everything here is iterative: values nested deeper than `contracttest._io.MAX_DEPTH` are cut (the
subtree becomes ``"[nested too deep]"``), so no writer downstream recurses past the cap either.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus, unquote, urlsplit, urlunsplit

if TYPE_CHECKING:
    from contracttest.findings import Finding

__all__ = [
    "REDACTED",
    "SECRET_KEYS",
    "TOO_DEEP",
    "Redactor",
    "is_secret_header",
    "is_secret_key",
    "is_secret_param",
    "redact",
    "scrub_findings",
    "url_without_credentials",
]

REDACTED = "[REDACTED]"
TOO_DEEP = "[nested too deep]"
MIN_SCRUB_LENGTH = 6
"""A value learned from a payload must be this long to be scrubbed from text ("0", "abc" are not)."""
MIN_CREDENTIAL_LENGTH = 4
"""A credential the user gave (token, header) is scrubbed from this length on."""

# Names (compared case-insensitively, separators ignored) whose values are secrets wherever they appear.
SECRET_KEYS = frozenset(
    (
        "authorization",
        "proxyauthorization",
        "token",
        "apikey",
        "xapikey",
        "twilioauthtoken",
        "twilioapisecret",
        "twilioapikey",
        "password",
        "passwd",
        "passphrase",
        "secret",
        "serverurlsecret",
        "credentialid",
        "bearer",
        "cookie",
        "setcookie",
        "sessionid",
        "clientsecret",
        "privatekey",
    )
)
# The last word of a name that makes it a secret ("...Token", "...Secret", "...Password"). Not
# "bearer": a ``bearer`` member is one (`SECRET_KEYS`), but a word ending in it names who bears
# something (Open Banking's ``ChargeBearer``: "BorneByDebtor"), and a report hid it for nothing.
_SECRET_WORDS = frozenset(
    ("token", "secret", "secrets", "password", "passwd", "passphrase", "pwd", "cookie")
)
# "...Key" is a secret after one of these words (apiKey, secretAccessKey, openAIKey); a cacheKey,
# sortKey or publicKey is not.
_KEY_QUALIFIERS = frozenset(
    (
        "api",
        "access",
        "secret",
        "private",
        "auth",
        "signing",
        "encryption",
        "master",
        "client",
        "account",
        "hmac",
        "service",
        "subscription",
        "ai",
        "gcp",
        "session",
    )
)
# Typos are matched on the long secret words only, and never on these ordinary words.
_TYPO_STEMS = ("token", "secret", "password", "passphrase", "credential")
_NOT_TYPOS = frozenset(("tokens", "taken", "toke", "spoken", "secrete", "credentials"))
_SECRET_HEADER_WORDS = frozenset(("auth", "authorization", "key", "token", "secret", "cookie"))
_SECRET_PARAMS = frozenset(("key", "sig", "signature", "auth", "jwt", "apikey"))

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def _words(name: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(name)]


def _one_typo(word: str, stem: str, min_length: int = 4) -> bool:
    """Whether ``word`` is ``stem`` with one letter dropped, added, changed or two swapped."""
    if word == stem or abs(len(word) - len(stem)) > 1 or len(word) < min_length:
        return False
    if len(word) == len(stem):
        diff = [i for i, (a, b) in enumerate(zip(word, stem, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        i, j = diff if len(diff) == 2 else (0, 0)
        return j == i + 1 and word[i] == stem[j] and word[j] == stem[i]
    short, long_ = (word, stem) if len(word) < len(stem) else (stem, word)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def is_secret_key(key: str) -> bool:
    """Whether a member, header or parameter named ``key`` holds a secret (see the module docstring).

    Example:
        >>> [is_secret_key(k) for k in ("twilioAuthToken", "twilioAuthTokn", "maxTokens", "apiKey")]
        [True, True, False, True]
    """
    flat = re.sub(r"[^a-z0-9]", "", key.lower())
    if flat in SECRET_KEYS:
        return True
    words = _words(key)
    if not words:
        return False
    last = words[-1]
    if last in _SECRET_WORDS:
        return True
    if (
        len(words) > 1
        and words[-2] in _KEY_QUALIFIERS
        and (last in ("key", "keys") or _one_typo(last, "key", 3))
    ):
        return True
    if last in _NOT_TYPOS:
        return False
    if last.startswith("passw"):
        return True
    return any(_one_typo(last, stem) for stem in _TYPO_STEMS)


def is_secret_header(name: str) -> bool:
    """Whether an HTTP header carries a credential (``Authorization``, ``X-Api-Key``, ``Cookie``...)."""
    return is_secret_key(name) or bool(_SECRET_HEADER_WORDS & set(_words(name)))


def is_secret_param(name: str) -> bool:
    """Whether a URL query parameter carries a credential (``access_token``, ``api_key``, ``sig``...)."""
    return is_secret_key(name) or name.lower().replace("-", "_").split("_")[-1] in _SECRET_PARAMS


# --------------------------------------------------------------------------------------------------
# By name


def _max_depth() -> int:
    from contracttest._io import MAX_DEPTH

    return MAX_DEPTH


def redact(value: Any, *, max_depth: int | None = None) -> Any:
    """A copy of ``value`` with every secret-named member replaced by ``[REDACTED]``.

    Iterative; collections nested deeper than ``max_depth`` (default `MAX_DEPTH`) become
    ``"[nested too deep]"``.
    """
    return _copy(value, None, max_depth if max_depth is not None else _max_depth())


def _copy(value: Any, scrub: Any, max_depth: int) -> Any:
    """Deep copy with by-name redaction, ``scrub(str) -> str`` on strings (keys too) when given."""
    if not isinstance(value, dict | list):
        return scrub(value) if scrub is not None and isinstance(value, str) else value
    root: list[Any] = [None]
    # (source collection, target container, key in target, depth)
    stack: list[tuple[Any, Any, Any, int]] = [(value, root, 0, 1)]
    while stack:
        src, parent, slot, depth = stack.pop()
        if depth > max_depth:
            parent[slot] = TOO_DEEP
            continue
        if isinstance(src, dict):
            out: Any = {}
            parent[slot] = out
            for k, v in src.items():
                key = scrub(k) if scrub is not None and isinstance(k, str) else k
                if isinstance(k, str) and v is not None and is_secret_key(k):
                    out[key] = REDACTED
                elif isinstance(v, dict | list):
                    out[key] = None
                    stack.append((v, out, key, depth + 1))
                else:
                    out[key] = scrub(v) if scrub is not None and isinstance(v, str) else v
        else:
            out = [None] * len(src)
            parent[slot] = out
            for i, v in enumerate(src):
                if isinstance(v, dict | list):
                    stack.append((v, out, i, depth + 1))
                else:
                    out[i] = scrub(v) if scrub is not None and isinstance(v, str) else v
    return root[0]


def url_without_credentials(url: str) -> str:
    """``url`` without ``user:password@`` and without secret query parameters (kept for the rest).

    What may be stored (the journal) or shown; the credentials are asked for again when needed.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return _USERINFO.sub(r"\1", url.split("?", 1)[0])
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair and not is_secret_param(unquote(pair.split("=", 1)[0]))
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


# --------------------------------------------------------------------------------------------------
# By value


def _forms(secret: str) -> set[str]:
    """Every encoding of ``secret`` a server or a writer may produce."""
    forms = {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    for q in (
        quote(secret),
        quote(secret, safe=""),
        quote_plus(secret),
        quote_plus(secret, safe=""),
    ):
        forms.add(q)
        forms.add(re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), q))
    forms.add(html.escape(secret))
    forms.add(html.escape(secret, quote=False))
    raw = secret.encode("utf-8", "surrogatepass")
    for enc in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = enc.decode("ascii")
        forms.add(text)
        forms.add(text.rstrip("="))
    return forms


def _basic_parts(value: str) -> list[str]:
    """The ``user:password`` and password inside a Basic credential (base64), if it is one."""
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return []
    if ":" not in decoded:
        return []
    return [decoded, decoded.split(":", 1)[1]]


class Redactor:
    """Redacts by name and scrubs known secret values (in all their encodings) from text.

    Thread-safe: a run's workers add the secrets they send while others render.

    Example:
        >>> r = Redactor(["tok+en/=="])
        >>> r.text("Location: /x?t=tok%2Ben%2F%3D%3D")
        'Location: /x?t=[REDACTED]'
    """

    def __init__(self, credentials: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        for c in credentials:
            self.add(c, min_length=MIN_CREDENTIAL_LENGTH)

    def add(self, secret: Any, *, min_length: int = MIN_SCRUB_LENGTH) -> None:
        """Scrub ``secret`` from now on (all its encodings), when it is long enough to be distinctive.

        A number or boolean is scrubbed as its JSON text. An ``Authorization`` value is scrubbed with
        and without its scheme, and a Basic credential's ``user:password`` and password too.
        """
        if isinstance(secret, bool) or secret is None:
            return
        if isinstance(secret, int | float):
            secret = json.dumps(secret)
        if not isinstance(secret, str):
            return
        candidates = {secret, secret.strip()}
        scheme, _, rest = secret.strip().partition(" ")
        if rest and scheme.lower() in ("bearer", "basic", "token", "digest"):
            candidates.add(rest.strip())
            if scheme.lower() == "basic":
                candidates.update(_basic_parts(rest.strip()))
        forms: set[str] = set()
        for c in candidates:
            if len(c) >= min_length:
                forms |= {f for f in _forms(c) if len(f) >= min_length}
        with self._lock:
            new = forms - self._values
            if not new:
                return
            self._values |= new
            ordered = sorted(self._values, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(v) for v in ordered))

    def add_url(self, url: str) -> None:
        """Scrub the credentials a URL carries: its password (and the Basic header it implies) and
        the values of its secret query parameters."""
        parts = urlsplit(url)
        if parts.password:
            password = unquote(parts.password)
            self.add(password, min_length=MIN_CREDENTIAL_LENGTH)
            user = unquote(parts.username or "")
            basic = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            self.add(basic, min_length=MIN_CREDENTIAL_LENGTH)
        for pair in parts.query.split("&"):
            name, _, value = pair.partition("=")
            if value and is_secret_param(unquote(name)):
                self.add(unquote(value), min_length=MIN_CREDENTIAL_LENGTH)

    def learn(self, payload: Any) -> None:
        """Remember the values of secret-named members of a payload (any depth, any scalar type)."""
        stack = [(payload, 0)]
        limit = _max_depth()
        while stack:
            node, depth = stack.pop()
            if depth > limit:
                continue
            if isinstance(node, dict):
                for k, v in node.items():
                    if isinstance(k, str) and is_secret_key(k):
                        self._learn_secret(v, depth)
                    elif isinstance(v, dict | list):
                        stack.append((v, depth + 1))
            elif isinstance(node, list):
                stack.extend((v, depth + 1) for v in node if isinstance(v, dict | list))

    def _learn_secret(self, value: Any, depth: int) -> None:
        stack = [(value, depth)]
        while stack:
            node, d = stack.pop()
            if isinstance(node, dict) and d <= _max_depth():
                stack.extend((v, d + 1) for v in node.values())
            elif isinstance(node, list) and d <= _max_depth():
                stack.extend((v, d + 1) for v in node)
            else:
                self.add(node)

    def text(self, text: str) -> str:
        """``text`` with every known secret (in any of its encodings) replaced by ``[REDACTED]``, and
        the userinfo and secret query values of any URL in it too."""
        if not text:
            return text
        text = self._by_value(text)
        if "://" in text:
            text = _URL_CREDENTIALS.sub(lambda m: self._url(m.group(0)), text)
        return text

    def _by_value(self, text: str) -> str:
        pattern = self._pattern
        if pattern is None:
            return text
        return pattern.sub(REDACTED, text)

    def value(self, value: Any) -> Any:
        """A deep copy with secret-named members redacted, known secrets scrubbed from strings (keys
        too) and collections past the depth cap cut."""
        return _copy(value, self.text, _max_depth())

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
        return [(k, REDACTED if is_secret_param(k) else self.text(v)) for k, v in pairs]

    def url(self, url: str) -> str:
        """``url`` with ``[REDACTED]`` for its userinfo and secret query values, known secrets scrubbed."""
        return self._url(url)

    def _url(self, url: str) -> str:
        try:
            parts = urlsplit(url)
        except ValueError:  # not a URL urllib accepts ("http://[REDACTED]@h"): hide the userinfo
            return self._by_value(_USERINFO.sub(rf"\1{REDACTED}@", url))
        netloc = parts.netloc
        if "@" in netloc:
            netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
        query = "&".join(
            f"{name}={REDACTED}" if value and is_secret_param(unquote(name)) else pair
            for pair in parts.query.split("&")
            if pair
            for name, _, value in [pair.partition("=")]
        )
        return self._by_value(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))

    def finding(self, finding: Finding) -> Finding:
        """``finding`` with known secrets scrubbed from its texts (sub-findings too)."""

        def text(value: str | None) -> str | None:
            return self.text(value) if value is not None else None

        return replace(
            finding,
            message=self.text(finding.message),
            actual=text(finding.actual),
            expected=text(finding.expected),
            suggestion=text(finding.suggestion),
            details=tuple(self.finding(d) for d in finding.details),
        )

    def scrub(self, text: str) -> str:
        """The same as `text` (a name for call sites that render free text)."""
        return self.text(text)


_USERINFO = re.compile(r"(://)[^/?#@\s]*@")
_URL_CREDENTIALS = re.compile(r"\bhttps?://[^\s\"'<>]*(?:@|[?&][^\s\"'<>=]*=)[^\s\"'<>]*")


def scrub_findings(payload: Any, findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` about ``payload`` with the payload's secret values scrubbed from their texts.

    `redact` hides a secret member's value where a finding renders the member; this catches the rest:
    a message that quotes the value of a secret-named member (a misspelt ``twilioAuthTokn``, a
    ``twilioAuthToken`` of the wrong type), wherever in the message it sits.
    """
    redactor = Redactor()
    redactor.learn(payload)
    return [redactor.finding(f) for f in findings]

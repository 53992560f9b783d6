"""The plugin's settings: command-line options, then ini keys, then ``[tool.contracttest]``.

Paths given on the command line are relative to the directory pytest was started in; paths in ini
keys are relative to the ini file (as pytest's own ``paths`` ini type). Tokens come from
``--contract-token`` or the environment (as for ``contracttest run``), never from a committed
file. This module imports only the
standard library and `contracttest.errors`, so the plugin can check options when pytest starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracttest.errors import UsageError

if TYPE_CHECKING:
    import pytest

__all__ = ["KINDS", "Settings", "read_settings", "safe_url"]

from contracttest.pytest_plugin import DEFAULT_MAX_EXAMPLES
from contracttest.pytest_plugin import DEFAULT_REPORT_FORMATS as _FORMATS

KINDS = ("valid", "invalid", "auth")
DEFAULT_REPORT_FORMATS = tuple(_FORMATS.split(","))
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


@dataclass(frozen=True)
class Settings:
    """What the options, ini keys and environment say (tokens are never rendered)."""

    spec: str | None = None
    """Explicit spec (option or ini), resolved; None: ``[tool.contracttest]`` decides."""
    overlays: tuple[str, ...] | None = None
    """Explicit overlays, resolved; None: the configured ones (when the spec is the configured one)."""
    base_url: str | None = None
    tokens: tuple[str, ...] = field(default=(), repr=False)
    """From ``--contract-token``; empty: the environment decides (see `Runtime.tokens_for`)."""
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int | None = None
    report_dir: Path | None = None
    report_formats: tuple[str, ...] = DEFAULT_REPORT_FORMATS
    allow_writes: bool = False
    fail_on: str = "contract"
    """``contract``: advisory findings are recorded, never raised; ``advisory``: raised too."""

    @property
    def configured(self) -> bool:
        """Whether the project set anything for the plugin (the report header shows it then)."""
        return bool(self.spec or self.base_url or self.report_dir)


def is_url(value: str) -> bool:
    return _URL.match(value) is not None


def _ini_error(key: str, expected: str, value: Any, config: pytest.Config) -> UsageError:
    return UsageError(
        f"[tool.pytest.ini_options] {key} must be {expected}, got {value!r}",
        source=str(config.inipath) if config.inipath else None,
    )


def _int(config: pytest.Config, option: str, ini: str, *, minimum: int, flag: str) -> int | None:
    value = config.getoption(option, None)
    if value is not None:
        if value < minimum:
            raise UsageError(f"{flag} must be {minimum} or more, got {value}")
        return int(value)
    raw = str(config.getini(ini) or "").strip()
    if not raw:
        return None
    try:
        number = int(raw)
    except ValueError:
        raise _ini_error(ini, f"an integer >= {minimum}", raw, config) from None
    if number < minimum:
        raise _ini_error(ini, f"an integer >= {minimum}", raw, config)
    return number


def _ini_dir(config: pytest.Config) -> Path:
    return config.inipath.parent if config.inipath is not None else config.rootpath


def _resolve(value: str, base: Path) -> str:
    if is_url(value):
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base / path))


def parse_formats(value: str) -> tuple[str, ...]:
    from contracttest.report import parse_formats as parse

    return tuple(parse(value))


def read_settings(config: pytest.Config) -> Settings:
    """Read and check every contract option.

    Raises:
        UsageError: an option or ini value is malformed (named with where it came from).
    """
    cwd = Path(config.invocation_params.dir)
    ini_dir = _ini_dir(config)

    spec: str | None = None
    if config.getoption("contract_spec", None):
        spec = _resolve(str(config.getoption("contract_spec")), cwd)
    elif str(config.getini("contract_spec") or "").strip():
        spec = _resolve(str(config.getini("contract_spec")).strip(), ini_dir)

    overlays: tuple[str, ...] | None = None
    cli_overlays = config.getoption("contract_overlay", None)
    if cli_overlays:
        overlays = tuple(_resolve(str(o), cwd) for o in cli_overlays)
    elif config.getini("contract_overlay"):
        overlays = tuple(_resolve(str(o), ini_dir) for o in config.getini("contract_overlay"))

    base_url = config.getoption("contract_base_url", None) or (
        str(config.getini("contract_base_url") or "").strip() or None
    )
    if base_url is not None:
        from urllib.parse import urlsplit

        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(
                f"--contract-base-url {safe_url(base_url)!r}: expected an http(s) URL like "
                "https://api.example.com"
            )

    tokens = tuple(t for t in (config.getoption("contract_token", None) or []) if t)

    max_examples = _int(
        config,
        "contract_max_examples",
        "contract_max_examples",
        minimum=1,
        flag="--contract-max-examples",
    )
    seed = _int(config, "contract_seed", "contract_seed", minimum=0, flag="--contract-seed")

    report_dir: Path | None = None
    if config.getoption("contract_report_dir", None):
        report_dir = Path(_resolve(str(config.getoption("contract_report_dir")), cwd))
    elif str(config.getini("contract_report_dir") or "").strip():
        report_dir = Path(_resolve(str(config.getini("contract_report_dir")).strip(), ini_dir))

    formats_raw = config.getoption("contract_report", None) or str(
        config.getini("contract_report") or ""
    )
    formats = parse_formats(formats_raw) if formats_raw.strip() else DEFAULT_REPORT_FORMATS

    allow = config.getoption("contract_allow_writes", None)
    allow_writes = (
        bool(allow) if allow is not None else bool(config.getini("contract_allow_writes"))
    )

    fail_on = config.getoption("contract_fail_on", None) or (
        str(config.getini("contract_fail_on") or "").strip() or "contract"
    )
    if fail_on not in ("contract", "advisory"):
        raise _ini_error("contract_fail_on", "contract or advisory", fail_on, config)

    return Settings(
        spec=spec,
        overlays=overlays,
        base_url=base_url.rstrip("/") if base_url else None,
        tokens=tokens,
        max_examples=max_examples if max_examples is not None else DEFAULT_MAX_EXAMPLES,
        seed=seed,
        report_dir=report_dir,
        report_formats=formats,
        allow_writes=allow_writes,
        fail_on=fail_on,
    )


def safe_url(url: str) -> str:
    """A URL (or path) without user:password, for messages and reports."""
    return re.sub(r"//[^/@]*@", "//[REDACTED]@", url)

"""The ``contracttest`` command line.

`main` is the console-script entry point; `run` does the work with injectable streams, so tests call
it in-process. Parsing, then building objects, then executing are separate steps, and exceptions are
mapped to exit codes in one place (`run`): a `ContractTestError` prints ``error: <message>`` and exits
2, anything unexpected prints ``internal error: ...`` and exits 2; tracebacks only with ``--debug``.

Subcommands live in `contracttest.cli.commands` (see there for the module contract). Commands that
need the spec call `add_spec_options` on their parser and `load_spec_from_args` in ``execute``.
"""

from __future__ import annotations

import argparse
import contextvars
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from contracttest._signals import handling_interrupts
from contracttest.errors import ContractTestError, UsageError
from contracttest.exitcodes import ExitCode

if TYPE_CHECKING:
    from rich.console import Console

    from contracttest.openapi import Spec

__all__ = [
    "DEFAULT_SPEC",
    "ExitCode",
    "add_spec_options",
    "build_parser",
    "load_spec_from_args",
    "main",
    "make_console",
    "own_version",
    "ref_dirs_from_args",
    "ref_urls_from_args",
    "resolve_spec_args",
    "run",
]

PROG = "contracttest"
DEFAULT_SPEC = "spec/vapi-phone-numbers.yaml"
"""Spec used when neither ``--spec`` nor ``[tool.contracttest] spec`` names one and it exists."""

DESCRIPTION = """\
Prove that an HTTP API and the payloads sent to it honour their OpenAPI contract.

Exit status: 0 nothing found, 1 findings or failed checks, 2 could not run.
"""

# The streams argparse writes help and usage errors to while `run` is active.
_STREAMS: contextvars.ContextVar[tuple[IO[str], IO[str]] | None] = contextvars.ContextVar(
    "contracttest_cli_streams", default=None
)


class _ParserExit(Exception):
    """argparse wanted to exit (``--help``, usage error); carries the status instead of exiting."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _ArgumentParser(argparse.ArgumentParser):
    """Writes to `run`'s streams and raises instead of calling `sys.exit`."""

    def _print_message(self, message: str, file: Any = None) -> None:
        streams = _STREAMS.get()
        if streams is None:
            super()._print_message(message, file)
            return
        if message:
            out, err = streams
            (err if file is None or file is sys.stderr else out).write(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._print_message(message, sys.stderr)
        raise _ParserExit(status)


# --------------------------------------------------------------------------------------------------
# Global options

# (flags, add_argument kwargs, default on the main parser)
_GLOBAL_OPTIONS: tuple[tuple[tuple[str, ...], dict[str, Any], Any], ...] = (
    (("--debug",), {"action": "store_true", "help": "show tracebacks of errors"}, False),
    (
        ("--no-color",),
        {"action": "store_true", "help": "no colours (also when NO_COLOR is set)"},
        False,
    ),
    (("-q", "--quiet"), {"action": "count", "help": "say less (repeatable)"}, 0),
    (("-v", "--verbose"), {"action": "count", "help": "say more (repeatable)"}, 0),
)


def _add_global_options(parser: argparse.ArgumentParser, *, main: bool) -> None:
    """Add the global options; on subparsers their defaults are suppressed so that a value given
    before the subcommand survives, and an option the command defines itself wins."""
    taken = parser._option_string_actions
    for flags, kwargs, default in _GLOBAL_OPTIONS:
        free = [f for f in flags if f not in taken]
        if not free or (len(free) < len(flags) and not main):
            continue
        parser.add_argument(*free, default=default if main else argparse.SUPPRESS, **kwargs)


def _subparser_actions(parser: argparse.ArgumentParser) -> list[argparse._SubParsersAction[Any]]:
    return [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]


def _add_global_options_everywhere(parser: argparse.ArgumentParser) -> None:
    for action in _subparser_actions(parser):
        for sub in action.choices.values():
            _add_global_options(sub, main=False)
            _add_global_options_everywhere(sub)


# --------------------------------------------------------------------------------------------------
# Parser


def build_parser(commands: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The full parser: global options plus every available subcommand.

    Args:
        commands: command module names (default `contracttest.cli.commands.COMMANDS`).
    """
    from contracttest.cli.commands import COMMANDS, register_commands

    parser = _ArgumentParser(
        prog=PROG, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {own_version()}")
    _add_global_options(parser, main=True)
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands", required=True
    )
    register_commands(subparsers, COMMANDS if commands is None else commands)
    _add_global_options_everywhere(parser)
    return parser


def own_version() -> str:
    """contracttest's installed version; the source tree's ``__version__`` when not installed."""
    from importlib import metadata

    try:
        return metadata.version("contracttest")
    except metadata.PackageNotFoundError:
        import contracttest

        return f"{contracttest.__version__} (source tree, not installed)"


# --------------------------------------------------------------------------------------------------
# Consoles


def make_console(file: IO[str], *, no_color: bool = False, stderr: bool = False) -> Console:
    """A rich Console writing to ``file``.

    Colour and styles only when ``file`` is a terminal, ``no_color`` is false and the ``NO_COLOR``
    environment variable is unset or empty (https://no-color.org). Output to files and pipes (and
    `io.StringIO` in tests) is plain text.
    """
    from rich.console import Console

    plain = no_color or bool(os.environ.get("NO_COLOR"))
    return Console(
        file=file,
        stderr=stderr,
        color_system=None if plain else "auto",
        no_color=plain,
        emoji=False,
    )


# --------------------------------------------------------------------------------------------------
# Spec options


def add_spec_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--spec``, ``--overlay``, ``--no-overlay`` and ``--strict`` to a command's parser.

    Defaults are resolved when the spec is loaded (`resolve_spec_args`), not here, so ``--help``
    works even with a broken pyproject.toml.
    """
    group = parser.add_argument_group("spec options")
    group.add_argument(
        "--spec",
        metavar="SPEC",
        default=None,
        help=(
            "OpenAPI spec file or http(s) URL (default: [tool.contracttest] spec in "
            f"pyproject.toml, else {DEFAULT_SPEC})"
        ),
    )
    group.add_argument(
        "--overlay",
        metavar="FILE",
        action="append",
        default=None,
        help=(
            "OpenAPI Overlay applied to the spec, repeatable, in order (default: [tool.contracttest]"
            " overlay, used when the spec is the configured one)"
        ),
    )
    group.add_argument(
        "--no-overlay", action="store_true", help="apply no overlay, not even configured ones"
    )
    group.add_argument(
        "--strict",
        action="store_true",
        help="refuse a spec with error-level diagnostics instead of warning about them",
    )
    group.add_argument(
        "--closed-objects",
        action="store_true",
        default=None,
        help=(
            "the server rejects request properties the schema does not declare (default: "
            "[tool.contracttest] closed-objects, else the spec's rule table, else open as in OpenAPI)"
        ),
    )
    group.add_argument(
        "--allow-ref-dir",
        metavar="DIR",
        action="append",
        default=None,
        help=(
            "a directory besides the spec's own that its local $refs may read, repeatable "
            "(default: [tool.contracttest] allow-ref-dirs); a spec read over http(s) never reads "
            "local files"
        ),
    )
    group.add_argument(
        "--allow-ref-url",
        metavar="PREFIX",
        action="append",
        default=None,
        help=(
            "a URL prefix besides the spec's own origin that a spec read over http(s) may fetch "
            "$refs from, repeatable (default: [tool.contracttest] allow-ref-urls)"
        ),
    )


def _same_source(a: str, b: str) -> bool:
    from contracttest._io import is_url

    if is_url(a) or is_url(b):
        return a == b
    return Path(a).resolve() == Path(b).resolve()


def resolve_spec_args(args: argparse.Namespace) -> tuple[str, list[str]]:
    """The spec and overlays to load, from the options and ``[tool.contracttest]``.

    The spec is ``--spec``, else the configured ``spec``, else `DEFAULT_SPEC` if it exists in the
    current directory. Overlays are the ``--overlay`` options; without any, the configured
    ``overlay`` list applies unless ``--spec`` names a different spec than the configured one (a
    fix-up overlay for one spec must not be applied to another). ``--no-overlay`` applies none.

    Raises:
        UsageError: no spec can be found, or ``--overlay`` with ``--no-overlay``.
        SourceError: pyproject.toml is malformed.
    """
    from contracttest.config import load_config

    config = load_config()
    configured_raw = config.get("spec")
    if configured_raw is not None and (not isinstance(configured_raw, str) or not configured_raw):
        raise UsageError(
            f"[tool.contracttest] spec must be a path or URL string, got {configured_raw!r}",
            source=str(config.path) if config.path else None,
            pointer="/tool/contracttest/spec",
        )
    configured = config.resolve(configured_raw) if configured_raw else None

    explicit: str | None = getattr(args, "spec", None)
    if explicit:
        spec = explicit
    elif configured:
        spec = configured
    elif Path(DEFAULT_SPEC).is_file():
        spec = DEFAULT_SPEC
    else:
        raise UsageError(
            "no spec given: pass --spec FILE_OR_URL or set spec in [tool.contracttest] of "
            f"pyproject.toml (and {DEFAULT_SPEC} does not exist here)"
        )

    overlays: list[str] | None = getattr(args, "overlay", None)
    if getattr(args, "no_overlay", False):
        if overlays:
            raise UsageError("--overlay and --no-overlay contradict each other")
        return spec, []
    if overlays is not None:
        return spec, list(overlays)
    if explicit and not (configured and _same_source(explicit, configured)):
        return spec, []
    return spec, [str(p) for p in config.path_list("overlay")]


def ref_dirs_from_args(args: argparse.Namespace) -> list[str]:
    """Directories local ``$ref``s may read besides the spec's: ``--allow-ref-dir``, else
    ``[tool.contracttest] allow-ref-dirs`` (resolved against the pyproject's directory).

    Raises:
        UsageError: a named directory does not exist, or the setting is not a path list.
    """
    from contracttest.config import load_config

    given: list[str] | None = getattr(args, "allow_ref_dir", None)
    dirs = list(given) if given else [str(p) for p in load_config().path_list("allow-ref-dirs")]
    for d in dirs:
        if not Path(d).is_dir():
            raise UsageError(f"--allow-ref-dir {d}: no such directory")
    return dirs


def ref_urls_from_args(args: argparse.Namespace) -> list[str]:
    """URL prefixes a remote spec's ``$ref``s may fetch besides its own origin: ``--allow-ref-url``,
    else ``[tool.contracttest] allow-ref-urls``.

    Raises:
        UsageError: a value is not an http(s) URL.
    """
    from contracttest.config import load_config

    given: list[str] | None = getattr(args, "allow_ref_url", None)
    urls = list(given) if given else load_config().get("allow-ref-urls", [])
    if isinstance(urls, str):
        urls = [urls]
    for u in urls:
        if not isinstance(u, str) or not u.lower().startswith(("http://", "https://")):
            raise UsageError(f"--allow-ref-url {u!r}: expected an http(s) URL prefix")
    return list(urls)


def load_spec_from_args(args: argparse.Namespace) -> Spec:
    """Load the spec named by `add_spec_options`' options (see `resolve_spec_args`).

    Raises:
        ContractTestError: the spec or an overlay cannot be read, parsed or applied.
    """
    from contracttest.openapi import load_spec

    spec, overlays = resolve_spec_args(args)
    loaded = load_spec(
        spec,
        overlays=overlays,
        strict=bool(getattr(args, "strict", False)),
        ref_dirs=ref_dirs_from_args(args),
        ref_urls=ref_urls_from_args(args),
    )
    closed = getattr(args, "closed_objects", None) or _configured_closed_objects(args)
    if closed is not None:
        loaded.closed_objects = closed
    return loaded


def _configured_closed_objects(args: argparse.Namespace) -> bool | None:
    """``closed-objects`` of ``[tool.contracttest]``, for the configured spec only (like overlays)."""
    from contracttest.config import load_config

    config = load_config()
    value = config.get("closed-objects")
    if value is None:
        return None
    if not isinstance(value, bool):
        raise UsageError(
            f"[tool.contracttest] closed-objects must be true or false, got {value!r}",
            source=str(config.path) if config.path else None,
            pointer="/tool/contracttest/closed-objects",
        )
    explicit: str | None = getattr(args, "spec", None)
    configured = config.get("spec")
    if explicit and not (
        isinstance(configured, str) and _same_source(explicit, config.resolve(configured))
    ):
        return None
    return value


# --------------------------------------------------------------------------------------------------
# Running


def _write(stream: IO[str], text: str) -> None:
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):  # closed or broken stream: nothing more we can say
        pass


def _traceback(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


def run(
    argv: Sequence[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the CLI and return its exit code instead of exiting.

    Args:
        argv: arguments without the program name (default ``sys.argv[1:]``).
        stdout: where results go (default ``sys.stdout``).
        stderr: where errors, usage and diagnostics go (default ``sys.stderr``).

    Returns:
        An `ExitCode` value: 0 clean, 1 findings, 2 could not run.

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> run(["version"], stdout=out)
        0
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    token = _STREAMS.set((out, err))
    try:
        # SIGTERM does what Ctrl-C does (see contracttest._signals)
        with handling_interrupts():
            return _run(args_list, out, err)
    finally:
        _STREAMS.reset(token)


def _run(argv: list[str], out: IO[str], err: IO[str]) -> int:
    # --debug is needed before parsing succeeds (to show tracebacks of start-up errors).
    debug = "--debug" in argv[: argv.index("--")] if "--" in argv else "--debug" in argv
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except _ParserExit as exit_:
            return exit_.status
        debug = bool(getattr(args, "debug", debug))
        no_color = bool(getattr(args, "no_color", False))
        args.verbosity = int(getattr(args, "verbose", 0) or 0) - int(getattr(args, "quiet", 0) or 0)
        console = make_console(out, no_color=no_color)
        err_console = make_console(err, no_color=no_color, stderr=True)
        handler = getattr(args, "execute", None) or getattr(args, "func", None)
        if handler is None:
            raise RuntimeError(f"command {args.command!r} registered no execute function")
        code = handler(args, console, err_console)
        if not isinstance(code, int):
            raise TypeError(f"command {args.command!r} returned {code!r}, not an exit code")
        return int(code)
    except _ParserExit as exit_:  # a command used parser.error() / parser.exit()
        return exit_.status
    except ContractTestError as exc:
        if debug:
            _write(err, _traceback(exc))
        _write(err, f"error: {exc}\n")
        return int(ExitCode.ERROR)
    except KeyboardInterrupt as exc:
        if debug:
            _write(err, _traceback(exc))
        _write(err, "interrupted\n")
        return int(ExitCode.ERROR)
    except BrokenPipeError:
        # The reader went away (``contracttest generate ... | head``): nothing left to tell it.
        return int(ExitCode.ERROR)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return int(ExitCode.OK)
        if isinstance(code, int):
            return code
        _write(err, f"error: {code}\n")
        return int(ExitCode.ERROR)
    except Exception as exc:
        if debug:
            _write(err, _traceback(exc))
            _write(err, f"internal error: {type(exc).__name__}: {exc}\n")
        else:
            _write(
                err,
                f"internal error: {type(exc).__name__}: {exc}\n"
                f"re-run with --debug for the traceback\n",
            )
        return int(ExitCode.ERROR)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Console-script entry point: `run` and exit with its code."""
    sys.exit(run(argv))

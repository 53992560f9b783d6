"""``contracttest mock``: serve a stateful mock of the spec on a real HTTP server (uvicorn).

Imported at CLI start-up to register the subcommand: everything heavy is imported inside `execute`.
"""

from __future__ import annotations

import argparse
import os
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["TOKENS_ENV", "execute", "register"]

TOKENS_ENV = "CONTRACTTEST_MOCK_TOKENS"
DESCRIPTION = f"""\
Serve every operation of the spec on http://HOST:PORT, validating requests with the same rules as
`contracttest lint` and `contracttest run` (400 with NestJS-style messages, 401, 404, 413, 415).

Resources are inferred from the paths (POST /x + GET/PATCH/DELETE /x/{{id}}): created objects are
stored, listed, patched and deleted; other operations answer a generated body that conforms to their
documented response.

With --token, secured operations need 'Authorization: Bearer <token>'; each token is one org and an
org never sees another's objects. Tokens can also come from ${TOKENS_ENV} (comma-separated), which
keeps them off the command line. Tokens are never printed or logged.

State lives in memory unless --db FILE names a SQLite file, which then survives restarts.

Exit status: 0 after a clean shutdown (Ctrl-C), 2 when the server could not start.
"""


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port must be a number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0-65535 (0 picks a free one), got {value}")
    return value


def _size(text: str) -> int:
    m = re.fullmatch(r"\s*(\d+)\s*([kKmM]?)i?[bB]?\s*", text)
    if m is None:
        raise argparse.ArgumentTypeError(f"expected a size like 1048576, 512k or 2M, got {text!r}")
    factor = {"": 1, "k": 1024, "m": 1024 * 1024}[m.group(2).lower()]
    value = int(m.group(1)) * factor
    if value <= 0:
        raise argparse.ArgumentTypeError("the size must be positive")
    return value


def register(subparsers: Any) -> None:
    """Add the ``mock`` subcommand to the CLI's subparsers."""
    from contracttest.cli import add_spec_options

    parser = subparsers.add_parser(
        "mock",
        help="serve a stateful mock of the spec (uvicorn)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_spec_options(parser)
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=8000,
        help="port to listen on; 0 picks a free one (default: 8000)",
    )
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="T",
        help=f"accept 'Authorization: Bearer T' (repeat for several orgs; or set ${TOKENS_ENV})",
    )
    parser.add_argument(
        "--db", metavar="FILE", help="keep state in this SQLite file (default: memory)"
    )
    parser.add_argument(
        "--max-body",
        type=_size,
        default=None,
        metavar="BYTES",
        help="request bodies above this get 413 (default: 1 MiB; suffixes k, M)",
    )
    parser.add_argument(
        "--check-responses",
        action="store_true",
        help="validate every answer against its documented response schema (a mock self-test)",
    )
    parser.add_argument(
        "--access-log", action="store_true", help="log one line per request (method, path, status)"
    )
    parser.set_defaults(execute=execute)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _tokens(args: argparse.Namespace) -> list[str]:
    tokens = list(args.token or [])
    if not tokens:
        raw = os.environ.get(TOKENS_ENV, "")
        tokens = [t for t in re.split(r"[,\s]+", raw) if t]
    return tokens


def execute(args: argparse.Namespace, console: Console, err_console: Console) -> int:
    """Run ``contracttest mock`` until interrupted; returns the exit code (`ExitCode`)."""
    from contracttest.cli import load_spec_from_args
    from contracttest.exitcodes import ExitCode
    from contracttest.mock.app import DEFAULT_MAX_BODY, create_app
    from contracttest.mock.server import serve

    spec = load_spec_from_args(args)
    tokens = _tokens(args)
    app = create_app(
        spec,
        tokens=tokens,
        db=args.db,
        max_body_bytes=args.max_body or DEFAULT_MAX_BODY,
        check_responses=args.check_responses,
    )
    engine = app.state.engine
    resources = engine.resources.resources
    console.print(
        f"Mocking [bold]{spec.title or spec.source}[/bold]: {_count(len(spec.operations), 'operation')}, "
        f"{_count(len(resources), 'resource')} ({', '.join(r.name for r in resources[:6])}"
        f"{', ...' if len(resources) > 6 else ''})",
        highlight=False,
    )
    if tokens:
        console.print(f"Auth: {len(tokens)} token(s), one org each", highlight=False)
    else:
        console.print("Auth: off (no --token): every request is accepted, one shared org")
    console.print(f"State: {'SQLite ' + str(args.db) if args.db else 'in memory'}", highlight=False)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(
            f"[yellow]warning:[/yellow] listening on {args.host}, not loopback: "
            "anyone who can reach this host can use the mock"
        )

    def ready(url: str) -> None:
        console.print(f"Listening on [bold]{url}[/bold] (Ctrl-C to stop)", highlight=False)

    try:
        serve(app, host=args.host, port=args.port, access_log=args.access_log, on_ready=ready)
    except KeyboardInterrupt:
        pass
    finally:
        app.state.store.close()
    console.print("Mock stopped")
    return int(ExitCode.OK)

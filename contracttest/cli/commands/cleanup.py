"""``contracttest cleanup``: delete what a crashed or interrupted ``contracttest run`` left behind.

Imported at CLI start-up to register the subcommand: everything heavy is imported inside `execute`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["execute", "register"]

DESCRIPTION = """\
Read the journal a `contracttest run` keeps of the resources it created on a live endpoint, and
delete every one that has no deletion record, with the same credentials (--token, repeated for the
second org, or CONTRACTTEST_TOKEN / CONTRACTTEST_TOKEN_2 / VAPI_API_KEY). A resource already gone
(404/410) counts as deleted. The journal keeps what could not be deleted, so cleanup can be re-run.

A damaged line (a record torn by a crash, or a line that is not a journal record) is skipped and
reported with its line number; everything else is still deleted, and the damaged lines are moved to
FILE.damaged so the journal is clean for the next run.

Exit status: 0 nothing left, 1 some resources could not be deleted or damaged lines were skipped,
2 could not run (no journal at all: a binary file, a directory).
"""


def register(subparsers: Any) -> None:
    """Add the ``cleanup`` subcommand."""
    from contracttest.cli.commands.run import DEFAULT_JOURNAL

    parser = subparsers.add_parser(
        "cleanup",
        help="delete resources a crashed run left behind (from its journal)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--journal",
        default=DEFAULT_JOURNAL,
        metavar="FILE",
        help=f"the journal (default {DEFAULT_JOURNAL})",
    )
    parser.add_argument("--base-url", metavar="URL", help="only resources created on this endpoint")
    parser.add_argument(
        "--token",
        action="append",
        default=None,
        metavar="T",
        help="bearer token of org 1 (repeat for org 2)",
    )
    parser.add_argument(
        "-H",
        "--header",
        action="append",
        default=None,
        metavar="'Name: value'",
        help="extra header; an Authorization header replaces the bearer token",
    )
    parser.add_argument(
        "--timeout", type=float, default=10.0, metavar="S", help="seconds per request (default 10)"
    )
    parser.add_argument("--rate-limit", metavar="N/s", help="at most N requests per second")
    parser.add_argument(
        "--dry-run", action="store_true", help="list what would be deleted, delete nothing"
    )
    parser.set_defaults(execute=execute)


def execute(args: argparse.Namespace, console: Console, err_console: Console) -> int:
    """Delete the journal's pending resources; returns 0, 1 or 2 (see the description)."""
    from rich.text import Text

    from contracttest.cli.commands.run import tokens_from_env
    from contracttest.errors import TransportError, UsageError
    from contracttest.exitcodes import ExitCode
    from contracttest.redaction import Redactor, url_without_credentials
    from contracttest.runner.http import HttpClient, parse_rate
    from contracttest.runner.journal import Journal, compact, damaged_path, read_journal
    from contracttest.runner.plan import parse_header

    tokens = list(args.token or []) or tokens_from_env()
    headers = [parse_header(h) for h in (args.header or [])]
    redactor = Redactor([*tokens, *(v for _, v in headers)])
    if args.base_url:
        redactor.add_url(args.base_url)

    state = read_journal(args.journal)
    for d in state.damaged:
        err_console.print(
            Text(
                redactor.scrub(
                    f"{args.journal}:{d.line}: skipped a damaged line: {d.reason}: {d.text[:120]}"
                ),
                style="yellow",
            ),
            soft_wrap=True,
        )
    pending = state.pending
    if args.base_url:
        want = url_without_credentials(args.base_url).rstrip("/")
        pending = [e for e in pending if e.base_url.rstrip("/") == want]
    quiet = getattr(args, "verbosity", 0) < 0
    if not pending:
        if state.damaged and not args.dry_run:
            compact(args.journal)
            err_console.print(
                f"{len(state.damaged)} damaged line(s) moved to {damaged_path(args.journal)}",
                markup=False,
                highlight=False,
            )
        if not quiet:
            console.print(f"nothing to clean up in {args.journal}", markup=False, highlight=False)
        return int(ExitCode.FINDINGS if state.damaged else ExitCode.OK)
    auth_headers = [(k, v) for k, v in headers if k.lower() == "authorization"]
    other = [(k, v) for k, v in headers if k.lower() != "authorization"]
    credentials = [[("Authorization", f"Bearer {t}")] for t in tokens]
    if auth_headers:
        credentials = [auth_headers, *credentials[1:]]
    if args.dry_run:
        for e in pending:
            console.print(
                Text(
                    redactor.scrub(
                        f"would delete: {e.delete_method} {e.base_url}{e.delete_path} (org {e.credential + 1})"
                    )
                )
            )
        return int(ExitCode.FINDINGS)
    needed = {e.credential for e in pending}
    missing = sorted(i for i in needed if i >= len(credentials))
    if missing:
        raise UsageError(
            f"the journal has resources of org {', '.join(str(i + 1) for i in missing)}; pass --token "
            f"{len(credentials) + 1} time(s) or more (or set CONTRACTTEST_TOKEN / CONTRACTTEST_TOKEN_2)"
        )
    journal = Journal(args.journal, run_id="cleanup", accept_damaged=True)
    rate = parse_rate(args.rate_limit)
    left = 0
    clients: dict[str, HttpClient] = {}
    try:
        for e in pending:
            client = clients.get(e.base_url)
            if client is None:
                client = clients[e.base_url] = HttpClient(
                    e.base_url, timeout=args.timeout, rate_limit=rate
                )
            request = client.build(
                e.delete_method, e.delete_path, headers=[*credentials[e.credential], *other]
            )
            try:
                response = client.send(request)
            except TransportError as exc:
                left += 1
                err_console.print(
                    Text(redactor.scrub(f"could not delete {e.resource_id}: {exc}"), style="yellow")
                )
                continue
            if 200 <= response.status < 300 or response.status in (404, 410):
                journal.record_deleted(e.entry, how="deleted" if response.status < 300 else "gone")
                if not quiet:
                    console.print(
                        Text(redactor.scrub(f"deleted {e.delete_path} ({response.status})")),
                        highlight=False,
                    )
            else:
                left += 1
                err_console.print(
                    Text(
                        redactor.scrub(
                            f"{e.delete_method} {e.delete_path} answered {response.status}; kept in the journal"
                        ),
                        style="yellow",
                    )
                )
    finally:
        for c in clients.values():
            c.close()
    remaining = compact(args.journal)
    if state.damaged:
        err_console.print(
            f"{len(state.damaged)} damaged line(s) skipped and moved to "
            f"{damaged_path(args.journal)}; check whether they name resources still to delete",
            markup=False,
            highlight=False,
        )
    if not quiet:
        console.print(
            f"{len(pending) - left} deleted, {remaining} left in {args.journal}",
            markup=False,
            highlight=False,
        )
    return int(ExitCode.FINDINGS if left or state.damaged else ExitCode.OK)

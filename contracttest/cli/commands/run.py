"""``contracttest run``: check an endpoint (or the built-in mock) against the spec, write reports.

Imported at CLI start-up to register the subcommand: everything heavy is imported inside `execute`.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from contracttest.openapi import Spec

__all__ = ["TOKEN_ENV", "execute", "register", "tokens_from_env"]

TOKEN_ENV = ("CONTRACTTEST_TOKEN", "CONTRACTTEST_TOKEN_2")
VAPI_ENV = ("VAPI_API_KEY", "VAPI_API_KEY_2")
DEFAULT_REPORTS = "json,junit,html,md"
DEFAULT_REPORT_DIR = "reports"
DEFAULT_JOURNAL = ".contracttest/journal.jsonl"
LIVE_TIMEOUT = 10.0
MOCK_TIMEOUT = 60.0
"""Seconds a request may take: against an endpoint, and against the built-in mock (which shares
this process and its CPU with the run)."""

DESCRIPTION = f"""\
Check that an endpoint honours the spec: valid requests are accepted, invalid ones rejected with 4xx
naming the field, responses match their documented status, content type and schema, nothing answers
5xx, credentials are required and orgs are isolated, and resources survive a create / get / list /
patch / delete round trip with consistent pagination and working filters.

Without --base-url the built-in mock of the spec is started on a free loopback port (with two
generated tokens) and tested, so a first run needs nothing else.

Credentials: --token T (repeat it for a second org, which enables the isolation checks), or
${TOKEN_ENV[0]} and ${TOKEN_ENV[1]} in the environment (${VAPI_ENV[0]} for Vapi specs),
so a token never has to be on the command line. Other headers with -H 'Name: value'.

Live endpoints are treated with care: against a URL that is not on this machine only reads and
requests expected to be rejected are sent unless --allow-writes is given; everything the run
creates is recorded in the journal ({DEFAULT_JOURNAL}) before the run moves on,
and deleted at the end or on Ctrl-C; `contracttest cleanup` removes what a crashed run left behind.

Coverage: every place a constraint applies, every rule there and every way of breaking it is a
coverage unit, sent once as a request that breaks only it; valid edges (each enum value, each bound,
empty arrays) too. Reports show how many were exercised (`negative coverage N/M`);
--coverage-fail-under N fails the run below N percent. --max-units N bounds the units of each kind
a run sends (default 4000: all of them on a spec like the seed, a fair share of each operation's
on a huge one); the rest are reported as not exercised for that reason.

Defaults come from [tool.contracttest.run] in pyproject.toml (keys: base-url, max-examples, seed,
include, checks, report, report-dir, rate-limit, timeout, retries, allow-writes, journal, max-time,
max-units, coverage-fail-under, fail-on).

Findings have a level: a failure breaks the contract (what the spec, its overlays and rule table
say the server must do) and fails the run; an advisory finding goes beyond the contract (how
helpful a 400 message is, an error status the spec does not list, an undocumented Location) and
is reported and counted apart, failing the run only with --fail-on advisory. A credential the
response schema itself documents is a spec finding (a security defect of the contract).

Exit status: 0 every check passed, 1 a check failed, 2 the run could not be carried out.
"""


def register(subparsers: Any) -> None:
    """Add the ``run`` subcommand."""
    from contracttest.cli import add_spec_options

    parser = subparsers.add_parser(
        "run",
        help="check an endpoint (default: the built-in mock) against the spec",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_spec_options(parser)
    target = parser.add_argument_group("endpoint")
    target.add_argument(
        "--base-url", metavar="URL", help="endpoint to test (default: the built-in mock)"
    )
    target.add_argument(
        "--token",
        action="append",
        default=None,
        metavar="T",
        help=f"bearer token; repeat for a second org (default: ${TOKEN_ENV[0]}, ${TOKEN_ENV[1]})",
    )
    target.add_argument(
        "-H",
        "--header",
        action="append",
        default=None,
        metavar="'Name: value'",
        help="extra request header; an Authorization header counts as a credential",
    )
    target.add_argument(
        "--allow-writes",
        action="store_true",
        default=None,
        help="let the run create, change and delete resources on a non-loopback endpoint",
    )
    target.add_argument(
        "--rate-limit", metavar="N/s", help="at most N requests per second (also N/m, N/h)"
    )
    target.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help=f"seconds before a request times out (default {LIVE_TIMEOUT:g}; "
        f"{MOCK_TIMEOUT:g} against the built-in mock)",
    )
    target.add_argument(
        "--retries",
        type=int,
        metavar="N",
        help="retries of 429/503 and refused connections (default 3)",
    )
    target.add_argument(
        "--journal",
        metavar="FILE",
        help=f"journal of created resources (default {DEFAULT_JOURNAL})",
    )

    what = parser.add_argument_group("what to run")
    what.add_argument(
        "--max-examples",
        type=int,
        metavar="N",
        help="generated requests per operation and kind (default 20)",
    )
    what.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="seed of the generators (default: random, printed in reports)",
    )
    what.add_argument(
        "--include",
        nargs="+",
        action="extend",
        default=None,
        metavar="OP",
        help="only these operations: operationId, 'METHOD /path', /path, tag:NAME or a glob",
    )
    what.add_argument(
        "--checks",
        metavar="IDS",
        help="only these checks (comma-separated ids or prefixes: auth,stateful)",
    )
    what.add_argument(
        "--max-time", type=float, metavar="S", help="stop starting new work after S seconds"
    )
    what.add_argument(
        "--fail-on",
        choices=("contract", "advisory"),
        default=None,
        help="what fails the run: contract failures only (default), or advisory findings too "
        "(how helpful a 400 is, undocumented error statuses, an undocumented Location...)",
    )
    what.add_argument(
        "--max-units",
        type=int,
        metavar="N",
        help="coverage units of each kind the run sends at most (default 4000)",
    )
    what.add_argument(
        "--coverage-fail-under",
        type=float,
        metavar="N",
        help="fail (exit 1) when fewer than N%% of the negative coverage units are exercised",
    )

    out = parser.add_argument_group("reports")
    out.add_argument(
        "--report",
        metavar="FORMATS",
        help=f"report formats, comma-separated: json, junit, html, md, or none (default {DEFAULT_REPORTS})",
    )
    out.add_argument(
        "--report-dir", metavar="DIR", help=f"where reports go (default {DEFAULT_REPORT_DIR}/)"
    )
    parser.set_defaults(execute=execute)


def _is_vapi(spec: Spec) -> bool:
    return "vapi" in spec.title.lower() or any("vapi.ai" in s for s in spec.servers)


def tokens_from_env(spec: Spec | None = None) -> list[str]:
    """Tokens from the environment: ``CONTRACTTEST_TOKEN[_2]``, else ``VAPI_API_KEY[_2]`` (Vapi specs)."""
    names = list(TOKEN_ENV)
    if spec is None or _is_vapi(spec):
        names += list(VAPI_ENV)
    found: list[str] = []
    for group in (TOKEN_ENV, VAPI_ENV):
        if not set(group) & set(names):
            continue
        values = [os.environ.get(n, "").strip() for n in group]
        if values[0]:
            found = [v for v in values if v]
            break
    return found


def _setting(
    args: argparse.Namespace, section: dict[str, Any], name: str, default: Any = None
) -> Any:
    value = getattr(args, name.replace("-", "_"), None)
    if value is not None:
        return value
    return section.get(name, default)


def _typed(value: Any, kind: type, name: str) -> Any:
    from contracttest.errors import UsageError

    if value is None:
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise UsageError(f"[tool.contracttest.run] {name} must be {kind.__name__}, got {value!r}")
    return value


def execute(args: argparse.Namespace, console: Console, err_console: Console) -> int:
    """Run the checks; returns 0 (passed), 1 (a check failed) or 2 (could not run)."""
    from contracttest import runner
    from contracttest.cli import load_spec_from_args, resolve_spec_args
    from contracttest.config import load_config
    from contracttest.errors import UsageError
    from contracttest.report import parse_formats, write_reports
    from contracttest.report.console import ConsoleReporter
    from contracttest.report.markdown import write_step_summary
    from contracttest.runner.http import parse_rate
    from contracttest.runner.plan import (
        DEFAULT_MAX_EXAMPLES,
        DEFAULT_MAX_UNITS,
        RunConfig,
        parse_header,
    )

    config = load_config()
    section = config.section("run")
    spec_source, overlays = resolve_spec_args(args)
    spec = load_spec_from_args(args)

    base_url = _typed(_setting(args, section, "base-url"), str, "base-url")
    tokens = list(args.token or []) or tokens_from_env(spec)
    headers = [parse_header(h) for h in (args.header or [])]
    max_examples = _typed(
        _setting(args, section, "max-examples", DEFAULT_MAX_EXAMPLES), int, "max-examples"
    )
    seed = _typed(_setting(args, section, "seed"), int, "seed")
    include = _setting(args, section, "include") or []
    if isinstance(include, str):
        include = [include]
    checks_raw = _setting(args, section, "checks")
    checks = (
        [c for c in checks_raw.split(",") if c.strip()]
        if isinstance(checks_raw, str)
        else checks_raw
    )
    rate = parse_rate(_setting(args, section, "rate-limit"))
    # The built-in mock answers from this very process, on a machine the run keeps busy: its
    # slow answer to a large body is the load's, not a server's (the full Vapi spec's 2 MiB
    # bodies took over 10 s on two loaded cores).
    default_timeout = LIVE_TIMEOUT if base_url else MOCK_TIMEOUT
    timeout = _typed(_setting(args, section, "timeout", default_timeout), float, "timeout")
    retries = _typed(_setting(args, section, "retries", 3), int, "retries")
    if timeout is not None and timeout <= 0:
        raise UsageError(f"--timeout must be positive, got {timeout}")
    if retries is not None and retries < 0:
        raise UsageError(f"--retries must be 0 or more, got {retries}")
    allow_writes = bool(_setting(args, section, "allow-writes", False))
    max_time = _typed(_setting(args, section, "max-time"), float, "max-time")
    max_units = _typed(_setting(args, section, "max-units", DEFAULT_MAX_UNITS), int, "max-units")
    fail_on = _typed(_setting(args, section, "fail-on", "contract"), str, "fail-on")
    coverage_gate = _typed(
        _setting(args, section, "coverage-fail-under"), float, "coverage-fail-under"
    )
    formats = parse_formats(_setting(args, section, "report", DEFAULT_REPORTS))
    report_dir = Path(_setting(args, section, "report-dir", DEFAULT_REPORT_DIR))
    if (
        config.path is not None
        and not report_dir.is_absolute()
        and getattr(args, "report_dir", None) is None
    ):
        report_dir = config.root / report_dir
    journal = _setting(args, section, "journal", DEFAULT_JOURNAL)

    run_config = RunConfig(
        spec=spec,
        base_url=base_url,
        tokens=tokens,
        headers=headers,
        max_examples=max_examples,
        seed=seed,
        include=list(include),
        checks=checks,
        rate_limit=rate,
        timeout=timeout,
        retries=retries,
        allow_writes=allow_writes,
        overlays=[str(o) for o in overlays],
        spec_source=str(spec_source),
        deadline=max_time,
        coverage_fail_under=coverage_gate,
        max_units=max_units,
        fail_on=fail_on,
    )
    quiet = getattr(args, "verbosity", 0) < 0
    reporter = ConsoleReporter(console, quiet=quiet, verbose=max(0, getattr(args, "verbosity", 0)))
    result = runner.run(run_config, [reporter], journal=journal if base_url else None)
    if formats:
        written = write_reports(result, formats, report_dir)
        if not quiet:
            for name, path in written.items():
                console.print(f"{name} report: {path}", highlight=False, markup=False)
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        write_step_summary(result)
    return result.exit_code

"""``contracttest spec lint``: report the contract defects that make the spec lie about the API.

Imported at CLI start-up to register the subcommand: everything heavy is imported inside `execute`.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from contracttest.findings import Finding
    from contracttest.openapi import Spec

__all__ = ["FORMATS", "execute", "register", "render_json", "render_text"]

FORMATS = ("text", "json")
SEVERITIES = ("info", "warning", "error")
DESCRIPTION = """\
Report the places where the spec promises something the API cannot do: subschemas no value can
satisfy, defaults and examples that break their own schema, keywords that do not apply to the
declared type, broken discriminators, ambiguous oneOf, unused or missing components, patterns that
cannot be checked, plus every structural problem the loader finds (openapi-spec-validator's checks).

Each finding names its rule, file:line:col, the JSON pointer into the spec and a suggested fix.
Fix a vendored spec with an overlay (--overlay), not by hand.

Exit status: 0 nothing at or above --fail-on, 1 findings at or above it, 2 could not run.
"""


def register(subparsers: Any) -> None:
    """Add ``lint`` to the ``spec`` group's subparsers."""
    from contracttest.cli import add_spec_options

    parser = subparsers.add_parser(
        "lint",
        help="report contract defects of the spec itself",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "spec_file",
        nargs="?",
        metavar="SPEC",
        help="the spec to lint (same as --spec; default: the configured spec)",
    )
    add_spec_options(parser)
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default="warning",
        help="least severity that makes the run exit 1 (default: warning)",
    )
    parser.add_argument(
        "--min-severity",
        choices=SEVERITIES,
        default="info",
        help="leave out findings below this severity (default: info, i.e. show all)",
    )
    parser.add_argument(
        "--rule",
        action="append",
        default=None,
        metavar="RULE",
        help="only findings of this rule or rule prefix (repeatable: schema., oneOf.ambiguous)",
    )
    parser.set_defaults(execute=execute)


def execute(args: argparse.Namespace, console: Console, err_console: Console) -> int:
    """Run ``contracttest spec lint``; returns the exit code (`ExitCode`)."""
    from contracttest.cli import load_spec_from_args
    from contracttest.errors import UsageError
    from contracttest.exitcodes import ExitCode
    from contracttest.findings import Severity
    from contracttest.openapi.speclint import lint_spec

    if args.spec_file:
        if args.spec and args.spec != args.spec_file:
            raise UsageError(f"two specs given: {args.spec_file!r} and --spec {args.spec!r}")
        args.spec = args.spec_file
    spec = load_spec_from_args(args)
    floor = Severity.parse(args.min_severity)
    prefixes = tuple(args.rule or ())
    findings = [
        f
        for f in lint_spec(spec)
        if f.severity >= floor and (not prefixes or f.rule.startswith(prefixes))
    ]
    fail_on = Severity.parse(args.fail_on)
    failed = any(f.severity >= fail_on for f in findings)
    if args.format == "json":
        render_json(spec, findings, console.file)
    else:
        render_text(spec, findings, console, quiet=getattr(args, "verbosity", 0) < 0)
    return int(ExitCode.FINDINGS if failed else ExitCode.OK)


def _summary_line(spec: Spec, findings: list[Finding]) -> str:
    from contracttest.openapi.speclint import summarize

    counts = summarize(findings)
    if not counts["total"]:
        return f"{spec.source}: no findings"
    parts = [
        f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}" for s in SEVERITIES[::-1]
    ]
    return f"{spec.source}: {counts['total']} finding(s): {', '.join(parts)}"


def render_text(
    spec: Spec, findings: list[Finding], console: Console, *, quiet: bool = False
) -> None:
    """Print one line per finding, then its fix, then per-rule counts and a summary line.

    A finding reads ``file:line:col: severity rule: message (pointer)``; findings come in file
    order. With ``quiet`` only the counts and the summary are printed.
    """
    from rich.text import Text

    styles = {"error": "bold red", "warning": "yellow", "info": "cyan"}

    def emit(text: Text | str) -> None:
        console.print(text, soft_wrap=True, highlight=False, markup=False)

    if not quiet:
        for f in findings:
            loc = f.source or spec.source
            if f.line is not None:
                loc += f":{f.line}:{f.column or 1}"
            line = Text(f"{loc}: ")
            line.append(str(f.severity), style=styles[str(f.severity)])
            line.append(f" {f.rule}: {f.message} ({f.pointer or '/'})")
            emit(line)
            if f.suggestion:
                emit(f"  fix: {f.suggestion}")
    if findings:
        from contracttest.openapi.speclint import summarize

        by_rule = summarize(findings)["rules"]
        emit("by rule: " + ", ".join(f"{rule} {n}" for rule, n in by_rule.items()))
    emit(_summary_line(spec, findings))


def render_json(spec: Spec, findings: list[Finding], out: Any) -> None:
    """``{"spec", "sha256", "findings": [Finding.to_dict()...], "summary"}`` on one stream."""
    from contracttest.openapi.speclint import summarize

    doc = {
        "spec": spec.source,
        "sha256": spec.sha256,
        "findings": [f.to_dict() for f in findings],
        "summary": summarize(findings),
    }
    out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    out.flush()

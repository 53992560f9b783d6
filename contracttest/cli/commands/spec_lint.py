"""``contracttest spec lint``: report the contract defects that make the spec lie about the API.

Imported at CLI start-up to register the subcommand: everything heavy is imported inside `execute`.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from contracttest.findings import Severity

if TYPE_CHECKING:
    from rich.console import Console

    from contracttest.findings import Finding
    from contracttest.openapi import Spec

__all__ = ["FORMATS", "execute", "register", "render_json", "render_sarif", "render_text"]

FORMATS = ("text", "json", "sarif")
SEVERITIES = ("info", "warning", "error")
DESCRIPTION = """\
Report the places where the spec promises something the API cannot do: subschemas no value can
satisfy, defaults and examples that break their own schema, keywords that do not apply to the
declared type, broken discriminators, oneOf branches that overlap (with or without a
discriminator), required properties nobody declares, recursive schemas no finite value satisfies,
unused or missing components and unresolvable $refs, patterns that cannot be checked, plus every
structural problem the loader finds (openapi-spec-validator's checks).

--security adds the security.* family (OWASP API Security Top 10): credentials in responses, URL
fields the server calls (SSRF), secured operations without 401/403, unbounded request strings and
arrays. Like Spectral's and vacuum's OWASP rulesets it is opt-in; its findings are warnings.

Each finding names its rule, file:line:col, the JSON pointer into the spec and a suggested fix.
Fix a vendored spec with an overlay (--overlay), not by hand.

pyproject.toml:
  [tool.contracttest.spec-lint]
  security = true                    # run the security.* family
  fail-on = "error"                  # default: warning
  severity = { "security.unbounded-input" = "info", "components.unused" = "off" }

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
        default=None,
        help="least severity that makes the run exit 1 (default: [tool.contracttest.spec-lint] "
        "fail-on, else warning)",
    )
    parser.add_argument(
        "--security",
        action="store_true",
        default=None,
        help="also run the security.* rules (OWASP API Top 10; default: "
        "[tool.contracttest.spec-lint] security, else off)",
    )
    parser.add_argument(
        "--severity",
        action="append",
        default=[],
        metavar="RULE=LEVEL",
        help="report RULE (or a family: security.) at LEVEL: error, warning, info or off "
        "(repeatable; over [tool.contracttest.spec-lint] severity)",
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
    settings = _settings(args)
    spec = load_spec_from_args(args)
    floor = Severity.parse(args.min_severity)
    prefixes = tuple(args.rule or ())
    findings = [
        f
        for f in lint_spec(spec, enable=settings.enable, severities=settings.severities)
        if f.severity >= floor and (not prefixes or f.rule.startswith(prefixes))
    ]
    failed = any(f.severity >= settings.fail_on for f in findings)
    if args.format == "json":
        render_json(spec, findings, console.file)
    elif args.format == "sarif":
        render_sarif(spec, findings, console.file, severities=settings.severities)
    else:
        render_text(spec, findings, console, quiet=getattr(args, "verbosity", 0) < 0)
    return int(ExitCode.FINDINGS if failed else ExitCode.OK)


@dataclass(frozen=True)
class Settings:
    """What ``[tool.contracttest.spec-lint]`` and the options decide, options first."""

    fail_on: Severity
    enable: tuple[str, ...]
    """Opt-in rules (or families) to run."""
    severities: dict[str, Severity | None]


def _settings(args: argparse.Namespace) -> Settings:
    from contracttest.config import load_config
    from contracttest.errors import UsageError
    from contracttest.findings import Severity
    from contracttest.openapi.speclint import parse_severities

    config = load_config()
    table = config.section("spec-lint")
    source = str(config.path) if config.path else None
    base = "/tool/contracttest/spec-lint"

    def bad(key: str, expected: str, value: Any) -> UsageError:
        return UsageError(
            f"[tool.contracttest.spec-lint] {key} must be {expected}, got {value!r}",
            source=source,
            pointer=f"{base}/{key}",
        )

    fail_on_raw = args.fail_on if args.fail_on is not None else table.get("fail-on", "warning")
    if fail_on_raw not in SEVERITIES:
        raise bad("fail-on", "error, warning or info", fail_on_raw)
    security = args.security if args.security is not None else table.get("security", False)
    if not isinstance(security, bool):
        raise bad("security", "true or false", security)
    raw_severity = table.get("severity", {})
    if not isinstance(raw_severity, dict):
        raise bad("severity", "a table of rule = level", raw_severity)
    severities = parse_severities(raw_severity, source=source, base=f"{base}/severity")
    for item in args.severity:
        rule, sep, level = item.partition("=")
        if not sep:
            raise UsageError(f"--severity {item!r}: expected RULE=LEVEL, e.g. security.=info")
        try:
            severities.update(parse_severities({rule.strip(): level.strip()}))
        except UsageError as exc:
            raise UsageError(f"--severity {item!r}: {exc.message}") from None
    # A rule the user names (a severity, --rule) is a rule the user wants run.
    named = [k for k, v in severities.items() if v is not None] + list(args.rule or ())
    enable = (("security.",) if security else ()) + tuple(named)
    return Settings(Severity.parse(fail_on_raw), enable, severities)


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


def render_sarif(
    spec: Spec,
    findings: list[Finding],
    out: Any,
    *,
    severities: dict[str, Severity | None] | None = None,
    root: str | None = None,
) -> None:
    """A SARIF 2.1.0 log (one run) of the findings, located in the spec, for code scanning."""
    import os
    from pathlib import Path

    from contracttest.lint.render import sarif_log

    doc = sarif_log(
        findings,
        describe=lambda rule: _rule_text(rule, severities or {}),
        text=lambda f: f"{f.message} ({f.pointer or '/'})",
        logical=lambda f: f.pointer or "/",
        root=Path(os.path.abspath(root or os.getcwd())),
        properties={"spec": spec.source, "sha256": spec.sha256},
    )
    out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    out.flush()


def _rule_text(
    rule: str, severities: dict[str, Severity | None]
) -> tuple[str, Severity | None, str]:
    """SARIF's description of a spec lint rule (loader diagnostics get a generic one)."""
    from contracttest.openapi.speclint import RULES

    known = RULES.get(rule)
    summary = (
        known.summary.replace("``", "`")
        if known
        else f"Spec diagnostic {rule} (from loading the spec)."
    )
    override = next(
        (
            severities[k]
            for k in sorted(severities, key=len, reverse=True)
            if rule == k or (k.endswith(".") and rule.startswith(k))
        ),
        None,
    )
    default = (
        override if override is not None else (Severity.WARNING if known and known.opt_in else None)
    )
    return summary, default, ""


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

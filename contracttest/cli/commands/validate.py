"""``contracttest validate``: check payload files against one target of the spec.

Imported at CLI start-up to register the subcommand: everything heavy is imported inside `execute`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracttest.validate.rules.lengths import LENGTH_METHODS

if TYPE_CHECKING:
    from rich.console import Console

    from contracttest.findings import Finding
    from contracttest.lint.reading import Payload

__all__ = ["execute", "register"]

FORMATS = ("text", "json")
DESCRIPTION = """\
Validate JSON or YAML payload files against one target of the spec: a DTO (CreateTwilioPhoneNumberDTO),
an operation's request body (PhoneNumberController_create or "POST /phone-number"), its response
("PhoneNumberController_findOne:response", "...:response:201") or its parameters ("...:parameters").

Checks the JSON Schema (discriminators dispatch on their tag, formats date-time/uuid/uri/email are
checked, request objects are closed) and the semantic rules of the spec's rule table (E.164 numbers,
lengths counted the server's way, Vapi hook filters).

A file that cannot be read (missing, binary, not UTF-8/UTF-16, over --max-file-size, invalid JSON or
YAML, nested too deeply) is a finding of that file, with its line and column; the other files are
still checked. Values of secret-named members are never printed.

Exit status: 0 every payload is valid, 1 findings (at least --fail-on), 2 could not run.
"""


def register(subparsers: Any) -> None:
    """Add the ``validate`` subcommand to the CLI's subparsers."""
    from contracttest.cli import add_spec_options

    parser = subparsers.add_parser(
        "validate",
        help="validate payload files against a DTO, request body or response",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_spec_options(parser)
    parser.add_argument(
        "--target",
        "--operation",
        dest="target",
        metavar="TARGET",
        required=True,
        help='DTO name, operationId or "METHOD /path" (suffix :response[:STATUS], :parameters)',
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--allow-unknown-properties",
        action="store_true",
        help="accept properties a request DTO does not declare (Vapi's server rejects them)",
    )
    parser.add_argument(
        "--e164-level",
        choices=("syntax", "possible", "valid"),
        default="syntax",
        help="how strictly phone numbers are checked (possible/valid use libphonenumber data)",
    )
    parser.add_argument(
        "--length-method",
        choices=LENGTH_METHODS,
        default=None,
        help="how string lengths are counted (default: the server's, from the rule table); "
        "validatorjs is validator.js 13.15.22+, validatorjs-legacy before 13.15.22",
    )
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        default="error",
        help="least severity that makes the exit status 1 (default: error)",
    )
    parser.add_argument(
        "--max-file-size",
        type=int,
        default=None,
        metavar="BYTES",
        help="payloads larger than this are not read, standard input included (default: 10 MiB)",
    )
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="payload files (JSON or YAML); - reads stdin"
    )
    parser.set_defaults(execute=execute)


def _read(path: str, stdin: Any, max_bytes: int) -> Payload | Finding:
    """The payload of ``path`` (``-``: standard input), or the one finding that says why there is none.

    Files are read the way `contracttest lint` reads them (`contracttest.lint.reading`), so both
    commands agree on every file: encodings (UTF-16 with a BOM), binary data, FIFOs, the size cap
    (standard input too), syntax errors with their line and column.
    """
    from contracttest._io import read_stream
    from contracttest.lint.reading import read_payload

    if path == "-":
        stream = stdin if stdin is not None else sys.stdin
        raw = read_stream(stream, max_bytes=max_bytes)
        return read_payload(Path("<stdin>"), display="<stdin>", raw=raw, max_bytes=max_bytes)
    return read_payload(path, max_bytes=max_bytes)


def _locate(doc: Any, finding: Finding) -> Finding:
    key = finding.rule in ("schema.additionalProperties", "schema.propertyNames")
    try:
        pos = doc.positions.locate_key(finding.pointer) if key else None
        if pos is None:
            ptr = finding.pointer
            pos = doc.positions.locate(ptr)
            while pos is None and ptr:
                ptr = ptr.rsplit("/", 1)[0]
                pos = doc.positions.locate(ptr)
    except Exception:  # positions are best-effort: never fail a report on them
        pos = None
    line, column = pos if pos is not None else (None, None)
    return finding.with_location(doc.source, line, column)


def execute(args: argparse.Namespace, console: Console, err_console: Console) -> int:
    """Run ``contracttest validate``; returns the exit code (`ExitCode`)."""
    from contracttest.cli import load_spec_from_args
    from contracttest.errors import UsageError
    from contracttest.exitcodes import ExitCode
    from contracttest.findings import Finding, Severity, printable
    from contracttest.lint.reading import DEFAULT_MAX_BYTES
    from contracttest.redaction import scrub_findings
    from contracttest.validate import get_validator

    max_bytes = DEFAULT_MAX_BYTES if args.max_file_size is None else args.max_file_size
    if max_bytes <= 0:
        raise UsageError(f"--max-file-size must be positive, got {max_bytes}")

    spec = load_spec_from_args(args)
    validator = get_validator(
        spec,
        args.target,
        allow_unknown=args.allow_unknown_properties,
        e164_level=args.e164_level,
        length_method=args.length_method,
    )
    fail_on = Severity.parse(args.fail_on)
    stdin = getattr(args, "stdin", None)
    results: list[tuple[str, list[Finding]]] = []
    unreadable: list[Finding] = []
    for path in args.files:
        read = _read(path, stdin, max_bytes)
        if isinstance(read, Finding):  # this file cannot be read: its finding, and on to the next
            unreadable.append(read)
            err_console.print(
                f"error: {read.source or path}{_where(read)}: {read.message}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
            results.append((read.source or path, [read]))
            continue
        doc = read.document
        found = [_locate(doc, f) for f in validator.findings(doc.data)]
        found = scrub_findings(doc.data, found)
        results.append((doc.source, sorted(found, key=Finding.sort_key)))

    failed = any(f.severity >= fail_on for _, found in results for f in found)
    if args.format == "json":
        out = {
            "target": validator.target.key,
            "spec": spec.source,
            "files": [
                {
                    "path": path,
                    "valid": not any(f.severity >= Severity.ERROR for f in found),
                    **({"readable": False} if found and found[0] in unreadable else {}),
                    "findings": [f.to_dict() for f in found],
                }
                for path, found in results
            ],
        }
        console.file.write(printable(json.dumps(out, indent=2, ensure_ascii=False)) + "\n")
    else:
        _text(console, results, validator.target.key, args.verbosity)
    if unreadable:  # the exit-code table: a file that cannot be read means "could not run"
        return int(ExitCode.ERROR)
    return int(ExitCode.FINDINGS if failed else ExitCode.OK)


def _where(finding: Finding) -> str:
    if finding.line is None:
        return ""
    return f":{finding.line}" + (f":{finding.column}" if finding.column is not None else "")


def _text(
    console: Console, results: list[tuple[str, list[Finding]]], target: str, verbosity: int
) -> None:
    from contracttest.findings import Severity, printable

    total = 0
    invalid = 0
    for path, found in results:
        total += len(found)
        errors = sum(1 for f in found if f.severity >= Severity.ERROR)
        invalid += bool(errors)
        if not found:
            if verbosity >= 0:
                console.print(
                    f"{path}: valid ({target})", markup=False, highlight=False, soft_wrap=True
                )
            continue
        for f in found:
            console.print(printable(str(f)), markup=False, highlight=False, soft_wrap=True)
            if f.suggestion and verbosity >= 0:
                console.print(f"    hint: {f.suggestion}", markup=False, highlight=False)
    if verbosity >= 0:
        files = len(results)
        console.print(
            f"{files} file{'s' if files != 1 else ''} checked against {target}: "
            f"{invalid} invalid, {total} finding{'s' if total != 1 else ''}",
            markup=False,
            highlight=False,
        )

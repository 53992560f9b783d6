"""``contracttest generate``: payloads for a target as JSON lines, or a coverage table of the spec.

Imported at CLI start-up to register the subcommand: everything heavy is imported inside `execute`.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from contracttest.generate.coverage import TargetCoverage

__all__ = ["execute", "register"]

DESCRIPTION = """\
Generate payloads for one target of the spec: a DTO (CreateTwilioPhoneNumberDTO), an operation's
request body (PhoneNumberController_create or "POST /phone-number"), its parameters
("...:parameters") or a response ("...:response:200").

Writes JSON lines {"target", "payload", "violation"}: violation is null for valid payloads, and
{"rule", "pointer"} for --invalid ones (each confirmed by the validator to break exactly that rule).
--boundary first writes the deterministic cases at and just past every limit. --seed makes a run
reproducible.

--all walks every DTO and operation instead and prints a coverage table: whether each target is
fully generated, partly (an optional part no value can satisfy is left out: a spec defect) or not
at all, the union variants its payloads reach, and the rules its invalid payloads break.

Exit status: 0 done; 1 (--all) some target is unsatisfiable, failed, or has a valid payload the
validator rejects; 2 could not run (unknown target, unsatisfiable target, bad option).
"""


def register(subparsers: Any) -> None:
    """Add the ``generate`` subcommand to the CLI's subparsers."""
    from contracttest.cli import add_spec_options

    parser = subparsers.add_parser(
        "generate",
        help="generate valid or labelled invalid payloads (or --all: a coverage table)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_spec_options(parser)
    parser.add_argument(
        "--target",
        "--operation",
        dest="target",
        metavar="TARGET",
        help='DTO name, operationId or "METHOD /path" (suffix :response[:STATUS], :parameters)',
    )
    parser.add_argument(
        "--all", action="store_true", help="every DTO and operation: print a coverage table"
    )
    parser.add_argument(
        "--invalid", action="store_true", help="invalid payloads, each with one labelled violation"
    )
    parser.add_argument(
        "--rule",
        dest="rules",
        action="append",
        metavar="RULE",
        help="with --invalid: only this rule id (glob, repeatable), e.g. 'phone.*'",
    )
    parser.add_argument(
        "--boundary",
        action="store_true",
        help="write the boundary cases (every limit, and just past it) before the random ones",
    )
    parser.add_argument(
        "-n", "--count", type=int, default=10, metavar="N", help="random payloads (default 10)"
    )
    parser.add_argument("--seed", type=int, default=None, metavar="S", help="random seed")
    parser.add_argument(
        "--max-depth",
        type=int,
        default=2,
        metavar="D",
        help="how often a recursive $ref may be followed (default 2)",
    )
    parser.add_argument(
        "--boundary-limit",
        type=int,
        default=500,
        metavar="N",
        help="--all: boundary cases per target past the one-per-variant pass (default 500)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="--all output: a table or a JSON report (default: text)",
    )
    parser.set_defaults(execute=execute)


def execute(args: argparse.Namespace, console: Console, err_console: Console) -> int:
    """Run ``contracttest generate``; returns the exit code (`ExitCode`)."""
    from contracttest.cli import load_spec_from_args
    from contracttest.errors import UsageError
    from contracttest.exitcodes import ExitCode
    from contracttest.generate.core import GenerationOptions, examples, generator_for

    if args.all == bool(args.target):
        raise UsageError("give either --target TARGET or --all")
    if args.count < 0:
        raise UsageError(f"-n must be >= 0, got {args.count}")
    if args.boundary_limit < 0:
        raise UsageError(f"--boundary-limit must be >= 0, got {args.boundary_limit}")
    if args.rules and not args.invalid:
        raise UsageError("--rule only applies with --invalid")
    spec = load_spec_from_args(args)
    generator = generator_for(spec, GenerationOptions(max_depth=args.max_depth))
    if args.all:
        return _all(args, generator, console)

    target = spec.target(args.target)
    out = console.file
    if args.boundary:
        from contracttest.generate.boundary import boundary_cases

        for case in boundary_cases(generator, target):
            if (case.violation is not None) == args.invalid:
                out.write(_line(case.to_dict()))
    if args.invalid:
        for item in examples(generator.invalid(target, rules=args.rules), args.count, args.seed):
            out.write(_line(item.to_dict()))
    else:
        for payload in examples(generator.valid(target), args.count, args.seed):
            out.write(_line({"target": target.key, "payload": payload, "violation": None}))
    return int(ExitCode.OK)


# Characters that JSON leaves raw inside strings but that some line readers (Python's splitlines,
# older JavaScript) take for line breaks: escaped, so one record is always one line.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False).translate(_LINE_BREAKS) + "\n"


def _all(args: argparse.Namespace, generator: Any, console: Console) -> int:
    from contracttest.exitcodes import ExitCode
    from contracttest.generate.coverage import cover

    targets = list(generator.spec.iter_targets())
    results = list(
        cover(
            generator,
            targets,
            n=args.count,
            seed=args.seed or 0,
            boundary_limit=args.boundary_limit,
        )
    )
    bad = any(r.status == "unsatisfiable" or r.error or r.disagreements for r in results)
    if args.format == "json":
        summary = _summary(results)
        doc = {
            "spec": generator.spec.source,
            "summary": summary,
            "targets": [r.to_dict() for r in results],
        }
        console.file.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        _table(console, results, args.verbosity)
    return int(ExitCode.FINDINGS if bad else ExitCode.OK)


def _summary(results: list[TargetCoverage]) -> dict[str, Any]:
    dtos = [r for r in results if ":" not in r.target]
    return {
        "targets": len(results),
        "full": sum(r.status == "full" for r in results),
        "partial": sum(r.status == "partial" for r in results),
        "unsatisfiable": sum(r.status == "unsatisfiable" for r in results),
        "dtos": {
            "total": len(dtos),
            "full": sum(r.status == "full" for r in dtos),
            "partial": sum(r.status == "partial" for r in dtos),
            "unsatisfiable": sum(r.status == "unsatisfiable" for r in dtos),
        },
        "variants": sum(r.variants for r in results),
        "variants_reached": sum(r.reached for r in results),
        "valid": sum(r.valid for r in results),
        "invalid": sum(r.invalid for r in results),
        "discarded": sum(r.discarded for r in results),
        "disagreements": sum(r.disagreements for r in results),
        "failed": sum(bool(r.error) for r in results),
        "rules": sorted(set().union(*(r.rules for r in results))) if results else [],
    }


def _table(console: Console, results: list[TargetCoverage], verbosity: int) -> None:
    from rich.table import Table

    table = Table(title="generation coverage", show_lines=False)
    for name, justify in (
        ("target", "left"),
        ("status", "left"),
        ("variants", "right"),
        ("rules", "right"),
        ("valid", "right"),
        ("invalid", "right"),
        ("why", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in results:
        left_out = [n for n in r.notes if n.kind == "left-out"]
        first = left_out[0] if left_out else None
        note = (
            (f"{first.reason} at {first.pointer}" if verbosity > 0 else first.reason)
            if first
            else ""
        )
        why = r.reason or r.error or note
        if len(left_out) > 1:
            why += f" (+{len(left_out) - 1} more)"
        if r.disagreements:
            why = f"{r.disagreements} valid payload(s) rejected by the validator; " + why
        table.add_row(
            r.target,
            r.status,
            f"{r.reached}/{r.variants}" if r.variants else "-",
            str(len(r.rules)),
            str(r.valid),
            str(r.invalid),
            why if verbosity > 0 else why[:120],
        )
    console.print(table)
    s = _summary(results)
    d = s["dtos"]
    console.print(
        f"{s['targets']} targets: {s['full']} fully generated, {s['partial']} partly, "
        f"{s['unsatisfiable']} unsatisfiable; DTOs {d['full']}/{d['total']} full, "
        f"{d['partial']} partly, {d['unsatisfiable']} unsatisfiable; variants reached "
        f"{s['variants_reached']}/{s['variants']}; {s['valid']} valid and {s['invalid']} invalid "
        f"payloads, {s['disagreements']} disagreeing with the validator ({s['discarded']} invalid "
        f"cases left out, label not confirmed); rules exercised: {', '.join(s['rules'])}",
        markup=False,
        highlight=False,
    )

"""``contracttest lint``: check request payload files against the contract (also the pre-commit hook).

Imported at CLI start-up to register the subcommand: everything heavy is imported inside `execute`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from contracttest.config import Config
    from contracttest.findings import Severity
    from contracttest.lint import GlobTargets

__all__ = ["execute", "register"]

FORMATS = ("text", "json", "sarif", "github")
DESCRIPTION = """\
Check request payload files (JSON or YAML) against a DTO or an operation of the spec.

Each file's target is, in order: --target; the first glob of [tool.contracttest.lint.targets] in
pyproject.toml that matches the file; a "$contract": "METHOD /path" key in the file (not part of
the payload); else it is detected from the discriminator (provider: twilio) or the best-matching
request body, and the output says so. A file that matches no target is a finding.

Exit status: 0 clean, 1 findings (at least --fail-on), 2 could not run.
"""


def register(subparsers: Any) -> None:
    """Add the ``lint`` subcommand to the CLI's subparsers."""
    from contracttest.cli import add_spec_options

    parser = subparsers.add_parser(
        "lint",
        help="check payload files (JSON/YAML) against the contract",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_spec_options(parser)
    parser.add_argument(
        "--target",
        metavar="TARGET",
        help='check every file against this target: DTO name, operationId or "METHOD /path"',
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="output format (default: text; sarif is SARIF 2.1.0, github prints workflow annotations)",
    )
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        default=None,
        help=(
            "least severity that makes the run fail with exit 1 (default: [tool.contracttest.lint]"
            " fail-on, else warning)"
        ),
    )
    parser.add_argument(
        "--no-detect",
        action="store_true",
        help="do not detect targets: files nothing names a target for are lint.no-target",
    )
    parser.add_argument(
        "--allow-unknown-properties",
        action="store_true",
        help="accept properties the DTOs do not declare (the server rejects them)",
    )
    parser.add_argument(
        "--max-file-size",
        type=_size,
        default=None,
        metavar="BYTES",
        help="files larger than this are reported, not read (default: 10 MiB; suffixes k, M)",
    )
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="payload files or directories; - reads stdin"
    )
    parser.set_defaults(execute=execute)


def _size(text: str) -> int:
    units = {"k": 1024, "m": 1024 * 1024, "g": 1024 * 1024 * 1024}
    raw = text.strip().lower().removesuffix("ib").removesuffix("b")
    mult = units.get(raw[-1:], 1)
    if raw[-1:] in units:
        raw = raw[:-1]
    try:
        value = int(float(raw) * mult)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 500000, 512k, 10M)") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"the size cap must be positive, got {text!r}")
    return value


def execute(args: argparse.Namespace, console: Console, err_console: Console) -> int:
    """Run ``contracttest lint``; returns the exit code (`ExitCode`)."""
    from contracttest.cli import load_spec_from_args
    from contracttest.config import load_config
    from contracttest.lint import DEFAULT_MAX_BYTES, Linter
    from contracttest.lint.render import FORMATS as WRITERS
    from contracttest.lint.render import render_text

    config = load_config()
    fail_on = _fail_on(args.fail_on, config)
    globs = _config_globs(config)
    spec = load_spec_from_args(args)
    linter = Linter(
        spec,
        target=args.target,
        globs=globs,
        detect=not args.no_detect,
        allow_unknown=args.allow_unknown_properties,
        max_bytes=args.max_file_size or DEFAULT_MAX_BYTES,
        fail_on=fail_on,
    )
    report = linter.lint(args.files)
    if args.format == "text":
        verbosity = int(getattr(args, "verbosity", 0) or 0)
        render_text(report, console, verbose=verbosity > 0, quiet=verbosity < 0)
    else:
        out = console.file
        WRITERS[args.format](report, out)
        out.flush()
    return int(report.exit_code)


def _fail_on(option: str | None, config: Config) -> Severity:
    from contracttest.errors import UsageError
    from contracttest.findings import Severity

    value = option if option is not None else config.get("lint.fail-on", "warning")
    try:
        return Severity.parse(value) if isinstance(value, str) else Severity.parse(repr(value))
    except ValueError:
        raise UsageError(
            f"[tool.contracttest.lint] fail-on must be error, warning or info, got {value!r}",
            source=str(config.path) if config.path else None,
            pointer="/tool/contracttest/lint/fail-on",
        ) from None


def _config_globs(config: Config) -> GlobTargets | None:
    """Glob -> target rules of ``[tool.contracttest.lint.targets]``, None when there are none."""
    from contracttest.lint import GlobTargets

    targets = config.section("lint.targets")
    if not targets:
        return None
    return GlobTargets(targets, config.root, source=str(config.path or ""))

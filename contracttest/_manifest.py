"""``spec/MANIFEST.json``: where every file in ``spec/`` comes from, with its SHA-256.

``tests/unit/test_manifest.py`` fails when a file in ``spec/`` changed, appeared or vanished without
the manifest being updated, so a spec edit is always a deliberate, reviewed step. To update it::

    python -m contracttest._manifest                 # refresh sha256 of the listed files
    python -m contracttest._manifest --check         # exit 1 when out of date (CI, pre-commit)
    python -m contracttest._manifest --add spec/overlays/x.yaml \\
        --source "authored in this repository" --description "what it is for"

Entries keep their ``source`` and ``description``; a new file needs both (``--add``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from contracttest.errors import SourceError, UsageError

__all__ = [
    "MANIFEST",
    "SPEC_DIR",
    "check_manifest",
    "find_root",
    "main",
    "read_manifest",
    "sha256_file",
    "spec_files",
    "update_manifest",
]

SPEC_DIR = "spec"
MANIFEST = "spec/MANIFEST.json"
ABOUT = (
    "Where every file in spec/ comes from. tests/unit/test_manifest.py checks each sha256 and that "
    "every file is listed; update with `python -m contracttest._manifest` (see its docstring)."
)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of the file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def spec_files(root: Path) -> list[str]:
    """Every file under ``root/spec`` except the manifest and hidden files, as sorted posix paths
    relative to ``root``."""
    base = root / SPEC_DIR
    found = []
    for path in base.rglob("*"):
        rel = path.relative_to(root)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        if rel.as_posix() == MANIFEST or "__pycache__" in rel.parts:
            continue
        found.append(rel.as_posix())
    return sorted(found)


def read_manifest(root: Path) -> dict[str, Any]:
    """The parsed manifest (``{"about": ..., "files": [...]}``); an empty one if absent.

    Raises:
        SourceError: the manifest is not valid JSON or not shaped as expected.
    """
    path = root / MANIFEST
    if not path.exists():
        return {"about": ABOUT, "files": []}
    from contracttest._io import load_document

    data: Any = load_document(path, fmt="json").data
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(
        isinstance(e, dict) and isinstance(e.get("path"), str) for e in files
    ):
        raise SourceError(
            'expected {"files": [{"path": ..., "sha256": ..., "source": ..., '
            '"description": ...}, ...]}',
            source=str(path),
        )
    result: dict[str, Any] = data
    return result


def check_manifest(root: Path) -> list[str]:
    """Every way the manifest disagrees with ``spec/`` (empty when it is up to date)."""
    problems: list[str] = []
    entries = read_manifest(root)["files"]
    listed: dict[str, dict[str, Any]] = {}
    for entry in entries:
        path = entry["path"]
        if path in listed:
            problems.append(f"{path}: listed twice")
        listed[path] = entry
        for key in ("sha256", "source", "description"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                problems.append(f"{path}: {key} is missing or empty")
    present = spec_files(root)
    for path in present:
        if path not in listed:
            problems.append(f"{path}: not in {MANIFEST}")
        elif sha256_file(root / path) != listed[path].get("sha256"):
            problems.append(
                f"{path}: sha256 changed (file {sha256_file(root / path)[:12]}..., manifest "
                f"{str(listed[path].get('sha256'))[:12]}...)"
            )
    for path in listed:
        if path not in present:
            problems.append(f"{path}: listed in {MANIFEST} but does not exist")
    return problems


def update_manifest(
    root: Path, additions: dict[str, tuple[str, str]] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The manifest with fresh sha256 values, plus notes on what changed.

    Args:
        root: the repository root.
        additions: ``{path: (source, description)}`` for new files or to replace an entry's text.

    Raises:
        UsageError: a file in spec/ has no entry and no addition, or an addition names no file.
    """
    additions = dict(additions or {})
    present = spec_files(root)
    old = {e["path"]: e for e in read_manifest(root)["files"]}
    notes: list[str] = []
    for path in additions:
        if path not in present:
            raise UsageError(f"--add {path}: no such file under {SPEC_DIR}/")
    missing = [p for p in present if p not in old and p not in additions]
    if missing:
        raise UsageError(
            "new files need a source and a description: "
            + ", ".join(missing)
            + " (use --add PATH --source TEXT --description TEXT)"
        )
    files = []
    for path in present:
        entry = dict(old.get(path, {}))
        if path in additions:
            entry["source"], entry["description"] = additions[path]
        digest = sha256_file(root / path)
        if path not in old:
            notes.append(f"added {path}")
        elif old[path].get("sha256") != digest:
            notes.append(f"updated sha256 of {path}")
        files.append(
            {
                "path": path,
                "sha256": digest,
                "source": entry["source"],
                "description": entry["description"],
            }
        )
    notes.extend(f"dropped {path} (no longer exists)" for path in old if path not in present)
    return {"about": ABOUT, "files": files}, notes


def write_manifest(root: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (root / MANIFEST).write_text(text, encoding="utf-8")


def find_root(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` (default: cwd) with a ``spec/`` folder and a
    pyproject.toml."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / SPEC_DIR).is_dir() and (directory / "pyproject.toml").is_file():
            return directory
    raise UsageError(
        f"no repository root (a directory with {SPEC_DIR}/ and pyproject.toml) above {here}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m contracttest._manifest``: refresh or check spec/MANIFEST.json."""
    parser = argparse.ArgumentParser(
        prog="python -m contracttest._manifest", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--root", type=Path, help="repository root (default: found from the cwd)")
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when out of date")
    parser.add_argument("--add", action="append", default=[], metavar="PATH", help="new entry")
    parser.add_argument("--source", action="append", default=[], help="source of each --add")
    parser.add_argument(
        "--description", action="append", default=[], help="description of each --add"
    )
    args = parser.parse_args(argv)
    try:
        root = args.root.resolve() if args.root else find_root()
        if args.check:
            problems = check_manifest(root)
            for problem in problems:
                print(f"{MANIFEST}: {problem}", file=sys.stderr)
            return 1 if problems else 0
        if not (len(args.add) == len(args.source) == len(args.description)):
            raise UsageError("give one --source and one --description for each --add")
        additions = {
            Path(p).as_posix(): (s, d)
            for p, s, d in zip(args.add, args.source, args.description, strict=True)
        }
        manifest, notes = update_manifest(root, additions)
        write_manifest(root, manifest)
    except (UsageError, SourceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for note in notes or ["up to date"]:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Glob -> target rules of [tool.contracttest.lint.targets]."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracttest.errors import UsageError
from contracttest.lint.globs import GlobTargets, glob_to_regex


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("*.json", "a.json", True),
        ("*.json", "deep/er/a.json", True),  # no slash: the file name at any depth
        ("*.json", "a.yaml", False),
        ("payloads/*.json", "payloads/a.json", True),
        ("payloads/*.json", "payloads/x/a.json", False),  # * stays in one segment
        ("payloads/*.json", "other/payloads/a.json", False),  # a slash anchors at the root
        ("payloads/**/*.json", "payloads/a.json", True),  # ** spans zero segments too
        ("payloads/**/*.json", "payloads/x/y/a.json", True),
        ("**/valid/*.yaml", "examples/p/valid/t.yaml", True),
        ("**/valid/*.yaml", "valid/t.yaml", True),
        ("payloads/**", "payloads/x/a.json", True),
        ("payloads/**", "payloadsx/a.json", False),
        ("create-?.json", "create-1.json", True),
        ("create-?.json", "create-12.json", False),
        ("create-[0-9].json", "create-7.json", True),
        ("create-[!0-9].json", "create-7.json", False),
        ("create-[!0-9].json", "create-x.json", True),
        ("/top.json", "top.json", True),
        ("a+b(1).json", "a+b(1).json", True),  # regex metacharacters are literal
    ],
)
def test_glob_semantics(glob: str, path: str, matches: bool) -> None:
    assert bool(glob_to_regex(glob).match(path)) is matches


def test_first_matching_glob_wins(tmp_path: Path) -> None:
    globs = GlobTargets(
        {
            "payloads/update-*.json": "PATCH /phone-number/{id}",
            "payloads/*.json": "POST /phone-number",
        },
        tmp_path,
    )
    assert globs.match(tmp_path / "payloads" / "update-x.json") == (
        "payloads/update-*.json",
        "PATCH /phone-number/{id}",
    )
    assert globs.match(tmp_path / "payloads" / "create.json") == (
        "payloads/*.json",
        "POST /phone-number",
    )


def test_files_outside_the_root_match_nothing(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    globs = GlobTargets({"**/*.json": "POST /phone-number"}, root)
    assert globs.match(tmp_path / "elsewhere.json") is None


@pytest.mark.parametrize("bad", [1, "", "  ", None, ["POST /x"]])
def test_a_glob_must_map_to_a_target_string(tmp_path: Path, bad: object) -> None:
    with pytest.raises(UsageError, match="must map to a target string"):
        GlobTargets({"*.json": bad}, tmp_path)


@pytest.mark.parametrize("bad", ["", " *.json"])
def test_bad_globs_are_usage_errors(bad: str) -> None:
    with pytest.raises(UsageError):
        glob_to_regex(bad)

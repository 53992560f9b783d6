"""The README opens with exactly two set-up commands, and CI runs the second one verbatim."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _sh_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)\n```$", text, flags=re.M | re.S)


def test_readme_opens_with_the_two_commands() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    first, second = _sh_blocks(text)[:2]
    # nothing but prose stands before them
    assert text.index(first) < text.index("## ")
    assert "contracttest run" in first and "pip install" in first
    assert "pytest" in second and "pip install" in second and "[test]" in second


def test_ci_runs_the_readme_test_command() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    second = _sh_blocks(text)[1]
    extracted = subprocess.run(
        ["awk", r"/^```sh$/{n++; next} /^```$/{if (n==2) exit} n==2", "README.md"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert extracted == second
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "README.md" in ci and 'bash -c "$README_TEST_COMMAND"' in ci

"""The benchmark harness (benchmarks/__init__.py, __main__.py): discovery, report, markdown."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def harness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Path]]:
    """The harness with an extra folder of benchmark modules on the package path."""
    monkeypatch.syspath_prepend(str(REPO))
    import benchmarks
    import benchmarks.__main__ as cli

    folder = tmp_path / "more"
    folder.mkdir()
    monkeypatch.setattr(benchmarks, "__path__", [str(folder)])
    before = set(sys.modules)
    yield cli, folder
    for name in set(sys.modules) - before:
        if name.startswith("benchmarks.bench_"):
            del sys.modules[name]


def _write(folder: Path, name: str, body: str) -> None:
    (folder / name).write_text(textwrap.dedent(body), encoding="utf-8")


def test_discovery_and_markdown(harness: tuple[Any, Path], tmp_path: Path) -> None:
    cli, folder = harness
    _write(
        folder,
        "bench_parse.py",
        '''\
        """Parsing speed.

        More words."""

        def run(report):
            report.table("parse", ["doc", "ms"], [("seed", 1.23456), ("full|spec", 30)])
            report("summary", {"speedup": 2.5, "nested": {"a": 1}})
            report.note("Measured on the seed spec.")
        ''',
    )
    _write(folder, "helper.py", "X = 1\n")
    (folder / "bench_pkg").mkdir()
    (folder / "bench_pkg" / "__init__.py").write_text("")
    assert cli.discover() == ["benchmarks.bench_parse"]

    out = tmp_path / "bench.md"
    assert cli.main(["--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n")
    assert "- python: " in text
    assert "## bench_parse\n\nParsing speed.\n" in text
    assert "| doc | ms |\n|---|---|\n| seed | 1.235 |\n| full\\|spec | 30 |" in text
    assert '| nested | {"a": 1} |' in text
    assert "Measured on the seed spec." in text


def test_failures_and_selection(harness: tuple[Any, Path], tmp_path: Path) -> None:
    cli, folder = harness
    _write(folder, "bench_bad.py", "def run(report):\n    raise RuntimeError('boom')\n")
    _write(folder, "bench_good.py", "def run(report):\n    report('x', {'n': 1})\n")
    out = tmp_path / "bench.md"
    assert cli.main(["good", "--output", str(out)]) == 0
    assert "bench_bad" not in out.read_text()
    assert cli.main(["--output", str(out)]) == 1
    assert "**Failed:** `RuntimeError: boom`" in out.read_text()
    assert cli.main(["nothing-matches", "--output", str(out)]) == 1


def test_no_benchmarks_is_a_failure(
    harness: tuple[Any, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli, _ = harness
    assert cli.main(["--output", str(tmp_path / "b.md")]) == 1
    assert "no benchmark modules" in capsys.readouterr().err
    assert not (tmp_path / "b.md").exists()


def test_report_checks_its_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO))
    from benchmarks import Report, format_seconds, timeit

    report = Report()
    with pytest.raises(ValueError, match="has 1 cells, not 2"):
        report.table("t", ["a", "b"], [(1,)])
    with pytest.raises(TypeError, match="data must be a dict"):
        report("t", [1, 2])  # type: ignore[arg-type]
    timing = timeit(lambda: None, repeat=3, number=10)
    assert len(timing.runs) == 3
    assert timing.best <= timing.median
    assert format_seconds(0.0123) == "12.3 ms"
    assert format_seconds(2.5) == "2.5 s"
    with pytest.raises(ValueError, match="must be >= 1"):
        timeit(lambda: None, repeat=0)

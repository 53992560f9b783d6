"""tests/_components.py: a missing component is a skip for a developer and a failure in CI; the NestJS
reference server's build is keyed by what it is built from."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import _components as components
import pytest


def test_missing_component_skips_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(components.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium is missing: not on PATH"):
        components.missing("Chromium", "not on PATH")


@pytest.mark.parametrize("value", ["1", "true", "YES"])
def test_missing_component_fails_when_required(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(components.REQUIRE_ENV, value)
    with pytest.raises(pytest.fail.Exception, match=f"{components.REQUIRE_ENV}=1 requires it"):
        components.missing("Chromium", "not on PATH")


def test_no_node_is_a_component_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(components.ComponentMissing, match="no `node` on PATH"):
        components.build_nestjs()


def test_old_node_is_a_component_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    node = tmp_path / "node"
    node.write_text("#!/bin/sh\necho v18.19.1\n")
    node.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda name: str(node) if name == "node" else None)
    with pytest.raises(
        components.ComponentMissing, match=r"v18\.19\.1; NestJS 12 needs node >= 20"
    ):
        components.node_binary()


def _app(root: Path) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "package.json").write_text('{"name": "x"}')
    (root / "package-lock.json").write_text('{"lockfileVersion": 3}')
    (root / "tsconfig.json").write_text("{}")
    (root / "src" / "main.ts").write_text("export {};\n")
    return root


def test_build_key_follows_lockfile_and_sources(tmp_path: Path) -> None:
    app = _app(tmp_path / "app")
    lock = [app / "package.json", app / "package-lock.json"]
    sources = [*lock, app / "tsconfig.json", *components._sources(app)]
    before = (components._digest(lock, app), components._digest(sources, app))
    (app / "src" / "main.ts").write_text("export const x = 1;\n")
    after_source = (components._digest(lock, app), components._digest(sources, app))
    assert after_source[0] == before[0] and after_source[1] != before[1]  # no new npm ci
    (app / "package-lock.json").write_text('{"lockfileVersion": 3, "x": 1}')
    assert components._digest(lock, app) != before[0]


def test_failed_npm_ci_leaves_nothing_behind(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = _app(tmp_path / "app")
    cache = tmp_path / "cache"
    monkeypatch.setenv(components.CACHE_ENV, str(cache))
    monkeypatch.setattr(components, "node_binary", lambda: "/bin/true")
    monkeypatch.setattr(components, "_npm", lambda node: "/bin/false")
    with pytest.raises(components.ComponentMissing, match=r"npm ci .* failed \(exit 1\)"):
        components.build_nestjs(app)
    assert [p.name for p in cache.iterdir()] == ["nestjs.lock"]


def test_serve_prints_usage_on_a_bad_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert components._main(["frobnicate"]) == 2
    assert "usage:" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_on_path_is_checked_against_the_engines() -> None:
    out = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout
    major = int(out.strip().lstrip("v").split(".")[0])
    if major >= 20:
        assert components.node_binary() == shutil.which("node")
    else:
        with pytest.raises(components.ComponentMissing):
            components.node_binary()

"""contracttest.config: [tool.contracttest] from the nearest pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracttest.config import Config, find_pyproject, load_config
from contracttest.errors import SourceError, UsageError

PYPROJECT = """\
[project]
name = "demo"

[tool.contracttest]
spec = "spec/api.yaml"
overlay = ["spec/overlays/a.yaml", "/abs/b.yaml"]
remote = "https://example.com/openapi.json"

[tool.contracttest.lint]
fail-on = "error"

[tool.contracttest.lint.targets]
"payloads/*.json" = "CreateTwilioPhoneNumberDTO"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    return tmp_path


def test_found_walking_up_from_cwd(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project / "sub" / "deeper")
    config = load_config()
    assert config.path == project.resolve() / "pyproject.toml"
    assert config.root == project.resolve()
    assert config.get("spec") == "spec/api.yaml"
    assert config.get("lint.fail-on") == "error"
    assert config.get("lint.missing", 3) == 3
    assert config.get("spec.nope") is None
    assert config.section("lint")["fail-on"] == "error"
    assert config.section("lint.targets") == {"payloads/*.json": "CreateTwilioPhoneNumberDTO"}
    assert config.section("absent") == {}


def test_paths_resolved_against_pyproject_dir(project: Path) -> None:
    config = load_config(project / "sub")
    root = project.resolve()
    assert config.path_value("spec") == root / "spec" / "api.yaml"
    assert config.path_value("absent") is None
    assert config.path_value("absent", Path("x")) == Path("x")
    assert config.path_list("overlay") == [root / "spec/overlays/a.yaml", Path("/abs/b.yaml")]
    assert config.path_list("spec") == [root / "spec" / "api.yaml"]
    assert config.path_list("absent") == []
    assert config.resolve("https://example.com/openapi.json") == "https://example.com/openapi.json"
    assert config.resolve("x.yaml") == str(root / "x.yaml")


def test_wrong_types_are_usage_errors(project: Path) -> None:
    config = load_config(project)
    with pytest.raises(UsageError, match=r"\[tool.contracttest\] lint must be a non-empty path"):
        config.path_value("lint")
    with pytest.raises(UsageError, match="must be a path string or a list of path strings") as info:
        config.path_list("lint.targets")
    assert info.value.pointer == "/tool/contracttest/lint/targets"
    assert info.value.source == str(project.resolve() / "pyproject.toml")
    with pytest.raises(UsageError, match="spec must be a table"):
        config.section("spec")


def test_nearest_pyproject_without_table_is_skipped(project: Path) -> None:
    inner = project / "sub"
    (inner / "pyproject.toml").write_text('[project]\nname = "inner"\n', encoding="utf-8")
    found = find_pyproject(inner / "deeper")
    assert found is not None
    assert found[0] == project.resolve() / "pyproject.toml"


def test_no_pyproject_gives_empty_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    if find_pyproject(tmp_path) is not None:
        pytest.skip("a pyproject.toml with [tool.contracttest] exists above the temp dir")
    config = load_config()
    assert config == Config()
    assert config.path is None
    assert config.root == Path.cwd()
    assert config.get("spec", "d") == "d"


def test_malformed_toml_has_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.contracttest]\nspec = "a.yaml"\noverlay = [\n  "x" "y"\n]\n')
    with pytest.raises(SourceError, match="invalid TOML") as info:
        load_config(tmp_path)
    err = info.value
    assert err.source == str(path.resolve())
    assert (err.line, err.column) == (4, 7)
    assert str(err).startswith(f"{path.resolve()}:4:7: invalid TOML: ")


def test_unterminated_toml_reports_last_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.contracttest]\nspec = "a.yaml\n')
    with pytest.raises(SourceError, match="invalid TOML") as info:
        load_config(tmp_path)
    assert info.value.line is not None


def test_table_that_is_not_a_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool]\ncontracttest = "yes"\n')
    with pytest.raises(UsageError, match=r"\[tool.contracttest\] must be a table"):
        load_config(tmp_path)


def test_repo_config_names_the_seed_spec() -> None:
    repo = Path(__file__).resolve().parents[2]
    config = load_config(repo)
    assert config.path == repo / "pyproject.toml"
    assert config.path_value("spec") == repo / "spec" / "vapi-phone-numbers.yaml"

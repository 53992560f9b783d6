"""spec/MANIFEST.json lists every file in spec/ with its current sha256 and where it comes from."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from contracttest import _manifest
from contracttest.errors import UsageError

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"


def test_manifest_is_up_to_date() -> None:
    problems = _manifest.check_manifest(REPO)
    assert problems == [], (
        "spec/ and spec/MANIFEST.json disagree; after a deliberate change run "
        "`python -m contracttest._manifest` (see its docstring):\n" + "\n".join(problems)
    )


def test_every_listed_sha256_matches_independently() -> None:
    manifest = json.loads((REPO / "spec" / "MANIFEST.json").read_text(encoding="utf-8"))
    listed = {e["path"] for e in manifest["files"]}
    on_disk = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "spec").rglob("*")
        if p.is_file() and p.name != "MANIFEST.json" and not p.name.startswith(".")
    }
    assert listed == on_disk
    for entry in manifest["files"]:
        digest = hashlib.sha256((REPO / entry["path"]).read_bytes()).hexdigest()
        assert digest == entry["sha256"], entry["path"]
        assert entry["source"].strip()
        assert entry["description"].strip()


def test_transfer_destination_schema_parses() -> None:
    schema = json.loads((REPO / "spec" / "transfer-destination-number.schema.json").read_bytes())
    assert schema["title"] == "TransferDestinationNumber"
    assert schema["required"] == ["type", "number"]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed material (../shared/seeds) not present")
def test_copies_are_faithful_to_the_seeds() -> None:
    spec = REPO / "spec" / "vapi-phone-numbers.yaml"
    assert spec.read_bytes() == (SEEDS / "vapi-phone-numbers.openapi.yaml").read_bytes()
    page = (SEEDS / "002_7aaa165d83b887ff.txt").read_bytes()
    marker = "vapi-transferdestinationnumber-schema.json Raw ↑\n".encode()
    published = page[page.index(marker) + len(marker) :]
    schema = REPO / "spec" / "transfer-destination-number.schema.json"
    assert schema.read_bytes() == published


# --------------------------------------------------------------------------------------------------
# The regeneration tool, on a scratch repository


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "spec" / "overlays").mkdir(parents=True)
    (tmp_path / "spec" / "a.yaml").write_text("openapi: 3.0.0\n")
    (tmp_path / "spec" / "overlays" / "b.yaml").write_text("overlay: 1.0.0\n")
    (tmp_path / "spec" / ".hidden").write_text("ignored")
    return tmp_path


def _add_all(root: Path) -> None:
    code = _manifest.main(
        [
            "--root",
            str(root),
            *("--add", "spec/a.yaml", "--source", "seed A", "--description", "the spec"),
            *("--add", "spec/overlays/b.yaml", "--source", "here", "--description", "fixes"),
        ]
    )
    assert code == 0


def test_new_files_need_a_description(scratch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _manifest.main(["--root", str(scratch)]) == 2
    assert "new files need a source and a description" in capsys.readouterr().err
    with pytest.raises(UsageError, match="no such file"):
        _manifest.update_manifest(scratch, {"spec/zzz.yaml": ("s", "d")})


def test_regenerate_and_check(scratch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _manifest.check_manifest(scratch) == [
        "spec/a.yaml: not in spec/MANIFEST.json",
        "spec/overlays/b.yaml: not in spec/MANIFEST.json",
    ]
    _add_all(scratch)
    assert _manifest.check_manifest(scratch) == []
    assert _manifest.main(["--root", str(scratch), "--check"]) == 0

    # an edit without a manifest update is caught, and regeneration keeps the descriptions
    (scratch / "spec" / "a.yaml").write_text("openapi: 3.0.3\n")
    problems = _manifest.check_manifest(scratch)
    assert len(problems) == 1
    assert problems[0].startswith("spec/a.yaml: sha256 changed")
    assert _manifest.main(["--root", str(scratch), "--check"]) == 1
    assert _manifest.main(["--root", str(scratch)]) == 0
    assert "updated sha256 of spec/a.yaml" in capsys.readouterr().out
    data = _manifest.read_manifest(scratch)
    assert data["files"][0]["description"] == "the spec"
    assert _manifest.check_manifest(scratch) == []

    # a deleted file is reported, then dropped
    (scratch / "spec" / "overlays" / "b.yaml").unlink()
    assert _manifest.check_manifest(scratch) == [
        "spec/overlays/b.yaml: listed in spec/MANIFEST.json but does not exist"
    ]
    assert _manifest.main(["--root", str(scratch)]) == 0
    assert [e["path"] for e in _manifest.read_manifest(scratch)["files"]] == ["spec/a.yaml"]


def test_malformed_manifest(scratch: Path) -> None:
    (scratch / "spec" / "MANIFEST.json").write_text('{"files": {"a": 1}}')
    assert _manifest.main(["--root", str(scratch), "--check"]) == 2


def test_real_manifest_copied_checks_clean(tmp_path: Path) -> None:
    shutil.copytree(REPO / "spec", tmp_path / "spec")
    (tmp_path / "pyproject.toml").write_text("")
    assert _manifest.check_manifest(tmp_path) == []
    assert _manifest.find_root(tmp_path / "spec" / "overlays") == tmp_path

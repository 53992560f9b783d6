"""``contracttest lint`` end to end: exit codes, formats, configuration, examples, the pre-commit hook.

The CLI runs in-process (`contracttest.cli.run` with injected streams) from a temporary directory, so
the repository's own pyproject.toml does not leak into the tests unless a test writes one.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contracttest.cli import run
from contracttest.exitcodes import ExitCode

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "spec" / "vapi-phone-numbers.yaml"
OVERLAY = REPO / "spec" / "overlays" / "vapi-fixes.yaml"
EXAMPLES = REPO / "examples" / "payloads"
SARIF_SCHEMA = REPO / "tests" / "data" / "sarif-2.1.0.schema.json"
SPEC_ARGS = ["--spec", str(SPEC), "--overlay", str(OVERLAY)]

LOCAL_MIRROR = Path(os.environ.get("CONTRACTTEST_WHEEL_MIRROR", "/opt/pypi/files"))
"""Wheels of this machine's local PyPI mirror: the build backend (setuptools>=69) for try-repo."""

VALID = '{\n  "provider": "vapi",\n  "numberDesiredAreaCode": "415"\n}\n'
INVALID = (
    '{\n  "provider": "byo-phone-number",\n  "credentialId": "c",\n  "number": "4155550100"\n}\n'
)


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:  # shown when an assertion fails
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run ``contracttest lint ARGS`` in ``tmp_path`` (spec options added unless ``spec=False``)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)

    def invoke(*args: str, spec: bool = True, stdin: str | None = None) -> Result:
        out, err = io.StringIO(), io.StringIO()
        argv = ["lint", *(SPEC_ARGS if spec else []), *args]
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        code = run(argv, stdout=out, stderr=err)
        return Result(code, out.getvalue(), err.getvalue())

    return invoke


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return name


# ------------------------------------------------------------------------------------ exit codes
def test_exit_0_when_clean(cli: Callable[..., Result], tmp_path: Path) -> None:
    got = cli(_file(tmp_path, "ok.json", VALID), "--target", "POST /phone-number")
    assert got.code == ExitCode.OK, got
    assert got.out == "1 file checked: no findings.\n"


def test_exit_1_on_findings_with_file_line_column(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    got = cli(_file(tmp_path, "bad.json", INVALID), "--target", "POST /phone-number")
    assert got.code == ExitCode.FINDINGS, got
    assert got.out.startswith("bad.json:4:13: error phone.e164 ")
    assert "at $.number" in got.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "POST /phone-numbers"], "no DTO or operation named 'POST /phone-numbers'"),
        (["--spec", "missing.yaml"], "missing.yaml"),
        (["--max-file-size", "lots"], "not a size"),
        (["--format", "xml"], "invalid choice"),
    ],
)
def test_exit_2_when_it_cannot_run(
    cli: Callable[..., Result], tmp_path: Path, args: list[str], message: str
) -> None:
    name = _file(tmp_path, "ok.json", VALID)
    got = cli(*args, name)
    assert got.code == ExitCode.ERROR, got
    assert message in got.err
    assert got.out == ""


def test_exit_2_without_files(cli: Callable[..., Result]) -> None:
    got = cli()
    assert got.code == ExitCode.ERROR, got
    assert "FILE" in got.err


def test_directories_expand_and_an_empty_one_is_an_error(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    _file(tmp_path, "payloads/a/ok.json", VALID)
    _file(tmp_path, "payloads/b.yaml", "provider: vapi\n")
    _file(tmp_path, "payloads/.hidden/bad.json", INVALID)
    _file(tmp_path, "payloads/notes.txt", "not a payload")
    got = cli("payloads", "--target", "POST /phone-number", "--format", "json")
    assert got.code == ExitCode.OK, got
    assert sorted(f["path"] for f in json.loads(got.out)["files"]) == [
        "payloads/a/ok.json",
        "payloads/b.yaml",
    ]
    (tmp_path / "typo.json").mkdir()
    got = cli("typo.json", "--target", "POST /phone-number")
    assert got.code == ExitCode.ERROR, got
    assert "typo.json: no payload files in this directory" in got.err


def test_bad_files_are_findings_and_the_others_are_still_checked(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    names = [
        _file(tmp_path, "a-broken.json", '{"provider": "vapi",\n  "name": }\n'),
        _file(tmp_path, "b-empty.yaml", ""),
        _file(tmp_path, "d-ok.json", VALID),
        _file(tmp_path, "e-bad.json", INVALID),
    ]
    (tmp_path / "c-binary.json").write_bytes(b"\x00\x01\x02")
    got = cli(
        "--target",
        "POST /phone-number",
        "--format",
        "json",
        *names[:2],
        "c-binary.json",
        *names[2:],
        "f-missing.json",
    )
    assert got.code == ExitCode.FINDINGS, got
    doc = json.loads(got.out)
    rules = {f["path"]: [x["rule"] for x in f["findings"]] for f in doc["files"]}
    assert rules == {
        "a-broken.json": ["file.syntax"],
        "b-empty.yaml": ["file.empty"],
        "c-binary.json": ["file.binary"],
        "d-ok.json": [],
        "e-bad.json": ["phone.e164"],
        "f-missing.json": ["file.unreadable"],
    }
    broken = doc["files"][0]["findings"][0]
    assert (broken["line"], broken["column"]) == (2, 11)


def test_huge_files_are_reported_not_read(cli: Callable[..., Result], tmp_path: Path) -> None:
    name = _file(tmp_path, "big.json", '{"name": "' + "x" * 5000 + '"}')
    got = cli("--max-file-size", "4k", name)
    assert got.code == ExitCode.FINDINGS, got
    assert "big.json:1:1: error file.too-large " in got.out


def test_fail_on_sets_the_threshold(cli: Callable[..., Result], tmp_path: Path) -> None:
    # only a warning: only the first action of a ringing hook runs
    payload = {
        "$contract": "POST /phone-number",
        "provider": "vapi",
        "hooks": [
            {
                "on": "call.ringing",
                "do": [{"type": "say", "exact": "a"}, {"type": "say", "exact": "b"}],
            }
        ],
    }
    name = _file(tmp_path, "w.json", json.dumps(payload, indent=2))
    assert cli(name).code == ExitCode.FINDINGS
    relaxed = cli("--fail-on", "error", name)
    assert relaxed.code == ExitCode.OK, relaxed
    assert "warning hooks.do.multiple" in relaxed.out


def test_stdin(cli: Callable[..., Result]) -> None:
    got = cli("--target", "POST /phone-number", "-", stdin=INVALID)
    assert got.code == ExitCode.FINDINGS, got
    assert got.out.startswith("<stdin>:4:13: error phone.e164")


# ------------------------------------------------------------------------------------ the `on:` trap
HOOK_YAML = """\
"$contract": POST /phone-number
provider: vapi
hooks:
  - on: call.ringing
    do:
      - type: say
        exact: Please hold.
"""


def test_the_on_trap_is_parsed_as_yaml12_and_reported(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    name = _file(tmp_path, "hook.yaml", HOOK_YAML)
    got = cli("--format", "json", name)
    assert got.code == ExitCode.FINDINGS, got
    (finding,) = json.loads(got.out)["files"][0]["findings"]
    # read as the key "on" (YAML 1.2): the payload is valid, no {"true": ...} key reached the validator
    assert finding["rule"] == "yaml.bool-key"
    assert finding["severity"] == "warning"
    assert (finding["line"], finding["column"], finding["pointer"]) == (4, 5, "/hooks/0/on")
    assert "boolean true" in finding["message"]
    assert cli("--fail-on", "error", name).code == ExitCode.OK
    quoted = _file(tmp_path, "quoted.yaml", HOOK_YAML.replace("- on:", '- "on":'))
    assert cli(quoted).code == ExitCode.OK


# ------------------------------------------------------------------------------------ configuration
def _pyproject(tmp_path: Path, extra: str) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.contracttest]\n"
        f"spec = {json.dumps(str(SPEC))}\n"
        f"overlay = [{json.dumps(str(OVERLAY))}]\n" + extra,
        encoding="utf-8",
    )


def test_pyproject_glob_targets(cli: Callable[..., Result], tmp_path: Path) -> None:
    _pyproject(
        tmp_path,
        '\n[tool.contracttest.lint.targets]\n"payloads/updates/*.json" = "PATCH /phone-number/{id}"\n'
        '"payloads/**" = "POST /phone-number"\n',
    )
    update = '{"provider": "twilio", "name": "renamed"}'
    names = [
        _file(tmp_path, "payloads/updates/u.json", update),
        _file(tmp_path, "payloads/creates/c.json", update),
    ]
    (tmp_path / "sub").mkdir()
    got = cli("--format", "json", "-v", *names, spec=False)
    assert got.code == ExitCode.FINDINGS, got
    files = json.loads(got.out)["files"]
    assert [(f["target"], f["target_source"]) for f in files] == [
        ("PATCH /phone-number/{id}", "config"),
        ("POST /phone-number", "config"),
    ]
    assert files[0]["findings"] == []
    assert {x["rule"] for x in files[1]["findings"]} == {"schema.required"}


def test_pyproject_fail_on_and_bad_configuration(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    name = _file(tmp_path, "hook.yaml", HOOK_YAML)
    _pyproject(tmp_path, '\n[tool.contracttest.lint]\nfail-on = "error"\n')
    assert cli(name, spec=False).code == ExitCode.OK
    _pyproject(tmp_path, '\n[tool.contracttest.lint]\nfail-on = "sometimes"\n')
    bad = cli(name, spec=False)
    assert bad.code == ExitCode.ERROR, bad
    assert "fail-on must be error, warning or info" in bad.err
    _pyproject(tmp_path, '\n[tool.contracttest.lint]\ntargets = "POST /phone-number"\n')
    assert cli(name, spec=False).code == ExitCode.ERROR
    _pyproject(tmp_path, '\n[tool.contracttest.lint.targets]\n"*.yaml" = "POST /nowhere"\n')
    nowhere = cli(name, spec=False)
    assert nowhere.code == ExitCode.ERROR, nowhere
    assert "pyproject.toml" in nowhere.err and "'*.yaml'" in nowhere.err
    (tmp_path / "pyproject.toml").write_text("[tool.contracttest\n")
    assert cli(name, spec=False).code == ExitCode.ERROR


# ------------------------------------------------------------------------------------ formats
def test_text_states_detection(cli: Callable[..., Result], tmp_path: Path) -> None:
    got = cli(_file(tmp_path, "ok.json", VALID))
    assert got.code == ExitCode.OK, got
    assert got.out.splitlines()[0].startswith(
        "ok.json: note: detected target POST /phone-number (CreateVapiPhoneNumberDTO) by provider=vapi"
    )


def test_quiet_prints_only_findings(cli: Callable[..., Result], tmp_path: Path) -> None:
    names = [_file(tmp_path, "ok.json", VALID), _file(tmp_path, "bad.json", INVALID)]
    got = cli("-q", *names)
    assert got.code == ExitCode.FINDINGS, got
    assert got.out.splitlines() == [
        "bad.json:4:13: error phone.e164 not an E.164 phone number: must start with '+' at $.number"
        " (expected E.164 number ('+', country code, up to 15 digits); got \"4155550100\")"
    ]


def test_text_is_plain_when_not_a_terminal(cli: Callable[..., Result], tmp_path: Path) -> None:
    got = cli(_file(tmp_path, "bad.json", INVALID))
    assert "\x1b[" not in got.out


def test_json_format(cli: Callable[..., Result], tmp_path: Path) -> None:
    got = cli("--format", "json", _file(tmp_path, "bad.json", INVALID))
    doc = json.loads(got.out)
    assert doc["exit_code"] == got.code == ExitCode.FINDINGS
    (finding,) = doc["files"][0]["findings"]
    assert finding["rule"] == "phone.e164"
    assert (finding["source"], finding["line"], finding["column"]) == ("bad.json", 4, 13)
    assert finding["pointer"] == "/number"
    assert finding["target"] == "POST /phone-number"


def test_sarif_format_is_valid_sarif(cli: Callable[..., Result], tmp_path: Path) -> None:
    import jsonschema

    names = [
        _file(tmp_path, "payloads/bad.json", INVALID),
        _file(tmp_path, "payloads/hook.yaml", HOOK_YAML),
        _file(tmp_path, "payloads/broken.json", "{"),
    ]
    got = cli("--format", "sarif", *names)
    assert got.code == ExitCode.FINDINGS, got
    log = json.loads(got.out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(log, schema, cls=jsonschema.Draft7Validator)
    results = log["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results) == ["file.syntax", "phone.e164", "yaml.bool-key"]
    e164 = next(r for r in results if r["ruleId"] == "phone.e164")
    assert (
        e164["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "payloads/bad.json"
    )
    assert e164["locations"][0]["physicalLocation"]["region"] == {"startLine": 4, "startColumn": 13}
    # stable fingerprints: a second run gives the same ones
    again = json.loads(cli("--format", "sarif", *names).out)["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in again] == [r["partialFingerprints"] for r in results]


def test_github_format(cli: Callable[..., Result], tmp_path: Path) -> None:
    got = cli("--format", "github", _file(tmp_path, "bad, file.json", INVALID))
    assert got.code == ExitCode.FINDINGS, got
    lines = got.out.splitlines()
    assert lines[0].startswith("::notice file=bad%2C file.json,title=contracttest target::detected")
    assert lines[1].startswith("::error file=bad%2C file.json,line=4,col=13,title=phone.e164::")


# ------------------------------------------------------------------------------------ examples
VALID_EXAMPLES = sorted((EXAMPLES / "phone-numbers" / "valid").iterdir())
INVALID_EXAMPLES = sorted((EXAMPLES / "phone-numbers" / "invalid").iterdir())


def test_every_valid_example_is_clean(cli: Callable[..., Result]) -> None:
    got = cli("--format", "json", str(EXAMPLES / "phone-numbers" / "valid"))
    assert got.code == ExitCode.OK, got
    files = json.loads(got.out)["files"]
    assert len(files) == len(VALID_EXAMPLES)
    providers = {
        json.loads(Path(f["path"]).read_text())["provider"]
        for f in files
        if f["path"].endswith(".json")
    }
    assert providers == {"twilio", "vonage", "vapi", "telnyx", "byo-phone-number"}


@pytest.mark.parametrize("path", INVALID_EXAMPLES, ids=lambda p: p.name)
def test_every_invalid_example_shows_its_rule(cli: Callable[..., Result], path: Path) -> None:
    rule = path.name.rsplit(".", 1)[0].split("--")[0]  # <rule>[--variant].<ext>
    got = cli("--format", "json", str(path))
    assert got.code == ExitCode.FINDINGS, got
    findings = json.loads(got.out)["files"][0]["findings"]
    assert rule in {f["rule"] for f in findings}, got
    assert all(f["line"] >= 1 and f["column"] >= 1 for f in findings)


def test_every_rule_of_the_linter_has_an_example() -> None:
    from contracttest.lint.catalog import LINT_RULES

    shown = {p.name.rsplit(".", 1)[0].split("--")[0] for p in INVALID_EXAMPLES}
    missing = (
        set(LINT_RULES)
        - shown
        - {
            "file.binary",  # binary and non-UTF-8 files would trip the repo's own hygiene hooks
            "file.encoding",
            "file.too-large",
            "file.unreadable",
            "lint.target-conflict",  # needs --target or a glob next to "$contract"
            # no two bodies of the seed spec fit a payload equally (the create DTOs require the
            # provider tag, the update DTOs do not); tests/unit/test_lint_targeting.py shows it
            "lint.target-ambiguous",
        }
    )
    assert not missing


@pytest.mark.slow
def test_seed_call_examples_against_the_full_vapi_spec(
    cli: Callable[..., Result], vapi_spec_path: Path
) -> None:
    calls = EXAMPLES / "calls"
    create = cli(
        "--spec",
        str(vapi_spec_path),
        "--target",
        "POST /call",
        "--format",
        "json",
        str(calls / "create-phone-call.json"),
        spec=False,
    )
    assert create.code == ExitCode.FINDINGS, create
    findings = json.loads(create.out)["files"][0]["findings"]
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        by_rule.setdefault(f["rule"], []).append(f)
    # the page's "<string>" placeholder is not a phone number
    (e164,) = by_rule["phone.e164"]
    assert (e164["pointer"], e164["line"], e164["column"]) == ("/customer/number", 4, 11)
    # the current CreateCallDTO has no top-level metadata, and the old page has many retired fields
    assert any(f["pointer"] == "/metadata" for f in by_rule["schema.additionalProperties"])
    assert all(
        "[REDACTED]" in f.get("actual", "[REDACTED]") or "secret" not in f["pointer"].lower()
        for f in findings
    )
    update = cli(
        "--spec",
        str(vapi_spec_path),
        "--target",
        "PATCH /call/{id}",
        str(calls / "update-call.json"),
        spec=False,
    )
    assert update.code == ExitCode.OK, update
    # without a target: POST /call/phone is gone from the current spec; detection says what it picked
    detected = cli(
        "--spec",
        str(vapi_spec_path),
        "--format",
        "json",
        str(calls / "create-phone-call.json"),
        spec=False,
    )
    how = json.loads(detected.out)["files"][0]["how"]
    assert how.startswith("detected target POST /call by best match")


# ------------------------------------------------------------------------------------ pre-commit
def test_hook_manifest_is_valid_for_pre_commit() -> None:
    from pre_commit.clientlib import load_manifest

    (hook,) = load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    assert hook["id"] == "contracttest-lint"
    assert hook["entry"] == "contracttest lint"
    assert hook["types_or"] == ["json", "yaml"]
    assert hook["language"] == "python"


def _repack_venv_wheels(dest: Path) -> None:
    """Wheels of every distribution installed next to this interpreter, for an offline pip.

    try-repo installs the hook (``pip install .``) into a fresh virtualenv; with no network, pip gets
    our dependencies from these wheels (the same versions as this environment) and the build backend
    from the local mirror.
    """
    import base64
    import hashlib
    import sysconfig
    import zipfile
    from importlib import metadata

    site = Path(sysconfig.get_paths()["purelib"])
    for dist in metadata.distributions(path=[str(site)]):
        name = dist.metadata["Name"]
        if name is None or dist.read_text("direct_url.json"):  # editable: the project itself
            continue
        tags = [
            ln.split(":", 1)[1].strip()
            for ln in (dist.read_text("WHEEL") or "").splitlines()
            if ln.startswith("Tag:")
        ]
        if not tags or dist.files is None:
            continue
        # the compressed tag set of all tags (py2.py3-none-any), as the original file name had
        parts = [t.split("-") for t in tags]
        tag = "-".join(".".join(dict.fromkeys(p[i] for p in parts)) for i in range(3))
        norm = name.replace("-", "_").replace(".", "_")
        wheel = dest / f"{norm}-{dist.version}-{tag}.whl"
        record: list[str] = []
        dist_info = None
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
            for rel in dist.files:
                arc = rel.as_posix()
                if arc.startswith("..") or "__pycache__" in arc:
                    continue
                if arc.endswith(
                    (".dist-info/RECORD", ".dist-info/INSTALLER", ".dist-info/REQUESTED")
                ):
                    dist_info = arc.rsplit("/", 1)[0] if arc.endswith("RECORD") else dist_info
                    continue
                path = site / rel
                if not path.is_file():
                    continue
                data = path.read_bytes()
                zf.writestr(arc, data)
                digest = (
                    base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                )
                record.append(f"{arc},sha256={digest},{len(data)}")
            assert dist_info is not None, name
            record.append(f"{dist_info}/RECORD,,")
            zf.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")


@pytest.mark.slow
def test_hook_through_pre_commit_try_repo(tmp_path: Path) -> None:
    """Given a project with payload files, when pre-commit runs our hook from this repository,
    then a bad payload fails the hook with its line, and files outside payloads/ are not checked."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.is_file():
        pytest.skip("pre-commit is not installed in this environment")
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _repack_venv_wheels(wheels)
    project = tmp_path / "project"
    project.mkdir()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PIP_", "PRE_COMMIT", "VIRTUALENV_"))
        },
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": " ".join(str(p) for p in (wheels, LOCAL_MIRROR) if p.is_dir()),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "CONTRACTTEST_CACHE_DIR": str(tmp_path / "ct-cache"),
        "NO_COLOR": "1",
    }

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)

    git("init", "-q")
    (project / "pyproject.toml").write_text(
        f"[tool.contracttest]\nspec = {json.dumps(str(SPEC))}\noverlay = [{json.dumps(str(OVERLAY))}]\n"
    )
    _file(project, "payloads/good.json", VALID)
    _file(project, "payloads/bad.json", INVALID)
    _file(project, "package.json", '{"name": "not a payload"}\n')
    git("add", ".")
    proc = subprocess.run(
        [
            str(pre_commit),
            "try-repo",
            str(REPO),
            "contracttest-lint",
            "--verbose",
            "--files",
            "payloads/good.json",
            "payloads/bad.json",
            "package.json",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "contracttest lint" in output and "Failed" in output, output
    assert "payloads/bad.json:4:13: error phone.e164" in output, output
    assert "payloads/good.json: note: detected target POST /phone-number" in output, output
    assert "package.json" not in output, output  # outside payloads/: not the hook's business

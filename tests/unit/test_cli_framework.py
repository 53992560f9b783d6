"""The CLI framework: command registry, global options, error -> exit code mapping, spec options."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import contracttest.cli.commands as commands_pkg
from contracttest import cli
from contracttest.cli import ExitCode, main, resolve_spec_args, run
from contracttest.errors import UsageError

REPO = Path(__file__).resolve().parents[2]


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:  # shown when an assertion fails
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


def invoke(*argv: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), stdout=out, stderr=err)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def command_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory added to the commands package: files written there are command modules."""
    folder = tmp_path / "cmds"
    folder.mkdir()
    monkeypatch.setattr(commands_pkg, "__path__", [*commands_pkg.__path__, str(folder)])
    before = set(sys.modules)
    yield folder
    for name in set(sys.modules) - before:
        if name.startswith("contracttest.cli.commands."):
            del sys.modules[name]


def write_command(folder: Path, name: str, body: str, *, command: str | None = None) -> None:
    source = textwrap.dedent(
        f"""\
        from contracttest.exitcodes import ExitCode
        from contracttest.errors import SourceError


        def register(subparsers):
            parser = subparsers.add_parser({command or name!r}, help="test command")
            parser.add_argument("--what", default="ok")
            parser.set_defaults(execute=execute)


        def execute(args, console, err_console):
        """
    )
    source += textwrap.indent(textwrap.dedent(body), "    ")
    (folder / f"{name}.py").write_text(source, encoding="utf-8")


# --------------------------------------------------------------------------------------------------
# Built-in behaviour


def test_version_in_process() -> None:
    result = invoke("version")
    assert result.code == ExitCode.OK, result
    assert result.out.startswith("contracttest ")
    for name in ("python", "jsonschema", "hypothesis", "PyYAML", "libyaml"):
        assert name in result.out
    assert result.err == ""


def test_version_json() -> None:
    result = invoke("version", "--json")
    assert result.code == ExitCode.OK, result
    data = json.loads(result.out)
    assert data["contracttest"]
    assert data["jsonschema"]
    assert data["python"].split()[-1] == ".".join(map(str, sys.version_info[:3]))


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["version", "--help"]])
def test_help_exits_zero_on_stdout(argv: list[str]) -> None:
    result = invoke(*argv)
    assert result.code == ExitCode.OK, result
    assert result.out.startswith("usage: contracttest")
    assert result.err == ""


def test_top_level_help_lists_commands_and_exit_codes() -> None:
    result = invoke("--help")
    assert "version" in result.out
    assert "0 nothing found, 1 findings" in result.out
    for option in ("--debug", "--no-color", "--quiet", "--verbose"):
        assert option in result.out


def test_version_flag() -> None:
    result = invoke("--version")
    assert result.code == ExitCode.OK
    assert result.out.startswith("contracttest ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["no-such-command"], "invalid choice: 'no-such-command'"),
        (["version", "--bogus"], "unrecognized arguments: --bogus"),
        (["--bogus", "version"], "unrecognized arguments: --bogus"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str) -> None:
    result = invoke(*argv)
    assert result.code == ExitCode.ERROR, result
    assert message in result.err
    assert result.err.startswith("usage: contracttest")
    assert result.out == ""
    assert "Traceback" not in result.err


def test_main_exits_with_the_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["version"])
    assert info.value.code == 0
    assert "contracttest" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main(["no-such-command"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def _subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    return env


def test_python_dash_m_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "contracttest", "version"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=_subprocess_env(),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("contracttest ")
    assert "jsonschema" in proc.stdout


def test_python_dash_m_usage_error() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "contracttest", "frobnicate"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=_subprocess_env(),
        timeout=60,
    )
    assert proc.returncode == 2
    assert "invalid choice: 'frobnicate'" in proc.stderr
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------------------------------
# Error mapping (commands registered for the test)


@pytest.fixture
def fake(command_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(commands_pkg, "COMMANDS", ("version", "fake"))
    return command_dir


def test_exit_code_of_the_command_is_returned(fake: Path) -> None:
    write_command(fake, "fake", 'console.print("found"); return ExitCode.FINDINGS\n')
    result = invoke("fake")
    assert result.code == ExitCode.FINDINGS, result
    assert result.out == "found\n"


def test_contract_test_error_is_exit_2_without_traceback(fake: Path) -> None:
    write_command(
        fake, "fake", 'raise SourceError("bad thing", source="f.yaml", line=3, column=4)\n'
    )
    result = invoke("fake")
    assert result.code == ExitCode.ERROR
    assert result.err == "error: f.yaml:3:4: bad thing\n"
    assert result.out == ""


def test_error_message_with_brackets_is_not_eaten_by_markup(fake: Path) -> None:
    write_command(fake, "fake", 'raise SourceError("[tool.contracttest] spec [bold]x")\n')
    assert invoke("fake").err == "error: [tool.contracttest] spec [bold]x\n"


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_traceback(fake: Path, where: str) -> None:
    write_command(fake, "fake", 'raise SourceError("bad thing")\n')
    argv = ["--debug", "fake"] if where == "before" else ["fake", "--debug"]
    result = invoke(*argv)
    assert result.code == ExitCode.ERROR
    assert "Traceback (most recent call last)" in result.err
    assert result.err.endswith("error: bad thing\n")


def test_unexpected_exception_is_an_internal_error(fake: Path) -> None:
    write_command(fake, "fake", 'raise ZeroDivisionError("oops")\n')
    result = invoke("fake")
    assert result.code == ExitCode.ERROR
    assert result.err == (
        "internal error: ZeroDivisionError: oops\nre-run with --debug for the traceback\n"
    )
    debug = invoke("--debug", "fake")
    assert "Traceback (most recent call last)" in debug.err
    assert 'raise ZeroDivisionError("oops")' in debug.err
    assert "re-run with --debug" not in debug.err


def test_keyboard_interrupt_is_exit_2(fake: Path) -> None:
    write_command(fake, "fake", "raise KeyboardInterrupt\n")
    result = invoke("fake")
    assert result.code == ExitCode.ERROR
    assert result.err == "interrupted\n"


def test_command_returning_a_non_code_is_an_internal_error(fake: Path) -> None:
    write_command(fake, "fake", "return None\n")
    result = invoke("fake")
    assert result.code == ExitCode.ERROR
    assert "internal error: TypeError: command 'fake' returned None, not an exit code" in result.err


def test_command_calling_parser_error_is_a_usage_error(fake: Path) -> None:
    (fake / "fake.py").write_text(
        textwrap.dedent(
            """\
            def register(subparsers):
                parser = subparsers.add_parser("fake")
                parser.set_defaults(execute=lambda args, c, e: parser.error("--x needs --y"))
            """
        )
    )
    result = invoke("fake")
    assert result.code == ExitCode.ERROR
    assert "fake: error: --x needs --y" in result.err


def test_func_is_accepted_as_the_handler_name(fake: Path) -> None:
    (fake / "fake.py").write_text(
        textwrap.dedent(
            """\
            def register(subparsers):
                parser = subparsers.add_parser("fake")
                parser.set_defaults(func=lambda args, console, err: 0)
            """
        )
    )
    assert invoke("fake").code == ExitCode.OK


def test_global_options_reach_the_command(fake: Path) -> None:
    write_command(
        fake,
        "fake",
        """\
        console.print(f"debug={args.debug} color={args.no_color} verbosity={args.verbosity}")
        return 0
        """,
    )
    assert invoke("fake").out == "debug=False color=False verbosity=0\n"
    assert invoke("-vv", "fake", "--no-color").out == "debug=False color=True verbosity=2\n"
    assert invoke("fake", "-q", "--debug").out == "debug=True color=False verbosity=-1\n"


def test_command_defining_its_own_dash_v_keeps_it(fake: Path) -> None:
    (fake / "fake.py").write_text(
        textwrap.dedent(
            """\
            def register(subparsers):
                parser = subparsers.add_parser("fake")
                parser.add_argument("-v", "--verbose", action="store_true")
                parser.set_defaults(execute=execute)

            def execute(args, console, err):
                console.print(f"verbose={args.verbose} debug={args.debug}")
                return 0
            """
        )
    )
    assert invoke("fake", "-v", "--debug").out == "verbose=True debug=True\n"


def test_missing_command_module_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands_pkg, "COMMANDS", ("version", "not_written_yet"))
    assert invoke("version").code == ExitCode.OK
    assert "invalid choice" in invoke("not_written_yet").err


def test_command_module_with_a_broken_import_is_not_hidden(fake: Path) -> None:
    (fake / "fake.py").write_text("import contracttest_no_such_dependency\n")
    result = invoke("version")
    assert result.code == ExitCode.ERROR
    assert "internal error: ModuleNotFoundError" in result.err
    assert "contracttest_no_such_dependency" in result.err
    assert "Traceback" in invoke("--debug", "version").err


def test_command_module_without_register_is_a_bug(fake: Path) -> None:
    (fake / "fake.py").write_text("X = 1\n")
    result = invoke("version")
    assert result.code == ExitCode.ERROR
    assert "has no register(subparsers) function" in result.err


# --------------------------------------------------------------------------------------------------
# The spec group


def test_spec_group_absent_without_subcommands(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands_pkg, "COMMANDS", ("version", "spec"))
    monkeypatch.setattr(commands_pkg, "SPEC_COMMANDS", ("nothing_here",))
    assert "invalid choice: 'spec'" in invoke("spec").err


def test_spec_group_registers_spec_modules(
    command_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(commands_pkg, "COMMANDS", ("version", "spec"))
    monkeypatch.setattr(commands_pkg, "SPEC_COMMANDS", ("probe",))
    write_command(
        command_dir,
        "spec_probe",
        'console.print(f"probe {args.what} debug={args.debug}"); return 0\n',
        command="probe",
    )
    assert invoke("spec", "probe", "--what", "x", "--debug").out == "probe x debug=True\n"
    missing = invoke("spec")
    assert missing.code == ExitCode.ERROR
    assert "required: SUBCOMMAND" in missing.err
    help_text = invoke("spec", "--help").out
    assert "probe" in help_text


# --------------------------------------------------------------------------------------------------
# Consoles


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def colour_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    return monkeypatch


def _styled(console: Any) -> str:
    console.print("[red]hot[/red]")
    return str(console.file.getvalue())


def test_colour_only_on_a_terminal(colour_env: pytest.MonkeyPatch) -> None:
    assert "\x1b[" in _styled(cli.make_console(_Tty()))
    assert _styled(cli.make_console(io.StringIO())) == "hot\n"
    assert _styled(cli.make_console(_Tty(), no_color=True)) == "hot\n"
    colour_env.setenv("NO_COLOR", "1")
    assert _styled(cli.make_console(_Tty())) == "hot\n"


# --------------------------------------------------------------------------------------------------
# Spec options


def _spec_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_spec_options(parser)
    return parser.parse_args(list(argv))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.contracttest]\nspec = "api/spec.yaml"\noverlay = ["api/fix.yaml"]\n'
    )
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path.resolve()


def test_spec_and_overlays_from_config(project: Path) -> None:
    spec, overlays = resolve_spec_args(_spec_args())
    assert spec == str(project / "api/spec.yaml")
    assert overlays == [str(project / "api/fix.yaml")]


def test_explicit_spec_equal_to_configured_keeps_overlays(project: Path) -> None:
    _, overlays = resolve_spec_args(_spec_args("--spec", "../api/spec.yaml"))
    assert overlays == [str(project / "api/fix.yaml")]


def test_other_spec_drops_configured_overlays(project: Path) -> None:
    assert resolve_spec_args(_spec_args("--spec", "other.yaml")) == ("other.yaml", [])
    url = "https://example.com/openapi.json"
    assert resolve_spec_args(_spec_args("--spec", url)) == (url, [])


def test_explicit_overlays_replace_configured(project: Path) -> None:
    args = _spec_args("--overlay", "a.yaml", "--overlay", "b.yaml", "--strict")
    assert resolve_spec_args(args)[1] == ["a.yaml", "b.yaml"]
    assert args.strict is True


def test_no_overlay(project: Path) -> None:
    assert resolve_spec_args(_spec_args("--no-overlay"))[1] == []
    with pytest.raises(UsageError, match="contradict"):
        resolve_spec_args(_spec_args("--no-overlay", "--overlay", "a.yaml"))


def test_default_spec_in_cwd_or_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    if (tmp_path / "pyproject.toml").exists() or cli.DEFAULT_SPEC in str(tmp_path):
        pytest.skip("unexpected files in the temp dir")
    from contracttest.config import find_pyproject

    if find_pyproject(tmp_path) is not None:
        pytest.skip("a pyproject.toml with [tool.contracttest] exists above the temp dir")
    with pytest.raises(UsageError, match="no spec given: pass --spec"):
        resolve_spec_args(_spec_args())
    (tmp_path / "spec").mkdir()
    (tmp_path / cli.DEFAULT_SPEC).write_text("openapi: 3.0.0\n")
    assert resolve_spec_args(_spec_args()) == (cli.DEFAULT_SPEC, [])


def test_configured_spec_of_wrong_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.contracttest]\nspec = 3\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match="spec must be a path or URL string"):
        resolve_spec_args(_spec_args())


def test_load_spec_from_args_calls_load_spec(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import contracttest.openapi

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        contracttest.openapi,
        "load_spec",
        lambda source, *, overlays, strict, ref_dirs, ref_urls: (
            calls.append((source, overlays, strict, ref_dirs, ref_urls)) or "SPEC"
        ),
    )
    (project / "shared").mkdir()
    args = _spec_args(
        "--strict",
        "--allow-ref-dir",
        str(project / "shared"),
        "--allow-ref-url",
        "https://schemas.example.com/v1/",
    )
    assert cli.load_spec_from_args(args) == "SPEC"
    assert calls == [
        (
            str(project / "api/spec.yaml"),
            [str(project / "api/fix.yaml")],
            True,
            [str(project / "shared")],
            ["https://schemas.example.com/v1/"],
        )
    ]
    with pytest.raises(UsageError, match="expected an http"):
        cli.ref_urls_from_args(_spec_args("--allow-ref-url", "/etc"))


def test_allowed_ref_dirs_come_from_the_config_and_must_exist(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.contracttest]\nspec = "api/spec.yaml"\nallow-ref-dirs = ["shared"]\n'
    )
    with pytest.raises(UsageError, match="shared: no such directory"):
        cli.ref_dirs_from_args(_spec_args())
    (project / "shared").mkdir()
    assert cli.ref_dirs_from_args(_spec_args()) == [str(project / "shared")]


def test_load_spec_from_args_loads_the_seed_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    spec = cli.load_spec_from_args(_spec_args("--no-overlay"))
    assert spec.operation("PhoneNumberController_create") is not None


def test_missing_spec_file_through_the_cli(fake: Path, tmp_path: Path) -> None:
    (fake / "fake.py").write_text(
        textwrap.dedent(
            """\
            from contracttest.cli import add_spec_options, load_spec_from_args

            def register(subparsers):
                parser = subparsers.add_parser("fake")
                add_spec_options(parser)
                parser.set_defaults(execute=lambda a, c, e: load_spec_from_args(a) and 0)
            """
        )
    )
    missing = tmp_path / "missing.yaml"
    result = invoke("fake", "--spec", str(missing))
    assert result.code == ExitCode.ERROR, result
    assert result.err.startswith("error: ")
    assert str(missing) in result.err
    assert "Traceback" not in result.err


def test_start_up_imports_no_heavy_dependency() -> None:
    """Building the parser (every command module is imported) must stay cheap."""
    heavy = ("httpx", "jsonschema", "hypothesis", "starlette", "uvicorn", "openapi_spec_validator")
    code = textwrap.dedent(
        f"""\
        import io, sys
        from contracttest.cli import run
        assert run(["--help"], stdout=io.StringIO()) == 0
        print(",".join(m for m in {heavy!r} if m in sys.modules))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=_subprocess_env(),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"imported at start-up: {proc.stdout.strip()}"

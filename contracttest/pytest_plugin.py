"""The pytest plugin of contracttest (registered through the ``pytest11`` entry point).

Every pytest run in an environment where contracttest is installed loads this module, including runs
that never touch a contract. So it imports only pytest and the standard library; the spec model,
Hypothesis, the validators, httpx and the mock are imported by `contracttest.pytest._runtime` the
first time a contract fixture, marker or assertion helper is used (the same reasoning as Hypothesis'
``_hypothesis_pytestplugin``). A test in ``tests/plugin`` proves that an unrelated run imports none
of them.

Options live in a ``contracttest`` group and, except for tokens (secrets do not belong in committed
configuration), as ini keys in ``[tool.pytest.ini_options]``. Under pytest-xdist every worker sends
its results to the controller through ``config.workeroutput``; the controller merges them and writes
one set of reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import httpx

    from contracttest.openapi.model import Spec
    from contracttest.pytest._runtime import Runtime
    from contracttest.pytest.assertions import ContractValidator

# Option names are constants (one place to rename them).
SPEC = "--contract-spec"
OVERLAY = "--contract-overlay"
BASE_URL = "--contract-base-url"
TOKEN = "--contract-token"
MAX_EXAMPLES = "--contract-max-examples"
SEED = "--contract-seed"
REPORT_DIR = "--contract-report-dir"
REPORT_FORMATS = "--contract-report"
ALLOW_WRITES = "--contract-allow-writes"
FAIL_ON = "--contract-fail-on"

DEFAULT_MAX_EXAMPLES = 20
DEFAULT_REPORT_FORMATS = "json,junit,html,md"
WORKER_OUTPUT_KEY = "contracttest"
SEED_INPUT_KEY = "contracttest_seed"

MARKER = (
    "contract(spec=None, operations=None, checks=None, kinds=('valid', 'invalid'), "
    "max_examples=None, argname='case', overlays=None): generate one test per operation of the spec, each "
    "driven by Hypothesis; the test receives a contract case (see contracttest.pytest.parametrize)"
)

_STATE = pytest.StashKey["_PluginState"]()


class _PluginState:
    """Per-config state; the heavy `Runtime` is built on first use only."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.runtime: Runtime | None = None
        self.worker_payloads: list[str] = []
        self.lost_workers: list[str] = []
        self.summary: list[tuple[str, str]] = []
        """(markup, line) pairs for the terminal summary."""
        self.seed: int | None = None

    def get_runtime(self) -> Runtime:
        if self.runtime is None:
            from contracttest.pytest._runtime import Runtime

            self.runtime = Runtime.from_config(self.config)
        return self.runtime


# Sessions using this plugin, innermost last (pytester runs sessions inside sessions).
_CONFIGS: list[pytest.Config] = []


def active_runtime() -> Runtime | None:
    """The runtime of the innermost running session, built on first use; None outside pytest."""
    return runtime_of(_CONFIGS[-1]) if _CONFIGS else None


def _state(config: pytest.Config) -> _PluginState:
    return config.stash[_STATE]


def session_seed(config: pytest.Config) -> int:
    """The seed of the session's generated cases, the same in every xdist worker.

    ``--contract-seed`` / ini ``contract_seed`` when given, else drawn once by the controller and
    handed to the workers through ``workerinput`` (as pytest-randomly does).
    """
    state = _state(config)
    if state.seed is None:
        workerinput = getattr(config, "workerinput", None)
        if workerinput is not None and isinstance(workerinput.get(SEED_INPUT_KEY), int):
            state.seed = int(workerinput[SEED_INPUT_KEY])
        else:
            state.seed = _explicit_seed(config)
            if state.seed is None:
                import random

                state.seed = random.SystemRandom().randrange(2**31)
    return state.seed


def _explicit_seed(config: pytest.Config) -> int | None:
    value = config.getoption("contract_seed", None)
    if value is not None:
        return int(value)
    raw = str(config.getini("contract_seed") or "").strip()
    return int(raw) if raw.isdigit() else None  # a malformed value is reported by read_settings


def runtime_of(config: pytest.Config) -> Runtime:
    """The contract runtime of a pytest session (spec, mock, endpoints, results), built on first use."""
    return _state(config).get_runtime()


# --------------------------------------------------------------------------------------- options
def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contracttest", "contract tests (contracttest)")
    group.addoption(
        SPEC,
        dest="contract_spec",
        metavar="SPEC",
        default=None,
        help="OpenAPI spec file or URL for contract tests (ini: contract_spec; default: spec in "
        "[tool.contracttest] of pyproject.toml).",
    )
    group.addoption(
        OVERLAY,
        dest="contract_overlay",
        metavar="FILE",
        action="append",
        default=None,
        help="OpenAPI Overlay applied to the spec, repeatable (ini: contract_overlay).",
    )
    group.addoption(
        BASE_URL,
        dest="contract_base_url",
        metavar="URL",
        default=None,
        help="Endpoint the contract tests call (ini: contract_base_url; default: the built-in "
        "mock of the spec, served on 127.0.0.1).",
    )
    group.addoption(
        TOKEN,
        dest="contract_token",
        metavar="TOKEN",
        action="append",
        default=None,
        help="Bearer token, repeatable (a second one is another org). Default: $CONTRACTTEST_TOKEN "
        "(and $CONTRACTTEST_TOKEN_2), or $VAPI_API_KEY for Vapi specs. Never printed.",
    )
    group.addoption(
        MAX_EXAMPLES,
        dest="contract_max_examples",
        metavar="N",
        type=int,
        default=None,
        help=f"Hypothesis examples per generated contract test (ini: contract_max_examples; "
        f"default {DEFAULT_MAX_EXAMPLES}).",
    )
    group.addoption(
        SEED,
        dest="contract_seed",
        metavar="N",
        type=int,
        default=None,
        help="Seed of the generated cases (ini: contract_seed; default: random, shown with every "
        "failure and in the summary).",
    )
    group.addoption(
        REPORT_DIR,
        dest="contract_report_dir",
        metavar="DIR",
        default=None,
        help="Write the contract reports (as `contracttest run` does) into DIR at the end of the "
        "session (ini: contract_report_dir).",
    )
    group.addoption(
        REPORT_FORMATS,
        dest="contract_report",
        metavar="FORMATS",
        default=None,
        help=f"Report formats, comma-separated (ini: contract_report; default {DEFAULT_REPORT_FORMATS}).",
    )
    group.addoption(
        ALLOW_WRITES,
        dest="contract_allow_writes",
        action="store_true",
        default=None,
        help="Let contract tests create, change and delete resources on a non-loopback "
        "--contract-base-url (ini: contract_allow_writes).",
    )
    group.addoption(
        FAIL_ON,
        dest="contract_fail_on",
        choices=("contract", "advisory"),
        default=None,
        help="What fails a contract test: contract failures only (default), or advisory findings "
        "too (how helpful a 400 is, undocumented error statuses...) (ini: contract_fail_on).",
    )
    parser.addini("contract_spec", "OpenAPI spec file or URL for contract tests.", default="")
    parser.addini(
        "contract_overlay",
        "OpenAPI Overlay files applied to the spec.",
        type="linelist",
        default=[],
    )
    parser.addini("contract_base_url", "Endpoint the contract tests call.", default="")
    parser.addini("contract_max_examples", "Hypothesis examples per contract test.", default="")
    parser.addini("contract_seed", "Seed of the generated contract cases.", default="")
    parser.addini("contract_report_dir", "Directory for the contract reports.", default="")
    parser.addini("contract_report", "Contract report formats, comma-separated.", default="")
    parser.addini(
        "contract_allow_writes",
        "Let contract tests write to a non-loopback endpoint.",
        type="bool",
        default=False,
    )
    parser.addini(
        "contract_fail_on",
        "What fails a contract test: contract (default) or advisory.",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    config.stash[_STATE] = _PluginState(config)
    _CONFIGS.append(config)
    if _any_option(config):
        # Check the options now, so a typo stops the run before collection (exit 4).
        from contracttest.errors import ContractTestError
        from contracttest.pytest._settings import read_settings

        try:
            read_settings(config)
        except ContractTestError as exc:
            raise pytest.UsageError(f"contracttest: {exc}") from None


def pytest_unconfigure(config: pytest.Config) -> None:
    if config in _CONFIGS:
        _CONFIGS.remove(config)
    state = config.stash.get(_STATE, None)
    if state is not None and state.runtime is not None:
        state.runtime.close()


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    """One header line, only when the project configured contract tests."""
    if not _configured(config):
        return None
    from contracttest.pytest._runtime import describe_settings

    try:
        return [describe_settings(config)]
    except Exception as exc:  # a bad option surfaces again, with context, where it is used
        return [f"contracttest: {exc}"]


_OPTIONS = (
    "contract_spec",
    "contract_overlay",
    "contract_base_url",
    "contract_token",
    "contract_max_examples",
    "contract_seed",
    "contract_report_dir",
    "contract_report",
    "contract_allow_writes",
    "contract_fail_on",
)


def _any_option(config: pytest.Config) -> bool:
    if any(config.getoption(o, None) is not None for o in _OPTIONS):
        return True
    return any(config.getini(o) for o in _OPTIONS if o != "contract_token")


def _configured(config: pytest.Config) -> bool:
    opts = ("contract_spec", "contract_base_url", "contract_report_dir")
    if any(config.getoption(o, None) for o in opts):
        return True
    return any(config.getini(o) for o in opts)


# ------------------------------------------------------------------------------ test generation
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("contract") is None:
        return
    from contracttest.pytest._collect import generate

    generate(metafunc, runtime_of(metafunc.config))


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    callspec = getattr(pyfuncitem, "callspec", None)
    if callspec is None or pyfuncitem.get_closest_marker("contract") is None:
        return None
    from contracttest.pytest._collect import OperationSlot

    slot = next((v for v in callspec.params.values() if isinstance(v, OperationSlot)), None)
    if slot is None:
        return None
    from contracttest.pytest._drive import drive

    drive(pyfuncitem, slot, runtime_of(pyfuncitem.config))
    return True


# ------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def contract_spec(pytestconfig: pytest.Config) -> Spec:
    """The configured spec (``--contract-spec``, ini ``contract_spec``, ``[tool.contracttest]``)."""
    return runtime_of(pytestconfig).fixture_spec()


@pytest.fixture(scope="session")
def contract_mock(pytestconfig: pytest.Config) -> str:
    """Base URL of the built-in mock of the configured spec, served over HTTP on 127.0.0.1.

    It accepts the session's tokens (``--contract-token`` or the generated ones); the mock keeps
    state for the whole session.
    """
    return runtime_of(pytestconfig).fixture_mock()


@pytest.fixture(scope="session")
def contract_base_url(pytestconfig: pytest.Config) -> str:
    """The endpoint under test: ``--contract-base-url``, else the built-in mock's URL."""
    return runtime_of(pytestconfig).fixture_base_url()


@pytest.fixture
def contract_client(pytestconfig: pytest.Config) -> Iterator[httpx.Client]:
    """An ``httpx.Client`` bound to the endpoint under test, authenticated with the first token."""
    client = runtime_of(pytestconfig).fixture_client()
    with client:
        yield client


@pytest.fixture(scope="session")
def contract_validator(pytestconfig: pytest.Config) -> ContractValidator:
    """Validate payloads against the configured spec: ``contract_validator(payload, target)``."""
    return runtime_of(pytestconfig).fixture_validator()


# --------------------------------------------------------------------------------- session end
@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: every worker generates from the controller's seed."""
    node.workerinput[SEED_INPUT_KEY] = session_seed(node.config)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: collect a worker's contract results on the controller."""
    state = _state(node.config)
    output = getattr(node, "workeroutput", None) or {}
    payload = output.get(WORKER_OUTPUT_KEY)
    if isinstance(payload, str):
        state.worker_payloads.append(payload)
    elif error:
        gateway = getattr(getattr(node, "gateway", None), "id", "?")
        state.lost_workers.append(f"worker {gateway} went down ({error}); its results are missing")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = config.stash.get(_STATE, None)
    if state is None:
        return
    runtime = state.runtime
    payload = runtime.finish() if runtime is not None else None
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller writes the reports
        if payload is not None:
            workeroutput[WORKER_OUTPUT_KEY] = payload
        return
    payloads = [*state.worker_payloads, *([payload] if payload is not None else [])]
    if not payloads and not state.lost_workers:
        return  # no contract test ran: nothing to report (zero overhead)
    from contracttest.pytest._report import finish_session

    state.summary, failed = finish_session(config, payloads, state.lost_workers)
    if failed and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is None or not state.summary:
        return
    terminalreporter.section("contracttest")
    for markup, line in state.summary:
        terminalreporter.write_line(line, **({markup: True} if markup else {}))

"""The HTML report in a real headless browser (Chromium): the matrix renders, the report's script
runs, and a failure's details open from a link with its payload, response, finding and curl line.

Skipped when no Chromium is installed (Debian: ``apt-get install chromium``), and failed instead under
``CONTRACTTEST_REQUIRE_COMPONENTS=1`` (``.ci/run`` sets it and installs Chromium)."""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from _components import find_chromium, missing
from _runner_support import TOKENS, run_runner
from buggy_servers import make_app, serve

from contracttest.report import html

pytestmark = pytest.mark.network


@pytest.fixture(scope="module")
def browser() -> str:
    found = find_chromium()
    if found is None:
        missing("Chromium", "no chromium on PATH (Debian: apt-get install chromium)")
    return found


class _Dom(HTMLParser):
    """Element attributes and the text inside each failure's <details>."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.details_text: dict[str, list[str]] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "details":
            self._open.append(a.get("id") or "")
            self.details_text.setdefault(a.get("id") or "", [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "details" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open:
            self.details_text[self._open[-1]].append(data)


def _dump_dom(browser: str, page: Path, fragment: str, profile: Path) -> str:
    cmd = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=3000",
        "--dump-dom",
        page.resolve().as_uri() + fragment,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_report_renders_in_chromium(browser: str, fixed_spec: Any, tmp_path: Path) -> None:
    # Given a report of a run that found a bug (an undeclared member in every response)
    with serve(make_app(fixed_spec, TOKENS, "extra-field")) as url:
        result = run_runner(fixed_spec, url, checks=["response.schema", "server.no-5xx"])
    page = html.write(result, tmp_path)
    failures = result.failures()
    assert failures
    # When Chromium opens it at the first failure's anchor
    dom = _Dom()
    dom.feed(_dump_dom(browser, page, "#failure-1", tmp_path / "profile"))
    # Then the matrix is there, one cell per operation x check, and the report's script ran
    cells = [a for t, a in dom.elements if t == "td" and "cell" in (a.get("class") or "")]
    assert len(cells) == len(result.operations) * len(result.checks)
    assert any("failed" in (a.get("class") or "") for a in cells)
    body = next(a for t, a in dom.elements if t == "body")
    assert body.get("data-matrix-cells") == str(len(cells))
    assert body.get("data-verdict") == "failed"
    # And the linked failure is open, with its finding, payload, response and curl line
    details = {a.get("id"): a for t, a in dom.elements if t == "details"}
    assert "open" in details["failure-1"]
    assert "open" not in details.get("failure-2", {"x": None})
    text = "".join(dom.details_text["failure-1"])
    first = failures[0]
    assert first.finding.rule in text
    assert "minimal payload" in text or first.payload is None
    assert "HTTP 2" in text  # the response status line
    assert "curl -sS -X" in text
    assert "${CONTRACTTEST_TOKEN}" in text and TOKENS[0] not in text


def test_warnings_show_first_when_the_pass_means_little(
    browser: str, fixed_spec: Any, tmp_path: Path
) -> None:
    # Given a run whose every request carried a token the server does not know (all 401)
    wrong = "sk-not-a-token-this-server-knows"
    with serve(make_app(fixed_spec, TOKENS, None)) as url:
        result = run_runner(
            fixed_spec,
            url,
            tokens=[wrong],
            checks=["response.schema", "server.no-5xx"],
            include=["PhoneNumberController_findAll", "PhoneNumberController_findOne"],
        )
    page = html.write(result, tmp_path)
    # When Chromium renders the report
    dom = _Dom()
    dom.feed(_dump_dom(browser, page, "", tmp_path / "profile"))
    # Then the first section of the page is the warnings, before the run's summary and the matrix
    sections = [a.get("id") for t, a in dom.elements if t == "section"]
    assert sections[0] == "warnings", sections
    assert sections.index("summary") < sections.index("matrix-section")
    # with the authentication warning first and open, naming every operation with its numbers
    warnings = [
        a for t, a in dom.elements if t == "details" and "warning" in (a.get("class") or "")
    ]
    first = warnings[0]
    assert first.get("id") == "warning-auth-rejected"
    assert first.get("data-affects-verdict") == "true" and "open" in first
    text = "".join(dom.details_text["warning-auth-rejected"])
    assert "PhoneNumberController_findAll" in text and "PhoneNumberController_findOne" in text
    assert "responses were 401/403" in text
    # and the verdict in the header links to it, as does each operation's row of the matrix
    caveat = next(a for t, a in dom.elements if t == "a" and a.get("id") == "caveat")
    assert caveat.get("href") == "#warning-auth-rejected"
    marks = [a for t, a in dom.elements if t == "a" and "row-warn" in (a.get("class") or "")]
    assert len(marks) == 2 and all(m.get("href") == "#warning-auth-rejected" for m in marks)
    body = next(a for t, a in dom.elements if t == "body")
    assert body.get("data-warnings") == str(len(warnings))
    # and the wrong token is nowhere in the page
    assert wrong not in page.read_text(encoding="utf-8")

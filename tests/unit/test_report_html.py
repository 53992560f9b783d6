"""The HTML report: self-contained, escaped, matrix and failure details (a browser test is in
tests/integration/test_runner_html_browser.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from _report_sample import XSS, assert_no_secret, sample_result

from contracttest.report import html


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self.scripts += 1


def test_matrix_and_failures_are_rendered() -> None:
    result = sample_result(failures=2)
    page = html.render(result)
    parser = _Collect()
    parser.feed(page)
    cells = [a for t, a in parser.tags if t == "td" and "cell" in (a.get("class") or "")]
    assert len(cells) == len(result.operations) * len(result.checks)
    failed = [a for a in cells if "failed" in (a.get("class") or "")]
    assert len(failed) == 1
    details = [a for t, a in parser.tags if t == "details" and a.get("id")]
    assert [d.get("id") for d in details] == ["failure-1", "failure-2"]
    assert 'href="#failure-1"' in page
    assert "<svg" in page  # charts are inline


def test_self_contained_and_escaped() -> None:
    page = html.render(sample_result())
    parser = _Collect()
    parser.feed(page)
    assert parser.scripts == 1  # ours only: the payload's <script> is text
    assert XSS not in page
    assert "&lt;/pre&gt;&lt;script&gt;" in page
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)
    assert "Content-Security-Policy" in page
    assert_no_secret(page)


def test_coverage_section() -> None:
    page = html.render(sample_result())
    assert 'id="coverage"' in page
    assert "negative coverage 9/10 (90.0%), valid edges 4/4" in page
    assert "1 unit(s) not exercised" in page


def test_top_failures_rank_kinds_and_link_to_their_first_case() -> None:
    # Given three failing cases of one kind (check and rule)
    page = html.render(sample_result(failures=3))
    top = page[
        page.index('<div id="top-failures">') : page.index("</ol>", page.index("top-failures"))
    ]
    # Then the summary lists that kind once, with its count, linked to its first case
    assert top.count("<li>") == 1
    assert 'href="#failure-1"' in top and "schema.required" in top
    assert "3 case(s) on 1 operation(s)" in top
    # and a run without failures has no such list
    assert '<div id="top-failures">' not in html.render(sample_result(failures=0))

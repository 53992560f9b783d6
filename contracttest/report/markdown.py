"""Markdown summary for pull requests and ``$GITHUB_STEP_SUMMARY`` (kept under 1 MiB).

GitHub caps a step summary at 1 MiB and refuses bigger ones, so failures are added until the budget
is spent and the rest is counted in a note pointing at the JSON/HTML reports.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracttest.report._atomic import atomic_write

if TYPE_CHECKING:
    from contracttest.runner.results import CheckResult, Failure, RunResult

__all__ = ["FILENAME", "MAX_BYTES", "render", "write", "write_step_summary"]

FILENAME = "report.md"
MAX_BYTES = 1024 * 1024
_BUDGET = MAX_BYTES - 32 * 1024  # headroom for the closing notes
ICON = {"passed": "✅", "failed": "❌", "advisory": "🔶", "errored": "⚠️", "skipped": "➖"}
VERDICT = {"passed": "✅ PASSED", "failed": "❌ FAILED", "error": "⚠️ ERROR"}


def _md(text: Any) -> str:
    """Escape what would break a table cell or inline markup."""
    s = str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    for ch in "`*_<>[]":
        s = s.replace(ch, "\\" + ch)
    return s


def _fence(text: str, lang: str = "") -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{lang}\n{text}\n{fence}"


def _json(value: Any, limit: int = 6000) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell(r: CheckResult | None) -> str:
    if r is None:
        return "·"
    icon = ICON[r.status.value]
    return f"{icon} {len(r.failures)}" if r.failures else icon


def _failure(n: int, f: Failure) -> str:
    fi = f.finding
    lines = [
        f"<details><summary><b>#{n}</b> {'🔶 advisory · ' if f.level != 'contract' else ''}"
        f"<code>{_html(f.check)}</code> · {_html(f.operation)} — {_html(fi.message)}</summary>",
        "",
        f"- rule: `{fi.rule}` at `{fi.path}`",
    ]
    if fi.expected is not None:
        lines.append(f"- expected: {_md(fi.expected)}")
    if fi.actual is not None:
        lines.append(f"- actual: {_md(fi.actual)}")
    if f.case:
        lines.append(f"- case: {_md(f.case)}")
    if f.occurrences > 1:
        lines.append(f"- seen: {f.occurrences} cases failed this way; this is the smallest")
    lines.extend(f"- step: {_md(s)}" for s in f.steps)
    lines.append("")
    if f.payload is not None:
        lines += ["Payload:", "", _fence(_json(f.payload), "json"), ""]
    if f.request is not None:
        lines += ["Reproduce:", "", _fence(f.request.curl, "sh"), ""]
    if f.response is not None:
        r = f.response
        body = r.body if r.body is not None else r.body_text
        text = f"HTTP {r.status}"
        if body is not None:
            text += "\n" + (_json(body) if not isinstance(body, str) else body[:6000])
        lines += ["Response:", "", _fence(text), ""]
    lines.append("</details>")
    lines.append("")
    return "\n".join(lines)


def _coverage(result: RunResult) -> list[str]:
    from contracttest.report._coverage import coverage_line, gate_line
    from contracttest.runner.results import percent

    line = coverage_line(result)
    if line is None:
        return []
    out = ["### Coverage", "", _md(line) + ".", ""]
    gate = gate_line(result)
    if gate:
        out += [
            f"> {'**' if result.coverage_short else ''}{_md(gate)}"
            f"{'**' if result.coverage_short else ''}",
            "",
        ]
    families = sorted({f for c in result.coverage for f in c.families})
    out += ["| operation | negative | edges | " + " | ".join(families) + " |"]
    out += ["|" + " --- |" * (len(families) + 3)]
    for c in result.coverage:
        cells = [
            f"{c.families[f][0]}/{c.families[f][1]}" if f in c.families else "·" for f in families
        ]
        out.append(
            f"| {_md(c.operation)} | {c.negative[0]}/{c.negative[1]} ({percent(c.negative):.0f}%) "
            f"| {c.edges[0]}/{c.edges[1]} | " + " | ".join(cells) + " |"
        )
    out.append("")
    missed = [(c.operation, m) for c in result.coverage for m in c.missed]
    if missed:
        total = sum(c.missed_total for c in result.coverage)
        out += [f"<details><summary>{total} unit(s) not exercised</summary>", ""]
        for op, m in missed[:100]:
            where = f"{m['part']}{m['location'] or '/'}"
            variant = f" [{m['variant']}]" if m.get("variant") else ""
            out.append(
                f"- {_md(op)}: `{m['rule']}` at `{where}`{_md(variant)} ({_md(m['way'])}): "
                f"{_md(m.get('reason', ''))}"
            )
        if total > 100:
            out.append(f"- … {total - 100} more (see the JSON report)")
        out += ["", "</details>", ""]
    return out


def _warnings(result: RunResult) -> list[str]:
    """Warnings first, as GitHub alerts: ``[!WARNING]`` when they affect the verdict."""
    from contracttest.report.run_warnings import warnings_of

    out: list[str] = []
    for w in warnings_of(result):
        out.append(f"> [!{'WARNING' if w.affects_verdict else 'NOTE'}]")
        out.append(f"> **{_md(w.title)}**: {_md(w.message)}.")
        for item in w.items[:10]:
            where = f"`{item.operation}`: " if item.operation else ""
            out.append(f"> - {where}{_md(item.detail)}")
        if len(w.items) > 10:
            out.append(f"> - … and {len(w.items) - 10} more (see the JSON or HTML report)")
        out += [">", f"> {_md(w.tip)}", ""]
    return out


def _html(text: str) -> str:
    from html import escape

    return escape(str(text), quote=False)


def render(result: RunResult, *, max_bytes: int = MAX_BYTES) -> str:
    m = result.metadata
    failures = result.failures()
    counts = result.counts()
    from contracttest.report.run_warnings import affecting, warnings_of

    serious = len(affecting(warnings_of(result)))
    caveat = f" (⚠️ {serious} warning{'s' if serious != 1 else ''} below)" if serious else ""
    out: list[str] = [
        f"## contracttest: {VERDICT[result.verdict]}{caveat}",
        "",
        f"**{_md(m.spec_title)} {_md(m.spec_version)}** against `{m.base_url}` ({m.target}"
        f"{', read-only' if m.read_only else ''}) — {len(result.operations)} operations × "
        f"{len(result.checks)} checks: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['advisory']} advisory, {counts['errored']} errored, {counts['skipped']} skipped; "
        f"{len(result.failures('contract'))} failing case(s), "
        f"{len(result.failures('advisory'))} advisory finding(s); "
        f"{m.requests} requests in {m.duration_s:.1f} s.",
        "",
        f"Spec sha256 `{m.spec_sha256[:16]}…` · seed `{m.seed}` · max examples {m.max_examples} · "
        f"contracttest {m.versions.get('contracttest', '?')}",
        "",
    ]
    out += _warnings(result)
    if m.aborted:
        out += [f"> **Aborted:** {_md(m.aborted)}", ""]
    if m.interrupted:
        out += ["> **Interrupted:** results are partial.", ""]
    header = "| operation | " + " | ".join(_md(result.short_of(c)) for c in result.checks) + " |"
    out += [header, "|" + " --- |" * (len(result.checks) + 1)]
    for op in result.operations:
        cells = [_cell(result.result(op.label, c)) for c in result.checks]
        out.append(f"| `{op.method} {op.path}` | " + " | ".join(cells) + " |")
    out.append("")
    legend = ", ".join(f"`{result.short_of(c)}` = {_md(result.title_of(c))}" for c in result.checks)
    out += [f"<sub>{legend}</sub>", ""]

    errored = [
        (op.label, r)
        for op in result.operations
        for c in result.checks
        if (r := result.result(op.label, c)) is not None and r.errors
    ]
    if errored:
        out += ["### Could not finish", ""]
        out += [f"- `{r.check}` on {_md(op)}: {_md('; '.join(r.errors[:2]))}" for op, r in errored]
        out.append("")

    out += _coverage(result)
    if failures:
        out += [f"### Failures ({len(failures)})", ""]
    text = "\n".join(out)
    size = len(text.encode("utf-8"))
    budget = min(_BUDGET, max_bytes - 32 * 1024) if max_bytes > 64 * 1024 else max_bytes // 2
    shown = 0
    for i, f in enumerate(failures, start=1):
        block = _failure(i, f)
        block_size = len(block.encode("utf-8")) + 1
        if size + block_size > budget:
            break
        text += "\n" + block
        size += block_size
        shown += 1
    if shown < len(failures):
        text += (
            f"\n> {len(failures) - shown} more failing case(s) are left out to stay under the "
            f"summary size limit; see the JSON or HTML report.\n"
        )
    if result.spec_findings:
        text += f"\n### Spec findings ({len(result.spec_findings)})\n\n"
        for sf in sorted(result.spec_findings, key=lambda x: x.sort_key())[:50]:
            line = f"- `{sf.rule}` ({sf.severity}) {_md(sf.message)}\n"
            if len(text.encode("utf-8")) + len(line.encode("utf-8")) > max_bytes - 1024:
                break
            text += line
    for note in result.notes:
        line = f"\n> {_md(note)}\n"
        if len(text.encode("utf-8")) + len(line.encode("utf-8")) > max_bytes - 256:
            break
        text += line
    text = result.scrub(text)
    encoded = text.encode("utf-8")
    if len(encoded) >= max_bytes:
        text = encoded[: max_bytes - 64].decode("utf-8", "ignore") + "\n\n…(cut)\n"
    return text


def write(result: RunResult, directory: Path) -> Path:
    return atomic_write(directory / FILENAME, render(result))


def write_step_summary(result: RunResult) -> Path | None:
    """Append the summary to ``$GITHUB_STEP_SUMMARY`` when it is set (GitHub appends per step)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    text = render(result)
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(text if text.endswith("\n") else text + "\n")
    return Path(target)

"""A self-contained HTML report: the warnings that qualify the verdict first (next to the verdict, a
link to them; in the matrix, a mark on each operation they name), then the run, charts (inline SVG),
the operations x checks matrix, coverage, and every failure with its minimal payload, the response,
the finding and a ``curl`` line.

No external resource is referenced (a Content-Security-Policy meta tag forbids it), so the file can be
attached to a CI run and opened anywhere. Every value is escaped; everything is already redacted.
"""

from __future__ import annotations

import json
import math
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracttest.report._atomic import atomic_write
from contracttest.runner.results import STATUSES

if TYPE_CHECKING:
    from contracttest.report.run_warnings import RunWarning
    from contracttest.runner.results import CheckResult, Failure, RunResult

__all__ = ["FILENAME", "render", "write"]

FILENAME = "report.html"
COLORS = {
    "passed": "#2e7d32",
    "failed": "#c62828",
    "advisory": "#8e24aa",
    "errored": "#ef6c00",
    "skipped": "#9e9e9e",
}
ICONS = {"passed": "✓", "failed": "✗", "advisory": "⚠", "errored": "!", "skipped": "–"}

_CSS = """
:root { --pass:#2e7d32; --fail:#c62828; --err:#ef6c00; --skip:#9e9e9e; --bg:#fafafa; --fg:#212121; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: var(--fg); background: var(--bg); }
header { padding: 18px 28px; background: #263238; color: #fff; }
header h1 { margin: 0 0 4px; font-size: 20px; }
main { padding: 18px 28px 60px; max-width: 1600px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 700;
           text-transform: uppercase; letter-spacing: .04em; }
.verdict.passed { background: var(--pass); } .verdict.failed { background: var(--fail); }
.verdict.error { background: var(--err); }
table.meta td { padding: 1px 14px 1px 0; vertical-align: top; }
table.meta td:first-child { color: #607d8b; white-space: nowrap; }
section { margin-top: 26px; }
h2 { font-size: 17px; border-bottom: 1px solid #cfd8dc; padding-bottom: 4px; }
.charts { display: flex; flex-wrap: wrap; gap: 28px; align-items: flex-start; }
.chart { background: #fff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 10px 14px; }
.chart h3 { margin: 0 0 6px; font-size: 13px; color: #455a64; }
table.matrix { border-collapse: collapse; background: #fff; }
table.matrix th, table.matrix td { border: 1px solid #e0e0e0; padding: 4px 6px; text-align: center; }
table.matrix th.check { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
                        font-weight: 600; font-size: 12px; padding: 8px 4px; }
table.matrix td.op { text-align: left; white-space: nowrap; }
table.matrix td.cell { font-weight: 700; min-width: 30px; }
td.cell a { color: inherit; text-decoration: none; display: block; }
td.passed { background: #e8f5e9; color: var(--pass); } td.failed { background: #ffebee; color: var(--fail); }
td.errored { background: #fff3e0; color: var(--err); } td.skipped { background: #f5f5f5; color: var(--skip); }
.method { font-family: ui-monospace, monospace; font-weight: 700; font-size: 12px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
pre { background: #263238; color: #eceff1; padding: 10px 12px; border-radius: 5px; overflow-x: auto;
      white-space: pre-wrap; word-break: break-word; max-height: 420px; }
details.failure { background: #fff; border: 1px solid #ef9a9a; border-left: 5px solid var(--fail);
                  border-radius: 5px; margin: 10px 0; padding: 6px 12px; }
details.failure > summary { cursor: pointer; font-weight: 600; }
details.failure:target { box-shadow: 0 0 0 3px #ffcdd2; }
.finding { margin: 8px 0; }
.finding dt { float: left; width: 90px; color: #607d8b; clear: left; }
.finding dd { margin-left: 100px; }
.label { color: #607d8b; font-size: 12px; text-transform: uppercase; letter-spacing: .05em; margin-top: 10px; }
button.copy { float: right; font-size: 11px; margin-top: -2px; }
.toolbar { margin: 8px 0; }
body.only-failing tr.row-ok { display: none; }
.legend span { margin-right: 14px; }
.spec-finding { margin: 4px 0; }
.times { color: #607d8b; font-weight: 400; }
a.caveat { display: inline-block; margin-left: 12px; padding: 2px 10px; border-radius: 12px;
           background: #ffb300; color: #212121; font-size: 13px; font-weight: 700; text-decoration: none; }
section#warnings { margin-top: 0; }
section#warnings h2 { color: #e65100; border-bottom-color: #ffcc80; }
details.warning { background: #fff8e1; border: 1px solid #ffcc80; border-left: 5px solid #ffb300;
                  border-radius: 5px; margin: 8px 0; padding: 6px 12px; }
details.warning.note { background: #fff; border-left-color: #b0bec5; border-color: #e0e0e0; }
details.warning > summary { cursor: pointer; }
details.warning .w-title { font-weight: 700; margin-right: 8px; }
details.warning ul { margin: 6px 0; }
details.warning .tip { color: #455a64; }
#top-failures h3 { font-size: 14px; margin: 14px 0 4px; }
#top-failures ol { margin: 0; padding-left: 22px; }
a.row-warn { color: #e65100; text-decoration: none; font-weight: 700; margin-left: 4px; }
"""

_JS = """
(function () {
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var el = document.getElementById(id);
    if (el && el.tagName === 'DETAILS') { el.open = true; el.scrollIntoView(); }
  }
  window.addEventListener('hashchange', openTarget);
  document.addEventListener('DOMContentLoaded', function () {
    openTarget();
    var toggle = document.getElementById('only-failing');
    if (toggle) toggle.addEventListener('change', function () {
      document.body.classList.toggle('only-failing', toggle.checked);
    });
    document.querySelectorAll('button.copy').forEach(function (b) {
      b.addEventListener('click', function () {
        var pre = document.getElementById(b.getAttribute('data-target'));
        if (pre && navigator.clipboard) navigator.clipboard.writeText(pre.textContent);
      });
    });
    var cells = document.querySelectorAll('table.matrix td.cell');
    document.body.setAttribute('data-matrix-cells', String(cells.length));
  });
})();
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


def _donut(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    size, r, stroke = 150, 52, 22
    c = 2 * math.pi * r
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" role="img" aria-label="results">'
    ]
    parts.append(
        f'<circle cx="75" cy="75" r="{r}" fill="none" stroke="#eeeeee" stroke-width="{stroke}"/>'
    )
    offset = 0.0
    for status in STATUSES:
        n = counts.get(status, 0)
        if not n or not total:
            continue
        length = c * n / total
        parts.append(
            f'<circle cx="75" cy="75" r="{r}" fill="none" stroke="{COLORS[status]}" '
            f'stroke-width="{stroke}" stroke-dasharray="{length:.2f} {c - length:.2f}" '
            f'stroke-dashoffset="{-offset:.2f}" transform="rotate(-90 75 75)">'
            f"<title>{status}: {n}</title></circle>"
        )
        offset += length
    parts.append(
        f'<text x="75" y="72" text-anchor="middle" font-size="22" font-weight="700">{total}</text>'
        '<text x="75" y="92" text-anchor="middle" font-size="11" fill="#607d8b">checks</text></svg>'
    )
    return "".join(parts)


def _bars(result: RunResult) -> str:
    """One stacked bar per check: how many operations passed / failed / errored / were skipped."""
    rows = []
    for cid in result.checks:
        counts = dict.fromkeys(STATUSES, 0)
        for op in result.operations:
            r = result.result(op.label, cid)
            if r is not None:
                counts[r.status.value] += 1
        rows.append((cid, counts))
    width, bar_w, row_h, label_w = 640, 300, 20, 210
    height = row_h * len(rows) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="results per check">'
    ]
    for i, (cid, counts) in enumerate(rows):
        y = 5 + i * row_h
        total = sum(counts.values()) or 1
        out.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="11">'
            f"{_e(result.short_of(cid))}</text>"
        )
        x = float(label_w)
        for status in STATUSES:
            n = counts[status]
            if not n:
                continue
            w = bar_w * n / total
            out.append(
                f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{row_h - 6}" '
                f'fill="{COLORS[status]}"><title>{_e(cid)} {status}: {n}</title></rect>'
            )
            x += w
        fails = sum(
            len(r.failures)
            for op in result.operations
            if (r := result.result(op.label, cid)) is not None
        )
        if fails:
            out.append(
                f'<text x="{label_w + bar_w + 6}" y="{y + 13}" font-size="11" fill="{COLORS["failed"]}">'
                f"{fails} failing case{'s' if fails != 1 else ''}</text>"
            )
    out.append("</svg>")
    return "".join(out)


def _phases(result: RunResult) -> str:
    phases = [p for p in result.phases if p.seconds > 0 or p.requests]
    if not phases:
        return ""
    longest = max(p.seconds for p in phases) or 1.0
    width, bar_w, row_h, label_w = 420, 220, 20, 90
    height = row_h * len(phases) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="time per phase">'
    ]
    for i, p in enumerate(phases):
        y = 5 + i * row_h
        w = max(1.0, bar_w * p.seconds / longest)
        out.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="11">{_e(p.name)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row_h - 6}" fill="#546e7a"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 13}" font-size="11">{p.seconds:.1f} s · '
            f"{p.requests} req</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _cell(r: CheckResult | None, anchors: dict[int, str]) -> str:
    if r is None:
        return '<td class="cell skipped" title="not applicable">·</td>'
    status = r.status.value
    title = f"{r.check}: {status}, {r.cases} case(s)"
    if r.reason:
        title += f" — {r.reason}"
    if r.errors:
        title += f" — {r.errors[0]}"
    icon = ICONS[status]
    if r.failures:
        anchor = anchors.get(id(r.failures[0]), "")
        title += f" — {len(r.failures)} failing"
        return (
            f'<td class="cell {status}" data-check="{_e(r.check)}" title="{_e(title)}">'
            f'<a href="#{anchor}">{icon} {len(r.failures)}</a></td>'
        )
    return f'<td class="cell {status}" data-check="{_e(r.check)}" title="{_e(title)}">{icon}</td>'


def _failure(n: int, anchor: str, f: Failure) -> str:
    fi = f.finding
    rows = [("rule", f"<code>{_e(fi.rule)}</code>"), ("where", f"<code>{_e(fi.path)}</code>")]
    if f.level != "contract":
        rows.append(("level", "advisory: beyond what the contract says"))
    if fi.expected is not None:
        rows.append(("expected", _e(fi.expected)))
    if fi.actual is not None:
        rows.append(("actual", f"<code>{_e(fi.actual)}</code>"))
    if f.case:
        rows.append(("case", _e(f.case)))
    if f.occurrences > 1:
        rows.append(("seen", f"{f.occurrences} cases failed this way; this is the smallest"))
    if fi.suggestion:
        rows.append(("fix", _e(fi.suggestion)))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    parts = [
        f'<details class="failure" id="{anchor}" data-check="{_e(f.check)}" '
        f'data-operation="{_e(f.operation)}" data-level="{_e(f.level)}">',
        f"<summary>#{n} {'⚠ advisory · ' if f.level != 'contract' else ''}"
        f"<code>{_e(f.check)}</code> · {_e(f.operation)} — {_e(fi.message)}"
        + (f' <span class="times">×{f.occurrences}</span>' if f.occurrences > 1 else "")
        + "</summary>",
        f'<dl class="finding">{dl}</dl>',
    ]
    if f.steps:
        parts.append('<div class="label">steps</div><ol class="steps">')
        parts.extend(f"<li><code>{_e(s)}</code></li>" for s in f.steps)
        parts.append("</ol>")
    if f.payload is not None:
        parts.append('<div class="label">minimal payload</div>')
        parts.append(f'<pre class="payload">{_e(_json(f.payload))}</pre>')
    if f.request is not None:
        req = f.request
        head = f"{req.method} {req.url}\n" + "".join(f"{k}: {v}\n" for k, v in req.headers)
        body = _json(req.body) if req.body is not None else (req.body_text or "")
        parts.append('<div class="label">request</div>')
        parts.append(f'<pre class="request">{_e(head)}\n{_e(body)}</pre>')
        parts.append(
            f'<div class="label">reproduce <button class="copy" data-target="curl-{n}">copy</button></div>'
        )
        parts.append(f'<pre class="curl" id="curl-{n}">{_e(req.curl)}</pre>')
    if f.response is not None:
        r = f.response
        head = f"HTTP {r.status}  ({r.elapsed_ms:g} ms)\n" + "".join(
            f"{k}: {v}\n" for k, v in r.headers
        )
        body = _json(r.body) if r.body is not None else (r.body_text or "")
        if len(body) > 20000:
            body = body[:19999] + "…"
        parts.append('<div class="label">response</div>')
        parts.append(f'<pre class="response">{_e(head)}\n{_e(body)}</pre>')
    parts.append("</details>")
    return "\n".join(parts)


def _coverage(result: RunResult) -> str:
    """The coverage section: totals, per operation and rule family, and what was not exercised."""
    from contracttest.report._coverage import coverage_line, gate_line
    from contracttest.runner.results import percent

    line = coverage_line(result)
    if line is None:
        return ""
    gate = gate_line(result)
    families = sorted({f for c in result.coverage for f in c.families})
    head = "".join(f"<th>{_e(f)}</th>" for f in families)
    rows = []
    for c in result.coverage:
        cells = "".join(
            f"<td>{c.families[f][0]}/{c.families[f][1]}</td>" if f in c.families else "<td>·</td>"
            for f in families
        )
        short = "row-bad" if c.negative[0] < c.negative[1] else "row-ok"
        rows.append(
            f'<tr class="{short}"><td class="op">{_e(c.operation)}</td>'
            f"<td>{c.negative[0]}/{c.negative[1]} ({percent(c.negative):.0f}%)</td>"
            f"<td>{c.edges[0]}/{c.edges[1]}</td>{cells}</tr>"
        )
    missed = [(c.operation, m) for c in result.coverage for m in c.missed]
    total = sum(c.missed_total for c in result.coverage)
    items = "".join(
        f"<li>{_e(op)}: <code>{_e(m['rule'])}</code> at <code>{_e(m['part'])}{_e(m['location'] or '/')}</code>"
        f"{' [' + _e(m['variant']) + ']' if m.get('variant') else ''} ({_e(m['way'])}): "
        f"{_e(m.get('reason', ''))}</li>"
        for op, m in missed[:300]
    )
    more = f"<p>… and {total - 300} more (see the JSON report).</p>" if total > 300 else ""
    missed_html = (
        f"<details><summary>{total} unit(s) not exercised</summary><ul>{items}</ul>{more}</details>"
        if total
        else ""
    )
    gate_html = (
        f'<p class="{"verdict failed" if result.coverage_short else ""}">{_e(gate)}</p>'
        if gate
        else ""
    )
    return (
        f'<section id="coverage"><h2>Coverage</h2><p id="coverage-line">{_e(line)}</p>{gate_html}'
        f'<table class="matrix"><thead><tr><th>operation</th><th>negative</th><th>edges</th>{head}'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>{missed_html}</section>"
    )


def _top_failures(failures: list[Failure], anchors: dict[int, str]) -> str:
    """Kinds of failure (check and rule) by how many cases failed that way, most first, each linked
    to its first case: what to fix first, before the details."""
    kinds: dict[tuple[str, str], list[Failure]] = {}
    for f in failures:
        kinds.setdefault((f.check, f.finding.rule), []).append(f)
    if not kinds:
        return ""
    ranked = sorted(
        kinds.items(),
        key=lambda kv: (kv[1][0].level != "contract", -sum(f.occurrences for f in kv[1]), kv[0]),
    )
    items = "".join(
        f'<li><a href="#{anchors[id(fs[0])]}"><code>{_e(check)}</code> · <code>{_e(rule)}</code></a> '
        f"{sum(f.occurrences for f in fs)} case(s) on {len({f.operation for f in fs})} operation(s)"
        f"{' · advisory' if fs[0].level != 'contract' else ''} — {_e(fs[0].finding.message)}</li>"
        for (check, rule), fs in ranked[:8]
    )
    more = f"<li>… {len(ranked) - 8} more kinds below</li>" if len(ranked) > 8 else ""
    return f'<div id="top-failures"><h3>Top failures</h3><ol>{items}{more}</ol></div>'


def _warnings(warnings: list[RunWarning], rows: dict[str, str]) -> str:
    """The warnings section: those that affect the verdict first and open; each names its
    operations (linked to their row of the matrix) and what to do."""
    if not warnings:
        return ""
    blocks = []
    for w in warnings:
        shown = w.items[:50]
        items = "".join(
            "<li>"
            + (
                f'<a href="#{rows[i.operation]}"><code>{_e(i.operation)}</code></a>: '
                if i.operation in rows
                else (f"<code>{_e(i.operation)}</code>: " if i.operation else "")
            )
            + f"{_e(i.detail)}</li>"
            for i in shown
        )
        more = (
            f"<li>… and {len(w.items) - 50} more (see the JSON report)</li>"
            if len(w.items) > 50
            else ""
        )
        blocks.append(
            f'<details class="warning {"affects" if w.affects_verdict else "note"}" id="warning-{_e(w.id)}" '
            f'data-warning="{_e(w.id)}" data-affects-verdict="{str(w.affects_verdict).lower()}"'
            f"{' open' if w.affects_verdict else ''}>"
            f'<summary><span class="w-title">⚠ {_e(w.title)}</span>{_e(w.message)}</summary>'
            + (f"<ul>{items}{more}</ul>" if items else "")
            + f'<p class="tip"><b>What to do:</b> {_e(w.tip)}</p></details>'
        )
    return f'<section id="warnings"><h2>Warnings ({len(warnings)})</h2>{"".join(blocks)}</section>'


def render(result: RunResult) -> str:
    from contracttest.report.run_warnings import affecting, warnings_of

    m = result.metadata
    warnings = warnings_of(result)
    named: dict[str, list[RunWarning]] = {}
    for w in warnings:
        for item in w.items:
            if item.operation is not None and w not in named.setdefault(item.operation, []):
                named[item.operation].append(w)
    row_ids = {op.label: f"op-{i}" for i, op in enumerate(result.operations, start=1)}
    counts = result.counts()
    failures = result.failures()
    anchors = {id(f): f"failure-{i}" for i, f in enumerate(failures, start=1)}
    verdict = result.verdict

    meta_rows = [
        ("spec", f"{m.spec_title} {m.spec_version} — <code>{_e(m.spec_source)}</code>"),
        ("spec sha256", f"<code>{_e(m.spec_sha256)}</code>"),
        ("overlays", _e(", ".join(m.overlays) or "none")),
        (
            "endpoint",
            f"<code>{_e(m.base_url)}</code> ({_e(m.target)}{', read-only' if m.read_only else ''})",
        ),
        ("seed", f"<code>{m.seed}</code> · max examples {m.max_examples}"),
        (
            "run",
            f"{_e(m.started_at)} · {m.duration_s:.1f} s · {m.requests} requests · id {_e(m.run_id)}",
        ),
        ("versions", _e(", ".join(f"{k} {v}" for k, v in sorted(m.versions.items())))),
    ]
    if m.aborted:
        meta_rows.append(("aborted", f"<strong>{_e(m.aborted)}</strong>"))
    if m.interrupted:
        meta_rows.append(("interrupted", "the run was interrupted; results are partial"))

    head_cells = "".join(
        f'<th class="check" title="{_e(result.title_of(c))}" data-check="{_e(c)}">{_e(result.short_of(c))}</th>'
        for c in result.checks
    )
    rows = []
    for op in result.operations:
        cells = [result.result(op.label, c) for c in result.checks]
        bad = any(r is not None and r.status.value in ("failed", "errored") for r in cells)
        flags = named.get(op.label, [])
        flag = (
            f'<a class="row-warn" href="#warning-{_e(flags[0].id)}" '
            f'title="{_e(", ".join(w.title for w in flags))}">⚠</a>'
            if flags
            else ""
        )
        rows.append(
            f'<tr class="{"row-bad" if bad or flags else "row-ok"}" id="{row_ids[op.label]}" '
            f'data-operation="{_e(op.label)}">'
            f'<td class="op"><span class="method">{_e(op.method)}</span> <code>{_e(op.path)}</code>'
            f"{flag}<br><small>{_e(op.operation_id)}</small></td>"
            + "".join(_cell(r, anchors) for r in cells)
            + "</tr>"
        )
    matrix = (
        '<table class="matrix" id="matrix"><thead><tr><th>operation</th>'
        + head_cells
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    legend = "".join(
        f'<span style="color:{COLORS[s]}">{ICONS[s]} {s} ({counts.get(s, 0)})</span>'
        for s in STATUSES
    )
    fail_html = (
        "\n".join(_failure(i, anchors[id(f)], f) for i, f in enumerate(failures, start=1))
        or "<p>No failing case.</p>"
    )
    errors = [
        (op.label, r)
        for op in result.operations
        for c in result.checks
        if (r := result.result(op.label, c)) is not None and r.errors
    ]
    err_html = "".join(
        f"<li><code>{_e(r.check)}</code> on {_e(op)}: {_e('; '.join(r.errors[:3]))}</li>"
        for op, r in errors
    )
    spec_html = "".join(
        f'<li class="spec-finding"><code>{_e(f.rule)}</code> ({_e(str(f.severity))}) '
        f"{_e(f.message)} <small>{_e(f.target or '')} {_e(f.path)}</small></li>"
        for f in sorted(result.spec_findings, key=lambda f: f.sort_key())
    )
    notes_html = "".join(f"<li>{_e(n)}</li>" for n in result.notes)
    serious = affecting(warnings)
    caveat = (
        f'<a class="caveat" id="caveat" href="#warning-{_e(serious[0].id)}">'
        f"⚠ {len(serious)} warning{'s' if len(serious) != 1 else ''} "
        f"affect{'s' if len(serious) == 1 else ''} this result</a>"
        if serious
        else ""
    )

    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>contracttest: {_e(verdict)} — {_e(m.spec_title)}</title>
<style>{_CSS}</style>
</head>
<body data-verdict="{_e(verdict)}" data-warnings="{len(warnings)}">
<header>
<h1>contracttest run — <span class="verdict {_e(verdict)}" id="verdict">{_e(verdict)}</span>{caveat}</h1>
<div>{len(result.operations)} operations × {len(result.checks)} checks · {len(failures)} failing case(s)</div>
</header>
<main>
{_warnings(warnings, row_ids)}
<section id="summary">
<table class="meta">{"".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in meta_rows)}</table>
{_top_failures(failures, anchors)}
</section>
<section id="charts">
<h2>Overview</h2>
<div class="charts">
<div class="chart"><h3>All operation × check results</h3>{_donut(counts)}<div class="legend">{legend}</div></div>
<div class="chart"><h3>Per check (operations)</h3>{_bars(result)}</div>
<div class="chart"><h3>Time per phase</h3>{_phases(result)}</div>
</div>
</section>
<section id="matrix-section">
<h2>Operations × checks</h2>
<div class="toolbar"><label><input type="checkbox" id="only-failing"> only operations with problems</label></div>
{matrix}
</section>
{_coverage(result)}
<section id="failures">
<h2>Failures ({len(failures)})</h2>
{fail_html}
</section>
{f'<section id="errors"><h2>Could not finish</h2><ul>{err_html}</ul></section>' if err_html else ""}
<section id="spec-findings">
<h2>Spec findings ({len(result.spec_findings)})</h2>
{f"<ul>{spec_html}</ul>" if spec_html else "<p>None.</p>"}
</section>
{f'<section id="notes"><h2>Notes</h2><ul>{notes_html}</ul></section>' if notes_html else ""}
</main>
<script>{_JS}</script>
</body>
</html>
"""
    return result.scrub(page)


def write(result: RunResult, directory: Path) -> Path:
    return atomic_write(directory / FILENAME, render(result))

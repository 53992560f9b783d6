"""Console output of a run: a progress bar per phase, a summary table, the verdict.

A run handler (``start`` / ``handle_event`` / ``shutdown``). ``quiet`` prints only the verdict line.
Progress bars are drawn only on a terminal; elsewhere (CI logs, tests) each phase prints one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from contracttest.runner.events import Event
    from contracttest.runner.plan import Plan
    from contracttest.runner.results import RunResult

__all__ = ["ConsoleReporter", "verdict_line"]

STYLE = {
    "passed": "green",
    "failed": "bold red",
    "advisory": "magenta",
    "errored": "yellow",
    "skipped": "dim",
}


def verdict_line(result: RunResult) -> str:
    counts = result.counts()
    m = result.metadata
    word = {"passed": "PASSED", "failed": "FAILED", "error": "ERROR"}[result.verdict]
    advisory = (
        f", {counts['advisory']} advisory ({len(result.failures('advisory'))} advisory findings"
        f"{', failing the run: --fail-on advisory' if m.fail_on == 'advisory' else ''})"
        if counts.get("advisory")
        else ""
    )
    text = (
        f"{word}: {len(result.operations)} operations x {len(result.checks)} checks — "
        f"{counts['passed']} passed, {counts['failed']} failed{advisory}, {counts['errored']} "
        f"errored, {counts['skipped']} skipped ({len(result.failures('contract'))} failing cases, "
        f"{m.requests} requests, {m.duration_s:.1f} s)"
    )
    from contracttest.report.run_warnings import affecting, warnings_of

    serious = len(affecting(warnings_of(result)))
    if serious:
        text += (
            f" — {serious} warning above qualifies this result"
            if serious == 1
            else f" — {serious} warnings above qualify this result"
        )
    if m.aborted:
        text += f" — aborted: {m.aborted}"
    elif m.interrupted:
        text += " — interrupted"
    return result.scrub(text)


class ConsoleReporter:
    """Renders run events on a rich console."""

    def __init__(
        self, console: Console, *, quiet: bool = False, verbose: int = 0, max_failures: int = 10
    ) -> None:
        self.console = console
        self.quiet = quiet
        self.verbose = verbose
        self.max_failures = max_failures
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    # handler protocol ---------------------------------------------------------------------
    def start(self, plan: Plan) -> None:
        if self.quiet:
            return
        from rich.text import Text

        self.console.print(
            Text.assemble(
                ("contracttest run ", "bold"),
                f"{plan.spec.title or plan.spec.source} → {plan.base_url_display} ",
                (f"({plan.target_kind}{', read-only' if plan.read_only else ''})", "dim"),
            )
        )
        self.console.print(
            Text(
                f"{len(plan.operations)} operations, {len(plan.checks)} checks, seed {plan.seed}, "
                f"max examples {plan.max_examples}",
                style="dim",
            )
        )

    def handle_event(self, event: Event) -> None:
        from contracttest.runner import events as ev

        if isinstance(event, ev.PhaseStarted):
            self._phase_started(event)
        elif isinstance(event, ev.CaseDone):
            task = self._tasks.get(event.phase)
            if self._progress is not None and task is not None:
                self._progress.advance(task)
        elif isinstance(event, ev.PhaseDone):
            self._phase_done(event)
        elif isinstance(event, ev.Note):
            if not self.quiet or event.level == "error":
                from rich.text import Text

                style = {"warning": "yellow", "error": "bold red"}.get(event.level, "dim")
                self._print(Text(event.message, style=style))
        elif isinstance(event, ev.RunDone):
            self._stop()
            self._summary(event.result)

    def shutdown(self) -> None:
        self._stop()

    # internals ----------------------------------------------------------------------------
    def _print(self, renderable: Any) -> None:
        if self._progress is not None:
            self._progress.console.print(renderable)
        else:
            self.console.print(renderable)

    def _phase_started(self, event: Any) -> None:
        if self.quiet or not self.console.is_terminal:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        if self._progress is None:
            self._progress = Progress(
                TextColumn("{task.description:<22}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=False,
            )
            self._progress.start()
        self._tasks[event.phase] = self._progress.add_task(event.title, total=max(event.total, 1))

    def _phase_done(self, event: Any) -> None:
        if self.quiet:
            return
        task = self._tasks.get(event.phase)
        if self._progress is not None and task is not None:
            self._progress.update(task, completed=self._progress.tasks[task].total)
        else:
            from rich.text import Text

            self.console.print(
                Text(
                    f"  {event.phase:<10} {event.seconds:6.1f} s  {event.requests:5d} requests",
                    style="dim",
                )
            )

    def _stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def _summary(self, result: RunResult) -> None:
        from rich.table import Table
        from rich.text import Text

        style = {"passed": "bold green", "failed": "bold red", "error": "bold yellow"}[
            result.verdict
        ]
        if self.quiet:
            self._warnings(result, only_affecting=True)
            if result.coverage_short:
                from contracttest.report._coverage import gate_line

                self.console.print(Text(gate_line(result) or "", style="bold red"), soft_wrap=True)
            self.console.print(Text(verdict_line(result), style=style), soft_wrap=True)
            return
        from contracttest.runner.results import STATUSES

        table = Table(title="Checks", title_justify="left", show_lines=False)
        table.add_column("check")
        for col in STATUSES:
            table.add_column(col, justify="right", style=STYLE[col])
        table.add_column("failing cases", justify="right")
        for cid in result.checks:
            per = dict.fromkeys(STATUSES, 0)
            fails = 0
            for op in result.operations:
                r = result.result(op.label, cid)
                if r is not None:
                    per[r.status.value] += 1
                    fails += len(r.failures)
            table.add_row(
                Text(cid),
                *(str(per[c]) if per[c] else "" for c in STATUSES),
                str(fails) if fails else "",
            )
        self.console.print(table)
        failures = result.failures("contract") + result.failures("advisory")
        for f in failures[: self.max_failures]:
            mark = ("✗ ", "bold red") if f.level == "contract" else ("⚠ advisory ", "magenta")
            self.console.print(
                Text.assemble(
                    mark,
                    (f"{f.check} ", "bold"),
                    f"{f.operation}: ",
                    result.scrub(f.finding.message),
                )
            )
            if f.request is not None and self.verbose:
                self.console.print(Text("    " + result.scrub(f.request.curl), style="dim"))
        if len(failures) > self.max_failures:
            self.console.print(
                Text(
                    f"… and {len(failures) - self.max_failures} more failing cases (see the reports)",
                    style="dim",
                )
            )
        for op in result.operations:
            for cid in result.checks:
                r = result.result(op.label, cid)
                if r is not None and r.errors:
                    self.console.print(
                        Text(
                            f"! {cid} on {op.label} could not finish: {result.scrub(r.errors[0])}",
                            style="yellow",
                        )
                    )
        if result.spec_findings:
            self.console.print(
                Text(
                    f"{len(result.spec_findings)} spec finding(s) (not failures; see the reports)",
                    style="dim",
                )
            )
        from contracttest.report._coverage import coverage_line, gate_line

        for line in (coverage_line(result), gate_line(result)):
            if line:
                short = result.coverage_short and line is not None and "fail-under" in line
                self.console.print(Text(line, style="bold red" if short else ""), soft_wrap=True)
        self._warnings(result)
        self.console.print(Text(verdict_line(result), style=style), soft_wrap=True)

    def _warnings(self, result: RunResult, *, only_affecting: bool = False) -> None:
        """The run's warnings, next to the verdict they qualify (those that affect it first)."""
        from rich.text import Text

        from contracttest.report.run_warnings import warnings_of

        for w in warnings_of(result):
            if only_affecting and not w.affects_verdict:
                continue
            style = "bold yellow" if w.affects_verdict else "yellow"
            self.console.print(
                Text.assemble(
                    ("⚠ warning: ", style), (w.title, "bold"), f": {result.scrub(w.message)}"
                ),
                soft_wrap=True,
            )
            if self.quiet:
                continue
            for item in w.items[:3]:
                where = f"{item.operation}: " if item.operation else ""
                self.console.print(
                    Text(result.scrub(f"    {where}{item.detail}"), style="dim"), soft_wrap=True
                )
            if len(w.items) > 3:
                self.console.print(
                    Text(f"    … and {len(w.items) - 3} more (see the reports)", style="dim")
                )
            self.console.print(Text(f"    tip: {w.tip}", style="dim"), soft_wrap=True)

"""What a browser test asserts about one notebook's run (shared by the live and replayed tests)."""

from __future__ import annotations

from tools.browser import RunReport


def verdict(report: RunReport) -> list[str]:
    """Every problem the page showed and every widget action that did not answer as expected;
    the report's timings go to the test's output (pytest -rP, or the log on failure)."""
    print(
        f"{report.notebook}: Run All to idle {report.seconds:.0f} s; {report.outputs} outputs, "
        f"{report.images} plots, {report.widgets} widgets; {report.screenshot}"
    )
    for action in report.actions:
        print(f"  {'ok' if action.ok else 'FAILED'}: {action.name} ({action.seconds:.1f} s)")
    found = [problem.what for problem in report.problems]
    found += [f"{a.name}: {a.detail or 'not as expected'}" for a in report.actions if not a.ok]
    return found

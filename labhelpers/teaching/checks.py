"""Exercise checks: plain functions that inspect the learner's live Engine and return a verdict.

The exercise pattern every notebook follows:

1. a markdown prompt with a hint, naming the plain `docker` commands to use in a terminal;
2. an empty code cell for the learner;
3. a check cell (`lh.<lesson>.check_...()`, decorated with `@exercise_check(title)`) that
   inspects the live Engine and returns a CheckResult: passed, or what is missing and a hint;
4. `lh.show_solution("solutions/NN-name.sh")`, which shows the solution file without running it.

tests/ run each solution file for real, then the check (which must pass), and the check on an
untouched state (which must fail with its hint).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from typing import Any

from ..core.results import result

__all__ = ["CheckResult", "exercise_check", "not_yet", "passed"]


@result
class CheckResult:
    """The verdict of an exercise check on the live Engine."""

    title: str
    passed: bool
    message: str
    hint: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        if self.passed:
            return f"PASSED · {self.title}: {self.message}"
        return f"NOT YET · {self.title}: {self.message}\nHint: {self.hint}"

    def _repr_html_(self) -> str:
        colour, word = ("#1a7f37", "Passed") if self.passed else ("#9a6700", "Not yet")
        hint = "" if self.passed else f"<br><b>Hint:</b> {html.escape(self.hint)}"
        return (
            f"<div style='border-left:4px solid {colour};padding:4px 8px'>"
            f"<b style='color:{colour}'>{word}</b> · {html.escape(self.title)}: "
            f"{html.escape(self.message)}{hint}</div>"
        )


def exercise_check(
    title: str,
) -> Callable[[Callable[..., CheckResult]], Callable[..., CheckResult]]:
    """Decorate an exercise's check function (which returns a CheckResult).

    Checks inspect the learner's live Engine. In replay mode a check cannot see anything the
    learner did: it shows what it said in the recorded run (under a banner saying that checks
    need a live Engine), or, when that was not recorded, answers that it needs a live Engine.
    """

    def wrap(fn: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> CheckResult:
            from ..replay import modes, player, recorder

            if modes.active():
                recorded = player.replay_check(fn, args, kwargs)
                if recorded is not None:
                    return recorded
                return not_yet(
                    title,
                    "this check needs a live Docker Engine; these results are a replay.",
                    "run the course on a machine with Docker (see README).",
                )
            with recorder.recorder(fn, args, kwargs) as call:
                verdict = fn(*call.args, **call.kwargs)
                call.done(verdict)
            return verdict

        return run

    return wrap


def passed(title: str, message: str) -> CheckResult:
    return CheckResult(title, True, message)


def not_yet(title: str, message: str, hint: str) -> CheckResult:
    return CheckResult(title, False, message, hint)
